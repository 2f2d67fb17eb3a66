"""Run untrusted shaders in a pool of worker processes, each with its own wgpu device and a wall-clock limit.

A `Sandbox` starts `workers` processes (multiprocessing, *spawn* context). Each creates one
`gpu.WgpuRuntime` and then serves jobs: validate the shader with naga (inside the worker), then run
it once per trial on the given inputs and send the read_write buffers back. The parent enforces the
timeout per step (validation, or one trial) by waiting on the worker's pipe; a worker that does not
answer in time is killed (SIGKILL) and replaced, a worker that dies or reports a lost device costs
only that job (`crash`) and is replaced too. Healthy workers are reused for the next job.

It does NOT compare outputs or build verdicts beyond the execution status (see `judge`), and it does
NOT protect against a shader that hangs the whole machine's GPU driver: it isolates processes only.
"""
from __future__ import annotations

import logging
import multiprocessing as mp
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import wait as wait_connections

import numpy as np

from ..spec import BufferSpec

# Execution statuses of a job (the judge maps them onto verdicts).
OK = "ok"
INVALID = "invalid"
INTERFACE = "interface"
TIMEOUT = "timeout"
CRASH = "crash"


class SandboxError(RuntimeError):
    """The sandbox itself cannot work (no worker starts, e.g. no GPU adapter)."""


@dataclass
class Job:
    """One shader to run on `len(inputs)` trials (each a {binding: flat array} dict)."""

    source: str
    buffers: tuple[BufferSpec, ...]
    threads: tuple[int, ...]
    inputs: list[dict[int, np.ndarray]]


@dataclass
class JobResult:
    status: str  # ok | invalid | interface | timeout | crash
    message: str = ""
    outputs: list[dict[int, np.ndarray]] = field(default_factory=list)  # one per completed trial
    seconds: float = 0.0


# --------------------------------------------------------------------------- worker side

