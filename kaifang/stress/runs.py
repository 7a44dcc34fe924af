"""Running a scenario on a table: the run row, the background job, and storing the result with its method."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kaifang.jobs.models import Job
from kaifang.jobs.runner import Progress, enqueue
from kaifang.stress import store
from kaifang.stress.models import IOTableRecord, Scenario, StressRun
from kaifang.stress.scenarios import ScenarioResult, check_against, run_scenario
from kaifang.stress.versions import spec_of


def start(workspace: Any, user: Any, table: IOTableRecord, scenario: Scenario) -> StressRun:
    """Check the scenario against the table now (a wrong sector code is the user's error, shown at once), then queue
    the computation."""
    check_against(spec_of(scenario), store.load(table).table)
    run = StressRun.objects.create(workspace=workspace, table=table, scenario=scenario, created_by=user)
    job = enqueue(
        workspace,
        user,
        "stress.run",
        f"压力测试：{scenario.name_zh} @ {table.name}",
        {"run": run.pk},
    )
    run.job = job
    run.save(update_fields=["job"])
    return run


def compute(run: StressRun, progress: Progress | None = None) -> StressRun:
    """Run the scenario and store the result; the table and method used travel with it."""
    loaded = store.load(run.table)
    result = run_scenario(loaded.table, spec_of(run.scenario), jobs=loaded.jobs, progress=progress)
    data = result.to_json()
    data["table_record"] = {
        "id": run.table.pk,
        "name": run.table.name,
        "kind": run.table.kind,
        "year": run.table.year,
        "source": run.table.source,
        "is_sample": run.table.is_sample,
        "regionalisation": run.table.method,
        "jobs_basis": run.table.jobs_basis,
    }
    data["scenario_record"] = {"id": run.scenario.pk, "key": run.scenario.key, "version": run.scenario.version}
    run.result = data
    run.totals = data.get("totals", {})
    run.finished_at = timezone.now()
    run.error = ""
    run.save(update_fields=["result", "totals", "finished_at", "error"])
    return run


def result_of(run: StressRun) -> ScenarioResult:
    if run.result is None:
        raise ValueError(f"运行 #{run.pk} 尚未完成 (run not finished)")
    return ScenarioResult.from_json(run.result)


def run_job(job: Job, progress: Progress) -> dict[str, Any]:
    run = StressRun.objects.select_related("table", "scenario").get(pk=job.params["run"], workspace=job.workspace)
    try:
        compute(run, progress)
    except Exception as exc:
        run.error = str(exc)[:2000]
        run.save(update_fields=["error"])
        raise
    return {"run": run.pk, "url": f"/w/{job.workspace.code}/stress/runs/{run.pk}/"}
