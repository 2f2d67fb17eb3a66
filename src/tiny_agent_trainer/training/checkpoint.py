"""Checkpoints: one directory each, written atomically, loaded with clear errors.

Layout of `<run>/step-000500/`: `model.safetensors` (weights), `state.pt` (optimizer, scheduler,
RNG states of Python/NumPy/torch/CUDA, data position; plain tensors/containers so it loads with
`torch.load(weights_only=True)`), `config.toml` (resolved config), `tokenizer.json`, `meta.json`.
A checkpoint is built in a temporary sibling directory, every file fsync'ed, then renamed into
place; the pointer files `<run>/latest` and `<run>/best` are replaced atomically afterwards. A
process killed at any moment leaves the previous checkpoint and pointers intact.
This module does NOT decide when to checkpoint (the training loop does).
"""
from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from ..errors import UserError

WEIGHTS, STATE, CONFIG, TOKENIZER, META = "model.safetensors", "state.pt", "config.toml", "tokenizer.json", "meta.json"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def rng_state() -> dict[str, Any]:
    np_state = np.random.get_state()
    st: dict[str, Any] = {
        "python": repr(random.getstate()),
        "numpy": {"keys": torch.from_numpy(np_state[1].astype(np.int64)), "pos": int(np_state[2]),
                  "has_gauss": int(np_state[3]), "gauss": float(np_state[4])},
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        st["cuda"] = torch.cuda.get_rng_state_all()
    return st


def set_rng_state(st: dict[str, Any]) -> None:
    import ast

    random.setstate(ast.literal_eval(st["python"]))
    n = st["numpy"]
    np.random.set_state(("MT19937", n["keys"].numpy().astype(np.uint32), n["pos"], n["has_gauss"], n["gauss"]))
    torch.set_rng_state(st["torch"])
    if "cuda" in st and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(st["cuda"])


def weights_of(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """State dict without tied duplicates (safetensors refuses shared storage)."""
    sd = model.state_dict()
    seen: dict[int, str] = {}
    out = {}
    for k, v in sd.items():
        key = (v.data_ptr(), tuple(v.shape))
        if key in seen and v.numel():
            continue
        seen[key] = k  # type: ignore[index]
        out[k] = v.detach().contiguous().cpu()
    return out


def save_checkpoint(run_dir: str | Path, step: int, model: torch.nn.Module, *, state: dict[str, Any],
                    config_toml: str, tokenizer_json: str, meta: dict[str, Any], dtype: torch.dtype | None = None) -> Path:
    """Write `<run_dir>/step-<step>` atomically and point `latest` at it."""
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    final = run_dir / f"step-{step:07d}"
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-step-{step:07d}-", dir=run_dir))
    try:
        weights = weights_of(model)
        if dtype is not None:
            weights = {k: v.to(dtype) if v.is_floating_point() else v for k, v in weights.items()}
        save_file(weights, str(tmp / WEIGHTS), metadata={"format": "pt"})
        torch.save(state, tmp / STATE)
        (tmp / CONFIG).write_text(config_toml, encoding="utf-8")
        (tmp / TOKENIZER).write_text(tokenizer_json, encoding="utf-8")
        (tmp / META).write_text(json.dumps(meta, indent=2, sort_keys=True), encoding="utf-8")
        for f in tmp.iterdir():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
        _fsync_dir(tmp)
        if final.exists():
            shutil.rmtree(final)
        os.rename(tmp, final)
        _fsync_dir(run_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _write_atomic(run_dir / "latest", final.name + "\n")
    return final


def mark(run_dir: str | Path, name: str, ckpt: Path) -> None:
    """Point `<run_dir>/<name>` (e.g. best) at a checkpoint directory, atomically."""
    _write_atomic(Path(run_dir) / name, ckpt.name + "\n")


def resolve(path: str | Path, which: str = "latest") -> Path:
    """A checkpoint directory from itself or from a run directory (via its pointer file)."""
    p = Path(path)
    if (p / WEIGHTS).is_file():
        return p
    ptr = p / which
    if ptr.is_file():
        target = p / ptr.read_text(encoding="utf-8").strip()
        if (target / WEIGHTS).is_file():
            return target
        raise UserError(f"{ptr} points to {target.name}, which is missing or incomplete")
    if p.is_dir():
        steps = sorted(d for d in p.glob("step-*") if (d / WEIGHTS).is_file())
        if steps:
            return steps[-1]
    raise UserError(f"no checkpoint in {p} (expected {WEIGHTS} or a '{which}' pointer)")


def load_weights(ckpt: Path, model: torch.nn.Module) -> None:
    try:
        sd = load_file(str(ckpt / WEIGHTS))
    except (SafetensorError, OSError, ValueError) as e:
        raise UserError(f"{ckpt / WEIGHTS}: corrupt or truncated weights ({e})") from None
    own = model.state_dict()
    for k, v in sd.items():
        if k in own and own[k].shape != v.shape:
            raise UserError(f"{ckpt}: weight {k} has shape {tuple(v.shape)}, the model expects {tuple(own[k].shape)} "
                            "(vocabulary or config mismatch with this checkpoint)")
    missing = [k for k in own if k not in sd and not k.endswith("lm_head.weight")]
    if missing:
        raise UserError(f"{ckpt}: weights missing for {missing[:3]}{'...' if len(missing) > 3 else ''}")
    model.load_state_dict({k: v.to(own[k].dtype) for k, v in sd.items() if k in own}, strict=False)


def load_state(ckpt: Path) -> dict[str, Any]:
    try:
        return torch.load(ckpt / STATE, weights_only=True, map_location="cpu")
    except FileNotFoundError:
        raise UserError(f"{ckpt}: no {STATE}; cannot resume from a weights-only checkpoint") from None
    except Exception as e:  # torch raises several types for truncated pickles
        raise UserError(f"{ckpt / STATE}: corrupt or truncated ({type(e).__name__}: {e})") from None


def prune(run_dir: str | Path, keep: int = 2) -> None:
    """Delete old step directories, keeping the newest `keep` and whatever `best`/`latest` point to."""
    run_dir = Path(run_dir)
    pinned = {(run_dir / n).read_text().strip() for n in ("best", "latest") if (run_dir / n).is_file()}
    steps = sorted(run_dir.glob("step-*"))
    for d in steps[:-keep]:
        if d.name not in pinned:
            shutil.rmtree(d, ignore_errors=True)
