"""The stress-test tables (S6 风险压力测试): input-output tables, scenarios and runs.

:class:`IOTableRecord` is one table as the platform keeps it: the uploaded file (an NBS CSV) with its hash,
or the regionalisation that derived it from a national one (method, δ, the region's sector sizes, the log);
its arrays are stored once (``arrays``, an ``.npz``) and never edited. :class:`Scenario` is a shock as YAML
(:mod:`kaifang.stress.scenarios`); an edit saves a new version, so a run always points at the text it ran.
:class:`StressRun` is one scenario on one table, computed by a background job; its ``result`` is the
:class:`~kaifang.stress.scenarios.ScenarioResult` as JSON, with the table and the method it used.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

USER = settings.AUTH_USER_MODEL


class TableKind(models.TextChoices):
    NATIONAL = "national", "全国表"
    PROVINCIAL = "provincial", "省级表"
    REGIONAL = "regional", "区域化表（区位熵）"


class IOTableRecord(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="io_tables")
    name = models.CharField("名称", max_length=200)
    kind = models.CharField("类型", max_length=12, choices=TableKind.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    year = models.PositiveSmallIntegerField("年份")
    unit = models.CharField("单位", max_length=20, default="万元")
    source = models.CharField("来源", max_length=400)
    layout = models.CharField("格式", max_length=40)
    n_sectors = models.PositiveSmallIntegerField("部门数")
    is_sample = models.BooleanField("示例数据", default=False)
    file_name = models.CharField("文件名", max_length=255, blank=True)
    file_sha256 = models.CharField("文件 SHA-256", max_length=64, blank=True)
    original = models.BinaryField("原始文件", null=True, editable=False)
    arrays = models.BinaryField("矩阵（npz）", editable=False)
    meta = models.JSONField("部门代码与名称", editable=False, default=dict)
    jobs_basis = models.CharField("就业来源", max_length=200, blank=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    method = models.JSONField("区域化方法", default=dict, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "投入产出表"
        verbose_name_plural = "投入产出表"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.n_sectors} 部门，{self.year}）"


class Scenario(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="stress_scenarios")
    key = models.SlugField("代码", max_length=60)
    version = models.PositiveIntegerField("版本", default=1)
    name_zh = models.CharField("名称", max_length=200)
    name_en = models.CharField("英文名称", max_length=200, blank=True)
    kind = models.CharField("类型", max_length=20)
    source = models.CharField("依据", max_length=300, blank=True)
    text = models.TextField("情景定义（YAML）")
    from_library = models.BooleanField("来自情景库", default=False)
    reason = models.CharField("修改说明", max_length=300, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    superseded_at = models.DateTimeField("被新版本取代", null=True, blank=True)

    class Meta:
        verbose_name = "压力测试情景"
        verbose_name_plural = "压力测试情景"
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key", "version"], name="stress_scenario_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name_zh} v{self.version}"


class StressRun(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="stress_runs")
    table = models.ForeignKey(IOTableRecord, on_delete=models.PROTECT, related_name="runs")
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="runs")
    job = models.ForeignKey("jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    totals = models.JSONField("合计", default=dict, blank=True)
    result = models.JSONField("结果", null=True, editable=False)
    error = models.TextField("错误", blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "压力测试运行"
        verbose_name_plural = "压力测试运行"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.scenario} @ {self.table}"

    @property
    def done(self) -> bool:
        # runs.compute sets result and finished_at together; this keeps lists free to defer the result blob
        return self.finished_at is not None
