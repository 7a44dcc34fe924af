"""Load the demo roadmap (示例数据) into a workspace: ``load_demo(workspace, user)``.

The seven recommendations of the report (:mod:`kaifang.roadmap.demo_spec`) become policies with tasks and KPIs;
monthly progress reports are filed from 2025-01 to 2026-10 with their values and, each quarter, an evidence file;
some reports are late, two are missing, one is rejected and filed again; one target revision is approved and one
is pending; 2026Q2 and 2026Q3 are finalised; three exploratory measures are in the 容错 registry. The quarterly
values of the two customs series behind RCEP_GI_UTILIZATION (2025Q1–2026Q3) are submitted through the normal
ingest path as 示例数据. Everything goes through the same write functions as the web pages (validated,
audited), acting as ``user``.

Idempotent: when the workspace already has sample policies, nothing is written and the counts are returned.
"""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kaifang.accounts.access import Access
from kaifang.accounts.models import Department, Membership, Role, Workspace
from kaifang.audit.context import acting_as
from kaifang.catalog.models import Indicator
from kaifang.roadmap import registry, workflow
from kaifang.roadmap.assess import finalise
from kaifang.roadmap.demo_spec import MEASURES, POLICIES, RCEP_QUARTERS, THROUGH
from kaifang.roadmap.models import Kpi, Policy, ProgressReport, Task
from kaifang.roadmap.months import month_index, month_label

START = "2025-01"
BASELINE = "2024-12"


def _at(day: str, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour)))


def _interpolate(anchors: list[tuple[str, float]], month: str, decimals: int) -> float:
    m = month_index(month)
    points = [(month_index(a), float(v)) for a, v in anchors]
    for (m0, v0), (m1, v1) in pairwise(points):
        if m0 <= m <= m1:
            return round(v0 + (v1 - v0) * (m - m0) / (m1 - m0), decimals)
    return round(points[-1][1], decimals)


def _catalog_baseline(workspace: Workspace, code: str) -> float | None:
    from kaifang.cockpit.explorer import values_for

    home = workspace.home_region.code if workspace.home_region else None
    frame = values_for(
        workspace, Indicator.objects.get(code=code), regions=[home] if home else None, periods=[BASELINE[:4]]
    )
    return None if frame.empty else round(float(frame["obs_value"].iloc[0]), 2)


def _people(workspace: Workspace, user: User) -> tuple[dict[str, User], User | None]:
    """Department officers who file their own reports, and a second reviewer (四眼原则) besides ``user``."""
    officers = {
        m.department.code: m.user
        for m in Membership.objects.filter(workspace=workspace, role=Role.OFFICER).select_related("department", "user")
        if m.department
    }
    reviewer = (
        Membership.objects.filter(workspace=workspace, role__in=[Role.ADMIN, Role.ANALYST])
        .exclude(user=user)
        .select_related("user")
        .first()
    )
    other = reviewer.user if reviewer else User.objects.filter(is_superuser=True).exclude(pk=user.pk).first()
    return officers, other


def _rcep_observations(workspace: Workspace, user: User) -> None:
    from kaifang.observations import ingest

    home = workspace.home_region.code if workspace.home_region else "511900"
    rows = []
    for quarter, (exports, rate) in RCEP_QUARTERS.items():
        for code, value in (("RCEP_GI_EXPORT", exports), ("RCEP_GI_PREF_EXPORT", round(exports * rate / 100, 2))):
            rows.append(
                {
                    "indicator": code,
                    "ref_area": home,
                    "time_period": quarter,
                    "obs_value": value,
                    "unit": "万元",
                    "obs_status": "初步",
                    "source": "巴中海关（示例数据）",
                }
            )
    ingest.submit(
        workspace,
        rows,
        access=Access(workspace, Role.ANALYST, None),
        user=user,
        kind="demo",
        label="RCEP地理标志产品出口季度数据（路线图示例数据）",
        is_sample=True,
        submitted_at=_at("2026-10-25"),
    )


