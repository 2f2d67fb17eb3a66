"""The decoding engine: greedy, temperature/top-p sampling and beam search over token ids.

All strategies run batched (several prompts, padded; per-row finished flags; finished rows are
dropped from the batch) and use the model's preallocated key/value cache: the prompt is encoded
once, the cross-attention keys/values are projected once, and each step feeds one token per row.
Single-token steps run through `FastStep` (the same math as `Seq2Seq.decode_step` in plain
functional calls, verified against it when a `Decoder` is built; the model's own method is used if
they disagree). Beam search permutes only the filled part of the self-attention cache within a
prompt and uses `KVCache.reorder` when prompts finish.

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

import copy
import os
import time
from dataclasses import dataclass, field
from typing import Any, Protocol, Sequence

import torch
import torch.nn.functional as F

from ..model import KVCache

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


def _best_allowed(constraint, state, scores: torch.Tensor, need: int) -> list[int]:
    """Up to `need` allowed token ids, best first: the constraint's `best_allowed` if it has one, else its mask."""
    fn = getattr(constraint, "best_allowed", None)
    if fn is not None:
        return fn(state, scores, need)
    m = constraint.mask(state, scores, need)
    vals, idx = m.topk(min(need, m.shape[-1]))
    return [t for v, t in zip(vals.tolist(), idx.tolist()) if v != NEG_INF]


class FastStep:
    """One-token decoder step for `model.Seq2Seq` in plain functional calls (no module dispatch, no dropout).

    Same math as `Seq2Seq.decode_step` for a single new token after the cache holds the
    cross-attention keys/values; `Decoder` checks it against `decode_step` once (`verify`) and uses
    the model's own method if the two disagree or the model is not shaped as expected.
    """

    def __init__(self, model):
        self.model = model
        s = model.shape
        self.d, self.h, self.dh = s.d_model, s.nhead, s.d_model // s.nhead
        self.layers = []
        for lay in model.decoder:
            sa, ca, ff = lay.self_attn, lay.cross_attn, lay.ff
            self.layers.append((lay.n1.weight, lay.n1.bias, sa.qkv.weight, sa.qkv.bias, sa.out.weight, sa.out.bias,
                                lay.n2.weight, lay.n2.bias, ca.q.weight, ca.q.bias, ca.out.weight, ca.out.bias,
                                lay.n3.weight, lay.n3.bias, ff[0].weight, ff[0].bias, ff[3].weight, ff[3].bias))
        self.eps = [lay.n1.eps for lay in model.decoder]
        self.embed, self.pos = model.embed.weight, model.tgt_pos.weight
        self.norm = (model.dec_norm.weight, model.dec_norm.bias, model.dec_norm.eps)
        self.head = model.lm_head.weight
        self.head_bias = model.lm_head.bias
        if not isinstance(ff[1], torch.nn.GELU) or ff[1].approximate != "none":
            raise TypeError("unexpected feed-forward activation")

    def __call__(self, tok: torch.Tensor, cache) -> torch.Tensor:
        b, t = tok.shape[0], cache.length
        if t + 1 > self.pos.shape[0]:
            raise ValueError("decoding past max_seq_len")
        d, h, dh = self.d, self.h, self.dh
        x = F.embedding(tok, self.embed) + self.pos[t]
        ln, lin, sdpa = F.layer_norm, F.linear, F.scaled_dot_product_attention
        for i, (n1w, n1b, qkvw, qkvb, ow, ob, n2w, n2b, cqw, cqb, cow, cob, n3w, n3b, f1w, f1b, f2w, f2b) in \
                enumerate(self.layers):
            eps = self.eps[i]
            q, k, v = lin(ln(x, (d,), n1w, n1b, eps), qkvw, qkvb).view(b, 1, 3, h, dh).transpose(1, 3).unbind(2)
            kc, vc = cache.k[i], cache.v[i]
            if t + 1 > kc.shape[2]:
                raise ValueError(f"decoding past the cache length {kc.shape[2]}")
            kc[:, :, t : t + 1] = k
            vc[:, :, t : t + 1] = v
            y = sdpa(q, kc[:, :, : t + 1], vc[:, :, : t + 1])
            x = x + lin(y.transpose(1, 2).reshape(b, 1, d), ow, ob)
            q = lin(ln(x, (d,), n2w, n2b, eps), cqw, cqb).view(b, 1, h, dh).transpose(1, 2)
            ck, cv = cache.cross[i]
            y = sdpa(q, ck, cv, attn_mask=cache.mem_mask)
            x = x + lin(y.transpose(1, 2).reshape(b, 1, d), cow, cob)
            x = x + lin(F.gelu(lin(ln(x, (d,), n3w, n3b, eps), f1w, f1b)), f2w, f2b)
        cache.length = t + 1
        nw, nb, neps = self.norm
        if self.model.shape.copy_attention:  # pointer-generator output (see Seq2Seq._output)
            return self.model._output(ln(x, (d,), nw, nb, neps), cache.copy_k, cache.src_ids, cache.mem_mask)[:, 0]
        return lin(ln(x[:, 0], (d,), nw, nb, neps), self.head, self.head_bias)


