"""指标框架表 — the framework (COINr's ``iMeta``) of a composite indicator, validated.

A framework is a table with one row per code: indicators (Level 1), aggregates (Level 2 … top, the top
being the index), and the other columns of the data (denominators, unit groups, names). Required columns
are COINr's: ``iCode, Level, Parent, Direction, Weight, Type``; recognised optional ones are ``iName``,
``Unit``, ``Target`` (distance-to-target normalisation), ``Denominator`` (which denominator divides an
indicator) and ``goalpost_lower/upper/scale/trunc2posts`` (goalpost normalisation).

:func:`check_framework` validates a table in the manner of COINr's ``check_iMeta`` but reports every
problem at once, each message Chinese first with the English after it, e.g.
``框架表 iCode 重复: X (Duplicate entries in iCode: X)``. The result is a :class:`Framework`, which also
answers the structural questions the pipeline asks: the indicators, the codes of each level, the children
of each aggregate, the lineage of each indicator (COINr ``get_lineage``).

Source: OECD/JRC *Handbook on Constructing Composite Indicators* (2008), step 1 "Theoretical framework";
COINr 1.1.14 ``check_iMeta``, ``get_lineage``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

__all__ = ["INDEX_TYPES", "REQUIRED_COLUMNS", "TYPES", "Framework", "FrameworkError", "check_framework"]

REQUIRED_COLUMNS = ("iCode", "Level", "Parent", "Direction", "Weight", "Type")
TYPES = ("Indicator", "Aggregate", "Denominator", "Group", "uName", "Other")
INDEX_TYPES = ("Indicator", "Aggregate")
_TEXT_COLUMNS = ("iCode", "Parent", "Type", "iName", "Unit", "Denominator")


class FrameworkError(ValueError):
    """The framework table is invalid; ``problems`` lists every message (框架表有误)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def _msg(zh: str, en: str, items: Iterable[object] = ()) -> str:
    listed = ", ".join(str(i) for i in items)
    return f"{zh}: {listed} ({en}: {listed})" if listed else f"{zh} ({en})"


def _text(values: pd.Series) -> pd.Series:
    """Strings with blanks as None (CSV readers give NaN, '' or '  ' for an empty cell)."""
    out = [None if v is None or v != v or str(v).strip() == "" else str(v).strip() for v in values.tolist()]
    return pd.Series(out, index=values.index, dtype=object)


def _numbers(table: pd.DataFrame, column: str, problems: list[str]) -> pd.Series:
    raw = table[column]
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        return raw.astype(float)
    num = pd.to_numeric(raw, errors="coerce").astype(float)
    pairs = zip(table["iCode"], raw.tolist(), num.tolist(), strict=True)
    bad = [c for c, r, n in pairs if n != n and r is not None and r == r and str(r).strip() != ""]
    if bad:
        problems.append(_msg(f"框架表 {column} 不是数值", f"Non-numeric entries in {column}", bad))
    return num


