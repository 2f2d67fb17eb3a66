"""Validation throughput: microseconds per shader through naga (wgpu-py) on this machine's adapter.

Usage: python benchmarks/bench_validate.py [--n 500] [--deep] [--repeat 3]

Measures, on the chromatic templates plus the benchmark references (benchmarks/public.toml):
`gpu.compile` alone (create_shader_module), `validation.validate` (compile + diagnostics, entry point,
workgroup size; `--deep` adds the pipeline), and `validation.validate_many` (worker subprocess,
start-up excluded). Prints one JSON line per measurement and names the adapter: numbers depend
on it (a CPU software adapter such as llvmpipe is what CI has).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from tiny_agent_trainer.gpu import get_runtime  # noqa: E402
from tiny_agent_trainer.spec import load_bench  # noqa: E402
from tiny_agent_trainer.templates import ChromaticTemplate  # noqa: E402
from tiny_agent_trainer.validation import validate, validate_many  # noqa: E402


def shaders() -> list[str]:
    out = [t.source for t in ChromaticTemplate.all()]
    bench = ROOT / "benchmarks" / "public.toml"
    if bench.is_file():
        out += [t.reference for t in load_bench(bench)]
    return out


def timed(fn, items, repeat: int) -> float:
    """Best-of-`repeat` microseconds per item."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(items)
        best = min(best, (time.perf_counter() - t0) / len(items) * 1e6)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=500, help="shaders per measurement (cycled from the pool)")
    ap.add_argument("--deep", action="store_true", help="also build the compute pipeline")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    pool = shaders()
    items = [pool[i % len(pool)] for i in range(args.n)]
    rt = get_runtime()
    for s in pool:  # warm up: device creation, caches
        validate(s, args.deep)
    validate_many(pool[:4], args.deep)  # starts the worker
    info = rt.describe()
    chars = sum(map(len, items)) / len(items)
    base = {"adapter": info.get("device"), "backend": info.get("backend_type"), "n": args.n,
            "mean_chars": round(chars), "deep": args.deep}

    def compile_all(xs):
        for x in xs:
            rt.compile(x)

    def validate_all(xs):
        for x in xs:
            validate(x, args.deep)

    results = {
        "compile_us": timed(compile_all, items, args.repeat),
        "validate_us": timed(validate_all, items, args.repeat),
        "validate_many_us": timed(lambda xs: validate_many(xs, args.deep), items, args.repeat),
    }
    for k, v in results.items():
        print(json.dumps({**base, "measure": k, "us_per_shader": round(v, 1)}))
    print(f"# {info.get('device')} ({info.get('backend_type')}): compile {results['compile_us']:.0f} us, "
          f"validate {results['validate_us']:.0f} us, validate_many {results['validate_many_us']:.0f} us per shader "
          f"({len(pool)} distinct shaders, mean {chars:.0f} chars)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
