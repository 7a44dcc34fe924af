"""The adaptability library in the database, per workspace, and the stored assessments.

A :class:`PolicyModel` (苏州工业园区, 鲁尔区 …) has :class:`Prerequisite` rows under the three matches and
:class:`ReferencePlace` rows (places where it worked) with their :class:`ReferenceValue` profile. Analysts and
administrators edit prerequisites on the pages; every change is audited and bumps the model's ``version``.
Prerequisites are retired, never deleted. An :class:`Assessment` keeps its own snapshot of the conditions,
the values (with year and vintage) and the result, so an old assessment never changes when the library does.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from kaifang.adaptability.assess import MATCH_ZH

MATCH_CHOICES = [(k, v) for k, v in MATCH_ZH.items()]
OP_CHOICES = [(">=", "≥"), ("<=", "≤")]


class PolicyModel(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    key = models.SlugField("代码", max_length=40)
    name_zh = models.CharField("名称", max_length=80)
    name_en = models.CharField("English name", max_length=120, blank=True)
    place_zh = models.CharField("地点", max_length=80, blank=True)
    place_en = models.CharField("Place", max_length=120, blank=True)
    section = models.CharField("报告章节", max_length=40, blank=True)
    summary = models.TextField("经验要点（报告原文）")
    position = models.PositiveIntegerField("顺序", default=0)
    version = models.PositiveIntegerField("前提条件版本", default=1)
    library_version = models.CharField("模式库文件版本", max_length=20, blank=True)
    retired = models.BooleanField("已停用", default=False)

    class Meta:
        verbose_name = "经验模式"
        verbose_name_plural = "经验模式"
        ordering = ["position", "key"]
        constraints = [models.UniqueConstraint(fields=["workspace", "key"], name="adaptability_model_key")]

    def __str__(self) -> str:
        return self.name_zh


class Prerequisite(models.Model):
    """A condition ``indicator op needed`` (in the indicator's catalog unit) under one of the three matches."""

    model = models.ForeignKey(PolicyModel, on_delete=models.CASCADE, related_name="prerequisites")
    match = models.CharField("匹配关系", max_length=24, choices=MATCH_CHOICES)
    indicator = models.ForeignKey("catalog.Indicator", on_delete=models.PROTECT, related_name="+")
    op = models.CharField("方向", max_length=2, choices=OP_CHOICES)
    needed = models.FloatField("所需值")
    weight = models.FloatField("权重", default=1.0)
    rationale = models.TextField("理由", blank=True)
    position = models.PositiveIntegerField("顺序", default=0)
    retired = models.BooleanField("已停用", default=False)

    class Meta:
        verbose_name = "前提条件"
        verbose_name_plural = "前提条件"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.model.key}: {self.indicator_id} {self.op} {self.needed:g}"

    @property
    def workspace(self) -> Any:  # the audit log files the change under the model's workspace
        return self.model.workspace


class ReferencePlace(models.Model):
    """A place where the model worked; ``platform`` places read their profile from the workspace's observations."""

    model = models.ForeignKey(PolicyModel, on_delete=models.CASCADE, related_name="references")
    key = models.SlugField("代码", max_length=40)
    name_zh = models.CharField("名称", max_length=80)
    name_en = models.CharField("English name", max_length=120, blank=True)
    region_code = models.CharField("区划代码（GB/T 2260 或 ISO 3166-1 alpha-3）", max_length=6)
    year = models.PositiveIntegerField("画像年份", null=True, blank=True)
    platform = models.BooleanField("取自平台观测值", default=False)
    position = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "成功地"
        verbose_name_plural = "成功地"
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["model", "key"], name="adaptability_reference_key")]

    def __str__(self) -> str:
        return self.name_zh

    @property
    def workspace(self) -> Any:
        return self.model.workspace


class ReferenceValue(models.Model):
    place = models.ForeignKey(ReferencePlace, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey("catalog.Indicator", on_delete=models.PROTECT, related_name="+")
    value = models.FloatField("数值")
    source = models.CharField("来源", max_length=300, blank=True)
    is_sample = models.BooleanField("示例数据", default=True)

    class Meta:
        verbose_name = "成功地指标值"
        verbose_name_plural = "成功地指标值"
        constraints = [models.UniqueConstraint(fields=["place", "indicator"], name="adaptability_reference_value")]

    def __str__(self) -> str:
        return f"{self.place.key}/{self.indicator_id}={self.value:g}"

    @property
    def workspace(self) -> Any:
        return self.place.model.workspace


class Assessment(models.Model):
    """One run of the assessment for a region: the snapshot it used and the result, never edited afterwards."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    model = models.ForeignKey(PolicyModel, on_delete=models.CASCADE, related_name="assessments")
    model_version = models.PositiveIntegerField("前提条件版本")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    as_of_year = models.CharField("数据年份（最新）", max_length=10, blank=True)
    snapshot = models.JSONField("快照：条件、数值（年份与版本）、成功地画像")
    result = models.JSONField("结果")
    overall = models.FloatField("总体适配度", null=True)
    band = models.CharField("结论档", max_length=12, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("评估时间", auto_now_add=True)

    class Meta:
        verbose_name = "适配性评估"
        verbose_name_plural = "适配性评估"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.model.name_zh} · {self.region_id} #{self.pk}"
