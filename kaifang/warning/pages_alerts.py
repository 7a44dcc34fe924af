"""The dicts behind the alert pages, the back-test page, rules, silences, plans and the inbox."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.utils import timezone

from kaifang.accounts.access import Access
from kaifang.accounts.models import Department, Workspace
from kaifang.warning.actions import actions_for, plans_for
from kaifang.warning.calibrate import backtest_current, monthly
from kaifang.warning.lifecycle import ACTION_ZH, EVENT_ZH, STATE_ZH, State
from kaifang.warning.models import (
    Alert,
    Method,
    Notification,
    NotificationPreference,
    ResponsePlan,
    Silence,
    StressEpisode,
    WatchRule,
)
from kaifang.warning.pages import LEVEL_KEY, LEVEL_ZH, alert_brief, num, when
from kaifang.warning.readings import reading, series_for

SELECT = ("indicator", "industry", "region", "department")


def alerts_list(workspace: Workspace, state: str | None = None, industry: str | None = None) -> dict[str, Any]:
    qs = Alert.objects.filter(workspace=workspace).select_related(*SELECT)
    if state:
        qs = qs.filter(state=state)
    if industry:
        qs = qs.filter(industry__code=industry)
    return {
        "workspace": workspace.code,
        "state": state,
        "industry": industry,
        "states": [{"key": s.value, "name": STATE_ZH[s]} for s in State],
        "alerts": [alert_brief(a) for a in qs.order_by("-updated_at", "-id")[:500]],
    }


def _event(e: Any) -> dict[str, Any]:
    return {
        "id": e.pk,
        "at": when(e.at),
        "kind": e.kind,
        "kind_zh": EVENT_ZH.get(e.kind, e.kind),
        "from_state": e.from_state,
        "to_state": e.to_state,
        "from_state_zh": STATE_ZH[State(e.from_state)] if e.from_state else "",
        "to_state_zh": STATE_ZH[State(e.to_state)],
        "from_level": e.from_level,
        "to_level": e.to_level,
        "to_level_zh": LEVEL_ZH[e.to_level],
        "to_level_key": LEVEL_KEY[e.to_level],
        "actor": e.actor.get_username() if e.actor else "系统",
        "person": e.actor_id is not None,
        "note": e.note,
        "data": e.data,
    }


def alert_detail(alert: Alert, access: Access) -> dict[str, Any]:
    rule = alert.rule
    series = series_for(alert.workspace, rule.indicator, rule.region.code)
    x = reading(rule, series)
    tail = series.iloc[-60:]
    levels = x.levels.reindex(tail.index)
    return {
        **alert_brief(alert),
        "rule": {
            "id": rule.pk,
            "method": rule.method,
            "method_zh": rule.get_method_display(),
            "params": rule.params,
            "direction": rule.direction,
            "periods_to_fire": rule.periods_to_fire,
            "industry_level": rule.industry_level,
        },
        "thresholds": alert.thresholds,
        "current_thresholds": x.thresholds,
        "resolution_note": alert.resolution_note,
        "resolved_at": when(alert.resolved_at),
        "previous": alert.previous_id,
        "plan": {"id": alert.plan.pk, "title": alert.plan.title, "level": alert.plan.level} if alert.plan else None,
        "silence": None
        if alert.silenced_by is None
        else {
            "id": alert.silenced_by.pk,
            "reason": alert.silenced_by.reason,
            "until": when(alert.silenced_by.ends_at),
        },
        "events": [_event(e) for e in alert.events.select_related("actor")],
        "series": {
            "periods": list(tail.index),
            "values": [num(v) for v in tail.to_numpy()],
            "levels": [None if v is None or v != v else int(v) for v in levels.astype(object)],
        },
        "tasks": [
            {
                "id": t.pk,
                "title": t.title,
                "department": t.department.name_zh,
                "owner": t.owner,
                "kpi": t.kpi,
                "due": t.due.isoformat(),
                "done": when(t.done_at),
                "overdue": t.done_at is None and t.due < timezone.localdate(),
                "roadmap_task": t.roadmap_task or None,
            }
            for t in alert.tasks.select_related("department")
        ],
        "plans": [
            {
                "id": p.pk,
                "title": p.title,
                "level": p.level,
                "level_zh": LEVEL_ZH[p.level],
                "kind": p.kind,
                "industry": p.industry.name_zh,
            }
            for p in plans_for(alert)
        ],
        "actions": [{"key": a, "name": ACTION_ZH[a]} for a in actions_for(access, alert)],
        "departments": [{"code": d.code, "name": d.name_zh} for d in Department.objects.order_by("code")],
    }


def backtest_page(workspace: Workspace, rule_id: int | None = None) -> dict[str, Any]:
    """Every rule's latest calibration, and one rule's back-test in detail (the sweep for the ROC curve)."""
    rules = list(
        WatchRule.objects.filter(workspace=workspace)
        .select_related("indicator", "industry", "region")
        .prefetch_related("calibrations")
    )
    listing = []
    for r in rules:
        c = r.calibrations.all()[0] if r.calibrations.all() else None
        listing.append(
            {
                "id": r.pk,
                "indicator": r.indicator.code,
                "indicator_name": r.indicator.name_zh,
                "industry": r.industry.name_zh if r.industry else "全市",
                "region": r.region.name_zh,
                "method": r.method,
                "method_zh": r.get_method_display(),
                "calibration": None
                if c is None
                else {
                    "id": c.pk,
                    "at": when(c.created_at),
                    "thresholds": c.thresholds,
                    "red": c.backtests.get("red", {}),
                },
            }
        )
    calibrated = [r for r in rules if r.calibrations.all()]
    chosen: WatchRule | None = (
        next((r for r in rules if r.pk == rule_id), None) if rule_id else next(iter(calibrated or rules), None)
    )
    detail = None
    if chosen is not None:
        c = chosen.calibrations.all()[0] if chosen.calibrations.all() else None
        raw = series_for(workspace, chosen.indicator, chosen.region.code)
        s = monthly(raw.dropna())
        current = reading(chosen, raw)
        detail = {
            "rule": chosen.pk,
            "indicator": chosen.indicator.code,
            "indicator_name": chosen.indicator.name_zh,
            "industry": chosen.industry.name_zh if chosen.industry else "全市",
            "unit": chosen.indicator.unit,
            "method_zh": chosen.get_method_display(),
            "direction": chosen.direction,
            "calibration": None
            if c is None
            else {
                "id": c.pk,
                "at": when(c.created_at),
                "as_of": when(c.as_of),
                "params": c.params,
                "thresholds": c.thresholds,
                "backtests": c.backtests,
                "sweep": c.sweep,
                "months": c.months,
                "first": c.first,
                "last": c.last,
            },
            "current": {
                "thresholds": current.thresholds,
                "backtests": backtest_current(chosen, current.thresholds) if current.thresholds else {},
            },
            "series": {"periods": [str(p) for p in s.index], "values": [num(v) for v in s.to_numpy()]},
        }
    return {
        "workspace": workspace.code,
        "episodes": [
            {"name": e.name, "start": e.start, "end": e.end, "note": e.note}
            for e in StressEpisode.objects.filter(workspace=workspace)
        ],
        "rules": listing,
        "detail": detail,
    }


def rules_page(workspace: Workspace) -> dict[str, Any]:
    rules = WatchRule.objects.filter(workspace=workspace).select_related("indicator", "industry", "region")
    return {
        "workspace": workspace.code,
        "methods": [{"key": m.value, "name": m.label} for m in Method],
        "rules": [
            {
                "id": r.pk,
                "indicator": r.indicator.code,
                "indicator_name": r.indicator.name_zh,
                "unit": r.indicator.unit,
                "industry": r.industry.name_zh if r.industry else "全市",
                "region": r.region.code,
                "region_name": r.region.name_zh,
                "method": r.method,
                "method_zh": r.get_method_display(),
                "params": r.params,
                "direction": r.direction,
                "periods_to_fire": r.periods_to_fire,
                "industry_level": r.industry_level,
                "active": r.active,
                "note": r.note,
            }
            for r in rules
        ],
        "episodes": [{"name": e.name, "start": e.start, "end": e.end} for e in episodes_of_ws(workspace)],
    }


def episodes_of_ws(workspace: Workspace) -> list[StressEpisode]:
    return list(StressEpisode.objects.filter(workspace=workspace))


def silences_page(workspace: Workspace, now: dt.datetime | None = None) -> dict[str, Any]:
    at = now or timezone.now()
    rows = Silence.objects.filter(workspace=workspace).select_related("indicator", "industry", "region", "created_by")
    held = dict(  # alerts each silence holds, in one grouped query
        Alert.objects.filter(silenced_by__in=rows).values_list("silenced_by").annotate(n=Count("id")).order_by()
    )
    return {
        "workspace": workspace.code,
        "silences": [
            {
                "id": s.pk,
                "indicator": s.indicator.code if s.indicator else None,
                "indicator_name": s.indicator.name_zh if s.indicator else "任意指标",
                "industry": s.industry.name_zh if s.industry else "任意产业",
                "region": s.region.name_zh if s.region else "任意地区",
                "starts_at": when(s.starts_at),
                "ends_at": when(s.ends_at),
                "expired_at": when(s.expired_at),
                "active": s.active_at(at),
                "reason": s.reason,
                "created_by": s.created_by.get_username(),
                "alerts": held.get(s.pk, 0),
            }
            for s in rows
        ],
    }


def plans_page(workspace: Workspace) -> dict[str, Any]:
    plans = (
        ResponsePlan.objects.filter(workspace=workspace)
        .select_related("industry")
        .prefetch_related("tasks__department")
    )
    return {
        "workspace": workspace.code,
        "plans": [
            {
                "id": p.pk,
                "industry": p.industry.name_zh,
                "level": p.level,
                "level_zh": LEVEL_ZH[p.level],
                "level_key": LEVEL_KEY[p.level],
                "kind": p.kind,
                "title": p.title,
                "description": p.description,
                "roadmap_ref": p.roadmap_ref or None,
                "tasks": [
                    {
                        "title": t.title,
                        "department": t.department.name_zh,
                        "owner": t.owner,
                        "due_days": t.due_days,
                        "kpi": t.kpi,
                    }
                    for t in p.tasks.all()
                ],
            }
            for p in plans
        ],
    }


def inbox(user: Any, workspace: Workspace) -> dict[str, Any]:
    rows = (Notification.objects.filter(user=user, workspace=workspace).select_related("event__alert"))[:200]
    pref = NotificationPreference.objects.filter(user=user, workspace=workspace).first()
    return {
        "workspace": workspace.code,
        "unread": Notification.objects.filter(user=user, workspace=workspace, read_at__isnull=True).count(),
        "notifications": [
            {
                "id": n.pk,
                "title": n.title,
                "at": when(n.created_at),
                "read": n.read_at is not None,
                "alert": n.event.alert_id,
                "event": n.event.kind,
                "event_zh": EVENT_ZH.get(n.event.kind, n.event.kind),
            }
            for n in rows
        ],
        "preference": {
            "stored": pref is not None,
            "min_level": pref.min_level if pref else None,
            "inbox": pref.inbox if pref else True,
            "email": pref.email if pref else False,
            "webhook_url": pref.webhook_url if pref else "",
        },
    }
