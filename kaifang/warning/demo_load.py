"""The warning system's demo (示例数据): key industries, rules, plans, 22 months of history replayed.

``load_demo(workspace, user)`` configures Bazhong's key industries (食品饮料, 生物医药, 机械制造,
新能源新材料, 特色农产品 with 银耳 and 青峪猪), the disruption index, the rules and response plans, then
replays 2025-01 to 2026-10 month by month as it would have happened: each month's figures submitted on
the 10th of the next month through the normal ingest path, the index re-estimated on the 12th (a new
vintage), the engine evaluated, and people acting on the alerts on the dates a real team might have.
The result has alerts in every state. It is idempotent: a second call changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from django.contrib.auth.models import User
from django.db import transaction

from kaifang.accounts.access import Access, access_for
from kaifang.accounts.models import Department, Membership, Role, Workspace
from kaifang.audit.context import acting_as
from kaifang.catalog.models import Indicator
from kaifang.observations import ingest
from kaifang.observations.models import Observation
from kaifang.regions.models import Region
from kaifang.warning import demo_data, hooks
from kaifang.warning.actions import act, actions_for, create_silence, plans_for
from kaifang.warning.alerts import evaluate
from kaifang.warning.calibrate import calibrate_rule
from kaifang.warning.demo_plans import EPISODE, INDEX_COMPONENTS, INDEX_DEMAND, INDUSTRIES, PLANS, RULES
from kaifang.warning.index_build import run_index
from kaifang.warning.models import (
    Alert,
    IndexSpec,
    KeyIndustry,
    PlanTask,
    ResponsePlan,
    StressEpisode,
    WatchRule,
)

TZ = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=TZ)


def configure(ws: Workspace, user: User) -> dict[str, KeyIndustry]:
    """Industries, the stress episode, the index specification, rules and plans (get-or-create)."""
    home = ws.home_region.code if ws.home_region else "511900"
    depts = {d.code: d for d in Department.objects.all()}
    industries: dict[str, KeyIndustry] = {}
    for n, (code, zh, en, parent, dept) in enumerate(INDUSTRIES):
        industries[code], _ = KeyIndustry.objects.get_or_create(
            workspace=ws,
            code=code,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "position": n,
                "parent": industries.get(parent or ""),
                "department": depts.get(dept),
            },
        )
    name, start, end, note = EPISODE
    StressEpisode.objects.get_or_create(
        workspace=ws, name=name, defaults={"start": start, "end": end, "note": note, "created_by": user}
    )
    IndexSpec.objects.get_or_create(
        workspace=ws,
        defaults={
            "region": Region.objects.get(code=home),
            "components": [
                {"indicator": c, "region": r or home, "sign": s, "lag": lag} for c, r, s, lag in INDEX_COMPONENTS
            ],
            "demand": INDEX_DEMAND,
            "lags": 2,
            "anchor": "SURVEY_DELIVERY_TIMES",
        },
    )
    indicators = {i.code: i for i in Indicator.objects.all()}
    for industry, code, region, method, params, direction, n, top in RULES:
        place = region if region in {"WLD"} or ws.code == "bazhong" else None
        WatchRule.objects.get_or_create(
            workspace=ws,
            indicator=indicators[code],
            industry=industries.get(industry or ""),
            region=Region.objects.get(code=place or home),
            defaults={
                "method": method,
                "params": params,
                "direction": direction,
                "periods_to_fire": n,
                "industry_level": top,
                "note": "示例规则（阈值为演示设定）",
            },
        )
    for code, plans in PLANS.items():
        for level, kind, title, description, tasks in plans:
            plan, made = ResponsePlan.objects.get_or_create(
                workspace=ws,
                industry=industries[code],
                title=title,
                defaults={"level": level, "kind": kind, "description": description},
            )
            if made:
                for i, (task, dept, owner, days, kpi) in enumerate(tasks):
                    PlanTask.objects.create(
                        plan=plan, title=task, department=depts[dept], owner=owner, due_days=days, kpi=kpi, position=i
                    )
    return industries


def _submit(ws: Workspace, user: User, rows: list[dict[str, object]], label: str, when: dt.datetime) -> None:
    if rows:
        ingest.submit(
            ws,
            rows,
            access=Access(ws, Role.ANALYST, None),
            user=user,
            kind="demo",
            label=label,
            is_sample=True,
            submitted_at=when,
        )


def _releases(ws: Workspace) -> list[tuple[str, list[dict[str, object]]]]:
    """(month, rows) — the history up to 2024 as one release, then one release per month."""
    home = ws.home_region.code if ws.home_region else "511900"
    monthly = demo_data.monthly()
    if ws.code != "bazhong":
        monthly = monthly.drop(columns=[c for c in monthly.columns if c.endswith("@511921")])
    monthly["CORRIDOR_FREIGHT_NORMAL"] = demo_data.normal_level(monthly["CORRIDOR_FREIGHT"])
    quarterly, annual = demo_data.quarterly(), demo_data.annual()
    if Observation.objects.filter(workspace=ws, indicator__code="KEY_CHAIN_SINGLE_SOURCE", region__code=home).exists():
        annual = annual.drop(columns=["KEY_CHAIN_SINGLE_SOURCE"])  # `kaifang demo load` generated it already
    history = (
        demo_data.long_rows(monthly.loc[:"2024-12"], home)
        + demo_data.long_rows(quarterly.loc[:"2024Q4"], home)
        + demo_data.long_rows(annual.loc[:"2024"], home)
    )
    out = [("2024-12", history)]
    for month in pd.period_range("2025-01", demo_data.LAST, freq="M"):
        rows = demo_data.long_rows(monthly.loc[[month]], home)
        if month.month % 3 == 0:
            rows += demo_data.long_rows(quarterly.loc[[month.asfreq("Q")]], home)
        if month.month == 2:
            rows += demo_data.long_rows(annual.loc[[str(month.year - 1)]], home)
        out.append((str(month), rows))
    return out


def _people(ws: Workspace, user: User) -> dict[str, Any]:
    def first(role: str, dept: str | None = None) -> User:
        m = (
            Membership.objects.filter(workspace=ws, role=role, department__code=dept)
            if dept
            else Membership.objects.filter(workspace=ws, role=role)
        )
        found = m.select_related("user").order_by("id").first()
        return found.user if found else user

    return {"analyst": first(Role.ANALYST), "commerce": first(Role.OFFICER, "commerce")}


def _find(ws: Workspace, industry: str | None, code: str) -> Alert | None:
    qs = Alert.objects.filter(workspace=ws, indicator__code=code)
    qs = qs.filter(industry__code=industry) if industry else qs.filter(industry__isnull=True)
    return qs.order_by("-opened_at", "-id").first()


def _do(ws: Workspace, who: User, industry: str | None, code: str, action: str, when: str, **kw: Any) -> None:
    alert = _find(ws, industry, code)
    access = access_for(who, ws.code)
    if alert is None or action not in actions_for(access, alert):
        return
    dept = kw.pop("department", None)
    plan_level = kw.pop("plan_level", None)
    plan = next((p for p in plans_for(alert) if p.level == plan_level), None) if plan_level else None
    act(
        alert,
        action,
        who,
        access,
        now=at(when, 14),
        plan=plan,
        department=Department.objects.get(code=dept) if dept else None,
        **kw,
    )


SCRIPT: list[tuple[str, str, str, str, str, str, dict[str, Any]]] = [  # (after month, who, industry, indicator,
    # action, date, extra)
    ("2024-12", "analyst", "qingyu_pig", "SURVEY_NEW_ORDERS", "acknowledge", "2025-01-13", {}),
    (
        "2025-01",
        "analyst",
        "qingyu_pig",
        "SURVEY_NEW_ORDERS",
        "resolve",
        "2025-02-14",
        {"note": "新订单指数连续两月回到 50 以上，春节前备货订单已恢复。"},
    ),
    ("2025-07", "analyst", "agri", "CORRIDOR_STATUS_RATIO", "acknowledge", "2025-08-12", {}),
    ("2025-07", "analyst", "agri", "CORRIDOR_STATUS_RATIO", "assign", "2025-08-13", {"department": "commerce"}),
    ("2025-07", "commerce", "agri", "CORRIDOR_STATUS_RATIO", "activate_plan", "2025-08-13", {"plan_level": 3}),
    ("2025-07", "analyst", "tremella", "CORRIDOR_DISRUPTION_DAYS", "acknowledge", "2025-08-12", {}),
    (
        "2025-09",
        "commerce",
        "agri",
        "CORRIDOR_STATUS_RATIO",
        "resolve",
        "2025-10-15",
        {
            "note": "巴陕高速塌方路段已于8月20日抢通，冷链运力恢复，9月通道货运量回到正常水平的104%；"
            "预案两项任务均已完成。"
        },
    ),
    (
        "2025-09",
        "analyst",
        "tremella",
        "CORRIDOR_DISRUPTION_DAYS",
        "resolve",
        "2025-10-15",
        {"note": "通江段汛期中断已恢复，产地仓库存已全部发运。"},
    ),
    ("2026-10", "analyst", "biomed", "SUPPLY_CHAIN_DISRUPTION_INDEX", "acknowledge", "2026-11-12", {}),
    (
        "2026-10",
        "analyst",
        "biomed",
        "SUPPLY_CHAIN_DISRUPTION_INDEX",
        "assign",
        "2026-11-12",
        {"department": "economy_it"},
    ),
    ("2026-10", "analyst", "biomed", "SUPPLY_CHAIN_DISRUPTION_INDEX", "activate_plan", "2026-11-13", {"plan_level": 3}),
    ("2026-10", "analyst", "biomed", "KEY_CHAIN_SINGLE_SOURCE", "acknowledge", "2026-11-13", {}),
    ("2026-10", "analyst", "biomed", "KEY_CHAIN_SINGLE_SOURCE", "assign", "2026-11-13", {"department": "economy_it"}),
    ("2026-10", "analyst", "machinery", "SUPPLY_CHAIN_DISRUPTION_INDEX", "acknowledge", "2026-11-13", {}),
    ("2026-10", "analyst", "food", "EXPORT_MARKET_TOP3_SHARE", "acknowledge", "2026-11-13", {}),
    ("2026-10", "analyst", "food", "EXPORT_MARKET_TOP3_SHARE", "assign", "2026-11-14", {"department": "commerce"}),
]


def replay(ws: Workspace, user: User) -> None:
    """Submit, re-estimate, evaluate and act, month by month (the history a real team would have)."""
    spec = IndexSpec.objects.get(workspace=ws)
    people = _people(ws, user)
    scpi_rule = WatchRule.objects.get(
        workspace=ws, industry__isnull=True, indicator__code="SUPPLY_CHAIN_DISRUPTION_INDEX"
    )
    for month, rows in _releases(ws):
        p = pd.Period(month, freq="M") + 1
        _submit(ws, user, rows, f"预警示例数据 {month}", at(f"{p.year}-{p.month:02d}-10", 9))
        run_index(spec, user, submitted_at=at(f"{p.year}-{p.month:02d}-12", 9))
        if month == "2024-12":
            calibrate_rule(scpi_rule, user, now=at("2025-01-12", 9) + dt.timedelta(minutes=30))
        evaluate(
            ws,
            as_of=at(f"{p.year}-{p.month:02d}-12"),
            now=at(f"{p.year}-{p.month:02d}-12"),
            trigger=f"示例：{month} 数据到达",
        )
        for after, who, industry, code, action, when, extra in SCRIPT:
            if after == month:
                _do(ws, people[who], industry, code, action, when, **extra)
    create_silence(
        access_for(people["analyst"], ws.code),
        people["analyst"],
        reason="外部参照序列，市大数据局已在周报中跟踪；年底前不再单独提醒。",
        ends_at=at("2026-12-31", 23),
        indicator=Indicator.objects.get(code="GSCPI"),
        now=at("2026-11-13", 16),
    )


def load_demo(workspace: Workspace, user: User) -> dict[str, int]:
    """Configure and replay the demo once; later calls only report what is there."""
    with acting_as(user), hooks.paused():
        with transaction.atomic():
            configure(workspace, user)
        if not Alert.objects.filter(workspace=workspace).exists():
            with transaction.atomic():
                replay(workspace, user)
    counts: dict[str, int] = {}
    for state in Alert.objects.filter(workspace=workspace).values_list("state", flat=True):
        counts[state] = counts.get(state, 0) + 1
    return counts


def reset(workspace: Workspace) -> None:
    """Delete the workspace's warning data (for ``kaifang demo load --reset``), before its observations and
    batches: alerts and their events reference each other and the index runs reference their batches."""
    from kaifang.warning.models import (
        AlertEvent,
        AlertTask,
        Calibration,
        Delivery,
        EvaluationRun,
        IndexRun,
        Notification,
        NotificationPreference,
        Silence,
    )

    with transaction.atomic():
        alerts = Alert.objects.filter(workspace=workspace)
        Delivery.objects.filter(workspace=workspace).delete()
        Notification.objects.filter(workspace=workspace).delete()
        AlertTask.objects.filter(alert__in=alerts).delete()
        AlertEvent.objects.filter(alert__in=alerts).delete()
        alerts.update(inhibited_by=None, previous=None, silenced_by=None, plan=None)
        alerts.delete()
        Silence.objects.filter(workspace=workspace).delete()
        Calibration.objects.filter(rule__workspace=workspace).delete()
        WatchRule.objects.filter(workspace=workspace).delete()
        PlanTask.objects.filter(plan__workspace=workspace).delete()
        ResponsePlan.objects.filter(workspace=workspace).delete()
        IndexRun.objects.filter(spec__workspace=workspace).delete()
        IndexSpec.objects.filter(workspace=workspace).delete()
        EvaluationRun.objects.filter(workspace=workspace).delete()
        StressEpisode.objects.filter(workspace=workspace).delete()
        NotificationPreference.objects.filter(workspace=workspace).delete()
        KeyIndustry.objects.filter(workspace=workspace).update(parent=None)
        KeyIndustry.objects.filter(workspace=workspace).delete()
