"""Building the 供应链受阻指数 from the platform's components and storing each estimate as a vintage.

The components (:class:`IndexSpec`) are catalog indicators — the key-firm survey (交货周期, 订单积压,
原材料库存), the freight rate index, corridor status, the NY Fed GSCPI … — read as monthly series in
force at ``as_of``, each oriented by its ``sign`` so that higher means more pressure; the demand
proxies (新订单) are purged out (:func:`kaifang.warning.scpi.estimate`). An index computed from 示例数据 is
示例数据 itself (``is_sample``). Ragged ends (a series published
later than the others) are gaps the EM step fills. The estimate's monthly values are submitted as
observations of ``SUPPLY_CHAIN_DISRUPTION_INDEX`` through the normal ingest path: each re-estimation
is a new vintage of the months it revises, so the revision of history stays visible
(``/w/<ws>/indicators/SUPPLY_CHAIN_DISRUPTION_INDEX/`` and the index page).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import Max
from django.utils import timezone

from kaifang.accounts.access import Access
from kaifang.accounts.models import Role
from kaifang.catalog.models import Indicator
from kaifang.observations import ingest
from kaifang.observations.models import Observation
from kaifang.warning import scpi
from kaifang.warning.models import IndexRun, IndexSpec
from kaifang.warning.readings import read_many

INDEX_CODE = "SUPPLY_CHAIN_DISRUPTION_INDEX"


def component_panel(spec: IndexSpec, as_of: dt.datetime | None = None) -> pd.DataFrame:
    """Months × components (oriented by ``sign``) and demand proxies, on a regular monthly grid."""
    items = [(c["indicator"], c.get("region") or spec.region.code, float(c.get("sign", 1))) for c in spec.components]
    items += [(code, spec.region.code, 1.0) for code in spec.demand]
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=[code for code, _, _ in items])}
    missing = sorted({code for code, _, _ in items} - set(indicators))
    if missing:
        raise ValueError(f"指数分项不在目录中 unknown component indicators: {missing}")
    data = read_many(spec.workspace, [(indicators[c], r) for c, r, _ in items], as_of)
    columns = {}
    for code, region, sign in items:
        s = data[(code, region)]
        s = s[[("/" not in p) for p in s.index]]  # a combined 1–2月 value is not one month
        columns[code] = pd.Series(sign * s.to_numpy(dtype=float), index=pd.PeriodIndex(s.index, freq="M"))
    frame = pd.DataFrame(columns)
    if frame.empty:
        raise ValueError("指数分项没有任何月度数据 (no monthly data for the components)")
    first = pd.Period(spec.start, freq="M") if spec.start else frame.index.min()
    grid = pd.period_range(first, frame.index.max(), freq="M")
    return frame.reindex(grid)


def _trace(spec: IndexSpec, as_of: dt.datetime | None) -> dict[str, Any]:
    codes = [c["indicator"] for c in spec.components] + list(spec.demand)
    qs = Observation.objects.filter(workspace=spec.workspace, indicator__code__in=codes)
    if as_of is not None:
        qs = qs.filter(submitted_at__lte=as_of)
    agg = qs.aggregate(newest=Max("submitted_at"))
    return {
        "components": codes,
        "observations": qs.count(),
        "sample": qs.filter(is_sample=True).exists(),
        "newest_submission": agg["newest"].isoformat() if agg["newest"] else None,
    }


def run_index(
    spec: IndexSpec,
    user: Any = None,
    *,
    as_of: dt.datetime | None = None,
    submitted_at: dt.datetime | None = None,
    job: Any = None,
    progress: Callable[[float, str], None] | None = None,
) -> IndexRun:
    """Estimate on the data in force at ``as_of`` and store the values as a new vintage (one ImportBatch)."""
    when = submitted_at or timezone.now()
    cut = as_of or when
    if progress:
        progress(0.1, "读取分项数据")
    frame = component_panel(spec, cut)
    frame = frame.loc[frame.notna().any(axis=1)]
    frame = frame.reindex(pd.period_range(frame.index.min(), frame.index.max(), freq="M"))
    demand = [d for d in spec.demand if d in frame.columns]
    if progress:
        progress(0.3, f"估计：{frame.shape[1]} 个分项 × {frame.shape[0]} 个月")
    fit = scpi.estimate(frame, demand=demand, lags=spec.lags, anchor=spec.anchor or None)
    index = fit.index.dropna()
    periods = [str(p) for p in index.index]
    rows = [
        {
            "indicator": INDEX_CODE,
            "ref_area": spec.region.code,
            "time_period": p,
            "obs_value": round(float(v), 4),
            "unit": "指数",
            "basis": "P",
            "source": "供应链受阻指数估计（S5 预警系统）",
        }
        for p, v in zip(periods, index.to_numpy(), strict=True)
    ]
    run = IndexRun.objects.create(
        spec=spec,
        job=job,
        created_by=user if getattr(user, "pk", None) else None,
        created_at=when,
        as_of=cut,
        last_period=periods[-1] if periods else "",
        trace=_trace(spec, cut),
    )
    if progress:
        progress(0.7, "写入新的数据版本")
    access = Access(spec.workspace, Role.ANALYST, None)
    done = ingest.submit(
        spec.workspace,
        rows,
        access=access,
        user=user,
        kind="model",
        label=f"供应链受阻指数估计 #{run.pk}",
        submitted_at=when,
        is_sample=spec.workspace.is_sample or run.trace["sample"],
    )
    contributions = fit.contributions.loc[index.index]
    run.batch = done.batch
    run.result = {
        "periods": periods,
        "index": [round(float(v), 4) for v in index.to_numpy()],
        "components": list(fit.loadings.index),
        "loadings": {k: round(float(v), 4) for k, v in fit.loadings.items()},
        "explained": round(float(fit.explained), 4),
        "contributions": {c: [round(float(v), 4) for v in contributions[c].to_numpy()] for c in contributions},
        "observed": {
            c: [bool(np.isfinite(v)) for v in fit.purged.loc[index.index, c].to_numpy()] for c in fit.purged.columns
        },
        "purge": {c: {k: round(float(v), 4) for k, v in row.items()} for c, row in fit.purge.iterrows()},
        "demand": demand,
        "iterations": fit.iterations,
        "converged": bool(fit.converged),
        "written": {"created": done.created, "revised": done.revised, "unchanged": done.unchanged},
    }
    run.save()
    if progress:
        progress(1.0, "完成")
    return run
