"""Submitting observations: validate everything, then write all of it or nothing.

Input is the SDMX-style long table used at every boundary of the platform::

    indicator | ref_area | time_period | obs_value | unit | basis | obs_status | source | note

(``basis``, ``obs_status``, ``source`` and ``note`` are optional). Each row is checked — known
indicator, known region (GB/T 2260 code or a name the matcher understands), a period whose
frequency the indicator has, a unit convertible to the indicator's unit (万元 → 亿元), a finite
value, no duplicate cell, and the submitter's right to write that indicator. Any problem stops the
whole submission and is reported with its row and column; nothing is written.

A cell that already has a value gets a new vintage (the old row stays, closed by
``superseded_at``); resubmitting an identical value and status is a no-op. One audit entry records
the submission with the before/after of every revised cell.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from kaifang.accounts.access import Access
from kaifang.accounts.models import Workspace
from kaifang.audit.log import record
from kaifang.catalog.models import Indicator
from kaifang.core.periods import PeriodError, parse_period
from kaifang.core.units import UnitError, conversion_factor, normalize_unit
from kaifang.observations.models import Basis, ImportBatch, Observation, Status
from kaifang.regions.matching import AmbiguousRegion, UnknownRegion
from kaifang.regions.models import Region
from kaifang.regions.registry import matcher

COLUMNS = ["indicator", "ref_area", "time_period", "obs_value", "unit", "basis", "obs_status", "source", "note"]
REQUIRED = ["indicator", "ref_area", "time_period", "obs_value"]
KEY = ["indicator_id", "region_id", "period", "basis"]
FREQ_ALLOWED = {"月": {"M", "Q", "Y"}, "季": {"Q", "Y"}, "年": {"Y"}}
BASIS_WORDS = {
    "": "P",
    "P": "P",
    "当期": "P",
    "当月": "P",
    "当季": "P",
    "本期": "P",
    "本月": "P",
    "YTD": "YTD",
    "累计": "YTD",
    "1-本月累计": "YTD",
    "本年累计": "YTD",
}
STATUS_WORDS = {"P": "P", "初步": "P", "初值": "P", "R": "R", "修订": "R", "F": "F", "正式": "F", "终值": "F"}
AUDIT_DETAIL_LIMIT = 500


@dataclass(frozen=True)
class Problem:
    """One located problem in a submission (row = the input row label, 1-based for files)."""

    row: Any
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column}: {self.message}"


class SubmissionRejected(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        head = "; ".join(str(p) for p in problems[:5])
        more = f"（另有 {len(problems) - 5} 处）" if len(problems) > 5 else ""
        super().__init__(f"提交被拒绝，未写入任何数据：{head}{more}")


class PermissionDenied(PermissionError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:5]))


@dataclass
class Submitted:
    batch: ImportBatch | None
    created: int = 0
    revised: int = 0
    unchanged: int = 0
    ids: list[int] = field(default_factory=list)


def as_frame(rows: pd.DataFrame | Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Rows as a DataFrame with every column of :data:`COLUMNS` (index = row labels, 1-based)."""
    df = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    if not isinstance(rows, pd.DataFrame):
        df.index = range(1, len(df) + 1)
    for col in COLUMNS:
        if col not in df.columns:
            df[col] = None
    return df


def _region_ids(codes: pd.Series, problems: list[Problem]) -> pd.Series:
    known = dict(Region.objects.values_list("code", "id"))
    resolved: dict[Any, int | None] = {}
    for raw in codes.dropna().unique():
        text = str(raw).strip()
        if text in known:
            resolved[raw] = known[text]
            continue
        try:
            resolved[raw] = known.get(matcher().match(text).code)
        except (UnknownRegion, AmbiguousRegion) as exc:
            resolved[raw] = None
            resolved[("why", raw)] = str(exc)  # type: ignore[index]
    ids = codes.map(lambda c: resolved.get(c))
    for label, raw in codes[ids.isna()].items():
        why = resolved.get(("why", raw)) if raw is not None else "缺少地区代码 (missing ref_area)"  # type: ignore[call-overload]
        problems.append(Problem(label, "ref_area", str(why or f"未知地区 {raw}")))
    return ids


