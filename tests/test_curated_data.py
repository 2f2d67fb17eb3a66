"""The hand-written data files: curated training pairs, the held-out paraphrase benchmark, the
development benchmark (benchmarks/dev.toml), the held-out set (benchmarks/holdout.toml, no NumPy oracles:
its references are the ground truth, checked by the judge in tests/test_eval_judge.py) and the fresh set
(benchmarks/fresh.toml: 48 prompts written blind, without running the model, in the tenth session) and
the blind set (benchmarks/blind.toml: 48 more, written the same way in the same session, kept for the
final measurement of that session), the outside set (benchmarks/outside.toml: 48 more, written blind
the same way in the eleventh session, kept for that session's final measurement) and the beyond set
(benchmarks/beyond.toml: 48 more, written blind the same way in the twelfth session, for its final measurement)
and the frontier set (benchmarks/frontier.toml: 48 more, written blind the same way in the thirteenth session,
for its final measurement) and the horizon set (benchmarks/horizon.toml: 48 more, written blind the same way
in the thirteenth session, kept for a later session's measurement) and the summit set (benchmarks/summit.toml:
48 more, written blind the same way in the fourteenth session, kept for that session's final measurement) and the
vista set (benchmarks/vista.toml: 48 more, written blind the same way in the fourteenth session, kept for a later
session's measurement) and the zenith set (benchmarks/zenith.toml: 48 more, written blind the same way after the
vista set, kept for a later session's measurement) and the apex set (benchmarks/apex.toml: 48 more, written blind
the same way after the zenith set, kept for a later session's measurement) and the crest set (benchmarks/crest.toml:
48 more, written blind the same way after the apex set, kept for a later session's measurement) and the ridge set
(benchmarks/ridge.toml: 48 more, written blind the same way after the crest set, kept for a later session's
measurement) and the delta set (benchmarks/delta.toml: 48 more, written blind the same way after the ridge set,
kept for a later session's measurement) and the ember set (benchmarks/ember.toml: 48 more, written blind the same way
after the delta set, kept for the eighteenth session's final measurement) and the flare set (benchmarks/flare.toml:
48 more, written blind the same way after the ember set, kept for a later session's measurement; run first in the
nineteenth session) and the glint set (benchmarks/glint.toml: 48 more, written blind the same way at the start of the
nineteenth session, kept for that session's final measurement) and the haze set (benchmarks/haze.toml: 48 more,
written blind the same way at the same time, kept for a later session's measurement; run first in the twentieth
session) and the iris set (benchmarks/iris.toml: 48 more, written blind the same way at the start of the twentieth
session, kept for that session's final measurement; run once at its end) and the jade set (benchmarks/jade.toml: 48
more, written blind the same way at the end of the twentieth session, kept for a later session's measurement; run first
in the twenty-first session) and the kestrel set (benchmarks/kestrel.toml: 48 more, written blind the same way at the
start of the twenty-first session, used there as a choice set) and the lark set (benchmarks/lark.toml: 48 more, written
blind the same way in the twenty-first session, kept for that session's final measurement; run once at its end) and
the marsh set (benchmarks/marsh.toml: 48 more, written blind the same way at the end of the twenty-first session, kept
for a later session's measurement; run first in the twenty-second session) and the nook set (benchmarks/nook.toml: 48
more, written blind the same way at the start of the twenty-second session, kept for that session's final
measurement; run once at its end), three sets written the same way in the twenty-second session as training data
(benchmarks/oak.toml, pine.toml, quill.toml: 48 each, never measured) and the reef set (benchmarks/reef.toml: 48 more,
written blind the same way at the end of the twenty-second session, kept for a later session's measurement).

Since the twenty-first session sixteen used sets are also training data (`[dataset] extra_curated` of
config/ship_stage18.toml), and since the twenty-second the shipped reviewer's data adds oak, pine and quill
(config/reviewer_stage19.toml): their prompts must not be near-copies of any held-out set's.

Checks the format and the kernel conventions of every reference, that the paraphrase and development
prompts are not copies of curated ones, and runs every reference on the (software) GPU against its
NumPy oracle.
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
try:
    import tiny_agent_trainer  # noqa: F401
except ImportError:  # running from a checkout without an installed package
    sys.path.insert(0, str(ROOT / "src"))

from tiny_agent_trainer.dataset.oracle import check_task, parse_bindings, parse_struct_fields  # noqa: E402
from tiny_agent_trainer.spec import load_bench  # noqa: E402

CURATED = ROOT / "config" / "wgsl_training_data.toml"
PARAPHRASES = ROOT / "benchmarks" / "paraphrases.toml"
DEV = ROOT / "benchmarks" / "dev.toml"
FRESH = ROOT / "benchmarks" / "fresh.toml"
BLIND = ROOT / "benchmarks" / "blind.toml"
OUTSIDE = ROOT / "benchmarks" / "outside.toml"
BEYOND = ROOT / "benchmarks" / "beyond.toml"
FRONTIER = ROOT / "benchmarks" / "frontier.toml"
HORIZON = ROOT / "benchmarks" / "horizon.toml"
SUMMIT = ROOT / "benchmarks" / "summit.toml"
VISTA = ROOT / "benchmarks" / "vista.toml"
ZENITH = ROOT / "benchmarks" / "zenith.toml"
APEX = ROOT / "benchmarks" / "apex.toml"
CREST = ROOT / "benchmarks" / "crest.toml"
RIDGE = ROOT / "benchmarks" / "ridge.toml"
DELTA = ROOT / "benchmarks" / "delta.toml"
EMBER = ROOT / "benchmarks" / "ember.toml"
FLARE = ROOT / "benchmarks" / "flare.toml"
GLINT = ROOT / "benchmarks" / "glint.toml"
HAZE = ROOT / "benchmarks" / "haze.toml"
IRIS = ROOT / "benchmarks" / "iris.toml"
JADE = ROOT / "benchmarks" / "jade.toml"
KESTREL = ROOT / "benchmarks" / "kestrel.toml"
LARK = ROOT / "benchmarks" / "lark.toml"
MARSH = ROOT / "benchmarks" / "marsh.toml"
NOOK = ROOT / "benchmarks" / "nook.toml"
OAK = ROOT / "benchmarks" / "oak.toml"
PINE = ROOT / "benchmarks" / "pine.toml"
QUILL = ROOT / "benchmarks" / "quill.toml"
REEF = ROOT / "benchmarks" / "reef.toml"
SHIP_CONFIG = ROOT / "config" / "ship_stage18.toml"  # the shipped generator's
REVIEWER_CONFIG = ROOT / "config" / "reviewer_stage19.toml"  # the shipped reviewer's
HOLDOUT = ROOT / "benchmarks" / "holdout.toml"
FAMILIES = {"unary", "binary", "parametric", "chromatic", "integer", "2d", "reduction", "inplace"}
ACCESS = {"read": "storage,read", "read_write": "storage,read_write", "uniform": "uniform"}
RANK = {"read": 0, "read_write": 1, "uniform": 2}
# Word-set overlap above which a paraphrase counts as a copy of a curated prompt (stricter than 0.8;
# the hand-written set currently peaks around 0.5).
MAX_JACCARD = 0.6


@pytest.fixture(scope="module")
def curated():
    return load_bench(CURATED)


@pytest.fixture(scope="module")
def paraphrases():
    return load_bench(PARAPHRASES)


@pytest.fixture(scope="module")
def dev():
    return load_bench(DEV)


@pytest.fixture(scope="module")
def fresh():
    # the blind sets: same rules, prefixes fresh_ / blind_ / outside_ / beyond_ / frontier_ / horizon_ / summit_
    # / vista_ / zenith_ / apex_ / crest_ / ridge_ / delta_ / ember_ / flare_ / glint_ / haze_ / iris_ / jade_
    # / kestrel_ / lark_ / marsh_ / nook_ / oak_ / pine_ / quill_ / reef_
    return (load_bench(FRESH) + load_bench(BLIND) + load_bench(OUTSIDE) + load_bench(BEYOND)
            + load_bench(FRONTIER) + load_bench(HORIZON) + load_bench(SUMMIT) + load_bench(VISTA)
            + load_bench(ZENITH) + load_bench(APEX) + load_bench(CREST) + load_bench(RIDGE)
            + load_bench(DELTA) + load_bench(EMBER) + load_bench(FLARE) + load_bench(GLINT) + load_bench(HAZE)
            + load_bench(IRIS) + load_bench(JADE) + load_bench(KESTREL) + load_bench(LARK)
            + load_bench(MARSH) + load_bench(NOOK) + load_bench(OAK) + load_bench(PINE) + load_bench(QUILL)
            + load_bench(REEF))


@pytest.fixture(scope="module")
def holdout():
    return load_bench(HOLDOUT)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


# Sets written as training data (twenty-second session), never measures: a training fragment like one of their prompts
# is not a leak.
TRAINING_ONLY_SETS = {"oak.toml", "pine.toml", "quill.toml"}


def benchmark_near_copies(fragments: list[str]) -> list[tuple[str, str, str]]:
    """(benchmark file, task id, fragment) for every fragment (its `{placeholders}` blanked) whose word set is a
    near-copy (Jaccard >= MAX_JACCARD) of a benchmark prompt (the TRAINING_ONLY_SETS aside); word sets computed once
    per fragment."""
    from tiny_agent_trainer.spec import SpecError

    frags = [re.sub(r"\{\w+\}", " ", f) for f in fragments]
    fsets = [_words(f) for f in frags]
    close = []
    for path in sorted((ROOT / "benchmarks").glob("*.toml")):
        if path.name in TRAINING_ONLY_SETS:
            continue
        try:
            bench = load_bench(path)
        except SpecError:
            continue
        for b in bench:
            bw = _words(b.prompt)
            for f, fw in zip(frags, fsets):
                if fw and bw and len(fw & bw) / len(fw | bw) >= MAX_JACCARD:
                    close.append((path.name, b.id, f))
    return close


def _jaccard(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / max(1, len(wa | wb))


def test_counts_and_families(curated, paraphrases, dev, holdout, fresh):
    assert len(curated) >= 150
    assert len(paraphrases) >= 60
    assert len(dev) >= 48
    assert len(holdout) == 46  # 48 written; two that matched curated training prompts were dropped
    assert len(fresh) == 1296 and set(Counter(t.category for t in fresh).values()) == {162}
    for tasks in (curated, paraphrases, dev, holdout, fresh):
        fams = Counter(t.extra.get("family") for t in tasks)
        assert set(fams) == FAMILIES, fams
        assert tasks is holdout or all(t.extra.get("oracle", "").strip() for t in tasks)
    assert set(Counter(t.category for t in holdout).values()) <= {5, 6}


def test_ids_unique_and_prefixed(curated, paraphrases, dev, holdout, fresh):
    ids = [t.id for t in curated + paraphrases + dev + holdout + fresh]
    assert len(ids) == len(set(ids))
    assert all(t.id.startswith("para_") for t in paraphrases)
    assert all(t.id.startswith("dev_") for t in dev)
    assert all(t.id.startswith("holdout_") for t in holdout)
    blind = ("fresh_", "blind_", "outside_", "beyond_", "frontier_", "horizon_", "summit_", "vista_", "zenith_",
             "apex_", "crest_", "ridge_", "delta_", "ember_", "flare_", "glint_", "haze_", "iris_", "jade_", "kestrel_",
             "lark_", "marsh_", "nook_", "oak_", "pine_", "quill_", "reef_")
    assert all(t.id.startswith(blind) for t in fresh)
    assert not any(t.id.startswith(("para_", "dev_", "holdout_") + blind) for t in curated)


def test_prompts_unique(curated, paraphrases, dev, holdout, fresh):
    for tasks in (curated, paraphrases, dev, holdout, fresh):
        prompts = [t.prompt.strip().lower() for t in tasks]
        dup = [p for p, n in Counter(prompts).items() if n > 1]
        assert not dup, dup


def test_paraphrases_are_not_copies(curated, paraphrases, fresh):
    cur = [(t.id, t.prompt) for t in curated]
    close = []
    for p in paraphrases + fresh:
        for cid, cprompt in cur:
            if p.prompt.strip().lower() == cprompt.strip().lower() or _jaccard(p.prompt, cprompt) >= MAX_JACCARD:
                close.append((p.id, cid))
    assert not close, close


def test_curated_prompts_do_not_leak_into_benchmarks(curated):
    """Training prompts must not be near-copies of any benchmark prompt (public, paraphrases, ...)."""
    from tiny_agent_trainer.spec import SpecError

    close = []
    for path in sorted((ROOT / "benchmarks").glob("*.toml")):
        try:
            bench = load_bench(path)
        except SpecError:
            continue  # not a task file (or another engineer's work in progress)
        for b in bench:
            for c in curated:
                if b.prompt.strip().lower() == c.prompt.strip().lower() or _jaccard(b.prompt, c.prompt) >= MAX_JACCARD:
                    close.append((path.name, b.id, c.id))
    assert not close, close


def trained_benchmark_files() -> list[Path]:
    """The benchmark files the shipped generator or reviewer was trained on (`[dataset] extra_curated` of their
    configs), in order, each once."""
    import tomllib

    files: list[Path] = []
    for config in (SHIP_CONFIG, REVIEWER_CONFIG):
        spec = tomllib.loads(config.read_text())["dataset"]["extra_curated"]
        files += [ROOT / s.strip() for s in spec.split(",") if s.strip() and ROOT / s.strip() not in files]
    return files


# The extra-curated tasks that `dataset build` drops because they nearly copy a prompt of a set still held out
# (docs/runs/dataset-2.10-extra-manifest.json, "extra_curated_dropped"): neither the shipped generator (stage 18s)
# nor the shipped reviewer (R19) saw them.
DROPPED_NEAR_COPIES = {"frontier_rec709_grey", "outside_db_to_linear", "outside_luma_709", "outside_sum_256",
                       "outside_cumsum_256", "crest_inplace_sgd", "apex_int_popcount", "apex_inplace_saturating_inc",
                       "ember_chroma_premultiply"}


def test_trained_benchmark_sets_do_not_leak_into_held_out_sets():
    """The sets trained on exclude public and paraphrases, and the only prompts of theirs that nearly copy a prompt
    of a set still held out (public, paraphrases, the choice sets, the newest blind sets) are the nine the build
    drops: a new held-out prompt close to a training prompt fails here (reword it), and so does a lost drop."""
    from tiny_agent_trainer.dataset.build import held_out_prompts, near_copy_of

    trained = trained_benchmark_files()
    names = {p.name for p in trained}
    assert len(trained) == 19 and all(p.is_file() for p in trained)
    assert not names & {"public.toml", "paraphrases.toml", "kestrel.toml", "jade.toml", "dev.toml", "lark.toml",
                        "marsh.toml", "nook.toml", "reef.toml"}
    held = held_out_prompts(trained)
    assert {w.split(":")[0] for w, _ in held} >= {"public.toml", "paraphrases.toml", "kestrel.toml", "lark.toml"}
    tasks = [t for p in trained for t in load_bench(p)]
    dropped = {t.id for t in tasks if near_copy_of(t.prompt, held)}  # the build's rule
    held_prompts = [b.prompt for h in sorted((ROOT / "benchmarks").glob("*.toml"))
                    if h.name not in names and "[[task]]" in h.read_text() for b in load_bench(h)]
    close = {t.id for t in tasks for hp in held_prompts  # this file's rule, computed on its own
             if t.prompt.strip().lower() == hp.strip().lower() or _jaccard(t.prompt, hp) >= MAX_JACCARD}
    assert dropped == close == DROPPED_NEAR_COPIES, (dropped ^ DROPPED_NEAR_COPIES, close ^ DROPPED_NEAR_COPIES)


def _check_conventions(task) -> list[str]:
    src = task.reference
    probs = []
    if not re.search(r"@compute\s+@workgroup_size\(\s*\d+\s*(,\s*\d+\s*)?\)\s*fn main\(", src):
        probs.append("no '@compute @workgroup_size(..) fn main('")
    decl = parse_bindings(src)
    if sorted(decl) != [b.binding for b in task.buffers]:
        probs.append(f"declared bindings {sorted(decl)} != buffers")
        return probs
    ranks = [RANK[b.access] for b in task.buffers]
    if ranks != sorted(ranks):
        probs.append("bindings not ordered inputs -> outputs -> uniform")
    for b in task.buffers:
        access, name, typ = decl[b.binding]
        if access != ACCESS[b.access]:
            probs.append(f"binding {b.binding}: declared {access}, spec {b.access}")
        if b.access == "uniform":
            if (name, typ) != ("params", "Params"):
                probs.append(f"uniform must be 'params: Params', got {name}: {typ}")
            elif [t for _, t in parse_struct_fields(src, "Params")] != list(b.scalars):
                probs.append("Params fields do not match scalars")
        elif typ != b.type:
            probs.append(f"binding {b.binding}: declared {typ}, spec {b.type}")
    fam = task.extra.get("family")
    if fam == "inplace" and [b.access for b in task.buffers].count("read_write") != 1:
        probs.append("inplace task must have exactly one read_write buffer")
    if fam != "reduction" and "{ return; }" not in src:
        probs.append("no early-return guard on the invocation index")
    if fam == "reduction":
        if "workgroupBarrier()" not in src and "atomic" not in src:
            probs.append("reduction without workgroupBarrier or atomics")
    if fam == "2d" and (len(task.threads) != 2 or "@workgroup_size(64)" in src):
        probs.append("2d task must dispatch a 2D grid with a 2D workgroup")
    if fam != "2d" and len(task.threads) != 1:
        probs.append("only 2d tasks dispatch a 2D grid")
    return probs


def test_conventions(curated, paraphrases, dev, holdout, fresh):
    bad = {}
    for t in curated + paraphrases + dev + holdout + fresh:
        p = _check_conventions(t)
        if p:
            bad[t.id] = p
    assert not bad, bad


@pytest.fixture(scope="module")
def runtime(wgpu_runtime):
    """The shared real wgpu runtime (conftest.py); skips without an adapter."""
    return wgpu_runtime


@pytest.mark.parametrize("path", [CURATED, PARAPHRASES, DEV, FRESH, BLIND, OUTSIDE, BEYOND, FRONTIER, HORIZON,
                                  SUMMIT, VISTA, ZENITH, APEX, CREST, RIDGE, DELTA, EMBER, FLARE, GLINT, HAZE, IRIS,
                                  JADE, KESTREL, LARK, MARSH, NOOK, OAK, PINE, QUILL, REEF],
                         ids=["curated", "paraphrases", "dev", "fresh", "blind", "outside", "beyond", "frontier",
                              "horizon", "summit", "vista", "zenith", "apex", "crest", "ridge", "delta", "ember",
                              "flare", "glint", "haze", "iris", "jade", "kestrel", "lark", "marsh", "nook", "oak",
                              "pine", "quill", "reef"])
def test_references_match_oracles(path, runtime):
    problems = []
    for t in load_bench(path):
        problems += check_task(t, runtime)
    assert not problems, "\n".join(problems)
