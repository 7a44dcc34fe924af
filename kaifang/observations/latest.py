"""The latest annual value in force of some indicators for one region — what an assessment or a default reads.

Stored indicators: the row of the latest year (``YYYY`` period, basis 当期) with ``superseded_at`` NULL. Derived
indicators (a catalog ``formula``): computed from their inputs in force (:func:`kaifang.observations.derive.
derived_panel`). Each value comes with its year, vintage (``submitted_at``), observation ids, sample flag, status and
source, so a page can say where a figure came from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from kaifang.accounts.models import Workspace
from kaifang.catalog.models import Indicator
from kaifang.observations.derive import derived_panel
from kaifang.observations.models import Observation
from kaifang.observations.query import in_force

YEAR = re.compile(r"\d{4}")


def latest_annual(
    ws: Workspace, region: str, codes: Sequence[str], year: str | None = None
) -> dict[str, dict[str, Any]]:
    """Per indicator, the latest annual value in force for the region (or that of ``year``), with year and vintage.

    Stored indicators: the row of the latest year (``YYYY`` period, basis 当期) with ``superseded_at`` NULL.
    Derived indicators (a catalog ``formula``): computed cell by cell from their inputs in force; the vintage is
    the newest input's ``submitted_at``, the sample flag is set when any input is sample data.
    """
    known = {i.code: i for i in Indicator.objects.filter(code__in=list(codes))}
    stored = [c for c in codes if c in known and not known[c].formula]
    out: dict[str, dict[str, Any]] = {}
    rows = (
        in_force(ws)
        .filter(indicator__code__in=stored, region__code=region, basis="P")
        .order_by()
        .values_list("indicator__code", "period", "value", "submitted_at", "id", "is_sample", "status", "source")
    )
    for code, period, value, at, pk, sample, status, source in rows:
        if not YEAR.fullmatch(period) or (year is not None and period != year):
            continue
        if code in out and out[code]["year"] >= period:
            continue
        out[code] = {
            "value": float(value),
            "year": period,
            "submitted_at": timezone.localtime(at).isoformat(),
            "observations": [pk],
            "is_sample": bool(sample),
            "status": status,
            "source": source,
        }
    for code in (c for c in codes if c in known and known[c].formula):
        d = derived_panel(ws, known[code], regions=[region])
        d = d[d["time_period"].astype(str).str.fullmatch(r"\d{4}")] if not d.empty else d
        if year is not None and not d.empty:
            d = d[d["time_period"].astype(str) == year]
        if d.empty:
            continue
        last = d.sort_values("time_period").iloc[-1]
        ids = [int(v["id"]) for v in last["inputs"].values()]
        inputs = Observation.objects.filter(pk__in=ids)
        newest = max((o.submitted_at for o in inputs), default=None)
        out[code] = {
            "value": float(last["obs_value"]),
            "year": str(last["time_period"]),
            "submitted_at": timezone.localtime(newest).isoformat() if newest else None,
            "observations": sorted(ids),
            "is_sample": any(o.is_sample for o in inputs),
            "status": "C",
            "source": "由公式计算：" + known[code].formula,
        }
    return out
