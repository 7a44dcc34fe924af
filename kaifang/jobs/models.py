"""Background jobs (后台任务): long computations run by a worker, with progress the UI can poll.

A job is a row: the kind names a registered function (``kaifang.jobs.runner.register``), the
parameters are JSON, and the worker writes progress (0–1 and a message) while it runs. The queue is
the database itself, so the embedded SQLite deployment needs no broker; on PostgreSQL workers claim
jobs with ``SELECT … FOR UPDATE SKIP LOCKED``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class State(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "运行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class Job(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField("任务类型", max_length=60)
    title = models.CharField("标题", max_length=200)
    params = models.JSONField("参数", default=dict)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.FloatField("进度", default=0.0)
    message = models.CharField("进度说明", max_length=300, blank=True)
    result = models.JSONField("结果", null=True, blank=True)
    error = models.TextField("错误", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    worker = models.CharField("执行进程", max_length=80, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "id"], name="job_queue_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in {State.DONE, State.FAILED}
