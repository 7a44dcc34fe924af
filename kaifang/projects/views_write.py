"""The ledger's write pages: record a milestone (with evidence), retract one, record funds in place, change
a status, add an agreement or a project, import a 招商项目台账. Thin: a form parses the input,
:mod:`kaifang.projects.writes` / :mod:`kaifang.projects.importer` check and write (and roll up)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kaifang.accounts.access import Access, access_for
from kaifang.projects import models as m
from kaifang.projects import writes
from kaifang.projects.forms import (
    AgreementForm,
    FundsForm,
    ImportForm,
    MilestoneForm,
    ProjectForm,
    RetractForm,
    StatusForm,
)
from kaifang.projects.importer import import_ledger
from kaifang.projects.records import Stage, Status
from kaifang.projects.store import department_choices
from kaifang.projects.views import project_page

MAX_LEDGER = 20 * 1024 * 1024


def _project(request: HttpRequest, ws: str, pk: int) -> tuple[Access, m.Project]:
    access = access_for(request.user, ws)
    obj = get_object_or_404(m.Project.objects.select_related("agreement"), workspace=access.workspace, pk=pk)
    if not writes.may_edit(access, obj.department):
        raise PermissionDenied("只有管理员、分析员和责任单位的数据专员可以记录 (not allowed to write this project)")
    return access, obj


def _evidence(request: HttpRequest, access: Access, form: Form) -> m.EvidenceFile | None:
    upload = form.cleaned_data.get("evidence_file") or form.cleaned_data.get("document")
    if not upload:
        return None
    return writes.keep_evidence(
        access.workspace, request.user, upload.name or "upload", upload.read(), upload.content_type or ""
    )


def _refused(form: Form, exc: writes.LedgerError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


@login_required
@require_POST
def milestone_add(request: HttpRequest, ws: str, pk: int) -> HttpResponse:
    access, obj = _project(request, ws, pk)
    form = MilestoneForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            writes.record_milestone(
                obj, access, request.user, Stage(d["stage"]), d["on"], evidence=d["evidence"],
                evidence_file=_evidence(request, access, form), note=d["note"],
            )  # fmt: skip
            messages.success(request, f"已记录{Stage(d['stage']).label_zh}：{d['on']}")
            return redirect("projects:project", ws=ws, pk=pk)
        except writes.LedgerError as exc:
            _refused(form, exc)
    return project_page(request, access, obj, http_status=400, milestone=form)


@login_required
@require_POST
def milestone_retract(request: HttpRequest, ws: str, pk: int) -> HttpResponse:
    access, obj = _project(request, ws, pk)
    form = RetractForm(request.POST)
    if form.is_valid():
        try:
            writes.retract_milestone(
                obj, access, request.user, Stage(form.cleaned_data["stage"]), form.cleaned_data["note"]
            )
            messages.success(request, f"已撤销{Stage(form.cleaned_data['stage']).label_zh}")
            return redirect("projects:project", ws=ws, pk=pk)
        except writes.LedgerError as exc:
            _refused(form, exc)
    return project_page(request, access, obj, http_status=400, retract=form)


@login_required
@require_POST
def funds_add(request: HttpRequest, ws: str, pk: int) -> HttpResponse:
    access, obj = _project(request, ws, pk)
    form = FundsForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            writes.record_funds(
                obj, access, request.user, d["month"], d["source_region"], Decimal(d["amount"]), d["unit"],
                evidence=d["evidence"], evidence_file=_evidence(request, access, form),
            )  # fmt: skip
            messages.success(request, f"已记录 {d['month']} 到位资金 {d['amount']} {d['unit']}")
            return redirect("projects:project", ws=ws, pk=pk)
        except writes.LedgerError as exc:
            _refused(form, exc)
    return project_page(request, access, obj, http_status=400, funds=form)


@login_required
@require_POST
def status_change(request: HttpRequest, ws: str, pk: int) -> HttpResponse:
    access, obj = _project(request, ws, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            writes.change_status(obj, access, request.user, Status(d["status"]), d["on"], d["reason"])
            messages.success(request, f"项目状态已改为{d['status']}")
            return redirect("projects:project", ws=ws, pk=pk)
        except writes.LedgerError as exc:
            _refused(form, exc)
    return project_page(request, access, obj, http_status=400, status=form)


def _departments(access: Access) -> list[tuple[str, str]]:
    own = writes.officer_department(access)
    choices = department_choices()
    return [c for c in choices if c[0] == own] if own else choices


def _writer(request: HttpRequest, ws: str) -> Access:
    access = access_for(request.user, ws)
    if not access.can_manage and writes.officer_department(access) is None:
        raise PermissionDenied("只读角色不能新增 (read-only role)")
    return access


@login_required
def agreement_new(request: HttpRequest, ws: str) -> HttpResponse:
    access = _writer(request, ws)
    form = AgreementForm(request.POST or None, request.FILES or None, departments=_departments(access))
    if request.method == "POST" and form.is_valid():
        try:
            created = writes.create_agreement(
                access.workspace, access, request.user, form.cleaned_data, _evidence(request, access, form)
            )
            messages.success(request, f"已新增协议 {created.code}")
            return redirect("projects:agreement", ws=ws, pk=created.pk)
        except writes.LedgerError as exc:
            _refused(form, exc)
    return _form_page(request, access, form, "agreement", status=400 if request.method == "POST" else 200)


@login_required
def project_new(request: HttpRequest, ws: str) -> HttpResponse:
    access = _writer(request, ws)
    agreements = list(m.Agreement.objects.filter(workspace=access.workspace).values_list("code", "title"))
    form = ProjectForm(
        request.POST or None, departments=_departments(access), agreements=[(c, f"{c} {t}") for c, t in agreements]
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = writes.create_project(access.workspace, access, request.user, form.cleaned_data)
            messages.success(request, f"已新增项目 {created.code}")
            return redirect("projects:project", ws=ws, pk=created.pk)
        except writes.LedgerError as exc:
            _refused(form, exc)
    return _form_page(request, access, form, "project", status=400 if request.method == "POST" else 200)


def _form_page(request: HttpRequest, access: Access, form: Form, kind: str, status: int) -> HttpResponse:
    context: dict[str, Any] = {"workspace": access.workspace, "access": access, "form": form, "kind": kind}
    return render(request, "projects/new.html", context, status=status)


@login_required
def import_page(request: HttpRequest, ws: str) -> HttpResponse:
    access = access_for(request.user, ws)
    report = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not access.can_write:
            raise PermissionDenied("只读角色不能导入台账 (read-only role)")
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_LEDGER:
                form.add_error("file", f"文件超过 {MAX_LEDGER // 1024 // 1024} MB (file too large)")
            else:
                report = import_ledger(
                    access.workspace, access=access, content=upload.read(), filename=upload.name or "upload",
                    user=request.user, dry_run=form.cleaned_data["dry_run"],
                )  # fmt: skip
    files = m.LedgerFile.objects.filter(workspace=access.workspace).select_related("imported_by")[:50]
    context = {"workspace": access.workspace, "access": access, "form": form, "report": report, "files": files}
    status = (
        400 if (report is not None and not report.ok) or (request.method == "POST" and not form.is_valid()) else 200
    )
    return render(request, "projects/import.html", context, status=status)
