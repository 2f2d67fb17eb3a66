"""Architecture rules: data flows one way through the package (no module imports a later stage),
every module opens with a docstring, modules stay small."""
from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "src" / "tiny_agent_trainer"
# Earlier stages first. Core (errors..templates) is shared by every stage.
ORDER = ["errors", "config", "spec", "gpu", "wgsl", "validation", "templates", "dataset", "tokenizer", "model",
         "training", "inference", "evaluation", "export", "serve", "commands", "cli", "__main__"]


def _stage(mod: str) -> int | None:
    for i, name in enumerate(ORDER):
        if mod == name or mod.startswith(name + "."):
            return i
    return None


def _module(path: Path) -> str:
    rel = path.relative_to(PKG).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _edges():
    for path in sorted(PKG.rglob("*.py")):
        mod = _module(path)
        pkg = mod.split(".") if path.name == "__init__.py" else mod.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level > 0:
                base = pkg[: len(pkg) - (node.level - 1)]
                targets = [".".join(base + [node.module])] if node.module else [".".join(base + [a.name]) for a in node.names]
                for t in targets:
                    yield mod, t
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tiny_agent_trainer."):
                yield mod, node.module.split(".", 1)[1]


def test_no_module_imports_a_later_stage():
    edges = list(_edges())
    assert len(edges) > 50  # the walk really sees the package's imports
    bad = [(a, b) for a, b in edges
           if _stage(a) is not None and _stage(b) is not None and _stage(b) > _stage(a)]
    assert not bad, f"imports against the data flow: {bad}"


def test_every_module_has_a_docstring_and_stays_small():
    for path in PKG.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert ast.get_docstring(ast.parse(text)), f"{path} has no module docstring"
        assert text.count("\n") < 700, f"{path} has {text.count(chr(10))} lines"
