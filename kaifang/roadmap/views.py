"""Pages of the policy roadmap (S3), each with its JSON twin: the tree, a task, a KPI, a report, the dispatch
board, the quarterly assessment, the annual ranking, target revisions, policies and the 容错 registry."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kaifang.accounts.access import Access, access_for
from kaifang.accounts.models import Department, Role
from kaifang.cockpit.views import twin
from kaifang.roadmap import board as board_mod
from kaifang.roadmap import pages, scores
from kaifang.roadmap.assess import assess_series, config_for, last_complete_month, last_complete_quarter, thresholds
from kaifang.roadmap.models import (
    ExploratoryMeasure,
    Kpi,
    KpiTarget,
    MeasureOutcome,
    Policy,
    ProgressReport,
    TargetState,
    Task,
)
from kaifang.roadmap.months import normalise_month
from kaifang.roadmap.registry import measure_dict
from kaifang.roadmap.reminders import reminders
from kaifang.roadmap.series import load_series
from kaifang.roadmap.workflow import is_reviewer, may_report


def month_param(request: HttpRequest, default: str | None = None) -> str:
    raw = request.GET.get("month") or default or last_complete_month()
    try:
        return normalise_month(raw)
    except ValueError:
        raise BadRequest(f"月份格式应为 2026-10，而不是 {raw}") from None


def _ctx(access: Access, **extra: Any) -> dict[str, Any]:
    return {"workspace": access.workspace, "access": access, "can_write": is_reviewer(access), **extra}


@login_required
def tree(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    data = pages.tree(access.workspace, month_param(request))
    return twin(request, "roadmap/tree.html", data, fmt, **_ctx(access))


@login_required
def task(request: HttpRequest, ws: str, pk: int, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    t = get_object_or_404(Task.objects.select_related("policy", "lead_department"), workspace=access.workspace, pk=pk)
    month = month_param(request)
    th = thresholds(config_for(access.workspace))
    kpis = [pages._labels(assess_series(s, month, th)) for s in load_series(access.workspace, list(t.kpis.all()))]
    filings = []
    for r in (
        t.reports.select_related("filed_by").prefetch_related("values__kpi", "evidence").order_by("-month", "-filed_at")
    ):
        filings.append(report_dict(r))
    items = board_mod.due_items(
        access.workspace, t.start_month, min(t.end_month, last_complete_month()), config_for(access.workspace).due_day
    )
    data = {
        "workspace": ws,
        "month": month,
        "task": pages.task_meta(t),
        "policy": pages.policy_meta(t.policy),
        "kpis": kpis,
        "reports": filings,
        "months": [i for i in items if i["task"] == t.pk][::-1],
    }
    measurable = list(t.kpis.filter(indicator__isnull=True))
    return twin(
        request,
        "roadmap/task.html",
        data,
        fmt,
        **_ctx(
            access,
            may_report=may_report(access, t),
            measurable=measurable,
            this_month=timezone.localdate().strftime("%Y-%m"),
        ),
    )


def report_dict(r: ProgressReport) -> dict[str, Any]:
    return {
        "id": r.pk,
        "task": r.task_id,
        "month": r.month,
        "department": r.department_id,
        "state": r.state,
        "state_zh": r.get_state_display(),
        "narrative": r.narrative,
        "filed_by": r.filed_by.get_username(),
        "filed_at": timezone.localtime(r.filed_at).isoformat(),
        "reviewed_at": timezone.localtime(r.reviewed_at).isoformat() if r.reviewed_at else None,
        "review_comment": r.review_comment,
        "values": [{"kpi": v.kpi_id, "name": v.kpi.name, "value": v.value, "unit": v.kpi.unit} for v in r.values.all()],
        "evidence": [
            {"id": e.pk, "filename": e.filename, "sha256": e.sha256, "size": e.size} for e in r.evidence.all()
        ],
    }


@login_required
def report(request: HttpRequest, ws: str, pk: int, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    r = get_object_or_404(ProgressReport.objects.select_related("task", "filed_by"), workspace=access.workspace, pk=pk)
    data = {"workspace": ws, **report_dict(r), "task_title": r.task.title}
    may_reject = is_reviewer(access) and r.filed_by_id != request.user.pk and r.state == "submitted"
    return twin(request, "roadmap/report_detail.html", data, fmt, **_ctx(access, may_reject=may_reject))


@login_required
def kpi(request: HttpRequest, ws: str, pk: int, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    k = get_object_or_404(
        Kpi.objects.select_related("task__policy", "indicator", "lead_department"), workspace=access.workspace, pk=pk
    )
    data = pages.kpi_detail(access.workspace, k, month_param(request))
    may_request = is_reviewer(access) or (access.role == Role.OFFICER and access.department_id == k.lead_department_id)
    return twin(
        request,
        "roadmap/kpi.html",
        data,
        fmt,
        **_ctx(access, may_request=may_request, this_month=timezone.localdate().strftime("%Y-%m")),
    )


@login_required
def board(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    data = board_mod.board(access.workspace, month_param(request), config_for(access.workspace).due_day)
    return twin(request, "roadmap/board.html", data, fmt, **_ctx(access))


@login_required
def quarterly(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    quarter = request.GET.get("quarter") or last_complete_quarter()
    try:
        data = pages.quarterly(access.workspace, quarter)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    return twin(request, "roadmap/quarterly.html", data, fmt, **_ctx(access))


@login_required
def annual(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    year = year_param(request)
    data = scores.annual(access.workspace, year)
    may_bundle = access.role in {Role.ADMIN, Role.ANALYST, Role.EVALUATOR}
    return twin(
        request,
        "roadmap/annual.html",
        data,
        fmt,
        **_ctx(access, may_bundle=may_bundle, years=list(range(timezone.localdate().year, 2023, -1))),
    )


def year_param(request: HttpRequest) -> int:
    raw = request.GET.get("year") or str(int(last_complete_month()[:4]))
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise BadRequest(f"年份格式应为 2025，而不是 {raw}")
    return int(raw)


@login_required
def revisions(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    qs = KpiTarget.objects.filter(workspace=access.workspace, is_original=False).select_related(
        "kpi", "requested_by", "decided_by"
    )
    rows = [
        {
            **pages.target_dict(t),
            "kpi": t.kpi_id,
            "kpi_name": t.kpi.name,
            "may_decide": is_reviewer(access)
            and t.state == TargetState.PENDING
            and t.requested_by_id != request.user.pk,
        }
        for t in sorted(qs, key=lambda t: (t.state != TargetState.PENDING, -t.requested_at.timestamp()))
    ]
    data = {"workspace": ws, "revisions": rows, "pending": sum(r["state"] == "pending" for r in rows)}
    return twin(request, "roadmap/revisions.html", data, fmt, **_ctx(access))


@login_required
def policies(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    config = config_for(access.workspace)
    rows = [
        {**pages.policy_meta(p), "tasks": p.tasks.count()} for p in Policy.objects.filter(workspace=access.workspace)
    ]
    data = {
        "workspace": ws,
        "today": timezone.localdate().isoformat(),
        "reminder_days": config.reminder_days,
        "reminders": reminders(access.workspace, config.reminder_days),
        "policies": rows,
    }
    return twin(request, "roadmap/policies.html", data, fmt, **_ctx(access))


@login_required
def registry(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    qs = ExploratoryMeasure.objects.filter(workspace=access.workspace).select_related("department", "policy")
    data = {"workspace": ws, "measures": [measure_dict(m) for m in qs]}
    return twin(
        request,
        "roadmap/registry.html",
        data,
        fmt,
        **_ctx(
            access,
            departments=Department.objects.all(),
            policies=Policy.objects.filter(workspace=access.workspace),
            today=timezone.localdate().isoformat(),
        ),
    )


@login_required
def measure(request: HttpRequest, ws: str, pk: int, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    m = get_object_or_404(
        ExploratoryMeasure.objects.select_related("department", "policy"), workspace=access.workspace, pk=pk
    )
    may_log = is_reviewer(access) or (access.role == Role.OFFICER and access.department_id == m.department_id)
    if m.status == "closed":
        may_log = False
    return twin(
        request,
        "roadmap/measure.html",
        measure_dict(m, with_log=True),
        fmt,
        **_ctx(
            access,
            may_log=may_log,
            outcomes=[c for c in MeasureOutcome if c.value],
            today=timezone.localdate().isoformat(),
            kinds=m.log.model._meta.get_field("kind").choices,
        ),
    )
