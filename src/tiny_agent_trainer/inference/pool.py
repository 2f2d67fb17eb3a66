"""The reranked pool: which candidate shaders compete for a prompt, and which one wins.

`Pooling` is a mixin of `api.Generator`. Its `_rerank` gathers the pool in stages, each its own method: the
model's answer and its next valid beams (and the answer rewritten to write a separate output when the prompt
wants one), the nearest verified training shaders (renamed to the answer's names where the interfaces match),
kernels transcribed from the prompt (`formula.py`, `colour_formula.py`, `word_formula.py`), the model's answer
decoded after the uniform struct the prompt declares (`declared.py`), the answer to the
request without a bound the prompt words after it (`steps.py`), and then rewrites of every member: twins with
that bound applied, variants that carry the prompt's numbers, variants with the declared uniform's field names, twins
that read an input the member never reads where it reads its output, f32 twins of integer members. The filters of
`kept_members` (interface, races) drop members the prompt contradicts; generator + reviewer likelihood
(`rerank.Reranker`) plus `bonus` picks the winner. `Pool` holds the members and the marks that earn bonuses.
This module does NOT decode the first answer, repair invalid ones or fall back (`api.py`, `repair.py`), and
does NOT compute likelihoods (`rerank.py`).
"""
from __future__ import annotations

import time
from typing import Any, Callable, Sequence

from .decoding import Hypothesis
from .options import Generation, Options
from .repair import _diag_dicts, _first_error, _num_threads

Member = tuple[str, Any, "Hypothesis | None", dict]  # (code, validation result, hypothesis, candidates entry)


class Pool:
    """Members, distinct by code, and their marks: `outside` (a retrieval or a transcription also produced it: the
    retrieval bonus), `transcribed` (the formula bonus), `stepped` (a twin with the prompt's bound)."""

    def __init__(self, validate: Callable[[str, dict], Any], timings: dict, seen: dict):
        self.members: list[Member] = []
        self.codes: set[str] = set()  # every code ever added, also those a filter later drops
        self.outside: set[str] = set()
        self.transcribed: set[str] = set()
        self.stepped: set[str] = set()
        self._validate, self._timings, self._seen = validate, timings, seen

    def add(self, code: str, res, h: Hypothesis | None, entry: dict) -> None:
        if getattr(res, "ok", False) is True and code not in self.codes:
            self.codes.add(code)
            self.members.append((code, res, h, entry))

    def add_variant(self, kind: str, var: str | None, h: Hypothesis | None, base: dict, **flag: bool) -> None:
        """A rewrite of a pool member (the prompt's numbers, an operation swap), if new and naga-valid."""
        if var is None or var in self.codes:
            return
        res = self._validate(var, self._timings)
        if getattr(res, "ok", False) is True:
            self._seen[(kind, var)] = entry = dict(base, **flag)
            self.add(var, res, h, entry)

    def drop(self, codes: set[str]) -> None:
        """Members replaced by their rewrites leave the pool, and `codes` forgets them (a filter may not bring them
        back)."""
        self.members = [m for m in self.members if m[0] not in codes]
        self.codes -= codes

    def inherit(self, code: str, var: str | None) -> bool:
        """A rewrite `var` of `code` in the pool keeps its marks (bonuses); whether it is in the pool."""
        if var is None or var not in self.codes:
            return False
        for marks in (self.outside, self.transcribed, self.stepped):
            if code in marks:
                marks.add(var)
        return True