def check_framework(
    table: pd.DataFrame,
    data: pd.DataFrame | None = None,
    level_names: Iterable[str] | None = None,
) -> Framework:
    """Validate an iMeta/FRAMEWORK table (and optionally its data table) and return a :class:`Framework`.

    Checks (COINr ``check_iMeta``/``check_iData``): required columns; iCode present and unique; Type one of
    Indicator, Aggregate, Denominator, Group, uName, Other; Level a positive integer for indicators (= 1) and
    aggregates (≥ 2), levels consecutive 1 … max; Direction ±1 and Weight numeric for every indicator and
    aggregate; each Parent an existing code one level up, only the top level without parent, exactly one code at
    the top (the index), every aggregate with children whose weights do not sum to 0; Target numeric; every
    Denominator a denominator column. With ``data``: every indicator, denominator and group column present and
    indicators/denominators numeric. Raises :class:`FrameworkError` listing all problems.
    """
    if not isinstance(table, pd.DataFrame) or table.empty:
        raise FrameworkError([_msg("框架表为空", "Framework table is empty")])
    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        raise FrameworkError([_msg("框架表缺少必需列", "Missing required column(s)", missing)])
    problems: list[str] = []
    t = table.reset_index(drop=True).copy()
    for col in _TEXT_COLUMNS:
        if col in t.columns:
            t[col] = _text(t[col])
    no_code = t["iCode"].isna().to_numpy()
    if no_code.any():
        numbers = [int(i) + 1 for i in np.flatnonzero(no_code)]
        problems.append(_msg("框架表 iCode 为空, 行", "Missing iCode in row(s)", numbers))
        t = t[~no_code].reset_index(drop=True)
    t["Type"] = t["Type"].fillna("")
    for col in ("Level", "Direction", "Weight", *(["Target"] if "Target" in t.columns else [])):
        t[col] = _numbers(t, col, problems)
    rows = _Rows(t)
    seen: set[str] = set()
    dup = sorted({c for c in rows.code if c in seen or seen.add(c)})  # type: ignore[func-returns-value]
    if dup:
        problems.append(_msg("框架表 iCode 重复", "Duplicate entries in iCode", dup))
    bad_type = [f"{c}={k or '∅'}" for c, k in zip(rows.code, rows.type, strict=True) if k not in TYPES]
    if bad_type:
        problems.append(
            _msg(
                f"框架表 Type 不合法 (可选 {', '.join(TYPES)})",
                f"Type not allowed (one of {', '.join(TYPES)})",
                bad_type,
            )
        )
    tree = [i for i, k in enumerate(rows.type) if k in INDEX_TYPES]
    bad_lev = {i for i in tree if not (rows.level[i] >= 1 and rows.level[i] == round(rows.level[i]))}
    _flag(problems, "Level 须为正整数", "Level must be a positive integer", [rows.code[i] for i in sorted(bad_lev)])
    ind = [i for i in tree if rows.type[i] == "Indicator"]
    not_one = [rows.code[i] for i in ind if i not in bad_lev and rows.level[i] != 1]
    _flag(problems, "指标 (Indicator) 的 Level 须为 1", "Indicators must be at Level 1", not_one)
    low = [rows.code[i] for i in tree if rows.type[i] == "Aggregate" and i not in bad_lev and rows.level[i] < 2]
    _flag(problems, "汇总项 (Aggregate) 的 Level 须 ≥ 2", "Aggregates must be at Level ≥ 2", low)
    levels = sorted({int(rows.level[i]) for i in tree if i not in bad_lev})
    if not ind:
        problems.append(_msg("框架表没有指标 (Type = Indicator)", "No rows of Type Indicator"))
    max_level = max(levels) if levels else 0
    gaps = [lv for lv in range(1, max_level + 1) if lv not in levels]
    _flag(problems, "Level 不连续, 缺少层级", "Levels not consecutive, missing level(s)", gaps)
    if max_level < 2 and ind:
        problems.append(_msg("框架表没有汇总层 (Level ≥ 2)", "No aggregation level (Level ≥ 2)"))
    bad_dir = [rows.code[i] for i in tree if rows.direction[i] not in (1.0, -1.0)]
    _flag(problems, "Direction 须为 1 或 -1", "Direction must be 1 or -1", bad_dir)
    _flag(problems, "Weight 缺失", "Missing Weight", [rows.code[i] for i in tree if rows.weight[i] != rows.weight[i]])
    _check_tree(rows, tree, max_level, problems)
    _check_denominators(rows, data, problems)
    if data is not None:
        _check_data(rows, data, problems)
    if problems:
        raise FrameworkError(problems)
    t["Level"] = t["Level"].astype("Int64")
    names = tuple(level_names) if level_names is not None else tuple(f"Level_{i}" for i in range(1, max_level + 1))
    if len(names) != max_level:
        raise FrameworkError([_msg(f"level_names 须有 {max_level} 个名称", f"level_names needs {max_level} names")])
    return Framework(t, names)


class _Rows:
    """The framework columns as plain lists (a few dozen rows: Python is faster than pandas here)."""

    def __init__(self, t: pd.DataFrame) -> None:
        self.code: list[str] = t["iCode"].tolist()
        self.type: list[str] = t["Type"].tolist()
        self.parent: list[str | None] = [None if p is None or pd.isna(p) else str(p) for p in t["Parent"].tolist()]
        self.level: list[float] = t["Level"].tolist()
        self.direction: list[float] = t["Direction"].tolist()
        self.weight: list[float] = t["Weight"].tolist()
        den = t["Denominator"].tolist() if "Denominator" in t.columns else [None] * len(t)
        self.denominator: list[str | None] = [None if d is None or pd.isna(d) else str(d) for d in den]


