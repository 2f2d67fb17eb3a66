"""The data of the Python API: `Options` (every generation setting, with its default: the single
source for the CLI's defaults and docs/inference.md) and `Generation` (what `generate` returns).

This module does NOT generate anything (see `api.py`) and imports nothing heavy, so the CLI can read
defaults without loading torch.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

MAX_PROMPT_CHARS = 20_000


@dataclass
class Generation:
    code: str
    ok: bool
    diagnostics: list[dict] = field(default_factory=list)
    score: float | None = None
    tokens: int = 0
    n_candidates: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # ms: encode, decode, validate, total
    model: str = ""
    workgroup_size: tuple[int, ...] | None = None
    message: str = ""  # why not ok, in words
    warnings: list[str] = field(default_factory=list)
    candidates: list[dict] = field(default_factory=list)  # per candidate: score, tokens, ok, finished, error
    repaired: bool = False
    fixed: bool = False  # the winner is a model candidate with names fixed by `fixes.name_fixes`
    source: str = "model"  # "model"; "retrieval" when a training example from the bundle's corpus answered; "formula"
    # when the prompt's own formula, transcribed by `formula.py`, won the rerank
    reranked: bool = False  # chosen by the reviewer among several candidates (`rerank.py`)
    mutated: bool = False  # the model's shader with one operator or builtin swapped (`wgsl/mutate.py`), reviewer's choice

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["workgroup_size"] = list(self.workgroup_size) if self.workgroup_size else None
        return d


@dataclass
class Options:
    beams: int = 4
    sample: bool = False
    temperature: float = 0.8
    top_p: float = 0.95
    seed: int | None = None
    constrained: bool | None = None  # None: the model's measured default (meta.json), else off
    max_new_tokens: int | None = None  # None: the model's max_seq_len
    length_penalty: float = 1.0
    retries: int = 2
    repair_samples: int = 4
    fix_names: bool = True
    fallback: bool = True  # retrieval fallback when no model candidate is valid (if the bundle ships a corpus)
    rerank: bool = True  # rerank valid beams + nearest retrieval examples with the bundle's reviewer (if it ships one)
    rerank_beams: int = 1  # valid beams (best first) in the reranked pool
    rerank_retrieval: int = 5  # nearest training examples added to the reranked pool
    retrieval_scan: int = 1  # how many times `rerank_retrieval` nearest examples are read to find that many distinct
    # new shaders (a retrieved shader the pool already holds, after renaming, does not take a place)
    retrieval_bonus: float = 0.1  # nats added to the rerank score of a candidate the model did not write (a retrieved
    # shader, the formula kernel): the generator's term is inflated for its own beam (beam search maximised it);
    # 0.6 from the tenth session to the fifteenth, re-chosen in the sixteenth on the judged pools of thirteen sets
    # (the stronger generator's own right answers were losing to retrieved shaders by less than 0.6; docs/inference.md)
    formula_bonus: float = 2.0  # nats added, on top of retrieval_bonus, to a kernel transcribed from the prompt's own
    # formula (`formula.py`, `colour_formula.py`): the reviewer, trained on synthetic wordings, scores an unfamiliar
    # formula low even when the transcription is exact; chosen on judged pools of six sets (docs/inference.md)
    prompt_numbers: bool = True  # a pool member whose number variant (the prompt's numbers, `fixes.adopt_numbers`)
    # is valid leaves the pool: the variant competes instead
    interface_check: bool = True  # pool members whose buffers or uniform contradict the prompt's words leave the
    # pool (`interface.py`: the outputs it names, in place or not, a uniform only for a parameter it mentions and
    # with at least as many fields as the uniforms it names), unless none would be left; the model's in-place
    # answer to a prompt that wants a separate output competes rewritten to write it (`wgsl.names.separate_output`)
    race_check: bool = True  # pool members in which every invocation stores to one fixed element of an output
    # (`wgsl.lint.racy_store`: `if (t < n) { out[0] = ...; }`) leave the pool, unless none would be left
    rerank_formula: bool = True  # kernels transcribed from an explicit elementwise or per-channel formula in the prompt
    # (`formula.py`) competes in the reranked pool
    rerank_declared: bool = True  # when the prompt declares its uniform outright with every field typed ("uniform
    # fields: step (u32), ring_size (u32)"; `declared.py`) and no pool member has it: the model's answer decoded after
    # that struct (forced first tokens) competes in the reranked pool (seventeenth session)
    declared_beams: int = 2  # valid beams of that decoding in the pool
    rerank_steps: bool = True  # when the prompt bounds its result ("then clamp to [-1, 1]", "never below 0", "capped
    # at 99"), each pool member's twin with that bound applied to its stored value competes (`steps.py`)
    step_bonus: float = 0.0  # nats added to such a twin's rerank score
    rerank_mutants: bool = False  # one-operation swaps of the first valid beam in the reranked pool (`wgsl/mutate.py`);
    # off by default: on the public set they cost 2-4 tasks with every reviewer tried (docs/model-card.md)
