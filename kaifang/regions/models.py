"""Regions by GB/T 2260 code (行政区划代码), with their hierarchy and former names; foreign areas by ISO 3166-1."""

from __future__ import annotations

from django.db import models


class Level(models.TextChoices):
    WORLD = "world", "全球"
    COUNTRY = "country", "国家（地区）"
    PROVINCE = "province", "省级"
    PREFECTURE = "prefecture", "地级"
    COUNTY = "county", "县级"


class Region(models.Model):
    code = models.CharField("区划代码", max_length=6, unique=True)
    name_zh = models.CharField("名称", max_length=40)
    name_en = models.CharField("English name", max_length=80, blank=True)
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    aliases = models.JSONField("曾用名/简称", default=list, blank=True)
    former_codes = models.JSONField("曾用代码", default=list, blank=True)

    class Meta:
        verbose_name = "行政区"
        verbose_name_plural = "行政区"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_zh
