"""Stress-test scenarios as data — the public API (pure: no Django).

A scenario (YAML, :mod:`kaifang.stress.scenario_schema`) is translated into model inputs and run on an
:class:`~kaifang.stress.tables.IOTable` by the static Leontief/Ghosh models and the ARIO model
(:mod:`kaifang.stress.scenario_run`); the :class:`ScenarioResult` stores the table and method it used
(:mod:`kaifang.stress.scenario_result`). The scenario library (``kaifang/stress/library/*.yaml``) holds the risks the
report names, each with its ``source`` passage, in NBS 42-sector codes::

    from kaifang.stress.scenarios import library, run_scenario
    from kaifang.stress.demo_table import demo_bazhong_table

    table, _ = demo_bazhong_table()
    result = run_scenario(table, library()["tariff_us"])
    result.totals["va_loss"], result.sectors.nlargest(5, "ario_production_loss")
"""

from __future__ import annotations

from pathlib import Path

from kaifang.stress.scenario_result import ScenarioResult, compare, recovery_day, to_workbook
from kaifang.stress.scenario_run import check_against, profile, run_scenario, translate
from kaifang.stress.scenario_schema import (
    KIND_NAMES,
    KINDS,
    SHOCK_TYPES,
    Scenario,
    ScenarioError,
    Shock,
    dump_scenario,
    load_scenario,
    scenario_dict,
)

__all__ = [
    "KINDS",
    "KIND_NAMES",
    "LIBRARY_DIR",
    "SHOCK_TYPES",
    "Scenario",
    "ScenarioError",
    "ScenarioResult",
    "Shock",
    "check_against",
    "compare",
    "dump_scenario",
    "library",
    "load_scenario",
    "profile",
    "read_scenario",
    "recovery_day",
    "run_scenario",
    "scenario_dict",
    "to_workbook",
    "translate",
]

LIBRARY_DIR = Path(__file__).resolve().parent / "library"


def read_scenario(path: str | Path) -> Scenario:
    """A scenario file; errors are located as ``FILE, line N, field``."""
    path = Path(path)
    return load_scenario(path.read_text(encoding="utf-8"), where=path.name)


def library() -> dict[str, Scenario]:
    """The scenario library by key, in file-name order (the report's risks, NBS 42-sector codes)."""
    out: dict[str, Scenario] = {}
    for path in sorted(LIBRARY_DIR.glob("*.yaml")):
        s = read_scenario(path)
        out[s.key] = s
    return out
