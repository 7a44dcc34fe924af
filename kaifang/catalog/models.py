"""The indicator catalog (指标目录) in the database, loaded from the versioned ``catalog.yaml``."""

from __future__ import annotations

from django.db import models


class Frequency(models.TextChoices):
    MONTHLY = "月", "月度"
    QUARTERLY = "季", "季度"
    ANNUAL = "年", "年度"


class Direction(models.TextChoices):
    POSITIVE = "正向", "正向（越高越好）"
    NEGATIVE = "逆向", "逆向（越低越好）"


class Indicator(models.Model):
    code = models.CharField("指标代码", max_length=40, unique=True)
    name_zh = models.CharField("指标名称", max_length=80)
    name_en = models.CharField("English name", max_length=160, blank=True)
    unit = models.CharField("计量单位", max_length=16)
    frequency = models.CharField("频度", max_length=2, choices=Frequency.choices)
    dimension = models.CharField("维度", max_length=20, db_index=True)
    direction = models.CharField("方向", max_length=4, choices=Direction.choices)
    department = models.ForeignKey(
        "accounts.Department", verbose_name="责任部门", on_delete=models.PROTECT, related_name="indicators"
    )
    source = models.CharField("数据来源", max_length=200, blank=True)
    formula = models.CharField("计算公式", max_length=300, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name="上级指标", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    notes = models.TextField("说明", blank=True)
    catalog_version = models.CharField("目录版本", max_length=20)
    position = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"

    @property
    def is_derived(self) -> bool:
        return bool(self.formula)
