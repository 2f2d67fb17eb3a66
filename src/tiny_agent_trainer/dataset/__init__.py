"""Dataset stage: curated and synthetic NL->WGSL pairs, verified by execution, split without leakage.

Public API (imported lazily): `build(out_dir, count, seed, workers, verify=True, progress=True) -> manifest`
and `load_records(path_or_dir, split=None) -> list[dict]` (see `dataset/build.py`); `check_files`
(`dataset/check.py`). Modules: `core` (canonical WGSL emitter, MapOp), `families/` (operations),
`phrasing` (prompt grammar), `generate` (pairs + splits), `verify` (cached parallel execution),
`oracle` (NumPy oracle snippets), `stats`. This package does NOT tokenize or train.
"""
from __future__ import annotations

_LAZY = {"build": "build", "load_records": "build", "check_files": "check"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(name)


__all__ = list(_LAZY)
