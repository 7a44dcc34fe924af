"""Pages of the policy adaptability assessment (政策适配性评估): the library, a model (with the prerequisite
editor for analysts), the assessment report and the models × three matches matrix — each with its JSON twin —
and the POST actions (assess, add/edit/retire a prerequisite). Writes: administrators and analysts only."""

from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaifang.accounts.access import Access, access_for
from kaifang.adaptability import pages
from kaifang.adaptability.assess import MATCHES, OPS
from kaifang.adaptability.models import Assessment, PolicyModel, Prerequisite
from kaifang.adaptability.store import latest_assessment, run_assessment
from kaifang.catalog.models import Indicator
from kaifang.cockpit.views import twin


def _manager(access: Access) -> None:
    if not access.can_manage:
        raise PermissionDenied("只有管理员和分析员可以修改模式库或发起评估 (administrators and analysts only)")


def _render(request: HttpRequest, access: Access, template: str, data: dict, fmt: str | None, **extra) -> HttpResponse:  # type: ignore[no-untyped-def, type-arg]
    manager = access.can_manage
    return twin(request, template, data, fmt, workspace=access.workspace, access=access, manager=manager, **extra)


def _model(access: Access, key: str) -> PolicyModel:
    return get_object_or_404(PolicyModel, workspace=access.workspace, key=key)


@login_required
def library(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    return _render(request, access, "adaptability/library.html", pages.library(access.workspace), fmt)


@login_required
def model(request: HttpRequest, ws: str, key: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    pm = _model(access, key)
    indicators = Indicator.objects.order_by("position") if access.can_manage else []
    data = pages.model_detail(access.workspace, pm)
    return _render(request, access, "adaptability/model.html", data, fmt, indicators=indicators)


@login_required
def report(request: HttpRequest, ws: str, key: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    pm = _model(access, key)
    raw = request.GET.get("assessment")
    if raw:
        if not raw.isdigit():
            raise Http404("assessment")
        a: Assessment | None = get_object_or_404(Assessment, workspace=access.workspace, model=pm, pk=int(raw))
    else:
        a = latest_assessment(pm)
    return _render(request, access, "adaptability/report.html", pages.report(access.workspace, pm, a), fmt)


@login_required
def matrix(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    return _render(request, access, "adaptability/matrix.html", pages.matrix(access.workspace), fmt)


@login_required
@require_POST
def assess_now(request: HttpRequest, ws: str, key: str) -> HttpResponse:
    access = access_for(request.user, ws)
    _manager(access)
    pm = _model(access, key)
    try:
        a = run_assessment(access.workspace, pm, request.user if isinstance(request.user, User) else None)
    except ValueError as e:
        messages.error(request, str(e))
        return redirect("adaptability:report", ws=ws, key=key)
    messages.success(request, _("已完成评估：总体适配度 %(v).1f") % {"v": a.overall or 0})
    return redirect(reverse("adaptability:report", kwargs={"ws": ws, "key": key}) + f"?assessment={a.pk}")


@login_required
@require_POST
def assess_all(request: HttpRequest, ws: str) -> HttpResponse:
    access = access_for(request.user, ws)
    _manager(access)
    user = request.user if isinstance(request.user, User) else None
    n = 0
    for pm in PolicyModel.objects.filter(workspace=access.workspace, retired=False):
        run_assessment(access.workspace, pm, user)
        n += 1
    messages.success(request, _("已重新评估 %(n)d 个模式") % {"n": n})
    return redirect("adaptability:matrix", ws=ws)


def _fields(request: HttpRequest) -> tuple[str, float, float, str]:
    op = request.POST.get("op", "")
    if op not in OPS:
        raise ValueError(_("方向须为 ≥ 或 ≤"))
    try:
        needed = float(request.POST.get("needed", ""))
        weight = float(request.POST.get("weight", "1") or 1)
    except ValueError:
        raise ValueError(_("所需值与权重须为数字")) from None
    if not math.isfinite(needed) or not (weight > 0 and math.isfinite(weight)):
        raise ValueError(_("所需值须为有限数，权重须为正数"))
    return op, needed, weight, request.POST.get("rationale", "").strip()


def _bump(pm: PolicyModel) -> None:
    """A changed prerequisite makes a new version of the model's conditions (audited: before/after)."""
    pm.version += 1
    pm.save(update_fields=["version"])


@login_required
@require_POST
def prerequisite_add(request: HttpRequest, ws: str, key: str) -> HttpResponse:
    access = access_for(request.user, ws)
    _manager(access)
    pm = _model(access, key)
    match = request.POST.get("match", "")
    indicator = Indicator.objects.filter(code=request.POST.get("indicator", "")).first()
    try:
        if match not in MATCHES:
            raise ValueError(_("未知的匹配关系"))
        if indicator is None:
            raise ValueError(_("指标不在指标目录中"))
        if pm.prerequisites.filter(indicator=indicator, retired=False).exists():
            raise ValueError(_("该指标已是本模式的前提条件"))
        op, needed, weight, rationale = _fields(request)
    except ValueError as e:
        messages.error(request, str(e))
        return redirect("adaptability:model", ws=ws, key=key)
    with transaction.atomic():
        Prerequisite.objects.create(
            model=pm,
            match=match,
            indicator=indicator,
            op=op,
            needed=needed,
            weight=weight,
            rationale=rationale,
            position=pm.prerequisites.count(),
        )
        _bump(pm)
    messages.success(request, _("已添加前提条件（版本 %(v)d）") % {"v": pm.version})
    return redirect("adaptability:model", ws=ws, key=key)


@login_required
@require_POST
def prerequisite_edit(request: HttpRequest, ws: str, pk: int) -> HttpResponse:
    access = access_for(request.user, ws)
    _manager(access)
    p = get_object_or_404(Prerequisite.objects.select_related("model"), model__workspace=access.workspace, pk=pk)
    try:
        p.op, p.needed, p.weight, p.rationale = _fields(request)
    except ValueError as e:
        messages.error(request, str(e))
        return redirect("adaptability:model", ws=ws, key=p.model.key)
    with transaction.atomic():
        p.save()
        _bump(p.model)
    messages.success(request, _("已修改前提条件（版本 %(v)d）") % {"v": p.model.version})
    return redirect("adaptability:model", ws=ws, key=p.model.key)


@login_required
@require_POST
def prerequisite_retire(request: HttpRequest, ws: str, pk: int) -> HttpResponse:
    access = access_for(request.user, ws)
    _manager(access)
    p = get_object_or_404(Prerequisite.objects.select_related("model"), model__workspace=access.workspace, pk=pk)
    with transaction.atomic():
        p.retired = not p.retired  # retiring twice restores it; nothing is deleted
        p.save()
        _bump(p.model)
    messages.success(request, _("已停用前提条件") if p.retired else _("已恢复前提条件"))
    return redirect("adaptability:model", ws=ws, key=p.model.key)