def _flag(problems: list[str], zh: str, en: str, items: Sequence[object]) -> None:
    if items:
        problems.append(_msg(zh, en, items))


def _check_tree(rows: _Rows, tree: list[int], max_level: int, problems: list[str]) -> None:
    level_of = dict(zip(rows.code, rows.level, strict=True))
    unknown, wrong_level, top_with_parent, orphan = [], [], [], []
    for i in tree:
        code, parent, level = rows.code[i], rows.parent[i], rows.level[i]
        if parent is None:
            if level != max_level:
                orphan.append(code)
        elif level == max_level:
            top_with_parent.append(f"{code}→{parent}")
        elif parent not in level_of:
            unknown.append(f"{code}→{parent}")
        elif level_of[parent] != level + 1:
            wrong_level.append(f"{code}→{parent}")
    _flag(problems, "Parent 不在 iCode 中", "Parent not found in iCode", unknown)
    _flag(problems, "Parent 不在上一层", "Level discrepancy: Parent not in the level immediately above", wrong_level)
    _flag(problems, "最高层不应有 Parent", "Entries at the highest level must have no Parent", top_with_parent)
    _flag(problems, "缺少 Parent", "Missing Parent below the highest level", orphan)
    tops = [rows.code[i] for i in tree if rows.level[i] == max_level]
    if max_level >= 2 and len(tops) != 1:
        problems.append(
            _msg("最高层须只有一个总指数", "The highest level must hold exactly one code (the index)", tops)
        )
    sums: dict[str, float] = {}
    for i in tree:
        p = rows.parent[i]
        if p is not None:
            sums[p] = sums.get(p, 0.0) + (rows.weight[i] if rows.weight[i] == rows.weight[i] else 0.0)
    childless = [rows.code[i] for i in tree if rows.type[i] == "Aggregate" and rows.code[i] not in sums]
    _flag(problems, "汇总项没有下级", "Aggregate(s) without children", childless)
    _flag(problems, "下级权重之和为 0", "Weights of the children sum to 0", [p for p, s in sums.items() if s == 0])


def _check_denominators(rows: _Rows, data: pd.DataFrame | None, problems: list[str]) -> None:
    known = {c for c, k in zip(rows.code, rows.type, strict=True) if k == "Denominator"}
    if data is not None:
        known |= set(map(str, data.columns))
    bad = [
        f"{c}÷{d}"
        for c, k, d in zip(rows.code, rows.type, rows.denominator, strict=True)
        if k == "Indicator" and d is not None and d not in known
    ]
    _flag(problems, "Denominator 不是分母列", "Denominator not found among denominator columns", bad)


def _check_data(rows: _Rows, data: pd.DataFrame, problems: list[str]) -> None:
    cols = set(map(str, data.columns))
    if "uCode" not in cols and data.index.name != "uCode":
        problems.append(_msg("数据表缺少 uCode 列", "Data has no uCode column"))
    pairs = list(zip(rows.code, rows.type, strict=True))
    absent = [c for c, k in pairs if k in ("Indicator", "Denominator", "Group") and c not in cols]
    _flag(problems, "数据表缺少列", "Columns missing from the data", absent)
    numeric = set(data.select_dtypes("number").columns)
    text = [c for c, k in pairs if k in ("Indicator", "Denominator") and c in cols and c not in numeric]
    _flag(problems, "数据列不是数值", "Non-numeric data columns", text)


