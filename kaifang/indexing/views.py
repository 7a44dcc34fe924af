"""Pages of the open-cooperation index (S2): ranking with map, unit profile, method and audit,
uncertainty. Each has a JSON twin."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kaifang.accounts.access import access_for
from kaifang.cockpit.views import twin
from kaifang.indexing import pages
from kaifang.indexing.models import IndexBuild, IndexDefinition, IndexUncertainty
from kaifang.jobs.runner import enqueue


def _definition(access, code: str) -> IndexDefinition:  # type: ignore[no-untyped-def]
    found = IndexDefinition.objects.filter(workspace=access.workspace, code=code).order_by("-version").first()
    if found is None:
        raise Http404(code)
    return found


def _build(request: HttpRequest, definition: IndexDefinition) -> IndexBuild | None:
    raw = request.GET.get("build")
    if raw:
        if not raw.isdigit():
            raise Http404("build")
        return get_object_or_404(
            IndexBuild, definition__workspace=definition.workspace, definition__code=definition.code, pk=int(raw)
        )
    return pages.latest_build(definition)


@login_required
def home(request: HttpRequest, ws: str) -> HttpResponse:
    access = access_for(request.user, ws)
    first = IndexDefinition.objects.filter(workspace=access.workspace).order_by("code", "-version").first()
    if first is not None:
        return redirect("index-ranking", ws=ws, code=first.code)
    return render(request, "indexing/empty.html", {"workspace": access.workspace, "access": access})


def _page(request: HttpRequest, ws: str, code: str, template: str, fmt: str | None, build_data, **extra):  # type: ignore[no-untyped-def]
    access = access_for(request.user, ws)
    definition = _definition(access, code)
    built = _build(request, definition)
    if built is None:
        data = {"definition": {"code": definition.code, "name": definition.name_zh}, "build": None}
        return twin(
            request, "indexing/empty.html", data, fmt, workspace=access.workspace, access=access, definition=definition
        )
    data = build_data(built)
    return twin(
        request,
        template,
        data,
        fmt,
        workspace=access.workspace,
        access=access,
        definition=definition,
        builds=definition.builds.all()[:20],
        **extra,
    )


@login_required
def ranking(request: HttpRequest, ws: str, code: str, fmt: str | None = None) -> HttpResponse:
    return _page(request, ws, code, "indexing/ranking.html", fmt, lambda b: pages.ranking(b, request.GET.get("year")))


@login_required
def profile(request: HttpRequest, ws: str, code: str, unit: str | None = None, fmt: str | None = None) -> HttpResponse:
    def data(b: IndexBuild):  # type: ignore[no-untyped-def]
        chosen = unit or b.definition.home
        if chosen not in b.definition.units:
            raise Http404(chosen)
        return pages.profile(b, chosen)

    return _page(request, ws, code, "indexing/profile.html", fmt, data)


@login_required
def method(request: HttpRequest, ws: str, code: str, fmt: str | None = None) -> HttpResponse:
    return _page(request, ws, code, "indexing/method.html", fmt, pages.method)


@login_required
@require_POST
def start_build(request: HttpRequest, ws: str, code: str) -> HttpResponse:
    access = access_for(request.user, ws)
    if not access.can_manage:
        raise PermissionDenied("只有管理员和分析员可以构建指数 (only administrators and analysts build the index)")
    definition = _definition(access, code)
    job = enqueue(
        access.workspace,
        request.user,
        "indexing.build",
        f"构建{definition.name_zh} v{definition.version}",
        {"definition": definition.pk},
    )
    messages.info(request, f"已提交后台任务 #{job.pk} (job queued)")
    return redirect("job", ws=ws, pk=job.pk)


UA_DEFAULTS = {"N": 1000, "seed": 1, "noise": 0.25, "sobol": True}


def _ua_data(built: IndexBuild) -> dict:  # type: ignore[type-arg]
    run = built.uncertainty.select_related("job").first()
    data = {**pages.meta(built), "analysis": None, "result": None}
    if run is not None:
        data["analysis"] = {
            "id": run.pk,
            "params": run.params,
            "job": run.job_id,
            "state": run.job.state if run.job else None,
            "progress": run.job.progress if run.job else None,
        }
        data["result"] = run.result
    return data


@login_required
def uncertainty(request: HttpRequest, ws: str, code: str, fmt: str | None = None) -> HttpResponse:
    return _page(request, ws, code, "indexing/uncertainty.html", fmt, _ua_data, defaults=UA_DEFAULTS)


@login_required
@require_POST
def start_uncertainty(request: HttpRequest, ws: str, code: str) -> HttpResponse:
    access = access_for(request.user, ws)
    if not access.can_manage:
        raise PermissionDenied("只有管理员和分析员可以运行不确定性分析 (only administrators and analysts)")
    definition = _definition(access, code)
    built = pages.latest_build(definition)
    if built is None:
        raise Http404("no build")
    try:
        n = int(request.POST.get("N", UA_DEFAULTS["N"]))
        seed = int(request.POST.get("seed", UA_DEFAULTS["seed"]))
        noise = float(request.POST.get("noise", UA_DEFAULTS["noise"]))
    except ValueError:
        messages.error(request, "参数须为数字 (N, seed and noise must be numbers)")
        return redirect("index-uncertainty", ws=ws, code=code)
    if not (10 <= n <= 20000 and 0 <= noise <= 1):
        messages.error(request, "N 须在 10–20000 之间，权重扰动在 0–1 之间 (N in 10–20000, noise in 0–1)")
        return redirect("index-uncertainty", ws=ws, code=code)
    params = {"N": n, "seed": seed, "noise": noise, "sobol": request.POST.get("sobol") == "on"}
    run = IndexUncertainty.objects.create(build=built, params=params, created_by=cast(User, request.user))
    job = enqueue(
        access.workspace,
        request.user,
        "indexing.ua",
        f"不确定性分析：{definition.name_zh}（N={n}）",
        {"analysis": run.pk},
    )
    run.job = job
    run.save(update_fields=["job"])
    return redirect("job", ws=ws, pk=job.pk)
