"""Stand-ins for commands whose module does not exist yet (or fails to import).

`register(sub, name)` adds a parser that accepts anything and answers "`<name>` is not available
yet" with exit status 2. `register_broken(sub, name, exc)` does the same for a module that exists
but cannot be imported, naming the error. This module does NOT implement any command.
"""
from __future__ import annotations

import argparse

from ..errors import UserError

_NAMES = {"list_configs": "list"}


def _add(sub: argparse._SubParsersAction, name: str, help: str, message: str) -> None:
    cmd = _NAMES.get(name, name)
    p = sub.add_parser(cmd, help=help, add_help=False, prefix_chars="\x01")  # accept any arguments
    p.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)

    def run(args) -> int:
        raise UserError(message)

    p.set_defaults(func=run)


def register(sub: argparse._SubParsersAction, name: str) -> None:
    cmd = _NAMES.get(name, name)
    _add(sub, name, "(not available yet)", f"`{cmd}` is not available yet")


def register_broken(sub: argparse._SubParsersAction, name: str, exc: BaseException) -> None:
    cmd = _NAMES.get(name, name)
    _add(sub, name, "(failed to load)", f"`{cmd}` could not be loaded: {type(exc).__name__}: {exc}")
