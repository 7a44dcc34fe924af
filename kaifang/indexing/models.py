"""Stored index definitions and builds: every published score traces to its data vintages and method.

An :class:`IndexDefinition` is a framework (COINr's iMeta table) plus a pipeline spec (the YAML
steps), the units (regions) and the years; a change makes a new ``version``, never an overwrite. An
:class:`IndexBuild` runs a definition on the observations in force at ``as_of`` and stores the
pipeline log, the audit and one :class:`IndexScore` per region, year and aggregate.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class IndexDefinition(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="index_definitions")
    code = models.SlugField("代码", max_length=40)
    version = models.PositiveIntegerField("版本", default=1)
    name_zh = models.CharField("名称", max_length=120)
    name_en = models.CharField("English name", max_length=160, blank=True)
    framework = models.JSONField("指标框架 (iMeta)")
    spec = models.JSONField("构建步骤 (spec)")
    units = models.JSONField("评价单元（地区代码）")
    years = models.JSONField("年份")
    home = models.CharField("本地区", max_length=6, blank=True)
    peers = models.JSONField("对标地区", default=list, blank=True)
    notes = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "指数定义"
        verbose_name_plural = "指数定义"
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "code", "version"], name="index_definition_version")
        ]

    def __str__(self) -> str:
        return f"{self.name_zh} v{self.version}"


class IndexBuild(models.Model):
    definition = models.ForeignKey(IndexDefinition, on_delete=models.PROTECT, related_name="builds")
    as_of = models.DateTimeField("数据截至（版本时点）")
    log = models.JSONField("构建日志")
    audit = models.JSONField("统计审计", default=dict)
    data_summary = models.JSONField("数据来源摘要", default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField("构建时间", auto_now_add=True)

    class Meta:
        verbose_name = "指数构建"
        verbose_name_plural = "指数构建"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.definition} @ {self.as_of:%Y-%m-%d %H:%M}"


class IndexScore(models.Model):
    build = models.ForeignKey(IndexBuild, on_delete=models.CASCADE, related_name="scores")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.CharField("年份", max_length=4)
    code = models.CharField("指标/维度代码", max_length=40)
    level = models.PositiveSmallIntegerField("层级")
    score = models.FloatField("得分", null=True)
    rank = models.PositiveIntegerField("排名", null=True)

    class Meta:
        verbose_name = "指数得分"
        verbose_name_plural = "指数得分"
        constraints = [models.UniqueConstraint(fields=["build", "region", "year", "code"], name="index_score_cell")]
        indexes = [models.Index(fields=["build", "code", "year"], name="index_score_lookup")]


class IndexUncertainty(models.Model):
    """One uncertainty/sensitivity analysis of a build (run as a background job)."""

    build = models.ForeignKey(IndexBuild, on_delete=models.CASCADE, related_name="uncertainty")
    params = models.JSONField("分析设定")
    result = models.JSONField("结果", null=True, blank=True)
    job = models.ForeignKey("jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "不确定性与敏感性分析"
        verbose_name_plural = "不确定性与敏感性分析"
        ordering = ["-created_at", "-id"]
