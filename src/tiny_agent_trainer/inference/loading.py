"""Find and load a model for inference: bundled names, checkpoint directories and run directories.

`resolve_model(name_or_path)` turns what a user typed into either the string "template" (the
non-neural chromatic templates) or a checkpoint directory; `load_model(...)` reads that
checkpoint's `config.toml` (the `[model]` section, through `config.load_task_config`),
`tokenizer.json` and `model.safetensors` (fp16/bf16 weights are upcast to fp32 on CPU) into a
ready-to-run `LoadedModel` in eval mode. Every problem is a `UserError` that says what is missing
and what to do (train a model, or use `--model template`).

This module does NOT decode or validate (see `decoding.py`, `api.py`) and does NOT train.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import torch

from ..errors import UserError

BUNDLED_ROOT = Path(__file__).resolve().parent.parent / "bundled"
DEFAULT_NAME = "default"
SPECIAL_NAMES = ("template",)
HOW_TO_TRAIN = ("train one with `tiny-agent-trainer train --preset small --output runs/small` and pass the run "
                "directory with --model runs/small, or use `--model template` for the built-in chromatic templates")


@dataclass
class LoadedModel:
    model: torch.nn.Module
    tokenizer: object  # WgslTokenizer
    checkpoint: Path
    model_id: str
    meta: dict
    direction: str = "nl2wgsl"  # [task] direction: a generator (nl2wgsl) or a reviewer (wgsl2nl, see rerank.py)

    @property
    def max_prompt_len(self) -> int:
        return self.model.shape.max_prompt_len

    @property
    def max_seq_len(self) -> int:
        return self.model.shape.max_seq_len


def bundled_names() -> list[str]:
    """Names of the bundled checkpoints that exist (directories under `bundled/`)."""
    if not BUNDLED_ROOT.is_dir():
        return []
    return sorted(d.name for d in BUNDLED_ROOT.iterdir() if d.is_dir() and (d / "model.safetensors").is_file())


def known_names() -> list[str]:
    return sorted(set(SPECIAL_NAMES) | set(bundled_names()) | {DEFAULT_NAME})


def resolve_model(name: str | Path | None) -> str | Path:
    """"template", or the checkpoint directory for a bundled name / checkpoint dir / run dir."""
    from ..training.checkpoint import resolve

    if name is None or str(name).strip() == "":
        name = DEFAULT_NAME
    key = str(name).strip()
    if key in SPECIAL_NAMES:
        return key
    path = Path(key).expanduser()
    if path.exists():
        if not path.is_dir():
            raise UserError(f"--model {key}: expected a checkpoint or run directory, got a file")
        return resolve(path, "best") if (path / "best").is_file() else resolve(path)
    if "/" not in key and "\\" not in key:
        bundled = BUNDLED_ROOT / key
        if (bundled / "model.safetensors").is_file():
            return bundled
        if key == DEFAULT_NAME:
            raise UserError(f"the bundled default model is not installed ({bundled} has no model.safetensors); "
                            + HOW_TO_TRAIN)
        raise UserError(f"unknown model {key!r}; known names: {', '.join(known_names())} "
                        "(or a checkpoint / run directory)")
    raise UserError(f"--model {key}: no such directory")


def model_id_of(ckpt: Path, meta: dict) -> str:
    if meta.get("model_id"):
        return str(meta["model_id"])
    if ckpt.parent == BUNDLED_ROOT:
        return f"bundled:{ckpt.name}"
    step = f"@{meta['step']}" if "step" in meta else ""
    return f"{ckpt.parent.name}/{ckpt.name}{step}" if ckpt.name.startswith("step-") else f"{ckpt.name}{step}"


def _weight_names(path: Path) -> set[str]:
    from safetensors import safe_open

    try:
        with safe_open(str(path), framework="pt") as f:
            return set(f.keys())
    except Exception:  # noqa: BLE001 - unreadable weights are reported by load_weights with a clear message
        return set()


def load_model(name: str | Path | None, device: str | torch.device = "cpu") -> LoadedModel:
    """Load a checkpoint (see `resolve_model`) onto `device`, in eval mode, fp32 on CPU."""
    from ..config import load_task_config
    from ..model import ModelShape, Seq2Seq
    from ..tokenizer import WgslTokenizer
    from ..training.checkpoint import CONFIG, META, TOKENIZER, WEIGHTS, load_weights

    where = resolve_model(name)
    if isinstance(where, str):
        raise UserError(f"{where!r} is not a neural checkpoint")
    ckpt = Path(where)
    if not (ckpt / TOKENIZER).is_file():
        raise UserError(f"checkpoint {ckpt} has no {TOKENIZER}; it cannot be used for generation "
                        "(copy the run's tokenizer.json next to model.safetensors, or retrain)")
    if not (ckpt / CONFIG).is_file():
        raise UserError(f"checkpoint {ckpt} has no {CONFIG} (the model shape is unknown)")
    try:
        tok = WgslTokenizer.load(ckpt / TOKENIZER)
    except Exception as e:  # tokenizers raises plain Exceptions for malformed JSON
        raise UserError(f"{ckpt / TOKENIZER}: unreadable tokenizer ({e})") from None
    cfg = load_task_config(ckpt / CONFIG)
    meta: dict = {}
    if (ckpt / META).is_file():
        try:
            meta = json.loads((ckpt / META).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
    shape = ModelShape.from_config(cfg.model, tok.vocab_size, tok.pad_id)
    if hasattr(shape, "copy_attention"):  # follow the weights: checkpoints from before the copy head lack it
        shape.copy_attention = "copy_q.weight" in _weight_names(ckpt / WEIGHTS)
    model = Seq2Seq(shape)
    load_weights(ckpt, model)  # casts to the model's fp32 parameters
    device = torch.device(device)
    model.to(device).eval()
    return LoadedModel(model, tok, ckpt, model_id_of(ckpt, meta), meta, cfg.task.direction)
