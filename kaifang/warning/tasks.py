"""Background jobs of the warning system: re-estimating the disruption index, evaluating, delivering."""

from __future__ import annotations

from typing import Any

from kaifang.jobs.models import Job
from kaifang.jobs.runner import Progress, register
from kaifang.warning.models import IndexSpec


@register("warning.index")
def index_job(job: Job, progress: Progress) -> dict[str, Any]:
    from kaifang.warning.index_build import run_index

    spec = IndexSpec.objects.filter(workspace=job.workspace).first()
    if spec is None:
        raise ValueError("本工作区尚未配置供应链受阻指数 (no index configuration)")
    run = run_index(spec, job.created_by, job=job, progress=progress)
    return {"run": run.pk, "last_period": run.last_period, "url": f"/w/{job.workspace.code}/warning/index/"}


@register("warning.evaluate")
def evaluate_job(job: Job, progress: Progress) -> dict[str, Any]:
    from kaifang.warning.alerts import evaluate

    run = evaluate(job.workspace, trigger=f"后台任务 #{job.pk}")
    if run.error:
        raise RuntimeError(run.error.strip().splitlines()[-1])
    return {"evaluation": run.pk, "counts": run.counts, "url": f"/w/{job.workspace.code}/warning/"}


@register("warning.deliver")
def deliver_job(job: Job, progress: Progress) -> dict[str, Any]:
    from kaifang.warning.notify import deliver_pending

    return deliver_pending(job.workspace, progress=progress)
