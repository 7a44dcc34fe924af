"""Enqueue, claim and run jobs; report progress at a bounded rate.

Kinds are registered by the app that owns the computation::

    @register("indexing.ua")
    def run_ua(job: Job, progress: Progress) -> dict: ...

The function gets the job (its ``params``) and a :class:`Progress` callable, and returns a JSON
result. An exception marks the job failed with its message; nothing else is lost: the job row keeps
its parameters, so it can be queued again.
"""

from __future__ import annotations

import os
import socket
import time
import traceback
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from kaifang.jobs.models import Job, State

Progress = Callable[[float, str], None]
Handler = Callable[[Job, Progress], Any]
_HANDLERS: dict[str, Handler] = {}


def register(kind: str) -> Callable[[Handler], Handler]:
    def wrap(fn: Handler) -> Handler:
        _HANDLERS[kind] = fn
        return fn

    return wrap


def handlers() -> dict[str, Handler]:
    _load_handlers()
    return dict(_HANDLERS)


def _load_handlers() -> None:
    # handlers live in the apps' jobs modules; importing them registers them
    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    for config in apps.get_app_configs():
        if config.name.startswith("kaifang.") and module_has_submodule(config.module, "tasks"):
            __import__(f"{config.name}.tasks")


def enqueue(workspace: Any, user: Any, kind: str, title: str, params: dict[str, Any]) -> Job:
    """Queue a job (its creation is audited like any model save); the worker (``kaifang jobs work``) picks it up."""
    if kind not in handlers():
        raise ValueError(f"未知任务类型 unknown job kind {kind!r}; known: {', '.join(sorted(_HANDLERS))}")
    return Job.objects.create(workspace=workspace, kind=kind, title=title, params=params, created_by=user)


def claim() -> Job | None:
    """Take the oldest queued job, atomically: two workers never run the same job."""
    me = f"{socket.gethostname()}:{os.getpid()}"
    with transaction.atomic():
        qs = Job.objects.filter(state=State.QUEUED).order_by("id")
        if connection.vendor == "postgresql":
            qs = qs.select_for_update(skip_locked=True)
        job = qs.first()
        if job is None:
            return None
        # on SQLite the write lock serialises claimers; the state guard makes the claim idempotent
        taken = Job.objects.filter(pk=job.pk, state=State.QUEUED).update(
            state=State.RUNNING, started_at=timezone.now(), worker=me, message="开始 (started)"
        )
        if not taken:
            return None
    job.refresh_from_db()
    return job


def run(job: Job, *, min_interval: float = 0.5) -> Job:
    """Run a claimed job to the end; progress is written at most every ``min_interval`` seconds."""
    handler = handlers().get(job.kind)
    last = [0.0]

    def progress(fraction: float, message: str = "") -> None:
        now = time.monotonic()
        if now - last[0] < min_interval and fraction < 1:
            return
        last[0] = now
        Job.objects.filter(pk=job.pk).update(progress=max(0.0, min(1.0, fraction)), message=message[:300])

    try:
        if handler is None:
            raise ValueError(f"未知任务类型 unknown job kind {job.kind!r}")
        result = handler(job, progress)
    except Exception as exc:  # a failed job must record why, whatever the cause
        tail = "".join(traceback.format_exception(exc)[-3:])
        Job.objects.filter(pk=job.pk).update(
            state=State.FAILED, finished_at=timezone.now(), message=f"失败: {exc}"[:300], error=tail[-4000:]
        )
    else:
        Job.objects.filter(pk=job.pk).update(
            state=State.DONE, finished_at=timezone.now(), progress=1.0, message="完成 (done)", result=result
        )
    job.refresh_from_db()
    return job


def work(*, once: bool = False, sleep: float = 1.0, stop: Callable[[], bool] = lambda: False) -> int:
    """The worker loop: claim and run jobs until ``stop()`` (or, with ``once``, until the queue is empty)."""
    done = 0
    while not stop():
        job = claim()
        if job is None:
            if once:
                break
            time.sleep(sleep)
            continue
        run(job)
        done += 1
    return done
