"""Execution-based judging on the real (software) GPU through the real sandbox.

The public benchmark's references must all pass; hand-written candidates in tests/data/candidates
must get their intended verdicts (pass, wrong, invalid, interface, timeout, missing); a worker that
dies costs one `crash` verdict and the pool carries on; broken benchmark files give errors naming
the task.
"""
from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from tiny_agent_trainer.errors import UserError
from tiny_agent_trainer.evaluation.judge import BenchmarkError, Judge
from tiny_agent_trainer.evaluation.runner import evaluate, load_tasks
from tiny_agent_trainer.evaluation.sandbox import CRASH, OK, Job, JobResult, Sandbox
from tiny_agent_trainer.spec import load_bench

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks" / "public.toml"
CANDIDATES = ROOT / "tests" / "data" / "candidates"
FAMILIES = {"unary", "binary", "parametric", "chromatic", "integer", "2d", "reduction", "inplace"}

EXPECTED = {
    "elementwise_sum": "pass",
    "negate_values": "wrong",
    "square_elements": "invalid",
    "softsign": "interface",  # swapped access mode
    "second_minus_first": "interface",  # wrong binding order
    "sigmoid_activation": "interface",  # no entry point `main`
    "cosine_of_angles": "timeout",  # endless loop
}


@pytest.fixture(scope="module")
def tasks():
    return load_bench(BENCH)


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(workers=2, timeout=3.0) as sb:
        yield sb


@pytest.fixture(scope="module")
def judge(sandbox):
    return Judge(sandbox, trials=3)


def test_public_benchmark_shape(tasks):
    assert len(tasks) >= 60
    assert {t.category for t in tasks} == FAMILIES
    for fam in FAMILIES:
        assert sum(t.category == fam for t in tasks) >= 6, fam
    assert any("atomic" in b.type for t in tasks for b in t.buffers)
    assert any(len(t.threads) == 2 for t in tasks)


@pytest.mark.parametrize("bench", ["public", "holdout"])
def test_benchmark_references_all_pass(bench, tasks, judge):
    tasks = tasks if bench == "public" else load_bench(ROOT / "benchmarks" / "holdout.toml")
    verdicts = judge.judge_many([(t, t.reference) for t in tasks])
    bad = {t.id: (v.verdict, v.message[:200]) for t, v in zip(tasks, verdicts) if v.verdict != "pass"}
    assert not bad


def test_reference_outputs_are_cached(tasks, judge):
    t = tasks[0]
    judge.prepare_references([t])
    runs = judge.reference_runs
    judge.judge_many([(t, t.reference), (t, t.reference)])
    judge.prepare_references([t])
    assert judge.reference_runs == runs  # computed once per (task, trial seed)
    assert len({s for s in judge.seeds(t)}) == 3  # three trials, three seeds


def test_candidates_get_their_verdicts(tasks, judge):
    by_id = {t.id: t for t in tasks}
    items = [(by_id[tid], (CANDIDATES / f"{tid}.wgsl").read_text()) for tid in EXPECTED]
    t0 = time.perf_counter()
    verdicts = judge.judge_many(items)
    got = {tid: v.verdict for tid, v in zip(EXPECTED, verdicts)}
    assert got == EXPECTED
    msgs = {tid: v.message for tid, v in zip(EXPECTED, verdicts)}
    assert "expected `;`" in msgs["square_elements"] or "parsing error" in msgs["square_elements"]
    assert "entry point" in msgs["sigmoid_activation"].lower()
    assert "element" in msgs["negate_values"]
    assert time.perf_counter() - t0 < 30  # the endless loop cost only its own timeout
    # the pool is still healthy after the killed worker
    assert judge.judge(by_id["elementwise_sum"], by_id["elementwise_sum"].reference).verdict == "pass"


def test_missing_and_empty_candidates(tasks, judge):
    t = tasks[0]
    assert judge.judge(t, None).verdict == "missing"
    assert judge.judge(t, "  \n").verdict == "invalid"