class Pooling:
    """The pool stages of `api.Generator` (which provides `_check`, `_validate`, `_accepted`, `_decoding`,
    `_config`, `encode_prompt`, `decoder`, `constraint`, `loaded`, `on_pool` and the bundle's paths)."""

    def reranker(self):
        """The bundle's `Reranker` (loaded on first use), or None when the bundle ships no reviewer."""
        if self._reranker is None and self._reviewer_path is not None:
            from .rerank import Reranker

            self._reranker = Reranker(self.loaded, self._reviewer_path, self._device)
        return self._reranker

    def _rerank(self, prompt: str, cands: list[Hypothesis], winner: tuple[Hypothesis, str, Any, dict] | None,
                seen: dict, o: Options, timings: dict) -> Generation | None:
        """The best of the model's answer (`winner`: the first valid beam, or the candidate a name fix or repair
        made valid, already validated, with its `candidates` entry) and the next valid beams up to `rerank_beams`,
        plus the `rerank_retrieval` nearest valid training examples and number variants, by
        `rerank.Reranker.scores`; None when the pool has a single member (nothing to compare). Without a
        `winner` (the model failed: `_fall_back`) the pool is the retrieved shaders (own names) and the prompt's
        formula, and a single member is returned as it is; None when the pool is empty."""
        pool = Pool(self._validate, timings, seen)
        code0 = winner[1] if winner is not None else None
        donor = self._pool_model(pool, prompt, cands, winner, o, seen, timings)
        if o.rerank_retrieval > 0 and self._fallback_corpus is not None:
            self._pool_retrieved(pool, prompt, donor, o, seen, timings)
        if o.rerank_formula:
            self._pool_transcribed(pool, prompt, seen, timings)
        if o.rerank_declared:
            self._pool_declared(pool, prompt, o, seen, timings)
        step = self._pool_step_base(pool, prompt, code0, o, seen, timings) if o.rerank_steps else None
        self._pool_rewrites(pool, prompt, step, o)
        if self.on_pool is not None:  # tooling (benchmarks/bench_pools.py): the pool before its filters
            self.on_pool(prompt, [dict(code=c, source=e.get("source", "model"), outside=c in pool.outside,
                                       transcribed=c in pool.transcribed, stepped=c in pool.stepped, winner=c == code0)
                                  for c, _, _, e in pool.members])
        # the prompt's interface, races; `codes` keeps the dropped ones, so that no rewrite brings one back
        pool.members = [pool.members[i] for i in kept_members(prompt, [c for c, *_ in pool.members], o)]
        if o.rerank_mutants and code0:  # the beam with one operation swapped: the model's commonest mistake
            from ..wgsl.mutate import mutants

            h0, _, _, entry0 = winner
            for var in mutants(code0):
                pool.add_variant("mutant", var, h0, entry0, mutant=True)
        if not pool.members or len(pool.members) == 1 and pool.members[0][0] == code0:
            return None
        return self._choose(pool, prompt, o, timings)

    def _pool_model(self, pool: Pool, prompt: str, cands: list[Hypothesis], winner, o: Options, seen: dict,
                    timings: dict) -> str | None:
        """The model's answer, its next valid beams up to `rerank_beams`, and (interface check) the answer rewritten
        to write the separate output the prompt wants; returns the code whose names retrieved shaders take."""
        h0, code0, res0, entry0 = winner if winner is not None else (None, None, None, None)
        if winner is not None:
            pool.add(code0, res0, h0, entry0)
        for h in sorted(cands, key=lambda h: (not h.finished, -h.score)):  # beams after the winner
            if len(pool.members) >= max(1, o.rerank_beams):
                break
            key = tuple(h.tokens)
            if h.finished and key not in seen:  # candidates before the winner were all invalid
                code, res = self._check(h, timings)
                seen[key] = _entry(h, res, _diag_dicts(res))
                pool.add(code, res, h, seen[key])
        donor = code0
        if o.interface_check and code0:  # an in-place answer to a prompt that wants a separate output: the
            from .interface import output_rewrite  # same shader writing there (its name from the prompt or `out`)

            var, named = output_rewrite(prompt, code0)
            pool.add_variant("output", var, h0, entry0, output_from_prompt=named, separate_output=True)
            donor = var if var in pool.codes else donor
        return donor

    def _pool_retrieved(self, pool: Pool, prompt: str, donor: str | None, o: Options, seen: dict,
                        timings: dict) -> None:
        """The `rerank_retrieval` nearest distinct training shaders, with the prompt's names (from `donor`) where
        the interfaces match."""
        from .fixes import adopt_names

        added = 0  # distinct new shaders: a retrieved shader the pool already holds does not take a place
        for ex, sim in self._nearest(prompt, o.rerank_retrieval * o.retrieval_scan):
            if added >= o.rerank_retrieval:
                break
            code = ex.code
            named = adopt_names(code, donor) if donor else None  # the prompt's names, from the model's candidate
            res = self._validate(named, timings) if named not in (None, code) else None
            if res is not None and getattr(res, "ok", False) is True:
                code = named
            else:
                res = self._validate(code, timings)
            if getattr(res, "ok", False) is True:
                pool.outside.add(code)
            if code in pool.codes:
                continue
            entry = _outside_entry(res, "retrieval", similarity=round(sim, 3), renamed=code != ex.code)
            seen[("retrieval", code)] = entry
            pool.add(code, res, None, entry)
            added += code in pool.codes

    def _pool_transcribed(self, pool: Pool, prompt: str, seen: dict, timings: dict) -> None:
        """The prompt's own formula, transcribed (no model involved)."""
        from .colour_formula import colour_candidates
        from .formula import formula_candidates
        from .named_ops import named_candidates
        from .vector_formula import vector_candidates
        from .word_formula import word_candidates

        # elementwise, then per channel, then arithmetic in words ("subtract 32, then multiply by 5/9"), then xyz,
        # then operations named in words ("byte-swap each word", "the transpose of `m`")
        for code in (formula_candidates(prompt) + colour_candidates(prompt) + word_candidates(prompt)
                     + vector_candidates(prompt) + named_candidates(prompt)):
            res = self._validate(code, timings)
            entry = _outside_entry(res, "formula")
            seen[("formula", code)] = entry
            if getattr(res, "ok", False) is True:
                pool.outside.add(code)
                pool.transcribed.add(code)
            pool.add(code, res, None, entry)

    def _pool_declared(self, pool: Pool, prompt: str, o: Options, seen: dict, timings: dict) -> None:
        """When the prompt declares its uniform outright, every field typed (`declared.py`), and no member has those
        fields (nor the same struct under other names, which `_pool_rewrites` renames): the model's answer decoded
        after that struct, forced as its first tokens (left open, so the model may add a field the prompt did not
        declare); its first `declared_beams` valid beams join the pool."""
        from .declared import declared_uniform, fits_but_for_names, matches, struct_text

        fields = declared_uniform(prompt)
        text = struct_text(fields) if fields else None
        if text is None or any(matches(c, fields) or fits_but_for_names(c, fields)
                               for c, *_ in pool.members):  # a member has it, or will under its names (rewrites)
            return
        prefix = self.tokenizer.encode_codes([text[:-len("}\n")]])[0]
        cons = self.constraint if o.constrained else None
        with self._decoding(timings):  # encoding included
            hyps = self.decoder.generate([self.encode_prompt(prompt)[0]], self._config(o), constraint=cons,
                                         prefix=prefix)[0]
        added = 0
        for h in sorted(hyps, key=lambda h: (not h.finished, -h.score)):
            if added >= o.declared_beams:
                break
            key = tuple(h.tokens)
            if h.finished and key not in seen:
                code, res = self._check(h, timings)
                seen[key] = entry = dict(_entry(h, res, _diag_dicts(res)), source="declared")
                if getattr(res, "ok", False) is True and code not in pool.codes:
                    pool.add(code, res, h, entry)
                    added += 1

    def _pool_step_base(self, pool: Pool, prompt: str, code0: str | None, o: Options, seen: dict, timings: dict):
        """A bound in the prompt's words (`steps.py`), or None: the request without it is decoded once more and its
        first valid beam joins the pool (a small model answers "scale by gain" better than "scale by gain, then
        hard-limit to [-1, 1]"); that decoding is skipped when the model's answer already bounds its result, but the
        bound is still returned, so the other members (retrieved shaders) get their bounded twins too."""
        from .steps import applies, last_step, without_step

        step = last_step(prompt)
        if step is None or code0 is not None and applies(code0, step):
            return step
        base = without_step(prompt, step)
        if not base or base == prompt:
            return step
        cons = self.constraint if o.constrained else None
        with self._decoding(timings):  # encoding included
            hyps = self.decoder.generate([self.encode_prompt(base)[0]], self._config(o), constraint=cons)[0]
        for h in sorted(hyps, key=lambda h: (not h.finished, -h.score)):
            if h.finished:
                code, res = self._check(h, timings)
                if getattr(res, "ok", False) is True:
                    seen[("step", code)] = entry = dict(_entry(h, res, []), source="step")
                    pool.add(code, res, h, entry)
                    break
        return step

    def _pool_rewrites(self, pool: Pool, prompt: str, step, o: Options) -> None:
        """Rewrites of every member, each keeping its member's marks: twins with the prompt's bound applied, variants
        that carry the prompt's numbers and variants with the uniform fields the prompt declares (which replace
        their member), 2D twins with the border cells apart (`border.py`), twins that read the input a member left
        unread where it reads its output (`wgsl.names.read_unused_input`), f32 twins of integer members."""
        from .fixes import adopt_prompt_numbers
        from .steps import with_step

        for code, _, h, entry in list(pool.members) if step is not None else ():
            var = with_step(code, step, prompt)
            pool.add_variant("step", var, h, entry, bounded=True)
            if pool.inherit(code, var):
                pool.stepped.add(var)
        drifted: set[str] = set()  # members whose variant with the prompt's numbers is in the pool (it replaces them)
        for code, _, h, entry in list(pool.members):  # variants that carry the prompt's numbers (the model may drift)
            if code in pool.transcribed:
                continue  # the prompt's own formula: its numbers are the prompt's
            var = adopt_prompt_numbers(code, prompt)
            pool.add_variant("numbers", var, h, entry, numbers_from_prompt=True)
            if pool.inherit(code, var):
                drifted.add(code)
        if o.prompt_numbers and drifted:
            pool.drop(drifted)
        if o.interface_check:  # members whose uniform fits the declared one but for its names: renamed, in their place
            from .declared import declared_uniform, with_declared_names, with_declared_order

            fields, renamed = declared_uniform(prompt), set()
            for code, _, h, entry in list(pool.members) if fields else ():
                var = with_declared_names(code, fields)
                var = with_declared_order(var or code, fields) or var  # "M, N and K ..., in that order"
                pool.add_variant("declared", var, h, entry, declared_names=True)
                if pool.inherit(code, var):
                    renamed.add(code)
            pool.drop(renamed)
        if o.interface_check:  # "border cells get 0 / are copied": a clamped stencil's twin with the border apart
            from .border import border_value, with_border

            value = border_value(prompt)
            for code, _, h, entry in list(pool.members) if value else ():
                var = with_border(code, value)
                pool.add_variant("border", var, h, entry, border=True)
                pool.inherit(code, var)
        if o.interface_check:  # a member that reads its output where an input it never reads was meant: mended
            from ..wgsl.names import read_unused_input

            for code, _, h, entry in list(pool.members):
                var = read_unused_input(code)
                pool.add_variant("input", var, h, entry, input_read=True)
                pool.inherit(code, var)
        if o.interface_check:  # the f32 twins the element-type rule keeps (`kept_members` filters below)
            from .fixes import as_float
            from .interface import integer_storage, speaks_of_integers

            if not speaks_of_integers(prompt):  # an integer member's f32 twin (the integer one leaves below)
                for code, _, h, entry in list(pool.members):
                    if integer_storage(code):
                        var = as_float(code)
                        pool.add_variant("float", var, h, entry, as_float=True)
                        pool.inherit(code, var)

    def _choose(self, pool: Pool, prompt: str, o: Options, timings: dict) -> Generation:
        """The member with the best generator + reviewer score plus `bonus`; a lone member as it is."""
        members = pool.members
        reranked = len(members) > 1  # else the only shader left: the model's answer with the prompt's numbers, or,
        best = 0                     # when the model failed, the one retrieved shader or formula kernel
        if reranked:
            t = time.perf_counter()
            with _num_threads(self.threads):
                scores = self.reranker().scores(prompt, [c for c, *_ in members])
            timings["rerank"] = (time.perf_counter() - t) * 1e3
            scores = [sc + bonus(c in pool.outside, c in pool.transcribed, o, c in pool.stepped)
                      for (c, *_), sc in zip(members, scores)]
            for (_, _, _, entry), sc in zip(members, scores):
                entry["rerank"] = round(sc, 4)
            best = max(range(len(members)), key=lambda i: scores[i])
        code, res, h, entry = members[best]
        if h is not None:
            return self._accepted(h, code, res, reranked=reranked, mutated=bool(entry.get("mutant")))
        return Generation(code=code, ok=True, diagnostics=_diag_dicts(res), model=self.id,
                          source=entry.get("source", "retrieval"), workgroup_size=getattr(res, "workgroup_size", None),
                          reranked=reranked)

    def _nearest(self, prompt: str, k: int) -> list:
        """The k nearest (example, similarity) of the bundle's retrieval corpus (loaded on first use)."""
        from .baselines import RetrievalSource

        if self._retrieval is None:
            self._retrieval = RetrievalSource(corpus=[self._fallback_corpus])
        return [(self._retrieval.examples[i], s) for i, s in self._retrieval.index.nearest(prompt, k)]


