"""Training throughput benchmark: tokens/s and MFU of our Seq2Seq vs a Hugging Face encoder-decoder
(BART) of the same shape, trained on the same random batches with the same optimizer settings.

Usage: python benchmarks/bench_train.py --preset base [--batch 128 --src 48 --tgt 256] [--compile] [--hf]
Prints one JSON line per configuration. On CPU use --preset tiny/small (no bf16, no MFU).
MFU = achieved FLOP/s / the GPU's dense bf16 peak; FLOPs counted by model.flops_per_token
(matmuls + attention scores, forward + backward = 3x forward).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from tiny_agent_trainer.model import ModelShape, Seq2Seq, flops_per_token  # noqa: E402

PEAK_BF16 = {"H100 80GB HBM3": 989.4e12, "H100 SXM": 989.4e12, "H100 PCIe": 756.0e12, "H100 NVL": 835.0e12,
             "H200": 989.4e12, "A100": 312e12, "L4": 121e12}
PRESETS = {
    "tiny": dict(d_model=64, nhead=4, num_layers=2, num_encoder_layers=2, dim_feedforward=128),
    "small": dict(d_model=256, nhead=8, num_layers=3, num_encoder_layers=3, dim_feedforward=1024),
    "base": dict(d_model=512, nhead=8, num_layers=6, num_encoder_layers=6, dim_feedforward=2048),
}


def peak_flops(dev: torch.device) -> float | None:
    if dev.type != "cuda":
        return None
    name = torch.cuda.get_device_name(dev)
    for k, v in PEAK_BF16.items():
        if k in name:
            return v
    return None


def hf_model(shape: ModelShape):
    from transformers import BartConfig, BartForConditionalGeneration

    cfg = BartConfig(vocab_size=shape.vocab_size, d_model=shape.d_model, encoder_layers=shape.num_encoder_layers,
                     decoder_layers=shape.num_layers, encoder_attention_heads=shape.nhead,
                     decoder_attention_heads=shape.nhead, encoder_ffn_dim=shape.dim_feedforward,
                     decoder_ffn_dim=shape.dim_feedforward, max_position_embeddings=max(shape.max_seq_len, shape.max_prompt_len),
                     dropout=0.1, attention_dropout=0.0, activation_dropout=0.0, pad_token_id=0, bos_token_id=1,
                     eos_token_id=2, decoder_start_token_id=1, scale_embedding=False, tie_word_embeddings=True,
                     attn_implementation="sdpa")
    return BartForConditionalGeneration(cfg)


def run(kind: str, shape: ModelShape, dev, batches, use_bf16: bool, compile_: bool, steps: int) -> dict:
    torch.manual_seed(0)
    model = (Seq2Seq(shape) if kind == "ours" else hf_model(shape)).to(dev).train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, fused=dev.type == "cuda")
    fwd = model
    if compile_:
        fwd = torch.compile(model)

    def step(b):
        src, tgt_in, tgt_out = (t.to(dev, non_blocking=True) for t in b)
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=use_bf16):
            if kind == "ours":
                logits = fwd(src, src == 0, tgt_in)
            else:
                logits = fwd(input_ids=src, attention_mask=(src != 0).long(), decoder_input_ids=tgt_in).logits
            loss = F.cross_entropy(logits.float().view(-1, logits.shape[-1]), tgt_out.view(-1), ignore_index=0)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        return loss

    for b in batches[:3]:  # warm-up (and compilation)
        step(b)
    if dev.type == "cuda":
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    for i in range(steps):
        loss = step(batches[i % len(batches)])
    float(loss.detach())
    if dev.type == "cuda":
        torch.cuda.synchronize()
    dt = time.perf_counter() - t0
    ntok = sum(int((batches[i % len(batches)][2] != 0).sum()) for i in range(steps))
    return {"model": kind, "params_M": round(sum(p.numel() for p in model.parameters()) / 1e6, 2),
            "tokens_per_s": round(ntok / dt, 1), "step_ms": round(1000 * dt / steps, 2)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="small", choices=PRESETS)
    ap.add_argument("--vocab", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--src", type=int, default=40)
    ap.add_argument("--tgt", type=int, default=200)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--compile", action="store_true")
    ap.add_argument("--hf", action="store_true", help="also train a HF BART of the same shape")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    a = ap.parse_args()
    dev = torch.device(a.device)
    shape = ModelShape(vocab_size=a.vocab, dropout=0.1, max_seq_len=max(448, a.tgt), max_prompt_len=max(96, a.src),
                       **PRESETS[a.preset])
    g = torch.Generator().manual_seed(0)
    batches = []
    for _ in range(4):
        src = torch.randint(4, a.vocab, (a.batch, a.src), generator=g)
        tgt = torch.randint(4, a.vocab, (a.batch, a.tgt + 1), generator=g)
        batches.append((src, tgt[:, :-1].contiguous(), tgt[:, 1:].contiguous()))
    use_bf16 = dev.type == "cuda"
    fpt = flops_per_token(shape, a.src, a.tgt)
    peak = peak_flops(dev)
    kinds = ["ours"] + (["hf"] if a.hf else [])
    results = []
    for k in kinds:
        r = run(k, shape, dev, batches, use_bf16, a.compile, a.steps)
        r.update(preset=a.preset, device=torch.cuda.get_device_name(dev) if dev.type == "cuda" else "cpu",
                 batch=a.batch, src_len=a.src, tgt_len=a.tgt, bf16=use_bf16, compile=a.compile,
                 threads=torch.get_num_threads(), flops_per_token=round(fpt))
        if peak:
            r["mfu"] = round(r["tokens_per_s"] * fpt / peak, 4)
        results.append(r)
        print(json.dumps(r), flush=True)
    if len(results) == 2:
        print(json.dumps({"ours_over_hf_tokens_per_s": round(results[0]["tokens_per_s"] / results[1]["tokens_per_s"], 3)}))


if __name__ == "__main__":
    main()
