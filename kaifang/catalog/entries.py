"""指标目录的条目 — what a catalog holds: departments, indicators, and the values their fields take.

The records (:class:`Department`, :class:`IndicatorSpec`, :class:`Catalog`, :class:`CatalogIssue`),
the controlled vocabularies (频度 月/季/年, the six 维度 plus 基础指标, 方向 正向/逆向) with their
normalisers, and the field names of an entry.  Reading and checking a file is in
:mod:`kaifang.catalog.schema`, which re-exports the public names; import them from there.

This module is pure Python (no Django).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from kaifang.catalog.formula import Formula, dependency_order, parse

__all__ = [
    "ALL_DIMENSIONS",
    "BASIC_DIMENSION",
    "DEPARTMENT_FIELDS",
    "DIMENSIONS",
    "DIMENSION_EN",
    "DIRECTIONS",
    "FREQUENCIES",
    "FREQUENCY_RANK",
    "INDICATOR_FIELDS",
    "REQUIRED_FIELDS",
    "Catalog",
    "CatalogIssue",
    "Department",
    "IndicatorSpec",
    "Issues",
    "normalize_dimension",
    "normalize_direction",
    "normalize_frequency",
]

#: 频度: 月度、季度、年度, from finest to coarsest.
FREQUENCIES: tuple[str, ...] = ("月", "季", "年")
FREQUENCY_RANK = {f: i for i, f in enumerate(FREQUENCIES)}
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

REQUIRED_FIELDS = (
    "code", "name_zh", "name_en", "unit", "frequency", "dimension", "direction", "department", "source",
)  # fmt: skip
_OPTIONAL_FIELDS = ("formula", "parent", "notes")
INDICATOR_FIELDS = frozenset(REQUIRED_FIELDS + _OPTIONAL_FIELDS)
DEPARTMENT_FIELDS = ("code", "name_zh", "name_en")


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


class Issues(list[CatalogIssue]):
    """The issues found so far, in the order they were detected."""

    def add(self, row: int, code: str | None, fld: str | None, zh: str, en: str) -> None:
        """Record an issue with a Chinese and an English message."""
        self.append(CatalogIssue(row, code, fld, f"{zh} ({en})"))


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
