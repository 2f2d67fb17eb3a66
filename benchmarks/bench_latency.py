"""CPU latency of the shipped model for a typical prompt: greedy vs the default generation mode.

Usage: python benchmarks/bench_latency.py [--model default] [--repeat 5] [--threads 1]
Default mode = what `generate` does: beam 4, grammar constraint as the bundle's meta.json says,
naga validation of the candidates (repair rounds only if none is valid), and, when the bundle ships a
reviewer, reranking of the first valid beam, the 5 nearest retrieval examples and, for the fourth prompt, the
kernel transcribed from its formula; the fifth ends with a bound in words, so the request without it is decoded
once more (`inference/steps.py`). Greedy = one beam,
no constraint, no reranking. Prints the median of `--repeat` runs per prompt and mode, split into
encode / decode / validate / rerank milliseconds.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from tiny_agent_trainer.inference.api import Generator  # noqa: E402

PROMPTS = [
    "Convert each RGBA pixel to grayscale using the luminance weights 0.299, 0.587, 0.114.",
    "Apply relu to every element of x and write the result to out.",
    "Transpose the rows x cols matrix a into b; rows and cols are uniform parameters.",
    "Decay envelope: for each time in `times`, envelope = amplitude * exp(-rate * t); amplitude and rate are uniforms.",
    "Multiply every sample in pcm by the uniform volume, then clip the result to [-1, 1]; write it to out_pcm.",
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    g = Generator(model=a.model, threads=a.threads)
    g.generate(PROMPTS[0])  # warm-up: validator device, grammar tables
    print(f"model {g.id}, threads {a.threads}, constrained default {g.options.constrained}")
    print("| prompt | mode | tokens | total ms (median) | encode | decode | validate | rerank |")
    print("|---|---|---|---|---|---|---|---|")
    for p in PROMPTS:
        for mode, opts in (("greedy", {"beams": 1, "constrained": False, "rerank": False}), ("default", {})):
            runs = [g.generate(p, **opts) for _ in range(a.repeat)]
            med = lambda k: statistics.median(r.timings.get(k, 0.0) for r in runs)  # noqa: E731
            print(f"| {p[:48]}... | {mode} | {runs[0].tokens} | {med('total'):.0f} | {med('encode'):.0f} | "
                  f"{med('decode'):.0f} | {med('validate'):.0f} | {med('rerank'):.0f} |")


if __name__ == "__main__":
    main()
