"""Cockpit pages. Each view reads the request, calls a builder in ``explorer`` and renders it —
as HTML, or as JSON when the path ends in ``.json`` (the page's JSON twin)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from kaifang.accounts.access import access_for, workspaces_for
from kaifang.accounts.models import Workspace
from kaifang.audit.models import AuditEntry
from kaifang.catalog.models import Indicator
from kaifang.cockpit import explorer
from kaifang.cockpit.systems import by_key
from kaifang.regions.models import Region

DIMENSIONS = ["制度型开放", "枢纽经济", "区域协同治理", "要素配置", "生态约束", "风险防控", "基础指标"]


def twin(request: HttpRequest, template: str, data: dict[str, Any], fmt: str | None, **extra: Any) -> HttpResponse:
    if fmt == "json":
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False}, safe=False)
    return render(request, template, {"data": data, **extra})


def parse_as_of(raw: str | None) -> dt.datetime | None:
    """``?as_of=2024-06-30`` means the end of that day (platform time zone); a full ISO timestamp is exact."""
    if not raw:
        return None
    day = parse_date(raw) if len(raw) == 10 else None
    if day is not None:
        stamp = dt.datetime.combine(day, dt.time(23, 59, 59, 999999))
    else:
        parsed = parse_datetime(raw)
        if parsed is None:
            raise ValueError(f"as_of 日期格式错误：{raw}（应为 2024-06-30 或 ISO 时间戳）")
        stamp = parsed
    return timezone.make_aware(stamp) if timezone.is_naive(stamp) else stamp


@login_required
def home(request: HttpRequest) -> HttpResponse:
    spaces = workspaces_for(request.user)
    if len(spaces) == 1:
        return redirect("cockpit", ws=spaces[0].code)
    return render(request, "cockpit/choose_workspace.html", {"spaces": spaces})


@login_required
def cockpit(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    from kaifang.adaptability.pages import headline as adaptability_headline
    from kaifang.indexing.pages import headline  # the cockpit shows each system's headline figure
    from kaifang.stress.pages import headline as stress_headline

    data = {
        **explorer.overview(access.workspace),
        "index": headline(access.workspace),
        "stress": stress_headline(access.workspace),
        "adaptability": adaptability_headline(access.workspace),
    }
    return twin(
        request,
        "cockpit/overview.html",
        data,
        fmt,
        workspace=access.workspace,
        access=access,
    )


@login_required
def indicators(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    data = explorer.catalog_listing(
        access.workspace, request.GET.get("q", "").strip(), request.GET.get("dimension", "")
    )
    template = "cockpit/_indicator_rows.html" if request.headers.get("HX-Request") else "cockpit/indicators.html"
    return twin(request, template, data, fmt, workspace=access.workspace, dimensions=DIMENSIONS)


@login_required
def indicator(request: HttpRequest, ws: str, code: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    ind = get_object_or_404(Indicator.objects.select_related("department"), code=code)
    regions = [r for r in request.GET.get("regions", "").split(",") if r] or None
    basis = request.GET.get("basis", "P") if request.GET.get("basis") in {"P", "YTD"} else "P"
    try:
        as_of = parse_as_of(request.GET.get("as_of"))
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    freq = request.GET.get("freq") or None
    data = explorer.indicator_detail(access.workspace, ind, regions=regions, basis=basis, freq=freq, as_of=as_of)
    choices = explorer.default_regions(access.workspace) + [r.code for r in explorer.peer_regions(access.workspace)]
    region_choices = list(Region.objects.filter(code__in=choices).order_by("code"))
    chosen = {s["ref_area"] for s in data["series"]}
    return twin(
        request,
        "cockpit/indicator.html",
        data,
        fmt,
        workspace=access.workspace,
        indicator=ind,
        region_choices=region_choices,
        chosen=chosen,
    )


def audit_entries(workspace: Workspace, limit: int = 500) -> dict[str, Any]:
    """The newest audit entries of a workspace (administrators only; checked by the callers)."""
    entries = AuditEntry.objects.filter(workspace=workspace).select_related("actor")[:limit]
    return {
        "workspace": workspace.code,
        "entries": [
            {
                "id": e.id,
                "at": timezone.localtime(e.at).isoformat(),
                "actor": e.actor_name,
                "action": e.action,
                "action_zh": e.get_action_display(),
                "object_type": e.object_type,
                "object_id": e.object_id,
                "object": e.object_repr,
                "before": e.before,
                "after": e.after,
            }
            for e in entries
        ],
    }


@login_required
def audit_log(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    if not access.is_admin:
        return HttpResponse("只有管理员可以查看审计日志 (administrators only)", status=403)
    return twin(request, "cockpit/audit.html", audit_entries(access.workspace), fmt, workspace=access.workspace)


@login_required
def system(request: HttpRequest, ws: str, key: str) -> HttpResponse:
    access = access_for(request.user, ws)
    sys_ = by_key(key)
    if sys_ is None:
        raise Http404(key)
    if sys_.url_name:
        return redirect(sys_.url_name, ws=ws)
    return render(request, "cockpit/under_construction.html", {"system": sys_, "workspace": access.workspace})
