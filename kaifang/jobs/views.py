"""后台任务 pages: the list and one job with a live progress bar (htmx polls the fragment)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from kaifang.accounts.access import access_for
from kaifang.cockpit.views import twin
from kaifang.jobs.models import Job


def job_dict(job: Job) -> dict[str, Any]:
    def at(value: Any) -> str | None:
        return timezone.localtime(value).isoformat() if value else None

    return {
        "id": job.pk,
        "kind": job.kind,
        "title": job.title,
        "params": job.params,
        "state": job.state,
        "state_zh": job.get_state_display(),
        "progress": round(job.progress, 4),
        "message": job.message,
        "result": job.result,
        "error": job.error,
        "created_by": job.created_by.get_username(),
        "created_at": at(job.created_at),
        "started_at": at(job.started_at),
        "finished_at": at(job.finished_at),
        "finished": job.finished,
    }


@login_required
def jobs(request: HttpRequest, ws: str, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    qs = Job.objects.filter(workspace=access.workspace).select_related("created_by")[:200]
    data = {"workspace": ws, "jobs": [{k: v for k, v in job_dict(j).items() if k != "result"} for j in qs]}
    return twin(request, "jobs/jobs.html", data, fmt, workspace=access.workspace, access=access)


@login_required
def job(request: HttpRequest, ws: str, pk: int, fmt: str | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    obj = get_object_or_404(Job.objects.select_related("created_by"), workspace=access.workspace, pk=pk)
    data = job_dict(obj)
    if request.headers.get("HX-Request") and fmt is None:
        return render(request, "jobs/_progress.html", {"job": data, "workspace": access.workspace})
    return twin(request, "jobs/job.html", data, fmt, workspace=access.workspace, access=access, job=data)