@dataclass(frozen=True, eq=False)
class Framework:
    """A validated framework: ``table`` (one row per iCode, iMeta columns) and ``level_names`` (Level 1 first).

    Build it with :func:`check_framework`; the properties below are computed once and cached.
    """

    table: pd.DataFrame
    level_names: tuple[str, ...]

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name} {len(self.codes_at(i))}" for i, name in enumerate(self.level_names, start=1))
        return f"<Framework {sizes}; index {self.top}>"

    @cached_property
    def _tree(self) -> pd.DataFrame:
        t = self.table
        return t[t["Type"].isin(INDEX_TYPES)].set_index("iCode")

    @cached_property
    def max_level(self) -> int:
        """The number of levels (the index is at this level)."""
        return int(self._tree["Level"].max())

    @cached_property
    def indicators(self) -> tuple[str, ...]:
        """Level-1 codes in framework order."""
        return self.codes_at(1)

    @cached_property
    def aggregates(self) -> tuple[str, ...]:
        """Aggregate codes, level by level from 2 to the top, framework order within a level."""
        return tuple(c for lv in range(2, self.max_level + 1) for c in self.codes_at(lv))

    @cached_property
    def top(self) -> str:
        """The index (the single code of the highest level)."""
        return self.codes_at(self.max_level)[0]

    def codes_at(self, level: int) -> tuple[str, ...]:
        """Codes of one level, in framework order."""
        return self._levels.get(level, ())

    @cached_property
    def _levels(self) -> dict[int, tuple[str, ...]]:
        out: dict[int, list[str]] = {}
        for code, level in zip(self._tree.index, self._tree["Level"].tolist(), strict=True):
            out.setdefault(int(level), []).append(str(code))
        return {k: tuple(v) for k, v in out.items()}

    def parent(self, code: str) -> str | None:
        """The parent of a code, None for the index."""
        p = self._tree.at[code, "Parent"]
        return None if p is None or pd.isna(p) else str(p)

    def children(self, code: str) -> tuple[str, ...]:
        """The codes aggregated into ``code`` (framework order)."""
        tree = self._tree
        return tuple(tree.index[tree["Parent"] == code])

    def level_of(self, code: str) -> int:
        return int(self._tree.at[code, "Level"])

    def column(self, name: str) -> pd.Series:
        """Any framework column for the indicator and aggregate rows, indexed by iCode."""
        return self._tree[name]

    @cached_property
    def weights(self) -> pd.Series:
        """Framework weights of indicators and aggregates (COINr's weight set ``Original``)."""
        return self._tree["Weight"].astype(float)

    @cached_property
    def directions(self) -> pd.Series:
        """Direction (+1 / −1, 逆向指标 = −1) of each indicator."""
        return self._tree.loc[list(self.indicators), "Direction"].astype(int)

    @cached_property
    def denominators(self) -> dict[str, str]:
        """Indicator → denominator column, for indicators with a Denominator entry."""
        if "Denominator" not in self.table.columns:
            return {}
        d = self._tree.loc[list(self.indicators), "Denominator"].dropna()
        return {str(k): str(v) for k, v in d.items()}

    def codes_of_type(self, kind: str) -> tuple[str, ...]:
        """Codes with a given Type (e.g. ``Group``, ``Denominator``)."""
        return tuple(self.table.loc[self.table["Type"] == kind, "iCode"])

    @cached_property
    def lineage(self) -> pd.DataFrame:
        """Each indicator's ancestors, one column per level name (COINr ``get_lineage``)."""
        parent = self._tree["Parent"]
        cols = [pd.Series(self.indicators, index=self.indicators)]
        for _ in range(2, self.max_level + 1):
            cols.append(cols[-1].map(parent))
        out = pd.concat(cols, axis=1)
        out.columns = list(self.level_names)
        out.index.name = "iCode"
        return out

    def structure(self, level: int) -> tuple[tuple[str, ...], tuple[str, ...], np.ndarray]:
        """For aggregating into ``level``: child codes, parent codes and each child's parent position."""
        return self._structures[level]

    @cached_property
    def _structures(self) -> dict[int, tuple[tuple[str, ...], tuple[str, ...], np.ndarray]]:
        parent = self._tree["Parent"]
        out = {}
        for level in range(2, self.max_level + 1):
            children, parents = self.codes_at(level - 1), self.codes_at(level)
            pos = {p: i for i, p in enumerate(parents)}
            out[level] = (children, parents, np.array([pos[str(parent[c])] for c in children], dtype=int))
        return out

    def with_weights(self, weights: Mapping[str, float]) -> Framework:
        """A copy whose Weight column takes the given values (codes not listed keep theirs)."""
        unknown = [c for c in weights if c not in self._tree.index]
        if unknown:
            raise FrameworkError([_msg("权重的代码不在框架中", "Weight codes not in the framework", unknown)])
        t = self.table.copy()
        new = t["iCode"].map(dict(weights))
        t["Weight"] = new.where(new.notna(), t["Weight"]).astype(float)
        return Framework(t, self.level_names)
