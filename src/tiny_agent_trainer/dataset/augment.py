"""Surface noise for synthetic prompts, so they look more like what people actually type:
synonyms for ordinary words and phrases (`synonyms.py`), lower-casing, a dropped final period,
dropped articles, one typo (adjacent letters swapped in a long ordinary word), backticks added
around names or removed, "pls"/"thanks", a prefix such as "wgsl:" and trailing context ("for my
image pipeline"); since generator 2.2 also small integers written as words ("by 1" -> "by one"),
a lead-in sentence ("Quick question: ", "I'm porting some NumPy code to
WebGPU. ") and a sentence that first introduces the input buffers ("I have two float arrays a and b
of the same length. ...").

Deterministic: `maybe_augment(prompt, code, seed, key)` draws from an rng seeded by (seed, key,
prompt) and changes about `AUG_P` of the prompts. Invariant: every identifier of the
shader is left byte-identical wherever the prompt mentions it, a number is kept or (an integer 0-12)
spelled as its word, and names keep their order of first mention; the only new mentions of names are
the input buffers restated, in their own order, by an inputs sentence placed before the prompt.
This module does NOT choose frames or wording (see `phrasing.py`) and never edits the code.
"""
from __future__ import annotations

import random
import re

from .synonyms import substitute

AUG_P = 0.5

_TOKEN = re.compile(r"0[xX][0-9A-Fa-f]+|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|[A-Za-z_]\w*|\s+|.", re.S)
_IDENT = re.compile(r"[A-Za-z_]\w*")
_ARTICLES = {"the", "The", "a", "A", "an", "An"}
_NO_TYPO = {"uniform", "uniforms", "parameter", "parameters", "signed", "unsigned", "atomic", "workgroup", "place"}
_PREFIXES = ["wgsl: ", "WGSL: ", "compute shader - ", "kernel: ", "webgpu compute: ", "[wgsl] ", "wgsl kernel pls: ",
             "compute shader: ", "Q: "]
_POLITE_PRE = ["pls ", "please ", "Please, ", "hey, "]
_POLITE_POST = [" thanks", " thx", " please", ", thanks!", " pls", ". Thank you!", " ty"]
_LEAD_INS = ["Quick question: ", "Here's the task: ", "I'm porting some NumPy code to WebGPU. ",
             "Need a compute kernel. ", "Can you help with a shader? ", "Task: ", "Okay, here's what I need. ",
             "Working on a WebGPU app. ", "New kernel needed. ", "So, ", "I have some data on the GPU. "]
_NUM_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
_SMALL_INT = re.compile(r"(?<=[A-Za-z] )(\d{1,2})(?=$|[\s,;:!?)]|\.(?!\d))")  # in prose, not in formulas
_ELEM = {"f32": ["float", ""], "u32": ["uint", "unsigned"], "i32": ["int", "signed"],
         "vec4<f32>": ["RGBA", "pixel", ""]}  # words only: an added sentence never adds a number
_CONTEXT = [" for my image pipeline", " (it's for a physics sim)", " - part of a particle system", " for an ML inference engine",
            ". it's for a game", " for a WebGPU demo", " in a browser app", ", needed for a post-processing pass",
            " (hobby project)", " for my renderer", ". Running this in Chrome via WebGPU", " for a small neural net",
            ", this is for a data-processing job"]


def _names(code: str) -> set[str]:
    """Buffer, uniform-field and module-constant names of a shader (names a prompt may mention)."""
    names = set(re.findall(r"var<[^>]*> (\w+):", code))
    names.update(re.findall(r"^\s+(\w+): \w+,$", code, re.M))
    names.update(re.findall(r"^const (\w+)", code, re.M))
    names.discard("params")
    return names


def _free(text: str, names: set[str]) -> bool:
    """`text` (an addition) mentions none of `names` as a word, in any case."""
    low = {n.lower() for n in names}
    return not any(w.lower() in low for w in _IDENT.findall(text))


