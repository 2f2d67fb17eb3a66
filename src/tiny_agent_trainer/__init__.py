"""tiny-agent-trainer: train small transformers that write WGSL compute shaders.

Public API (imported lazily so `import tiny_agent_trainer` stays fast):
`validate`, `ValidationResult`, `ChromaticTemplate`, `generate`, `Generator`.
"""
from __future__ import annotations

__version__ = "0.1.0"

_LAZY = {
    "validate": ("validation", "validate"),
    "ValidationResult": ("validation", "ValidationResult"),
    "ChromaticTemplate": ("templates", "ChromaticTemplate"),
    "generate": ("inference.api", "generate"),
    "Generator": ("inference.api", "Generator"),
    "Generation": ("inference.api", "Generation"),
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        mod, attr = _LAZY[name]
        return getattr(importlib.import_module(f".{mod}", __name__), attr)
    raise AttributeError(name)


__all__ = list(_LAZY) + ["__version__"]