def test_candidates_dir_through_runner():
    run = evaluate(BENCH, candidates_dir=CANDIDATES, timeout=3.0, workers=2)
    got = {r.task_id: r.verdict for r in run.results}
    assert {k: got[k] for k in EXPECTED} == EXPECTED
    others = {v for k, v in got.items() if k not in EXPECTED}
    assert others == {"missing"}
    assert run.n_samples == 1 and len(run.results) == len(run.tasks)


class _CrashingSandbox:
    """The real sandbox, except that a job whose source is in `crashes` reports a dead worker that many times
    (without running) before it runs for real."""

    def __init__(self, real, crashes: dict[str, int]):
        self.real, self.crashes, self.calls = real, dict(crashes), []

    def run(self, jobs):
        self.calls.append(len(jobs))
        fake = {i for i, j in enumerate(jobs) if self.crashes.get(j.source, 0) > 0}
        for i in fake:
            self.crashes[jobs[i].source] -= 1
            yield i, JobResult(CRASH, "worker process died (killed by SIGABRT)")
        rest = [i for i in range(len(jobs)) if i not in fake]
        for k, res in self.real.run([jobs[i] for i in rest]):
            yield rest[k], res


def test_a_job_whose_worker_died_runs_once_more(tasks, sandbox):
    by_id = {t.id: t for t in tasks}
    t, other = by_id["elementwise_sum"], by_id["negate_values"]
    good = (CANDIDATES / "elementwise_sum.wgsl").read_text()
    flaky = _CrashingSandbox(sandbox, {t.reference: 1, good: 1, other.reference: 0})
    j = Judge(flaky, trials=3)
    assert j.judge(t, good).verdict == "pass"  # the reference and the candidate each died once, then ran
    assert j.crash_reruns == 2 and flaky.calls == [1, 1, 1, 1]
    twice = Judge(_CrashingSandbox(sandbox, {good: 2}), trials=3)
    v = twice.judge(t, good)
    assert v.verdict == "crash" and "SIGABRT" in v.message and twice.crash_reruns == 1
    with pytest.raises(BenchmarkError, match="reference shader crashed"):
        Judge(_CrashingSandbox(sandbox, {other.reference: 2}), trials=3).judge(other, good)


def test_workers_are_recycled_after_max_jobs(tasks):
    t = {t.id: t for t in tasks}["elementwise_sum"]
    job = Job(t.reference, t.buffers, t.threads, [t.make_inputs(1)])
    with Sandbox(workers=1, timeout=5.0, max_jobs_per_worker=2) as sb:
        pids = []
        for _ in range(3):
            assert [r.status for _, r in sb.run([job])] == [OK]
            pids.append(sb._workers[0].proc.pid)
        assert pids[0] != pids[1] == pids[2] and sb.restarts == 0  # a planned replacement is not a restart


def test_worker_death_is_a_crash_and_the_pool_recovers(tasks, sandbox):
    t = {t.id: t for t in tasks}["cosine_of_angles"]
    endless = (CANDIDATES / "cosine_of_angles.wgsl").read_text()
    jobs = [Job(endless, t.buffers, t.threads, [t.make_inputs(1)]),
            Job(t.reference, t.buffers, t.threads, [t.make_inputs(1)])]
    restarts = sandbox.restarts

    def kill_busy_worker():
        deadline = time.monotonic() + 2.5
        while time.monotonic() < deadline:
            busy = [w for w in sandbox._workers if w.state == "busy" and w.job_index == 0]
            if busy:
                time.sleep(0.3)
                os.kill(busy[0].proc.pid, signal.SIGKILL)
                return
            time.sleep(0.02)

    killer = threading.Thread(target=kill_busy_worker)
    killer.start()
    results = dict(sandbox.run(jobs))
    killer.join()
    assert results[0].status == CRASH and "SIGKILL" in results[0].message
    assert results[1].status == OK
    assert sandbox.restarts == restarts + 1
    again = sandbox.run_one(Job(t.reference, t.buffers, t.threads, [t.make_inputs(2)]))
    assert again.status == OK