def _worker_main(conn, power_preference: str) -> None:
    """Worker process: own device, serve jobs until told to stop. Never raises to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business
    try:
        import wgpu  # noqa: F401 - wgpu installs its own logger class; silence it only afterwards

        from ..gpu import InterfaceError, ShaderError, WgpuRuntime, find_workgroup_size

        logging.getLogger("wgpu").setLevel(logging.CRITICAL)

        rt = WgpuRuntime(power_preference)
        _warm_up(rt)  # first dispatch pays one-off driver set-up; keep it out of the first job's time budget
        conn.send(("ready", rt.describe()))
    except BaseException as e:  # noqa: BLE001 - report anything, the parent decides
        try:
            import traceback

            conn.send(("fatal", f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=6)}"))
        finally:
            return
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        source, buffers, threads, inputs = job
        try:
            rt.compile(source)
        except ShaderError as e:
            conn.send((INVALID, str(e)))
            continue
        except Exception as e:  # noqa: BLE001 - the device is suspect: report and leave
            conn.send((CRASH, f"{type(e).__name__}: {e}"))
            return
        conn.send(("valid", ""))
        if find_workgroup_size(source) is None:
            conn.send((INTERFACE, "no readable @workgroup_size (integer literals or module-scope integer consts)"))
            continue
        status = None
        for trial_inputs in inputs:
            try:
                out = rt.run(source, buffers, trial_inputs, threads)
            except InterfaceError as e:
                status = (INTERFACE, str(e))
            except ShaderError as e:
                status = (INVALID if e.stage == "shader" else INTERFACE, str(e))
            except Exception as e:  # noqa: BLE001 - lost device, driver error: this worker is done
                conn.send((CRASH, f"{type(e).__name__}: {e}"))
                return
            if status:
                break
            conn.send(("trial", out))
        conn.send(status or ("done", ""))


_WARM_UP = """
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    if (gid.x < arrayLength(&out)) { out[gid.x] = f32(gid.x); }
}
"""


def _warm_up(rt) -> None:
    buf = BufferSpec(0, "read_write", "array<f32>", 64)
    rt.run(_WARM_UP, (buf,), {0: np.zeros(64, np.float32)}, (64,))


# --------------------------------------------------------------------------- parent side

@contextmanager
def _main_module_hidden():
    """Keep a spawned worker from re-running the caller's `__main__` script (it needs only this package).

    The spawn start method normally re-imports the main module in the child, which breaks (or
    re-runs) scripts without an `if __name__ == "__main__"` guard. The preparation data is taken
    synchronously in `Process.start()`, so hiding `__spec__`/`__file__` for that call is enough.
    """
    main = sys.modules.get("__main__")
    saved = {k: main.__dict__[k] for k in ("__spec__", "__file__") if main is not None and k in main.__dict__}
    try:
        if main is not None:
            main.__dict__.pop("__file__", None)
            main.__dict__["__spec__"] = None
        yield
    finally:
        if main is not None:
            main.__dict__.pop("__spec__", None)
            main.__dict__.update(saved)


class _Worker:
    def __init__(self, ctx, power_preference: str, start_timeout: float):
        parent_conn, child_conn = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_worker_main, args=(child_conn, power_preference),
                                name="tat-sandbox-worker", daemon=True)
        with _main_module_hidden():
            self.proc.start()
        child_conn.close()
        self.conn = parent_conn
        self.state = "starting"
        self.deadline = time.monotonic() + start_timeout
        self.job_index: int | None = None
        self.started = 0.0
        self.outputs: list[dict[int, np.ndarray]] = []
        self.jobs_done = 0
        self.info: dict = {}

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(timeout=5)
        self.conn.close()


class Sandbox:
    """A pool of worker processes; use as a context manager. `run(jobs)` yields (index, JobResult)."""

    def __init__(self, workers: int = 2, timeout: float = 10.0, start_timeout: float = 120.0,
                 power_preference: str = "high-performance", max_jobs_per_worker: int = 100):
        """`max_jobs_per_worker`: a worker is replaced after this many jobs. Mesa's llvmpipe corrupts a process's
        heap after some hundreds of pipelines (seen as "realloc(): invalid next size" and a dead worker after
        300-400 jobs per worker), so workers are recycled well before that; a restart costs about a second."""
        if workers < 1:
            raise ValueError("need at least one worker")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.n_workers = workers
        self.timeout = float(timeout)
        self.start_timeout = float(start_timeout)
        self.power_preference = power_preference
        self.max_jobs_per_worker = max_jobs_per_worker
        self._ctx = mp.get_context("spawn")
        self._workers: list[_Worker] = []
        self._start_failures = 0
        self.restarts = 0  # workers replaced after a timeout or crash
        self.device_info: dict = {}
        self._t_start: float | None = None
        self.startup_s: float | None = None  # from start() until every first-generation worker was ready

    # lifecycle ---------------------------------------------------------------------------
    def __enter__(self) -> "Sandbox":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        if self._t_start is None:
            self._t_start = time.monotonic()
        while len(self._workers) < self.n_workers:
            self._workers.append(self._spawn())

    def close(self) -> None:
        """Ask idle workers to exit, give them a moment, kill whatever is left (starting or busy)."""
        for w in self._workers:
            if w.state == "idle":
                try:
                    w.conn.send(None)
                except (OSError, ValueError):
                    pass
        deadline = time.monotonic() + 1.0
        for w in self._workers:
            if w.state == "idle":
                w.proc.join(timeout=max(0.0, deadline - time.monotonic()))
            w.kill()
        self._workers = []

    def _spawn(self) -> _Worker:
        return _Worker(self._ctx, self.power_preference, self.start_timeout)

    def _replace(self, w: _Worker, counted: bool = True) -> None:
        w.kill()
        self._workers[self._workers.index(w)] = self._spawn()
        self.restarts += counted

    # scheduling --------------------------------------------------------------------------
    def run_one(self, job: Job) -> JobResult:
        return next(self.run([job]))[1]

    def run(self, jobs: Sequence[Job]) -> Iterator[tuple[int, JobResult]]:
        """Run all jobs on the pool; yields (job index, result) as they finish (any order)."""
        self.start()
        try:
            yield from self._schedule(jobs)
        finally:  # abandoned half-way (consumer error, Ctrl-C): busy workers hold stale jobs, replace them
            for w in list(self._workers):
                if w.state == "busy":
                    self._replace(w, counted=False)

    def _schedule(self, jobs: Sequence[Job]) -> Iterator[tuple[int, JobResult]]:
        pending = deque(range(len(jobs)))
        remaining = len(jobs)
        while remaining:
            for w in self._workers:
                if w.state == "idle" and pending:
                    i = pending.popleft()
                    job = jobs[i]
                    try:
                        w.conn.send((job.source, tuple(job.buffers), tuple(job.threads), list(job.inputs)))
                    except (OSError, ValueError):  # died while idle: requeue, replace silently
                        pending.appendleft(i)
                        self._replace(w, counted=False)
                        continue
                    w.state, w.job_index, w.outputs = "busy", i, []
                    w.started = time.monotonic()
                    w.deadline = w.started + self.timeout
            active = [w for w in self._workers if w.state in ("starting", "busy")]
            now = time.monotonic()
            wait_s = max(0.0, min(w.deadline for w in active) - now) if active else 0.05
            ready = wait_connections([w.conn for w in active], timeout=wait_s) if active else []
            for conn in ready:
                w = next(w for w in self._workers if w.conn is conn)
                result = self._receive(w, jobs)
                if result is not None:
                    remaining -= 1
                    yield result
            now = time.monotonic()
            for w in list(self._workers):
                if w.state == "busy" and now > w.deadline:
                    i, el = w.job_index, now - w.started
                    outs = w.outputs
                    self._replace(w)
                    remaining -= 1
                    yield i, JobResult(TIMEOUT, f"no answer within {self.timeout:g} s; worker killed", outs, el)
                elif w.state == "starting" and now > w.deadline:
                    self._start_failed(w, f"worker did not start within {self.start_timeout:g} s")

    def _start_failed(self, w: _Worker, why: str) -> None:
        self._start_failures += 1
        if self._start_failures >= 3:
            self.close()
            raise SandboxError(f"sandbox workers cannot start: {why}")
        self._replace(w, counted=False)

    def _receive(self, w: _Worker, jobs: Sequence[Job]) -> tuple[int, JobResult] | None:
        """Handle one message (or the death) of worker `w`; return a finished job's result, if any."""
        try:
            kind, payload = w.conn.recv()
        except (EOFError, OSError, ValueError):
            code = w.proc.exitcode if not w.proc.is_alive() else None
            if code is None:
                w.proc.join(timeout=1)
                code = w.proc.exitcode
            if w.state == "starting":
                self._start_failed(w, f"worker exited with code {code}")
                return None
            i, el, outs = w.job_index, time.monotonic() - w.started, w.outputs
            self._replace(w)
            return i, JobResult(CRASH, f"worker process died ({_describe_exit(code)})", outs, el)
        if w.state == "idle":  # nothing expected from an idle worker; drop it to be safe
            self._replace(w, counted=False)
            return None
        if w.state == "starting":
            if kind == "ready":
                w.state = "idle"
                w.info = payload
                self.device_info = self.device_info or payload
                self._start_failures = 0
                if self.startup_s is None and all(x.state != "starting" for x in self._workers):
                    self.startup_s = time.monotonic() - (self._t_start or time.monotonic())
            else:
                self._start_failed(w, str(payload))
            return None
        w.deadline = time.monotonic() + self.timeout  # each answered step earns a fresh time budget
        if kind == "valid":
            return None
        if kind == "trial":
            w.outputs.append(payload)
            return None
        i, el, outs = w.job_index, time.monotonic() - w.started, w.outputs
        status = OK if kind == "done" else kind
        w.jobs_done += 1
        if status == CRASH or w.jobs_done >= self.max_jobs_per_worker:
            self._replace(w, counted=status == CRASH)
        else:
            w.state, w.job_index, w.outputs = "idle", None, []
        return i, JobResult(status, "" if status == OK else str(payload), outs, el)


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "exit status unknown"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def default_workers() -> int:
    """Two workers, or fewer on a one-core machine."""
    return max(1, min(2, os.cpu_count() or 1))
