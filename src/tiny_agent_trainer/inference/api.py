"""The Python API: `generate(prompt)` and `Generator`, with validity-aware selection and repair.

`Generator(model=None, device="cpu", ...)` keeps one model loaded (`loading.load_model`; `None` =
the bundled default, `"template"` = the built-in chromatic templates). `generate(prompt)`:

1. encodes the prompt (capped at the model's `max_prompt_len`, with a warning);
2. decodes candidates: beam search (`beams`, every finished beam is a candidate) or sampling, with
   the grammar constraint when `constrained` is on;
3. validates candidates with naga (`validation.validate(code, deep=True)`) best score first; the
   first valid one wins, unless the bundle ships a reviewer (`reviewer/`, option `rerank`): then
   the first `rerank_beams` valid beams plus the `rerank_retrieval` nearest verified training examples
   are reranked by generator + reviewer likelihood (`rerank.py`) and the best one wins (`source` says
   which kind); a retrieved shader whose interface matches the model's candidate first takes its
   buffer and field names (`fixes.adopt_names`), so it speaks the prompt's names, and every pool
   member whose float constants drifted from the prompt's numbers gets a variant with the prompt's
   numbers (`fixes.adopt_numbers`) that competes too; the interface check (`interface_check`,
   `interface.py`) drops members whose buffers or uniform contradict the prompt's words (outputs named,
   in place or not, parameters mentioned), and adds the model's in-place answer rewritten to write a
   separate output when the prompt wants one (which then also lends the retrieved shaders its names); the
   pool's stages and the choice are `pool.py` (a mixin of `Generator`);
4. if none is valid (`repair.py`), first tries deterministic name fixes on the best invalid candidates
   (`fixes.py`: an undeclared identifier or uniform field renamed to a declared one, a repeated
   struct field dropped; `fix_names`), then repairs within a bounded budget (`retries` rounds):
   re-decode with the output forced up to the token where naga's first error line starts and that
   token banned, then sample with temperature; each round's candidates are validated the same way;
5. if still none is valid and the bundle ships a retrieval corpus (`retrieval.jsonl.gz`, option
   `fallback`), returns the nearest verified training shader, validated again, with
   `source = "retrieval"` and a warning that says so;
6. otherwise returns `Generation(ok=False, ...)` with naga's diagnostics and a clear message.
   An invalid shader is never reported as ok.

`generate_batch(prompts)` decodes many prompts in one batch; `generate_many(prompt, n, seed)` draws
n diverse samples for pass@k (invalid ones are resampled within the same budget).

This module does NOT parse command lines (see `commands/generate.py`), train, or judge shaders by
running them (see `evaluation`).
"""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from ..errors import UserError
from .decoding import DecodeConfig, Decoder, Hypothesis
from .options import MAX_PROMPT_CHARS, Generation, Options
from .pool import Pooling, _entry, bonus, kept_members  # noqa: F401 - bonus, kept_members: for bench_pools.py
from .repair import Repairs, _diag_dicts, _first_error, _num_threads

__all__ = ["MAX_PROMPT_CHARS", "Generation", "Generator", "Options", "generate"]

def _default_validator(code: str):
    from ..validation import validate

    return validate(code, deep=True)


