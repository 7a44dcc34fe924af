"""Pages of the 月度调度 workflow: upload, preview, submit, review, and the monthly board."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kaifang.accounts.access import access_for
from kaifang.accounts.models import Role
from kaifang.cockpit.views import twin
from kaifang.collection import workflow
from kaifang.collection.board import board as board_data
from kaifang.collection.models import MappingTemplate, Submission
from kaifang.collection.preview import sheet_grids
from kaifang.collection.workflow import stored_file
from kaifang.core.periods import PeriodError, parse_period
from kaifang.regions.models import Region

MAX_UPLOAD = 50 * 1024 * 1024
WARNING_KINDS = {"yoy": _("同比异常"), "mom": _("环比异常"), "sum": _("合计不符"), "history": _("偏离历史"),
                 "peers": _("偏离同级")}  # fmt: skip


def submission_dict(s: Submission, with_rows: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": s.pk, "filename": s.filename, "sha256": s.sha256, "size": s.size, "state": s.state,
        "state_zh": s.get_state_display(), "period": s.period,
        "department": s.department.name_zh if s.department else None,
        "template": s.template.name if s.template else None, "rows": s.rows,
        "errors": len(s.errors), "warnings": len(s.warnings),
        "uploaded_by": s.uploaded_by.get_username(), "uploaded_at": timezone.localtime(s.uploaded_at).isoformat(),
        "submitted_at": timezone.localtime(s.submitted_at).isoformat() if s.submitted_at else None,
        "reviewed_by": s.reviewed_by.get_username() if s.reviewed_by else None,
        "reviewed_at": timezone.localtime(s.reviewed_at).isoformat() if s.reviewed_at else None,
        "review_comment": s.review_comment, "batch": s.batch_id,
    }  # fmt: skip
    if with_rows:
        warnings = [{**w, "kind_zh": str(WARNING_KINDS.get(w["kind"], w["kind"]))} for w in s.warnings]
        out |= {"error_list": s.errors, "warning_list": warnings, "staged": s.staged[:2000],
                "staged_truncated": len(s.staged) > 2000}  # fmt: skip
    return out


@login_required
def submissions(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    qs = Submission.objects.filter(workspace=access.workspace).select_related(
        "department", "template", "uploaded_by", "reviewed_by"
    )
    if access.role == Role.OFFICER:  # an officer sees its own department's returns
        qs = qs.filter(department_id=cast(int, access.department_id))
    data = {"workspace": ws, "submissions": [submission_dict(s) for s in qs[:300]]}
    templates = MappingTemplate.objects.filter(workspace=access.workspace)
    return twin(request, "collection/submissions.html", data, fmt, workspace=access.workspace, access=access,
                templates=templates)  # fmt: skip


@login_required
@require_POST
def upload(request: HttpRequest, ws: str) -> HttpResponse:
    access = access_for(request.user, ws)
    f = request.FILES.get("file")
    if f is None:
        raise BadRequest("没有选择文件 (no file)")
    if f.size and f.size > MAX_UPLOAD:
        raise BadRequest("文件超过 50 MB (file too large)")
    template = None
    if request.POST.get("template"):
        if not request.POST["template"].isdigit():
            raise BadRequest("映射模板参数错误 (bad template id)")
        template = get_object_or_404(MappingTemplate, workspace=access.workspace, pk=request.POST["template"])
    try:
        sub = workflow.upload(access.workspace, access, request.user, f.name or "upload", f.read(),
                              template=template, period=request.POST.get("period", "").strip())  # fmt: skip
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("collection", ws=ws)
    return redirect("submission", ws=ws, pk=sub.pk)


def _visible(request: HttpRequest, ws: str, pk: int) -> tuple[Any, Submission]:
    access = access_for(request.user, ws)
    sub = get_object_or_404(Submission.objects.select_related("department", "template", "uploaded_by"),
                            workspace=access.workspace, pk=pk)  # fmt: skip
    if access.role == Role.OFFICER and sub.department_id != access.department_id:
        raise Http404("这是其他部门的报送")
    return access, sub


@login_required
def submission(request: HttpRequest, ws: str, pk: int, fmt: str | None = None) -> HttpResponse:
    access, sub = _visible(request, ws, pk)
    data = submission_dict(sub, with_rows=True)
    names = dict(Region.objects.values_list("code", "name_zh"))
    for r in data["staged"]:
        r["region_name"] = names.get(r["ref_area"], "")
    grids = [] if fmt == "json" else sheet_grids(stored_file(sub.sha256), sub.filename, sub.errors, sub.warnings)
    can_review = access.can_manage and sub.uploaded_by_id != request.user.pk
    return twin(request, "collection/submission.html", data, fmt, workspace=access.workspace, access=access,
                can_review=can_review, grids=grids)  # fmt: skip


@login_required
@require_POST
def submit(request: HttpRequest, ws: str, pk: int) -> HttpResponse:
    access, sub = _visible(request, ws, pk)
    try:
        workflow.submit(sub, access, request.user)
        messages.success(request, f"报送 #{sub.pk} 已提交审核")
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("submission", ws=ws, pk=pk)


@login_required
@require_POST
def review(request: HttpRequest, ws: str, pk: int) -> HttpResponse:
    access, sub = _visible(request, ws, pk)
    approve = request.POST.get("decision") == "approve"
    try:
        workflow.review(sub, access, request.user, approve=approve, comment=request.POST.get("comment", ""),
                        accept_warnings=request.POST.get("accept_warnings") == "1")  # fmt: skip
        messages.success(request, f"报送 #{sub.pk} 已{'通过' if approve else '退回'}")
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("submission", ws=ws, pk=pk)


@login_required
def board(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    today = timezone.localdate()
    default = f"{today.year}-{today.month - 1:02d}" if today.month > 1 else f"{today.year - 1}-12"
    month = request.GET.get("month") or default
    try:
        if parse_period(month).freq != "M":
            raise PeriodError(month)
    except PeriodError:
        raise BadRequest(f"月份格式应为 2025-10，而不是 {month}") from None
    return twin(request, "collection/board.html", board_data(access.workspace, month), fmt,
                workspace=access.workspace)  # fmt: skip
