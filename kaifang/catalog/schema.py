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

The records and vocabularies are defined in :mod:`kaifang.catalog.entries`, the YAML reading in
:mod:`kaifang.catalog.yaml_nodes` and the checks in :mod:`kaifang.catalog.checks`; this module is
the public API and re-exports them.  It is pure Python (no Django).
"""

from __future__ import annotations

import os
from pathlib import Path

from kaifang.catalog.checks import check_departments, check_indicators
from kaifang.catalog.entries import (
    ALL_DIMENSIONS,
    BASIC_DIMENSION,
    DIMENSION_EN,
    DIMENSIONS,
    DIRECTIONS,
    FREQUENCIES,
    INDICATOR_FIELDS,
    Catalog,
    CatalogIssue,
    Department,
    IndicatorSpec,
    Issues,
    normalize_dimension,
    normalize_direction,
    normalize_frequency,
)
from kaifang.catalog.yaml_nodes import RawEntry, read_document

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

#: Columns of :func:`export_rows`.
EXPORT_FIELDS: tuple[str, ...] = (
    "code", "name_zh", "name_en", "unit", "frequency", "dimension", "direction", "department", "source",
    "formula",
)  # fmt: skip


def _sorted(issues: list[CatalogIssue]) -> list[CatalogIssue]:
    return sorted(issues, key=lambda issue: issue.row)  # stable: keeps detection order within a row


def _read_source(source: str | os.PathLike[str], issues: Issues) -> str | None:
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
    issues = Issues()
    text = _read_source(path_or_text, issues)
    if text is None:
        return None, list(issues)
    document = read_document(text, issues)
    if document is None:
        return None, _sorted(issues)
    version, department_entries, indicator_entries = document
    departments = check_departments(department_entries, issues)
    indicators = check_indicators(indicator_entries, {d.code for d in departments}, issues)
    if issues or version is None:
        return None, _sorted(issues)
    return Catalog(version=version, departments=departments, indicators=indicators), []


def validate(catalog: Catalog) -> list[CatalogIssue]:
    """Validate a :class:`Catalog` built in code (or edited after loading) with the file's rules.

    Rows are the ``row`` attributes of the entries (0 when they were not read from a file).
    """
    issues = Issues()
    if not str(catalog.version or "").strip():
        issues.add(0, None, "version", "version 不能为空", "version must not be empty")
    department_entries = [
        RawEntry(d.row, {"code": d.code or None, "name_zh": d.name_zh or None, "name_en": d.name_en or None})
        for d in catalog.departments
    ]
    departments = check_departments(department_entries, issues)
    indicator_entries = [
        RawEntry(
            spec.row,
            {name: (str(v).strip() or None) if (v := getattr(spec, name)) is not None else None
             for name in INDICATOR_FIELDS},
        )
        for spec in catalog.indicators
    ]  # fmt: skip
    check_indicators(indicator_entries, {d.code for d in departments}, issues)
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
