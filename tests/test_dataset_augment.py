"""Prompt augmentation (`dataset/augment.py`): deterministic, applied to about AUG_P of prompts, and
never touching what must be copied: every buffer/parameter name and number of the shader keeps its
exact spelling and number of mentions, and uniform fields keep their order of first mention."""
from __future__ import annotations

import random
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
try:
    import tiny_agent_trainer  # noqa: F401
except ImportError:
    sys.path.insert(0, str(ROOT / "src"))

from tiny_agent_trainer.dataset.augment import AUG_P, _names, augment, maybe_augment  # noqa: E402
from tiny_agent_trainer.dataset.families import all_variants  # noqa: E402
from tiny_agent_trainer.dataset.generate import _register_verbs, generate  # noqa: E402
from tiny_agent_trainer.dataset.phrasing import FRAMES, compose, frames_for  # noqa: E402

VARIANTS = all_variants()
NUM = re.compile(r"(?<![A-Za-z_\d.])(?:0[xX][0-9A-Fa-f]+|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)")  # not inside names


def _prompts(per_variant=3, seed=0):
    _register_verbs(VARIANTS)
    rng = random.Random(seed)
    for v in VARIANTS:
        for k in range(per_variant):
            inst = v.draw(rng, k % 2 == 0)
            frame = rng.choice(frames_for(inst, set(FRAMES)))
            yield inst, compose(inst, frame, rng)


def _mentions(text, name):
    return len(re.findall(rf"(?<![\w.]){re.escape(name)}(?!\w)", text))


def _field_order(text, code):
    fields = re.findall(r"^    (\w+): \w+,$", code, re.M)
    pos = {f: re.search(rf"(?<![\w.]){re.escape(f)}(?!\w)", text) for f in fields}
    return [f for f in sorted(fields, key=lambda f: pos[f].start() if pos[f] else 10 ** 9)]


WORDS = {w: str(k) for k, w in enumerate(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                                          "nine", "ten", "eleven", "twelve"])}


def _inputs(code):
    return re.findall(r"var<storage, read> (\w+):", code)


def _order(text, names):
    pos = {n: re.search(rf"(?<![\w.]){re.escape(n)}(?!\w)", text) for n in names}
    return [n for n in sorted(names, key=lambda n: pos[n].start() if pos[n] else 10 ** 9) if pos[n]]


def test_names_numbers_and_order_survive():
    bad = []
    for inst, prompt in _prompts():
        for k in range(4):
            aug = augment(prompt, inst.code, random.Random(f"{k}/{prompt}"))
            names = _names(inst.code)
            for n in names:  # only an inputs sentence adds mentions: one per input buffer
                extra = _mentions(aug, n) - _mentions(prompt, n)
                if extra != 0 and not (extra == 1 and n in _inputs(inst.code)):
                    bad.append(("name", n, prompt, aug))
            if _order(prompt, names) != _order(aug, names):
                bad.append(("order", prompt, aug))
            # numbers are kept, or small integers spelled as words in prose
            new_words = Counter(w for w in re.findall(r"[a-z]+", aug.lower()) if w in WORDS)
            new_words.subtract(Counter(w for w in re.findall(r"[a-z]+", prompt.lower()) if w in WORDS))
            spelled = Counter({WORDS[w]: c for w, c in new_words.items() if c > 0})
            before, after = Counter(NUM.findall(prompt)), Counter(NUM.findall(aug))
            if after - before or (before - after) - spelled:  # no new number; each one gone became its word
                bad.append(("number", prompt, aug))
            if _field_order(prompt, inst.code) != _field_order(aug, inst.code):
                bad.append(("field order", prompt, aug))
            assert "{" not in aug and "}" not in aug
    assert not bad, bad[:5]


def test_number_words_only_in_prose_and_inputs_sentence_keeps_order():
    code = ("@group(0) @binding(0) var<storage, read> a: array<f32>;\n"
            "@group(0) @binding(1) var<storage, read> b: array<f32>;\n"
            "@group(0) @binding(2) var<storage, read_write> out: array<f32>;\n")
    seen_words, seen_inputs = False, False
    for k in range(300):
        aug = augment("Add 2 to the sum of a and b, i.e. out = a + b + 2, then scale by 3.", code, random.Random(k))
        assert "+ 2," in aug or "+ two" not in aug  # never inside a formula
        seen_words |= "add two" in aug.lower() or "by three" in aug.lower()
        if re.search(r"\ba and b\b.*\ba and b\b", aug):
            seen_inputs = True
            assert _order(aug, {"a", "b", "out"}) == ["a", "b", "out"]
    assert seen_words and seen_inputs
    # an input that is not mentioned first (or at all) gets no inputs sentence
    for k in range(100):
        aug = augment("Write into out the sum of a and b.", code, random.Random(k))
        assert _order(aug, {"a", "b", "out"}) == ["out", "a", "b"]


def test_deterministic_and_fraction():
    items = list(_prompts(per_variant=4, seed=1))
    a = [maybe_augment(p, inst.code, 5, inst.variant) for inst, p in items]
    b = [maybe_augment(p, inst.code, 5, inst.variant) for inst, p in items]
    assert a == b
    changed = sum(x != p for x, (_, p) in zip(a, items)) / len(items)
    assert abs(changed - AUG_P) < 0.1, changed
    c = [maybe_augment(p, inst.code, 6, inst.variant) for inst, p in items]
    assert a != c


def test_kinds_of_noise_all_occur():
    seen = Counter()
    for inst, prompt in _prompts(per_variant=2, seed=2):
        aug = augment(prompt, inst.code, random.Random(prompt))
        seen["lower"] += aug == aug.lower() and prompt != prompt.lower()
        seen["ticks"] += ("`" in aug) != ("`" in prompt)
        seen["prefix"] += aug.lower().startswith(("wgsl", "kernel:", "compute shader", "[wgsl]", "q:", "webgpu"))
        seen["polite"] += bool(re.search(r"\b(pls|please|thanks|thx|ty|thank you)\b", aug.lower())) and \
            not re.search(r"\b(pls|please|thanks|thank you)\b", prompt.lower())
        seen["articles"] += len(re.findall(r"\bthe\b", aug.lower())) < len(re.findall(r"\bthe\b", prompt.lower()))
        seen["typo"] += len(set(re.findall(r"[a-z]{6,}", aug.lower())) - set(re.findall(r"[a-z]{6,}", prompt.lower()))) > 0
    assert all(seen[k] > 5 for k in ("lower", "ticks", "prefix", "polite", "articles", "typo")), seen


def test_generate_uses_augmentation_and_stays_valid():
    plain = generate(600, seed=4, augment_p=0.0)
    noisy = generate(600, seed=4)
    assert len(noisy) == 600 and len({p.prompt for p in noisy}) == 600
    assert sum(p.prompt == p.prompt.lower() for p in noisy) > sum(p.prompt == p.prompt.lower() for p in plain)
    for p in noisy:
        if p.inst.out_named:
            assert _mentions(p.prompt, p.inst.slots["O"].later), p.prompt
        fields = re.findall(r"^    (\w+): \w+,$", p.inst.code, re.M)
        assert all(_mentions(p.prompt, f) for f in fields), p.prompt
