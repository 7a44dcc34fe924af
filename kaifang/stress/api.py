"""REST routes of the stress tests (/api/workspaces/{ws}/stress/…, mounted on the platform API).

The GET routes return the same dicts as the pages' JSON twins; POST saves a scenario version (the YAML text; 400
with every problem located) or queues a run (202; the run's page or ``GET …/runs/{id}`` shows it when done).
Administrators and analysts write; everyone in the workspace reads."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from kaifang.accounts.access import Access, access_for
from kaifang.stress import pages, runs, versions
from kaifang.stress.models import IOTableRecord, Scenario, StressRun
from kaifang.stress.scenarios import ScenarioError

router = Router(tags=["stress 风险压力测试"])


class ScenarioIn(Schema):
    text: str
    reason: str = ""


class RunIn(Schema):
    table: int
    scenario: int


class ProblemsOut(Schema):
    detail: str
    problems: list[list[str]]


def _writer(access: Access) -> None:
    if not access.can_manage:
        raise HttpError(403, "只有管理员和分析员可以写入压力测试 (administrators and analysts only)")


@router.get("/{ws}/stress", summary="压力测试总览：投入产出表、情景、最近运行（= /w/{ws}/stress/home.json）")
def overview(request: HttpRequest, ws: str) -> dict[str, Any]:
    return pages.home(access_for(request.user, ws).workspace)


@router.get("/{ws}/stress/tables/{pk}", summary="投入产出表：乘数、关联、部门明细（= tables/{id}.json）")
def table(request: HttpRequest, ws: str, pk: int) -> dict[str, Any]:
    access = access_for(request.user, ws)
    return pages.table_page(get_object_or_404(IOTableRecord, workspace=access.workspace, pk=pk))


@router.get("/{ws}/stress/scenarios/{pk}", summary="情景的一个版本（= scenarios/{id}.json）")
def scenario(request: HttpRequest, ws: str, pk: int) -> dict[str, Any]:
    access = access_for(request.user, ws)
    return pages.scenario_page(get_object_or_404(Scenario, workspace=access.workspace, pk=pk))


@router.post(
    "/{ws}/stress/scenarios",
    response={201: dict[str, Any], 400: ProblemsOut},
    summary="保存情景（YAML；已有代码则保存为新版本）",
)
def save_scenario(request: HttpRequest, ws: str, body: ScenarioIn) -> Status[dict[str, Any]]:
    access = access_for(request.user, ws)
    _writer(access)
    try:
        saved = versions.save(access.workspace, request.user, body.text, reason=body.reason)
    except ScenarioError as exc:
        problems = [list(p) for p in exc.problems]
        return Status(400, {"detail": "情景有误，未保存 (invalid scenario)", "problems": problems})
    return Status(201, pages.scenario_row(saved))


@router.post("/{ws}/stress/runs", response={202: dict[str, Any], 400: ProblemsOut}, summary="运行情景（后台任务）")
def start_run(request: HttpRequest, ws: str, body: RunIn) -> Status[dict[str, Any]]:
    access = access_for(request.user, ws)
    _writer(access)
    found_table = get_object_or_404(IOTableRecord, workspace=access.workspace, pk=body.table)
    found_scenario = get_object_or_404(Scenario, workspace=access.workspace, pk=body.scenario)
    try:
        run = runs.start(access.workspace, request.user, found_table, found_scenario)
    except ScenarioError as exc:
        return Status(400, {"detail": "情景与表不符 (scenario does not fit the table)",
                            "problems": [list(p) for p in exc.problems]})  # fmt: skip
    return Status(202, pages.run_row(run))


@router.get("/{ws}/stress/runs/{pk}", summary="运行结果（= runs/{id}.json）")
def run(request: HttpRequest, ws: str, pk: int) -> dict[str, Any]:
    access = access_for(request.user, ws)
    found = get_object_or_404(
        StressRun.objects.select_related("scenario", "table", "job"), workspace=access.workspace, pk=pk
    )
    return pages.run_page(found)


@router.get("/{ws}/stress/compare", summary="两个运行对比（= compare.json?a=&b=）")
def compare(request: HttpRequest, ws: str, a: int, b: int) -> dict[str, Any]:
    access = access_for(request.user, ws)
    done = StressRun.objects.filter(workspace=access.workspace, result__isnull=False).select_related(
        "scenario", "table", "job"
    )
    return pages.compare_page(get_object_or_404(done, pk=a), get_object_or_404(done, pk=b))
