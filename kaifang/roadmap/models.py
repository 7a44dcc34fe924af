"""政策实施路线图 (S3): policies → key tasks → KPIs, 月度调度 progress reports with evidence, target revisions
(动态优化调整), stored quarterly assessments, and the 容错 registry of exploratory measures.

The math is in the pure modules beside this one (schedule, lights, trend, rollup, scoring, revisions); this
module only stores what they read and what they produced. Histories are never overwritten: a target revision is
a new :class:`KpiTarget` row, a re-filed report is a new :class:`ProgressReport`, a finalised assessment keeps
its own copy of every target, value and light (:class:`KpiAssessment`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RoadmapConfig(models.Model):
    """The workspace's thresholds and weights (issue 5: "Thresholds are configuration")."""

    workspace = models.OneToOneField("accounts.Workspace", on_delete=models.CASCADE, related_name="roadmap_config")
    yellow_pts = models.FloatField("黄灯阈值（百分点）", default=10.0)
    red_pts = models.FloatField("红灯阈值（百分点）", default=30.0)
    missed_reports = models.PositiveSmallIntegerField("连续缺报判红（期）", default=2)
    rollup_red_share = models.FloatField("汇总判红比例", default=1 / 3)
    rollup_yellow_share = models.FloatField("汇总判黄比例", default=1 / 3)
    due_day = models.PositiveSmallIntegerField("月度进展报送截止日（次月）", default=10)
    w_achievement = models.FloatField("考核权重：指标完成", default=70.0)
    w_timeliness = models.FloatField("考核权重：按时报送", default=15.0)
    w_quality = models.FloatField("考核权重：数据质量", default=15.0)
    score_method = models.CharField(
        "完成度计分方法", max_length=10, default="progress", choices=[("progress", "按进度比例"), ("lights", "按灯色")]
    )
    reminder_days = models.PositiveSmallIntegerField("有效期提醒提前天数", default=90)

    class Meta:
        verbose_name = "路线图参数"
        verbose_name_plural = "路线图参数"

    def __str__(self) -> str:
        return f"{self.workspace} 路线图参数"