# --------------------------------------------------------------------------- broken benchmarks

_GOOD_TASK = '''
[[task]]
id = "{id}"
category = "unary"
prompt = "Add one."
threads = [64]
reference = """{ref}"""
[[task.buffers]]
binding = 0
access = "{access}"
type = "array<f32>"
count = 64
fill = "uniform(-1,1)"
[[task.buffers]]
binding = 1
access = "read_write"
type = "array<f32>"
count = 64
'''
_REF = """
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    if (gid.x < arrayLength(&out)) { out[gid.x] = x[gid.x] + 1.0; }
}
"""


def _write(tmp_path, text) -> Path:
    p = tmp_path / "bench.toml"
    p.write_text(text)
    return p


def test_toml_error_is_reported(tmp_path):
    p = _write(tmp_path, _GOOD_TASK.format(id="ok", ref=_REF, access="read") + "\n[[task]\nid = 'x'\n")
    with pytest.raises(BenchmarkError, match="TOML error"):
        load_tasks(p)
    assert issubclass(BenchmarkError, UserError)


def test_unknown_access_names_the_task(tmp_path):
    p = _write(tmp_path, _GOOD_TASK.format(id="ok", ref=_REF, access="read")
               + _GOOD_TASK.format(id="broken_access", ref=_REF, access="readonly"))
    with pytest.raises(BenchmarkError, match=r"broken_access.*access must be one of"):
        load_tasks(p)


def test_uniform_values_scalars_mismatch_names_the_task(tmp_path):
    text = _GOOD_TASK.format(id="bad_uniform", ref=_REF, access="read") + '''[[task.buffers]]
binding = 2
access = "uniform"
scalars = ["f32", "u32"]
values = [1.0]
'''
    with pytest.raises(BenchmarkError, match=r"bad_uniform.*2 scalars but 1 values"):
        load_tasks(_write(tmp_path, text))


def test_reference_that_fails_to_validate_names_the_task(tmp_path, sandbox):
    bad_ref = _REF.replace("x[gid.x] + 1.0", "x[gid.x] + true")
    p = _write(tmp_path, _GOOD_TASK.format(id="fine", ref=_REF, access="read")
               + _GOOD_TASK.format(id="bad_reference", ref=bad_ref, access="read"))
    tasks = load_tasks(p)
    with pytest.raises(BenchmarkError, match=r"task 'bad_reference': reference shader does not validate"):
        Judge(sandbox).prepare_references(tasks)


def test_judge_source_convenience_for_training(tasks):
    from tiny_agent_trainer.evaluation.judge import judge_source, shared_judge

    t = tasks[0]
    assert judge_source(t, t.reference) == "pass"
    assert judge_source(t, "fn broken(") == "invalid"
    shared_judge().sandbox.close()


def test_abandoned_run_leaves_the_pool_usable(tasks, sandbox):
    t = tasks[0]
    jobs = [Job(t.reference, t.buffers, t.threads, [t.make_inputs(s)]) for s in range(6)]
    gen = sandbox.run(jobs)
    next(gen)
    gen.close()  # stop consuming half-way
    res = dict(sandbox.run(jobs[:2]))
    assert sorted(res) == [0, 1] and all(r.status == OK for r in res.values())


def test_output_wider_than_its_buffer_is_an_interface_error(tasks, judge):
    """A shader whose binding needs more bytes than the task's buffer holds (vec4 elements for a
    one-float output) fails when the dispatch is encoded: that is an interface mismatch, not a crash."""
    t = next(t for t in tasks if t.id == "dot_product_256")
    src = t.reference.replace("var<storage, read_write> out: array<f32>;", "var<storage, read_write> out: array<vec4<f32>>;")
    src = src.replace("out[0] = prods[0];", "out[0] = vec4<f32>(prods[0]);")
    v = judge.judge(t, src)
    assert v.verdict == "interface", v.message
    assert "binding" in v.message
