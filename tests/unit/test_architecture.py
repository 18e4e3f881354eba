"""The layer rules: which package may import what, read from the parsed source.

ruff enforces the banned imports of each layer (its `<layer>/ruff.toml`); these tests keep those
files in step with the table below and check what a ban on imports cannot say.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT

PLATFORMS = frozenset({"discord", "slack_bolt", "slack_sdk"})
# What each layer may never import (a module and everything under it).
BANNED: dict[str, frozenset[str]] = {
    "bot": PLATFORMS | {"sqlalchemy"},
    "bot/store": PLATFORMS,
    "adapters": frozenset({"bot.store", "sqlalchemy"}),
    "scheduler": PLATFORMS | {"adapters", "bot.store", "sqlalchemy"},
}
# The core's own way to the database and its sessions; callers go through the use cases instead.
SESSION_ATTRIBUTES = frozenset({"unit_of_work", "reading", "sessions"})


def sources(layer: str) -> list[Path]:
    """Every Python file of a top-level package, migrations included."""
    return sorted((ROOT / layer).rglob("*.py"))


def imports(path: Path) -> list[tuple[str, bool]]:
    """(absolute module name, whether at module level) for every import in the file at `path`."""
    package = ".".join(path.relative_to(ROOT).parts[:-1])  # a module's package, or an __init__'s own
    return imports_in(path.read_text(encoding="utf-8"), package)


def imports_in(source: str, package: str) -> list[tuple[str, bool]]:
    """(absolute module name, whether at module level) for every import in `source`, at any depth.

    Relative imports are resolved against `package`; `from a import b` gives both `a` and `a.b`,
    since `b` may be a module.
    """
    tree = ast.parse(source)
    top_level = {id(node) for node in tree.body}
    found: list[tuple[str, bool]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, id(node) in top_level) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = parts[: len(parts) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.append((module, id(node) in top_level))
            found += [(f"{module}.{alias.name}", id(node) in top_level) for alias in node.names]
    return found


def within(module: str, names: frozenset[str]) -> bool:
    """Whether `module` is one of `names` or inside one of them."""
    return any(module == name or module.startswith(f"{name}.") for name in names)


@pytest.mark.parametrize("layer", sorted(BANNED))
def test_ruff_bans_what_the_layer_may_not_import(layer: str) -> None:
    """The layer's ruff.toml extends the project's settings and bans exactly the table's modules."""
    config = tomllib.loads((ROOT / layer / "ruff.toml").read_text(encoding="utf-8"))
    assert config["extend"] == "../" * len(Path(layer).parts) + "pyproject.toml"
    assert set(config["lint"]["flake8-tidy-imports"]["banned-api"]) == BANNED[layer]


def test_ruff_checks_banned_imports() -> None:
    """The project's ruff settings select the tidy-imports rules, so the bans are enforced."""
    lint = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["ruff"]["lint"]
    assert "TID" in lint["select"]
    assert not {"TID", "TID251", "TID253"} & set(lint.get("ignore", []))


# The one core module that may load each outer package, and only inside a function: the CLI starts
# the adapters it runs, the composition root builds the scheduler.
LOADED_BY = {"adapters": ROOT / "bot" / "cli.py", "scheduler": ROOT / "bot" / "bootstrap.py"}


@pytest.mark.parametrize("package", sorted(LOADED_BY))
def test_only_one_core_module_loads_each_outer_package(package: str) -> None:
    """In the core only bot/cli.py imports an adapter and only bot/bootstrap.py the scheduler, never at module level."""
    found = [
        f"{path.relative_to(ROOT)} imports {module}" + (" at module level" if top else "")
        for path in sources("bot")
        for module, top in imports(path)
        if within(module, frozenset({package})) and (top or path != LOADED_BY[package])
    ]
    assert found == []


@pytest.mark.parametrize("layer", ["adapters", "scheduler"])
def test_callers_never_open_a_session(layer: str) -> None:
    """Adapters and the scheduler never use the core's unit of work, batch store or session factory."""
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno} uses .{node.attr}"
        for path in sources(layer)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr in SESSION_ATTRIBUTES
    ]
    assert found == []


def test_import_reader_sees_nested_and_relative_imports() -> None:
    """Imports inside functions count (as not at module level), and relative ones are resolved."""
    source = "from . import render\n\n\ndef f() -> None:\n    from bot.store import db\n"
    assert imports_in(source, "adapters.slack") == [
        ("adapters.slack", True),
        ("adapters.slack.render", True),
        ("bot.store", False),
        ("bot.store.db", False),
    ]
