"""The rules of the code's shape that import-linter (``.importlinter``) cannot see."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "pathways"


def _app_of(path: Path) -> str:
    parts = path.relative_to(SRC).parts
    return parts[0] if len(parts) > 1 else ""


def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, a.name, []) for a in node.names)
    return found


def test_no_app_imports_another_apps_private_names() -> None:
    """A name starting with ``_`` is its module's own; another app uses what the
    module offers in public (a helper another app needs is made public and named for
    what it does)."""
    offending = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        own = _app_of(path)
        for line, module, names in _imports(path):
            parts = module.split(".")
            if parts[0] != "pathways" or len(parts) < 2 or parts[1] == own:
                continue
            private = [n for n in names if n.startswith("_")]
            private += [p for p in parts[2:] if p.startswith("_") and not p.startswith("__")]
            if private:
                offending.append(f"{path.relative_to(SRC)}:{line} {module} {private}")
    assert offending == []


def test_the_checker_sees_a_private_import(tmp_path: Path) -> None:
    """The check above can fail: it finds a private name in an import like the ones
    it reads."""
    sample = tmp_path / "sample.py"
    sample.write_text("from pathways.people.views import _form_page\n")
    assert _imports(sample) == [(1, "pathways.people.views", ["_form_page"])]
