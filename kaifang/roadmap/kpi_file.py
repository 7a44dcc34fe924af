"""KPIS.csv — the analysts' KPI file for the batch assessment: reading and validation (pure).

Issue 5, item 9: one row per KPI and month with the columns ``kpi``, ``direction`` (+1/−1), ``baseline_period``,
``baseline``, ``target_period``, ``target``, ``period``, ``value``; periods ``YYYY-MM``; a missing report is an
empty ``value``. Extra columns are ignored. The file is UTF-8 (a BOM, as Excel writes it, is accepted).

Every problem is a :class:`KpiFileError` naming the line (1-based, the header is line 1; for a DataFrame the
line the row would have in a CSV with a header, position + 2) and the column, in Chinese and English. Checks:

* the columns are present; ``kpi`` is not empty;
* ``direction`` is +1 or −1 (``1``, ``+1``, ``-1``, ``−1``); ``baseline``, ``target`` are finite numbers and
  ``value`` is a finite number or empty; the periods are single months;
* a KPI's ``direction``, ``baseline_period``, ``baseline``, ``target_period`` and ``target`` are the same on all
  its rows; ``target_period`` is after ``baseline_period``; the target lies on the side of the baseline the
  direction calls better (or equals it);
* a KPI has at most one row per ``period``.
"""

from __future__ import annotations

import csv
import math
import unicodedata
from pathlib import Path

import pandas as pd

from kaifang.roadmap.months import month_index, month_label

__all__ = ["COLUMNS", "KpiFileError", "read_kpis"]

COLUMNS = ("kpi", "direction", "baseline_period", "baseline", "target_period", "target", "period", "value")
_KPI_FIELDS = ("direction", "baseline_period", "baseline", "target_period", "target")


class KpiFileError(ValueError):
    """A problem in the KPI file at ``line`` (1-based) and ``column``."""

    def __init__(self, line: int, column: str, zh: str, en: str):
        self.line, self.column = line, column
        super().__init__(f"第{line}行「{column}」列：{zh}。Line {line}, column '{column}': {en}.")


def _text(cell: object) -> str:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ""
    return unicodedata.normalize("NFKC", str(cell)).replace("−", "-").strip()


def _number(line: int, column: str, cell: object, *, empty_ok: bool = False) -> float:
    text = _text(cell)
    if not text:
        if empty_ok:
            return math.nan
        raise KpiFileError(line, column, "不能为空", "must not be empty")
    try:
        x = float(text)
    except ValueError:
        raise KpiFileError(line, column, f"不是数字：{text!r}", f"not a number: {text!r}") from None
    if not math.isfinite(x):
        raise KpiFileError(line, column, f"须为有限数：{text!r}", f"must be a finite number: {text!r}")
    return x


def _month(line: int, column: str, cell: object) -> int:
    text = _text(cell)
    try:
        return month_index(text)
    except ValueError:
        raise KpiFileError(
            line, column, f"不是月份（应为YYYY-MM）：{text!r}", f"not a month YYYY-MM: {text!r}"
        ) from None


def _direction(line: int, cell: object) -> int:
    x = _number(line, "direction", cell)
    if x not in (1.0, -1.0):
        raise KpiFileError(line, "direction", f"须为 +1 或 −1：{_text(cell)!r}", f"must be +1 or −1: {_text(cell)!r}")
    return int(x)


