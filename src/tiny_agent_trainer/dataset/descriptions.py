"""Hand-written descriptions of the synthetic operations, in the words of users rather than of the
grammar: extra verb phrases (`vp`), noun phrases (`np`) and stand-alone requests (`desc`) per variant
id, read from `descriptions/*.toml` and added to every drawn instance of that variant.

The fragments use the variant's own placeholders (`{X}`, `{O}`, `{K}`, `{xi}`...), so names and
numbers stay random and the prompt grammar (`phrasing.py`) resolves them like its own fragments; a
fragment whose placeholders an instance lacks is skipped for that instance. The files were written
by helpers from the variants' code and fragments (they never opened a benchmark), to widen the wording
the models see: jargon, definitions, behaviour descriptions and domain framings. Their instructions
quoted a few paraphrase-benchmark wordings as examples of style; the fragments that echoed them were
removed and `tests/test_dataset_descriptions.py` keeps them out (docs/runs/descriptions-notes.txt).
`group_f*.toml` (generator 2.6) add ten more per variant in styles the first rounds lacked: terse notes,
type/arrow notation, library calls, domain framings, questions, plain-word buffer sentences.
This module does NOT choose frames or phrasings (`phrasing.py`) and does NOT define operations.
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

from .core import Instance

DIR = Path(__file__).with_name("descriptions")
KINDS = ("vp", "np", "el", "desc")
_PH = re.compile(r"\{(\w+)\}")


@lru_cache(maxsize=None)
def table(directory: str = str(DIR)) -> dict[str, dict[str, tuple[str, ...]]]:
    """variant id -> kind -> fragments, merged over every `*.toml` file of `directory` (sorted by name)."""
    out: dict[str, dict[str, list[str]]] = {}
    for path in sorted(Path(directory).glob("*.toml")):
        with open(path, "rb") as f:
            data = tomllib.load(f)
        for vid, kinds in data.items():
            for kind, frags in kinds.items():
                if kind not in KINDS:
                    raise ValueError(f"{path.name}: [{vid}] unknown kind {kind!r} (expected one of {KINDS})")
                out.setdefault(vid, {}).setdefault(kind, []).extend(str(s).strip() for s in frags)
    return {vid: {k: tuple(v) for k, v in kinds.items()} for vid, kinds in out.items()}


def placeholders(fragment: str) -> set[str]:
    return set(_PH.findall(fragment))


@lru_cache(maxsize=None)
def _with_placeholders(directory: str) -> dict[str, dict[str, tuple[tuple[str, frozenset[str]], ...]]]:
    """`table(directory)` with each fragment's placeholder set, parsed once (extend runs for every draw)."""
    return {vid: {k: tuple((f, frozenset(placeholders(f))) for f in frags) for k, frags in kinds.items()}
            for vid, kinds in table(directory).items()}


def extend(inst: Instance, directory: str = str(DIR)) -> Instance:
    """`inst` with the variant's hand-written fragments appended to its forms (in place; returned).
    Fragments that name a placeholder this instance has no slot for are left out."""
    extra = _with_placeholders(directory).get(inst.variant)
    if not extra:
        return inst
    have = set(inst.slots) | {"oi"}
    for kind, frags in extra.items():
        usable = [f for f, ph in frags if ph <= have]
        if usable:
            inst.forms[kind] = list(inst.forms.get(kind, [])) + usable
    return inst


def verbs(directory: str = str(DIR)) -> set[str]:
    """First words of every extra verb phrase (the grammar inflects them: 'clip' -> 'clips')."""
    return {f.split(" ", 1)[0] for kinds in table(directory).values() for f in kinds.get("vp", ())}
