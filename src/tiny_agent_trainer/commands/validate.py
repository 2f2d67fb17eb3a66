"""`tiny-agent-trainer validate FILE... | -`: check WGSL files with naga, compiler style.

Prints `file:line:col: error: message` with the source excerpt for each problem, then whether a
compute entry point exists and its workgroup size. `--deep` (default) also builds the compute
pipeline (entry point `main`, workgroup size within the device limits). `--json` for machines.
Exit status: 0 all valid, 1 any invalid, 2 usage or I/O error (missing file, not UTF-8).
This module does NOT fix or format shaders.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="validate WGSL files with naga",
                       description="Validate WGSL compute shaders with naga; `-` reads standard input. "
                                   "Exit 0 if all are valid, 1 if any is invalid, 2 on usage or I/O errors.")
    p.add_argument("files", nargs="+", metavar="FILE", help="WGSL file(s), or - for stdin")
    p.add_argument("--deep", action=argparse.BooleanOptionalAction, default=True,
                   help="also build the compute pipeline: entry point `main`, workgroup size limits (default: on)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("-q", "--quiet", action="store_true", help="only print problems")
    p.set_defaults(func=run)


def _read(name: str) -> str:
    if name == "-":
        data = sys.stdin.buffer.read()
        label = "<stdin>"
    else:
        path = Path(name)
        if path.is_dir():
            raise UserError(f"{name}: is a directory")
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise UserError(f"{name}: no such file") from None
        except OSError as e:
            raise UserError(f"{name}: cannot read ({e.strerror})") from None
        label = name
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise UserError(f"{label}: not UTF-8 ({e.reason} at byte {e.start})") from None


def excerpt(source: str, line: int | None, column: int | None) -> str:
    """The source line with a caret under the column (compiler style)."""
    lines = source.splitlines()
    if not line or line > len(lines):
        return ""
    text = lines[line - 1]
    out = f"{line:>5} | {text}\n"
    if column:
        out += "      | " + " " * (column - 1) + "^\n"
    return out


def run(args) -> int:
    from ..validation import validate

    if args.files.count("-") > 1:
        raise UserError("'-' (stdin) can be given only once")
    sources = [(("<stdin>" if f == "-" else f), _read(f)) for f in args.files]  # all I/O errors first
    results = [(name, src, validate(src, deep=args.deep)) for name, src in sources]
    bad = sum(not r.ok for _, _, r in results)
    if args.json:
        print(json.dumps({"ok": bad == 0, "deep": args.deep,
                          "files": [{"file": name, **r.to_dict()} for name, _, r in results]}, indent=2))
        return 1 if bad else 0
    for name, src, r in results:
        for d in r.diagnostics:
            loc = f"{name}:{d.line}:{d.column}" if d.line else name
            print(f"{loc}: error: {d.message}")
            print(excerpt(src, d.line, d.column), end="")
        if not args.quiet or not r.ok:
            status = "ok" if r.ok else "INVALID"
            entry = f"entry point `{r.entry_point}`" if r.entry_point else "no @compute entry point"
            wg = f", workgroup size {r.workgroup_size[0]}x{r.workgroup_size[1]}x{r.workgroup_size[2]}" \
                if r.workgroup_size else ""
            print(f"{name}: {status}: {entry}{wg}")
    if len(results) > 1 and not args.quiet:
        print(f"{len(results) - bad} of {len(results)} valid")
    return 1 if bad else 0