class Generator(Repairs, Pooling):
    """A loaded model plus generation options; thread-compatible, not thread-safe."""

    def __init__(self, model: str | None = None, device: str = "cpu", *, validator: Callable | None = None,
                 threads: int | None = 1, **options: Any):
        """`threads`: torch CPU threads while this generator decodes (restored afterwards); 1 is fastest for
        small models (their matrix-vector products do not parallelise), None leaves torch's setting."""
        self.options = self._merge(Options(), options)
        self.on_pool: Callable[[str, list[dict]], None] | None = None  # called with each reranked pool, unfiltered
        self.validator = validator or _default_validator
        self.threads = threads
        from .loading import load_model, resolve_model

        where = resolve_model(model)
        if where == "template":
            self.loaded = None
            self.id = "template"
            return
        self.loaded = load_model(where, device)
        if self.loaded.direction != "nl2wgsl":
            raise UserError(f"{where} is a reviewer ({self.loaded.direction}: shader -> description), not a generator; "
                            "it reranks a generator's candidates from the generator bundle's reviewer/ folder")
        self.id = self.loaded.model_id
        tok = self.loaded.tokenizer
        self.tokenizer = tok
        from .baselines import FALLBACK_CORPUS

        corpus = Path(where) / FALLBACK_CORPUS
        self._fallback_corpus = corpus if corpus.is_file() else None
        self._retrieval = None
        from .rerank import REVIEWER_DIR

        self._reviewer_path = Path(where) / REVIEWER_DIR if (Path(where) / REVIEWER_DIR).is_dir() else None
        self._reranker = None
        self._device = device
        self.decoder = Decoder(self.loaded.model, bos_id=tok.bos_id, eos_id=tok.eos_id, pad_id=tok.pad_id)
        self._constraint = None
        if self.options.constrained is None:
            self.options.constrained = bool(self.loaded.meta.get("inference", {}).get("constrained", False))

    @staticmethod
    def _merge(base: Options, overrides: dict) -> Options:
        names = {f.name for f in dataclasses.fields(Options)}
        bad = sorted(set(overrides) - names)
        if bad:
            raise TypeError(f"unknown generation option(s) {', '.join(bad)}; known: {', '.join(sorted(names))}")
        return dataclasses.replace(base, **{k: v for k, v in overrides.items() if v is not None or k == "seed"})

    @property
    def constraint(self):
        if self._constraint is None:
            from .constrained import for_tokenizer

            self._constraint = for_tokenizer(self.tokenizer)
        return self._constraint

    # -- prompts ----------------------------------------------------------------------------------
    def encode_prompt(self, prompt: str) -> tuple[list[int], list[str]]:
        if not isinstance(prompt, str) or not prompt.strip():
            raise UserError("the prompt is empty; describe the compute shader you want")
        if len(prompt) > MAX_PROMPT_CHARS:
            raise UserError(f"the prompt has {len(prompt)} characters (limit {MAX_PROMPT_CHARS}); "
                            "describe one kernel in a few sentences")
        ids = self.tokenizer.encode_prompt(prompt)
        cap = self.loaded.max_prompt_len
        if len(ids) > cap:
            return ids[:cap], [f"prompt truncated to the model's max_prompt_len of {cap} tokens (it had {len(ids)})"]
        return ids, []

    def _config(self, o: Options, n: int | None = None) -> DecodeConfig:
        max_new = o.max_new_tokens or self.loaded.max_seq_len
        if o.sample:
            return DecodeConfig("sample", max_new_tokens=max_new, temperature=o.temperature, top_p=o.top_p,
                                num_return=n or 1, seed=o.seed)
        if o.beams <= 1:
            return DecodeConfig("greedy", max_new_tokens=max_new)
        return DecodeConfig("beam", max_new_tokens=max_new, beams=o.beams, num_return=o.beams,
                            length_penalty=o.length_penalty)

    # -- public API ---------------------------------------------------------------------------------
    def generate(self, prompt: str, **overrides: Any) -> Generation:
        """One shader for `prompt` (see the module docstring for the selection and repair steps)."""
        return self.generate_batch([prompt], **overrides)[0]

    def generate_batch(self, prompts: Sequence[str], **overrides: Any) -> list[Generation]:
        o = self._merge(self.options, overrides)
        if self.loaded is None:
            return [self._template(p) for p in prompts]
        t0 = time.perf_counter()
        encoded = [self.encode_prompt(p) for p in prompts]
        cons = self.constraint if o.constrained else None
        with _num_threads(self.threads):
            hyps = self.decoder.generate([e[0] for e in encoded], self._config(o), constraint=cons)
        shared = dict(self.decoder.timings)
        out = []
        for (ids, warns), cands in zip(encoded, hyps):
            timings = {"encode": shared["encode"] / len(prompts), "decode": shared["decode"] / len(prompts),
                       "validate": 0.0}
            g = self._select(ids, cands, o, timings, prompts[len(out)])
            if not g.ok and o.fallback and self._fallback_corpus is not None:
                g = self._fall_back(prompts[len(out)], g, o)
            g.warnings = warns + g.warnings
            g.timings["total"] = (time.perf_counter() - t0) * 1e3 if len(prompts) == 1 else \
                sum(g.timings.get(k, 0.0) for k in ("encode", "decode", "validate"))
            out.append(g)
        return out

    def generate_many(self, prompt: str, n: int, seed: int = 0) -> list[str]:
        """n shaders for pass@k: n = 1 is the default (deterministic, validity-aware) generation, what a
        user gets; n > 1 are samples (each invalid one resampled up to `retries` times)."""
        if n < 1:
            return []
        if self.loaded is None:
            return [self._template(prompt).code] * n
        if n == 1:
            return [self.generate(prompt).code]
        o = dataclasses.replace(self.options, sample=True, seed=seed)
        ids, _ = self.encode_prompt(prompt)
        cons = self.constraint if o.constrained else None
        codes: list[str | None] = [None] * n
        pending = list(range(n))
        for round_ in range(o.retries + 1):
            cfg = self._config(dataclasses.replace(o, seed=seed + 7919 * round_), len(pending))
            with _num_threads(self.threads):
                hyps = self.decoder.generate([ids], cfg, constraint=cons)[0]
            still = []
            for slot, h in zip(pending, hyps):
                code = self.tokenizer.decode_code(h.tokens)
                if codes[slot] is None or round_ == 0:
                    codes[slot] = code
                if h.finished and getattr(self.validator(code), "ok", False):
                    codes[slot] = code
                elif round_ < o.retries:
                    still.append(slot)
            pending = still
            if not pending:
                break
        return [c or "" for c in codes]

    # -- selection and repair -------------------------------------------------------------------------
    def _check(self, h: Hypothesis, timings: dict) -> tuple[str, Any]:
        code = self.tokenizer.decode_code(h.tokens)
        if not h.finished:
            why = (f"generation stopped after {len(h.tokens)} tokens without finishing the shader"
                   if h.tokens else "the model produced no tokens")
            return code, _Invalid([{"line": None, "column": None, "message": why, "rendered": why, "stage": "generate"}])
        return code, self._validate(code, timings)

    def _validate(self, code: str, timings: dict):
        """`self.validator(code)`, its time added to `timings["validate"]` (ms)."""
        t = time.perf_counter()
        res = self.validator(code)
        timings["validate"] = timings.get("validate", 0.0) + (time.perf_counter() - t) * 1e3
        return res

    def _accepted(self, h: Hypothesis, code: str, res, **extra: Any) -> Generation:
        """The ok `Generation` for candidate `h` rendered as `code`, which the validator accepted (`res`)."""
        return Generation(code=code, ok=True, diagnostics=_diag_dicts(res), score=h.score, tokens=len(h.tokens),
                          workgroup_size=getattr(res, "workgroup_size", None), model=self.id, **extra)

    def _select(self, ids: list[int], cands: list[Hypothesis], o: Options, timings: dict,
                prompt: str = "") -> Generation:
        seen: dict[tuple, dict] = {}
        best_invalid: tuple[Hypothesis, str, list[dict]] | None = None
        invalids: list[tuple[Hypothesis, str, list[dict]]] = []

        winner: tuple[Hypothesis, str, Any, dict] | None = None  # the first valid candidate: validated, its entry

        def consider(batch: list[Hypothesis]) -> Generation | None:
            nonlocal best_invalid, winner
            for h in sorted(batch, key=lambda h: (not h.finished, -h.score)):
                key = tuple(h.tokens)
                if key in seen:
                    continue
                code, res = self._check(h, timings)
                diags = _diag_dicts(res)
                seen[key] = _entry(h, res, diags)
                if getattr(res, "ok", False) is True:
                    winner = (h, code, res, seen[key])
                    return self._accepted(h, code, res)
                if best_invalid is None:
                    best_invalid = (h, code, diags)
                if h.finished:
                    invalids.append((h, code, diags))
            return None

        won = consider(cands)
        fixed: list = []  # (hypothesis, rewritten code, validation) of a winner made by name fixes
        repaired = False
        if won is None and o.fix_names:
            won = self._fix_names(invalids, timings, found=fixed)
            repaired = won is not None
        if won is None:
            for round_ in range(o.retries):
                extra = self._repair(ids, best_invalid, o, round_, timings)
                start = len(invalids)  # name fixes are tried on this round's new candidates only
                won = consider(extra)
                if won is None and o.fix_names:
                    won = self._fix_names(invalids[start:], timings, found=fixed)
                if won is not None:
                    repaired = True
                    break
        if winner is None and fixed:
            h, code, res = fixed[0]
            seen[("fixed", code)] = entry = dict(seen[tuple(h.tokens)], ok=True, error="", fixed=True)
            winner = (h, code, res, entry)
        if won is not None and winner is not None and o.rerank and self._reviewer_path is not None and prompt:
            # the model's answer, however it was reached (first valid beam, name fix or repair), competes
            # with the nearest verified training shaders
            r = self._rerank(prompt, cands, winner, seen, o, timings)
            if r is not None and r.code != won.code:
                won, repaired = r, False
            elif r is not None:
                won.reranked = True
        if won is None:
            if best_invalid is None:
                won = Generation(code="", ok=False, model=self.id, message="the model produced no candidates")
            else:
                h, code, diags = best_invalid
                won = Generation(code=code, ok=False, diagnostics=diags, score=h.score, tokens=len(h.tokens),
                                 model=self.id,
                                 message=f"no valid shader could be produced ({len(seen)} candidates, all invalid; "
                                         f"first error: {_first_error(diags) or 'unknown'})")
        won.repaired = repaired
        won.n_candidates = len(seen)
        won.candidates = list(seen.values())
        won.timings = timings
        return won

    def _fall_back(self, prompt: str, failed: Generation, o: Options | None = None) -> Generation:
        """When the model failed: with a reviewer (`rerank`), the best of the `rerank_retrieval` nearest verified
        training shaders and the prompt's formula (`_rerank` without a model answer); else the nearest one."""
        o = o or self.options
        if o.rerank and self._reviewer_path is not None:
            seen: dict = {}
            r = self._rerank(prompt, [], None, seen, dataclasses.replace(o, rerank_retrieval=max(1, o.rerank_retrieval)),
                             failed.timings)
            if r is None:
                return failed
            what = ("a kernel transcribed from the formula in your prompt" if r.source == "formula" else
                    "the verified training example the reviewer preferred among the nearest ones" if r.reranked else
                    "the nearest verified training example")
            return dataclasses.replace(
                failed, code=r.code, ok=True, diagnostics=r.diagnostics, message="", source=r.source,
                workgroup_size=r.workgroup_size, repaired=False, fixed=False, reranked=r.reranked,
                candidates=failed.candidates + list(seen.values()), n_candidates=failed.n_candidates + len(seen),
                warnings=[f"the model produced no valid shader ({failed.message or 'all candidates invalid'}); this "
                          f"is {what} instead (retrieval fallback): check that it does what you asked"])
        near = self._nearest(prompt, 1)
        if not near:
            return failed
        ex, sim = near[0]
        res = self._validate(ex.code, failed.timings)
        if getattr(res, "ok", False) is not True:
            return failed
        return dataclasses.replace(
            failed, code=ex.code, ok=True, diagnostics=_diag_dicts(res), message="", source="retrieval",
            workgroup_size=getattr(res, "workgroup_size", None), repaired=False, fixed=False,
            warnings=[f"the model produced no valid shader ({failed.message or 'all candidates invalid'}); this is the "
                      f"nearest verified training example instead (retrieval fallback, similarity {sim:.2f}): "
                      "check that it does what you asked"])

    # -- the template "model" -----------------------------------------------------------------------
    def _template(self, prompt: str) -> Generation:
        t0 = time.perf_counter()
        if not isinstance(prompt, str) or not prompt.strip():
            raise UserError("the prompt is empty; describe the compute shader you want")
        try:
            from ..templates import match_template
        except ImportError:
            match_template = None
        t = match_template(prompt) if match_template else None
        if t is None:
            return Generation(code="", ok=False, model="template", message="no built-in template matches this prompt "
                              "(templates cover chromatic mix/filter/complement/saturate)",
                              timings={"total": (time.perf_counter() - t0) * 1e3})
        code = t.wgsl() if callable(getattr(t, "wgsl", None)) else str(getattr(t, "wgsl", t))
        tv = time.perf_counter()
        res = self.validator(code)
        diags = _diag_dicts(res)
        ok = getattr(res, "ok", False) is True
        now = time.perf_counter()
        return Generation(code=code, ok=ok, diagnostics=diags, model="template", n_candidates=1,
                          workgroup_size=getattr(res, "workgroup_size", None),
                          message="" if ok else f"the template failed validation: {_first_error(diags)}",
                          timings={"encode": 0.0, "decode": (tv - t0) * 1e3, "validate": (now - tv) * 1e3,
                                   "total": (now - t0) * 1e3})


@dataclass
class _Invalid:
    diagnostics: list[dict]
    ok: bool = False
    workgroup_size: None = None


_CACHE: dict[tuple, Generator] = {}


def generate(prompt: str, model: str | None = None, **options: Any) -> Generation:
    """One shader for `prompt` with a cached `Generator` for (`model`, `device`)."""
    device = options.pop("device", "cpu")
    key = (str(model), device)
    gen = _CACHE.get(key)
    if gen is None:
        gen = _CACHE[key] = Generator(model=model, device=device)
    return gen.generate(prompt, **options)
