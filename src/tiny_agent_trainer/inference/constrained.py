"""Grammar-constrained decoding: a `decoding.Constraint` that keeps BPE output inside `grammar.GRAMMAR`.

The model emits BPE pieces; a piece starting with `▁` completes the lexer token spelled so far
and starts a new one (digits are pieces of their own, so `64` is `▁`, `6`, `4`). A row's state is
the LALR stack after its complete tokens plus the pending (partial) token text. A piece is allowed
when its effect keeps the sequence a viable prefix:

- `▁rest`: the pending text, classified in context (`grammar.classify`), must be a terminal the
  parser accepts; then `rest` must be a prefix of some text of a terminal accepted after it;
- a continuation piece: pending + piece must still be a prefix of an acceptable terminal's text;
- EOS: the pending token completes and the parse can end there; BOS/PAD/UNK never;
- no token grows beyond `max_token_chars` (40) characters, so names cannot run away either.

Masking is lazy: `mask()` checks the top candidates in order and keeps only the first `need`
allowed ones (greedy needs 1, beam search 2*beams, sampling 1 on Gumbel-perturbed logits), so an
unchecked token can never be picked, ties included; only when the top 4*need candidates hold
fewer than `need` allowed ones does it build the full mask, grouping pieces by the terminals they can
start so that one parser query covers hundreds of pieces. Since the tokenizer never emits
whitespace there is no whitespace to run away with.

This module does NOT decide whether constraints are on (see `api.py`), does NOT check semantics
(naga does) and does NOT know the model.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import torch

from .grammar import END, TEMPLATED, Parser, default_parser, viable_terms

MARK = "\u2581"
NEG_INF = float("-inf")
MAX_TOKEN_CHARS = 40  # longest identifier/number the constraint lets a model spell (stops runaway names)


@dataclass(frozen=True, slots=True)
class GState:
    stack: tuple  # LALR stack after the complete tokens
    pending: str | None  # text of the token being spelled (None: no token started yet)
    prev: str = ""  # last complete token text (decides `<` = template or comparison)
    ntok: int = 0  # complete tokens


class GrammarConstraint:
    """Constraint over a tokenizer's pieces (`WgslTokenizer.pieces`) for `decoding.Decoder`."""

    def __init__(self, pieces: Sequence[str], *, eos_id: int, special_ids: Sequence[int] = (),
                 parser: Parser | None = None, max_token_chars: int = MAX_TOKEN_CHARS):
        self.pieces = list(pieces)
        self.max_token_chars = max_token_chars
        self.eos = eos_id
        self.special = set(special_ids) - {eos_id}
        self.parser = parser or default_parser()
        self.V = len(self.pieces)
        self.stats = {"checks": 0, "lazy": 0, "full": 0}
        # pieces that start a token, grouped by the terminals their text can begin (per `<` context)
        self._start_groups: dict[bool, list[tuple[frozenset, torch.Tensor]]] = {}
        starts = [(i, p[1:]) for i, p in enumerate(self.pieces) if p.startswith(MARK) and i not in self.special]
        for flag in (False, True):
            groups: dict[frozenset, list[int]] = {}
            for i, rest in starts:
                if MARK not in rest:
                    groups.setdefault(viable_terms(rest, flag), []).append(i)
            self._start_groups[flag] = [(k, torch.tensor(v)) for k, v in groups.items() if k]
        self._cont = [(i, p) for i, p in enumerate(self.pieces)
                      if not p.startswith(MARK) and MARK not in p and i not in self.special and i != eos_id]
        self._cont_groups: dict[tuple[str, bool], list[tuple[frozenset, torch.Tensor]]] = {}
        self._start_mask: dict[tuple[frozenset, bool], torch.Tensor] = {}

    # -- state transitions ------------------------------------------------------------------------
    def start(self) -> GState:
        return GState(self.parser.start, None)

    def _complete(self, st: GState) -> tuple | None:
        """Stack after completing the pending token (the same stack if none is pending)."""
        if st.pending is None:
            return st.stack
        if not st.pending:
            return None
        return self.parser.feed_text(st.stack, st.pending, st.prev)

    def _viable(self, stack: tuple, partial: str, prev: str) -> bool:
        """Can `partial` begin a token the parser accepts at `stack`? (stops at the first terminal that fits)"""
        if MARK in partial:
            return False
        row, feed = self.parser.states[stack[-1]], self.parser.feed
        return any(t in row and feed(stack, t) is not None for t in viable_terms(partial, prev in TEMPLATED))

    def advance(self, st: GState, token: int) -> GState | None:
        """State after `token`, or None if the token is not allowed."""
        self.stats["checks"] += 1
        if token == self.eos:
            return st if self.eos_ok(st) else None
        if token in self.special or not 0 <= token < self.V:
            return None
        piece = self.pieces[token]
        if piece.startswith(MARK):
            stack = self._complete(st)
            if stack is None:
                return None
            prev = st.pending if st.pending is not None else st.prev
            ntok = st.ntok + (st.pending is not None)
            rest = piece[1:]
            return GState(stack, rest, prev, ntok) if self._viable(stack, rest, prev) else None
        if st.pending is None:
            return None
        text = st.pending + piece
        if len(text) > self.max_token_chars:
            return None
        return GState(st.stack, text, st.prev, st.ntok) if self._viable(st.stack, text, st.prev) else None

    def allowed(self, st: GState, token: int) -> bool:
        return self.advance(st, token) is not None

    def eos_ok(self, st: GState) -> bool:
        if st.pending is None:
            return False  # an empty program is not a shader
        stack = self._complete(st)
        return stack is not None and self.parser.can_end(stack)

    def is_complete(self, st: GState | None) -> bool:
        return st is not None and self.eos_ok(st)

    # -- masks --------------------------------------------------------------------------------------
    def best_allowed(self, st: GState | None, scores: torch.Tensor, need: int = 1) -> list[int]:
        """Up to `need` allowed token ids, best score first (lazy).

        Checks the top 4*need candidates in order; if fewer than `need` of them are allowed and
        more finite candidates remain, it ranks the full mask (`allowed_mask`) instead.
        """
        if st is None:
            return []
        n = scores.shape[-1]
        k = min(n, max(4 * need, 8))
        vals, idx = scores.topk(k)
        good: list[int] = []
        for v, t in zip(vals.tolist(), idx.tolist()):
            if v == NEG_INF:
                self.stats["lazy"] += 1
                return good  # every finite candidate was checked
            if self.advance(st, t) is not None:
                good.append(t)
                if len(good) >= need:
                    self.stats["lazy"] += 1
                    return good
        if k >= n:
            self.stats["lazy"] += 1
            return good
        self.stats["full"] += 1
        masked = scores.masked_fill(~self.allowed_mask(st, n).to(scores.device), NEG_INF)
        vals, idx = masked.topk(min(need, n))
        return [t for v, t in zip(vals.tolist(), idx.tolist()) if v != NEG_INF]

    def mask(self, st: GState | None, logits: torch.Tensor, need: int = 1) -> torch.Tensor:
        """The `decoding.Constraint` hook: -inf everywhere except the `need` best allowed tokens.

        Keeping only checked tokens finite means an unchecked token can never be picked, ties included.
        """
        out = torch.full_like(logits, NEG_INF)
        good = self.best_allowed(st, logits, need)
        if good:
            out[good] = logits[good]
        return out

    def allowed_mask(self, st: GState, size: int | None = None) -> torch.Tensor:
        """Boolean (V,) mask of every allowed token."""
        mask = torch.zeros(size or self.V, dtype=torch.bool)
        stack = self._complete(st)
        if stack is not None:
            prev = st.pending if st.pending is not None else st.prev
            flag = prev in TEMPLATED
            acc = self.parser.accepts(stack)
            key = (acc, flag)
            sm = self._start_mask.get(key)
            if sm is None:
                sm = torch.zeros(self.V, dtype=torch.bool)
                for terms, ids in self._start_groups[flag]:
                    if not terms.isdisjoint(acc):
                        sm[ids] = True
                if len(self._start_mask) > 4096:
                    self._start_mask.clear()
                self._start_mask[key] = sm
            mask[: self.V] |= sm
            if END in acc and st.pending is not None:
                mask[self.eos] = True
        if st.pending is not None:
            acc = self.parser.accepts(st.stack)
            for terms, ids in self._continuations(st.pending, st.prev in TEMPLATED):
                if not terms.isdisjoint(acc):
                    mask[ids] = True
        return mask

    def _continuations(self, pending: str, flag: bool) -> list[tuple[frozenset, torch.Tensor]]:
        key = (pending, flag)
        groups = self._cont_groups.get(key)
        if groups is None:
            by: dict[frozenset, list[int]] = {}
            for i, p in self._cont:
                if len(pending) + len(p) > self.max_token_chars:
                    continue
                vt = viable_terms(pending + p, flag)
                if vt:
                    by.setdefault(vt, []).append(i)
            groups = [(k, torch.tensor(v)) for k, v in by.items()]
            if len(self._cont_groups) > 4096:
                self._cont_groups.clear()
            self._cont_groups[key] = groups
        return groups


def for_tokenizer(tokenizer) -> GrammarConstraint:
    """The grammar constraint for a `WgslTokenizer`."""
    return GrammarConstraint(tokenizer.pieces, eos_id=tokenizer.eos_id,
                             special_ids=[tokenizer.pad_id, tokenizer.bos_id, tokenizer.unk_id])


def token_texts(tokenizer, ids: Sequence[int]) -> list[str]:
    """Lexer-token texts of generated ids, split exactly as the constraint sees them."""
    texts: list[str] = []
    for i in ids:
        p = tokenizer.pieces[i]
        if p.startswith(MARK):
            texts.append(p[1:])
        elif texts:
            texts[-1] += p
    return texts
