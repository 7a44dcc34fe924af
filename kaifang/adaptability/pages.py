"""The dicts behind the adaptability pages (each is also the page's JSON twin)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kaifang.accounts.models import Workspace
from kaifang.adaptability.assess import MATCH_ZH, MATCHES
from kaifang.adaptability.models import Assessment, PolicyModel, Prerequisite
from kaifang.adaptability.store import latest_assessment
from kaifang.catalog.models import Indicator

MATCH_EN = {
    "policy_industry": "Policy supply vs industrial base",
    "reform_conditions": "Reform intensity vs real conditions",
    "positioning_endowment": "Strategic positioning vs endowment",
}
BAND_NOTE = "≥ 80 适配；60–80 有条件借鉴；< 60 不宜照搬"


def matches() -> list[dict[str, str]]:
    return [{"key": m, "name_zh": MATCH_ZH[m], "name_en": MATCH_EN[m]} for m in MATCHES]


def prerequisite(p: Prerequisite) -> dict[str, Any]:
    return {
        "id": p.pk,
        "match": p.match,
        "match_zh": MATCH_ZH[p.match],
        "indicator": p.indicator.code,
        "name": p.indicator.name_zh,
        "unit": p.indicator.unit,
        "op": p.op,
        "needed": p.needed,
        "weight": p.weight,
        "rationale": p.rationale,
        "retired": p.retired,
    }


def assessment_brief(a: Assessment | None) -> dict[str, Any] | None:
    if a is None:
        return None
    return {
        "id": a.pk,
        "overall": a.overall,
        "band": a.band or None,
        "verdict": a.result.get("verdict"),
        "readiness": a.result.get("readiness"),
        "model_version": a.model_version,
        "region": a.region_id and a.snapshot["region"],
        "as_of_year": a.as_of_year,
        "created_at": timezone.localtime(a.created_at).strftime("%Y-%m-%d %H:%M"),
    }


def model_brief(pm: PolicyModel) -> dict[str, Any]:
    live = [p for p in pm.prerequisites.all() if not p.retired]
    return {
        "key": pm.key,
        "name_zh": pm.name_zh,
        "name_en": pm.name_en,
        "place_zh": pm.place_zh,
        "place_en": pm.place_en,
        "section": pm.section,
        "summary": pm.summary,
        "version": pm.version,
        "prerequisites": {m: [prerequisite(p) for p in live if p.match == m] for m in MATCHES},
        "groups": [
            {"key": m, "name_zh": MATCH_ZH[m], "items": [prerequisite(p) for p in live if p.match == m]}
            for m in MATCHES
        ],
        "latest": assessment_brief(latest_assessment(pm)),
    }


def _models(ws: Workspace) -> list[PolicyModel]:
    return list(PolicyModel.objects.filter(workspace=ws, retired=False).prefetch_related("prerequisites__indicator"))


def library(ws: Workspace) -> dict[str, Any]:
    """Every model with its prerequisites under the three matches and its latest assessment."""
    return {"matches": matches(), "bands": BAND_NOTE, "models": [model_brief(pm) for pm in _models(ws)]}


def model_detail(ws: Workspace, pm: PolicyModel) -> dict[str, Any]:
    """The model, all its prerequisites (retired too), its reference places with their profiles, its assessments."""
    places = []
    for place in pm.references.prefetch_related("values__indicator"):
        places.append(
            {
                "key": place.key,
                "name_zh": place.name_zh,
                "name_en": place.name_en,
                "region": place.region_code,
                "year": place.year,
                "platform": place.platform,
                "values": [
                    {
                        "indicator": v.indicator.code,
                        "name": v.indicator.name_zh,
                        "unit": v.indicator.unit,
                        "value": v.value,
                        "source": v.source,
                        "is_sample": v.is_sample,
                    }
                    for v in place.values.all()
                ],
            }
        )
    return {
        **model_brief(pm),
        "matches": matches(),
        "all_prerequisites": [prerequisite(p) for p in pm.prerequisites.select_related("indicator")],
        "references": places,
        "assessments": [assessment_brief(a) for a in pm.assessments.all()[:20]],
    }


def report(ws: Workspace, pm: PolicyModel, a: Assessment | None) -> dict[str, Any]:
    """A stored assessment as it was computed (its own snapshot), plus whether the library changed since."""
    base = {"model": model_brief(pm), "matches": matches(), "bands": BAND_NOTE}
    if a is None:
        return {**base, "assessment": None}
    res = a.result
    codes = {d["indicator"] for n in res["nearest"] for d in n.get("differ", [])}
    names = dict(Indicator.objects.filter(code__in=codes).values_list("code", "name_zh"))
    nearest = [
        {**n, "differ": [{**d, "name": names.get(d["indicator"], d["indicator"])} for d in n.get("differ", [])]}
        for n in res["nearest"]
    ]
    return {
        **base,
        "assessment": {
            **(assessment_brief(a) or {}),
            "stale": a.model_version != pm.version,
            "current_version": pm.version,
            "readiness": [
                {"match": m, "name_zh": MATCH_ZH[m], "name_en": MATCH_EN[m], "readiness": res["readiness"].get(m)}
                for m in MATCHES
            ],
            "conditions": res["conditions"],
            "gaps": res["gaps"],
            "nearest": nearest,
            "values": a.snapshot["values"],
            "references": a.snapshot["references"],
        },
    }


def matrix(ws: Workspace) -> dict[str, Any]:
    """All models × the three matches for the home region: the latest assessment's readiness per cell."""
    rows = []
    heat: list[list[float | int | None]] = []
    models = _models(ws)
    for i, pm in enumerate(models):
        a = latest_assessment(pm)
        r = a.result["readiness"] if a else {}
        rows.append(
            {
                "key": pm.key,
                "name_zh": pm.name_zh,
                "name_en": pm.name_en,
                "readiness": {m: r.get(m) for m in MATCHES},
                "overall": a.overall if a else None,
                "band": (a.band or None) if a else None,
                "verdict": a.result.get("verdict") if a else None,
                "gaps": len(a.result["gaps"]) if a else None,
                "assessment": a.pk if a else None,
                "as_of_year": a.as_of_year if a else None,
            }
        )
        for j, m in enumerate([*MATCHES, "overall"]):
            v = (a.overall if m == "overall" else r.get(m)) if a else None
            heat.append([j, i, None if v is None else round(v, 1)])
    region = ws.home_region
    return {
        "region": {"code": region.code, "name_zh": region.name_zh} if region else None,
        "matches": matches(),
        "bands": BAND_NOTE,
        "rows": rows,
        "heat": {
            "x": [MATCH_ZH[m] for m in MATCHES] + ["总体"],
            "x_en": [MATCH_EN[m] for m in MATCHES] + ["Overall"],
            "y": [r["name_zh"] for r in rows],
            "y_en": [r["name_en"] for r in rows],
            "values": heat,
        },
    }


def headline(ws: Workspace) -> dict[str, Any] | None:
    """The cockpit's adaptability card: how many models are suitable or conditional, and the readiest one."""
    rows = [r for r in matrix(ws)["rows"] if r["overall"] is not None]
    if not rows:
        return None
    best = max(rows, key=lambda r: r["overall"])
    return {
        "models": len(rows),
        "suitable": sum(r["band"] == "suitable" for r in rows),
        "conditional": sum(r["band"] == "conditional" for r in rows),
        "best": {k: best[k] for k in ("key", "name_zh", "name_en", "overall", "verdict", "band")},
    }
