"""The ledger's tables (协议与项目台账): agreements, projects and their append-only records.

:class:`Agreement` and :class:`Project` are the descriptive rows (edits are audited by the signals).
What happens to a project is *recorded*, never edited: :class:`MilestoneRecord` (a stage reached on a
date, or a retraction), :class:`FundsRecord` (实际到位资金 of one month from one source region) and
:class:`StatusChange` (推进中/停滞/终止 with the reason). For a stage, or a (month, source region), the
record with the latest ``recorded_at`` is in force (:mod:`kaifang.projects.stages`,
:mod:`kaifang.projects.funds`); ``Project.status`` mirrors the latest status change.

:class:`EvidenceFile` is an uploaded document (营业执照, 开工报告, 协议文本 …) stored by SHA-256 like the
data-collection uploads; :class:`LedgerFile` is one imported 招商项目台账 workbook (its hash makes a
re-import a no-op); :class:`RollupLineage` ties each observation the ledger rolled up (省外到位资金 …) to the
project records it sums.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kaifang.projects.records import AGREEMENT_TYPES, Stage, Status

USER = settings.AUTH_USER_MODEL


class PartnerKind(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市县"
    COUNTRY = "country", "境外"


class ProjectStatus(models.TextChoices):
    ADVANCING = Status.ADVANCING.value, "推进中"
    STALLED = Status.STALLED.value, "停滞"
    TERMINATED = Status.TERMINATED.value, "终止"


STAGE_CHOICES = [(s.value, s.label_zh) for s in Stage if s is not Stage.SIGNED]
SOURCE_CHOICES = [("manual", "手工录入"), ("import", "台账导入"), ("demo", "示例数据")]


class EvidenceFile(models.Model):
    """An uploaded document, kept once per content under ``DATA_DIR/uploads/<sha[:2]>/<sha>``."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    sha256 = models.CharField("内容哈希", max_length=64, db_index=True)
    filename = models.CharField("文件名", max_length=255)
    size = models.PositiveIntegerField("字节数")
    content_type = models.CharField("类型", max_length=100, blank=True)
    uploaded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "证明材料"
        verbose_name_plural = "证明材料"

    def __str__(self) -> str:
        return f"{self.filename} ({self.sha256[:12]})"


