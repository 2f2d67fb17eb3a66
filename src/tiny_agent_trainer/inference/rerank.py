"""Rerank valid candidate shaders by two likelihoods: the generator's and a reviewer's.

score(code) = mean log p(code | prompt) under the generator + mean log p(prompt | code) under a
reviewer, a small model trained the other way round (`[task] direction = "wgsl2nl"`, preset
`reviewer`). The generator alone tends to prefer shaders that are likely in general; the reviewer asks
whether the shader explains the words of the request ("sum" vs a division, "cosine" vs `radians`), so
a candidate must fit both directions. Both terms are per-token means with equal weights, fixed before
any measurement (the coder-reviewer rule), not tuned on a benchmark.

A bundle ships its reviewer in a `reviewer/` folder (`REVIEWER_DIR`). `Reranker.scores(prompt, codes)`
returns one score per code (higher is better); `reviewer_means` is the reviewer's term alone (also used to rescore
recorded pools, `benchmarks/bench_pools.py`); `teacher_forced_means` is the batched, teacher-forced log-likelihood
both terms use.

This module does NOT decode, validate or collect candidates (see `api.Generator`, which reranks the
naga-valid beams plus the nearest retrieval examples) and does NOT train.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import torch

from ..errors import UserError

REVIEWER_DIR = "reviewer"  # inside a model bundle


@torch.no_grad()
def teacher_forced_means(loaded, srcs: Sequence[Sequence[int]], tgts: Sequence[Sequence[int]],
                         batch: int = 16) -> list[float]:
    """Mean log-probability per target token (EOS included) of each `tgts[i]` given `srcs[i]` under
    `loaded.model`; sources and targets are cut to the model's max_prompt_len / max_seq_len. Batches are
    padded by the training collation (`training.data.collate`)."""
    from ..training.data import Example, collate
    from ..training.loop import mean_target_logprob

    model, tok = loaded.model, loaded.tokenizer
    dev = next(model.parameters()).device
    exs = [Example(list(s)[: loaded.max_prompt_len] or [tok.pad_id],
                   [tok.bos_id] + list(t)[: loaded.max_seq_len - 1] + [tok.eos_id]) for s, t in zip(srcs, tgts)]
    out: list[float] = []
    for b in range(0, len(exs), batch):
        c = {k: v.to(dev) for k, v in collate(exs, list(range(b, min(b + batch, len(exs)))), tok.pad_id).items()}
        scores = model(c["src"], c["src_pad"], c["tgt_in"]).float()
        if not model.shape.copy_attention:  # plain logits; the copy head already returns log-probabilities
            scores = scores.log_softmax(-1)
        out += mean_target_logprob(scores, c["tgt_out"], tok.pad_id).tolist()
    return out


class Reranker:
    """Scores candidate shaders for a prompt with the generator (`generator`, a LoadedModel) and the
    reviewer loaded from `reviewer_path` (a wgsl2nl checkpoint or bundle directory)."""

    def __init__(self, generator, reviewer_path: str | Path, device: str = "cpu"):
        from .loading import load_model

        self.generator = generator
        self.reviewer = load_model(Path(reviewer_path), device)
        if self.reviewer.direction != "wgsl2nl":
            raise UserError(f"{reviewer_path} is not a reviewer: its [task] direction is "
                            f"{self.reviewer.direction!r}, expected 'wgsl2nl' (train one with --preset reviewer)")

    def scores(self, prompt: str, codes: Sequence[str]) -> list[float]:
        if not codes:
            return []
        g = self.generator.tokenizer
        fwd = teacher_forced_means(self.generator, [g.encode_prompt(prompt)] * len(codes), g.encode_codes(list(codes)))
        return [f + v for f, v in zip(fwd, reviewer_means(self.reviewer, prompt, codes))]


def reviewer_means(reviewer, prompt: str, codes: Sequence[str]) -> list[float]:
    """Mean log p(prompt | code) under `reviewer` (a loaded wgsl2nl model), one per code: the reviewer's term."""
    r = reviewer.tokenizer
    return teacher_forced_means(reviewer, r.encode_codes(list(codes)), [r.encode_prompt(prompt)] * len(codes))
