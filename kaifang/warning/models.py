"""S5 预警 — key industries, warning rules and their calibrations, the disruption index's runs, alerts with
their events, silences, response plans and notifications.

An :class:`Alert` is never deleted or overwritten in history: each change of state or level is an
:class:`AlertEvent` written in the same transaction (:mod:`kaifang.warning.alerts`), and a closed alert
(已解除, 已撤销) stays; the next episode of the same series opens a new one. At most one alert per rule —
that is per (indicator, key industry, region) — is open at a time (constraint ``one_open_alert_per_rule``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from kaifang.warning.lifecycle import OPEN, STATE_ZH, State

USER = settings.AUTH_USER_MODEL
LEVEL_CHOICES = [(0, "正常"), (1, "蓝"), (2, "黄"), (3, "红")]


class KeyIndustry(models.Model):
    """重点产业 (食品饮料, 生物医药 …); a child is a product chain inside one (特色农产品 → 银耳)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    code = models.SlugField("代码", max_length=40)
    name_zh = models.CharField("名称", max_length=60)
    name_en = models.CharField("English name", max_length=120, blank=True)
    parent = models.ForeignKey("self", verbose_name="所属产业", on_delete=models.PROTECT, null=True, blank=True)
    department = models.ForeignKey(
        "accounts.Department", verbose_name="牵头部门", on_delete=models.PROTECT, null=True, blank=True
    )
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "重点产业"
        ordering = ["position", "code"]
        constraints = [models.UniqueConstraint(fields=["workspace", "code"], name="one_industry_code")]

    def __str__(self) -> str:
        return self.name_zh


