"""Checking a submission row by row — vectorised, because a yearbook panel is a million rows.

Every check works on the distinct values of a column (indicator codes, periods, unit labels,
region names — a few hundred at most) and maps the verdict back onto the rows, so the cost per row
is a dictionary look-up, not a Python call. Each problem names its row label and column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kaifang.accounts.access import Access
from kaifang.catalog.models import Indicator
from kaifang.core.periods import PeriodError, parse_period
from kaifang.core.units import UnitError, conversion_factor, normalize_unit
from kaifang.regions.matching import AmbiguousRegion, UnknownRegion
from kaifang.regions.models import Region
from kaifang.regions.registry import matcher

COLUMNS = ["indicator", "ref_area", "time_period", "obs_value", "unit", "basis", "obs_status", "source", "note"]
REQUIRED = ["indicator", "ref_area", "time_period", "obs_value"]
KEY = ["indicator_id", "region_id", "period", "basis"]
FREQ_ALLOWED = {"月": {"M", "Q", "Y"}, "季": {"Q", "Y"}, "年": {"Y"}}
BASIS_WORDS = {"": "P", "P": "P", "当期": "P", "当月": "P", "当季": "P", "本期": "P", "本月": "P",
               "YTD": "YTD", "累计": "YTD", "1-本月累计": "YTD", "本年累计": "YTD"}  # fmt: skip
STATUS_WORDS = {"": "", "P": "P", "初步": "P", "初值": "P", "R": "R", "修订": "R", "F": "F", "正式": "F", "A": "F",
                "终值": "F"}  # fmt: skip


@dataclass(frozen=True)
class Problem:
    """One located problem in a submission (row = the input row label, 1-based for files)."""

    row: Any
    column: str
    message: str

    def __str__(self) -> str:
        # int labels are 1-based row numbers; file readers label rows "file.xlsx!Sheet1!R12"
        where = f"第{self.row}行" if isinstance(self.row, int) else str(self.row)
        return f"{where} {self.column}: {self.message}"


def as_frame(rows: pd.DataFrame | Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Rows as a DataFrame with every column of :data:`COLUMNS` (index = row labels, 1-based)."""
    df = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    if not isinstance(rows, pd.DataFrame):
        df.index = range(1, len(df) + 1)
    for col in COLUMNS:
        if col not in df.columns:
            df[col] = None
    return df


def _text(col: pd.Series, max_length: int | None = None) -> pd.Series:
    """A column as stripped text ("" for missing), stripping each distinct value once."""
    if col.isna().all():
        return pd.Series("", index=col.index, dtype=object)
    uniq = col.dropna().unique()
    stripped = {u: str(u).replace("\x00", "").strip()[:max_length] for u in uniq}  # NUL: never storable
    return col.map(stripped).fillna("").astype(object)


def _report(problems: list[Problem], mask: pd.Series, column: str, message: pd.Series | str) -> None:
    for label in mask.index[mask.to_numpy(dtype=bool)]:
        problems.append(Problem(label, column, message if isinstance(message, str) else str(message[label])))


def _regions(raw: pd.Series, problems: list[Problem]) -> pd.Series:
    """Region ids by GB/T 2260 code, or by a name the matcher understands (巴中地区 → 511900)."""
    known = dict(Region.objects.values_list("code", "id"))
    ids: dict[str, int] = {}
    errors: dict[str, str] = {}
    for text in raw.unique():
        if text in known:
            ids[text] = known[text]
        elif text == "":
            continue  # reported as a missing required value
        else:
            try:
                code = matcher().match(text).code
                if code in known:
                    ids[text] = known[code]
                else:
                    errors[text] = f"地区 {code} 未载入平台 (region not loaded)"
            except (UnknownRegion, AmbiguousRegion) as exc:
                errors[text] = str(exc)
    bad = raw.isin(list(errors))
    if bad.any():
        _report(problems, bad, "ref_area", raw[bad].map(errors))
    return raw.map(ids)


def _periods(raw: pd.Series, freq: pd.Series, codes: pd.Series, problems: list[Problem]) -> pd.DataFrame:
    """Parse each distinct period once; check it against the indicator's frequency (月 accepts 季 and 年)."""
    text_of: dict[str, str | None] = {}
    end_of: dict[str, Any] = {}
    freq_of: dict[str, str | None] = {}
    errors: dict[str, str] = {}
    for text in raw.unique():
        try:
            p = parse_period(text)
            text_of[text], end_of[text], freq_of[text] = str(p), p.end, p.freq
        except PeriodError as exc:
            if text != "":
                errors[text] = str(exc)
    failed = raw.isin(list(errors))
    if failed.any():
        _report(problems, failed, "time_period", raw[failed].map(errors))
    pfreq = raw.map(freq_of)
    pair = freq.astype(object).fillna("") + "|" + pfreq.astype(object).fillna("")
    verdict = {k: (k.split("|")[1] in FREQ_ALLOWED.get(k.split("|")[0], set())) for k in pair.unique()}
    mismatch = ~pair.map(verdict).astype(bool) & freq.notna() & pfreq.notna()
    if mismatch.any():
        message = (
            codes[mismatch] + " 为" + freq[mismatch] + "度指标，不接受时期 " + raw[mismatch] + " (frequency mismatch)"
        )
        _report(problems, mismatch, "time_period", message)
    return pd.DataFrame({"period": raw.map(text_of), "period_end": raw.map(end_of)})


