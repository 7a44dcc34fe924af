"""docs/stress.md documents every public function and class of the pure stress-test modules."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest

DOC = (Path(__file__).resolve().parents[1] / "docs" / "stress.md").read_text(encoding="utf-8")
MODULES = ["iomath", "tables", "nbs", "employment", "regionalise", "ario", "sizes", "scenarios", "scenario_schema",
           "scenario_run", "scenario_result", "demo_table"]  # fmt: skip


@pytest.mark.parametrize("name", MODULES)
def test_public_names_are_documented(name: str) -> None:
    module = importlib.import_module(f"kaifang.stress.{name}")
    assert f"kaifang/stress/{name}.py" in DOC
    public = [
        n
        for n, obj in vars(module).items()
        if not n.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and getattr(obj, "__module__", "") == module.__name__
    ]
    assert public, name
    missing = [n for n in public if f"`{n}" not in DOC]
    assert not missing, f"{name}: undocumented {missing}"
