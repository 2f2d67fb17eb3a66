"""Write one `generate` answer per benchmark task as DIR/<task id>.wgsl, for `tiny-agent-trainer eval --candidates DIR`.

With `--no-rerank --no-fallback` the answer is the generator's alone (its first valid beam, repaired; no reviewer,
retrieval or transcribed formula), which is how the twenty-first session measured stage 17 against stage 18
(docs/model-card.md). An empty file stands for no valid answer (eval's verdict: invalid). A measurement helper: it
asserts nothing.

Usage: python benchmarks/write_candidates.py --bench benchmarks/dev.toml --out DIR [--model NAME|PATH]
       [--no-rerank] [--no-fallback]
then:  tiny-agent-trainer eval --bench benchmarks/dev.toml --candidates DIR --samples 1 --k 1 --report REPORT
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from tiny_agent_trainer.inference.api import Generator  # noqa: E402
from tiny_agent_trainer.spec import load_bench  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--model", default=None, help="bundle name or path (default: the bundled model)")
    ap.add_argument("--no-rerank", action="store_true")
    ap.add_argument("--no-fallback", action="store_true")
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    gen = Generator(a.model)
    for t in load_bench(a.bench):
        g = gen.generate(t.prompt, rerank=not a.no_rerank, fallback=not a.no_fallback)
        (out / f"{t.id}.wgsl").write_text(g.code or "")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
