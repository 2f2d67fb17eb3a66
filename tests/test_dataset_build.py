"""Dataset generation and build: determinism, split leakage, manifest and shards, loading, bad-data
errors that name the file and record, and the CLI (`dataset build/stats/check`) via subprocess."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
try:
    import tiny_agent_trainer  # noqa: F401
except ImportError:
    sys.path.insert(0, str(ROOT / "src"))

from tiny_agent_trainer.dataset.build import build, load_records, overlap  # noqa: E402
from tiny_agent_trainer.dataset.check import check_files, read_file  # noqa: E402
from tiny_agent_trainer.dataset.generate import TEST_VARIANTS, generate  # noqa: E402
from tiny_agent_trainer.dataset.phrasing import TEST_FRAMES  # noqa: E402
from tiny_agent_trainer.errors import UserError  # noqa: E402
from tiny_agent_trainer.spec import file_hash  # noqa: E402


def _sig(pairs):
    return [(p.prompt, p.inst.code, p.split, p.frame) for p in pairs]


def test_deterministic_and_distinct():
    a, b = generate(1500, seed=7), generate(1500, seed=7)
    assert _sig(a) == _sig(b)
    assert len(a) == 1500
    assert len({p.prompt for p in a}) == 1500
    c = generate(1500, seed=8)
    assert _sig(a) != _sig(c)


def test_splits_do_not_leak():
    pairs = generate(4000, seed=0)
    by = {s: [p for p in pairs if p.split == s] for s in ("train", "val", "test")}
    assert all(by.values()), {s: len(v) for s, v in by.items()}
    train_var = {p.inst.variant for p in by["train"]}
    train_frames = {p.frame for p in by["train"]}
    test_var = {p.inst.variant for p in by["test"]}
    test_frames = {p.frame for p in by["test"]}
    assert not train_var & test_var
    assert not train_frames & test_frames
    assert test_var <= TEST_VARIANTS and test_frames <= TEST_FRAMES
    # every family keeps trained variants; val is drawn from train variants, never sharing a drawn instance
    assert {p.inst.family for p in by["test"]} <= {p.inst.family for p in by["train"]}
    assert {p.inst.variant for p in by["val"]} <= train_var
    assert not {p.group for p in by["val"]} & {p.group for p in by["train"]}
    ov = overlap([p.prompt for p in by["train"]], [p.prompt for p in by["test"]])
    assert 0 <= ov < 0.6


@pytest.fixture(scope="module")
def small_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("ds")
    m = build(out, count=150, seed=1, workers=1, progress=False, curated=None, paraphrases=None)
    return out, m


def test_build_manifest_and_shards(small_build):
    out, m = small_build
    assert m["synthetic_kept"] + m["failed_pairs"] == 150
    assert m["failed_pairs"] == 0, m["failures"]
    assert m["verification"]["shaders"] > 0
    for name, info in m["shards"].items():
        assert file_hash(out / name) == info["sha256"]
        assert sum(1 for _ in open(out / name)) == info["records"]
    assert set(m["counts"]) == {"train", "val", "test"}
    assert sum(sum(c.values()) for c in m["families"].values()) == sum(m["counts"].values())
    assert "4gram" in m["ngram_overlap"] and m["seed"] == 1 and m["generator_version"]
    recs = load_records(out)
    assert len(recs) == sum(m["counts"].values())
    test = load_records(out, split="test")
    assert test and all(r["split"] == "test" for r in test)
    r = recs[0]
    for k in ("id", "prompt", "reference", "buffers", "threads", "family", "variant", "source", "split", "phrasing", "oracle"):
        assert k in r


def test_bad_data_errors_name_the_record(tmp_path, small_build):
    out, _ = small_build
    good = (out / "train-000.jsonl").read_text().splitlines()
    bad = tmp_path / "bad.jsonl"
    rec = json.loads(good[1])
    del rec["threads"]
    broken_wgsl = json.loads(good[2])
    broken_wgsl["reference"] = broken_wgsl["reference"].replace("fn main", "fn main(")
    wrong = json.loads(good[3])
    wrong["oracle"] = wrong["oracle"] + " + 1" if "\n" not in wrong["oracle"] else wrong["oracle"] + "\n" + \
        [ln.split(" = ")[0] for ln in wrong["oracle"].splitlines() if " = " in ln][-1] + " += 1"
    bad.write_text("\n".join([good[0], json.dumps(rec), json.dumps(broken_wgsl), json.dumps(wrong), "{not json"]) + "\n")
    with pytest.raises(UserError, match=r"bad.jsonl: line 2 \(syn_\d+\): missing field 'threads'"):
        read_file(bad)
    n, probs = check_files([bad], workers=1)
    assert n == 5
    got = {p.record: p.reason for p in probs}
    assert "line 1" not in got
    assert "missing field 'threads'" in got["line 2"]
    assert "naga" in got["line 3"] or "error" in got["line 3"].lower()
    assert "mismatch" in got["line 4"]
    assert "not valid JSON" in got["line 5"]
    toml = tmp_path / "bad.toml"
    toml.write_text("[[task]]\nid = 'x'\nprompt = \n")
    with pytest.raises(UserError, match="bad.toml: TOML error"):
        check_files([toml])


def _cli(*args, timeout=240):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    return subprocess.run([sys.executable, "-m", "tiny_agent_trainer", "dataset", *args], capture_output=True, text=True,
                          env=env, timeout=timeout, cwd=ROOT)


def test_cli_build_stats_check(tmp_path):
    out = tmp_path / "d"
    r = _cli("build", "--out", str(out), "--count", "200", "--seed", "2", "--no-progress")
    assert r.returncode == 0, r.stderr
    m = json.loads((out / "manifest.json").read_text())
    assert m["synthetic_kept"] == 200 and m["failed_pairs"] == 0
    assert (out / "train-000.jsonl").exists() and (out / "val.jsonl").exists() and (out / "test.jsonl").exists()
    png = tmp_path / "p.png"
    r = _cli("stats", str(out), "--plot", str(png))
    assert r.returncode == 0, r.stderr
    assert "unary" in r.stdout and png.stat().st_size > 1000
    r = _cli("check", str(out / "test.jsonl"), "--workers", "1")
    assert r.returncode == 0, r.stdout + r.stderr
    bad = tmp_path / "bad.jsonl"
    line = (out / "test.jsonl").read_text().splitlines()[0]
    bad.write_text(line + "\n" + line.replace('"reference": "', '"reference": "garbage ') + "\n")
    r = _cli("check", str(bad), "--workers", "1")
    assert r.returncode == 1
    assert "bad.jsonl: line 2" in r.stdout
    r = _cli("build", "--out", str(out), "--count", "0")
    assert r.returncode == 2 and "error:" in r.stderr


def test_counts_by_family_reasonable():
    pairs = generate(3000, seed=0)
    fam = Counter(p.inst.family for p in pairs)
    # the smallest family (stencil: one variant) gets about 0.45% of the pairs (generator 2.8: 325 variants)
    assert min(fam.values()) >= 12, fam
    assert fam.most_common(1)[0][1] <= 0.2 * len(pairs), fam


def test_generate_never_exceeds_the_requested_count():
    """Regression: when some variants ran dry in a round, their shortfall was handed to others and the
    total overshot (8,490 pairs for 8,000 requested from these six variants)."""
    from tiny_agent_trainer.dataset.families import all_variants
    from tiny_agent_trainer.dataset.generate import generate

    vs = {v.id: v for v in all_variants()}
    sub = [vs[i] for i in ("reduction/sum", "reduction/max", "2d/transpose", "unary/relu", "chromatic/grayscale",
                           "integer/popcount")]
    assert len(generate(8000, 0, variants=sub)) == 8000


def _first_task_block(path: Path) -> str:
    """The text of the first `[[task]]` of a TOML task file (with its buffers), as written there."""
    text = path.read_text()
    start = text.index("[[task]]\n")
    end = text.find("\n[[task]]\n", start + 1)
    return text[start:end if end > 0 else None] + "\n"


def test_extra_curated_paths_refuse_held_out_missing_and_repeated_files(tmp_path):
    from tiny_agent_trainer.dataset.build import extra_curated_paths

    ok = ROOT / "benchmarks" / "summit.toml"
    assert extra_curated_paths(f" {ok} , ") == [ok]
    assert extra_curated_paths("") == [] and extra_curated_paths([]) == []
    for bad, why in [("benchmarks/public.toml", "held-out"), ("benchmarks/paraphrases.toml", "held-out"),
                     (str(tmp_path / "nope.toml"), "not found"), (f"{ok},{ok}", "twice")]:
        with pytest.raises(UserError, match=why):
            extra_curated_paths(bad)


def test_extra_curated_tasks_join_training_and_near_copies_of_held_out_prompts_are_dropped(tmp_path):
    """A task of an extra file becomes a curated training record; one whose prompt copies a prompt of a
    benchmark still held out (here public.toml's first task) is dropped and listed in the manifest."""
    from tiny_agent_trainer.spec import load_bench

    extra = tmp_path / "extra.toml"
    extra.write_text(_first_task_block(ROOT / "config" / "wgsl_training_data.toml")
                     + _first_task_block(ROOT / "benchmarks" / "public.toml"))
    kept_id, copied = (t.id for t in load_bench(extra))
    m = build(tmp_path / "ds", count=20, seed=1, workers=1, progress=False, verify=False, curated=None,
              paraphrases=None, extra_curated=[extra])
    assert m["curated"] == 1 and m["extra_curated"] == [str(extra)]
    assert m["extra_curated_dropped"] == [{"id": copied, "near_copy_of": f"public.toml:{copied}"}]
    cur = [r for r in load_records(tmp_path / "ds") if r["source"] == "curated"]
    assert [(r["id"], r["variant"], r["split"]) for r in cur] == [(kept_id, f"curated/extra/{kept_id}", "train")]