def validate(
    df: pd.DataFrame, access: Access, indicators: Mapping[str, Indicator] | None = None
) -> tuple[pd.DataFrame, list[Problem], list[Problem]]:
    """Check a submission; returns (clean rows, data problems, permission problems)."""
    problems: list[Problem] = []
    denied: list[Problem] = []
    if indicators is None:
        indicators = {i.code: i for i in Indicator.objects.select_related("department")}
    out = pd.DataFrame(index=df.index)

    for col in REQUIRED:
        for label in df.index[df[col].isna()]:
            problems.append(Problem(label, col, "必填项为空 (required value is missing)"))

    codes = df["indicator"].astype("string").str.strip()
    ind = codes.map(lambda c: indicators.get(c) if isinstance(c, str) else None)
    for label, code in codes[ind.isna() & codes.notna()].items():
        problems.append(Problem(label, "indicator", f"未知指标 {code} (unknown indicator)"))
    derived = ind.map(lambda i: bool(i is not None and i.formula))
    for label, i in ind[derived].items():
        problems.append(Problem(label, "indicator", f"{i.code} 是派生指标，由公式计算，不能直接提交"))
    out["indicator_id"] = ind.map(lambda i: i.pk if i is not None else None)

    for i in {i for i in ind.dropna()}:
        if not access.can_write_indicator(i):
            for label in ind.index[ind == i]:
                denied.append(Problem(label, "indicator", access.why_not(i)))

    out["region_id"] = _region_ids(df["ref_area"], problems)

    parsed: dict[Any, Any] = {}
    for raw in df["time_period"].dropna().unique():
        try:
            parsed[raw] = parse_period(str(raw))
        except PeriodError as exc:
            parsed[raw] = exc
    per = df["time_period"].map(lambda r: parsed.get(r))
    freq_ok: dict[tuple[Any, Any], bool] = {}
    for label, p in per.items():
        if isinstance(p, Exception):
            problems.append(Problem(label, "time_period", str(p)))
            continue
        i = ind[label]
        if p is None or i is None:
            continue
        k = (i.frequency, p.freq)
        if k not in freq_ok:
            freq_ok[k] = p.freq in FREQ_ALLOWED.get(i.frequency, set())
        if not freq_ok[k]:
            problems.append(
                Problem(label, "time_period", f"{i.code} 为{i.frequency}度指标，不接受时期 {p} (frequency mismatch)")
            )
    good_per = per.map(lambda p: p if p is not None and not isinstance(p, Exception) else None)
    out["period"] = good_per.map(lambda p: str(p) if p is not None else None)
    out["period_end"] = good_per.map(lambda p: p.end if p is not None else None)

    values = pd.to_numeric(df["obs_value"], errors="coerce")
    bad_value = df["obs_value"].notna() & (values.isna() | ~values.map(lambda v: math.isfinite(v) if v == v else False))
    for label in df.index[bad_value]:
        problems.append(Problem(label, "obs_value", f"不是有效数值：{df.at[label, 'obs_value']!r} (not a number)"))

    units = df["unit"].where(df["unit"].notna(), None)
    factor = pd.Series(1.0, index=df.index)
    orig_unit = pd.Series("", index=df.index, dtype=object)
    cache: dict[tuple[Any, str], float | str] = {}
    for label, u in units.items():
        i = ind[label]
        if i is None:
            continue
        if u is None or str(u).strip() == "":
            orig_unit[label] = i.unit
            continue
        key = (u, i.unit)
        if key not in cache:
            try:
                cache[key] = conversion_factor(normalize_unit(str(u)), i.unit)
            except UnitError as exc:
                cache[key] = str(exc)
        f = cache[key]
        if isinstance(f, str):
            problems.append(Problem(label, "unit", f))
        else:
            factor[label] = f
            orig_unit[label] = normalize_unit(str(u))
    out["original_value"] = values
    out["original_unit"] = orig_unit
    out["value"] = values * factor
    out["unit"] = ind.map(lambda i: i.unit if i is not None else "")

    basis = df["basis"].fillna("").astype(str).str.strip().map(lambda b: BASIS_WORDS.get(b))
    for label in df.index[basis.isna()]:
        problems.append(Problem(label, "basis", f"口径应为 当期/当月 或 累计，而不是 {df.at[label, 'basis']!r}"))
    out["basis"] = basis
    status = df["obs_status"].fillna("").astype(str).str.strip().map(lambda s: STATUS_WORDS.get(s, "?" if s else ""))
    for label in df.index[status == "?"]:
        problems.append(Problem(label, "obs_status", f"状态应为 初步/修订/正式，而不是 {df.at[label, 'obs_status']!r}"))
    out["status"] = status
    out["source"] = df["source"].fillna("").astype(str).str.slice(0, 200)
    out["note"] = df["note"].fillna("").astype(str).str.slice(0, 300)

    complete = out[KEY].notna().all(axis=1)
    dup = out[complete].duplicated(KEY, keep="first")
    first_of = out[complete].reset_index().groupby(KEY, sort=False)["index"].first()
    for label in dup[dup].index:
        k = tuple(out.loc[label, KEY])
        problems.append(Problem(label, "time_period", f"与第{first_of.loc[k]}行重复（同一指标、地区、时期、口径）"))
    problems.sort(key=lambda p: (str(type(p.row)), p.row))
    return out, problems, denied


