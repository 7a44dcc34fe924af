"""Background jobs of the stress tests: one scenario run (ARIO over the horizon, with progress)."""

from __future__ import annotations

from typing import Any

from kaifang.jobs.models import Job
from kaifang.jobs.runner import Progress, register


@register("stress.run")
def run_job(job: Job, progress: Progress) -> dict[str, Any]:
    from kaifang.stress.runs import run_job as run

    return run(job, progress)
