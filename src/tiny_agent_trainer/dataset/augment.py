"""Surface noise for synthetic prompts, so they look more like what people actually type:
synonyms for ordinary words and phrases (`synonyms.py`), lower-casing, a dropped final period,
dropped articles, one typo (adjacent letters swapped in a long ordinary word), backticks added around names or removed, "pls"/"thanks", a prefix such as "wgsl:"
and trailing context ("for my image pipeline").

Deterministic: `maybe_augment(prompt, code, seed, key)` draws from an rng seeded by (seed, key,
prompt) and changes about `AUG_P` of the prompts. Invariant: every identifier and number of the
shader is left byte-identical wherever the prompt mentions it, and no new mention of a buffer or
parameter name is created (so names stay copyable and their order of first mention is unchanged).
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
                            ("ticks", 0.2), ("polite", 0.2), ("prefix", 0.2), ("context", 0.2)) if rng.random() < p]
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
    if "prefix" in ops:
        text = rng.choice([p for p in _PREFIXES if _free(p, names)] or [""]) + text
    return text


def maybe_augment(prompt: str, code: str, seed: int, key: str, p: float = AUG_P) -> str:
    """`prompt`, rewritten by `augment` for about a fraction `p` of (seed, key, prompt) triples."""
    rng = random.Random(f"aug/{seed}/{key}/{prompt}")
    if rng.random() >= p:
        return prompt
    return augment(prompt, code, rng)
