"""The evaluation loop: benchmark + candidate source -> one `SampleResult` per task x sample.

`evaluate()` loads the benchmark, starts the sandbox (its workers warm up while candidates are being
generated), draws `samples` candidates per task from a source (`inference.registry.load_source`),
or reads `DIR/<task id>.wgsl` for `candidates_dir`, runs every reference once per trial seed, and
judges every candidate. It returns an `EvalRun` with raw results and timings.
It does NOT compute summary metrics or write files (see `report`), and does NOT parse the CLI.
"""
from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..spec import SpecError, Task, file_hash, load_bench
from .judge import BenchmarkError, Judge
from .sandbox import Sandbox

ProgressFn = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass
class SampleResult:
    task_id: str
    category: str
    sample: int
    verdict: str
    message: str = ""
    max_abs_err: float | None = None
    seconds: float = 0.0
    trial: int | None = None

    def to_dict(self) -> dict:
        from .compare import json_float

        d = asdict(self)
        d["max_abs_err"] = json_float(self.max_abs_err)
        d["seconds"] = round(self.seconds, 4)
        return d


@dataclass
class EvalRun:
    bench: str
    bench_sha256: str
    model_id: str
    tasks: list[Task]
    results: list[SampleResult]
    n_samples: int
    trials: int
    timeout: float
    seed: int
    workers: int
    device: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    restarts: int = 0


def load_tasks(bench: str | Path) -> list[Task]:
    """`spec.load_bench` with its SpecError turned into a BenchmarkError (a user error)."""
    try:
        return load_bench(bench)
    except SpecError as e:
        raise BenchmarkError(str(e)) from None


def sample_seed(task_id: str, seed: int) -> int:
    return zlib.crc32(f"sample/{task_id}/{seed}".encode())


def read_candidates(tasks: Sequence[Task], directory: str | Path) -> list[str | None]:
    """`DIR/<task id>.wgsl` per task, None where the file is missing."""
    d = Path(directory)
    if not d.is_dir():
        raise BenchmarkError(f"--candidates {d}: not a directory")
    out: list[str | None] = []
    for t in tasks:
        f = d / f"{t.id}.wgsl"
        out.append(f.read_text(encoding="utf-8", errors="replace") if f.is_file() else None)
    return out


def evaluate(bench: str | Path, *, source=None, candidates_dir: str | Path | None = None, samples: int = 1,
             trials: int = 3, timeout: float = 10.0, workers: int = 2, seed: int = 0,
             progress: ProgressFn | None = None, tasks: Sequence[Task] | None = None) -> EvalRun:
    """Judge `samples` candidates per task of `bench` from `source` (or one file per task from `candidates_dir`)."""
    if (source is None) == (candidates_dir is None):
        raise ValueError("give exactly one of source / candidates_dir")
    if samples < 1:
        raise ValueError("samples must be >= 1")
    t_start = time.perf_counter()
    tasks = list(tasks) if tasks is not None else load_tasks(bench)
    sha = file_hash(bench)
    tick = progress or (lambda *_: None)
    if candidates_dir is not None:
        samples = 1
        model_id = f"candidates:{Path(candidates_dir)}"
    else:
        model_id = source.id
    timings: dict[str, float] = {}
    with Sandbox(workers=workers, timeout=timeout) as sandbox:  # workers start while we generate
        t0 = time.perf_counter()
        cands: list[list[str | None]] = []
        if candidates_dir is not None:
            cands = [[c] for c in read_candidates(tasks, candidates_dir)]
        else:
            for i, t in enumerate(tasks):
                s = sample_seed(t.id, seed)
                got = source.sample_task(t, samples, s) if getattr(source, "needs_task", False) \
                    else source.sample(t.prompt, samples, s)
                got = list(got)[:samples]
                cands.append(got + [None] * (samples - len(got)))  # a source that returns too few: missing
                tick("generate", i + 1, len(tasks))
        timings["generation_s"] = time.perf_counter() - t0

        judge = Judge(sandbox, trials=trials, seed=seed)
        t0 = time.perf_counter()
        done = [0]

        def ref_done() -> None:
            done[0] += 1
            tick("references", done[0], len(tasks))

        judge.prepare_references(tasks, on_done=ref_done)
        timings["references_s"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        items = [(t, c) for t, cs in zip(tasks, cands) for c in cs]
        done[0] = 0

        def cand_done(n: int) -> None:
            done[0] += n
            tick("judge", done[0], len(items))

        verdicts = judge.judge_many(items, on_done=cand_done)
        timings["judging_s"] = time.perf_counter() - t0
        device, restarts = sandbox.device_info, sandbox.restarts
        if sandbox.startup_s is not None:
            timings["sandbox_startup_s"] = sandbox.startup_s  # overlaps generation and references
    results = []
    k = 0
    for t, cs in zip(tasks, cands):
        for j in range(len(cs)):
            v = verdicts[k]
            k += 1
            results.append(SampleResult(t.id, t.category, j, v.verdict, v.message, v.max_abs_err, v.seconds, v.trial))
    timings["total_s"] = time.perf_counter() - t_start
    return EvalRun(str(bench), sha, model_id, tasks, results, samples, trials, timeout, seed, workers,
                   device, {k: round(v, 3) for k, v in timings.items()}, restarts)
