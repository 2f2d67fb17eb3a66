"""Batched generation throughput (tokens/s) on a CUDA GPU with our KV-cache decoder.

Usage: python benchmarks/bench_generate_gpu.py [--model CKPT_DIR] [--batches 1,16,64,256] [--tokens 200]
Greedy decoding of `--tokens` new tokens per prompt (EOS suppressed so every row does the same work),
fp32 and bf16 weights. Without --model a random `small`-shaped model is used.
Prints one JSON line per (dtype, batch). It does NOT measure quality (see `eval`).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from tiny_agent_trainer.inference.decoding import DecodeConfig, Decoder  # noqa: E402
from tiny_agent_trainer.model import ModelShape, Seq2Seq  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", help="checkpoint or bundle directory")
    ap.add_argument("--batches", default="1,16,64,256")
    ap.add_argument("--tokens", type=int, default=200)
    ap.add_argument("--prompt-len", type=int, default=24)
    a = ap.parse_args()
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if a.model:
        from tiny_agent_trainer.inference.loading import load_model

        model = load_model(Path(a.model)).model
    else:
        model = Seq2Seq(ModelShape(vocab_size=2000, max_seq_len=512))
    base = model.to(dev).eval()
    for dtype in (torch.float32, torch.bfloat16):
        m = base.to(dtype)
        dec = Decoder(m, bos_id=1, eos_id=2, pad_id=0)
        for b in [int(x) for x in a.batches.split(",")]:
            g = torch.Generator().manual_seed(0)
            prompts = torch.randint(4, m.shape.vocab_size, (b, a.prompt_len), generator=g).tolist()
            cfg = DecodeConfig(strategy="greedy", max_new_tokens=a.tokens, min_new_tokens=a.tokens)
            dec.generate(prompts[: min(b, 4)], DecodeConfig(strategy="greedy", max_new_tokens=8))  # warm-up
            if dev.type == "cuda":
                torch.cuda.synchronize()
            t0 = time.perf_counter()
            out = dec.generate(prompts, cfg)
            if dev.type == "cuda":
                torch.cuda.synchronize()
            dt = time.perf_counter() - t0
            n = sum(len(h[0].tokens) for h in out)
            print(json.dumps({"device": torch.cuda.get_device_name(dev) if dev.type == "cuda" else "cpu",
                              "dtype": str(dtype).split(".")[-1], "batch": b, "new_tokens": n,
                              "seconds": round(dt, 3), "tokens_per_s": round(n / dt, 1),
                              "fast_step": dec.fast is not None}), flush=True)


if __name__ == "__main__":
    main()