def _units(raw: pd.Series, target: pd.Series, problems: list[Problem]) -> pd.DataFrame:
    """Conversion factor to the indicator's unit, decided once per distinct (label, unit) pair."""
    key = raw + "\x00" + target.fillna("\x01")
    factor: dict[str, float] = {}
    symbol_of: dict[str, str] = {}
    errors: dict[str, str] = {}
    pairs = pd.DataFrame({"k": key, "l": raw, "u": target}).dropna().drop_duplicates("k")
    for k, label, unit in pairs.itertuples(index=False):
        try:
            symbol = normalize_unit(label) if label else unit
            factor[k], symbol_of[k] = conversion_factor(symbol, unit), symbol
        except UnitError as exc:
            errors[k] = str(exc)
    bad = key.isin(list(errors))
    if bad.any():
        _report(problems, bad, "unit", key[bad].map(errors))
    return pd.DataFrame(
        {"factor": key.map(factor).astype(float), "original_unit": key.map(symbol_of).astype(object).fillna("")}
    )


def validate(
    df: pd.DataFrame, access: Access, indicators: Mapping[str, Indicator] | None = None
) -> tuple[pd.DataFrame, list[Problem], list[Problem]]:
    """Check a submission; returns (clean rows, data problems, permission problems)."""
    problems: list[Problem] = []
    denied: list[Problem] = []
    if indicators is None:
        indicators = {i.code: i for i in Indicator.objects.select_related("department")}
    out = pd.DataFrame(index=df.index)

    text = {col: _text(df[col]) for col in ("indicator", "ref_area", "time_period")}
    for col in REQUIRED:  # only spaces (" ", a full-width "　") is as missing as nothing
        missing = df[col].isna() if col == "obs_value" else text[col] == ""
        _report(problems, missing, col, "必填项为空 (required value is missing)")

    codes = text["indicator"]
    known = codes.isin(list(indicators))
    unknown = ~known & (codes != "")
    if unknown.any():
        _report(problems, unknown, "indicator", "未知指标 " + codes[unknown] + " (unknown indicator)")
    formula = codes.map({c: bool(i.formula) for c, i in indicators.items()}).fillna(False).astype(bool)
    if formula.any():
        _report(
            problems, formula, "indicator", codes[formula] + " 是派生指标，由公式计算，不能直接提交 (derived indicator)"
        )
    out["indicator_id"] = codes.map({c: i.pk for c, i in indicators.items()})
    for code in codes[known].unique():
        if not access.can_write_indicator(indicators[code]):
            _report(denied, codes == code, "indicator", access.why_not(indicators[code]))

    out["region_id"] = _regions(text["ref_area"], problems)
    freq = codes.map({c: i.frequency for c, i in indicators.items()})
    out = out.join(_periods(text["time_period"], freq, codes, problems))

    values = pd.to_numeric(df["obs_value"], errors="coerce").astype(float)
    bad_value = df["obs_value"].notna() & ~np.isfinite(values)
    if bad_value.any():
        shown = df.loc[bad_value, "obs_value"].astype(str)
        _report(problems, bad_value, "obs_value", "不是有效数值：" + shown + " (not a number)")

    target = codes.map({c: i.unit for c, i in indicators.items()})
    units = _units(_text(df["unit"]), target, problems)
    out["original_value"] = values
    out["original_unit"] = units["original_unit"]
    out["value"] = values * units["factor"]
    overflow = np.isfinite(values) & units["factor"].notna() & ~np.isfinite(out["value"])
    if overflow.any():  # 1e308 亿美元 is finite, in 万美元 it is not
        shown = df.loc[overflow, "obs_value"].astype(str) + " " + units.loc[overflow, "original_unit"]
        message = "换算为 " + target[overflow] + " 后数值溢出：" + shown + " (overflows when converted)"
        _report(problems, overflow, "obs_value", message)
    out["unit"] = target.fillna("")

    basis_text = _text(df["basis"])
    out["basis"] = basis_text.map(BASIS_WORDS)
    if out["basis"].isna().any():
        _report(problems, out["basis"].isna(), "basis", "口径应为 当期/当月 或 累计，而不是 " + basis_text)
    status_text = _text(df["obs_status"])
    out["status"] = status_text.map(STATUS_WORDS)
    if out["status"].isna().any():
        _report(problems, out["status"].isna(), "obs_status", "状态应为 初步/修订/正式，而不是 " + status_text)
    out["status"] = out["status"].fillna("")
    out["source"] = _text(df["source"], 200)
    out["note"] = _text(df["note"], 300)

    complete = out[KEY].notna().all(axis=1)
    dup = out[complete].duplicated(KEY, keep="first")
    if dup.any():
        first_of = out[complete].reset_index().groupby(KEY, sort=False)["index"].first()
        for label in dup[dup].index:
            k = tuple(out.loc[label, KEY])
            problems.append(Problem(label, "time_period", f"与第{first_of.loc[k]}行重复（同一指标、地区、时期、口径）"))
    problems.sort(key=lambda p: (str(type(p.row)), p.row))
    return out, problems, denied
