"""The model's training-path copy head (`copy_mix_log_probs`) against the plain pointer-generator math.

`Seq2Seq._output` takes a fused route in training mode and the plain one (p = g*softmax, scatter_add of
the copy mass, clamped log) in eval mode; both must give the same log-probabilities and gradients,
also with repeated prompt tokens, padding and probabilities under the clamp.
"""
from __future__ import annotations

import math

import pytest
import torch

from tiny_agent_trainer.model import PROB_FLOOR, ModelShape, Seq2Seq, copy_mix_log_probs, flops_per_token


def plain(logits, attn, gate_logit, src_ids):
    gate = torch.sigmoid(gate_logit)
    p = gate * logits.softmax(-1)
    p = p.scatter_add(2, src_ids[:, None, :].expand(-1, logits.shape[1], -1), (1 - gate) * attn)
    return torch.log(p.clamp_min(PROB_FLOOR))


def inputs(seed, b=3, t=5, s=7, v=11, scale=3.0, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    logits = (scale * torch.randn(b, t, v, generator=g, dtype=dtype)).requires_grad_()
    allowed = torch.ones(b, 1, s, dtype=torch.bool)
    allowed[0, :, -2:] = False  # padding: no copy mass there
    scores = torch.randn(b, t, s, generator=g, dtype=dtype).masked_fill(~allowed, float("-inf"))
    attn = scores.softmax(-1).detach().requires_grad_()
    gate_logit = (2 * torch.randn(b, t, 1, generator=g, dtype=dtype)).requires_grad_()
    src = torch.randint(1, v, (b, s), generator=g)
    src[1, 3] = src[1, 0]  # repeated prompt tokens
    src[1, 5] = src[1, 0]
    src[2, 6] = src[2, 2]
    src[0, -2:] = 0  # padding id
    return logits, attn, gate_logit, src


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("scale", [1.0, 30.0])  # 30: many probabilities under PROB_FLOOR (the clamp)
def test_copy_mix_equals_plain_math(seed, scale):
    a = inputs(seed, scale=scale)
    b = [x.detach().clone().requires_grad_(x.requires_grad) for x in a[:3]] + [a[3]]
    want, got = plain(*a), copy_mix_log_probs(*b)
    assert torch.allclose(got, want, rtol=1e-10, atol=1e-10)
    w = torch.randn(want.shape, generator=torch.Generator().manual_seed(seed + 100), dtype=want.dtype)
    (want * w).sum().backward()
    (got * w).sum().backward()
    for x, y in zip(a[:3], b[:3]):
        assert torch.allclose(y.grad, x.grad, rtol=1e-8, atol=1e-10)


def test_train_path_equals_eval_path_in_the_model():
    torch.manual_seed(0)
    shape = ModelShape(vocab_size=50, d_model=32, nhead=4, num_layers=2, num_encoder_layers=2, dim_feedforward=64,
                       dropout=0.0, max_seq_len=16, max_prompt_len=12)
    model = Seq2Seq(shape)
    src = torch.randint(3, 50, (4, 9))
    src[0, 4] = src[0, 1]
    src[2, -3:] = 0
    tgt = torch.randint(3, 50, (4, 12))
    grads = []
    outs = []
    for train in (False, True):
        model.train(train)
        model.zero_grad()
        out = model(src, src == 0, tgt)
        torch.nn.functional.cross_entropy(out.view(-1, 50), tgt.roll(-1, 1).view(-1), label_smoothing=0.1).backward()
        outs.append(out.detach())
        grads.append({n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None})
    assert torch.allclose(outs[0], outs[1], atol=1e-5)
    assert grads[0].keys() == grads[1].keys()
    for n in grads[0]:
        assert torch.allclose(grads[0][n], grads[1][n], rtol=1e-4, atol=1e-6), n


def test_flops_count_the_copy_head_matmuls():
    s = ModelShape(vocab_size=2000, d_model=512, nhead=8, num_layers=6, num_encoder_layers=6, dim_feedforward=2048)
    on, off = flops_per_token(s, 48, 256), flops_per_token(ModelShape(**{**s.__dict__, "copy_attention": False}), 48, 256)
    d = 512
    assert math.isclose(on - off, 3 * (2 * d * d + 2 * 48 * d + 2 * d + 48 * 2 * d * d / 256))
