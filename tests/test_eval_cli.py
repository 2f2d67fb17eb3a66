"""The `eval` command end to end: options, reports on disk, --json, user errors.

Runs `commands.eval.run` in process (the parser comes from its own `register`), and the real
`python -m tiny_agent_trainer eval` in a subprocess once the CLI module exists.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tiny_agent_trainer.commands import eval as eval_cmd
from tiny_agent_trainer.errors import UserError

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks" / "public.toml"
CANDIDATES = ROOT / "tests" / "data" / "candidates"
HAS_CLI = (ROOT / "src" / "tiny_agent_trainer" / "cli.py").is_file()

SMALL_BENCH = BENCH.read_text().split("# =============================================================================== binary")[0]


def parse(argv):
    p = argparse.ArgumentParser()
    eval_cmd.register(p.add_subparsers())
    return p.parse_args(["eval", *argv])


@pytest.fixture(scope="module")
def small_bench(tmp_path_factory):
    p = tmp_path_factory.mktemp("bench") / "unary.toml"
    p.write_text(SMALL_BENCH)  # the unary tasks of the public benchmark
    return p


def test_reference_model_scores_100_and_writes_reports(small_bench, tmp_path, capsys):
    rep = tmp_path / "rep"
    args = parse(["--bench", str(small_bench), "--model", "reference", "--samples", "2", "--k", "1,2",
                  "--report", str(rep), "--json"])
    assert args.func is eval_cmd.run
    assert eval_cmd.run(args) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary == json.loads((rep / "summary.json").read_text())
    assert summary["pass@k"] == {"pass@1": 1.0, "pass@2": 1.0}
    assert summary["n_tasks"] == 9 and summary["model"] == "reference" and summary["valid_rate"] == 1.0
    assert summary["verdicts"]["pass"] == 18
    assert summary["categories"]["unary"]["pass_rate"] == 1.0
    assert len(summary["bench_sha256"]) == 64 and summary["timings"]["total_s"] > 0
    lines = [json.loads(x) for x in (rep / "results.jsonl").read_text().splitlines()]
    assert len(lines) == 18
    assert set(lines[0]) >= {"task_id", "sample", "verdict", "message", "max_abs_err", "seconds"}
    md = (rep / "report.md").read_text()
    assert "| pass@1 | 100.0% |" in md and "| negate_values | unary | 2/2 |" in md
    assert (rep / "pass_by_category.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_candidates_dir_and_rich_table(small_bench, tmp_path, capsys):
    rep = tmp_path / "rep"
    args = parse(["--bench", str(small_bench), "--candidates", str(CANDIDATES), "--timeout", "3",
                  "--report", str(rep)])
    assert eval_cmd.run(args) == 0
    out = capsys.readouterr().out
    assert "unary" in out and "pass@1" in out
    summary = json.loads((rep / "summary.json").read_text())
    v = summary["verdicts"]
    assert (v["pass"], v["wrong"], v["invalid"], v["interface"], v["timeout"]) == (0, 1, 1, 2, 1)
    assert v["missing"] == 4
    assert summary["pass@k"]["pass@5"] is None  # one sample per task: pass@5 is n/a


@pytest.mark.parametrize("argv,match", [
    (["--model", "reference", "--trials", "2"], "at least 3"),
    (["--model", "reference", "--k", "0,x"], "--k"),
    (["--model", "reference", "--samples", "0"], "--samples"),
    (["--model", "reference", "--timeout", "0"], "--timeout"),
    (["--model", "no-such-model"], "unknown model"),
    ([], "--model NAME|PATH or --candidates DIR"),
    (["--candidates", "/nonexistent/dir"], "not a directory"),
])
def test_user_errors(small_bench, tmp_path, argv, match):
    args = parse(["--bench", str(small_bench), "--report", str(tmp_path / "r"), *argv])
    with pytest.raises(UserError, match=match):
        eval_cmd.run(args)


def test_missing_or_broken_bench_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="no such file"):
        eval_cmd.run(parse(["--bench", str(tmp_path / "none.toml"), "--model", "reference", "--report", str(tmp_path)]))
    bad = tmp_path / "bad.toml"
    bad.write_text(SMALL_BENCH.replace('access = "read"', 'access = "write"', 1))
    with pytest.raises(UserError, match="negate_values.*access"):
        eval_cmd.run(parse(["--bench", str(bad), "--model", "reference", "--report", str(tmp_path)]))


@pytest.mark.skipif(not HAS_CLI, reason="cli.py not written yet")
def test_cli_subprocess(small_bench, tmp_path):
    rep = tmp_path / "rep"
    proc = subprocess.run([sys.executable, "-m", "tiny_agent_trainer", "eval", "--bench", str(small_bench),
                           "--model", "reference", "--samples", "1", "--k", "1", "--report", str(rep), "--json"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["pass@k"]["pass@1"] == 1.0
    assert (rep / "report.md").is_file()
    bad = subprocess.run([sys.executable, "-m", "tiny_agent_trainer", "eval", "--bench", str(small_bench),
                          "--model", "no-such-model", "--report", str(rep)],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert bad.returncode == 2 and "unknown model" in bad.stderr and "Traceback" not in bad.stderr
