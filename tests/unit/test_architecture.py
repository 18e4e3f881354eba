"""Invariants of the shape: the core knows no platform, adapters open no database sessions."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports by name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_imports_no_platform_library() -> None:
    """Nothing under bot/ imports discord or slack packages."""
    for path in (ROOT / "bot").rglob("*.py"):
        for module in imported_modules(path):
            root = module.split(".")[0]
            assert root not in ("discord", "slack_bolt", "slack_sdk"), f"{path} imports {module}"


def test_core_imports_no_adapter() -> None:
    """The core does not import adapters (the CLI loads them by name at run time)."""
    for path in (ROOT / "bot").rglob("*.py"):
        assert not any(m.startswith("adapters") for m in imported_modules(path)) or path.name == "cli.py", path


def test_adapters_never_touch_sessions_or_models() -> None:
    """Adapters import neither SQLAlchemy nor the store's models."""
    for path in (ROOT / "adapters").rglob("*.py"):
        for module in imported_modules(path):
            assert not module.startswith("sqlalchemy"), f"{path} imports {module}"
            assert not module.startswith("bot.store.models"), f"{path} imports {module}"


def test_adapters_never_open_a_unit_of_work() -> None:
    """Adapters reach the database only through the core's use cases."""
    for path in (ROOT / "adapters").rglob("*.py"):
        assert "unit_of_work" not in path.read_text(encoding="utf-8"), path
