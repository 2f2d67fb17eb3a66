"""`tiny-agent-trainer show NAME|PATH`: print a resolved configuration (defaults filled in).

NAME is `config/NAME.toml` (or a path); `engine` shows the engine config; a preset name shows the
defaults with that preset applied. Output is TOML (`--comments` for the help text) or `--json`.
This module does NOT modify any file.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("show", help="print a resolved configuration (defaults filled in)",
                       description="Print a task or engine configuration with every default filled in.")
    p.add_argument("name", metavar="NAME|PATH", help="config name (config/NAME.toml), a path, 'engine', or a preset")
    p.add_argument("--preset", help="apply a preset on top (tiny, small, base)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="SECTION.KEY=VALUE",
                   help="override a value (repeatable)")
    p.add_argument("--config-dir", default="config", help="where NAME is looked up (default: %(default)s)")
    p.add_argument("--comments", action="store_true", help="include the help text of every key")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def resolve(name: str, preset: str | None, overrides: list[str], config_dir: str):
    """(config object, where it came from) for a name, path, 'engine' or preset name."""
    from .. import config as C

    ov = dict(C.parse_override(o) for o in overrides)
    path = C.resolve_config(name, config_dir)
    if path is not None:
        data, _ = C._read_toml(path)
        if C.config_kind(data) == "engine" or (not data and path.stem == "engine"):
            if preset or ov:
                raise UserError(f"{path}: --preset and --set apply to task configs, not the engine config")
            return C.load_engine_config(path), str(path)
        return C.load_task_config(path, preset=preset, overrides=ov or None), str(path)
    if name == "engine":
        return C.EngineConfig(), "defaults"
    if name in C.preset_names() and not Path(name).suffix:
        if preset and preset != name:
            raise UserError(f"'{name}' is a preset; give either NAME or --preset, not both")
        return C.load_task_config(None, preset=name, overrides=ov or None), f"preset '{name}'"
    if name in ("default", "defaults"):
        return C.load_task_config(None, preset=preset, overrides=ov or None), "defaults"
    known = [p.stem for p in Path(config_dir).glob("*.toml")] + C.preset_names()
    hint = C._suggest(name, known) if known else ""
    raise UserError(f"no config '{name}': not a file, not {Path(config_dir) / (name + '.toml')}, not a preset{hint}")


def run(args) -> int:
    from .. import config as C

    cfg, origin = resolve(args.name, args.preset, args.overrides, args.config_dir)
    if args.json:
        print(json.dumps({"source": origin, "preset": args.preset, "config": C.to_dict(cfg)}, indent=2))
    else:
        print(f"# resolved from {origin}" + (f" + preset '{args.preset}'" if args.preset else ""))
        print(C.to_toml(cfg, comments=args.comments), end="")
    return 0
