"""Training data: encoded examples and a deterministic, resumable, length-bucketed batch order.

`encode_examples` turns records (prompt + reference WGSL) into id sequences with the tokenizer (for
a reviewer, optionally with a negative source: a shader its description does not describe,
`pick_negatives`);
`BatchPlan` orders them into batches of similar length (little padding) in an order that
depends only on (seed, epoch), so a resumed run sees exactly the batches it would have seen.
`noisy_prompts` corrupts a collated generator batch's prompts (words replaced or dropped) so that a
model learns not to hang on every word of a description.
Under DDP every rank takes its own slice of each global batch.
This module does NOT read dataset files from disk formats beyond JSONL/TOML records and does
NOT know about models or optimizers.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import torch

from ..errors import UserError


@dataclass
class Example:
    src: torch.Tensor | list[int]  # prompt ids (code ids for a wgsl2nl reviewer)
    tgt: torch.Tensor | list[int]  # BOS + code + EOS (BOS + prompt + EOS for a reviewer)
    neg: torch.Tensor | list[int] | None = None  # reviewer: a shader the prompt does not describe (`pick_negatives`)


def read_jsonl(path: Path) -> list[dict]:
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                raise UserError(f"{path}:{n}: not valid JSON ({e.msg})") from None
            if not isinstance(rec, dict) or not isinstance(rec.get("prompt"), str) or not isinstance(rec.get("reference"), str):
                raise UserError(f"{path}:{n}: record needs string fields 'prompt' and 'reference'")
            out.append(rec)
    return out


def load_split(data_dir: str | Path, split: str) -> list[dict]:
    """Records of one split from a `dataset build` directory (train-*.jsonl, val.jsonl, test.jsonl)."""
    d = Path(data_dir)
    if not d.is_dir():
        raise UserError(f"dataset directory {d} does not exist; run `tiny-agent-trainer dataset build --out {d}` first")
    files = sorted(d.glob(f"{split}-*.jsonl")) + sorted(d.glob(f"{split}.jsonl"))
    if not files:
        raise UserError(f"no {split} shards ({split}-*.jsonl or {split}.jsonl) in {d}; run `dataset build` first")
    recs = [r for f in files for r in read_jsonl(f)]
    return [r for r in recs if r.get("split", split) == split]


def encode_examples(records: list[dict], tok, max_prompt_len: int, max_seq_len: int,
                    reverse: bool = False, negatives: bool = False, seed: int = 0,
                    shader_fraction: float = 0.0) -> tuple[list[Example], int]:
    """Encode records; returns (examples, number dropped because the target is longer than max_seq_len).

    `reverse` ([task] direction = "wgsl2nl"): the code is the source and the prompt the target.
    `negatives` (with `reverse`): each example also gets `neg`, a shader its description does not
    describe (`pick_negatives`), or None when there is none."""
    srcs = tok.encode_prompts([r["prompt"] for r in records])
    tgts = tok.encode_codes([r["reference"] for r in records])
    negs: list[list[int] | None] = [None] * len(records)
    if reverse and negatives:
        picked = pick_negatives([r["reference"] for r in records], seed, shader_fraction)
        for i, ids in zip(picked, tok.encode_codes(list(picked.values()))):
            negs[i] = ids
    if reverse:
        srcs, tgts = tgts, srcs
    out, dropped = [], 0
    for s, t, n in zip(srcs, tgts, negs):
        t = [tok.bos_id] + t + [tok.eos_id]
        if len(t) > max_seq_len + 1:  # decoder input is tgt[:-1], at most max_seq_len
            dropped += 1
            continue
        out.append(Example(torch.tensor(s[:max_prompt_len], dtype=torch.long), torch.tensor(t, dtype=torch.long),
                           None if n is None else torch.tensor(n[:max_prompt_len], dtype=torch.long)))
    return out, dropped


def _signature(code: str) -> tuple | None:
    from ..wgsl.names import interface

    binds, fields = interface(code)
    return (tuple((k, a, t) for k, a, _, t in binds), tuple(t for _, t in fields)) if binds else None


def _computation(code: str) -> str:
    """`code` without whitespace and workgroup sizes: two shaders equal here compute the same thing."""
    return re.sub(r"\s+", "", re.sub(r"@workgroup_size\([^)]*\)", "", code))


_NEG_STATE: dict = {}  # the inputs of `pick_negatives`, inherited by forked worker processes


def _pick_range(bounds: tuple[int, int]) -> dict[int, str]:
    import random

    from ..wgsl.mutate import mutants
    from ..wgsl.names import adopt_names

    codes, sigs, groups = _NEG_STATE["codes"], _NEG_STATE["sigs"], _NEG_STATE["groups"]
    seed, fraction = _NEG_STATE["seed"], _NEG_STATE["fraction"]
    out: dict[int, str] = {}
    for i in range(*bounds):
        code = codes[i]
        rng = random.Random(seed * 1_000_003 + i)
        if sigs[i] is not None and rng.random() < fraction:
            group = groups[sigs[i]]
            mine = _computation(code)
            for _ in range(4):  # a few draws: the same computation under other names does not count
                j = group[rng.randrange(len(group))]
                other = codes[j]
                named = adopt_names(other, code) if j != i and other != code else None
                if named is not None and _computation(named) != mine:
                    out[i] = named
                    break
            if i in out:
                continue
        ms = mutants(code)
        if ms:
            out[i] = rng.choice(ms)
    return out


def pick_negatives(codes: list[str], seed: int, shader_fraction: float = 0.0, workers: int | None = None
                   ) -> dict[int, str]:
    """A negative shader per index of `codes` (drawn with `seed`), where one exists: with probability
    `shader_fraction` another shader of the list with the same interface (bindings, access modes,
    types, uniform field types), renamed to this one's names (`wgsl.names.adopt_names`), so only the
    computation tells them apart; otherwise (or when there is no such shader) one of the shader's
    operation mutants (`wgsl.mutate.mutants`: one operator or builtin swapped). A shader that differs only
    in layout or workgroup size is not a negative. Large lists are split over `workers` forked processes
    (default: the CPU count, at most 8); the result does not depend on the split."""
    import multiprocessing
    import os

    sigs = [_signature(c) if shader_fraction > 0 else None for c in codes]
    groups: dict[tuple, list[int]] = {}
    for i, sg in enumerate(sigs):
        if sg is not None:
            groups.setdefault(sg, []).append(i)
    _NEG_STATE.update(codes=codes, sigs=sigs, groups=groups, seed=seed, fraction=shader_fraction)
    try:
        n = workers or min(8, os.cpu_count() or 1)
        if n <= 1 or len(codes) < 20_000 or "fork" not in multiprocessing.get_all_start_methods():
            return _pick_range((0, len(codes)))
        step = -(-len(codes) // (n * 4))
        with multiprocessing.get_context("fork").Pool(n) as pool:
            parts = pool.map(_pick_range, [(a, min(a + step, len(codes))) for a in range(0, len(codes), step)])
        return {k: v for part in parts for k, v in part.items()}
    finally:
        _NEG_STATE.clear()


class BatchPlan:
    """Length-bucketed batches in a seeded order; `batches(epoch)` is a pure function of (seed, epoch)."""

    def __init__(self, examples: list[Example], batch_size: int, seed: int, rank: int = 0, world: int = 1,
                 bucket_factor: int = 50):
        if batch_size % world:
            raise UserError(f"batch_size {batch_size} must be divisible by the number of processes {world}")
        if len(examples) < batch_size:
            raise UserError(f"only {len(examples)} training examples, fewer than batch_size {batch_size}; "
                            "lower [training] batch_size or build a larger dataset")
        self.ex, self.bs, self.seed, self.rank, self.world = examples, batch_size, seed, rank, world
        self.bucket = batch_size * bucket_factor

    def __len__(self) -> int:
        return max(1, len(self.ex) // self.bs)

    def batches(self, epoch: int) -> list[list[int]]:
        g = torch.Generator().manual_seed(self.seed * 1_000_003 + epoch)
        perm = torch.randperm(len(self.ex), generator=g).tolist()
        out = []
        for i in range(0, len(perm), self.bucket):  # sort within large random chunks by length
            chunk = sorted(perm[i:i + self.bucket], key=lambda j: len(self.ex[j].tgt))
            out += [chunk[k:k + self.bs] for k in range(0, len(chunk) - self.bs + 1, self.bs)]
        order = torch.randperm(len(out), generator=g).tolist()
        per = self.bs // self.world
        return [out[o][self.rank * per:(self.rank + 1) * per] for o in order]


def collate(examples: list[Example], idx: list[int], pad: int, multiple: tuple[int, int] = (1, 1),
            cap: tuple[int, int] | None = None) -> dict[str, torch.Tensor]:
    """Padded tensors: src (B,S), src_pad (B,S), tgt_in (B,T), tgt_out (B,T) with pad where ignored; when an
    example has a negative source, also neg_src and neg_pad (B,S') and has_neg (B,) (False: neg_src is a copy
    of src, to be ignored).

    `multiple` = (m_src, m_tgt) rounds S and T up to multiples (at most `cap`): on a GPU this bounds the
    number of distinct shapes, each of which costs kernel planning (cuDNN attention) the first time."""
    from torch.nn.utils.rnn import pad_sequence

    exs = [examples[i] for i in idx]
    tgts = [torch.as_tensor(e.tgt) for e in exs]
    src = pad_sequence([torch.as_tensor(e.src) for e in exs], batch_first=True, padding_value=pad)
    tgt_in = pad_sequence([t[:-1] for t in tgts], batch_first=True, padding_value=pad)
    tgt_out = pad_sequence([t[1:] for t in tgts], batch_first=True, padding_value=pad)
    if multiple != (1, 1):
        def grow(x: torch.Tensor, m: int, limit: int | None) -> torch.Tensor:
            n = -(-x.shape[1] // m) * m
            n = max(x.shape[1], min(n, limit)) if limit else n
            return torch.nn.functional.pad(x, (0, n - x.shape[1]), value=pad) if n > x.shape[1] else x
        src = grow(src, multiple[0], cap[0] if cap else None)
        tgt_in = grow(tgt_in, multiple[1], cap[1] if cap else None)
        tgt_out = grow(tgt_out, multiple[1], cap[1] if cap else None)
    out = {"src": src, "src_pad": src == pad, "tgt_in": tgt_in, "tgt_out": tgt_out}
    if any(e.neg is not None for e in exs):
        neg = pad_sequence([torch.as_tensor(e.src if e.neg is None else e.neg) for e in exs], batch_first=True,
                           padding_value=pad)
        if multiple != (1, 1):
            neg = grow(neg, multiple[0], cap[0] if cap else None)
        out.update(neg_src=neg, neg_pad=neg == pad, has_neg=torch.tensor([e.neg is not None for e in exs]))
    return out


def noisy_prompts(batch: dict[str, torch.Tensor], p: float, vocab: torch.Tensor, gen: torch.Generator,
                  pad: int) -> dict[str, torch.Tensor]:
    """A collated generator batch whose prompts are corrupted: each prompt token that does not occur in its
    own target (so names and numbers the shader copies are never touched) is, with probability `p`, replaced
    by a random token of `vocab` (half the time) or deleted (the rest shift left). A prompt keeps at least one
    token. The input batch is not modified; `gen` (a generator on the batch's device, as is `vocab`) makes the
    noise reproducible."""
    src, tgt = batch["src"], batch["tgt_out"]
    real = src != pad
    copied = (src.unsqueeze(2) == tgt.unsqueeze(1)).any(dim=2)
    free = real & ~copied
    u = torch.rand(src.shape, generator=gen, device=src.device)
    replace = free & (u < p / 2)
    drop = free & (u >= p / 2) & (u < p)
    drop &= ~((real & ~drop).sum(dim=1, keepdim=True) == 0)  # never delete a whole prompt
    picks = vocab[torch.randint(len(vocab), src.shape, generator=gen, device=src.device)]
    gone = drop | ~real
    order = torch.argsort(gone.to(torch.int8), dim=1, stable=True)  # survivors first, in order
    out = torch.gather(torch.where(replace, picks, src), 1, order)
    out = torch.where(torch.gather(gone, 1, order), torch.full_like(out, pad), out)
    return dict(batch, src=out, src_pad=out == pad)
