"""The structure checks of style.md, run on the real source tree.

Data flows one way (sources -> parsers -> model -> replay / publish), the
adapters import the core and never the other way round, and modules and
functions stay small enough to read.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import harness

PACKAGE = Path(harness.__file__).parent

# What each layer may import from harness itself. A module's layer is the first
# matching prefix; anything not listed may import nothing of harness.
ALLOWED: dict[str, set[str]] = {
    "harness.model": {"harness.codec"},
    "harness.codec": set(),
    "harness.results": {"harness.model"},
    "harness.sourcefiles": set(),
    "harness.parsers": {"harness.model", "harness.parsers", "harness.sourcefiles"},
    "harness.server": {"harness.server"},
    "harness.config": {"harness.model", "harness.parsers", "harness.config_types", "harness.config_keys",
                       "harness.config_file"},
    "harness.config_types": {"harness.model", "harness.parsers", "harness.config_file"},
    "harness.config_keys": {"harness.parsers"},
    "harness.replay": {"harness.model", "harness.results", "harness.parsers", "harness.config", "harness.replay",
                       "harness.server", "harness.report.redact", "harness.sourcefiles"},
    "harness.report": {"harness.model", "harness.results", "harness.report", "harness.sourcefiles"},
    "harness.publish": {"harness.model", "harness.results", "harness.report", "harness.publish"},
    "harness.sphinx": {"harness.model", "harness.results", "harness.parsers", "harness.publish", "harness.report",
                       "harness.sphinx", "harness.sourcefiles"},
    "harness.testing": {"harness.server", "harness.model"},
}
# adapters: may import the whole core
ADAPTERS = ("harness.cli", "harness.commands", "harness.pytest_plugin", "harness.__main__", "harness")

# third-party imports a layer must not make
FORBIDDEN_THIRD_PARTY: dict[str, set[str]] = {
    "harness.model": {"requests", "lxml", "docutils", "sphinx", "pytest"},
    "harness.results": {"requests", "lxml", "docutils", "sphinx", "pytest"},
    "harness.parsers": {"requests", "sphinx", "pytest"},
    "harness.report": {"requests", "sphinx"},
    "harness.publish": {"requests"},
    "harness.sphinx": {"requests"},
    "harness.server": {"requests", "sphinx", "docutils", "lxml"},
}


def modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        yield ".".join(parts), path


def imported_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def layer_of(module: str) -> str | None:
    for prefix in sorted(ALLOWED, key=len, reverse=True):
        if module == prefix or module.startswith(prefix + "."):
            return prefix
    return None


def _within(name: str, allowed: set[str]) -> bool:
    return any(name == a or name.startswith(a + ".") for a in allowed)


@pytest.mark.parametrize("module,path", list(modules()), ids=lambda v: str(v) if isinstance(v, str) else "")
def test_imports_flow_one_way(module: str, path: Path) -> None:
    if module in ADAPTERS or module.startswith(("harness.commands.", "harness.cli")):
        return
    layer = layer_of(module)
    # ``from harness import __version__`` is allowed everywhere: the package root only re-exports data
    harness_imports = {n for n in imported_names(path) if n.startswith("harness.") and n != "harness.__version__"}
    allowed = ALLOWED.get(layer, set()) if layer else set()
    # importing a name that is a module attribute (from harness.model import Span) shows up as
    # both "harness.model" and "harness.model.Span": check the module form only
    back_arrows = sorted(n for n in harness_imports if not _within(n, allowed) and not _within(n.rsplit(".", 1)[0], allowed))
    assert not back_arrows, f"{module} ({layer}) imports {back_arrows}; allowed: {sorted(allowed)}"


@pytest.mark.parametrize("module,path", list(modules()), ids=lambda v: str(v) if isinstance(v, str) else "")
def test_no_forbidden_third_party(module: str, path: Path) -> None:
    layer = layer_of(module)
    forbidden = FORBIDDEN_THIRD_PARTY.get(layer or "", set())
    used = {n.split(".")[0] for n in imported_names(path)}
    assert not (used & forbidden), f"{module} imports {sorted(used & forbidden)}"


@pytest.mark.parametrize("name", ["model.py", "codec.py", "results.py"])
def test_model_imports_only_the_standard_library(name: str) -> None:
    used = {n.split(".")[0] for n in imported_names(PACKAGE / name) if not n.startswith("harness")}
    assert used <= set(sys.stdlib_module_names) | {"__future__"}, used
    assert "Callable" not in (PACKAGE / "model.py").read_text(encoding="utf-8")


@pytest.mark.parametrize("module,path", list(modules()), ids=lambda v: str(v) if isinstance(v, str) else "")
def test_modules_and_functions_stay_small(module: str, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n") + 1
    assert lines <= 420, f"{module} has {lines} lines; split it along the domain (style.md §12)"
    long_functions = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > 65
    ]
    assert not long_functions, f"{module}: {long_functions}"


def test_no_utils_modules_and_thin_init_files() -> None:
    assert not [p for p in PACKAGE.rglob("*util*.py")], "name modules after the domain, not utils"
    for init in PACKAGE.rglob("__init__.py"):
        tree = ast.parse(init.read_text(encoding="utf-8"))
        defs = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))
                and n.name != "__getattr__"]  # a module __getattr__ re-exports lazily (PEP 562)
        if init.parent.name == "parsers":
            continue  # the suffix -> parser registry is the package's entry point
        assert not defs, f"{init}: __init__ holds only re-exports, found {[d.name for d in defs]}"


def test_public_api_is_small_and_explicit() -> None:
    assert 5 <= len(harness.__all__) <= 14
    for name in harness.__all__:
        assert hasattr(harness, name), name


def test_replay_writes_nothing_to_stdout() -> None:
    for path in (PACKAGE / "replay").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print"]
        assert not calls, f"{path.name} prints; the runner returns data and reports render it"
        assert "sys.stdout" not in path.read_text(encoding="utf-8"), path.name
