"""Workspaces, departments and who may do what where.

One installation hosts several cities (巴中 and its Daba Mountains partners); each is a
:class:`Workspace`. A user sees a workspace only through a :class:`Membership`, which carries the
role and, for a department data officer (部门数据专员), the department whose indicators they may write.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "管理员"
    ANALYST = "analyst", "分析员"
    OFFICER = "officer", "部门数据专员"
    VIEWER = "viewer", "领导/查看者"
    EVALUATOR = "evaluator", "第三方评估"


class Workspace(models.Model):
    code = models.SlugField("代码", max_length=40, unique=True)
    name_zh = models.CharField("名称", max_length=80)
    name_en = models.CharField("English name", max_length=120, blank=True)
    home_region = models.ForeignKey(
        "regions.Region", verbose_name="主区域", on_delete=models.PROTECT, null=True, blank=True
    )
    is_sample = models.BooleanField("示例数据", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "工作区"
        verbose_name_plural = "工作区"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_zh


class Department(models.Model):
    """A reporting department (责任单位), as named in the indicator catalog."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name_zh = models.CharField("名称", max_length=80)
    name_en = models.CharField("English name", max_length=120, blank=True)

    class Meta:
        verbose_name = "责任部门"
        verbose_name_plural = "责任部门"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_zh


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("角色", max_length=12, choices=Role.choices)
    department = models.ForeignKey(Department, verbose_name="所属部门", on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        verbose_name = "工作区成员"
        verbose_name_plural = "工作区成员"
        constraints = [models.UniqueConstraint(fields=["user", "workspace"], name="one_role_per_workspace")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.workspace.code}: {self.get_role_display()}"
