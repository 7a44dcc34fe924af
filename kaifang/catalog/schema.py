"""指标目录文件格式与校验 — the catalog file format and its validator.

The indicator catalog (指标目录) is a YAML file kept in version control::

    version: "2025.1"
    departments:
      - {code: stats, name_zh: 市统计局, name_en: Municipal Bureau of Statistics}
    indicators:
      - code: GDP                      # ASCII UPPER_SNAKE
        name_zh: 地区生产总值
        name_en: Gross domestic product
        unit: 亿元                     # a symbol of kaifang.core.units.UNITS (labels are normalised)
        frequency: 季                  # 月/季/年 (also M/Q/Y, 月度/季度/年度)
        dimension: 基础指标            # one of DIMENSIONS or 基础指标 (context series, not scored)
        direction: 正向                # 正向/逆向 (also +1/-1, positive/negative)
        department: stats              # a departments code
        source: 《巴中统计年鉴》
        formula: null                  # optional: arithmetic over other codes (派生指标)
        parent: null                   # optional: the indicator this one is a sub-item of
        notes: null                    # optional

Like COINr's ``check_iMeta`` the validator is precise and exhaustive: :func:`load_catalog` collects
*every* problem, each as a :class:`CatalogIssue` carrying the 1-based line where the offending
entry starts, the indicator code and the field, with a Chinese and an English message.  Line
numbers come from PyYAML's composed node marks.  Scalars are read as their raw text, so YAML 1.1
surprises (``NO`` → ``False``, ``2025.10`` → ``2025.1``) cannot corrupt codes or versions.

Checks: YAML syntax; structure; missing required fields; unknown and duplicated fields; duplicate
codes (naming the first occurrence); code format and field lengths; unit, frequency, dimension,
direction; unknown department; unknown parent, parent cycles, parent/child unit kinds; formula
syntax, unknown indicators in formulas, a formula using its own code, formula cycles (with the
path), dimensional consistency of formula and unit (:func:`kaifang.catalog.formula.check_units`) and
a derived indicator more frequent than its inputs.

This module is pure Python (no Django).
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kaifang.catalog.formula import (
    CODE_RE,
    Formula,
    FormulaError,
    check_units,
    dependency_order,
    find_cycles,
    parse,
)
from kaifang.core.units import UNITS, UnitError, normalize_unit

__all__ = [
    "ALL_DIMENSIONS",
    "BASIC_DIMENSION",
    "DEFAULT_CATALOG_PATH",
    "DIMENSIONS",
    "DIMENSION_EN",
    "DIRECTIONS",
    "EXPORT_FIELDS",
    "FREQUENCIES",
    "Catalog",
    "CatalogIssue",
    "Department",
    "IndicatorSpec",
    "export_rows",
    "load_catalog",
    "normalize_dimension",
    "normalize_direction",
    "normalize_frequency",
    "validate",
]

#: The shipped catalog file.
DEFAULT_CATALOG_PATH = Path(__file__).with_name("catalog.yaml")

#: 频度: 月度、季度、年度, from finest to coarsest.
FREQUENCIES: tuple[str, ...] = ("月", "季", "年")
_FREQUENCY_RANK = {f: i for i, f in enumerate(FREQUENCIES)}
_FREQUENCY_ALIASES = {
    "月": "月", "月度": "月", "m": "月", "monthly": "月",
    "季": "季", "季度": "季", "q": "季", "quarterly": "季",
    "年": "年", "年度": "年", "y": "年", "a": "年", "annual": "年", "yearly": "年",
}  # fmt: skip

#: The report's framework: 制度型开放、枢纽经济、区域协同治理 plus 要素配置、生态约束 and 风险防控.
DIMENSIONS: tuple[str, ...] = ("制度型开放", "枢纽经济", "区域协同治理", "要素配置", "生态约束", "风险防控")
#: Context and denominator series (GDP, 常住人口 …) that are not scored in the index.
BASIC_DIMENSION = "基础指标"
ALL_DIMENSIONS: tuple[str, ...] = (*DIMENSIONS, BASIC_DIMENSION)
DIMENSION_EN: dict[str, str] = {
    "制度型开放": "institutional_opening",
    "枢纽经济": "hub_economy",
    "区域协同治理": "regional_governance",
    "要素配置": "factor_allocation",
    "生态约束": "ecological_constraint",
    "风险防控": "risk_control",
    "基础指标": "context",
}
_DIMENSION_ALIASES = {**{d: d for d in ALL_DIMENSIONS}, **{en: zh for zh, en in DIMENSION_EN.items()}}

#: 指标方向: 正向 = higher is better, 逆向 = lower is better.
DIRECTIONS: tuple[str, ...] = ("正向", "逆向")
_DIRECTION_ALIASES = {
    "正向": "正向", "正": "正向", "+1": "正向", "1": "正向", "+": "正向",
    "positive": "正向", "pos": "正向",
    "逆向": "逆向", "负向": "逆向", "逆": "逆向", "-1": "逆向", "-": "逆向",
    "negative": "逆向", "neg": "逆向",
}  # fmt: skip

_REQUIRED_FIELDS = (
    "code", "name_zh", "name_en", "unit", "frequency", "dimension", "direction", "department", "source",
)  # fmt: skip
_OPTIONAL_FIELDS = ("formula", "parent", "notes")
_INDICATOR_FIELDS = frozenset(_REQUIRED_FIELDS + _OPTIONAL_FIELDS)
_DEPARTMENT_FIELDS = ("code", "name_zh", "name_en")
_TOP_FIELDS = ("version", "departments", "indicators")
#: Column widths of the database tables the catalog is loaded into.
_MAX_LENGTHS = {"code": 40, "name_zh": 80, "name_en": 160, "unit": 16, "source": 200, "formula": 300}
_DEPARTMENT_CODE_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")

#: Columns of :func:`export_rows`.
EXPORT_FIELDS: tuple[str, ...] = (
    "code", "name_zh", "name_en", "unit", "frequency", "dimension", "direction", "department", "source",
    "formula",
)  # fmt: skip


@dataclass(frozen=True)
class CatalogIssue:
    """One problem in a catalog file, located by the line where the offending entry starts.

    ``row`` is 1-based; 0 means the file as a whole (e.g. it cannot be read).
    """

    row: int
    code: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row > 0 else "文件"
        code = f" [{self.code}]" if self.code else ""
        fld = f" {self.field}:" if self.field else ""
        return f"{where}{code}{fld} {self.message}"


@dataclass(frozen=True)
class Department:
    """A responsible department (责任部门), e.g. ``stats`` 市统计局."""

    code: str
    name_zh: str
    name_en: str
    row: int = field(default=0, compare=False)


@dataclass(frozen=True)
class IndicatorSpec:
    """One catalog entry with normalised values (unit symbol, 月/季/年, 正向/逆向)."""

    code: str
    name_zh: str
    name_en: str
    unit: str
    frequency: str
    dimension: str
    direction: str
    department: str
    source: str
    formula: str | None = None
    parent: str | None = None
    notes: str | None = None
    row: int = field(default=0, compare=False)

    @property
    def is_derived(self) -> bool:
        """True for a derived indicator (派生指标), i.e. one with a formula."""
        return bool(self.formula)

    @property
    def sign(self) -> int:
        """+1 for 正向 (higher is better), -1 for 逆向 (lower is better)."""
        return 1 if self.direction == "正向" else -1

    @property
    def is_scored(self) -> bool:
        """False for 基础指标 (context series that do not enter the composite index)."""
        return self.dimension != BASIC_DIMENSION

    @property
    def dimension_en(self) -> str:
        """English slug of the dimension, e.g. ``hub_economy`` for 枢纽经济."""
        return DIMENSION_EN[self.dimension]

    def parsed_formula(self) -> Formula | None:
        """The parsed formula, or ``None`` for a reported (non-derived) indicator."""
        return parse(self.formula) if self.formula else None


@dataclass
class Catalog:
    """A validated catalog: ``version``, ``departments`` and ``indicators`` in file order."""

    version: str
    departments: list[Department]
    indicators: list[IndicatorSpec]

    def by_code(self) -> dict[str, IndicatorSpec]:
        """Indicators keyed by code."""
        return {spec.code: spec for spec in self.indicators}

    def get(self, code: str) -> IndicatorSpec:
        """The indicator with this code; raises :class:`KeyError` if there is none."""
        return self.by_code()[code]

    def children(self, code: str) -> list[IndicatorSpec]:
        """Indicators whose ``parent`` is ``code`` (its sub-items)."""
        return [spec for spec in self.indicators if spec.parent == code]

    def formulas(self) -> dict[str, Formula]:
        """Parsed formulas of all derived indicators, keyed by code."""
        return {spec.code: parse(spec.formula) for spec in self.indicators if spec.formula}

    def derived_order(self) -> list[str]:
        """Derived codes in an order where each comes after the derived codes it uses."""
        return dependency_order(self.formulas())


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def normalize_frequency(value: str) -> str:
    """Map ``月``/``月度``/``M``/``monthly`` … to ``月``, ``季`` or ``年``; raise :class:`ValueError`."""
    result = _FREQUENCY_ALIASES.get(_fold(str(value)).lower())
    if result is None:
        raise ValueError(f"频度 {value!r} 无效，应为 月/季/年 (invalid frequency {value!r}; use 月/季/年 or M/Q/Y)")
    return result


def normalize_dimension(value: str) -> str:
    """Map a dimension (Chinese name or English slug) to its Chinese name; raise :class:`ValueError`."""
    folded = _fold(str(value))
    result = _DIMENSION_ALIASES.get(folded) or _DIMENSION_ALIASES.get(folded.lower())
    if result is None:
        raise ValueError(
            f"维度 {value!r} 无效，应为 {'、'.join(ALL_DIMENSIONS)} 之一"
            f" (invalid dimension {value!r}; use one of {', '.join(ALL_DIMENSIONS)})"
        )
    return result


def normalize_direction(value: str) -> str:
    """Map ``正向``/``+1``/``positive`` to ``正向`` and ``逆向``/``-1``/``negative`` to ``逆向``."""
    result = _DIRECTION_ALIASES.get(_fold(str(value)).lower())
    if result is None:
        raise ValueError(
            f"方向 {value!r} 无效，应为 正向/逆向 (invalid direction {value!r}; use 正向/逆向, +1/-1,"
            " positive/negative)"
        )
    return result


# --------------------------------------------------------------------------------------------
# Reading the YAML file into raw entries with line numbers
# --------------------------------------------------------------------------------------------


@dataclass
class _Entry:
    """A mapping from the file: its first line and its scalar fields as raw text."""

    row: int
    fields: dict[str, str | None]
    bad: set[str] = field(default_factory=set)  # fields already reported as malformed


class _Issues(list[CatalogIssue]):
    def add(self, row: int, code: str | None, fld: str | None, zh: str, en: str) -> None:
        self.append(CatalogIssue(row, code, fld, f"{zh} ({en})"))


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _scalar_text(node: yaml.Node) -> str | None:
    """Raw text of a scalar node (``None`` for null/empty); raises TypeError for collections."""
    if not isinstance(node, yaml.ScalarNode):
        raise TypeError(type(node).__name__)
    if node.tag == "tag:yaml.org,2002:null":
        return None
    text = str(node.value).strip()
    return text or None


def _read_mapping(
    node: yaml.Node, allowed: Iterable[str], what_zh: str, what_en: str, issues: _Issues
) -> _Entry | None:
    row = _line(node)
    if not isinstance(node, yaml.MappingNode):
        issues.add(row, None, None, f"{what_zh}必须是“字段: 值”的映射", f"each {what_en} must be a mapping")
        return None
    allowed = set(allowed)
    fields: dict[str, str | None] = {}
    bad: set[str] = set()
    problems: list[tuple[str | None, str, str]] = []
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if not isinstance(key, str) or not key:
            problems.append((None, "字段名必须是文本", "field names must be text"))
            continue
        if key in fields:
            problems.append((key, f"字段 {key} 重复出现", f"field {key} appears twice"))
            continue
        if key not in allowed:
            guess = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint_zh = f"，是否应为 {guess[0]}？" if guess else f"（允许的字段：{'、'.join(sorted(allowed))}）"
            hint_en = f"; did you mean {guess[0]}?" if guess else ""
            problems.append((key, f"未知字段 {key}{hint_zh}", f"unknown field {key}{hint_en}"))
            continue
        try:
            fields[key] = _scalar_text(value_node)
        except TypeError:
            problems.append((key, "应为单个值，不能是列表或映射", "must be a single value, not a collection"))
            bad.add(key)
    code = fields.get("code")
    for fld, zh, en in problems:
        issues.add(row, code, fld, zh, en)
    return _Entry(row, fields, bad)


def _read_sequence(
    node: yaml.Node | None, key: str, allowed: Iterable[str], what_zh: str, what_en: str, issues: _Issues
) -> list[_Entry]:
    if node is None:
        return []
    if not isinstance(node, yaml.SequenceNode):
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            return []
        issues.add(_line(node), None, key, f"{key} 必须是列表", f"{key} must be a list")
        return []
    entries = []
    for item in node.value:
        entry = _read_mapping(item, allowed, what_zh, what_en, issues)
        if entry is not None:
            entries.append(entry)
    return entries


def _read_document(text: str, issues: _Issues) -> tuple[str | None, list[_Entry], list[_Entry]] | None:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = "; ".join(str(p) for p in (exc.context, exc.problem) if p) or type(exc).__name__
        row = mark.line + 1 if mark else 1
        issues.add(row, None, None, f"YAML 语法错误：{detail}", f"YAML syntax error: {detail}")
        return None
    except yaml.YAMLError as exc:
        issues.add(1, None, None, f"YAML 语法错误：{exc}", f"YAML syntax error: {exc}")
        return None
    if root is None:
        issues.add(1, None, None, "目录文件为空", "the catalog file is empty")
        return None
    if not isinstance(root, yaml.MappingNode):
        issues.add(
            _line(root), None, None, "顶层必须是含 version、departments、indicators 的映射",
            "the top level must be a mapping with version, departments and indicators",
        )  # fmt: skip
        return None
    top: dict[str, yaml.Node] = {}
    for key_node, value_node in root.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        row = _line(key_node)
        if key in top:
            issues.add(row, None, key, f"顶层字段 {key} 重复出现", f"top-level field {key} appears twice")
        elif key not in _TOP_FIELDS:
            issues.add(row, None, str(key), f"未知的顶层字段 {key}", f"unknown top-level field {key}")
        else:
            top[key] = value_node
    for key in _TOP_FIELDS:
        if key not in top:
            issues.add(1, None, key, f"缺少顶层字段 {key}", f"missing top-level field {key}")
    version: str | None = None
    if "version" in top:
        try:
            version = _scalar_text(top["version"])
        except TypeError:
            version = None
        if version is None:
            issues.add(
                _line(top["version"]), None, "version", "version 必须是非空文本（如 \"2025.1\"）",
                "version must be a non-empty string such as \"2025.1\"",
            )  # fmt: skip
    departments = _read_sequence(
        top.get("departments"), "departments", _DEPARTMENT_FIELDS, "部门条目", "department entry", issues
    )
    indicators = _read_sequence(
        top.get("indicators"), "indicators", _INDICATOR_FIELDS, "指标条目", "indicator entry", issues
    )
    return version, departments, indicators


# --------------------------------------------------------------------------------------------
# Checking entries (shared by load_catalog and validate)
# --------------------------------------------------------------------------------------------


def _check_departments(entries: list[_Entry], issues: _Issues) -> list[Department]:
    departments: list[Department] = []
    first_row: dict[str, int] = {}
    for entry in entries:
        f = entry.fields
        code = f.get("code")
        for name in _DEPARTMENT_FIELDS:
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


def _normalise_field(entry: _Entry, code: str | None, name: str, issues: _Issues) -> str | None:
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


def _check_indicators(entries: list[_Entry], department_codes: set[str], issues: _Issues) -> list[IndicatorSpec]:
    first_row: dict[str, int] = {}
    unique: dict[str, _Entry] = {}  # first occurrence of each code
    own_unit: dict[int, str] = {}  # entry index -> valid unit symbol
    parsed: dict[int, Formula] = {}  # entry index -> parsed formula

    # Pass 1: each entry on its own.
    for i, entry in enumerate(entries):
        f = entry.fields
        code = f.get("code")
        for name in _REQUIRED_FIELDS:
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


def _check_parent_cycles(unique: Mapping[str, _Entry], issues: _Issues) -> None:
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
    entry: _Entry, code: str | None, parsed: Formula, unique: Mapping[str, _Entry], issues: _Issues
) -> None:
    own = entry.fields.get("frequency")
    if own not in _FREQUENCY_RANK:
        return
    for name in sorted(parsed.names):
        theirs = unique[name].fields.get("frequency")
        if theirs in _FREQUENCY_RANK and _FREQUENCY_RANK[theirs] > _FREQUENCY_RANK[own]:
            issues.add(
                entry.row, code, "frequency",
                f"派生指标频度为{own}，但公式所用指标 {name} 的频度为{theirs}",
                f"a derived indicator reported by {own} cannot use {name}, which is reported by {theirs}",
            )  # fmt: skip


def _spec(entry: _Entry) -> IndicatorSpec:
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


def _sorted(issues: list[CatalogIssue]) -> list[CatalogIssue]:
    return sorted(issues, key=lambda issue: issue.row)  # stable: keeps detection order within a row


# --------------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------------


def _read_source(source: str | os.PathLike[str], issues: _Issues) -> str | None:
    is_path = isinstance(source, os.PathLike) or (
        "\n" not in source and (source.endswith((".yaml", ".yml")) or os.path.isfile(source))
    )
    if not is_path:
        return str(source)
    path = Path(source)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        issues.add(0, None, None, f"找不到目录文件 {path}", f"catalog file {path} not found")
    except UnicodeDecodeError as exc:
        issues.add(0, None, None, f"目录文件不是 UTF-8 编码：{exc}", f"catalog file is not UTF-8: {exc}")
    except OSError as exc:
        issues.add(0, None, None, f"无法读取目录文件：{exc}", f"cannot read the catalog file: {exc}")
    return None


def load_catalog(
    path_or_text: str | os.PathLike[str] = DEFAULT_CATALOG_PATH,
) -> tuple[Catalog | None, list[CatalogIssue]]:
    """Read and validate a catalog from a path or from YAML text.

    A :class:`~pathlib.Path`, or a one-line string naming an existing file or ending in
    ``.yaml``/``.yml``, is read from disk; any other string is the YAML itself.  Returns
    ``(catalog, [])`` when the file is valid and ``(None, issues)`` otherwise, with *all* issues
    sorted by line.
    """
    issues = _Issues()
    text = _read_source(path_or_text, issues)
    if text is None:
        return None, list(issues)
    document = _read_document(text, issues)
    if document is None:
        return None, _sorted(issues)
    version, department_entries, indicator_entries = document
    departments = _check_departments(department_entries, issues)
    indicators = _check_indicators(indicator_entries, {d.code for d in departments}, issues)
    if issues or version is None:
        return None, _sorted(issues)
    return Catalog(version=version, departments=departments, indicators=indicators), []


def validate(catalog: Catalog) -> list[CatalogIssue]:
    """Validate a :class:`Catalog` built in code (or edited after loading) with the file's rules.

    Rows are the ``row`` attributes of the entries (0 when they were not read from a file).
    """
    issues = _Issues()
    if not str(catalog.version or "").strip():
        issues.add(0, None, "version", "version 不能为空", "version must not be empty")
    department_entries = [
        _Entry(d.row, {"code": d.code or None, "name_zh": d.name_zh or None, "name_en": d.name_en or None})
        for d in catalog.departments
    ]
    departments = _check_departments(department_entries, issues)
    indicator_entries = [
        _Entry(
            spec.row,
            {name: (str(v).strip() or None) if (v := getattr(spec, name)) is not None else None
             for name in _INDICATOR_FIELDS},
        )
        for spec in catalog.indicators
    ]  # fmt: skip
    _check_indicators(indicator_entries, {d.code for d in departments}, issues)
    return _sorted(issues)


def export_rows(catalog: Catalog) -> list[dict[str, str]]:
    """One flat row per indicator with :data:`EXPORT_FIELDS` (formula ``""`` when not derived)."""
    return [
        {
            "code": spec.code,
            "name_zh": spec.name_zh,
            "name_en": spec.name_en,
            "unit": spec.unit,
            "frequency": spec.frequency,
            "dimension": spec.dimension,
            "direction": spec.direction,
            "department": spec.department,
            "source": spec.source,
            "formula": spec.formula or "",
        }
        for spec in catalog.indicators
    ]