class Agreement(models.Model):
    """A cooperation agreement (合作协议) signed with a partner region or country."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="agreements")
    code = models.CharField("协议编号", max_length=60)
    title = models.CharField("协议名称", max_length=200)
    parties = models.JSONField("签约各方", default=list, blank=True)
    partner_region = models.CharField("合作方所在地代码", max_length=8)  # GB/T 2260, or ISO alpha-3
    partner_kind = models.CharField("合作方类型", max_length=8, choices=PartnerKind.choices)
    kind = models.CharField("协议类型", max_length=20, choices=[(k, k) for k in AGREEMENT_TYPES])
    sector = models.CharField("行业", max_length=40, blank=True)
    signed_on = models.DateField("签约日期")
    place = models.CharField("签约地点", max_length=80, blank=True)
    intended_amount = models.DecimalField("意向金额（亿元）", max_digits=16, decimal_places=4, null=True, blank=True)
    department = models.CharField("责任单位", max_length=40)  # a Department code, or a county's GB/T 2260 code
    documents = models.ManyToManyField(EvidenceFile, verbose_name="协议文本", blank=True, related_name="+")
    document_names = models.JSONField("文件清单", default=list, blank=True)  # named without a stored file
    is_sample = models.BooleanField("示例数据", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "合作协议"
        verbose_name_plural = "合作协议"
        ordering = ["-signed_on", "code"]
        constraints = [models.UniqueConstraint(fields=["workspace", "code"], name="one_agreement_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Project(models.Model):
    """An investment project (招商引资项目). 签约 is ``signed_on``; later stages are milestone records."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="projects")
    code = models.CharField("项目编号", max_length=120)
    name = models.CharField("项目名称", max_length=200)
    investor = models.CharField("投资方", max_length=200)
    origin_region = models.CharField("投资方所在地代码", max_length=8)
    sector = models.CharField("行业", max_length=40)
    planned_investment = models.DecimalField("计划总投资（亿元）", max_digits=16, decimal_places=4)
    department = models.CharField("责任单位", max_length=40)
    signed_on = models.DateField("签约日期")
    agreement = models.ForeignKey(
        Agreement, verbose_name="所属协议", on_delete=models.RESTRICT, null=True, blank=True, related_name="projects"
    )
    status = models.CharField("项目状态", max_length=4, choices=ProjectStatus.choices, default=ProjectStatus.ADVANCING)
    status_reason = models.CharField("状态原因", max_length=300, blank=True)
    status_on = models.DateField("状态日期", null=True, blank=True)
    is_sample = models.BooleanField("示例数据", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "招商项目"
        verbose_name_plural = "招商项目"
        ordering = ["-signed_on", "code"]
        constraints = [models.UniqueConstraint(fields=["workspace", "code"], name="one_project_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class LedgerFile(models.Model):
    """One imported 招商项目台账 workbook: what it changed, its warnings, the file by hash."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    filename = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("内容哈希", max_length=64)
    size = models.PositiveIntegerField("字节数")
    month = models.CharField("台账月份", max_length=7, blank=True)
    counts = models.JSONField("变更统计", default=dict)
    warnings = models.JSONField("警告", default=list, blank=True)
    imported_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    imported_at = models.DateTimeField("导入时间")

    class Meta:
        verbose_name = "台账导入"
        verbose_name_plural = "台账导入"
        ordering = ["-imported_at"]
        constraints = [models.UniqueConstraint(fields=["workspace", "sha256"], name="one_ledger_file")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.month})"


class _Record(models.Model):
    """What the append-only records share: who entered it, when, on what evidence, from where."""

    recorded_at = models.DateTimeField("记录时间")
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    evidence = models.CharField("证明材料说明", max_length=300, blank=True)
    evidence_file = models.ForeignKey(EvidenceFile, on_delete=models.RESTRICT, null=True, blank=True, related_name="+")
    source = models.CharField("来源", max_length=8, choices=SOURCE_CHOICES, default="manual")
    ledger_file = models.ForeignKey(LedgerFile, on_delete=models.CASCADE, null=True, blank=True, related_name="+")

    class Meta:
        abstract = True

    @property
    def workspace(self):  # type: ignore[no-untyped-def]
        """The project's workspace: the audit signals file the entry under it."""
        return self.project.workspace  # type: ignore[attr-defined]


class MilestoneRecord(_Record):
    """注册/开工/投产/达产 reached on ``on`` — or, with ``retracted``, the stage withdrawn (``on`` empty)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    stage = models.PositiveSmallIntegerField("阶段", choices=STAGE_CHOICES)
    on = models.DateField("日期", null=True, blank=True)
    retracted = models.BooleanField("撤销", default=False)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "项目进度记录"
        verbose_name_plural = "项目进度记录"
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        what = "撤销" if self.retracted else f"{self.on}"
        return f"{self.project.code} {Stage(self.stage).label_zh} {what}"


class FundsRecord(_Record):
    """实际到位资金 of one month (当月) from one source region; the latest record per (month, source) wins."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="funds")
    month = models.CharField("月份", max_length=7)
    source_region = models.CharField("资金来源地代码", max_length=8)
    amount = models.DecimalField("金额", max_digits=20, decimal_places=6)
    unit = models.CharField("单位", max_length=4, choices=[("万元", "万元"), ("亿元", "亿元")])

    class Meta:
        verbose_name = "到位资金记录"
        verbose_name_plural = "到位资金记录"
        ordering = ["recorded_at", "pk"]
        indexes = [models.Index(fields=["project", "month"], name="funds_project_month")]

    def __str__(self) -> str:
        return f"{self.project.code} {self.month} {self.source_region} {self.amount}{self.unit}"


class StatusChange(_Record):
    """项目状态 changed to ``status`` on ``on`` for ``reason`` (required for 停滞 and 终止)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField("项目状态", max_length=4, choices=ProjectStatus.choices)
    on = models.DateField("日期", null=True, blank=True)
    reason = models.CharField("原因", max_length=300, blank=True)

    class Meta:
        verbose_name = "项目状态变更"
        verbose_name_plural = "项目状态变更"
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.project.code} → {self.status}"


class RollupLineage(models.Model):
    """One contribution to an observation the ledger wrote: a project's funds of a month from a source
    region (``amount`` in 亿元), or a project/agreement counted (``amount`` empty).

    The observation link has no database constraint and deleting observations does not cascade here
    (the demo reset deletes a workspace's observations in bulk); the workspace link removes the rows.
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    observation = models.ForeignKey(
        "observations.Observation", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    indicator = models.CharField("指标代码", max_length=40)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    month = models.CharField("月份", max_length=7, blank=True)
    source_region = models.CharField("来源地代码", max_length=8, blank=True)
    amount = models.DecimalField("金额（亿元）", max_digits=20, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = "汇总来源"
        verbose_name_plural = "汇总来源"

    def __str__(self) -> str:
        return f"obs {self.observation_id} ← {self.project_id or self.agreement_id} {self.month}"