def _read_csv(path: Path) -> tuple[pd.DataFrame, list[int]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            raise KpiFileError(1, "kpi", "文件为空", "the file is empty")
        header = [h.strip() for h in header]
        rows, lines, end = [], [], reader.line_num
        for record in reader:
            start, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue  # a blank line
            if len(record) != len(header):
                raise KpiFileError(
                    start,
                    header[len(record)] if len(record) < len(header) else header[-1],
                    f"有{len(record)}个字段，表头有{len(header)}个",
                    f"has {len(record)} fields, the header has {len(header)}",
                )
            rows.append(record)
            lines.append(start)
    return pd.DataFrame(rows, columns=header, dtype=object), lines


def read_kpis(source: pd.DataFrame | str | Path) -> pd.DataFrame:
    """Read and check a KPI file (a path, or a DataFrame with the same columns); see the module docstring.

    Returns one row per input row with ``line``, ``kpi``, ``direction`` (int), ``baseline_period``,
    ``baseline``, ``target_period``, ``target``, ``period``, ``value`` (NaN = missing report), and the month
    numbers ``baseline_month``, ``target_month``, ``month``; periods are normalised to ``YYYY-MM``.
    """
    if isinstance(source, pd.DataFrame):
        raw, lines = source.reset_index(drop=True), list(range(2, len(source) + 2))
    else:
        raw, lines = _read_csv(Path(source))
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise KpiFileError(1, missing[0], f"缺少列 {missing}", f"missing columns {missing}")

    records = []
    for line, row in zip(lines, raw[list(COLUMNS)].itertuples(index=False), strict=True):
        cells = dict(zip(COLUMNS, row, strict=True))
        kpi = _text(cells["kpi"])
        if not kpi:
            raise KpiFileError(line, "kpi", "指标名不能为空", "the KPI name must not be empty")
        records.append(
            {
                "line": line,
                "kpi": kpi,
                "direction": _direction(line, cells["direction"]),
                "baseline_month": _month(line, "baseline_period", cells["baseline_period"]),
                "baseline": _number(line, "baseline", cells["baseline"]),
                "target_month": _month(line, "target_period", cells["target_period"]),
                "target": _number(line, "target", cells["target"]),
                "month": _month(line, "period", cells["period"]),
                "value": _number(line, "value", cells["value"], empty_ok=True),
            }
        )
    frame = pd.DataFrame.from_records(
        records,
        columns=["line", "kpi", "direction", "baseline_month", "baseline", "target_month", "target", "month", "value"],
    )
    _check_kpis(frame)
    for name, col in (("baseline_period", "baseline_month"), ("target_period", "target_month"), ("period", "month")):
        frame[name] = [month_label(int(m)) for m in frame[col]]
    order = ["line", "kpi", "direction", "baseline_period", "baseline", "target_period", "target", "period", "value"]
    return frame[[*order, "baseline_month", "target_month", "month"]]


def _check_kpis(frame: pd.DataFrame) -> None:
    """Per-KPI consistency, deadline after baseline, direction agreeing with the target, one row per month."""
    fields = {"direction": "direction", "baseline_period": "baseline_month", "baseline": "baseline"}
    fields |= {"target_period": "target_month", "target": "target"}
    first = frame.groupby("kpi", sort=False).transform("first")
    for column, col in fields.items():
        differs = frame[col] != first[col]
        if differs.any():
            i = differs.idxmax()
            kpi, line0 = frame.at[i, "kpi"], frame.loc[frame.kpi == frame.at[i, "kpi"], "line"].iloc[0]
            raise KpiFileError(
                int(frame.at[i, "line"]),
                column,
                f"与指标「{kpi}」第{line0}行的值不一致",
                f"differs from KPI '{kpi}' on line {line0}",
            )
    heads = frame.drop_duplicates("kpi")
    for h in heads.itertuples(index=False):
        if h.target_month <= h.baseline_month:
            raise KpiFileError(
                int(h.line),
                "target_period",
                "目标期限须晚于基期",
                "the target period must come after the baseline period",
            )
        implied = (h.target > h.baseline) - (h.target < h.baseline)
        if implied not in (0, h.direction):
            better = "越大越好" if h.direction > 0 else "越小越好"
            raise KpiFileError(
                int(h.line),
                "direction",
                f"方向{h.direction:+d}（{better}）与目标{h.target:g}、基期值{h.baseline:g}矛盾",
                f"direction {h.direction:+d} contradicts target {h.target:g} against baseline {h.baseline:g}",
            )
    dup = frame.duplicated(["kpi", "month"])
    if dup.any():
        i = dup.idxmax()
        raise KpiFileError(
            int(frame.at[i, "line"]),
            "period",
            f"指标「{frame.at[i, 'kpi']}」的该月份重复",
            f"a second row for KPI '{frame.at[i, 'kpi']}' and this month",
        )
