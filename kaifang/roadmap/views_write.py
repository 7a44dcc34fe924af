"""POST handlers of the roadmap: file a monthly report, reject it, request and decide a target revision,
finalise a quarter, and the 容错 registry. Each calls one function of ``workflow``/``registry``/``assess``;
a refused write comes back as a message on the page it came from, with nothing written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from kaifang.accounts.access import access_for
from kaifang.roadmap import registry, workflow
from kaifang.roadmap.assess import finalise, quarter_month
from kaifang.roadmap.models import ExploratoryMeasure, Kpi, KpiTarget, ProgressReport, Task
from kaifang.roadmap.workflow import RoadmapError

MAX_UPLOAD = workflow.MAX_EVIDENCE_BYTES


def _attempt(request: HttpRequest, action: Callable[[], Any], done: str) -> bool:
    try:
        action()
    except RoadmapError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, done)
    return True


@login_required
@require_POST
def file_report(request: HttpRequest, ws: str, pk: int) -> HttpResponse:
    access = access_for(request.user, ws)
    task = get_object_or_404(Task.objects.select_related("lead_department"), workspace=access.workspace, pk=pk)
    files = []
    for f in request.FILES.getlist("evidence"):
        if f.size and f.size > MAX_UPLOAD:
            messages.error(request, f"佐证材料「{f.name}」：超过 {MAX_UPLOAD // (1024 * 1024)} MB，未保存任何内容")
            return redirect("roadmap:task", ws=ws, pk=pk)
        files.append((f.name or "file", f.read()))
    values = {
        int(k.removeprefix("kpi-")): request.POST.get(k, "")
        for k in request.POST
        if k.startswith("kpi-") and k.removeprefix("kpi-").isdigit()
    }
    month = request.POST.get("month", "")
    ok = _attempt(
        request,
        lambda: workflow.file_report(
            task,
            access,
            request.user,
            month=month,
            narrative=request.POST.get("narrative", ""),
            values=values,
            files=files,
        ),
        f"已报送 {month} 月度进展",
    )
    if ok and request.POST.get("next") == "tree":
        return redirect(reverse("roadmap:tree", kwargs={"ws": ws}) + f"?month={month}")
    return redirect("roadmap:task", ws=ws, pk=pk)


@login_required
@require_POST
def reject_report(request: HttpRequest, ws: str, pk: int) -> HttpResponse:
    access = access_for(request.user, ws)
    r = get_object_or_404(ProgressReport, workspace=access.workspace, pk=pk)
    _attempt(
        request,
        lambda: workflow.reject_report(r, access, request.user, request.POST.get("comment", "")),
        f"报告 #{r.pk} 已退回",
    )
    return redirect("roadmap:report", ws=ws, pk=pk)


@login_required
@require_POST
def request_revision(request: HttpRequest, ws: str, pk: int) -> HttpResponse:
    access = access_for(request.user, ws)
    k = get_object_or_404(Kpi, workspace=access.workspace, pk=pk)
    p = request.POST
    _attempt(
        request,
        lambda: workflow.request_revision(
            k,
            access,
            request.user,
            value=p.get("value", ""),
            deadline=p.get("deadline", ""),
            effective_from=p.get("effective_from", ""),
            reason=p.get("reason", ""),
            milestones=p.get("milestones", ""),
        ),
        "目标调整申请已提交，待审批",
    )
    return redirect("roadmap:kpi", ws=ws, pk=pk)


@login_required
@require_POST
def decide_revision(request: HttpRequest, ws: str, pk: int) -> HttpResponse:
    access = access_for(request.user, ws)
    t = get_object_or_404(KpiTarget, workspace=access.workspace, pk=pk, is_original=False)
    approve = request.POST.get("decision") == "approve"
    _attempt(
        request,
        lambda: workflow.decide_revision(
            t, access, request.user, approve=approve, comment=request.POST.get("comment", "")
        ),
        "已批准" if approve else "已不予批准",
    )
    return redirect("roadmap:revisions", ws=ws)


@login_required
@require_POST
def finalise_quarter(request: HttpRequest, ws: str) -> HttpResponse:
    access = access_for(request.user, ws)
    if not workflow.is_reviewer(access):
        raise PermissionDenied("只有管理员或分析员可以定稿季度评估 (administrators and analysts)")
    quarter = request.POST.get("quarter", "")
    try:
        month = quarter_month(quarter)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    a = finalise(access.workspace, month, request.user, quarter.upper())
    messages.success(request, f"{a.label} 季度评估已定稿（#{a.pk}）")
    return redirect(reverse("roadmap:quarterly", kwargs={"ws": ws}) + f"?quarter={a.label}")


@login_required
@require_POST
def generate_report(request: HttpRequest, ws: str) -> HttpResponse:
    """Queue the quarterly report (PDF and Word) as a background job, finalising the quarter first."""
    access = access_for(request.user, ws)
    if not workflow.is_reviewer(access):
        raise PermissionDenied("只有管理员或分析员可以生成定稿报告 (administrators and analysts)")
    quarter = request.POST.get("quarter", "").upper()
    try:
        quarter_month(quarter)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    from kaifang.jobs.runner import enqueue

    job = enqueue(
        access.workspace,
        request.user,
        "roadmap.report",
        f"{quarter} 季度评估报告",
        {"quarter": quarter, "finalise": True},
    )
    messages.info(request, f"已提交后台任务 #{job.pk} (job queued)")
    return redirect("job", ws=ws, pk=job.pk)


@login_required
@require_POST
def new_measure(request: HttpRequest, ws: str) -> HttpResponse:
    access = access_for(request.user, ws)
    form = {
        k: request.POST.get(k, "")
        for k in [
            "title",
            "department",
            "scope",
            "legal_basis_gap",
            "risk",
            "risk_level",
            "supervisor",
            "filed_on",
            "policy",
        ]
    }
    made: list[ExploratoryMeasure] = []
    if _attempt(
        request,
        lambda: made.append(registry.file_measure(access.workspace, access, request.user, form)),
        "探索性措施已备案",
    ):
        return redirect("roadmap:measure", ws=ws, pk=made[0].pk)
    return redirect("roadmap:registry", ws=ws)


@login_required
@require_POST
def measure_log(request: HttpRequest, ws: str, pk: int) -> HttpResponse:
    access = access_for(request.user, ws)
    m = get_object_or_404(ExploratoryMeasure, workspace=access.workspace, pk=pk)
    p = request.POST
    _attempt(
        request,
        lambda: registry.add_entry(
            m, access, request.user, on=p.get("on", ""), kind=p.get("kind", ""), note=p.get("note", "")
        ),
        "过程监管记录已保存",
    )
    return redirect("roadmap:measure", ws=ws, pk=pk)


@login_required
@require_POST
def measure_outcome(request: HttpRequest, ws: str, pk: int) -> HttpResponse:
    access = access_for(request.user, ws)
    m = get_object_or_404(ExploratoryMeasure, workspace=access.workspace, pk=pk)
    p = request.POST
    _attempt(
        request,
        lambda: registry.record_outcome(
            m,
            access,
            request.user,
            outcome=p.get("outcome", ""),
            note=p.get("note", ""),
            closed_on=p.get("closed_on", ""),
        ),
        "结果已记录，措施已结束",
    )
    return redirect("roadmap:measure", ws=ws, pk=pk)
