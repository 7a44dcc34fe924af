"""Checking catalog entries — the rules :func:`~kaifang.catalog.schema.load_catalog` and
:func:`~kaifang.catalog.schema.validate` share.

Each check reports to an :class:`~kaifang.catalog.entries.Issues` list rather than raising, so one
pass finds every problem.  Entries are checked on their own first (required fields, lengths, code
format, duplicates, unit/frequency/dimension/direction, department, formula syntax), then against
each other (unknown parents, parent cycles, parent/child unit kinds, unknown or own codes in
formulas, formula cycles, formula units via :func:`kaifang.catalog.formula.check_units`, and a
derived indicator more frequent than its inputs).

This module is pure Python (no Django).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from kaifang.catalog.entries import (
    DEPARTMENT_FIELDS,
    FREQUENCY_RANK,
    REQUIRED_FIELDS,
    CatalogIssue,
    Department,
    IndicatorSpec,
    Issues,
    normalize_dimension,
    normalize_direction,
    normalize_frequency,
)
from kaifang.catalog.formula import CODE_RE, Formula, FormulaError, check_units, find_cycles, parse
from kaifang.catalog.yaml_nodes import RawEntry
from kaifang.core.units import UNITS, UnitError, normalize_unit

__all__ = ["check_departments", "check_indicators"]

#: Column widths of the database tables the catalog is loaded into.
_MAX_LENGTHS = {"code": 40, "name_zh": 80, "name_en": 160, "unit": 16, "source": 200, "formula": 300}
_DEPARTMENT_CODE_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")


def check_departments(entries: list[RawEntry], issues: Issues) -> list[Department]:
    """Check department entries; returns one :class:`Department` per distinct code, in file order."""
    departments: list[Department] = []
    first_row: dict[str, int] = {}
    for entry in entries:
        f = entry.fields
        code = f.get("code")
        for name in DEPARTMENT_FIELDS:
            if not f.get(name):
                issues.add(entry.row, code, name, f"部门缺少必填字段 {name}", f"department is missing {name}")
        if code is None:
            continue
        if not _DEPARTMENT_CODE_RE.match(code):
            issues.add(
                entry.row, code, "code", "部门代码须为小写英文字母、数字和下划线（如 culture_tourism）",
                "department code must be lower_snake_case ASCII",
            )  # fmt: skip
        if code in first_row:
            issues.add(
                entry.row, code, "code", f"部门代码 {code} 重复，首次出现在第{first_row[code]}行",
                f"duplicate department code {code}, first defined on line {first_row[code]}",
            )  # fmt: skip
            continue
        first_row[code] = entry.row
        departments.append(Department(code, f.get("name_zh") or "", f.get("name_en") or "", entry.row))
    return departments


def _normalise_field(entry: RawEntry, code: str | None, name: str, issues: Issues) -> str | None:
    """Normalise one enumerated field in place; report and return ``None`` when invalid."""
    raw = entry.fields.get(name)
    if raw is None:
        return None
    try:
        if name == "unit":
            value = normalize_unit(raw)
        elif name == "frequency":
            value = normalize_frequency(raw)
        elif name == "dimension":
            value = normalize_dimension(raw)
        else:
            value = normalize_direction(raw)
    except (UnitError, ValueError) as exc:
        issues.append(CatalogIssue(entry.row, code, name, str(exc)))
        return None
    entry.fields[name] = value
    return value


def check_indicators(entries: list[RawEntry], department_codes: set[str], issues: Issues) -> list[IndicatorSpec]:
    """Check indicator entries, alone and against each other; one :class:`IndicatorSpec` per entry.

    Valid unit, frequency, dimension and direction values are normalised in ``entries`` in place.
    """
    first_row: dict[str, int] = {}
    unique: dict[str, RawEntry] = {}  # first occurrence of each code
    own_unit: dict[int, str] = {}  # entry index -> valid unit symbol
    parsed: dict[int, Formula] = {}  # entry index -> parsed formula

    # Pass 1: each entry on its own.
    for i, entry in enumerate(entries):
        f = entry.fields
        code = f.get("code")
        for name in REQUIRED_FIELDS:
            if not f.get(name) and name not in entry.bad:
                issues.add(entry.row, code, name, f"缺少必填字段 {name}", f"missing required field {name}")
        for name, limit in _MAX_LENGTHS.items():
            value = f.get(name)
            if value is not None and len(value) > limit:
                issues.add(
                    entry.row, code, name, f"{name} 长度 {len(value)} 超过上限 {limit}",
                    f"{name} is {len(value)} characters long, the limit is {limit}",
                )  # fmt: skip
        if code is not None:
            if not CODE_RE.match(code):
                issues.add(
                    entry.row, code, "code",
                    "指标代码须为以字母开头的大写英文字母、数字和下划线（如 TRADE_TOTAL）",
                    "code must be ASCII UPPER_SNAKE_CASE starting with a letter, e.g. TRADE_TOTAL",
                )  # fmt: skip
            if code in first_row:
                issues.add(
                    entry.row, code, "code", f"指标代码 {code} 重复，首次出现在第{first_row[code]}行",
                    f"duplicate code {code}, first defined on line {first_row[code]}",
                )  # fmt: skip
            else:
                first_row[code] = entry.row
                unique[code] = entry
        for name in ("unit", "frequency", "dimension", "direction"):
            value = _normalise_field(entry, code, name, issues)
            if name == "unit" and value is not None:
                own_unit[i] = value
        department = f.get("department")
        if department is not None and department not in department_codes:
            issues.add(
                entry.row, code, "department", f"未知的责任部门 {department}（未在 departments 中声明）",
                f"unknown department {department} (not declared under departments)",
            )  # fmt: skip
        if f.get("formula") is not None:
            try:
                parsed[i] = parse(f["formula"] or "")
            except FormulaError as exc:
                issues.append(CatalogIssue(entry.row, code, "formula", str(exc)))

    # Pass 2: references between entries.
    index_of = {id(entry): i for i, entry in enumerate(entries)}
    unit_of = {c: own_unit[index_of[id(e)]] for c, e in unique.items() if index_of[id(e)] in own_unit}
    for i, entry in enumerate(entries):
        code, parent = entry.fields.get("code"), entry.fields.get("parent")
        if parent is None:
            continue
        if parent != code and parent not in unique:
            zh, en = f"上级指标 {parent} 不存在", f"parent names unknown indicator {parent}"
            issues.add(entry.row, code, "parent", zh, en)
        elif parent in unit_of and i in own_unit and UNITS[unit_of[parent]].kind != UNITS[own_unit[i]].kind:
            mine, theirs = own_unit[i], unit_of[parent]
            issues.add(
                entry.row, code, "parent",
                f"单位 {mine} 与上级指标 {parent} 的单位 {theirs} 量纲不同，不能汇总",
                f"unit {mine} cannot roll up into parent {parent} measured in {theirs}",
            )  # fmt: skip
    _check_parent_cycles(unique, issues)

    graph: dict[str, Formula] = {}
    for i, formula in parsed.items():
        entry = entries[i]
        code = entry.fields.get("code")
        unknown = sorted(n for n in formula.names if n not in unique)
        for name in unknown:
            zh, en = f"引用了未知指标 {name}", f"formula names unknown indicator {name}"
            issues.add(entry.row, code, "formula", zh, en)
        own_code = code is not None and code in formula.names
        if own_code:
            issues.add(
                entry.row, code, "formula", f"公式引用了指标自身 {code}",
                f"formula uses the indicator's own code {code}",
            )  # fmt: skip
        if code is not None and unique.get(code) is entry:
            graph[code] = dataclasses.replace(formula, names=formula.names - {code})
        if unknown or own_code:
            continue
        if i in own_unit and all(n in unit_of for n in formula.names):
            try:
                check_units(formula, unit_of, own_unit[i])
            except (FormulaError, UnitError) as exc:
                issues.append(CatalogIssue(entry.row, code, "formula", str(exc)))
        _check_formula_frequency(entry, code, formula, unique, issues)
    for cycle in find_cycles(graph):
        path_zh, path_en = " → ".join(cycle), " -> ".join(cycle)
        issues.add(unique[cycle[0]].row, cycle[0], "formula", f"公式循环引用：{path_zh}", f"formula cycle: {path_en}")

    return [_spec(entry) for entry in entries]


def _check_parent_cycles(unique: Mapping[str, RawEntry], issues: Issues) -> None:
    reported: set[str] = set()
    for start in unique:
        path: list[str] = []
        seen: dict[str, int] = {}
        node: str | None = start
        while node is not None and node in unique and node not in seen:
            seen[node] = len(path)
            path.append(node)
            node = unique[node].fields.get("parent")
        if node is None or node not in seen:
            continue
        cycle = path[seen[node] :]
        if reported.intersection(cycle):
            continue
        reported.update(cycle)
        first = min(cycle, key=lambda c: unique[c].row)
        i = cycle.index(first)
        ordered = [*cycle[i:], *cycle[:i], first]
        issues.add(
            unique[first].row, first, "parent", f"上级指标循环：{' → '.join(ordered)}",
            f"parent cycle: {' -> '.join(ordered)}",
        )  # fmt: skip


def _check_formula_frequency(
    entry: RawEntry, code: str | None, parsed: Formula, unique: Mapping[str, RawEntry], issues: Issues
) -> None:
    own = entry.fields.get("frequency")
    if own not in FREQUENCY_RANK:
        return
    for name in sorted(parsed.names):
        theirs = unique[name].fields.get("frequency")
        if theirs in FREQUENCY_RANK and FREQUENCY_RANK[theirs] > FREQUENCY_RANK[own]:
            issues.add(
                entry.row, code, "frequency",
                f"派生指标频度为{own}，但公式所用指标 {name} 的频度为{theirs}",
                f"a derived indicator reported by {own} cannot use {name}, which is reported by {theirs}",
            )  # fmt: skip


def _spec(entry: RawEntry) -> IndicatorSpec:
    f = entry.fields
    return IndicatorSpec(
        code=f.get("code") or "",
        name_zh=f.get("name_zh") or "",
        name_en=f.get("name_en") or "",
        unit=f.get("unit") or "",
        frequency=f.get("frequency") or "",
        dimension=f.get("dimension") or "",
        direction=f.get("direction") or "",
        department=f.get("department") or "",
        source=f.get("source") or "",
        formula=f.get("formula"),
        parent=f.get("parent"),
        notes=f.get("notes"),
        row=entry.row,
    )
