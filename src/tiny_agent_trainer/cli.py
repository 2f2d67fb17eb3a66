"""Command-line entry point: `tiny-agent-trainer <command> ...` (also `python -m tiny_agent_trainer`).

Subcommands live in `tiny_agent_trainer.commands`, one module each, listed in `COMMANDS`. A
module exposes `register(subparsers)`, which adds its parser and `set_defaults(func=run)`, where
`run(args) -> int` is the exit status. A module that does not exist yet is registered by
`commands.placeholders` ("not available yet", exit 2); one that fails to import reports the import
error when used, so one broken command never takes the others down.

Errors: `UserError` and `SpecError` print `error: <message>` and exit 2, KeyboardInterrupt exits
130, anything else prints `error: internal error: ...` and exits 1 (with the traceback under
`-v`). This module does NOT implement any command itself and imports heavy modules lazily.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys
import traceback

from . import __version__
from .errors import UserError

COMMANDS = ("check", "init", "list_configs", "show", "dataset", "train", "generate", "validate",
            "eval", "export", "serve", "report")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tiny-agent-trainer",
        description="Train small transformers that turn English into WGSL compute shaders, "
                    "validate them with naga and run them.")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging; tracebacks for internal errors")
    parser.add_argument("-V", "--version", action="version", version=f"tiny-agent-trainer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    from .commands import placeholders

    for name in COMMANDS:
        modname = f"{__package__}.commands.{name}"
        try:
            mod = importlib.import_module(modname)
        except ModuleNotFoundError as e:
            if e.name == modname:
                placeholders.register(sub, name)
            else:
                placeholders.register_broken(sub, name, e)
            continue
        except Exception as e:  # noqa: BLE001 - keep the other commands usable
            placeholders.register_broken(sub, name, e)
            continue
        mod.register(sub)
    return parser


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    verbose = bool(getattr(args, "verbose", False))
    _setup_logging(verbose)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    from .spec import SpecError

    try:
        return int(func(args) or 0)
    except (UserError, SpecError) as e:
        _err(f"error: {e}")
        if verbose:
            traceback.print_exc()
        return 2
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        # stdout went away (e.g. `| head`); not an error of ours
        try:
            sys.stdout = open("/dev/null", "w")  # noqa: SIM115 - silence the interpreter's flush at exit
        except OSError:
            pass
        return 0
    except SystemExit:
        raise
    except Exception as e:  # noqa: BLE001 - the last line of defence
        if verbose:
            traceback.print_exc()
        _err(f"error: internal error: {type(e).__name__}: {e}" + ("" if verbose else " (run with -v for the traceback)"))
        return 1


def _err(msg: str) -> None:
    try:
        print(msg, file=sys.stderr)
    except Exception:  # noqa: BLE001
        pass


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
