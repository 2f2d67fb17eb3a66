"""Judge candidate shaders against a task's reference by running both on the same inputs.

`Judge` holds a `Sandbox`, the trial seeds and a cache of reference outputs per (task, trial
seed): each reference runs once per seed, however many candidates are judged. `judge_many` turns
(task, source) pairs into `Verdict`s following the kernel conventions (`pass / wrong / invalid /
interface / timeout / crash`, plus `missing` for no candidate at all); identical sources for the same
task are run once, and a job whose worker died runs once more in a fresh worker before `crash` counts.
A reference that does not run cleanly raises `BenchmarkError` naming the task.
It does NOT generate candidates (see `runner` / `inference`) and does NOT write reports.
"""
from __future__ import annotations

import atexit
import hashlib
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..spec import Task
from . import compare as C
from .sandbox import CRASH, OK, Job, Sandbox, default_workers

try:  # the CLI prints UserError without a traceback
    from ..errors import UserError as _Base
except ImportError:  # pragma: no cover - errors.py is core and exists in the finished tree
    _Base = ValueError  # type: ignore[misc,assignment]


class BenchmarkError(_Base):
    """The benchmark itself is broken (e.g. a reference that does not validate or run)."""


@dataclass
class Verdict:
    verdict: str
    message: str = ""  # naga / wgpu message, or the first mismatch
    max_abs_err: float | None = None  # worst |got - want| over compared trials (floats and ints)
    seconds: float = 0.0  # wall time spent in the sandbox for this candidate
    trial: int | None = None  # trial index where it failed, if any

    def to_dict(self) -> dict:
        return {"verdict": self.verdict, "message": self.message,
                "max_abs_err": C.json_float(self.max_abs_err), "seconds": round(self.seconds, 4),
                "trial": self.trial}


def trial_seeds(task_id: str, trials: int, seed: int = 0) -> list[int]:
    """Seeds of the trials of one task: distinct per trial and per task, stable across runs."""
    return [zlib.crc32(f"{task_id}/{seed}/{t}".encode()) for t in range(trials)]


