"""Pages of the early-warning system (S5): the board, the index, alerts, back-tests, rules, silences, plans
and the inbox. Each reads the request, calls a builder in ``pages``/``pages_alerts`` and renders it or its
JSON twin (``kaifang.cockpit.views.twin``). The POST actions are in ``views_actions``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from kaifang.accounts.access import access_for
from kaifang.catalog.models import Indicator
from kaifang.cockpit.views import twin
from kaifang.warning import pages, pages_alerts
from kaifang.warning.models import Alert, KeyIndustry, WatchRule


def _int(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name)
    if raw in (None, ""):
        return None
    if not raw.isdigit():
        raise Http404(name)
    return int(raw)


def _render(request: HttpRequest, access, template: str, data: dict, fmt: str | None, **extra) -> HttpResponse:  # type: ignore[no-untyped-def, type-arg]
    manager = access.can_manage
    return twin(request, template, data, fmt, workspace=access.workspace, access=access, manager=manager, **extra)


@login_required
def board(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    return _render(request, access, "warning/board.html", pages.board(access.workspace), fmt)


@login_required
def index(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    data = pages.index_page(access.workspace, _int(request, "run"))
    return _render(request, access, "warning/index.html", data, fmt)


@login_required
def alerts(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    data = pages_alerts.alerts_list(
        access.workspace, request.GET.get("state") or None, request.GET.get("industry") or None
    )
    industries = KeyIndustry.objects.filter(workspace=access.workspace)
    return _render(request, access, "warning/alerts.html", data, fmt, industries=industries)


@login_required
def alert(request: HttpRequest, ws: str, pk: int, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    found = get_object_or_404(
        Alert.objects.select_related(
            "rule__indicator",
            "rule__region",
            "indicator",
            "industry__parent",
            "region",
            "department",
            "plan",
            "silenced_by",
        ),
        workspace=access.workspace,
        pk=pk,
    )
    return _render(request, access, "warning/alert.html", pages_alerts.alert_detail(found, access), fmt)


@login_required
def backtest(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    data = pages_alerts.backtest_page(access.workspace, _int(request, "rule"))
    return _render(request, access, "warning/backtest.html", data, fmt)


@login_required
def rules(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    return _render(request, access, "warning/rules.html", pages_alerts.rules_page(access.workspace), fmt)


@login_required
def silences(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    data = pages_alerts.silences_page(access.workspace)
    watched = WatchRule.objects.filter(workspace=access.workspace).values("indicator")
    indicators = Indicator.objects.filter(pk__in=watched).order_by("position")
    industries = KeyIndustry.objects.filter(workspace=access.workspace)
    return _render(request, access, "warning/silences.html", data, fmt, indicators=indicators, industries=industries)


@login_required
def plans(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    return _render(request, access, "warning/plans.html", pages_alerts.plans_page(access.workspace), fmt)


@login_required
def inbox(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    return _render(request, access, "warning/inbox.html", pages_alerts.inbox(request.user, access.workspace), fmt)