class StressEpisode(models.Model):
    """A labelled stress episode (压力事件) for the signals approach: months ``start``–``end`` inclusive."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    name = models.CharField("名称", max_length=80)
    start = models.CharField("起始月", max_length=7)
    end = models.CharField("结束月", max_length=7)
    note = models.CharField("说明", max_length=300, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "压力事件"
        ordering = ["start"]

    def __str__(self) -> str:
        return f"{self.name}（{self.start}—{self.end}）"


class Method(models.TextChoices):
    FIXED = "fixed", "固定阈值"
    PERCENTILE = "percentile", "历史分位数"
    SIGMA = "sigma", "均值±kσ"
    CALIBRATED = "calibrated", "信号法校准"


class WatchRule(models.Model):
    """预警规则: the 红黄蓝 thresholds of one indicator for one key industry (or 全市) and region.

    ``params`` by method — fixed: ``{blue, yellow, red}``; percentile: ``{percentiles: [80, 90, 95],
    window: null | months}``; sigma: ``{k: [1, 1.5, 2], window}``; calibrated: ``{horizon, mode, thetas}``
    (the thresholds are those of the latest :class:`Calibration`).
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey("catalog.Indicator", on_delete=models.PROTECT, related_name="+")
    industry = models.ForeignKey(KeyIndustry, on_delete=models.PROTECT, null=True, blank=True, related_name="rules")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    method = models.CharField("阈值方法", max_length=12, choices=Method.choices, default=Method.FIXED)
    direction = models.CharField("危险方向", max_length=6, choices=[("higher", "越高越危险"), ("lower", "越低越危险")])
    params = models.JSONField("参数", default=dict)
    periods_to_fire = models.PositiveSmallIntegerField("持续期数 N", default=1)
    industry_level = models.BooleanField("产业级（红色时抑制本产业黄色及以下预警）", default=False)
    active = models.BooleanField("启用", default=True)
    note = models.CharField("说明", max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "预警规则"
        ordering = ["industry__position", "indicator__position", "region__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "indicator", "industry", "region"],
                condition=Q(industry__isnull=False),
                name="one_rule_per_series",
            ),
            models.UniqueConstraint(
                fields=["workspace", "indicator", "region"], condition=Q(industry__isnull=True), name="one_city_rule"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}·{self.industry or '全市'}·{self.region_id}"


class Calibration(models.Model):
    """A stored back-test of a rule on labelled episodes: thresholds per level and their record."""

    rule = models.ForeignKey(WatchRule, on_delete=models.CASCADE, related_name="calibrations")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    as_of = models.DateTimeField("数据截至")
    params = models.JSONField("参数", default=dict)  # episodes, horizon, mode, thetas
    thresholds = models.JSONField("阈值", default=dict)  # blue, yellow, red
    backtests = models.JSONField("回测", default=dict)  # level → Backtest.as_dict()
    sweep = models.JSONField("阈值扫描", default=list)
    months = models.PositiveIntegerField("月数", default=0)
    first = models.CharField("起始期", max_length=10, blank=True)
    last = models.CharField("截止期", max_length=10, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "阈值校准"
        ordering = ["-created_at", "-id"]


class IndexSpec(models.Model):
    """供应链受阻指数的构成: components ``[{indicator, sign, lag}]``, demand proxies, lags, anchor, window."""

    workspace = models.OneToOneField("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    components = models.JSONField("分项", default=list)
    demand = models.JSONField("需求代理变量", default=list)
    lags = models.PositiveSmallIntegerField("需求滞后期", default=2)
    anchor = models.CharField("符号锚定分项", max_length=40, blank=True)
    start = models.CharField("起始月", max_length=7, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "供应链受阻指数配置"


class IndexRun(models.Model):
    """One re-estimation of the index; its values are written as one vintage of SUPPLY_CHAIN_DISRUPTION_INDEX."""

    spec = models.ForeignKey(IndexSpec, on_delete=models.CASCADE, related_name="runs")
    job = models.ForeignKey("jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    as_of = models.DateTimeField("数据截至")
    last_period = models.CharField("最新月份", max_length=7, blank=True)
    batch = models.ForeignKey("observations.ImportBatch", on_delete=models.PROTECT, null=True, blank=True)
    result = models.JSONField("结果", default=dict)  # loadings, explained, periods, index, contributions, purge
    trace = models.JSONField("数据来源", default=dict)

    class Meta:
        verbose_name = verbose_name_plural = "指数估计"
        ordering = ["-created_at", "-id"]


class EvaluationRun(models.Model):
    """预警评估记录: when the engine ran, why (which batch), what it did, or why it failed."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    trigger = models.CharField("触发", max_length=80)
    batch = models.ForeignKey("observations.ImportBatch", on_delete=models.SET_NULL, null=True, blank=True)
    rules = models.PositiveIntegerField("规则数", default=0)
    counts = models.JSONField("事件数", default=dict)
    error = models.TextField("错误", blank=True)
    seconds = models.FloatField("用时（秒）", default=0.0)

    class Meta:
        verbose_name = verbose_name_plural = "预警评估记录"
        ordering = ["-at", "-id"]


class Silence(models.Model):
    """静默: holds back the notifications of matching alerts (empty matcher = any) until ``ends_at``."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(
        "catalog.Indicator", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    industry = models.ForeignKey(KeyIndustry, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    starts_at = models.DateTimeField("开始")
    ends_at = models.DateTimeField("到期")
    reason = models.CharField("原因", max_length=300)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expired_at = models.DateTimeField("提前结束", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "静默"
        ordering = ["-starts_at", "-id"]

    def active_at(self, when: object) -> bool:
        end = min(self.ends_at, self.expired_at) if self.expired_at else self.ends_at
        return self.starts_at <= when < end  # type: ignore[operator]

    def matches(self, alert: Alert) -> bool:
        return all(
            mine is None or mine == theirs
            for mine, theirs in [
                (self.indicator_id, alert.indicator_id),
                (self.industry_id, alert.industry_id),
                (self.region_id, alert.region_id),
            ]
        )


class ResponsePlan(models.Model):
    """响应预案 for a key industry at a level (产能备份, 替代来源培育 …): a list of :class:`PlanTask`.

    ``roadmap_ref`` will link the plan to the roadmap system (S3) once it stores tasks.
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    industry = models.ForeignKey(KeyIndustry, on_delete=models.PROTECT, related_name="plans")
    level = models.PositiveSmallIntegerField("预警等级", choices=LEVEL_CHOICES[1:])
    kind = models.CharField("类别", max_length=20)  # 产能备份, 替代来源培育, 应急保供, 市场多元化 …
    title = models.CharField("名称", max_length=120)
    description = models.TextField("内容", blank=True)
    roadmap_ref = models.CharField("路线图关联", max_length=80, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "响应预案"
        ordering = ["industry__position", "level", "id"]

    def __str__(self) -> str:
        return self.title


class PlanTask(models.Model):
    plan = models.ForeignKey(ResponsePlan, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField("任务", max_length=200)
    department = models.ForeignKey("accounts.Department", verbose_name="责任部门", on_delete=models.PROTECT)
    owner = models.CharField("责任人/岗位", max_length=60, blank=True)
    due_days = models.PositiveSmallIntegerField("完成时限（天）", default=30)
    kpi = models.CharField("考核指标", max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "预案任务"
        ordering = ["position", "id"]


class Alert(models.Model):
    """预警: one episode of one rule's series, from 待确认/已发出 to 已解除 (or 已撤销)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(WatchRule, on_delete=models.PROTECT, related_name="alerts")
    indicator = models.ForeignKey("catalog.Indicator", on_delete=models.PROTECT, related_name="+")
    industry = models.ForeignKey(KeyIndustry, on_delete=models.PROTECT, null=True, blank=True, related_name="alerts")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    state = models.CharField("状态", max_length=16, choices=[(s.value, STATE_ZH[s]) for s in State])
    level = models.PositiveSmallIntegerField("确认等级", choices=LEVEL_CHOICES, default=0)
    peak_level = models.PositiveSmallIntegerField("最高等级", choices=LEVEL_CHOICES, default=0)
    latest_level = models.PositiveSmallIntegerField("最新一期等级", choices=LEVEL_CHOICES, default=0)
    condition_active = models.BooleanField("条件仍成立", default=True)
    period = models.CharField("最新期", max_length=10, blank=True)
    value = models.FloatField("最新值", null=True, blank=True)
    thresholds = models.JSONField("阈值", default=dict)
    department = models.ForeignKey(
        "accounts.Department", verbose_name="责任部门", on_delete=models.PROTECT, null=True, blank=True
    )
    plan = models.ForeignKey(ResponsePlan, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    silenced_by = models.ForeignKey(Silence, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    inhibited_by = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    previous = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    opened_at = models.DateTimeField("发现时间")
    updated_at = models.DateTimeField("更新时间")
    resolved_at = models.DateTimeField("解除时间", null=True, blank=True)
    resolution_note = models.TextField("解除说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "预警"
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule"], condition=Q(state__in=sorted(s.value for s in OPEN)), name="one_open_alert_per_rule"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.indicator_id}·{self.industry or '全市'} {self.get_state_display()}"

    @property
    def state_enum(self) -> State:
        return State(self.state)


class AlertEvent(models.Model):
    """One transition of an alert (预警事件): by the engine (``actor`` empty) or by a person."""

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField("时间")
    kind = models.CharField("事件", max_length=16)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    from_level = models.PositiveSmallIntegerField(default=0)
    to_level = models.PositiveSmallIntegerField(default=0)
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField("说明", blank=True)
    data = models.JSONField("数据", default=dict)  # period, value, thresholds, batch, department, plan …

    class Meta:
        verbose_name = verbose_name_plural = "预警事件"
        ordering = ["at", "id"]


class AlertTask(models.Model):
    """A task of an activated plan, with its deadline; ``roadmap_task`` links it to S3 once it exists."""

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="tasks")
    plan = models.ForeignKey(ResponsePlan, on_delete=models.PROTECT, related_name="+")
    title = models.CharField("任务", max_length=200)
    department = models.ForeignKey("accounts.Department", verbose_name="责任部门", on_delete=models.PROTECT)
    owner = models.CharField("责任人/岗位", max_length=60, blank=True)
    kpi = models.CharField("考核指标", max_length=200, blank=True)
    due = models.DateField("截止日期")
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    roadmap_task = models.CharField("路线图任务", max_length=80, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "预案任务（已启动）"
        ordering = ["due", "id"]


class NotificationPreference(models.Model):
    """Per-user choices: which levels, and which channels besides the in-app inbox."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    min_level = models.PositiveSmallIntegerField("最低通知等级", choices=LEVEL_CHOICES[1:], default=1)
    inbox = models.BooleanField("站内通知", default=True)
    email = models.BooleanField("邮件", default=False)
    webhook_url = models.URLField("Webhook 地址", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知偏好"
        constraints = [models.UniqueConstraint(fields=["user", "workspace"], name="one_preference_per_user")]


class Notification(models.Model):
    """站内通知 (the inbox)."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(AlertEvent, on_delete=models.PROTECT, related_name="notifications")
    title = models.CharField("标题", max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-id"]


class Delivery(models.Model):
    """An e-mail or webhook message and every attempt to send it (``attempts``: at, ok, detail)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(AlertEvent, on_delete=models.PROTECT, related_name="deliveries")
    user = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    channel = models.CharField("渠道", max_length=8, choices=[("email", "邮件"), ("webhook", "Webhook")])
    target = models.CharField("地址", max_length=300)
    payload = models.JSONField("内容", default=dict)
    state = models.CharField("状态", max_length=8, default="pending")  # pending, sent, failed
    attempts = models.JSONField("尝试记录", default=list)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "外发通知"
        ordering = ["-created_at", "-id"]
