"""Repair of invalid candidates, for `api.Generator` (which inherits `Repairs`): deterministic name fixes of the
best invalid candidates (`fixes.name_fixes`, chained, within a validation budget) and repair rounds that re-decode
with the output forced up to the token that starts naga's first error line and that token banned, then sample with
temperature. Also the small helpers both modules use: naga diagnostics as dicts, the first error's message, and a
context that sets torch's thread count.

This module does NOT select, rerank or fall back (see `api.py`) and does not decode by itself: it uses the
Generator's decoder, tokenizer, validator and options through `self`.
"""
from __future__ import annotations

import contextlib
import dataclasses
import time

from .decoding import Hypothesis
from .options import Generation, Options


def _diag_dicts(result) -> list[dict]:
    out = []
    for d in getattr(result, "diagnostics", []) or []:
        out.append(d.to_dict() if hasattr(d, "to_dict") else dict(d))
    return out


def _first_error(diags: list[dict]) -> str:
    return diags[0].get("message", "") if diags else ""


@contextlib.contextmanager
def _num_threads(n: int | None):
    if not n:
        yield
        return
    import torch

    old = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(old)


class Repairs:
    """Name fixes and repair rounds; mixed into `api.Generator`."""

    def _fix_names(self, invalids: list, timings: dict, per_candidate: int = 3, budget: int = 24,
                   found: list | None = None) -> Generation | None:
        """The first naga-valid rewrite by `fixes.name_fixes` of the best invalid candidates (up to
        `per_candidate` fixes chained per candidate, at most `budget` validations), or None; `found`
        receives (hypothesis, rewritten code, validation result) of the rewrite."""
        from .fixes import name_fixes

        for h, code, diags in sorted(invalids, key=lambda x: -x[0].score)[:3]:
            frontier = [(code, diags)]
            for _ in range(per_candidate):
                nxt = []
                for c, dg in frontier:
                    for cand in name_fixes(c, dg):
                        if budget <= 0:
                            return None
                        budget -= 1
                        res = self._validate(cand, timings)
                        if getattr(res, "ok", False) is True:
                            if found is not None:
                                found.append((h, cand, res))
                            return self._accepted(h, cand, res, fixed=True)
                        nxt.append((cand, _diag_dicts(res)))
                frontier = nxt[:2]
                if not frontier:
                    break
        return None

    @contextlib.contextmanager
    def _decoding(self, timings: dict):
        """A decoding block: torch at the generator's thread count, its milliseconds added to `timings["decode"]`."""
        t = time.perf_counter()
        with _num_threads(self.threads):
            yield
        timings["decode"] = timings.get("decode", 0.0) + (time.perf_counter() - t) * 1e3

    def _repair(self, ids, best_invalid, o: Options, round_: int, timings: dict) -> list[Hypothesis]:
        """Candidates of one repair round: ban the token starting naga's first error line, then sample."""
        out: list[Hypothesis] = []
        cons = self.constraint if o.constrained else None
        with self._decoding(timings):
            self._repair_decode(ids, best_invalid, o, round_, cons, out)
        return out

    def _repair_decode(self, ids, best_invalid, o: Options, round_: int, cons, out: list) -> None:
        if round_ == 0 and best_invalid is not None:
            h, code, diags = best_invalid
            j = self._error_token(h, code, diags)
            if j is not None:
                cfg = self._config(dataclasses.replace(o, sample=False))
                out += self.decoder.generate([ids], cfg, constraint=cons, prefix=h.tokens[:j],
                                             ban_first=[h.tokens[j]])[0]
        seed = (o.seed or 0) + 1000 * (round_ + 1)
        samp = dataclasses.replace(o, sample=True, seed=seed, temperature=max(o.temperature, 0.7))
        out += self.decoder.generate([ids], self._config(samp, o.repair_samples), constraint=cons)[0]

    def _error_token(self, h: Hypothesis, code: str, diags: list[dict]) -> int | None:
        """Index in `h.tokens` of the first piece of the first lexer token on naga's first error line."""
        line = next((d.get("line") for d in diags if d.get("line")), None)
        if not line or not h.finished:
            return None
        from ..wgsl.lexer import significant, tokenize
        from .constrained import MARK

        k = None
        for n, tok in enumerate(significant(tokenize(code))):
            if code.count("\n", 0, tok.start) + 1 == line:
                k = n
                break
        if k is None:
            return None
        starts = [i for i, t in enumerate(h.tokens) if self.tokenizer.pieces[t].startswith(MARK)]
        return starts[k] if k < len(starts) else None
