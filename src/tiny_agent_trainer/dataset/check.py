"""Reading and checking dataset files: JSONL records (built shards) and task TOML files (curated
pairs, paraphrase benchmark). Every problem names the file and the record (line number or task
index, and id), and says why: malformed line, missing field, bad buffer spec, invalid WGSL,
wrong result against the oracle.
This module does NOT build or modify data; `check_files` runs shaders via `verify.py`.
"""
from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..spec import SpecError, parse_task

try:
    from ..errors import UserError
except ImportError:  # pragma: no cover
    class UserError(Exception):
        pass


@dataclass
class Problem:
    file: str
    record: str  # "line 12" / "task #3"
    id: str | None
    reason: str

    def __str__(self) -> str:
        rid = f" ({self.id})" if self.id else ""
        return f"{self.file}: {self.record}{rid}: {self.reason}"


def _iter_raw(path: Path) -> Iterator[tuple[str, dict | None, str | None]]:
    """(where, raw dict or None, error or None) for each record of a JSONL or TOML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except UnicodeDecodeError as e:
        raise UserError(f"{path}: not UTF-8 ({e.reason} at byte {e.start})") from None
    if path.suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise UserError(f"{path}: TOML error: {e}") from None
        tasks = data.get("task")
        if not isinstance(tasks, list) or not tasks:
            raise UserError(f"{path}: no [[task]] tables")
        for k, t in enumerate(tasks):
            yield f"task #{k}", t if isinstance(t, dict) else None, None if isinstance(t, dict) else "not a table"
        return
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            yield f"line {n}", None, f"not valid JSON ({e.msg} at column {e.colno})"
            continue
        if not isinstance(rec, dict):
            yield f"line {n}", None, f"a record must be a JSON object, got {type(rec).__name__}"
            continue
        yield f"line {n}", rec, None


def validate_record(rec: dict) -> str | None:
    """None if `rec` is a well-formed task record, else the reason."""
    try:
        parse_task(rec, "record")
    except SpecError as e:
        return re.sub(r"^record(?: '[^']*')?:? ?", "", str(e))
    return None


def read_file(path) -> list[tuple[str, dict]]:
    """All records of a file, strictly: the first malformed record raises UserError (file + record)."""
    path = Path(path)
    out = []
    for where, rec, err in _iter_raw(path):
        rid = rec.get("id") if isinstance(rec, dict) else None
        if err is None:
            err = validate_record(rec)
        if err:
            raise UserError(f"{path}: {where}{f' ({rid})' if isinstance(rid, str) else ''}: {err}")
        out.append((where, rec))
    return out


def check_files(paths, workers: int = 2, execute: bool = True, on_total=None, on_done=None) -> tuple[int, list[Problem]]:
    """Validate (and run against the oracles) every record of `paths`; returns (records, problems)."""
    from .verify import verify_key, verify_many

    problems: list[Problem] = []
    todo: dict[str, dict] = {}
    where_of: dict[str, list[tuple[str, str, str | None]]] = {}
    n = 0
    seen_ids: dict[str, dict[str, str]] = {}
    for p in paths:
        p = Path(p)
        ids = seen_ids.setdefault(str(p), {})
        for where, rec, err in _iter_raw(p):
            n += 1
            rid = rec.get("id") if isinstance(rec, dict) and isinstance(rec.get("id"), str) else None
            if err is None:
                err = validate_record(rec)
            if err is None and not isinstance(rec.get("oracle"), str):
                err = "missing field 'oracle' (NumPy snippet computing the read_write buffers)"
            if err is None and rid in ids:
                err = f"duplicate id (first at {ids[rid]})"
            if err:
                problems.append(Problem(str(p), where, rid, err))
                continue
            ids[rid] = where
            if execute:
                k = verify_key(rec)
                todo.setdefault(k, rec)
                where_of.setdefault(k, []).append((str(p), where, rid))
    if execute and todo:
        if on_total:
            on_total(len(todo))
        verdicts, _ = verify_many(todo, workers=workers, on_done=on_done)
        for k, probs in verdicts.items():
            for f, where, rid in where_of[k]:
                for reason in probs:
                    problems.append(Problem(f, where, rid, reason))
    problems.sort(key=lambda q: (q.file, _order(q.record)))
    return n, problems


def _order(where: str) -> int:
    try:
        return int(where.split()[-1].lstrip("#"))
    except ValueError:
        return 0
