"""Pages of the agreements and projects ledger (S4). Each reads the request, builds the workspace's ledger
through the core and renders — as HTML, or as its JSON twin (``.json``). Writes are in ``views_write``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from kaifang.accounts.access import Access, access_for
from kaifang.cockpit.views import twin
from kaifang.collection.workflow import stored_file
from kaifang.observations.models import Observation
from kaifang.projects import detail, pages
from kaifang.projects import models as m
from kaifang.projects.records import Ledger
from kaifang.projects.store import ledger_date, ledger_for
from kaifang.projects.writes import may_edit, officer_department


def _int(raw: str | None, name: str) -> int | None:
    if not raw:
        return None
    if not raw.isdigit():
        raise BadRequest(f"参数 {name} 应为整数 ({name} must be an integer)")
    return int(raw)


def measured(request: HttpRequest, ws: str) -> tuple[Access, Ledger, dt.date]:
    """The user's access, the workspace's ledger and the date it is measured at (``?as_of=`` or the
    date the ledger is current to)."""
    access = access_for(request.user, ws)
    ledger = ledger_for(access.workspace)
    return access, ledger, _as_of(request, access, ledger)


def _as_of(request: HttpRequest, access: Access, ledger: Ledger) -> dt.date:
    raw = request.GET.get("as_of")
    if raw:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise BadRequest(f"as_of 日期格式错误：{raw}（应为 2025-12-31）") from None
    return ledger_date(access.workspace, ledger)


def _render(request: HttpRequest, template: str, data: dict[str, Any], fmt: str | None, access: Access, **extra: Any):  # type: ignore[no-untyped-def]
    can_add = access.can_manage or officer_department(access) is not None
    return twin(request, template, data, fmt, workspace=access.workspace, access=access, can_add=can_add, **extra)


@login_required
def home(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access, ledger, as_of = measured(request, ws)
    year = _int(request.GET.get("year"), "year") or pages.default_year(as_of)
    return _render(request, "projects/home.html", pages.overview(ledger, year, as_of), fmt, access)


@login_required
def ledger(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access, ledger, as_of = measured(request, ws)
    filters = {k: request.GET.get(k, "").strip() for k in detail.FILTERS}
    pks = dict(m.Project.objects.filter(workspace=access.workspace).values_list("code", "pk"))
    data = detail.ledger_listing(ledger, as_of, filters, _int(request.GET.get("page"), "page") or 1, pks)
    partial = request.headers.get("HX-Request") and fmt != "json"
    return _render(request, "projects/_ledger_rows.html" if partial else "projects/ledger.html", data, fmt, access)


def project_page(
    request: HttpRequest, access: Access, obj: m.Project, fmt: str | None = None, http_status: int = 200, **forms: Any
) -> HttpResponse:
    """The project page (also re-rendered with a refused form and its errors)."""
    from kaifang.projects.forms import FundsForm, MilestoneForm, RetractForm, StatusForm

    ledger = ledger_for(access.workspace)
    data = detail.project_detail(obj, ledger, _as_of(request, access, ledger))
    blank = {"milestone": MilestoneForm(), "retract": RetractForm(), "funds": FundsForm(), "status": StatusForm()}
    response = _render(
        request, "projects/project.html", data, fmt, access, project=obj, can_edit=may_edit(access, obj.department),
        forms={**blank, **forms},
    )  # fmt: skip
    response.status_code = http_status
    return response


@login_required
def project(request: HttpRequest, ws: str, pk: int, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    obj = get_object_or_404(m.Project.objects.select_related("agreement"), workspace=access.workspace, pk=pk)
    return project_page(request, access, obj, fmt)


@login_required
def agreements(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access, ledger, as_of = measured(request, ws)
    year, kind, q = _int(request.GET.get("year"), "year"), request.GET.get("kind", ""), request.GET.get("q", "").strip()
    data = pages.agreements_page(ledger, as_of, year, kind, q)
    pks = dict(m.Agreement.objects.filter(workspace=access.workspace).values_list("code", "pk"))
    for row in data["agreements"]:
        row["pk"] = pks.get(row["id"])
    return _render(request, "projects/agreements.html", data, fmt, access)


@login_required
def agreement(request: HttpRequest, ws: str, pk: int, fmt: str | None = None) -> HttpResponse:
    access, ledger, as_of = measured(request, ws)
    obj = get_object_or_404(m.Agreement, workspace=access.workspace, pk=pk)
    return _render(request, "projects/agreement.html", detail.agreement_detail(obj, ledger, as_of), fmt, access)


@login_required
def funnel(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access, ledger, as_of = measured(request, ws)
    unit = "agreements" if request.GET.get("unit") == "agreements" else "projects"
    data = pages.funnel_page(ledger, as_of, unit, request.GET.get("by", "year"), _int(request.GET.get("year"), "year"))
    return _render(request, "projects/funnel.html", data, fmt, access)


@login_required
def regions(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access, ledger, as_of = measured(request, ws)
    year = _int(request.GET.get("year"), "year") or pages.default_year(as_of)
    return _render(request, "projects/regions.html", pages.regions_page(ledger, year, as_of), fmt, access)


@login_required
def stalled(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access, ledger, as_of = measured(request, ws)
    months = _int(request.GET.get("months"), "months") or 6
    started = _int(request.GET.get("started"), "started")
    if months < 1 or (started is not None and started < 1):
        raise BadRequest("月数至少为 1 (months must be at least 1)")
    data = pages.stalled_page(ledger, as_of, months, started)
    pks = dict(m.Project.objects.filter(workspace=access.workspace).values_list("code", "pk"))
    for group in data["departments"]:
        for row in group["projects"]:
            row["pk"] = pks.get(row["id"])
    own = officer_department(access)  # an officer sees its own department's list first
    groups = sorted(data["departments"], key=lambda g: g["department"] != own)
    return _render(request, "projects/stalled.html", data, fmt, access, own=own, groups=groups)


@login_required
def funds(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access, ledger, as_of = measured(request, ws)
    year = _int(request.GET.get("year"), "year") or pages.default_year(as_of)
    return _render(request, "projects/funds.html", detail.funds_page(access.workspace, ledger, year), fmt, access)


@login_required
def lineage(request: HttpRequest, ws: str, pk: int, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    obs = get_object_or_404(
        Observation.objects.select_related("indicator", "region"), workspace=access.workspace, pk=pk
    )
    return _render(request, "projects/lineage.html", detail.lineage_page(access.workspace, obs), fmt, access)


@login_required
def evidence(request: HttpRequest, ws: str, pk: int) -> FileResponse:
    access = access_for(request.user, ws)
    doc = get_object_or_404(m.EvidenceFile, workspace=access.workspace, pk=pk)
    path = stored_file(doc.sha256)
    if not path.exists():
        raise Http404("文件已不在存储中 (file missing from storage)")
    return FileResponse(path.open("rb"), as_attachment=True, filename=doc.filename)