def submit(
    workspace: Workspace,
    rows: pd.DataFrame | Iterable[Mapping[str, Any]],
    *,
    access: Access,
    user: Any = None,
    kind: str = "api",
    label: str = "",
    is_sample: bool = False,
    submitted_at: dt.datetime | None = None,
) -> Submitted:
    """Validate and store a submission atomically. Raises SubmissionRejected or PermissionDenied."""
    df = as_frame(rows)
    clean, problems, denied = validate(df, access)
    if denied:
        raise PermissionDenied(denied)
    if problems:
        raise SubmissionRejected(problems)
    now = submitted_at or timezone.now()
    clean["indicator_id"] = clean["indicator_id"].astype("int64")
    clean["region_id"] = clean["region_id"].astype("int64")

    with transaction.atomic():
        current = _current_cells(workspace, clean)
        merged = clean.reset_index(names="_row").merge(current, on=KEY, how="left")
        has_prev = merged["prev_id"].notna()
        if (merged.loc[has_prev, "prev_at"] > now).any():
            raise SubmissionRejected(
                [
                    Problem(r, "time_period", "已有更新的版本，不能补录更早的版本")
                    for r in merged.loc[has_prev & (merged["prev_at"] > now), "_row"]
                ]
            )
        same = (
            has_prev
            & (merged["prev_value"] == merged["value"])
            & ((merged["status"] == "") | (merged["status"] == merged["prev_status"]))
        )
        writes = merged[~same].copy()
        revised = writes[writes["prev_id"].notna()]
        writes["status"] = writes["status"].where(
            writes["status"] != "", writes["prev_id"].map(lambda p: Status.PRELIMINARY if p != p else Status.REVISED)
        )
        batch = ImportBatch.objects.create(
            workspace=workspace,
            kind=kind,
            label=label[:200],
            submitted_by=user if getattr(user, "pk", None) else None,
            submitted_at=now,
            rows=len(writes),
            revised=len(revised),
        )
        if len(revised):
            ids = revised["prev_id"].astype("int64").tolist()
            for start in range(0, len(ids), 900):
                Observation.objects.filter(id__in=ids[start : start + 900]).update(superseded_at=now)
        _insert(workspace, writes, batch, user, now, is_sample)
        new_ids = (
            list(Observation.objects.filter(batch=batch).order_by("id").values_list("id", flat=True))
            if len(writes) <= AUDIT_DETAIL_LIMIT
            else []
        )
        _audit(workspace, batch, writes, revised, user, now)
    return Submitted(
        batch, created=len(writes) - len(revised), revised=len(revised), unchanged=int(same.sum()), ids=new_ids
    )


def _current_cells(workspace: Workspace, clean: pd.DataFrame) -> pd.DataFrame:
    qs = Observation.objects.filter(
        workspace=workspace, superseded_at__isnull=True, indicator_id__in=clean["indicator_id"].unique().tolist()
    )
    if clean["region_id"].nunique() < 200:
        qs = qs.filter(region_id__in=clean["region_id"].unique().tolist())
    rows = list(qs.values_list("indicator_id", "region_id", "period", "basis", "id", "value", "status", "submitted_at"))
    cols = [*KEY, "prev_id", "prev_value", "prev_status", "prev_at"]
    cur = pd.DataFrame(rows, columns=cols)
    if cur.empty:
        cur = cur.astype(
            {
                "indicator_id": "int64",
                "region_id": "int64",
                "prev_id": "float64",
                "prev_value": "float64",
                "prev_at": "datetime64[ns, UTC]",
            }
        )
    return cur


