"""The interface check of the reranked pool: what the prompt's words say about a shader's buffers and
uniform (the kernel conventions: inputs `read`, outputs `read_write`, an in-place buffer is an output only,
at most one uniform of the parameters the prompt mentions), applied to the pool members as filters.

- `output_rewrite(prompt, code)`: the model's in-place answer rewritten to write a separate output
  (`wgsl.names.separate_output`) when the prompt does not ask for an in-place update: into the one output
  it names, or, when it names none and has no word of updating in place, into a new buffer `out`.
- `fitting(prompt, codes)`: the indices of the members that no rule rejects. Each rule is skipped
  where it would reject every member:
  1. the number of outputs the prompt names (`formula.prompt_interface`), and at least as many inputs
     as it names (`hit[i] = 1.0 where scores[i] > cutoffs[i]` reads two buffers);
  2. "in place": members that read a buffer they write (`wgsl.names.reads_an_output`);
  3. no word of updating in place (`may_update_in_place`): members that do not read what they write;
  4. no parameter mentioned (`formula.mentions_parameters`): members without a uniform;
  5. k names the prompt calls uniforms ("lo and hi are uniforms"): members whose uniform struct has at
     least k fields (not `clamp(x, p.lo, p.lo)` from a struct that forgot `hi`);
  6. a one-element result (a buffer the prompt writes only as `total[0]`): members that store to an
     element 0 (`out[0] = ...`, `atomicAdd(&out[0], ...)`), not to every element.

This module does NOT score, validate or decode (see `api.py`, `rerank.py`); it reads prompts and
shader text only.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..wgsl.names import interface, reads_an_output, separate_output, stores_to_element_0, uses_uniform
from .formula import fits_interface, mentions_parameters, prompt_buffers, prompt_interface, says_in_place, uniform_names

DEFAULT_OUTPUTS = ("out", "result", "dst")  # a new output's name when the prompt names none (first one unused)

# Words of updating a buffer in place, beyond "in place" itself: a prompt with none of them asks for a
# separate output (an in-place answer reads the buffer it writes).
_UPDATE_CUE = re.compile(
    r"\bin[- ]?place\b|\bin situ\b|\bmodif|\bupdat|\boverwrit|\bmutat|\bdirectly\b|\bitself\b|\bback (?:in)?to\b|"
    r"\baccumulat|\bbump|\bexisting\b|\bsame (?:buffer|array)\b|[-+*/%|&^]=|<<=|>>=|\+\+|--|"
    r"\b(?:without|no|not)\s+(?:a\s+|an\s+|any\s+)?(?:second|extra|separate|another|other|new)\s+(?:output\s+)?(?:buffer|array)",
    re.I)


_ELEMENT_0 = re.compile(r"`?([A-Za-z_]\w*)`?\[0u?\]")


def one_element_results(prompt: str) -> set[str]:
    """Outputs the prompt only ever writes indexed by 0 (`-> max_val[0]`, not also `offsets[i]`, not an input
    like `x[0]`): single results."""
    buffers = prompt_buffers(prompt, min_names=1)
    names = {m.group(1) for m in _ELEMENT_0.finditer(prompt)} & set(buffers[1] if buffers else ())
    return {n for n in names if not re.search(r"(?<!\w)`?%s`?\[(?!0u?\])" % re.escape(n), prompt)}


def may_update_in_place(prompt: str) -> bool:
    """Whether the prompt has any word of an in-place update ("in place", "modify", "overwrite", "+=",
    "without a second buffer"...); False means it asks for a separate output."""
    return _UPDATE_CUE.search(prompt) is not None


def output_rewrite(prompt: str, code: str) -> tuple[str | None, bool]:
    """(`code` rewritten to write a separate output, whether the output's name comes from the prompt), or
    (None, False) when the prompt asks for in place, names several outputs, or `code` is not a plain
    in-place map (`separate_output`'s conditions)."""
    if says_in_place(prompt):
        return None, False
    wanted = prompt_buffers(prompt, min_names=1)
    if wanted is not None:
        return (separate_output(code, wanted[1][0]), True) if len(wanted[1]) == 1 else (None, False)
    if may_update_in_place(prompt):
        return None, False
    for name in DEFAULT_OUTPUTS:
        var = separate_output(code, name)
        if var is not None:
            return var, False
    return None, False


def fitting(prompt: str, codes: Sequence[str]) -> list[int]:
    """Indices of the members of `codes` that the prompt's interface does not contradict (rules above)."""
    keep = list(range(len(codes)))
    rules: list[Callable[[str], bool]] = []
    want = prompt_interface(prompt)
    if want is not None:
        rules.append(lambda c: fits_interface(c, want))
    if says_in_place(prompt):
        rules.append(reads_an_output)
    elif not may_update_in_place(prompt):
        rules.append(lambda c: not reads_an_output(c))
    if not mentions_parameters(prompt):
        rules.append(lambda c: not uses_uniform(c))
    named = uniform_names(prompt)
    if named:
        rules.append(lambda c: len(interface(c)[1]) >= len(named))
    if one_element_results(prompt):
        rules.append(stores_to_element_0)
    for ok in rules:
        keep = [i for i in keep if ok(codes[i])] or keep
    return keep
