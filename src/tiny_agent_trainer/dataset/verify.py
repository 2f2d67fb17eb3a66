"""Execution-based verification of tasks: naga validation, a run on wgpu, comparison with the
NumPy oracle under the spec's tolerance rule; batched, cached by content hash, and spread over a
small process pool (each worker process owns its own wgpu device).

Many pairs share one shader (they differ only in phrasing), so callers verify the distinct
`verify_key`s once and reuse the verdict. Reuses `dataset.oracle.check_task` and `gpu.get_runtime`.
This module does NOT generate tasks, and does NOT sandbox shaders beyond the worker process
boundary (a worker that dies is reported as a failure of the tasks it held).
"""
from __future__ import annotations

import hashlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from ..spec import parse_task

DEFAULT_SEEDS = (1234, 99)


def verify_key(d: dict) -> str:
    """Hash of everything that decides a verdict: code, buffers, grid, tolerances, oracle."""
    keep = {k: d.get(k) for k in ("reference", "buffers", "threads", "rtol", "atol", "oracle")}
    return hashlib.sha256(json.dumps(keep, sort_keys=True).encode()).hexdigest()[:24]


def check_record(d: dict, runtime=None, seeds: tuple[int, ...] = DEFAULT_SEEDS) -> list[str]:
    """Problems of one task dict (empty list = verified). Never raises for bad data."""
    from ..gpu import get_runtime
    from ..spec import SpecError
    from .oracle import check_task

    try:
        task = parse_task(d, "record")
    except SpecError as e:
        return [f"bad spec: {e}"]
    if not isinstance(task.extra.get("oracle"), str) or not task.extra["oracle"].strip():
        return ["no 'oracle' snippet"]
    try:
        probs = check_task(task, runtime or get_runtime(), seeds=seeds)
    except Exception as e:  # noqa: BLE001 - any failure is a verdict, with its reason
        return [f"{type(e).__name__}: {e}"]
    # check_task prefixes problems with the task id; keep only the reason
    return [p.split(": ", 1)[1] if p.startswith(f"{task.id}: ") else p for p in probs]


def _worker_main() -> int:
    """Worker loop: one JSON chunk `[[key, task], ...]` per stdin line -> `[[key, problems], ...]` line."""
    import sys

    for line in sys.stdin:
        if not line.strip():
            continue
        chunk = json.loads(line)
        res = [[key, check_record(d)] for key, d in chunk]
        sys.stdout.write(json.dumps(res) + "\n")
        sys.stdout.flush()
    return 0


class _Worker:
    """A verification subprocess with its own wgpu device (no fork, no __main__ re-import)."""

    def __init__(self):
        src = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        env.setdefault("WGPU_LOG_LEVEL", "error")
        self.proc = subprocess.Popen([sys.executable, "-m", "tiny_agent_trainer.dataset.verify"], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, bufsize=1)

    def ask(self, chunk: list) -> list | None:
        try:
            self.proc.stdin.write(json.dumps(chunk) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        except (BrokenPipeError, OSError):
            return None
        return json.loads(line) if line else None

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except Exception:  # noqa: BLE001
            self.proc.kill()


def verify_many(items: dict[str, dict], workers: int = 2, on_done: Callable[[int], None] | None = None,
                chunksize: int = 8) -> tuple[dict[str, list[str]], dict]:
    """Verdicts `{key: problems}` for distinct tasks `{key: task_dict}`, plus timing stats.

    `workers` <= 1 (or few items) runs in this process; otherwise that many worker subprocesses
    pull chunks from a shared queue (one feeding thread each). A worker that dies fails only the
    chunk it held (reason recorded) and is replaced.
    """
    t0 = time.perf_counter()
    out: dict[str, list[str]] = {}
    todo = list(items.items())
    if workers <= 1 or len(items) < 24:
        for key, d in todo:
            out[key] = check_record(d)
            if on_done:
                on_done(1)
    else:
        q: queue.Queue = queue.Queue()
        for k in range(0, len(todo), chunksize):
            q.put(todo[k:k + chunksize])
        lock = threading.Lock()

        def feed():
            w = _Worker()
            try:
                while True:
                    try:
                        chunk = q.get_nowait()
                    except queue.Empty:
                        return
                    res = w.ask(chunk)
                    if res is None:  # the worker died on this chunk
                        w.close()
                        w = _Worker()
                        res = [[key, ["verification worker crashed on this task"]] for key, _ in chunk]
                    with lock:
                        for key, probs in res:
                            out[key] = probs
                        if on_done:
                            on_done(len(res))
            finally:
                w.close()

        threads = [threading.Thread(target=feed, daemon=True) for _ in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    dt = time.perf_counter() - t0
    return out, {"shaders": len(items), "seconds": round(dt, 3),
                 "shaders_per_s": round(len(items) / dt, 1) if dt > 0 else None, "workers": workers}


if __name__ == "__main__":
    raise SystemExit(_worker_main())
