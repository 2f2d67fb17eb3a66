"""Training throughput benchmark: tokens/s and MFU of our Seq2Seq vs a Hugging Face encoder-decoder
(BART) of the same shape, trained on the same random batches with the same optimizer settings.

Usage: python benchmarks/bench_train.py --preset base [--batch 256 --src 48 --tgt 256] [--compile] [--hf]
Prints one JSON line per configuration. On CPU use --preset tiny/small (no bf16, no MFU).
MFU = achieved FLOP/s / the GPU's dense bf16 peak; FLOPs counted by model.flops_per_token (matmuls +
attention scores + the copy head's matmuls, forward + backward = 3x forward), the same count for every
configuration and for the HF model.

Options for finding where the time goes (see also benchmarks/profile_train.py):
  --compile-loss      compile the forward pass and the loss as one graph (else only the model is compiled)
  --compile-mode M    torch.compile mode (default, max-autotune-no-cudagraphs, ...)
  --sdpa B            attention kernels: default (cuDNN first on Hopper) | flash (no cuDNN: causal on
                      PyTorch's flash kernel, masked on mem-efficient) | flash-math (masked attention
                      on the math path, which Inductor fuses) | no-efficient
  --coordinate-descent  Inductor's coordinate-descent tuning of its generated kernels
  --model-src FILE    benchmark the Seq2Seq of another model.py (e.g. `git show OLD:src/.../model.py`),
                      for before/after numbers in the same process
  --no-copy           the model without its copy head (to measure what the head costs)
  --hf-eager          run the HF model without torch.compile even with --compile
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from tiny_agent_trainer.model import ModelShape, Seq2Seq, flops_per_token  # noqa: E402

# Dense bf16 tensor-core peaks (datasheets, no sparsity), matched against torch.cuda.get_device_name;
# the longest matching key wins, so "H100 NVL" is not read as a plain H100 or "H200 NVL" as an H200 SXM.
PEAK_BF16 = {"H100 80GB HBM3": 989.4e12, "H100 SXM": 989.4e12, "H100 PCIe": 756.0e12, "H100 NVL": 835.0e12,
             "H100": 989.4e12, "H200": 989.4e12, "H200 NVL": 835.0e12, "GH200": 989.4e12,
             "A100": 312e12, "L4": 121e12}
PRESETS = {
    "tiny": dict(d_model=64, nhead=4, num_layers=2, num_encoder_layers=2, dim_feedforward=128),
    "small": dict(d_model=256, nhead=8, num_layers=3, num_encoder_layers=3, dim_feedforward=1024),
    "base": dict(d_model=512, nhead=8, num_layers=6, num_encoder_layers=6, dim_feedforward=2048),
}


def peak_flops(dev: torch.device) -> float | None:
    if dev.type != "cuda":
        return None
    name = torch.cuda.get_device_name(dev)
    hits = [k for k in PEAK_BF16 if k in name]
    return PEAK_BF16[max(hits, key=len)] if hits else None


def hf_model(shape: ModelShape):
    from transformers import BartConfig, BartForConditionalGeneration

    cfg = BartConfig(vocab_size=shape.vocab_size, d_model=shape.d_model, encoder_layers=shape.num_encoder_layers,
                     decoder_layers=shape.num_layers, encoder_attention_heads=shape.nhead,
                     decoder_attention_heads=shape.nhead, encoder_ffn_dim=shape.dim_feedforward,
                     decoder_ffn_dim=shape.dim_feedforward, max_position_embeddings=max(shape.max_seq_len, shape.max_prompt_len),
                     dropout=shape.dropout, attention_dropout=0.0, activation_dropout=0.0, pad_token_id=0, bos_token_id=1,
                     eos_token_id=2, decoder_start_token_id=1, scale_embedding=False, tie_word_embeddings=True,
                     attn_implementation="sdpa")
    return BartForConditionalGeneration(cfg)


def load_seq2seq(model_src: str | None):
    """The Seq2Seq class of this checkout, or of another model.py file."""
    if not model_src:
        return Seq2Seq
    spec = importlib.util.spec_from_file_location("bench_model_src", model_src)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod.Seq2Seq


def set_sdpa(choice: str) -> None:
    """Which attention kernels SDPA may pick (on Hopper, torch 2.11 tries cuDNN first)."""
    if choice in ("flash", "flash-math"):  # causal: PyTorch's flash kernel; masked: mem-efficient or math
        torch.backends.cuda.enable_cudnn_sdp(False)
    if choice in ("no-efficient", "flash-math"):
        torch.backends.cuda.enable_mem_efficient_sdp(False)


def set_inductor(a) -> None:
    if getattr(a, "coordinate_descent", False):  # tune block sizes / warps of every generated kernel
        import torch._inductor.config as ic

        ic.coordinate_descent_tuning = True


def build(kind: str, shape: ModelShape, dev, a):
    """(model, step function) for one configuration; step(batch) runs forward, backward, clip, AdamW."""
    torch.manual_seed(0)
    if kind == "ours":
        model = load_seq2seq(a.model_src)(shape)
    else:
        model = hf_model(shape)
    model = model.to(dev).train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, fused=dev.type == "cuda")
    use_bf16 = dev.type == "cuda"
    compile_ = a.compile and not (kind == "hf" and a.hf_eager)
    mode = None if a.compile_mode == "default" else a.compile_mode
    net = torch.compile(model, mode=mode) if compile_ and not a.compile_loss else model

    def loss_of(src, tgt_in, tgt_out):
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=use_bf16):
            if kind == "ours":
                logits = net(src, src == 0, tgt_in)
            else:
                logits = net(input_ids=src, attention_mask=(src != 0).long(), decoder_input_ids=tgt_in).logits
            return F.cross_entropy(logits.float().view(-1, logits.shape[-1]), tgt_out.view(-1), ignore_index=0,
                                   label_smoothing=a.label_smoothing)

    loss_fn = torch.compile(loss_of, mode=mode) if compile_ and a.compile_loss else loss_of

    def step(b):
        src, tgt_in, tgt_out = (t.to(dev, non_blocking=True) for t in b)
        loss = loss_fn(src, tgt_in, tgt_out)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        return loss

    return model, step


def sync(dev) -> None:
    if dev.type == "cuda":
        torch.cuda.synchronize()


def run(kind: str, shape: ModelShape, dev, batches, a) -> dict:
    t_build = time.perf_counter()
    model, step = build(kind, shape, dev, a)
    for b in batches[:3]:  # warm-up (and compilation)
        step(b)
    sync(dev)
    warm_s = time.perf_counter() - t_build
    t0 = time.perf_counter()
    for i in range(a.steps):
        loss = step(batches[i % len(batches)])
    float(loss.detach())
    sync(dev)
    dt = time.perf_counter() - t0
    ntok = sum(int((batches[i % len(batches)][2] != 0).sum()) for i in range(a.steps))
    out = {"model": kind, "params_M": round(sum(p.numel() for p in model.parameters()) / 1e6, 2),
           "tokens_per_s": round(ntok / dt, 1), "step_ms": round(1000 * dt / a.steps, 2), "warmup_s": round(warm_s, 1)}
    if dev.type == "cuda":
        out["max_mem_GiB"] = round(torch.cuda.max_memory_allocated(dev) / 2**30, 2)
        torch.cuda.reset_peak_memory_stats(dev)
    del model, step
    return out


def make_shape(a) -> ModelShape:
    return ModelShape(vocab_size=a.vocab, dropout=a.dropout, max_seq_len=max(448, a.tgt), max_prompt_len=max(96, a.src),
                      copy_attention=not a.no_copy, **PRESETS[a.preset])


def make_batches(a, n: int = 4) -> list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    g = torch.Generator().manual_seed(0)
    batches = []
    for _ in range(n):
        src = torch.randint(4, a.vocab, (a.batch, a.src), generator=g)
        tgt = torch.randint(4, a.vocab, (a.batch, a.tgt + 1), generator=g)
        batches.append((src, tgt[:, :-1].contiguous(), tgt[:, 1:].contiguous()))
    return batches


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--preset", default="small", choices=PRESETS)
    ap.add_argument("--vocab", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--src", type=int, default=40)
    ap.add_argument("--tgt", type=int, default=200)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--compile", action="store_true")
    ap.add_argument("--compile-loss", action="store_true", help="compile forward + loss as one graph")
    ap.add_argument("--compile-mode", default="default")
    ap.add_argument("--sdpa", default="default", choices=["default", "no-efficient", "flash", "flash-math"])
    ap.add_argument("--coordinate-descent", action="store_true", help="Inductor's coordinate-descent kernel tuning")
    ap.add_argument("--dropout", type=float, default=0.1, help="dropout of both models (the presets use 0.1)")
    ap.add_argument("--label-smoothing", type=float, default=0.0)
    ap.add_argument("--model-src", default=None, help="benchmark the Seq2Seq of this model.py instead")
    ap.add_argument("--no-copy", action="store_true", help="build the model without its copy head")
    ap.add_argument("--tag", default="", help="a label copied into the JSON lines")
    ap.add_argument("--hf", action="store_true", help="also train a HF BART of the same shape")
    ap.add_argument("--hf-only", action="store_true", help="train only the HF BART")
    ap.add_argument("--hf-eager", action="store_true", help="no torch.compile for the HF model")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    return ap


def describe(a, dev, shape: ModelShape) -> dict:
    return dict(preset=a.preset, device=torch.cuda.get_device_name(dev) if dev.type == "cuda" else "cpu",
                torch=torch.__version__, batch=a.batch, src_len=a.src, tgt_len=a.tgt, bf16=dev.type == "cuda",
                compile=a.compile, compile_loss=a.compile_loss, compile_mode=a.compile_mode, sdpa=a.sdpa,
                coordinate_descent=a.coordinate_descent,
                copy_head=shape.copy_attention, dropout=shape.dropout, model_src=a.model_src or "", tag=a.tag,
                threads=torch.get_num_threads())


def main() -> None:
    a = parser().parse_args()
    dev = torch.device(a.device)
    set_sdpa(a.sdpa)
    set_inductor(a)
    shape = make_shape(a)
    batches = make_batches(a)
    fpt = flops_per_token(shape, a.src, a.tgt)
    peak = peak_flops(dev)
    kinds = ([] if a.hf_only else ["ours"]) + (["hf"] if a.hf or a.hf_only else [])
    results = []
    for k in kinds:
        r = run(k, shape, dev, batches, a)
        r.update(describe(a, dev, shape), flops_per_token=round(fpt))
        if k == "hf":
            r["compile"] = a.compile and not a.hf_eager
        if peak:
            r["peak_flops"] = peak
            r["mfu"] = round(r["tokens_per_s"] * fpt / peak, 4)
        results.append(r)
        print(json.dumps(r), flush=True)
    if len(results) == 2:
        print(json.dumps({"ours_over_hf_tokens_per_s": round(results[0]["tokens_per_s"] / results[1]["tokens_per_s"], 3),
                          "tag": a.tag}))


if __name__ == "__main__":
    main()
