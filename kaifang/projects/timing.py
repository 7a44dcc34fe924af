"""Time between consecutive stages (阶段间隔, days) — pandas.

For each pair of consecutive stages (签约→注册, 注册→开工, 开工→投产, 投产→达产) and each project that has a
**recorded** date for both, on or before ``as_of``::

    days = date(next stage) − date(stage)
    median_days = median over those projects

Only projects that reached both stages enter a median. A stage that was skipped (开工 recorded, 注册 not)
is implied for the funnel but has no date, so the project gives no 签约→注册 or 注册→开工 interval; it is
not imputed. Terminated projects count with the intervals they completed. The intervals are recorded as
entered: the ledger reader refuses dates out of stage order, so a negative interval can only come from a
hand-built record.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, datetime

import pandas as pd

from kaifang.projects.records import Ledger
from kaifang.projects.regions import province_of
from kaifang.projects.stages import STAGES, recorded_dates

__all__ = ["TRANSITIONS", "stage_durations", "stage_intervals"]

TRANSITIONS = tuple(itertools.pairwise(STAGES))


def stage_intervals(ledger: Ledger, as_of: date, known_at: datetime | None = None) -> pd.DataFrame:
    """One row per project and completed transition: ``project_id``, the project's grouping keys
    (``year``, ``region``, ``province``, ``sector``, ``department``), ``from_stage``, ``to_stage``, ``days``."""
    rows = []
    for p in ledger.projects:
        dates = {s: d for s, d in recorded_dates(p, known_at).items() if d <= as_of}
        for a, b in TRANSITIONS:
            if a in dates and b in dates:
                rows.append(
                    {
                        "project_id": p.id,
                        "year": p.signed_on.year,
                        "region": p.origin_region,
                        "province": province_of(p.origin_region),
                        "sector": p.sector,
                        "department": p.department,
                        "from_stage": a.label_zh,
                        "to_stage": b.label_zh,
                        "days": (dates[b] - dates[a]).days,
                    }
                )
    columns = ["project_id", "year", "region", "province", "sector", "department", "from_stage", "to_stage", "days"]
    return pd.DataFrame(rows, columns=columns)


def stage_durations(
    ledger: Ledger, as_of: date, by: str | Sequence[str] | None = None, known_at: datetime | None = None
) -> pd.DataFrame:
    """Median days between consecutive stages: one row per group and transition with ``n`` (projects
    with both dates) and ``median_days`` (NaN when n = 0), transitions in stage order."""
    keys = [by] if isinstance(by, str) else list(by or [])
    intervals = stage_intervals(ledger, as_of, known_at)
    order = {a.label_zh: i for i, (a, _) in enumerate(TRANSITIONS)}
    if not keys:
        rows = []
        for a, b in TRANSITIONS:
            days = intervals.loc[intervals["from_stage"] == a.label_zh, "days"]
            rows.append(
                {
                    "from_stage": a.label_zh,
                    "to_stage": b.label_zh,
                    "n": len(days),
                    "median_days": float(days.median()) if len(days) else float("nan"),
                }
            )
        return pd.DataFrame(rows)
    grouped = intervals.groupby([*keys, "from_stage", "to_stage"])["days"].agg(n="size", median_days="median")
    out = grouped.reset_index()
    out["median_days"] = out["median_days"].astype(float)
    out = out.sort_values([*keys, "from_stage"], key=lambda c: c.map(order) if c.name == "from_stage" else c)
    return out.reset_index(drop=True)
