"""Average the weights of several bundles of one architecture into a new bundle (a "model soup").

`python -m tiny_agent_trainer.training.soup OUT BUNDLE[:WEIGHT] BUNDLE[:WEIGHT] ...` writes OUT with the
weighted mean of the bundles' `model.safetensors` (weights normalised to sum to 1, computed in fp32, stored in
the first bundle's dtype) and every other file of the first bundle (tokenizer, config, reviewer, corpus).
meta.json records the ingredients. Soups of runs that continue one checkpoint stay in its basin, so the mean
is a model of its own (Wortsman et al., 2022, "Model soups").
This module does NOT choose the ingredients or weights, and refuses bundles whose tokenizers, tensor names or
shapes differ (averaging those would be meaningless).
"""
from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

from ..errors import UserError


def parse_ingredient(text: str) -> tuple[Path, float]:
    """`DIR` or `DIR:WEIGHT` (weight > 0; default 1)."""
    path, sep, weight = text.rpartition(":")
    if not sep or not weight.replace(".", "", 1).isdigit():
        return Path(text), 1.0
    w = float(weight)
    if w <= 0:
        raise UserError(f"soup: the weight of {path} must be positive, got {weight}")
    return Path(path), w


def make_soup(out: str | Path, ingredients: list[tuple[Path, float]]) -> Path:
    if len(ingredients) < 2:
        raise UserError("soup: give at least two bundles")
    for d, _ in ingredients:
        if not (d / "model.safetensors").is_file():
            raise UserError(f"soup: {d} is not a bundle (no model.safetensors)")
    first = ingredients[0][0]
    tok = (first / "tokenizer.json").read_bytes() if (first / "tokenizer.json").is_file() else None
    total = sum(w for _, w in ingredients)
    acc: dict[str, torch.Tensor] = {}
    dtypes: dict[str, torch.dtype] = {}
    for d, w in ingredients:
        if tok is not None and (d / "tokenizer.json").read_bytes() != tok:
            raise UserError(f"soup: {d} has another tokenizer than {first}")
        sd = load_file(d / "model.safetensors")
        if acc and (set(sd) != set(acc) or any(sd[k].shape != acc[k].shape for k in sd)):
            raise UserError(f"soup: {d} has other tensors than {first} (another architecture)")
        for k, t in sd.items():
            dtypes.setdefault(k, t.dtype)
            acc[k] = acc.get(k, 0) + (w / total) * t.float()
    with safe_open(first / "model.safetensors", "pt") as f:
        metadata = dict(f.metadata() or {})
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(first, tmp)
    save_file({k: v.to(dtypes[k]).contiguous() for k, v in acc.items()}, tmp / "model.safetensors",
              metadata=metadata or None)
    meta_path = tmp / "meta.json"
    meta = json.loads(meta_path.read_text()) if meta_path.is_file() else {}
    meta["soup"] = [{"bundle": str(d), "weight": round(w / total, 6),
                     "step": json.loads((d / "meta.json").read_text()).get("step") if (d / "meta.json").is_file()
                     else None} for d, w in ingredients]
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="output bundle directory (replaced)")
    ap.add_argument("ingredients", nargs="+", help="bundle directories, each optionally :WEIGHT (default 1)")
    a = ap.parse_args(argv)
    try:
        out = make_soup(a.out, [parse_ingredient(s) for s in a.ingredients])
    except UserError as e:
        ap.exit(2, f"error: {e}\n")
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