def augment(prompt: str, code: str, rng: random.Random) -> str:
    """One noisy rewrite of `prompt` (at least one change is attempted)."""
    idents = set(_IDENT.findall(code))
    lower_idents = {w.lower() for w in idents}
    names = _names(code)
    toks = _TOKEN.findall(prompt)

    def protected(t: str) -> bool:
        return t in idents or any(ch.isdigit() for ch in t)

    ops = [op for op, p in (("synonyms", 0.7), ("lower", 0.45), ("period", 0.5), ("articles", 0.3), ("typo", 0.25),
                            ("ticks", 0.2), ("polite", 0.2), ("prefix", 0.2), ("context", 0.2), ("numwords", 0.3),
                            ("lead", 0.15), ("inputs", 0.2)) if rng.random() < p]
    if not ops:
        ops = [rng.choice(["synonyms", "lower", "period", "articles", "polite", "context"])]
    if "synonyms" in ops:
        prompt = substitute(prompt, names, rng, p=0.5)
        toks = _TOKEN.findall(prompt)
    if "lower" in ops:
        toks = [t if protected(t) or (t.lower() in names and t != t.lower()) else t.lower() for t in toks]
    if "articles" in ops:
        out: list[str] = []
        k = 0
        while k < len(toks):
            t = toks[k]
            if t in _ARTICLES and not protected(t) and t.lower() not in names and k + 1 < len(toks) and toks[k + 1] == " ":
                k += 2
                continue
            out.append(t)
            k += 1
        toks = out
    if "typo" in ops:
        cands = [k for k, t in enumerate(toks) if len(t) >= 6 and t.isalpha() and t.lower() not in lower_idents
                 and t.lower() not in _NO_TYPO]
        if cands:
            k = rng.choice(cands)
            w = toks[k]
            j = rng.randrange(1, len(w) - 2)
            typo = w[:j] + w[j + 1] + w[j] + w[j + 2:]
            if w[j] != w[j + 1] and typo.lower() not in lower_idents:
                toks[k] = typo
    if "ticks" in ops:
        if "`" in toks:
            toks = [t for t in toks if t != "`"]
        else:
            wrap = {n for n in names if len(n) > 1}
            toks = [f"`{t}`" if t in wrap and (k + 1 >= len(toks) or toks[k + 1] not in ("[", "`")) and
                    (k == 0 or toks[k - 1] != "`") else t for k, t in enumerate(toks)]
    text = "".join(toks).strip()
    if "numwords" in ops:
        text = _SMALL_INT.sub(lambda m: _NUM_WORDS[int(m.group(1))] if int(m.group(1)) < len(_NUM_WORDS) and
                              rng.random() < 0.7 else m.group(0), text)
    if "period" in ops and text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    if "context" in ops:
        ctx = rng.choice([c for c in _CONTEXT if _free(c, names)] or [""])
        if ctx:
            text = text.rstrip(".") + ctx + ("." if rng.random() < 0.4 else "")
    if "polite" in ops:
        if rng.random() < 0.5:
            pre = rng.choice([p for p in _POLITE_PRE if _free(p, names)] or [""])
            first = _IDENT.match(text)
            w0 = first.group(0) if first else ""
            if pre and w0[1:2].islower() and not (protected(w0) or w0.lower() in names):
                text = text[:1].lower() + text[1:]
            text = pre + text
        else:
            text = text + rng.choice([p for p in _POLITE_POST if _free(p, names)] or [""])
    if "inputs" in ops:
        text = _inputs_sentence(text, code, rng) + text
    elif "lead" in ops:
        text = rng.choice([p for p in _LEAD_INS if _free(p, names)] or [""]) + text
    if "prefix" in ops:
        text = rng.choice([p for p in _PREFIXES if _free(p, names)] or [""]) + text
    return text


def _first_mentions(text: str, names: set[str]) -> list[str]:
    pos = {n: re.search(rf"(?<![\w.]){re.escape(n)}(?!\w)", text) for n in names}
    return [n for n in sorted(names, key=lambda n: pos[n].start() if pos[n] else 10 ** 9) if pos[n]]


def _inputs_sentence(text: str, code: str, rng: random.Random) -> str:
    """A sentence introducing the read-only input buffers ("I have two float arrays a and b."), or "" when
    they are not all named in `text` or are not its first-mentioned names (the order must not change)."""
    decl = re.findall(r"var<storage, read> (\w+): array<([\w<>]+)>;", code)
    if not decl or len(decl) > 3:
        return ""
    ins = [n for n, _ in decl]
    names = _names(code)
    if _first_mentions(text, names)[: len(ins)] != ins:  # every input named first, in declaration order
        return ""
    types = {t for _, t in decl}
    elem = rng.choice(_ELEM.get(types.pop(), [""])) if len(types) == 1 else ""
    elem = elem + " " if elem else ""
    if len(ins) == 1:
        art = "an" if (elem or "array")[0] in "aeiou" else "a"
        listed = ins[0]
        forms = [(f"I have a {elem}buffer ", ". "), ("", f" is an input {elem}array. "),
                 (f"Input: {art} {elem}array called ", ". "), (f"There's a {elem}buffer ", " on the GPU. ")]
    else:
        listed = ", ".join(ins[:-1]) + " and " + ins[-1]
        n = _NUM_WORDS[len(ins)]
        same = rng.choice(["", " of the same length", " of equal size"])
        forms = [(f"I have {n} {elem}arrays ", f"{same}. "), ("Inputs: ", ". "),
                 (f"There are {n} input {elem}buffers, ", f"{same}. "), ("", f" are {elem}arrays{same}. ")]
    forms = [(a, b) for a, b in forms if _free(a + " " + b, names)]  # the wording itself names nothing
    if not forms:
        return ""
    a, b = rng.choice(forms)
    return a + listed + b


def maybe_augment(prompt: str, code: str, seed: int, key: str, p: float = AUG_P) -> str:
    """`prompt`, rewritten by `augment` for about a fraction `p` of (seed, key, prompt) triples."""
    rng = random.Random(f"aug/{seed}/{key}/{prompt}")
    if rng.random() >= p:
        return prompt
    return augment(prompt, code, rng)
