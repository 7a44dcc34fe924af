"""Build a stored index definition on the observation store and keep everything needed to trace it.

:func:`run_build` reads the definition's data as of a moment (the vintages in force then), replays the
spec with the pure engine, and stores one :class:`~kaifang.indexing.models.IndexScore` per region, year and
code — every aggregate at every level, and each indicator's normalised score — with the pipeline log, the
statistical audit of the latest year and the summary of the observations used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone

from kaifang.core.jsonsafe import json_safe
from kaifang.indexing import audit
from kaifang.indexing.data import index_data
from kaifang.indexing.models import IndexBuild, IndexDefinition, IndexScore
from kaifang.indexing.results import rank
from kaifang.indexing.spec import build, complete_framework, load_spec
from kaifang.regions.models import Region

Progress = Callable[[float, str], None]


def framework_frame(definition: IndexDefinition) -> pd.DataFrame:
    return pd.DataFrame(definition.framework)


def build_audit(values: pd.DataFrame, normalised: pd.DataFrame, framework: pd.DataFrame) -> dict[str, Any]:
    """The statistical audit of one year (Handbook 2008 §4): indicator statistics and flags, collinear or
    negative pairs within an aggregate, Cronbach's alpha and first-PC share per aggregate, effective weights."""
    indicators = framework.loc[framework["Type"] == "Indicator", "iCode"].tolist()
    tree = framework[framework["Type"].isin(["Indicator", "Aggregate"])]
    stats = audit.indicator_stats(values[indicators], framework=tree)
    try:
        pca: Any = audit.pca_by_group(normalised[indicators], tree).reset_index(names="iCode").to_dict(orient="records")
    except ValueError as exc:  # too few complete rows for a PCA: the audit says so, the build goes on
        pca = {"error": str(exc)}
    flags = audit.corr_flags(normalised[indicators], tree)
    return json_safe(
        {
            "stats": stats.reset_index(names="iCode").to_dict(orient="records"),
            "corr_flags": flags.to_dict(orient="records"),
            "cronbach": audit.cronbach_by_group(normalised[indicators], tree).to_dict(),
            "pca": pca,
            "effective_weights": audit.effective_weights(tree)["EffWeight"].to_dict(),
        }
    )


def compute(definition: IndexDefinition, as_of: Any = None) -> tuple[Any, pd.DataFrame, dict[str, Any]]:
    """The built coin or panel, the input table and the data summary — no database writes."""
    fw = framework_frame(definition)
    data, summary = index_data(definition.workspace, fw, definition.units, definition.years, as_of=as_of)
    spec = load_spec(definition.spec)
    obj = build(data, complete_framework(data, fw), spec["steps"], spec.get("level_names"), spec.get("exclude"))
    return obj, data, summary


@transaction.atomic
def run_build(
    definition: IndexDefinition, user: Any = None, *, as_of: Any = None, progress: Progress | None = None
) -> IndexBuild:
    """Build ``definition`` on the vintages in force at ``as_of`` (default now) and store the result."""
    step = progress or (lambda f, m: None)
    as_of = as_of or timezone.now()
    step(0.05, "读取观测值 (reading observations)")
    obj, data, summary = compute(definition, as_of)
    step(0.6, "保存得分 (storing scores)")
    fw = framework_frame(definition)
    levels = dict(zip(fw["iCode"], fw["Level"], strict=True))
    aggregated = obj.get("Aggregated").reset_index()
    normalised = obj.get("Normalised").reset_index()
    if "Time" not in aggregated.columns:
        aggregated["Time"] = normalised["Time"] = int(data["Time"].max())  # a single year: no Time column
    indicators = fw.loc[fw["Type"] == "Indicator", "iCode"].tolist()
    aggregates = fw.loc[fw["Type"] == "Aggregate", "iCode"].tolist()
    scores = pd.concat(
        [
            aggregated[["uCode", "Time", *aggregates]].melt(["uCode", "Time"], var_name="code"),
            normalised[["uCode", "Time", *indicators]].melt(["uCode", "Time"], var_name="code"),
        ]
    )
    scores["rank"] = scores.groupby(["Time", "code"])["value"].transform(rank)
    latest = max(int(t) for t in data["Time"])
    # audit what enters treatment: the denominated values (per GDP, per person …) when the spec denominates
    steps = [e["step"] for e in obj.log]
    base = obj.get("Denominated" if "denominate" in steps else "Raw").reset_index()
    if "Time" not in base.columns:
        base["Time"] = latest
    raw_latest = base[base["Time"] == latest].set_index("uCode")
    norm_latest = normalised[normalised["Time"] == latest].set_index("uCode")
    built = IndexBuild.objects.create(
        definition=definition,
        as_of=as_of,
        log=json_safe(obj.log),
        created_by=user,
        audit={"year": latest, **build_audit(raw_latest, norm_latest, fw)},
        data_summary=summary,
    )
    regions = dict(Region.objects.filter(code__in=definition.units).values_list("code", "id"))
    IndexScore.objects.bulk_create(
        [
            IndexScore(
                build=built,
                region_id=regions[r.uCode],
                year=str(r.Time),
                code=r.code,
                level=int(levels[r.code]),
                score=None if pd.isna(r.value) else float(r.value),
                rank=None if pd.isna(r.rank) else int(r.rank),
            )
            for r in scores.itertuples(index=False)
        ],
        batch_size=2000,
    )
    step(1.0, "完成 (done)")
    return built