def _narrative(task: Task, month: str, values: dict[str, float], units: dict[str, str]) -> str:
    done = "；".join(f"{name}{v:g}{units[name]}" for name, v in values.items())
    return (
        f"{month[:4]}年{int(month[5:])}月，{task.title}按计划推进，牵头部门{task.lead_department}组织调度。"
        + (f"本月完成情况：{done}。" if done else "本月以制度建设和协调推进为主，无可计量数据。")
        + "（示例数据）"
    )


def _reports(
    task: Task, spec: dict[str, Any], kpis: list[tuple[Kpi, dict[str, Any]]], user: User, people: tuple
) -> int:  # type: ignore[type-arg]
    officers, reviewer = people
    filer = officers.get(task.lead_department.code, user)
    reporting = spec.get("reporting", {})
    access = Access(task.workspace, Role.OFFICER if filer != user else Role.ANALYST, task.lead_department_id)
    n = 0
    for m in range(month_index(START), month_index(THROUGH) + 1):
        month = month_label(m)
        if month in reporting.get("missing", []):
            continue
        nxt = month_label(m + 1)
        day = f"{nxt}-13" if month in reporting.get("late", []) else f"{nxt}-06"
        values = {k.pk: str(_interpolate(s["actual"], month, s.get("decimals", 0))) for k, s in kpis if "actual" in s}
        shown = {k.name: float(values[k.pk]) for k, _ in kpis if k.pk in values}
        files = (
            [(f"{month}月度进展佐证.txt", f"{task.title} {month} 佐证材料（示例数据）".encode())] if m % 3 == 2 else []
        )
        today = dt.date.fromisoformat(day)
        r = workflow.file_report(
            task,
            access,
            filer,
            month=month,
            values=values,
            files=files,
            today=today,
            narrative=_narrative(task, month, shown, {k.name: k.unit for k, _ in kpis}),
            filed_at=_at(day),
        )
        n += 1
        if month in reporting.get("rejected", []) and reviewer is not None:
            reviewer_access = Access(task.workspace, Role.ANALYST, None)
            workflow.reject_report(
                r, reviewer_access, reviewer, "佐证材料与完成值不一致，请补充运营补贴兑付凭证后重报。"
            )
            ProgressReport.objects.filter(pk=r.pk).update(reviewed_at=_at(f"{nxt}-08"))
            workflow.file_report(
                task,
                access,
                filer,
                month=month,
                values=values,
                files=files,
                today=today,
                narrative=_narrative(task, month, shown, {k.name: k.unit for k, _ in kpis}) + "已补充凭证。",
                filed_at=_at(f"{nxt}-15"),
            )
            n += 1
    return n


def _kpi(task: Task, spec: dict[str, Any], position: int, user: User) -> Kpi:
    ind = Indicator.objects.get(code=spec["indicator"]) if spec.get("indicator") else None
    baseline = spec["baseline"]
    if baseline is None and ind is not None:  # the 2024 value in the observations (the report's 2024 level if none)
        baseline = _catalog_baseline(task.workspace, ind.code) or spec["fallback"]
    kpi = Kpi.objects.create(
        workspace=task.workspace,
        task=task,
        name=spec["name"],
        unit=spec.get("unit", ""),
        indicator=ind,
        frequency=spec.get("frequency", "月"),
        direction=spec.get("direction", 1),
        baseline=baseline,
        baseline_period=BASELINE,
        weight=spec.get("weight", 1.0),
        lead_department=task.lead_department,
        note=spec.get("note", ""),
        position=position,
    )
    kpi.cooperating.set(task.cooperating.all())
    workflow.set_original_target(
        kpi, user, value=spec["target"], deadline=spec["deadline"], milestones=spec.get("milestones")
    )
    return kpi


def _revision(kpi: Kpi, spec: dict[str, Any], user: User, reviewer: User | None) -> None:
    rev = spec["revision"]
    access = Access(kpi.workspace, Role.ANALYST, None)
    stones = "; ".join(f"{m}:{v:g}" for m, v in rev["milestones"])
    t = workflow.request_revision(
        kpi,
        access,
        user,
        value=str(rev["value"]),
        deadline=rev["deadline"],
        effective_from=rev["effective_from"],
        reason=rev["reason"],
        milestones=stones,
        today=dt.date.fromisoformat(rev["requested"]),
    )
    t.requested_at = _at(rev["requested"])
    t.save()
    if reviewer is not None:
        workflow.decide_revision(t, access, reviewer, approve=True, comment="同意按省人大立法安排顺延。")
        t.refresh_from_db()
        t.decided_at = _at(rev["decided"])
        t.save()


