"""`tiny-agent-trainer init`: write commented default configs (`engine.toml`, `wgsl_generation.toml`).

The files are generated from the dataclasses in `config.py`, so they list every key with its help,
choices, range and default. Existing files are kept unless `--force` (exit 2 otherwise).
This module does NOT create data, models or other directories.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="write default engine and task configs with comments",
                       description="Write config/engine.toml and config/wgsl_generation.toml (every key, "
                                   "commented with its meaning and default).")
    p.add_argument("--dir", default="config", help="directory to write into (default: %(default)s)")
    p.add_argument("--force", action="store_true", help="overwrite existing files")
    p.set_defaults(func=run)


def run(args) -> int:
    from .. import config as C

    d = Path(args.dir)
    files = {d / "engine.toml": C.to_toml(C.EngineConfig()), d / "wgsl_generation.toml": C.to_toml(C.TaskConfig())}
    existing = [str(p) for p in files if p.exists()]
    if existing and not args.force:
        raise UserError(f"{', '.join(existing)} already exist(s); use --force to overwrite")
    if d.exists() and not d.is_dir():
        raise UserError(f"{d} exists and is not a directory")
    try:
        d.mkdir(parents=True, exist_ok=True)
        for path, text in files.items():
            path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise UserError(f"cannot write to {d}: {e.strerror}") from None
    for path in files:
        print(f"wrote {path}")
    return 0
