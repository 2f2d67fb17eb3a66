"""Benchmark of the synthetic dataset build: generation speed (pairs/s, no GPU), verification speed
(distinct shaders/s on wgpu, with the chosen number of worker processes) and end-to-end pairs/s.

Usage: python benchmarks/bench_dataset.py [--count 5000] [--workers 2] [--seed 0]
It builds into a temporary directory (deleted afterwards) and prints one line per measurement and
a JSON summary. It does NOT compare against stored baselines.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
try:
    import tiny_agent_trainer  # noqa: F401
except ImportError:
    sys.path.insert(0, str(ROOT / "src"))

from tiny_agent_trainer.dataset.build import build  # noqa: E402
from tiny_agent_trainer.dataset.generate import generate  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=5000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    t0 = time.perf_counter()
    pairs = generate(a.count, a.seed)
    gen_s = time.perf_counter() - t0
    distinct = len({(p.inst.code, p.inst.buffers) for p in pairs})
    print(f"generate: {len(pairs)} pairs in {gen_s:.2f}s = {len(pairs) / gen_s:.0f} pairs/s "
          f"({distinct} distinct shaders, {len(pairs) / max(1, distinct):.2f} pairs per shader)")
    with tempfile.TemporaryDirectory() as d:
        m = build(d, count=a.count, seed=a.seed, workers=a.workers, progress=False, curated=None, paraphrases=None)
    v = m["verification"]
    print(f"verify: {v['shaders']} distinct shaders in {v['seconds']:.2f}s = {v['shaders_per_s']} shaders/s "
          f"({a.workers} workers)")
    print(f"build: {m['synthetic_kept']} verified pairs in {m['timings']['total_s']:.2f}s = {m['pairs_per_s']} pairs/s, "
          f"{m['failed_pairs']} failed")
    print(json.dumps({"count": a.count, "workers": a.workers, "generate_pairs_per_s": round(len(pairs) / gen_s, 1),
                      "verify_shaders_per_s": v["shaders_per_s"], "build_pairs_per_s": m["pairs_per_s"],
                      "failed_pairs": m["failed_pairs"]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
