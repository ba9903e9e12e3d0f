"""The edges go through the services: the API and the views import no models and not each other.

Read from the source with ``ast``, so a new import that breaks the rule fails here, whatever the
code path that would run it.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

TRACKER = Path(__file__).resolve().parent.parent / "tracker"
EDGES = {"api": "tracker.views", "views": "tracker.api"}  # each edge and the one it must not import


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(TRACKER.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return _imports_in(path.read_text(), package)


def _imports_in(source: str, package: str) -> list[tuple[int, str]]:
    """Every module some source in ``package`` imports, as absolute dotted names, with the line
    (``from . import x`` gives both ``package`` and ``package.x``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def _edge_files():
    for edge in EDGES:
        for path in sorted((TRACKER / edge).rglob("*.py")):
            yield pytest.param(edge, path, id=str(path.relative_to(TRACKER)))


def _is(module: str, forbidden: str) -> bool:
    return module == forbidden or module.startswith(forbidden + ".")


@pytest.mark.parametrize(("edge", "path"), list(_edge_files()))
def test_the_api_and_the_views_import_no_models_and_not_each_other(edge, path):
    wrong = [
        f"{path.relative_to(TRACKER.parent)}:{line} imports {module}"
        for line, module in _imports(path)
        if _is(module, "tracker.models") or _is(module, EDGES[edge])
    ]
    assert not wrong, "\n".join(wrong)


def test_the_rule_sees_relative_and_nested_imports():
    """The check itself: relative imports, and imports inside functions, are resolved and caught."""
    source = "from ..models import User\ndef f():\n    from .. import models\n    from ..api import schemas\n"
    modules = [module for _line, module in _imports_in(source, "tracker.views")]
    assert "tracker.models" in modules and "tracker.models.User" in modules
    assert "tracker.models" in [m for m in modules if m.endswith("models")]
    assert "tracker.api" in modules and "tracker.api.schemas" in modules