class Policy(models.Model):
    """A policy document (政策文件) with its 文号, validity (有效期) and transition period (过渡期)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="policies")
    title = models.CharField("政策名称", max_length=200)
    doc_number = models.CharField("文号", max_length=80, blank=True)
    issuer = models.CharField("发文机关", max_length=120, blank=True)
    issued_on = models.DateField("印发日期", null=True, blank=True)
    effective_from = models.DateField("施行日期", null=True, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True)
    transition_start = models.DateField("过渡期开始", null=True, blank=True)
    transition_end = models.DateField("过渡期结束", null=True, blank=True)
    summary = models.TextField("主要内容", blank=True)
    source = models.CharField("依据", max_length=200, blank=True)
    position = models.PositiveIntegerField("排序", default=0)
    is_sample = models.BooleanField("示例数据", default=False)

    class Meta:
        verbose_name = "政策"
        verbose_name_plural = "政策"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    """A key task (重点任务) of a policy; its lead department files the monthly progress report."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="roadmap_tasks")
    policy = models.ForeignKey(Policy, verbose_name="政策", on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField("重点任务", max_length=200)
    description = models.TextField("任务内容", blank=True)
    lead_department = models.ForeignKey(
        "accounts.Department", verbose_name="牵头部门", on_delete=models.PROTECT, related_name="+"
    )
    cooperating = models.ManyToManyField("accounts.Department", verbose_name="配合部门", blank=True, related_name="+")
    start_month = models.CharField("开始月份", max_length=7, help_text="YYYY-MM")
    end_month = models.CharField("结束月份", max_length=7, help_text="YYYY-MM")
    weight = models.FloatField("任务权重", default=1.0)
    position = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "重点任务"
        verbose_name_plural = "重点任务"
        ordering = ["policy", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Kpi(models.Model):
    """A quantified indicator of a task: a catalog indicator (read from the observations) or task-specific."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="roadmap_kpis")
    task = models.ForeignKey(Task, verbose_name="重点任务", on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField("指标名称", max_length=200)
    unit = models.CharField("单位", max_length=30, blank=True)
    indicator = models.ForeignKey(
        "catalog.Indicator", verbose_name="目录指标", on_delete=models.PROTECT, null=True, blank=True
    )
    frequency = models.CharField(
        "取数频率", max_length=2, default="月", choices=[("月", "月"), ("季", "季"), ("年", "年")]
    )
    basis = models.CharField("口径", max_length=3, default="P", choices=[("P", "当期"), ("YTD", "累计")])
    direction = models.SmallIntegerField("方向", default=1, choices=[(1, "正向（越大越好）"), (-1, "逆向（越小越好）")])
    baseline = models.FloatField("基期值")
    baseline_period = models.CharField("基期", max_length=7, help_text="YYYY-MM")
    weight = models.FloatField("权重", default=1.0)
    lead_department = models.ForeignKey(
        "accounts.Department", verbose_name="牵头部门", on_delete=models.PROTECT, related_name="+"
    )
    cooperating = models.ManyToManyField("accounts.Department", verbose_name="配合部门", blank=True, related_name="+")
    note = models.TextField("说明", blank=True)
    position = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "量化指标"
        verbose_name_plural = "量化指标"
        ordering = ["task", "position", "id"]

    def __str__(self) -> str:
        return self.name


class TargetState(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"


class KpiTarget(models.Model):
    """One entry of a KPI's target history: the original target, or a revision request (动态优化调整).

    Rows are never edited after the decision; the target in force at month m is the approved row with the
    latest ``effective_from`` ≤ m (:func:`kaifang.roadmap.revisions.target_in_force`).
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="targets")
    value = models.FloatField("目标值")
    deadline = models.CharField("目标期限", max_length=7, help_text="YYYY-MM")
    milestones = models.JSONField("里程碑", default=list, blank=True, help_text='[["2025-12", 45.0], …]')
    effective_from = models.CharField("生效月份", max_length=7, help_text="YYYY-MM")
    is_original = models.BooleanField("原定目标", default=False)
    state = models.CharField("状态", max_length=10, choices=TargetState.choices, default=TargetState.PENDING)
    reason = models.TextField("调整理由", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申请时间")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_comment = models.TextField("审批意见", blank=True)

    class Meta:
        verbose_name = "指标目标"
        verbose_name_plural = "指标目标"
        ordering = ["kpi", "requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.kpi}：{self.value:g}（{self.deadline}，自{self.effective_from}，{self.get_state_display()}）"


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", "已报送"
    REJECTED = "rejected", "已退回"


class ProgressReport(models.Model):
    """月度调度: a task's progress in one month — narrative, measured values and evidence files."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    month = models.CharField("报送月份", max_length=7)
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+")
    narrative = models.TextField("进展情况")
    state = models.CharField("状态", max_length=10, choices=ReportState.choices, default=ReportState.SUBMITTED)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField("报送时间")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_comment = models.TextField("退回意见", blank=True)

    class Meta:
        verbose_name = "月度进展报告"
        verbose_name_plural = "月度进展报告"
        ordering = ["task", "month", "filed_at", "id"]
        indexes = [models.Index(fields=["workspace", "month"], name="roadmap_report_month_idx")]

    def __str__(self) -> str:
        return f"{self.task} {self.month}（{self.get_state_display()}）"


class KpiValue(models.Model):
    """The achieved value of a task-specific KPI in a progress report."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="values")
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="values")
    value = models.FloatField("完成值")

    class Meta:
        verbose_name = "指标完成值"
        verbose_name_plural = "指标完成值"
        constraints = [models.UniqueConstraint(fields=["report", "kpi"], name="one_value_per_report_kpi")]

    def __str__(self) -> str:
        return f"{self.kpi} {self.report.month} = {self.value:g}"


class EvidenceFile(models.Model):
    """An evidence file of a progress report, stored by content (SHA-256) under DATA_DIR/uploads."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    filename = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("内容哈希", max_length=64)
    size = models.PositiveIntegerField("字节数")
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return self.filename


class Assessment(models.Model):
    """A finalised (定稿) assessment of every KPI at one month — a quarterly 季度评估 snapshot."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    label = models.CharField("评估期", max_length=10)
    month = models.CharField("评估月份", max_length=7)
    params = models.JSONField("参数", default=dict)
    tasks = models.JSONField("任务汇总", default=list)
    policies = models.JSONField("政策汇总", default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("定稿时间")

    class Meta:
        verbose_name = "季度评估"
        verbose_name_plural = "季度评估"
        ordering = ["-month", "-created_at"]

    def __str__(self) -> str:
        return f"{self.label} 评估（{self.month}）"


class KpiAssessment(models.Model):
    """One KPI in a finalised assessment: the target then in force, the values, the light and the trend."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="rows")
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(KpiTarget, on_delete=models.SET_NULL, null=True, related_name="+")  # values are copied
    target_value = models.FloatField(null=True)
    deadline = models.CharField(max_length=7, blank=True)
    baseline = models.FloatField()
    expected = models.FloatField(null=True)
    expected_progress = models.FloatField(null=True)
    latest_period = models.CharField(max_length=7, blank=True)
    latest_value = models.FloatField(null=True)
    progress = models.FloatField(null=True)
    gap_pts = models.FloatField(null=True)
    light = models.CharField(max_length=8)
    reason = models.CharField(max_length=20)
    trend = models.CharField(max_length=24, blank=True)
    ratio = models.FloatField(null=True)
    actual_rate = models.FloatField(null=True)
    required_rate = models.FloatField(null=True)
    target_met = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "kpi"], name="one_row_per_assessed_kpi")]


class MeasureStatus(models.TextChoices):
    FILED = "filed", "已备案"
    RUNNING = "running", "实施中"
    CLOSED = "closed", "已结束"


class MeasureOutcome(models.TextChoices):
    NONE = "", "—"
    PROMOTED = "promoted", "成效良好，复制推广"
    ADJUSTED = "adjusted", "调整后继续"
    STOPPED = "stopped", "终止"
    EXEMPTED = "exempted", "出现失误，予以容错免责"
    CORRECTED = "corrected", "出现失误，责令纠错"


class ExploratoryMeasure(models.Model):
    """容错备案: an exploratory measure without full legal basis, filed and supervised (备案管理 + 过程监管)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    policy = models.ForeignKey(Policy, verbose_name="所属政策", on_delete=models.SET_NULL, null=True, blank=True)
    title = models.CharField("探索性措施", max_length=200)
    department = models.ForeignKey("accounts.Department", verbose_name="实施部门", on_delete=models.PROTECT)
    scope = models.TextField("实施范围")
    legal_basis_gap = models.TextField("法律依据缺口")
    risk = models.TextField("风险评估")
    risk_level = models.CharField(
        "风险等级", max_length=8, default="medium", choices=[("low", "低"), ("medium", "中"), ("high", "高")]
    )
    supervisor = models.CharField("监管责任单位/人", max_length=120)
    filed_on = models.DateField("备案日期")
    status = models.CharField("状态", max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.FILED)
    outcome = models.CharField("结果", max_length=10, choices=MeasureOutcome.choices, default="", blank=True)
    outcome_note = models.TextField("结果说明", blank=True)
    closed_on = models.DateField("结束日期", null=True, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_sample = models.BooleanField("示例数据", default=False)

    class Meta:
        verbose_name = "容错备案措施"
        verbose_name_plural = "容错备案措施"
        ordering = ["-filed_on", "-id"]

    def __str__(self) -> str:
        return self.title


class SupervisionEntry(models.Model):
    """过程监管 log entry of an exploratory measure (append-only)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    measure = models.ForeignKey(ExploratoryMeasure, on_delete=models.CASCADE, related_name="log")
    on = models.DateField("日期")
    kind = models.CharField(
        "类型",
        max_length=10,
        default="check",
        choices=[("check", "监督检查"), ("risk", "风险提示"), ("fix", "整改"), ("review", "阶段评估")],
    )
    note = models.TextField("记录")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = "过程监管记录"
        verbose_name_plural = "过程监管记录"
        ordering = ["measure", "on", "id"]

    def __str__(self) -> str:
        return f"{self.measure} {self.on} {self.get_kind_display()}"
