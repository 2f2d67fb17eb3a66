"""Deterministic generation of synthetic (prompt, shader) pairs with leakage-free splits.

Splits are decided by construction, not after the fact: variants in `TEST_VARIANTS` are phrased
only with the test frames (`phrasing.TEST_FRAMES`), every other variant only with the remaining
frames; so no operation and no phrasing template is shared between train and test. Val is a
small sample of whole train-side instances (same code never in both train and val).
About `augment.AUG_P` of the prompts get surface noise (`augment.py`; names and numbers kept), and
since generator 2.9 about `interface_spec.SPEC_P` an interface sentence read from the shader
(`interface_spec.py`: buffers in binding order, access, types, uniform fields); generator 2.10 adds
the family domain (`families/domain*.py`: formulas asked for by name, about 11% of the pairs).
Prompts are unique across the whole output. Same (count, seed) -> same pairs, in the same order.
This module does NOT run shaders (see `verify.py`) or write files (see `build.py`).
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from . import descriptions, naming as nm
from .core import Instance, Variant
from .families import all_variants
from .augment import AUG_P, maybe_augment
from .interface_spec import SPEC_P, maybe_specify
from .phrasing import FRAMES, TEST_FRAMES, compose, frames_for

GENERATOR_VERSION = "2.10"

# operations never seen in training (at least one per family; the rest of the family is trained)
TEST_VARIANTS = frozenset({
    "unary/softplus", "unary/cos", "unary/ceil", "unary/log2", "binary/hypot", "binary/max",
    "parametric/elu", "parametric/divide", "constant/sub", "constant/max", "inplace/negate", "inplace/clamp_const",
    "chromatic/sepia", "chromatic/swizzle_bgra", "integer/or_mask", "integer/parity", "2d/flip_v", "2d/row_sums",
    "reduction/max", "reduction/exclusive_scan",
    # second tables (elementwise2, bits2, color2, grid2, reduce2): a few held-out operations as well
    "unary/sinh", "constant/cubic", "inplace/abs", "binary/select3", "integer/ctz", "chromatic/screen", "2d/vblur",
    "reduction/min_scan",
})
VAL_FRACTION = 0.03
NAMED_P = 0.75
PHRASINGS = (2, 3, 3, 4)  # prompts per drawn instance: one shader, several wordings (paraphrase invariance)


@dataclass
class Pair:
    inst: Instance
    prompt: str
    frame: str
    split: str
    group: int  # index of the drawn instance (pairs of one group share code)


def variant_split(vid: str) -> str:
    return "test" if vid in TEST_VARIANTS else "train"


def _register_verbs(variants: list[Variant]) -> None:
    for v in variants:
        for frag in getattr(v, "vp", ()) or ():
            nm.VERBS.add(frag.split(" ", 1)[0])
        for frag in getattr(v, "verbs", ()) or ():
            nm.VERBS.add(frag)
    nm.VERBS.update(descriptions.verbs())


def generate(count: int, seed: int, variants: list[Variant] | None = None, on_progress=None,
             val_fraction: float = VAL_FRACTION, augment_p: float = AUG_P, spec_p: float = SPEC_P) -> list[Pair]:
    """About `count` pairs with distinct prompts (exactly `count` unless the grammar runs dry).

    `augment_p`: fraction of prompts given surface noise by `augment.maybe_augment` (0 = none);
    `spec_p`: fraction given an interface sentence by `interface_spec.maybe_specify` (0 = none)."""
    variants = variants if variants is not None else all_variants()
    _register_verbs(variants)
    total_w = sum(v.weight for v in variants)
    quota = {v.id: max(1, round(count * v.weight / total_w)) for v in variants}
    # make the quotas sum to count exactly (largest variants absorb rounding)
    diff = count - sum(quota.values())
    order = sorted(variants, key=lambda v: (-v.weight, v.id))
    floor = 1 if count >= len(variants) else 0  # tiny counts: not every variant can have a pair
    k = 0
    while diff and order:
        v = order[k % len(order)]
        step = 1 if diff > 0 else -1
        if quota[v.id] + step >= floor:
            quota[v.id] += step
            diff -= step
        k += 1
    seen: set[str] = set()
    pairs: list[Pair] = []
    group = 0
    all_frames = set(FRAMES)
    states = {v.id: random.Random(f"{seed}/{v.id}") for v in variants}
    made = {v.id: 0 for v in variants}
    for round_ in range(4):
        for v in variants:
            rng = states[v.id]
            split = variant_split(v.id)
            allowed = TEST_FRAMES if split == "test" else all_frames - TEST_FRAMES
            want = quota[v.id]
            if want <= 0:
                continue
            misses = 0
            while made[v.id] < want and misses < 50 and len(pairs) < count:
                inst = descriptions.extend(v.draw(rng, rng.random() < NAMED_P))
                frames = frames_for(inst, allowed)
                if not frames:
                    misses += 1
                    continue
                gsplit = split
                if split == "train" and rng.random() < val_fraction:
                    gsplit = "val"
                got = 0
                for _ in range(rng.choice(PHRASINGS)):
                    if made[v.id] >= want or len(pairs) >= count:
                        break
                    frame = rng.choice(frames)
                    prompt = compose(inst, frame, rng)
                    if augment_p:
                        prompt = maybe_augment(prompt, inst.code, seed, v.id, augment_p)
                    if spec_p:
                        prompt = maybe_specify(prompt, inst.code, seed, v.id, spec_p, inst.inplace)
                    if prompt in seen:
                        misses += 1
                        continue
                    seen.add(prompt)
                    pairs.append(Pair(inst, prompt, frame, gsplit, group))
                    made[v.id] += 1
                    got += 1
                if got:
                    group += 1
                    if on_progress:
                        on_progress(got)
        deficit = count - len(pairs)
        if deficit <= 0:
            break
        capable = [v for v in variants if made[v.id] >= quota[v.id]]
        if not capable:
            break
        for j in range(deficit):  # hand the shortfall to variants that still have room
            quota[capable[j % len(capable)].id] += 1
    return pairs
