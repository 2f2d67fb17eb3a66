"""The decoding engine: greedy, temperature/top-p sampling and beam search over token ids.

All strategies run batched (several prompts, padded; per-row finished flags; finished rows are
dropped from the batch) and use the model's preallocated key/value cache: the prompt is encoded
once, the cross-attention keys/values are projected once, and each step feeds one token per row
(`Seq2Seq.decode_step`); beam search reorders the cache rows with `KVCache.reorder`.

Constraints plug in through the `Constraint` protocol, a logits-processor-like hook:
`mask(row_state, logits, need)` returns the row's logits with every token it did not allow set to
-inf, keeping at least the `need` best allowed ones finite (so a lazy implementation only checks
the top candidates), and `advance(row_state, token)` gives the row's next state. Sampling draws with
the Gumbel-max trick (argmax of logits + Gumbel noise == a sample from softmax(logits)), so the
same lazy hook yields exact samples from the constrained, renormalised distribution.

This module knows ids only: it does NOT know text, tokenizers, grammars, validation or files
(see `constrained.py`, `api.py`). Determinism: sampling uses its own `torch.Generator` seeded from
`DecodeConfig.seed`, never the global RNG.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any, Protocol, Sequence

import torch
import torch.nn.functional as F

NEG_INF = float("-inf")


class Constraint(Protocol):
    def start(self) -> Any:
        """State of a row before its first generated token."""

    def mask(self, state: Any, logits: torch.Tensor, need: int) -> torch.Tensor:
        """`logits` (V,) with -inf except allowed tokens (at least the `need` best allowed ones stay finite)."""

    def advance(self, state: Any, token: int) -> Any:
        """State after `token` (only called with tokens the mask allowed)."""


@dataclass
class DecodeConfig:
    strategy: str = "greedy"  # greedy | sample | beam
    max_new_tokens: int = 400
    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = 0
    beams: int = 4
    length_penalty: float = 1.0
    early_stopping: bool = True
    num_return: int = 1  # hypotheses per prompt (beam: at most `beams`; sample: independent samples)
    min_new_tokens: int = 0  # EOS is suppressed before this many tokens (benchmarks)
    seed: int | None = None

    def check(self) -> None:
        if self.strategy not in ("greedy", "sample", "beam"):
            raise ValueError(f"unknown decoding strategy {self.strategy!r}")
        if self.max_new_tokens < 1:
            raise ValueError("max_new_tokens must be >= 1")
        if self.strategy == "sample" and not (self.temperature > 0 and 0 < self.top_p <= 1):
            raise ValueError("sampling needs temperature > 0 and 0 < top_p <= 1")
        if self.strategy == "beam" and not 1 <= self.num_return <= self.beams:
            raise ValueError("beam search needs 1 <= num_return <= beams")


@dataclass
class Hypothesis:
    tokens: list[int]  # generated ids, without BOS/EOS (forced prefix included)
    logprob: float  # sum of the model's log-probabilities of the generated tokens (EOS included)
    score: float  # ranking score (beam: length-penalised logprob)
    finished: bool  # ended with EOS (False: cut by max length, or no allowed token left)
    state: Any = field(default=None, repr=False)  # final constraint state


def _pad_batch(prompts: Sequence[Sequence[int]], pad: int, device) -> tuple[torch.Tensor, torch.Tensor]:
    n = max(1, max(len(p) for p in prompts))
    src = torch.full((len(prompts), n), pad, dtype=torch.long, device=device)
    for i, p in enumerate(prompts):
        if p:
            src[i, : len(p)] = torch.tensor(list(p), dtype=torch.long)
    src_pad = src == pad
    src_pad[:, 0] = False  # an empty prompt still needs one position to attend to
    return src, src_pad


def _top_p_filter(logits: torch.Tensor, top_p: float, top_k: int) -> torch.Tensor:
    if top_k > 0 and top_k < logits.shape[-1]:
        kth = logits.topk(top_k, dim=-1).values[..., -1:]
        logits = logits.masked_fill(logits < kth, NEG_INF)
    if top_p < 1.0:
        sorted_l, order = logits.sort(dim=-1, descending=True)
        probs = sorted_l.softmax(-1)
        drop = probs.cumsum(-1) - probs > top_p  # keep the smallest prefix reaching top_p (at least one)
        logits = logits.masked_fill(drop.scatter(-1, order, drop), NEG_INF)
    return logits


def _gumbel(shape, gen: torch.Generator, device) -> torch.Tensor:
    u = torch.rand(shape, generator=gen, device=device).clamp_(1e-10, 1.0 - 1e-7)
    return -torch.log(-torch.log(u))


class Decoder:
    """Runs one model with fixed special ids; call `generate(prompts, cfg)` for hypotheses per prompt."""

    def __init__(self, model, *, bos_id: int, eos_id: int, pad_id: int):
        self.model, self.bos, self.eos, self.pad = model, bos_id, eos_id, pad_id
        self.timings: dict[str, float] = {}  # ms of the last `generate`: encode, decode

    @property
    def device(self):
        return next(self.model.parameters()).device

    @torch.inference_mode()
    def generate(self, prompts: Sequence[Sequence[int]], cfg: DecodeConfig, constraint: Constraint | None = None,
                 prefix: Sequence[int] = (), ban_first: Sequence[int] = ()) -> list[list[Hypothesis]]:
        """Hypotheses per prompt, best first.

        `prefix`: tokens forced at the start of every output (fed in one step); `ban_first`: ids
        disallowed right after the prefix (used by the repair loop in `api.py`).
        """
        cfg.check()
        if not prompts:
            return []
        self.model.eval()
        t0 = time.perf_counter()
        src, src_pad = _pad_batch(prompts, self.pad, self.device)
        memory = self.model.encode(src, src_pad)
        t1 = time.perf_counter()
        if cfg.strategy == "beam":
            out = self._beam(memory, src_pad, cfg, constraint, list(prefix), list(ban_first))
        else:
            out = self._sample_or_greedy(memory, src_pad, cfg, constraint, list(prefix), list(ban_first))
        self.timings = {"encode": (t1 - t0) * 1e3, "decode": (time.perf_counter() - t1) * 1e3}
        return out

    # -- shared pieces ----------------------------------------------------------------------------
    def _start(self, memory, src_pad, rows_per_prompt: int, prefix: list[int], max_new: int, constraint):
        """Expand rows, feed BOS+prefix; returns (logits of the first free position, cache, states, max_new)."""
        if rows_per_prompt > 1:
            memory = memory.repeat_interleave(rows_per_prompt, 0)
            src_pad = src_pad.repeat_interleave(rows_per_prompt, 0)
        r = memory.shape[0]
        limit = self.model.shape.max_seq_len
        max_new = min(max_new, limit - len(prefix))
        if max_new < 1:
            raise ValueError(f"prefix of {len(prefix)} tokens leaves no room under max_seq_len {limit}")
        cache = self.model.new_cache(r, max_len=len(prefix) + max_new)
        tok = torch.tensor([[self.bos] + prefix] * r, dtype=torch.long, device=memory.device)
        logits = self.model.decode_step(tok, memory, src_pad, cache).float()
        states = None
        if constraint is not None:
            st = constraint.start()
            for t in prefix:
                st = constraint.advance(st, t)
            states = [st] * r
        return logits, cache, memory, src_pad, states, max_new

    def _suppress(self, logits: torch.Tensor, step: int, cfg: DecodeConfig, ban_first: list[int]) -> torch.Tensor:
        logits[:, [self.bos, self.pad]] = NEG_INF  # never valid output
        if step < cfg.min_new_tokens:
            logits[:, self.eos] = NEG_INF
        if step == 0 and ban_first:
            logits[:, ban_first] = NEG_INF
        return logits

    # -- greedy and sampling ----------------------------------------------------------------------
    def _sample_or_greedy(self, memory, src_pad, cfg, constraint, prefix, ban_first):
        n_prompts = memory.shape[0]
        per = cfg.num_return if cfg.strategy == "sample" else 1
        logits, cache, memory, src_pad, states, max_new = self._start(memory, src_pad, per, prefix,
                                                                      cfg.max_new_tokens, constraint)
        gen = None
        if cfg.strategy == "sample":
            gen = torch.Generator(device=memory.device)
            gen.manual_seed(cfg.seed if cfg.seed is not None else int.from_bytes(os.urandom(7), "little"))
        rows = list(range(memory.shape[0]))  # original row of each live cache row
        out: list[list[int]] = [list(prefix) for _ in rows]
        logp = [0.0] * len(rows)
        done: list[Hypothesis | None] = [None] * len(rows)
        for step in range(max_new):
            logits = self._suppress(logits, step, cfg, ban_first)
            logprobs = logits.log_softmax(-1)
            if gen is not None:
                scaled = _top_p_filter(logits / cfg.temperature, cfg.top_p, cfg.top_k)
                noise = _gumbel(scaled.shape, gen, scaled.device)
                sel = scaled + noise
            else:
                sel = logits
            if states is not None:
                sel = sel.clone()
                for i in range(len(rows)):
                    m = constraint.mask(states[i], sel[i], 1)
                    if gen is not None and not torch.isfinite(m.max()):  # nucleus all disallowed: widen
                        m = constraint.mask(states[i], logits[i] / cfg.temperature + noise[i], 1)
                    sel[i] = m
            nxt = sel.argmax(-1)
            dead = ~torch.isfinite(sel.gather(1, nxt[:, None]).squeeze(1))
            chosen = logprobs.gather(1, nxt[:, None]).squeeze(1)
            nxt_l, chosen_l, dead_l = nxt.tolist(), chosen.tolist(), dead.tolist()
            keep = []
            for i, r in enumerate(rows):
                t = nxt_l[i]
                if dead_l[i]:
                    done[r] = Hypothesis(out[r], logp[r], logp[r], False, states[i] if states else None)
                    continue
                logp[r] += chosen_l[i]
                if t == self.eos:
                    done[r] = Hypothesis(out[r], logp[r], logp[r], True, states[i] if states else None)
                    continue
                out[r].append(t)
                if states is not None:
                    states[i] = constraint.advance(states[i], t)
                keep.append(i)
            if len(keep) < len(rows):
                if not keep:
                    rows = []
                    break
                idx = torch.tensor(keep, dtype=torch.long, device=memory.device)
                cache.reorder(idx)
                memory, src_pad = memory.index_select(0, idx), src_pad.index_select(0, idx)
                nxt = nxt.index_select(0, idx)
                rows = [rows[i] for i in keep]
                if states is not None:
                    states = [states[i] for i in keep]
            if step == max_new - 1:
                break
            logits = self.model.decode_step(nxt[:, None], memory, src_pad, cache).float()
        for i, r in enumerate(rows):  # cut by max length
            done[r] = Hypothesis(out[r], logp[r], logp[r], False, states[i] if states else None)
        return [[done[p * per + j] for j in range(per)] for p in range(n_prompts)]

    # -- beam search ------------------------------------------------------------------------------
    def _beam(self, memory, src_pad, cfg, constraint, prefix, ban_first):
        K, lp = cfg.beams, cfg.length_penalty
        n_prompts = memory.shape[0]
        logits, cache, memory, src_pad, states, max_new = self._start(memory, src_pad, K, prefix,
                                                                      cfg.max_new_tokens, constraint)
        V = logits.shape[-1]
        alive = list(range(n_prompts))  # prompt of each live block of K rows
        seqs: list[list[int]] = [list(prefix) for _ in range(n_prompts * K)]
        bscore = torch.zeros(n_prompts, K, device=memory.device)
        bscore[:, 1:] = NEG_INF  # all beams start identical: expand only the first
        finals: list[list[Hypothesis]] = [[] for _ in range(n_prompts)]

        def penalised(s: float, n: int) -> float:
            return s / (max(n, 1) ** lp)

        for step in range(max_new):
            logprobs = self._suppress(logits, step, cfg, ban_first).log_softmax(-1)
            if states is not None:
                for i, s in enumerate(bscore.view(-1).tolist()):
                    if s != NEG_INF:
                        logprobs[i] = constraint.mask(states[i], logprobs[i], 2 * K)
            cand = (bscore.view(-1, 1) + logprobs).view(len(alive), K * V)
            top_s, top_i = cand.topk(min(2 * K, K * V), dim=1)
            top_s_l, top_i_l = top_s.tolist(), top_i.tolist()
            new_rows, new_toks, new_scores, keep_blocks = [], [], [], []
            n_gen = step + 1  # generated tokens incl. the one chosen now
            for b, p in enumerate(alive):
                picks = []
                for rank, (s, flat) in enumerate(zip(top_s_l[b], top_i_l[b])):
                    if s == NEG_INF:
                        break
                    j, t = divmod(flat, V)
                    row = b * K + j
                    if t == self.eos:
                        if rank < K:  # like HF: an EOS ranked below the first K candidates does not count
                            st = states[row] if states else None
                            finals[p].append(Hypothesis(seqs[row], s, penalised(s, n_gen), True, st))
                        continue
                    picks.append((row, t, s))
                    if len(picks) == K:
                        break
                finals[p].sort(key=lambda h: -h.score)
                best_live = picks[0][2] if picks else NEG_INF
                if len(finals[p]) >= K:
                    finals[p] = finals[p][:K]
                    if cfg.early_stopping or penalised(best_live, n_gen) <= finals[p][-1].score or not picks:
                        continue
                if not picks:
                    continue  # nothing allowed and nothing more to explore
                while len(picks) < K:  # pad with dead copies
                    picks.append((picks[0][0], picks[0][1], NEG_INF))
                keep_blocks.append(p)
                for row, t, s in picks:
                    new_rows.append(row)
                    new_toks.append(t)
                    new_scores.append(s)
            if not keep_blocks or step == max_new - 1:
                cut = [(new_rows[i], new_toks[i], new_scores[i]) for i in range(len(new_rows))]
                for i, (row, t, s) in enumerate(cut):
                    if s == NEG_INF:
                        continue
                    p = keep_blocks[i // K]
                    st = constraint.advance(states[row], t) if states else None
                    finals[p].append(Hypothesis(seqs[row] + [t], s, penalised(s, n_gen), False, st))
                break
            idx = torch.tensor(new_rows, dtype=torch.long, device=memory.device)
            cache.reorder(idx)
            memory, src_pad = memory.index_select(0, idx), src_pad.index_select(0, idx)
            seqs = [seqs[r] + [t] for r, t in zip(new_rows, new_toks)]
            if states is not None:
                states = [constraint.advance(states[r], t) if s != NEG_INF else states[r]
                          for r, t, s in zip(new_rows, new_toks, new_scores)]
            bscore = torch.tensor(new_scores, device=memory.device).view(len(keep_blocks), K)
            alive = keep_blocks
            tok = torch.tensor(new_toks, dtype=torch.long, device=memory.device)[:, None]
            logits = self.model.decode_step(tok, memory, src_pad, cache).float()
        out = []
        for p in range(n_prompts):
            hyps = sorted(finals[p], key=lambda h: (not h.finished, -h.score))
            out.append(hyps[: cfg.num_return])
        return out
