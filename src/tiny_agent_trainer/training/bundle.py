"""Turn a training checkpoint into a shippable model bundle: fp16 safetensors weights, the
tokenizer, the resolved config and a meta.json with provenance. No optimizer state.

`python -m tiny_agent_trainer.training.bundle CKPT OUT [--dtype fp16|bf16|fp32] [--which best|latest]`:
CKPT is a checkpoint directory or a run directory (then its `best` pointer, or with `--which latest`
the final weights, which time-budgeted runs anneal to).
This module does NOT choose which checkpoint is best (the run's `best` pointer does).
"""
from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from . import checkpoint as ckpt

DTYPES = {"fp16": torch.float16, "bf16": torch.bfloat16, "fp32": torch.float32}


def make_bundle(src: str | Path, out: str | Path, dtype: str = "fp16", extra_meta: dict | None = None,
                which: str = "best") -> Path:
    src = ckpt.resolve(src, "best") if which == "best" and (Path(src) / "best").is_file() else ckpt.resolve(src)
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    weights = {k: (v.to(DTYPES[dtype]) if v.is_floating_point() else v) for k, v in load_file(str(src / ckpt.WEIGHTS)).items()}
    save_file(weights, str(tmp / ckpt.WEIGHTS), metadata={"format": "pt", "dtype": dtype})
    for name in (ckpt.TOKENIZER, ckpt.CONFIG):
        shutil.copy2(src / name, tmp / name)
    meta = json.loads((src / ckpt.META).read_text()) if (src / ckpt.META).is_file() else {}
    meta.update({"source_checkpoint": src.name, "dtype": dtype, **(extra_meta or {})})
    (tmp / ckpt.META).write_text(json.dumps(meta, indent=2, sort_keys=True))
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkpoint")
    ap.add_argument("out")
    ap.add_argument("--dtype", default="fp16", choices=DTYPES)
    ap.add_argument("--which", default="best", choices=("best", "latest"),
                    help="for a run directory: its best checkpoint (default) or its final one")
    a = ap.parse_args(argv)
    p = make_bundle(a.checkpoint, a.out, a.dtype, which=a.which)
    print(f"bundle written to {p} ({(p / ckpt.WEIGHTS).stat().st_size / 2**20:.1f} MiB weights)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