INSERT_COLUMNS = [
    "workspace_id",
    "indicator_id",
    "region_id",
    "period",
    "period_end",
    "basis",
    "value",
    "unit",
    "original_value",
    "original_unit",
    "status",
    "source",
    "is_sample",
    "note",
    "batch_id",
    "submitted_by_id",
    "submitted_at",
]


def _insert(
    workspace: Workspace, writes: pd.DataFrame, batch: ImportBatch, user: Any, now: dt.datetime, is_sample: bool
) -> None:
    """The fast path: one COPY on PostgreSQL, one executemany on SQLite — no model objects."""
    if writes.empty:
        return
    n = len(writes)
    ops = connection.ops
    at = ops.adapt_datetimefield_value(now)
    uid = user.pk if getattr(user, "pk", None) else None
    period_end = (
        writes["period_end"].map(ops.adapt_datefield_value) if connection.vendor == "sqlite" else writes["period_end"]
    )
    orig = writes["original_value"].astype(object).where(writes["original_value"].notna(), None)
    cols = [
        [workspace.pk] * n,
        writes["indicator_id"].tolist(),
        writes["region_id"].tolist(),
        writes["period"].tolist(),
        period_end.tolist(),
        writes["basis"].tolist(),
        writes["value"].astype(float).tolist(),
        writes["unit"].tolist(),
        orig.tolist(),
        writes["original_unit"].tolist(),
        writes["status"].tolist(),
        writes["source"].tolist(),
        [is_sample] * n,
        writes["note"].tolist(),
        [batch.pk] * n,
        [uid] * n,
        [at] * n,
    ]
    table = Observation._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({', '.join(INSERT_COLUMNS)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in zip(*cols, strict=True):
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(INSERT_COLUMNS))
            sql = f"INSERT INTO {table} ({', '.join(INSERT_COLUMNS)}) VALUES ({marks})"
            cursor.executemany(sql, list(zip(*cols, strict=True)))


def _audit(
    workspace: Workspace, batch: ImportBatch, writes: pd.DataFrame, revised: pd.DataFrame, user: Any, now: dt.datetime
) -> None:
    """One audit entry per submission: what was added, and each revised cell's before → after."""
    if writes.empty:
        return
    codes = dict(Indicator.objects.values_list("id", "code"))
    regions = dict(Region.objects.values_list("id", "code"))

    def cell(r: Any) -> dict[str, Any]:
        return {
            "indicator": codes[r.indicator_id],
            "ref_area": regions[r.region_id],
            "time_period": r.period,
            "basis": r.basis,
        }

    detail = writes.head(AUDIT_DETAIL_LIMIT)
    after = {
        "batch": batch.pk,
        "rows": len(writes),
        "revised": len(revised),
        "cells": [
            {**cell(r), "obs_value": r.value, "unit": r.unit, "obs_status": r.status} for r in detail.itertuples()
        ],
    }
    before = (
        {
            "cells": [
                {**cell(r), "obs_value": r.prev_value, "obs_status": r.prev_status, "observation": int(r.prev_id)}
                for r in revised.head(AUDIT_DETAIL_LIMIT).itertuples()
            ]
        }
        if len(revised)
        else None
    )
    action = "revise" if len(revised) == len(writes) else ("import" if len(writes) > 1 else "create")
    label = (
        f"{len(writes)} 条观测值"
        if len(writes) > 1
        else (f"{cell(writes.iloc[0])['indicator']} {cell(writes.iloc[0])['ref_area']} {writes.iloc[0]['period']}")
    )
    record(
        action,
        object_type="observations.ImportBatch",
        object_id=batch.pk,
        object_repr=label,
        before=before,
        after=after,
        workspace=workspace,
        actor=user,
        at=now,
    )


__all__ = ["COLUMNS", "Basis", "PermissionDenied", "Problem", "SubmissionRejected", "Submitted", "submit", "validate"]
