"""`tiny-agent-trainer list`: the configurations in `./config/*.toml` and the built-in presets.

Each config file is classified (task, engine, or skipped as not a config, e.g. a data file) and
checked; problems are shown rather than raised. `--json` for machines. This module does NOT
modify any file.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("list", help="list configurations (./config/*.toml) and presets",
                       description="List the configuration files in the config directory and the built-in presets.")
    p.add_argument("--config-dir", default="config", help="directory to scan (default: %(default)s)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def collect(config_dir: str | Path) -> dict:
    from .. import config as C
    from ..errors import UserError

    configs = []
    for path in sorted(Path(config_dir).glob("*.toml")):
        entry = {"name": path.stem, "path": str(path), "kind": None, "ok": True, "error": None}
        try:
            data, _ = C._read_toml(path)
            entry["kind"] = C.config_kind(data)
            if entry["kind"] == "task":
                cfg = C.load_task_config(path)
                entry["summary"] = (f"d_model={cfg.model.d_model} layers={cfg.model.num_encoder_layers}+"
                                    f"{cfg.model.num_layers} vocab={cfg.tokenizer.vocab_size}")
            elif entry["kind"] == "engine":
                C.load_engine_config(path)
        except UserError as e:
            entry.update(ok=False, error=str(e))
        if entry["kind"] is None and entry["ok"]:
            continue  # not a config (e.g. training data in TOML)
        configs.append(entry)
    presets = []
    for name in C.preset_names():
        text = C.preset_text(name)
        first = next((ln.lstrip("# ").strip() for ln in text.splitlines() if ln.startswith("#")), "")
        presets.append({"name": name, "description": first})
    return {"config_dir": str(config_dir), "configs": configs, "presets": presets}


def run(args) -> int:
    info = collect(args.config_dir)
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    if not Path(args.config_dir).is_dir():
        print(f"no {args.config_dir}/ directory (run `tiny-agent-trainer init`)")
    elif not info["configs"]:
        print(f"no configs in {args.config_dir}/ (run `tiny-agent-trainer init`)")
    else:
        print(f"configs in {args.config_dir}/:")
        for c in info["configs"]:
            status = c.get("summary", "") if c["ok"] else f"INVALID: {c['error']}"
            print(f"  {c['name']:<20} {c['kind'] or '?':<7} {status}")
    print("presets (use --preset NAME):")
    for p in info["presets"]:
        print(f"  {p['name']:<20} {p['description']}")
    return 0
