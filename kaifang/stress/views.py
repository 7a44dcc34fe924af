"""Pages of the stress tests (S6): overview, tables, scenarios (builder and editor), runs and comparison. Each
reads the request, calls a builder in ``pages`` and renders it or its JSON twin; POST actions check the role
(administrators and analysts), call the core and redirect."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from kaifang.accounts.access import Access, access_for
from kaifang.cockpit.views import twin
from kaifang.jobs.views import job_dict
from kaifang.regions.models import Region
from kaifang.stress import builder, pages, runs, store, versions
from kaifang.stress.models import IOTableRecord, Scenario, StressRun
from kaifang.stress.regionalise import METHODS
from kaifang.stress.scenarios import ScenarioError, to_workbook


def _manager(access: Access, what: str) -> None:
    if not access.can_manage:
        raise PermissionDenied(f"只有管理员和分析员可以{what} (administrators and analysts only)")


def _render(
    request: HttpRequest, access: Access, template: str, data: Any, fmt: str | None, **extra: Any
) -> HttpResponse:
    return twin(
        request,
        template,
        data,
        fmt,
        workspace=access.workspace,
        access=access,
        manager=access.can_manage,
        **extra,
    )


def _problems(exc: ScenarioError | store.TableError) -> list[str]:
    return [f"{where}: {what}" if where else what for where, what in exc.problems]


@login_required
def home(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    return _render(request, access, "stress/home.html", pages.home(access.workspace), fmt)


@login_required
def table(request: HttpRequest, ws: str, pk: int, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    record = get_object_or_404(
        IOTableRecord.objects.select_related("region", "parent"), workspace=access.workspace, pk=pk
    )
    return _render(request, access, "stress/table.html", pages.table_page(record), fmt, methods=METHODS)


@login_required
@require_POST
def table_upload(request: HttpRequest, ws: str) -> HttpResponse:
    access = access_for(request.user, ws)
    _manager(access, "导入投入产出表")
    upload = request.FILES.get("file")
    year = request.POST.get("year", "")
    if upload is None or not year.isdigit():
        messages.error(request, "请选择文件并填写年份 (choose a file and give the year)")
        return redirect("stress:home", ws=ws)
    try:
        record = store.import_nbs(
            access.workspace, request.user, upload.read(), upload.name or "upload.csv",
            name=request.POST.get("name") or upload.name or "upload.csv",
            year=int(year),
        )  # fmt: skip
    except store.TableError as exc:
        for line in _problems(exc)[:30]:
            messages.error(request, line)
        return redirect("stress:home", ws=ws)
    messages.success(request, f"已导入：{record}")
    return redirect("stress:table", ws=ws, pk=record.pk)


@login_required
@require_POST
def table_regionalise(request: HttpRequest, ws: str, pk: int) -> HttpResponse:
    access = access_for(request.user, ws)
    _manager(access, "生成区域化表")
    parent = get_object_or_404(IOTableRecord, workspace=access.workspace, pk=pk)
    upload = request.FILES.get("sizes")
    try:
        sizes = store.read_sector_output(upload.read(), upload.name or "sizes.csv", parent) if upload else None
        values = None if sizes else tuple(float(request.POST[k]) for k in ("primary", "secondary", "tertiary"))
        delta = float(request.POST.get("delta") or 0.3)
        wage = float(request.POST["wage"]) if request.POST.get("wage") else None
        method = request.POST.get("method", "flq")
        if method not in METHODS:
            raise ValueError(f"未知方法 {method} (unknown method)")
        if not 0 <= delta < 1:
            raise ValueError("δ 应在 [0, 1) 之间 (delta must be in [0, 1))")
        region = Region.objects.filter(code=request.POST.get("region") or "").first() or access.workspace.home_region
        record = store.regionalise_record(
            parent, request.user, region=region, three_industries=values, sector_output=sizes,  # type: ignore[arg-type]
            method=method, delta=delta, average_wage_yuan=wage,
        )  # fmt: skip
    except store.TableError as exc:
        for line in _problems(exc)[:30]:
            messages.error(request, line)
        return redirect("stress:table", ws=ws, pk=pk)
    except (KeyError, ValueError) as exc:
        messages.error(request, f"区域化失败 (regionalisation failed): {exc}")
        return redirect("stress:table", ws=ws, pk=pk)
    messages.success(request, f"已生成：{record}")
    return redirect("stress:table", ws=ws, pk=record.pk)


@login_required
def scenario(request: HttpRequest, ws: str, pk: int, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    record = get_object_or_404(Scenario, workspace=access.workspace, pk=pk)
    return _render(request, access, "stress/scenario.html", pages.scenario_page(record), fmt)


@login_required
def scenario_edit(request: HttpRequest, ws: str, pk: int | None = None) -> HttpResponse:
    """The YAML editor (a new scenario, or the next version of one); errors are shown with their line numbers."""
    access = access_for(request.user, ws)
    _manager(access, "编辑情景")
    record = get_object_or_404(Scenario, workspace=access.workspace, pk=pk) if pk else None
    text = record.text if record else builder.TEMPLATE
    problems: list[str] = []
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            saved = versions.save(access.workspace, request.user, text, reason=request.POST.get("reason", ""))
        except ScenarioError as exc:
            problems = _problems(exc)
        else:
            messages.success(request, f"已保存：{saved}")
            return redirect("stress:scenario", ws=ws, pk=saved.pk)
    data = {"scenario": pages.scenario_row(record) if record else None, "text": text, "problems": problems}
    return _render(request, access, "stress/scenario_edit.html", data, None)


@login_required
def scenario_builder(request: HttpRequest, ws: str) -> HttpResponse:
    """A form for the common shocks; it writes the YAML, which the analyst can then refine in the editor."""
    access = access_for(request.user, ws)
    _manager(access, "新建情景")
    tables = IOTableRecord.objects.filter(workspace=access.workspace)
    sectors = builder.sector_choices(tables.first())
    form: dict[str, Any] = dict(builder.DEFAULTS)
    problems: list[str] = []
    if request.method == "POST":
        form = {k: request.POST.get(k, v) for k, v in builder.DEFAULTS.items()}
        form["sectors"] = request.POST.getlist("sectors")
        try:
            text = builder.to_yaml(form)
            saved = versions.save(access.workspace, request.user, text, reason="情景构建器")
        except (ScenarioError, ValueError) as exc:
            problems = _problems(exc) if isinstance(exc, ScenarioError) else [str(exc)]
        else:
            messages.success(request, f"已保存：{saved}")
            return redirect("stress:scenario", ws=ws, pk=saved.pk)
    data = {"form": form, "problems": problems, "sectors": sectors, "kinds": builder.KIND_LABELS}
    return _render(request, access, "stress/builder.html", data, None)


@login_required
@require_POST
def run_start(request: HttpRequest, ws: str) -> HttpResponse:
    access = access_for(request.user, ws)
    _manager(access, "运行压力测试")
    try:
        table_obj = IOTableRecord.objects.get(workspace=access.workspace, pk=int(request.POST["table"]))
        scen = Scenario.objects.get(workspace=access.workspace, pk=int(request.POST["scenario"]))
    except (KeyError, ValueError, IOTableRecord.DoesNotExist, Scenario.DoesNotExist):
        raise Http404("table/scenario") from None
    try:
        run = runs.start(access.workspace, request.user, table_obj, scen)
    except ScenarioError as exc:
        for line in _problems(exc):
            messages.error(request, line)
        return redirect("stress:scenario", ws=ws, pk=scen.pk)
    messages.success(request, f"已排队：压力测试 #{run.pk}（后台任务 #{run.job_id}）")
    return redirect("stress:run", ws=ws, pk=run.pk)


@login_required
def run(request: HttpRequest, ws: str, pk: int, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    found = get_object_or_404(
        StressRun.objects.select_related("scenario", "table", "job"), workspace=access.workspace, pk=pk
    )
    others = StressRun.objects.filter(workspace=access.workspace, result__isnull=False).exclude(pk=pk)
    others = others.select_related("scenario", "table", "job").defer(*pages.RUN_BLOBS)[:30]
    job = job_dict(found.job) if found.job else None
    others_rows = [pages.run_row(o) for o in others]
    return _render(request, access, "stress/run.html", pages.run_page(found), fmt, others=others_rows, job=job)


@login_required
def run_xlsx(request: HttpRequest, ws: str, pk: int) -> HttpResponse:
    """A finished run as an Excel workbook (the same as ``kaifang stress run --out FILE.xlsx``)."""
    access = access_for(request.user, ws)
    found = get_object_or_404(StressRun.objects.select_related("scenario"), workspace=access.workspace, pk=pk)
    if not found.done:
        raise Http404("运行尚未完成 (run not finished)")
    response = HttpResponse(
        to_workbook(runs.result_of(found)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"stress-{found.pk}-{found.scenario.key}-v{found.scenario.version}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def compare(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    done = StressRun.objects.filter(workspace=access.workspace, result__isnull=False)
    try:
        a = done.select_related("scenario", "table", "job").get(pk=int(request.GET.get("a", "")))
        b = done.select_related("scenario", "table", "job").get(pk=int(request.GET.get("b", "")))
    except (ValueError, StressRun.DoesNotExist):
        raise Http404("请选择两个已完成的运行 (choose two finished runs: ?a=&b=)") from None
    return _render(request, access, "stress/compare.html", pages.compare_page(a, b), fmt)
