"""Tokenizer throughput: the WGSL lexer alone and the full model vocabulary (lexer + HF BPE), in batch.

Usage: python benchmarks/bench_tokenizer.py [--repeat 3]
Reads every WGSL reference in the repository's TOML files, trains a 2000-piece vocabulary on them,
then times `lex_texts` and `encode_codes` / `encode_prompts` over the whole batch; prints
microseconds per 100 output tokens (the seed quotes ~1 µs per 100 tokens for its tokenizer).
"""
from __future__ import annotations

import argparse
import glob
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from tiny_agent_trainer.tokenizer import WgslTokenizer, lex_texts  # noqa: E402


def corpus() -> tuple[list[str], list[str]]:
    prompts, codes = [], []
    for f in sorted(glob.glob(str(ROOT / "benchmarks" / "*.toml")) + [str(ROOT / "config" / "wgsl_training_data.toml")]):
        for t in tomllib.loads(Path(f).read_text()).get("task", []):
            prompts.append(t["prompt"])
            codes.append(t["reference"])
    return prompts, codes


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--copies", type=int, default=10, help="replicate the corpus to make a bigger batch")
    a = ap.parse_args()
    prompts, codes = corpus()
    tok = WgslTokenizer.train(prompts, codes, vocab_size=2000, min_frequency=2)
    prompts, codes = prompts * a.copies, codes * a.copies
    n_lex = sum(len(lex_texts(c)) for c in codes)
    n_ids = sum(len(x) for x in tok.encode_codes(codes))
    t_lex = best_of(lambda: [lex_texts(c) for c in codes], a.repeat)
    t_code = best_of(lambda: tok.encode_codes(codes), a.repeat)
    t_prompt = best_of(lambda: tok.encode_prompts(prompts), a.repeat)
    n_pids = sum(len(x) for x in tok.encode_prompts(prompts))
    print(f"{len(codes)} shaders, {n_lex} lexer tokens, {n_ids} model ids")
    print(f"lexer only:         {1e6 * t_lex / n_lex * 100:8.1f} us per 100 lexer tokens")
    print(f"encode_codes batch: {1e6 * t_code / n_ids * 100:8.1f} us per 100 ids (lexer + BPE)")
    print(f"encode_prompts:     {1e6 * t_prompt / n_pids * 100:8.1f} us per 100 ids")


if __name__ == "__main__":
    main()