def _entry(h: Hypothesis, res, diags: list[dict]) -> dict:
    """A candidate's summary in `Generation.candidates`."""
    return {"score": h.score, "tokens": len(h.tokens), "finished": h.finished, "ok": bool(getattr(res, "ok", False)),
            "error": _first_error(diags)}


def _outside_entry(res, source: str, **extra) -> dict:
    """The `Generation.candidates` summary of a shader no decoding produced (a retrieved one, a transcription)."""
    return {"score": None, "tokens": 0, "finished": True, "ok": bool(getattr(res, "ok", False)),
            "error": _first_error(_diag_dicts(res)), "source": source, **extra}


def kept_members(prompt: str, codes: Sequence[str], o: Options) -> list[int]:
    """Indices of the reranked pool's members that its filters keep: the interface check (`interface.fitting`,
    option `interface_check`), then the race check (option `race_check`: a store that every invocation makes to
    the same element cannot be right; skipped where it would leave none). Shared with the offline replay of
    `benchmarks/bench_pools.py`."""
    keep = list(range(len(codes)))
    if o.interface_check:
        from .interface import fitting

        keep = fitting(prompt, codes)
    if o.race_check:
        from ..wgsl.lint import racy_store

        keep = [i for i in keep if not racy_store(codes[i])] or keep
    return keep


def bonus(outside: bool, transcribed: bool, o: Options, stepped: bool = False) -> float:
    """Nats added to a pool member's rerank score: `retrieval_bonus` when the model did not write it (a retrieved
    shader, a transcription), `formula_bonus` on top when it was transcribed from the prompt's formula,
    `step_bonus` when it is a twin with the prompt's bound applied (`steps.py`)."""
    return (o.retrieval_bonus if outside else 0.0) + (o.formula_bonus if transcribed else 0.0) + \
        (o.step_bonus if stepped else 0.0)
