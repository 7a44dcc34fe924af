"""Observations with vintages (数据版本).

An observation is one value of one indicator for one region in one period, on one basis (当期/当月
or 累计). Rows are never updated in value: a new figure for the same cell is a new row (a new
vintage) and the predecessor gets ``superseded_at`` = the new row's ``submitted_at``. So

* the latest value of a cell is the row with ``superseded_at IS NULL`` (at most one, enforced by a
  partial unique constraint), and
* the value "as of" a time T is the row with ``submitted_at <= T < superseded_at``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Basis(models.TextChoices):
    PERIOD = "P", "当期"  # 当月 for months, 当季 for quarters, the year for annual data
    YTD = "YTD", "累计"  # 1–m月累计 (year to date)


class Status(models.TextChoices):
    PRELIMINARY = "P", "初步"
    REVISED = "R", "修订"
    FINAL = "F", "正式"


class ImportBatch(models.Model):
    """One write operation: an API submission, an uploaded file, a demo or bulk load."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.PROTECT, related_name="batches")
    kind = models.CharField("方式", max_length=12)  # api, upload, bulk, demo
    label = models.CharField("说明", max_length=200, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    submitted_at = models.DateTimeField("提交时间")
    rows = models.PositiveIntegerField("行数", default=0)
    revised = models.PositiveIntegerField("修订行数", default=0)

    class Meta:
        verbose_name = "提交批次"
        verbose_name_plural = "提交批次"
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.label}"


class Observation(models.Model):
    # the composite indexes below start with these columns; separate FK indexes would only slow inserts
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.PROTECT, related_name="+", db_index=False)
    indicator = models.ForeignKey("catalog.Indicator", on_delete=models.PROTECT, related_name="+", db_index=False)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False)
    period = models.CharField("时期", max_length=10)
    period_end = models.DateField("时期末")
    basis = models.CharField("口径", max_length=3, choices=Basis.choices, default=Basis.PERIOD)
    value = models.FloatField("数值")
    unit = models.CharField("单位", max_length=16)
    original_value = models.FloatField("原始数值", null=True, blank=True)
    original_unit = models.CharField("原始单位", max_length=16, blank=True)
    status = models.CharField("状态", max_length=1, choices=Status.choices, default=Status.PRELIMINARY)
    source = models.CharField("来源", max_length=200, blank=True)
    is_sample = models.BooleanField("示例数据", default=False)
    note = models.CharField("备注", max_length=300, blank=True)
    # batch and submitted_by are assigned by the platform, never by the submitter, and are the same for
    # every row of a batch; a database-level check per row would only double the cost of bulk loads
    # (deletes stay PROTECTed by the ORM).
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_constraint=False
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    submitted_at = models.DateTimeField("提交时间")
    superseded_at = models.DateTimeField("被替代时间", null=True, blank=True)

    class Meta:
        verbose_name = "观测值"
        verbose_name_plural = "观测值"
        indexes = [
            models.Index(
                # the vintages of a cell sit together; basis and submitted_at are filtered in place
                # (a cell has a handful of vintages), which keeps the index lean for bulk loads
                fields=["workspace", "indicator", "region", "period"],
                name="obs_vintage_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "indicator", "region", "period", "basis"],
                condition=Q(superseded_at__isnull=True),
                name="obs_one_current_vintage",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.region_id}/{self.period}={self.value}"
