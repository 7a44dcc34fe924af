"""Background jobs of the index: a build on the current vintages, and an uncertainty analysis."""

from __future__ import annotations

from typing import Any

from kaifang.indexing.builds import run_build
from kaifang.indexing.models import IndexDefinition
from kaifang.jobs.models import Job
from kaifang.jobs.runner import Progress, register


@register("indexing.build")
def build_job(job: Job, progress: Progress) -> dict[str, Any]:
    definition = IndexDefinition.objects.get(pk=job.params["definition"], workspace=job.workspace)
    built = run_build(definition, job.created_by, progress=progress)
    return {"build": built.pk, "url": f"/w/{job.workspace.code}/index/{definition.code}/"}
