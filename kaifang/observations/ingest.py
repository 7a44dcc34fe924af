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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from kaifang.accounts.access import Access
from kaifang.accounts.models import Workspace
from kaifang.audit.log import record
from kaifang.catalog.models import Indicator
from kaifang.observations.models import ImportBatch, Observation, Status
from kaifang.observations.validate import COLUMNS, KEY, Problem, as_frame, validate
from kaifang.regions.models import Region

AUDIT_DETAIL_LIMIT = 500


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
    progress: Callable[[int], object] | None = None,
    validated: pd.DataFrame | None = None,
) -> Submitted:
    """Validate and store a submission atomically. Raises SubmissionRejected or PermissionDenied.

    ``progress(n)`` is called as rows are written (for CLI progress bars and job pages);
    ``validated`` is the clean frame of a :func:`validate` call the caller already made on ``rows``
    with the same access (so a large file is not checked twice).
    """
    if validated is None:
        clean, problems, denied = validate(as_frame(rows), access)
        if denied:
            raise PermissionDenied(denied)
        if problems:
            raise SubmissionRejected(problems)
    else:
        clean = validated.copy()
    now = submitted_at or timezone.now()
    clean["indicator_id"] = clean["indicator_id"].astype("int64")
    clean["region_id"] = clean["region_id"].astype("int64")

    with transaction.atomic():
        current = _current_cells(workspace, clean)
        if current.empty:  # a first load: no cell has a predecessor
            merged = clean.reset_index(names="_row")
            merged["prev_id"] = np.nan
            merged["prev_value"] = np.nan
            merged["prev_status"] = None
            merged["prev_at"] = pd.Series(pd.NaT, index=merged.index, dtype="datetime64[ns, UTC]")
        else:
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
        default = np.where(writes["prev_id"].isna(), Status.PRELIMINARY.value, Status.REVISED.value)
        writes["status"] = writes["status"].where(writes["status"] != "", default)
        if writes.empty:  # nothing new: no batch, no audit entry, nothing written
            return Submitted(None, unchanged=int(same.sum()))
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
        _insert(workspace, writes, batch, user, now, is_sample, progress)
        _audit(workspace, batch, writes, revised, user, now)
    return Submitted(batch, created=len(writes) - len(revised), revised=len(revised), unchanged=int(same.sum()))


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


ROW_COLUMNS = [
    "indicator_id", "region_id", "period", "period_end", "basis", "value", "unit", "original_value",
    "original_unit", "status", "source", "note",
]  # fmt: skip


def _insert(
    workspace: Workspace,
    writes: pd.DataFrame,
    batch: ImportBatch,
    user: Any,
    now: dt.datetime,
    is_sample: bool,
    progress: Callable[[int], object] | None = None,
) -> None:
    """The fast path: one COPY on PostgreSQL, one executemany on SQLite — no model objects."""
    if writes.empty:
        return
    # in index order: each B-tree insert lands next to the previous one instead of at a random page
    writes = writes.sort_values(["indicator_id", "region_id", "period", "basis"], kind="stable")
    ops = connection.ops
    at = ops.adapt_datetimefield_value(now)
    uid = user.pk if getattr(user, "pk", None) else None
    ends = {d: ops.adapt_datefield_value(d) for d in writes["period_end"].unique()}
    period_end = writes["period_end"].map(ends)
    orig = writes["original_value"].astype(object).where(writes["original_value"].notna(), None)
    per_row = [
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
        writes["note"].tolist(),
    ]
    per_batch = {"workspace_id": workspace.pk, "is_sample": is_sample, "batch_id": batch.pk,
                 "submitted_by_id": uid, "submitted_at": at}  # fmt: skip
    columns = [*ROW_COLUMNS, *per_batch]
    table = Observation._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            constant = tuple(per_batch.values())
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for start, chunk in _chunks(per_row):
                    for row in chunk:
                        copy.write_row(row + constant)
                    if progress:
                        progress(start)
        else:
            # the per-batch values are bound once, as SQL literals, instead of once per row: only
            # integers, a boolean and the timestamp formatted by Django above — no submitted text
            literals = [str(int(v)) if v is not None else "NULL" for v in list(per_batch.values())[:4]]
            literals.append("'" + str(at).replace("'", "") + "'")
            marks = ", ".join(["%s"] * len(ROW_COLUMNS) + literals)
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            for start, chunk in _chunks(per_row):
                cursor.executemany(sql, chunk)
                if progress:
                    progress(start)


def _chunks(columns: list[list[Any]], size: int = 100_000) -> Iterator[tuple[int, list[tuple[Any, ...]]]]:
    """Rows in chunks, as (rows in this chunk, rows) — so long loads can report progress."""
    n = len(columns[0])
    for start in range(0, n, size):
        chunk = list(zip(*(c[start : start + size] for c in columns), strict=True))
        yield len(chunk), chunk


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


__all__ = ["COLUMNS", "PermissionDenied", "Problem", "SubmissionRejected", "Submitted", "submit", "validate"]