def _clone_cache(cache):
    c = copy.copy(cache)
    c.k = [t.clone() for t in cache.k]
    c.v = [t.clone() for t in cache.v]
    c.cross = [(k.clone(), v.clone()) for k, v in cache.cross]
    return c


def _reorder_filled(cache, idx: torch.Tensor) -> None:
    """Beam reorder within the same prompts: permute the filled self-attention rows in place.

    Rows of one prompt share the cross-attention keys/values and memory mask, so those stay; and
    only the first `cache.length` positions hold data (`KVCache.reorder` copies all of them).
    """
    if not isinstance(cache, KVCache):
        cache.reorder(idx)
        return
    n = cache.length
    for buf in (*cache.k, *cache.v):
        buf[:, :, :n] = buf[:, :, :n].index_select(0, idx)


class Decoder:
    """Runs one model with fixed special ids; call `generate(prompts, cfg)` for hypotheses per prompt."""

    def __init__(self, model, *, bos_id: int, eos_id: int, pad_id: int, fast: bool = True):
        self.model, self.bos, self.eos, self.pad = model, bos_id, eos_id, pad_id
        self.timings: dict[str, float] = {}  # ms of the last `generate`: encode, decode
        self.fast: FastStep | None = None
        self._never = self._eos = None
        if fast:
            try:
                self.fast = FastStep(model)
                self.fast = self.fast if self.verify() else None
            except (AttributeError, TypeError, IndexError, ValueError, RuntimeError):
                self.fast = None

    @torch.inference_mode()
    def verify(self, atol: float = 1e-4) -> bool:
        """Does the fast step give the model's own `decode_step` logits (two steps, batch of 2)?"""
        m, dev = self.model, self.device
        was_training = m.training
        m.eval()
        try:
            src = torch.tensor([[self.bos, self.eos, self.bos], [self.eos, self.pad, self.pad]], device=dev)
            src = src.clamp(max=m.shape.vocab_size - 1)
            src_pad = torch.tensor([[False, False, False], [False, True, True]], device=dev)
            mem = m.encode(src, src_pad)
            ref = m.new_cache(2, 4)
            m.decode_step(torch.full((2, 1), self.bos, device=dev), mem, src_pad, ref)
            fast = _clone_cache(ref)
            for tok in (self.eos, self.bos):
                t = torch.tensor([[tok], [self.pad]], device=dev).clamp(max=m.shape.vocab_size - 1)
                a = m.decode_step(t, mem, src_pad, ref).float()
                b = self.fast(t, fast).float()
                if a.shape != b.shape or not torch.allclose(a, b, atol=atol, rtol=1e-4):
                    return False
            return True
        finally:
            m.train(was_training)

    def _step(self, tok: torch.Tensor, memory, src_pad, cache) -> torch.Tensor:
        if self.fast is not None and tok.shape[1] == 1 and cache.cross:
            return self.fast(tok, cache).float()
        return self.model.decode_step(tok, memory, src_pad, cache).float()

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
        logits = self._step(tok, memory, src_pad, cache)
        states = None
        if constraint is not None:
            st = constraint.start()
            for t in prefix:
                st = constraint.advance(st, t)
            states = [st] * r
        return logits, cache, memory, src_pad, states, max_new

    def _suppress(self, logits: torch.Tensor, step: int, cfg: DecodeConfig, ban_first: list[int]) -> torch.Tensor:
        if self._never is None or self._never.device != logits.device:
            self._never = torch.tensor(sorted({self.bos, self.pad}), device=logits.device)
            self._eos = torch.tensor([self.eos], device=logits.device)
        logits.index_fill_(1, self._never, NEG_INF)  # never valid output
        if step < cfg.min_new_tokens:
            logits.index_fill_(1, self._eos, NEG_INF)
        if step == 0 and ban_first:
            logits[:, ban_first] = NEG_INF
        return logits

    # -- greedy and sampling ----------------------------------------------------------------------
    @staticmethod
    def _choose(logits, gen, cfg, constraint, states):
        """Next token per row for sampling and/or constrained greedy: (tensor, ids, logprobs, dead flags)."""
        noise = None
        if gen is not None:
            scaled = _top_p_filter(logits / cfg.temperature, cfg.top_p, cfg.top_k)
            noise = _gumbel(scaled.shape, gen, scaled.device)
            sel = scaled + noise
        else:
            sel = logits
        if states is None:
            nxt = sel.argmax(-1)
            nxt_l = nxt.tolist()
            dead_l = (~torch.isfinite(sel.gather(1, nxt[:, None]).squeeze(1))).tolist()
        else:
            nxt_l, dead_l = [], []
            for i in range(sel.shape[0]):
                top = _best_allowed(constraint, states[i], sel[i], 1)
                if not top and noise is not None:  # the whole nucleus is disallowed: widen to all tokens
                    top = _best_allowed(constraint, states[i], logits[i] / cfg.temperature + noise[i], 1)
                nxt_l.append(top[0] if top else 0)
                dead_l.append(not top)
            nxt = torch.tensor(nxt_l, dtype=torch.long, device=logits.device)
        chosen = logits.gather(1, nxt[:, None]).squeeze(1) - logits.logsumexp(-1)
        return nxt, nxt_l, chosen.tolist(), dead_l

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
            if gen is None and states is None:  # plain greedy: max and logsumexp are all it needs
                best, nxt = logits.max(-1)
                nxt_l, chosen_l = nxt.tolist(), (best - logits.logsumexp(-1)).tolist()
                dead_l = [b == NEG_INF for b in best.tolist()]
            else:
                nxt, nxt_l, chosen_l, dead_l = self._choose(logits, gen, cfg, constraint, states)
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
            logits = self._step(nxt[:, None], memory, src_pad, cache)
        for i, r in enumerate(rows):  # cut by max length
            done[r] = Hypothesis(out[r], logp[r], logp[r], False, states[i] if states else None)
        return [[done[p * per + j] for j in range(per)] for p in range(n_prompts)]

    # -- beam search ------------------------------------------------------------------------------
    @staticmethod
    def _allowed_ranked(cand_b, base, K, V, logprobs, bscore_b, states, constraint):
        """Allowed (score, row, token) candidates of one prompt's K beams, best first, lazily.

        The caller stops after K non-EOS picks, so usually only the first few are checked: the
        block's top 4K, then top 32K candidates are checked in order; only if those run out are the
        beams' rows fully masked (which may scan the vocabulary).
        """
        seen: set[int] = set()
        for k in (4 * K, 32 * K):
            k = min(K * V, k)
            top_s, top_i = cand_b.topk(k)
            for s, f in zip(top_s.tolist(), top_i.tolist()):
                if s == NEG_INF:
                    return  # every finite candidate was checked
                if f in seen:
                    continue
                seen.add(f)
                row, t = base + f // V, f % V
                if constraint.advance(states[row], t) is not None:
                    yield s, row, t
            if k == K * V:
                return
        rows = []
        for j, b in enumerate(bscore_b.tolist()):
            lp = logprobs[base + j]
            rows.append(constraint.mask(states[base + j], lp, 2 * K) + b if b != NEG_INF else torch.full_like(lp, NEG_INF))
        top_s, top_i = torch.cat(rows).topk(2 * K)
        for s, f in zip(top_s.tolist(), top_i.tolist()):
            if s != NEG_INF and f not in seen:
                yield s, base + f // V, f % V

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
            cand = (bscore.view(-1, 1) + logprobs).view(len(alive), K * V)
            if constraint is None:
                top_s, top_i = cand.topk(min(2 * K, K * V), dim=1)
                ranked = [[(s, b * K + f // V, f % V) for s, f in zip(ss, ii) if s != NEG_INF]
                          for b, (ss, ii) in enumerate(zip(top_s.tolist(), top_i.tolist()))]
            else:
                ranked = [self._allowed_ranked(cand[b], b * K, K, V, logprobs, bscore[b], states, constraint)
                          for b in range(len(alive))]
            new_rows, new_toks, new_scores, keep_blocks = [], [], [], []
            n_gen = step + 1  # generated tokens incl. the one chosen now
            for b, p in enumerate(alive):
                picks = []
                for rank, (s, row, t) in enumerate(ranked[b]):
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
            if len(new_rows) == memory.shape[0]:  # same prompts: only the filled self-attention part moves
                if new_rows != list(range(len(new_rows))):
                    _reorder_filled(cache, torch.tensor(new_rows, dtype=torch.long, device=memory.device))
            else:  # some prompts finished: drop their rows everywhere
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
            logits = self._step(tok, memory, src_pad, cache)
        out = []
        for p in range(n_prompts):
            hyps = sorted(finals[p], key=lambda h: (not h.finished, -h.score))
            out.append(hyps[: cfg.num_return])
        return out
