"""Evaluation throughput benchmark: how long the sandboxed judge takes for an N-task benchmark.

Usage: python benchmarks/bench_eval.py [--tasks 50] [--samples 1] [--workers 2] [--repeat 3] [--hang]

Takes the first N tasks of benchmarks/public.toml and judges their references (`--model reference`,
so every candidate runs) end to end with `evaluation.runner.evaluate`: fresh worker pool, references
once per trial seed, every candidate in the sandbox. Prints one JSON line per repetition (wall time,
phases) and a summary line; `--hang` adds one endless-loop candidate to show its cost is bounded by
the timeout. Measures the adapter it finds (on a machine without a GPU: Mesa llvmpipe).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from tiny_agent_trainer.evaluation.runner import evaluate  # noqa: E402
from tiny_agent_trainer.inference.baselines import ReferenceSource  # noqa: E402
from tiny_agent_trainer.spec import load_bench  # noqa: E402


class _WithHang(ReferenceSource):
    """References, except that the task `hang_id` gets an endless loop as its candidate."""

    def __init__(self, hang_id: str, hang_src: str):
        self.hang_id, self.hang_src = hang_id, hang_src

    def sample_task(self, task, n, seed=0):
        return [self.hang_src] * n if task.id == self.hang_id else [task.reference] * n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", default=str(ROOT / "benchmarks" / "public.toml"))
    ap.add_argument("--tasks", type=int, default=50)
    ap.add_argument("--samples", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--trials", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=5.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--hang", action="store_true", help="make one candidate an endless loop")
    args = ap.parse_args()

    tasks = load_bench(args.bench)[: args.tasks]
    source = ReferenceSource()
    if args.hang:
        hang = ROOT / "tests" / "data" / "candidates" / "cosine_of_angles.wgsl"
        source = _WithHang("cosine_of_angles", hang.read_text())
    walls = []
    for rep in range(args.repeat):
        t0 = time.perf_counter()
        run = evaluate(args.bench, source=source, samples=args.samples, trials=args.trials,
                       timeout=args.timeout, workers=args.workers, tasks=tasks)
        wall = time.perf_counter() - t0
        walls.append(wall)
        verdicts: dict[str, int] = {}
        for r in run.results:
            verdicts[r.verdict] = verdicts.get(r.verdict, 0) + 1
        print(json.dumps({"repeat": rep, "tasks": len(tasks), "samples": args.samples, "trials": args.trials,
                          "workers": args.workers, "wall_s": round(wall, 2), **run.timings,
                          "verdicts": verdicts, "restarts": run.restarts,
                          "device": run.device.get("device")}), flush=True)
    print(json.dumps({"summary": True, "tasks": len(tasks), "median_wall_s": round(statistics.median(walls), 2),
                      "min_wall_s": round(min(walls), 2), "max_wall_s": round(max(walls), 2)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
