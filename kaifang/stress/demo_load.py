"""The stress-test demo of a workspace: the synthetic national table (示例数据, :mod:`kaifang.stress.demo_table`),
Bazhong regionalised from it by FLQ with the report's 2020 three-industry value added, the scenario library, and
one run of every library scenario on the regional table (computed here, not queued, so the demo is complete)."""

from __future__ import annotations

from typing import Any

from kaifang.stress import runs, store, versions
from kaifang.stress.demo_table import BAZHONG_2020_VA, demo_national_table
from kaifang.stress.models import IOTableRecord, Scenario, StressRun, TableKind

#: 示意值 for the demo's employment estimate (劳动者报酬 ÷ 平均工资); a real deployment enters the published wage
DEMO_WAGE_YUAN = 80_000.0


def reset(workspace: Any) -> None:
    """Remove a workspace's stress tests (runs, then derived tables, then the rest): the history is protected
    against single deletions, so a workspace can only go as a whole."""
    StressRun.objects.filter(workspace=workspace).delete()
    IOTableRecord.objects.filter(workspace=workspace, parent__isnull=False).delete()
    IOTableRecord.objects.filter(workspace=workspace).delete()
    Scenario.objects.filter(workspace=workspace).delete()


def load_demo(workspace: Any, user: Any) -> dict[str, int]:
    national = store.save(
        workspace,
        user,
        demo_national_table(),
        name="全国 42 部门投入产出表（合成示例）",
        kind=TableKind.NATIONAL,
        year=2020,
        is_sample=True,
        jobs_basis="",
    )
    region = workspace.home_region
    three = tuple(BAZHONG_2020_VA[k] / 1e4 for k in ("primary", "secondary", "tertiary"))  # 万元 → 亿元
    regional = store.regionalise_record(
        national,
        user,
        region=region,
        three_industries=three,  # type: ignore[arg-type]
        method="flq",
        delta=0.3,
        average_wage_yuan=DEMO_WAGE_YUAN,
        name=f"{region.name_zh} 42 部门（FLQ 区域化，示例）",
        is_sample=True,
    )
    scenarios = versions.sync_library(workspace, user)
    for scenario in scenarios:
        run = StressRun.objects.create(workspace=workspace, table=regional, scenario=scenario, created_by=user)
        runs.compute(run)
    return {
        "tables": IOTableRecord.objects.filter(workspace=workspace).count(),
        "scenarios": len(scenarios),
        "runs": StressRun.objects.filter(workspace=workspace).count(),
    }
