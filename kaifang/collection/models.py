"""Data collection (月度调度): what departments owe each month, what they upload, who reviews it.

A :class:`Submission` is one uploaded file on its way to becoming observations: it is read and
checked at upload (errors refuse rows, warnings wait for a reviewer), submitted by its department,
then approved — only then are its rows written, as new vintages, in one all-or-nothing ingest — or
rejected with a comment. The file itself is kept (by content hash) so the evidence stays auditable.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MappingTemplate(models.Model):
    """How a department's sheet layout maps to indicators, regions and periods (by labels)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="templates")
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, null=True, blank=True)
    name = models.CharField("模板名称", max_length=80)
    spec = models.JSONField("映射规则", default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "映射模板"
        verbose_name_plural = "映射模板"
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="one_template_name")]

    def __str__(self) -> str:
        return self.name


class ReportingDuty(models.Model):
    """报送日历: a department owes its monthly figures by ``due_day`` of the following month."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="duties")
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT)
    due_day = models.PositiveSmallIntegerField("每月截止日", default=10)
    indicators = models.ManyToManyField("catalog.Indicator", verbose_name="报送指标", blank=True)

    class Meta:
        verbose_name = "报送任务"
        verbose_name_plural = "报送任务"
        constraints = [models.UniqueConstraint(fields=["workspace", "department"], name="one_duty_per_department")]

    def __str__(self) -> str:
        return f"{self.department} 每月{self.due_day}日前"


class State(models.TextChoices):
    UPLOADED = "uploaded", _("已上传")
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("已退回")


class Submission(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.PROTECT, related_name="submissions")
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, null=True, blank=True)
    period = models.CharField("报送月份", max_length=10, blank=True)
    filename = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("内容哈希", max_length=64, db_index=True)
    size = models.PositiveIntegerField("字节数")
    template = models.ForeignKey(MappingTemplate, on_delete=models.SET_NULL, null=True, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.UPLOADED)
    rows = models.PositiveIntegerField("有效行数", default=0)
    errors = models.JSONField("错误", default=list, blank=True)
    warnings = models.JSONField("警告", default=list, blank=True)
    staged = models.JSONField("待写入数据", default=list, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_comment = models.TextField("审核意见", blank=True)
    batch = models.ForeignKey("observations.ImportBatch", on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        verbose_name = "报送"
        verbose_name_plural = "报送"
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.filename}（{self.get_state_display()}）"


class IdempotentRequest(models.Model):
    """The answer given to a JSON batch sent with an ``Idempotency-Key``, replayed on a retry."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=100)
    body_sha256 = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "user", "key"], name="one_answer_per_key")]