def _measures(workspace: Workspace, user: User, policies: list[Policy]) -> None:
    access = Access(workspace, Role.ANALYST, None)
    for spec in MEASURES:
        form = {
            k: spec[k]
            for k in ("title", "department", "scope", "legal_basis_gap", "risk", "risk_level", "supervisor", "filed_on")
        }
        m = registry.file_measure(
            workspace, access, user, {**form, "policy": str(policies[spec["policy"]].pk), "is_sample": "1"}
        )
        for on, kind, note in spec["log"]:
            registry.add_entry(m, access, user, on=on, kind=kind, note=note + "（示例数据）")
        if "outcome" in spec:
            outcome, note, closed = spec["outcome"]
            registry.record_outcome(m, access, user, outcome=outcome, note=note, closed_on=closed)


def counts(workspace: Workspace) -> dict[str, int]:
    return {
        "政策": Policy.objects.filter(workspace=workspace).count(),
        "任务": Task.objects.filter(workspace=workspace).count(),
        "指标": Kpi.objects.filter(workspace=workspace).count(),
        "月度报告": ProgressReport.objects.filter(workspace=workspace).count(),
    }


def load_demo(workspace: Workspace, user: User) -> dict[str, int]:
    """Seed ``workspace`` with the demo roadmap (示例数据), acting as ``user``; a second run changes nothing."""
    if Policy.objects.filter(workspace=workspace, is_sample=True).exists():
        return counts(workspace)
    people = _people(workspace, user)
    with acting_as(user), transaction.atomic():
        _rcep_observations(workspace, user)
        policies = []
        for i, p in enumerate(POLICIES):
            policy = Policy.objects.create(
                workspace=workspace,
                title=p["title"],
                doc_number=p["doc_number"],
                issuer=p["issuer"],
                issued_on=p["issued_on"],
                effective_from=p["effective_from"],
                valid_until=p["valid_until"],
                transition_start=p.get("transition_start"),
                transition_end=p.get("transition_end"),
                summary=p["summary"],
                source=p["source"],
                position=i,
                is_sample=True,
            )
            policies.append(policy)
            for j, t in enumerate(p["tasks"]):
                task = Task.objects.create(
                    workspace=workspace,
                    policy=policy,
                    title=t["title"],
                    position=j,
                    lead_department=Department.objects.get(code=t["lead"]),
                    start_month=START,
                    end_month="2027-12",
                )
                task.cooperating.set(Department.objects.filter(code__in=t.get("coop", [])))
                kpis = [(_kpi(task, k, n, user), k) for n, k in enumerate(t["kpis"])]
                _reports(task, t, kpis, user, people)
                for kpi, spec in kpis:
                    if "revision" in spec:
                        _revision(kpi, spec, user, people[1])
        _pending_revision(workspace, user)
        for month, label in (("2026-06", "2026Q2"), ("2026-09", "2026Q3")):
            finalise(workspace, month, user, label)
        _measures(workspace, user, policies)
    return counts(workspace)


def _pending_revision(workspace: Workspace, user: User) -> None:
    """A request waiting for approval, so the 目标调整 page has something to decide."""
    kpi = Kpi.objects.filter(Q(indicator__code="JOINT_BRAND_FUND_SHARE"), workspace=workspace).first()
    if kpi is None:
        return
    access = Access(workspace, Role.ANALYST, None)
    today = timezone.localdate()
    start = month_label(12 * today.year + today.month)  # next month
    workflow.request_revision(
        kpi,
        access,
        user,
        value="30",
        deadline="2027-12",
        effective_from=start,
        reason="2026年预算已下达，联合品牌推广资金比重年内难以达到30%，申请将期限顺延一年。",
    )
