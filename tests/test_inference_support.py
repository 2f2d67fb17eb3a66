"""Shared helpers for the inference tests: a tokenizer trained on a handful of shaders, tiny models.

Imported by the other `test_inference_*.py` files (pytest puts `tests/` on sys.path); it has no
tests of its own.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
import torch

from tiny_agent_trainer.model import ModelShape, Seq2Seq
from tiny_agent_trainer.tokenizer import WgslTokenizer

SHADERS = [
    ("Add the arrays a and b element by element.", """
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= arrayLength(&out)) { return; }
    out[i] = a[i] + b[i];
}
"""),
    ("Multiply the rgb channels of each color by the gain parameter.", """
struct Params {
    gain: f32,
}

@group(0) @binding(0) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> out: array<vec4<f32>>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
    let i = id.x;
    if (i >= arrayLength(&out)) { return; }
    let c = src[i];
    out[i] = vec4<f32>(c.rgb * params.gain, c.a);
}
"""),
    ("Count how often each value below 16 occurs in x.", """
@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read_write> hist: array<atomic<u32>>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= arrayLength(&x)) { return; }
    let v = x[i] & 15u;
    atomicAdd(&hist[v], 1u);
}
"""),
    ("Sum 64 values with one workgroup.", """
var<workgroup> tile: array<f32, 64>;
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) li: u32) {
    tile[li] = x[li];
    workgroupBarrier();
    for (var s = 32u; s > 0u; s = s >> 1u) {
        if (li < s) { tile[li] += tile[li + s]; }
        workgroupBarrier();
    }
    if (li == 0u) { out[0] = tile[0]; }
}
"""),
]


@pytest.fixture(scope="module", autouse=False)
def one_thread():
    """Tiny models decode fastest on one thread (and the shared CI box has 2 cores); restored after."""
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)


@functools.lru_cache(maxsize=1)
def tokenizer() -> WgslTokenizer:
    return WgslTokenizer.train([p for p, _ in SHADERS], [c for _, c in SHADERS], vocab_size=300, min_frequency=1)


def tiny_model(tok: WgslTokenizer, seed: int = 0, peaky: bool = True, **shape) -> Seq2Seq:
    """A random 2+2-layer model; `peaky` scales the embeddings so that logits are well separated."""
    torch.manual_seed(seed)
    kw = dict(d_model=32, nhead=4, num_layers=2, num_encoder_layers=2, dim_feedforward=64, dropout=0.0,
              max_seq_len=96, max_prompt_len=48)
    kw.update(shape)
    m = Seq2Seq(ModelShape(vocab_size=tok.vocab_size, pad_id=tok.pad_id, **kw))
    if peaky:
        with torch.no_grad():
            m.embed.weight.mul_(40.0)
    return m.eval()


def write_checkpoint(path: Path, tok: WgslTokenizer, model: Seq2Seq, fp16: bool = False) -> Path:
    """A checkpoint directory as training writes it (weights, tokenizer, config, meta)."""
    from tiny_agent_trainer.training.checkpoint import weights_of
    from safetensors.torch import save_file

    path.mkdir(parents=True, exist_ok=True)
    w = weights_of(model)
    if fp16:
        w = {k: v.half() for k, v in w.items()}
    save_file(w, str(path / "model.safetensors"))
    tok.save(path / "tokenizer.json")
    s = model.shape
    (path / "config.toml").write_text(
        "[model]\n" + "".join(f"{k} = {str(getattr(s, k)).lower() if isinstance(getattr(s, k), bool) else getattr(s, k)}\n"
                              for k in ("d_model", "nhead", "num_layers", "num_encoder_layers", "dim_feedforward",
                                        "dropout", "max_seq_len", "max_prompt_len", "tie_embeddings")),
        encoding="utf-8")
    (path / "meta.json").write_text(json.dumps({"step": 1, "model_id": "tiny-test"}), encoding="utf-8")
    return path