class Judge:
    """Judge candidates for tasks; reference outputs are computed once per (task, trial seed)."""

    def __init__(self, sandbox: Sandbox, trials: int = 3, seed: int = 0):
        if trials < 1:
            raise ValueError("need at least one trial")
        self.sandbox = sandbox
        self.trials = trials
        self.seed = seed
        self._ref: dict[tuple[str, int], dict[int, np.ndarray]] = {}  # (task fingerprint, seed) -> outputs
        self.reference_runs = 0
        self.crash_reruns = 0  # jobs run a second time because their worker died (`_run`)

    def seeds(self, task: Task) -> list[int]:
        return trial_seeds(task.id, self.trials, self.seed)

    def _job(self, task: Task, source: str) -> Job:
        return Job(source, task.buffers, task.threads, [task.make_inputs(s) for s in self.seeds(task)])

    # references -------------------------------------------------------------------------
    def prepare_references(self, tasks: Sequence[Task], on_done: Callable[[], None] | None = None) -> None:
        """Run every reference not yet cached; raise BenchmarkError on the first one that fails."""
        todo = list({fingerprint(t): t for t in tasks
                     if any((fingerprint(t), s) not in self._ref for s in self.seeds(t))}.values())
        jobs = [self._job(t, t.reference) for t in todo]
        failures = []
        for i, res in self._run(jobs):
            task = todo[i]
            self.reference_runs += 1
            if res.status != OK or len(res.outputs) != self.trials:
                failures.append((task.id, res.status, res.message))
            else:
                for s, out in zip(self.seeds(task), res.outputs):
                    self._ref[(fingerprint(task), s)] = out
            if on_done:
                on_done()
        if failures:
            failures.sort()
            tid, status, msg = failures[0]
            what = {"invalid": "does not validate", "interface": "does not fit its buffers",
                    "timeout": "timed out", "crash": "crashed"}.get(status, status)
            more = f" (and {len(failures) - 1} more task(s): {', '.join(f[0] for f in failures[1:6])})" \
                if len(failures) > 1 else ""
            raise BenchmarkError(f"task '{tid}': reference shader {what}: {_first_lines(msg)}{more}")

    def reference_outputs(self, task: Task, seed: int) -> dict[int, np.ndarray]:
        return self._ref[(fingerprint(task), seed)]

    # candidates -------------------------------------------------------------------------
    def judge(self, task: Task, source: str | None) -> Verdict:
        return self.judge_many([(task, source)])[0]

    def judge_many(self, items: Sequence[tuple[Task, str | None]],
                   on_done: Callable[[int], None] | None = None) -> list[Verdict]:
        """Verdict for each (task, source); `None` source = missing. `on_done(n)` reports progress."""
        tasks = {fingerprint(t): t for t, _ in items}
        self.prepare_references(list(tasks.values()))
        verdicts: list[Verdict | None] = [None] * len(items)
        unique: dict[tuple[str, str], list[int]] = {}
        for i, (task, src) in enumerate(items):
            if src is None:
                verdicts[i] = Verdict(C.MISSING, "no candidate")
            elif not src.strip():
                verdicts[i] = Verdict(C.INVALID, "empty shader")
            else:
                unique.setdefault((fingerprint(task), src), []).append(i)
        if on_done and len(unique) < len(items):
            on_done(len(items) - sum(len(v) for v in unique.values()))
        keys = list(unique)
        jobs = [self._job(tasks[fp], src) for fp, src in keys]
        for j, res in self._run(jobs):
            v = self._verdict(tasks[keys[j][0]], res)
            for i in unique[keys[j]]:
                verdicts[i] = v
            if on_done:
                on_done(len(unique[keys[j]]))
        return verdicts  # type: ignore[return-value]

    def _run(self, jobs: list[Job]):
        """`sandbox.run(jobs)`, except that a job whose worker died (`crash`) runs once more in a fresh worker
        before its result counts: a worker can die of its own (llvmpipe's heap), not only of the shader."""
        crashed = []
        for i, res in self.sandbox.run(jobs):
            if res.status == CRASH:
                crashed.append(i)
            else:
                yield i, res
        if crashed:
            self.crash_reruns += len(crashed)
            for k, res in self.sandbox.run([jobs[i] for i in crashed]):
                yield crashed[k], res

    def _verdict(self, task: Task, res) -> Verdict:
        worst: float | None = None
        for t, (seed, got) in enumerate(zip(self.seeds(task), res.outputs)):
            c = C.compare_outputs(task, got, self.reference_outputs(task, seed))
            if c.max_abs_err is not None:
                worst = c.max_abs_err if worst is None else max(worst, c.max_abs_err)
            if not c.ok:
                return Verdict(C.WRONG, f"trial {t}: {c.message}", worst, res.seconds, t)
        if res.status != OK:
            trial = len(res.outputs) if res.status in (C.TIMEOUT, C.CRASH, C.INTERFACE) else None
            return Verdict(res.status, res.message, worst, res.seconds, trial)
        return Verdict(C.PASS, "", worst, res.seconds)


def fingerprint(task: Task) -> str:
    """Identity of a task for the reference cache: id, reference, buffers, threads."""
    key = repr((task.id, task.reference, task.buffers, task.threads))
    return hashlib.sha1(key.encode()).hexdigest()


_shared: Judge | None = None


def shared_judge(trials: int = 3, timeout: float = 10.0) -> Judge:
    """A process-wide Judge on a lazily started Sandbox (closed at exit), for callers like training."""
    global _shared
    if _shared is None or _shared.trials != trials or _shared.sandbox.timeout != timeout:
        if _shared is not None:
            _shared.sandbox.close()
        sb = Sandbox(workers=default_workers(), timeout=timeout)
        atexit.register(sb.close)
        _shared = Judge(sb, trials=trials)
    return _shared


def judge_source(task: Task, source: str | None, timeout: float = 10.0) -> str:
    """The verdict name for one candidate of one task (convenience for periodic in-training evals)."""
    return shared_judge(timeout=timeout).judge(task, source).verdict


def _first_lines(msg: str, n: int = 12) -> str:
    lines = [ln for ln in msg.strip().splitlines() if ln.strip()]
    return "\n".join(lines[:n]) + ("\n..." if len(lines) > n else "")


def elapsed(t0: float) -> float:
    return round(time.perf_counter() - t0, 3)
