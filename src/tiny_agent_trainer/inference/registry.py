"""Name -> candidate source: what `eval --model NAME|PATH` (and anything else that needs shaders) loads.

`load_source(name_or_path)` returns an object with `.id: str` and
`.sample(prompt: str, n: int, seed: int) -> list[str]`. Built-in names are the baselines of
`baselines.py` (`template`, `retrieval`, `reference`); any other name or path is handed to the neural
`inference.api.Generator` (imported lazily, so the baselines work without torch being importable).
This module does NOT decode or judge anything itself.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from ..errors import UserError


class CandidateSource(Protocol):
    id: str

    def sample(self, prompt: str, n: int, seed: int) -> list[str]: ...


def _template(**_: Any):
    from .baselines import TemplateSource

    return TemplateSource()


def _retrieval(retrieval_corpus: Sequence[str | Path] | None = None, **_: Any):
    from .baselines import RetrievalSource

    return RetrievalSource(corpus=retrieval_corpus)


def _reference(**_: Any):
    from .baselines import ReferenceSource

    return ReferenceSource()


BUILTIN: dict[str, Callable[..., Any]] = {"template": _template, "retrieval": _retrieval, "reference": _reference}


def available() -> list[str]:
    return sorted(BUILTIN)


class GeneratorSource:
    """Adapter from `inference.api.Generator` to the CandidateSource interface."""

    def __init__(self, generator: Any, name: str):
        self.generator = generator
        self.id = str(getattr(generator, "id", None) or name)

    def sample(self, prompt: str, n: int, seed: int) -> list[str]:
        outs = self.generator.generate_many(prompt, n, seed)
        return [_code_of(o) for o in outs]


def _code_of(o: Any) -> str:
    if isinstance(o, str):
        return o
    for attr in ("code", "wgsl", "text", "source"):
        v = getattr(o, attr, None)
        if isinstance(v, str):
            return v
    return str(o)


def load_source(name_or_path: str, **options: Any) -> CandidateSource:
    """A candidate source by built-in name, or a model checkpoint/bundled name via the Generator.

    Options: `retrieval_corpus` (paths) for `retrieval`; everything else is ignored by baselines.
    Raises UserError("unknown model ...") listing the available names when nothing can load it.
    """
    key = name_or_path.strip()
    if key in BUILTIN:
        return BUILTIN[key](**options)
    try:
        from .api import Generator
    except ImportError as e:
        why = f"no neural model support ({e})"
    else:
        try:
            return GeneratorSource(Generator(model=key), key)
        except (UserError, FileNotFoundError, ValueError, KeyError, OSError) as e:
            why = str(e) if isinstance(e, UserError) else f"{type(e).__name__}: {e}"
    why = "" if why.startswith("unknown model") else f" ({why})"
    raise UserError(f"unknown model {key!r}{why}. Available: {', '.join(available() + _neural_names())}, "
                    f"or a checkpoint / run directory")


def _neural_names() -> list[str]:
    """Names the neural loader knows (e.g. the bundled model), if that stage is importable."""
    try:
        from .loading import known_names

        return [n for n in known_names() if n not in BUILTIN]
    except Exception:  # noqa: BLE001 - listing names must never hide the real error
        return []
