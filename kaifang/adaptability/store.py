"""The platform side: load the library into a workspace, read a region's latest values, store assessments.

``load_library(ws)`` creates the models of ``library.yaml`` that the workspace does not have yet (an existing
model keeps its analysts' prerequisites; missing reference places are added). ``latest_values``
(:func:`kaifang.observations.latest.latest_annual`) reads, per indicator, the latest year with an annual value in
force (current-period basis; derived indicators computed from their formula) and records the period, vintage
(``submitted_at``), observation ids and sample flag. ``run_assessment`` scores a model with the pure core and stores
the snapshot with the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from django.contrib.auth.models import User
from django.db import transaction

from kaifang.accounts.models import Workspace
from kaifang.adaptability.assess import Condition, Model, assess
from kaifang.adaptability.library import LIBRARY, read_library
from kaifang.adaptability.models import Assessment, PolicyModel, Prerequisite, ReferencePlace, ReferenceValue
from kaifang.catalog.models import Indicator
from kaifang.observations.latest import latest_annual as latest_values
from kaifang.regions.models import Region


def load_library(ws: Workspace, text: str | None = None) -> dict[str, int]:
    """Create the library's models (with prerequisites and reference places) missing from the workspace."""
    indicators = {i.code: i for i in Indicator.objects.all()}
    version, records = read_library(text if text is not None else LIBRARY.read_text(encoding="utf-8"), set(indicators))
    counts = {"models": 0, "prerequisites": 0, "references": 0, "values": 0}
    with transaction.atomic():
        for pos, rec in enumerate(records):
            pm, created = PolicyModel.objects.get_or_create(
                workspace=ws,
                key=rec.key,
                defaults={
                    "name_zh": rec.name_zh,
                    "name_en": rec.name_en,
                    "place_zh": rec.place_zh,
                    "place_en": rec.place_en,
                    "section": rec.section,
                    "summary": rec.summary,
                    "position": pos,
                    "library_version": version,
                },
            )
            if created:
                counts["models"] += 1
                for n, c in enumerate(rec.conditions):
                    Prerequisite.objects.create(
                        model=pm,
                        match=c.match,
                        indicator=indicators[c.indicator],
                        op=c.op,
                        needed=c.needed,
                        weight=c.weight,
                        rationale=c.rationale,
                        position=n,
                    )
                    counts["prerequisites"] += 1
            for n, r in enumerate(rec.references):
                place, made = ReferencePlace.objects.get_or_create(
                    model=pm,
                    key=r.key,
                    defaults={
                        "name_zh": r.name_zh,
                        "name_en": r.name_en,
                        "region_code": r.region,
                        "year": r.year,
                        "platform": r.platform,
                        "position": n,
                    },
                )
                counts["references"] += int(made)
                for code, v in r.values.items():
                    _, new = ReferenceValue.objects.get_or_create(
                        place=place,
                        indicator=indicators[code],
                        defaults={"value": v.value, "source": v.source, "is_sample": v.is_sample},
                    )
                    counts["values"] += int(new)
    return counts


def core_model(pm: PolicyModel) -> Model:
    prereqs = pm.prerequisites.filter(retired=False).select_related("indicator")
    return Model(
        pm.key,
        pm.name_zh,
        tuple(
            Condition(
                p.indicator.code, p.op, p.needed, p.weight, p.match, p.indicator.name_zh, p.indicator.unit, p.rationale
            )
            for p in prereqs
        ),
    )


def reference_profiles(ws: Workspace, pm: PolicyModel, codes: Sequence[str]) -> list[dict[str, Any]]:
    """Each reference place with its values (library values, or the platform's latest for ``platform`` places)."""
    out = []
    for place in pm.references.prefetch_related("values__indicator"):
        if place.platform:
            got = latest_values(ws, place.region_code, codes)
            values = {
                c: {"value": v["value"], "year": v["year"], "source": "平台观测值", "is_sample": v["is_sample"]}
                for c, v in got.items()
            }
            year = max((v["year"] for v in got.values()), default=None)
        else:
            values = {
                rv.indicator.code: {
                    "value": rv.value,
                    "year": str(place.year) if place.year else None,
                    "source": rv.source,
                    "is_sample": rv.is_sample,
                }
                for rv in place.values.all()
                if rv.indicator.code in codes
            }
            year = str(place.year) if place.year else None
        out.append(
            {
                "key": place.key,
                "name_zh": place.name_zh,
                "name_en": place.name_en,
                "region": place.region_code,
                "year": year,
                "platform": place.platform,
                "values": values,
            }
        )
    return out


def run_assessment(
    ws: Workspace, pm: PolicyModel, user: User | None = None, region: Region | None = None
) -> Assessment:
    """Assess the workspace's home region (or ``region``) against a model and store it with its snapshot."""
    region = region or ws.home_region
    if region is None:
        raise ValueError(f"工作区 {ws.code} 没有主区域，无法评估 (workspace has no home region)")
    model = core_model(pm)
    codes = [c.indicator for c in model.conditions]
    values = latest_values(ws, region.code, codes)
    refs = reference_profiles(ws, pm, codes)
    table = pd.DataFrame(
        [{c: r["values"].get(c, {}).get("value") for c in codes} for r in refs],
        index=[r["key"] for r in refs],
        columns=codes,
        dtype=float,
    )
    result = assess(model, {c: v["value"] for c, v in values.items()}, table).as_dict()
    names = {r["key"]: r for r in refs}
    for n in result["nearest"]:
        ref = names[n["place"]]
        n.update(name_zh=ref["name_zh"], name_en=ref["name_en"], region=ref["region"], year=ref["year"])
        n["sample"] = any(ref["values"].get(d["indicator"], {}).get("is_sample", True) for d in n["differ"])
    for row in result["conditions"]:
        v = values.get(row["indicator"])
        row["year"] = v["year"] if v else None
        row["is_sample"] = v["is_sample"] if v else None
    for row in result["gaps"]:
        v = values.get(row["indicator"])
        row["year"] = v["year"] if v else None
    years = [v["year"] for v in values.values()]
    snapshot = {
        "model": {"key": pm.key, "name_zh": pm.name_zh, "version": pm.version, "library": pm.library_version},
        "region": {"code": region.code, "name_zh": region.name_zh},
        "conditions": [c.__dict__ for c in model.conditions],
        "values": values,
        "references": refs,
    }
    return Assessment.objects.create(
        workspace=ws,
        model=pm,
        model_version=pm.version,
        region=region,
        as_of_year=max(years) if years else "",
        snapshot=snapshot,
        result=result,
        overall=result["overall"],
        band=result["band"] or "",
        created_by=user,
    )


def latest_assessment(pm: PolicyModel) -> Assessment | None:
    return pm.assessments.order_by("-created_at", "-id").first()
