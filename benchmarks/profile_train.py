"""Where a training step's GPU time goes: torch.profiler over a few steps of the benchmark's training step.

Usage (GPU): python benchmarks/profile_train.py --preset base --batch 256 --src 48 --tgt 256 [--compile]
             [--compile-loss] [--sdpa no-efficient] [--model-src OLD_model.py] [--top 25]
Takes every option of benchmarks/bench_train.py (the step is built by its `build`). Warms up (and
compiles), times `--steps` steps (tokens/s and MFU as bench_train counts them), then profiles
`--profile-steps` more and prints the top CUDA kernels by self time and the share of kernel time per
category: GEMM, attention, softmax/scatter/log (copy head and loss), layer norm, other elementwise
(dropout, GELU, residual adds, casts), optimizer (AdamW, gradient clipping), memcpy/memset.
Kernel names decide the category; Inductor names its fused kernels after the first ops they contain,
so a fused kernel counts where its first op points. One JSON line (`"summary"`) comes last.
"""
from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_train import build, describe, make_batches, make_shape, parser, peak_flops, set_inductor, set_sdpa, sync  # noqa: E402
from tiny_agent_trainer.model import flops_per_token  # noqa: E402

CATEGORIES = [  # first match wins
    ("memcpy/memset", r"memcpy|memset"),
    ("attention", r"flash|fmha|attention|attn|cudnn|sdpa|_mha|pytorch_flash"),
    ("optimizer", r"adam|multi_tensor|foreach|lpnorm|l2norm|clip"),
    ("gemm", r"gemm|nvjet|cutlass|xmma|cublas|wgmma|triton_tem|splitk|sm90_|bmm|_mm_"),
    ("softmax/scatter/log (copy head, loss)", r"scatter|gather|log_softmax|logsoftmax|nll|softmax|sigmoid|clamp|"
                                                r"cross_entropy|logsumexp|_log_|index"),
    ("layer norm", r"layer_norm|layernorm"),
    ("other elementwise (dropout, GELU, adds, casts, reductions)", r"."),
]


def category(name: str) -> str:
    low = name.lower()
    for cat, pat in CATEGORIES:
        if re.search(pat, low):
            return cat
    return CATEGORIES[-1][0]


def kernel_times(prof) -> list[tuple[str, int, float]]:
    """(kernel name, calls, self device time in us) for every CUDA kernel/memcpy in the profile."""
    rows = []
    for avg in prof.key_averages():
        if avg.device_type != torch.autograd.DeviceType.CUDA:
            continue
        us = getattr(avg, "self_device_time_total", None)
        if us is None:
            us = avg.self_cuda_time_total
        rows.append((avg.key, avg.count, float(us)))
    return sorted(rows, key=lambda r: -r[2])


def main() -> None:
    ap = parser()
    ap.add_argument("--profile-steps", type=int, default=3)
    ap.add_argument("--top", type=int, default=25)
    a = ap.parse_args()
    dev = torch.device(a.device)
    set_sdpa(a.sdpa)
    set_inductor(a)
    shape = make_shape(a)
    batches = make_batches(a)
    kind = "hf" if a.hf_only else "ours"
    t0 = time.perf_counter()
    model, step = build(kind, shape, dev, a)
    for b in batches[:3]:
        step(b)
    sync(dev)
    warm_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i in range(a.steps):
        step(batches[i % len(batches)])
    sync(dev)
    step_ms = 1000 * (time.perf_counter() - t0) / a.steps
    ntok = int((batches[0][2] != 0).sum())
    fpt = flops_per_token(shape, a.src, a.tgt)
    tps = ntok / (step_ms / 1000)
    peak = peak_flops(dev)

    acts = [torch.profiler.ProfilerActivity.CPU] + ([torch.profiler.ProfilerActivity.CUDA] if dev.type == "cuda" else [])
    with torch.profiler.profile(activities=acts) as prof:
        for i in range(a.profile_steps):
            step(batches[i % len(batches)])
        sync(dev)
    rows = kernel_times(prof)
    n = a.profile_steps
    total = sum(r[2] for r in rows) / n / 1000  # ms of kernel time per step
    print(f"\n== {kind} {a.preset} batch {a.batch}x{a.tgt} src {a.src}, compile={a.compile} loss-in-graph={a.compile_loss} "
          f"mode={a.compile_mode} sdpa={a.sdpa} cdt={a.coordinate_descent} model_src={a.model_src or 'this checkout'}")
    print(f"   step {step_ms:.2f} ms wall, {total:.2f} ms of kernel time per step "
          f"({100 * total / step_ms:.0f}% busy), {tps:,.0f} tokens/s"
          + (f", MFU {tps * fpt / peak:.1%}" if peak else ""))
    print(f"\n{'ms/step':>8} {'share':>6} {'calls':>6}  category / kernel")
    for name, calls, us in rows[:a.top]:
        print(f"{us / n / 1000:8.3f} {100 * us / n / 1000 / max(total, 1e-9):5.1f}% {calls // n:6d}  "
              f"[{category(name).split(' ')[0]}] {name[:110]}")
    cats: dict[str, float] = {}
    for name, _, us in rows:
        cats[category(name)] = cats.get(category(name), 0.0) + us / n / 1000
    print(f"\n{'ms/step':>8} {'share':>6}  category")
    for cat, ms in sorted(cats.items(), key=lambda kv: -kv[1]):
        print(f"{ms:8.3f} {100 * ms / max(total, 1e-9):5.1f}%  {cat}")
    summary = {"summary": True, "model": kind, "step_ms": round(step_ms, 2), "kernel_ms": round(total, 2),
               "tokens_per_s": round(tps, 1), "warmup_s": round(warm_s, 1), "flops_per_token": round(fpt),
               "categories_ms": {k: round(v, 3) for k, v in cats.items()}, **describe(a, dev, shape)}
    if peak:
        summary["mfu"] = round(tps * fpt / peak, 4)
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
