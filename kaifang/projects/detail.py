"""The data behind the ledger listing, a project's page, an agreement's page, the funds page and the lineage
of a rolled-up observation (and their JSON twins)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from kaifang.accounts.models import Workspace
from kaifang.observations.models import Observation
from kaifang.projects import models as m
from kaifang.projects.funds import effective_funds, funds_in_place
from kaifang.projects.implementation import implementation_rate
from kaifang.projects.pages import STAGES, years_of, yi
from kaifang.projects.records import Ledger, Milestone, Project, Stage
from kaifang.projects.regions import province_of
from kaifang.projects.stages import effective_milestones, reached_dates, recorded_dates, stage_at
from kaifang.projects.stalled import stalled
from kaifang.projects.store import department_names, region_name

PAGE = 100
FILTERS = ("q", "year", "stage", "status", "department", "sector", "province", "agreement", "stalled")


def _local(at: Any) -> str:
    return timezone.localtime(at).isoformat(timespec="minutes") if at else ""


def _row(p: Project, as_of: date, stalled_ids: set[str], names: dict[str, str], pks: dict[str, int]) -> dict[str, Any]:
    stage = stage_at(p, as_of)
    return {
        "pk": pks.get(p.id), "id": p.id, "name": p.name, "investor": p.investor, "origin": region_name(p.origin_region),
        "origin_region": p.origin_region, "province": province_of(p.origin_region), "sector": p.sector,
        "department": p.department, "department_name": names.get(p.department, p.department),
        "planned": yi(p.planned_investment), "signed_on": p.signed_on.isoformat(),
        "stage": stage.label_zh if stage else "", "status": p.status.value, "stalled": p.id in stalled_ids,
        "funds": yi(sum((f.amount_yi for f in effective_funds(p)), Decimal(0))), "agreement": p.agreement_id or "",
    }  # fmt: skip


def _keep(r: dict[str, Any], f: dict[str, str]) -> bool:
    q = f.get("q", "")
    if q and q not in f"{r['id']} {r['name']} {r['investor']} {r['origin']} {r['sector']}":
        return False
    checks = {"year": r["signed_on"][:4], "stage": r["stage"], "status": r["status"], "department": r["department"],
              "sector": r["sector"], "province": r["province"], "agreement": r["agreement"]}  # fmt: skip
    if any(f.get(k) and f[k] != v for k, v in checks.items()):
        return False
    return not (f.get("stalled") and not r["stalled"])


def ledger_listing(ledger: Ledger, as_of: date, filters: dict[str, str], page: int, pks: dict[str, int]) -> dict:  # type: ignore[type-arg]
    """The projects matching the filters (search in 编号/名称/投资方/所在地/行业), newest signing first, 100 a page."""
    names = department_names()
    stalled_ids = {s.project_id for s in stalled(ledger, as_of)}
    every = [_row(p, as_of, stalled_ids, names, pks) for p in ledger.projects if p.signed_on <= as_of]
    rows = sorted((r for r in every if _keep(r, filters)), key=lambda r: (r["signed_on"], r["id"]), reverse=True)
    pages = max(1, -(-len(rows) // PAGE))
    page = min(max(page, 1), pages)
    provinces = sorted({r["province"] for r in every})
    return {
        "as_of": as_of.isoformat(),
        "filters": {k: filters.get(k, "") for k in FILTERS},
        "total": len(rows),
        "planned_total": round(sum(r["planned"] for r in rows), 4),
        "funds_total": round(sum(r["funds"] for r in rows), 4),
        "page": page,
        "pages": pages,
        "projects": rows[(page - 1) * PAGE : page * PAGE],
        "facets": {
            "years": years_of(ledger),
            "stages": STAGES,
            "statuses": ["推进中", "停滞", "终止"],
            "sectors": sorted({r["sector"] for r in every}),
            "departments": [{"code": c, "name": names.get(c, c)} for c in sorted({r["department"] for r in every})],
            "provinces": [{"code": c, "name": region_name(c)} for c in provinces],
        },
    }


def _evidence(r: Any) -> dict[str, Any] | None:
    f = r.evidence_file
    return {"id": f.pk, "filename": f.filename, "sha256": f.sha256, "size": f.size} if f else None


def _record(r: Any) -> dict[str, Any]:
    """What every record shows: when and by whom it was entered, from where, on what evidence."""
    out = {"id": r.pk, "recorded_at": _local(r.recorded_at), "source_kind": r.get_source_display(),
           "recorded_by": r.recorded_by.get_username() if r.recorded_by else "", "evidence": r.evidence,
           "evidence_file": _evidence(r)}  # fmt: skip
    if isinstance(r, m.MilestoneRecord):
        out |= {"stage": Stage(r.stage).label_zh, "on": r.on.isoformat() if r.on else None, "retracted": r.retracted,
                "note": r.note}  # fmt: skip
    return out


def project_detail(obj: m.Project, ledger: Ledger, as_of: date) -> dict[str, Any]:
    """One project: facts, stages (recorded / implied), every record with the ones in force marked, its
    funds in force by month and source, status changes, a dated timeline and the observations it feeds."""
    core = next(p for p in ledger.projects if p.id == obj.code)
    names = department_names()
    recorded, reached = recorded_dates(core), reached_dates(core)
    held = list(obj.milestones.select_related("evidence_file", "recorded_by").order_by("recorded_at", "pk"))
    pairs = [(r, Milestone(Stage(r.stage), r.on, r.recorded_at, retracted=r.retracted)) for r in held]
    chosen = {id(ms) for ms in effective_milestones([ms for _, ms in pairs]).values()}
    force_pk = {r.pk for r, ms in pairs if id(ms) in chosen}
    records = [{**_record(r), "in_force": r.pk in force_pk} for r in held]
    stall = next((s for s in stalled(Ledger((), (core,)), as_of)), None)
    funds: list[dict[str, Any]] = [
        {"month": f.month, "source_region": f.source_region, "source": region_name(f.source_region),
         "amount": yi(f.amount_yi), "recorded_at": f.recorded_at.isoformat(timespec="minutes"), "evidence": f.evidence}
        for f in effective_funds(core)
    ]  # fmt: skip
    history = [
        {**_record(r), "month": r.month, "source": region_name(r.source_region), "amount": float(r.amount),
         "unit": r.unit}
        for r in obj.funds.select_related("evidence_file", "recorded_by").order_by("-recorded_at", "-pk")[:300]
    ]  # fmt: skip
    changes = [
        {"status": c.status, "on": c.on.isoformat() if c.on else None, "reason": c.reason,
         "recorded_at": _local(c.recorded_at), "recorded_by": c.recorded_by.get_username() if c.recorded_by else ""}
        for c in obj.status_changes.select_related("recorded_by").order_by("recorded_at", "pk")
    ]  # fmt: skip
    timeline = [{"on": obj.signed_on.isoformat(), "kind": "stage", "text": "签约"}]
    timeline += [{"on": d.isoformat(), "kind": "stage", "text": s.label_zh} for s, d in recorded.items() if s > 1]
    timeline += [{"on": c["on"], "kind": "status", "text": f"{c['status']}：{c['reason']}"} for c in changes if c["on"]]
    feeds = m.RollupLineage.objects.filter(project=obj).values_list("observation_id", flat=True)
    current = Observation.objects.filter(pk__in=feeds, superseded_at__isnull=True).select_related("indicator")
    return {
        "id": obj.code, "pk": obj.pk, "name": obj.name, "investor": obj.investor,
        "origin": region_name(obj.origin_region), "origin_region": obj.origin_region, "sector": obj.sector,
        "planned_investment": yi(obj.planned_investment), "department": obj.department,
        "department_name": names.get(obj.department, obj.department), "signed_on": obj.signed_on.isoformat(),
        "agreement": {"pk": obj.agreement.pk, "id": obj.agreement.code, "title": obj.agreement.title}
        if obj.agreement else None,
        "status": obj.status, "status_reason": obj.status_reason,
        "status_on": obj.status_on.isoformat() if obj.status_on else None, "is_sample": obj.is_sample,
        "as_of": as_of.isoformat(), "stage": (stage_at(core, as_of) or Stage.SIGNED).label_zh,
        "stages": [{"stage": s.label_zh, "recorded": recorded[s].isoformat() if s in recorded else None,
                    "reached": reached[s].isoformat() if s in reached else None,
                    "implied": s in reached and s not in recorded} for s in Stage],
        "stalled": {"months_without": stall.months_without, "last_on": stall.last_on.isoformat()} if stall else None,
        "milestones": records, "funds": funds, "funds_total": round(sum(f["amount"] for f in funds), 4),
        "funds_records": history, "status_changes": changes,
        "timeline": sorted(timeline, key=lambda e: e["on"]),
        "observations": [{"id": o.pk, "indicator": o.indicator.code, "name": o.indicator.name_zh, "period": o.period,
                          "value": o.value, "unit": o.unit} for o in current.order_by("indicator__code", "period")],
    }  # fmt: skip


def agreement_detail(obj: m.Agreement, ledger: Ledger, as_of: date) -> dict[str, Any]:
    """One agreement: facts, documents, its projects with their stage, its 落实 state."""
    names = department_names()
    rate = implementation_rate(ledger, obj.signed_on.year, as_of)
    state = "implemented" if obj.code in rate.implemented else "not" if obj.code in rate.not_implemented else "pending"
    pks = dict(m.Project.objects.filter(agreement=obj).values_list("code", "pk"))
    projects = [
        {"pk": pks.get(p.id), "id": p.id, "name": p.name, "signed_on": p.signed_on.isoformat(),
         "stage": (stage_at(p, as_of) or Stage.SIGNED).label_zh, "status": p.status.value,
         "funds": yi(sum((f.amount_yi for f in effective_funds(p)), Decimal(0)))}
        for p in ledger.projects_of(obj.code)
    ]  # fmt: skip
    return {
        "id": obj.code, "pk": obj.pk, "title": obj.title, "parties": obj.parties,
        "partner": region_name(obj.partner_region), "partner_region": obj.partner_region,
        "partner_kind": obj.get_partner_kind_display(), "cross_border": obj.partner_kind == "country",
        "kind": obj.kind, "sector": obj.sector, "signed_on": obj.signed_on.isoformat(), "place": obj.place,
        "intended_amount": yi(obj.intended_amount) if obj.intended_amount is not None else None,
        "department": obj.department, "department_name": names.get(obj.department, obj.department),
        "documents": [{"id": d.pk, "filename": d.filename, "sha256": d.sha256} for d in obj.documents.all()],
        "document_names": obj.document_names, "is_sample": obj.is_sample, "as_of": as_of.isoformat(),
        "state": state, "projects": projects,
    }  # fmt: skip


def funds_page(workspace: Workspace, ledger: Ledger, year: int) -> dict[str, Any]:
    """实际到位资金 of ``year`` by month and scope, the 省外到位资金 observations rolled up (with the link to
    their lineage) and the projects that brought the most."""
    months: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"out_of_province": 0.0, "foreign": 0.0, "in_province": 0.0}
    )
    for scope in ("out_of_province", "foreign", "in_province"):
        for t in funds_in_place(ledger, freq="M", scope=scope):
            if t.period.startswith(str(year)):
                months[t.period][scope] = yi(t.amount)
    obs = {}
    if workspace.home_region is not None:
        found = Observation.objects.filter(
            workspace=workspace, indicator__code="OUT_PROVINCE_FUNDS", region=workspace.home_region,
            period__startswith=str(year), basis="P", superseded_at__isnull=True,
        )  # fmt: skip
        obs = {o.period: {"id": o.pk, "value": o.value, "source": o.source, "submitted_at": _local(o.submitted_at)}
               for o in found}  # fmt: skip
    top: dict[str, Decimal] = defaultdict(Decimal)
    for p in ledger.projects:
        for f in effective_funds(p):
            if f.month.startswith(str(year)):
                top[p.id] += f.amount_yi
    pks = dict(m.Project.objects.filter(workspace=workspace, code__in=list(top)).values_list("code", "pk"))
    names = {p.id: p.name for p in ledger.projects}
    totals = {k: round(sum(v[k] for v in months.values()), 4) for k in ("out_of_province", "foreign", "in_province")}
    return {
        "year": year,
        "years": sorted({int(f.month[:4]) for p in ledger.projects for f in p.funds}, reverse=True),
        "unit": "亿元",
        "months": [{"month": k, **v, "observation": obs.get(k)} for k, v in sorted(months.items())],
        "totals": {**totals, "all": round(sum(totals.values()), 4)},
        "annual_observation": obs.get(str(year)),
        "top_projects": [{"pk": pks.get(pid), "id": pid, "name": names[pid], "funds": yi(v)}
                         for pid, v in sorted(top.items(), key=lambda kv: -kv[1])[:20]],
    }  # fmt: skip


def lineage_page(workspace: Workspace, obs: Observation) -> dict[str, Any]:
    """An observation the ledger rolled up and the records it sums (or the projects/agreements it counts)."""
    rows = m.RollupLineage.objects.filter(workspace=workspace, observation_id=obs.pk).select_related(
        "project", "agreement"
    )
    contributions: list[dict[str, Any]] = [
        {"project": {"pk": r.project.pk, "id": r.project.code, "name": r.project.name} if r.project else None,
         "agreement": {"pk": r.agreement.pk, "id": r.agreement.code, "title": r.agreement.title}
         if r.agreement else None,
         "month": r.month, "source_region": r.source_region,
         "source": region_name(r.source_region) if r.source_region else "",
         "amount": yi(r.amount) if r.amount is not None else None}
        for r in rows.order_by("month", "pk")
    ]  # fmt: skip
    amounts = [c["amount"] for c in contributions if c["amount"] is not None]
    cell = Observation.objects.filter(
        workspace=workspace, indicator=obs.indicator, region=obs.region, period=obs.period, basis=obs.basis
    ).order_by("-submitted_at")
    return {
        "observation": {"id": obs.pk, "indicator": obs.indicator.code, "name": obs.indicator.name_zh,
                        "ref_area": obs.region.code, "region": obs.region.name_zh, "period": obs.period,
                        "value": obs.value, "unit": obs.unit, "status": obs.get_status_display(), "source": obs.source,
                        "note": obs.note, "submitted_at": _local(obs.submitted_at),
                        "superseded_at": _local(obs.superseded_at) or None, "is_sample": obs.is_sample},
        "contributions": contributions,
        "count": len(contributions),
        "sum": round(sum(amounts), 4) if amounts else None,
        "vintages": [{"id": o.pk, "value": o.value, "submitted_at": _local(o.submitted_at),
                      "current": o.superseded_at is None, "source": o.source} for o in cell],
    }  # fmt: skip
