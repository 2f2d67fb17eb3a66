"""Registry of synthetic task families: every `Variant` of every family module, by id.

Families: unary, binary, parametric, constant, inplace (`elementwise`, u32 and colour updates in `inplace`), chromatic (`color`),
integer (`bits`), 2d (`grid`), reduction (`reduce`);
second tables of the same families in `elementwise2`, `color2`, `bits2`, `grid2`, `reduce2`; third tables
(generator 2.8) in `grid3`, `reduce3`, `bits3` (with gathers) and `color3`; two-step
compositions of the element-wise tables in `compose`; named domain formulas (physics, audio, finance,
games, vec4 vectors keeping w, integer tricks; generator 2.10) in the family domain (`domain`,
`domain2`). This package does NOT phrase prompts or verify shaders; it only defines operations (code, buffers, oracle, phrase fragments).
"""
from __future__ import annotations

from ..core import Variant


def all_variants() -> list[Variant]:
    from . import elementwise
    mods = [elementwise]
    for name in ("elementwise2", "color", "color2", "bits", "bits2", "grid", "grid2", "reduce", "reduce2", "inplace",
                 "compose", "grid3", "reduce3", "bits3", "color3", "domain", "domain2"):
        try:
            mods.append(__import__(f"{__name__}.{name}", fromlist=["VARIANTS"]))
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{name}":
                raise
    out: list[Variant] = []
    for m in mods:
        out += m.VARIANTS
    ids = [v.id for v in out]
    assert len(ids) == len(set(ids)), "duplicate variant ids"
    return out


def by_id() -> dict[str, Variant]:
    return {v.id: v for v in all_variants()}
