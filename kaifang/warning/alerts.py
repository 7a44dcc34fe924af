"""The alert engine on the platform: evaluate the rules when new vintages arrive, keep every transition.

``evaluate(workspace)`` reads every active rule's series in force, takes the latest period's level and
its N-period confirmed level (:mod:`kaifang.warning.readings`), applies :func:`kaifang.warning.engine.decide`
to the rule's one open alert, then refreshes the marks of all open alerts — silences (静默) and
inhibition (an industry-level 红 holds back the same industry's 黄/蓝) — and notifies. Everything runs
in one transaction and is idempotent: evaluating twice on the same data writes nothing the second
time. A failure is stored in the :class:`EvaluationRun` with its traceback, never swallowed.

Every change of an alert goes through :func:`record`, which saves the alert and writes its
:class:`AlertEvent` together; :func:`kaifang.warning.lifecycle.replay` of the events gives back the
alert's state and level (the hypothesis test checks it for arbitrary sequences).
"""

from __future__ import annotations

import datetime as dt
import time
import traceback
from collections import Counter
from typing import Any

from django.db import transaction
from django.utils import timezone

from kaifang.accounts.models import Workspace
from kaifang.warning import lifecycle
from kaifang.warning.engine import OpenAlert, decide
from kaifang.warning.lifecycle import OPEN, State
from kaifang.warning.models import Alert, AlertEvent, EvaluationRun, Silence, WatchRule
from kaifang.warning.readings import Reading, readings

RED, YELLOW = 3, 2


def record(
    alert: Alert,
    kind: str,
    *,
    at: dt.datetime,
    actor: Any = None,
    note: str = "",
    data: dict[str, Any] | None = None,
    level: int | None = None,
) -> AlertEvent:
    """Move ``alert`` by ``kind`` (checked against the life cycle), save it, and store the event."""
    before_state = State(alert.state) if alert.pk else None
    before_level = alert.level if alert.pk else 0
    after = lifecycle.target(kind, before_state) or before_state
    assert after is not None
    alert.state = after.value
    if level is not None:
        alert.level = level
        alert.peak_level = max(alert.peak_level, level)
    alert.updated_at = at
    if after is State.RESOLVED:
        alert.resolved_at = at
    alert.save()
    return AlertEvent.objects.create(
        alert=alert,
        at=at,
        kind=kind,
        from_state=before_state.value if before_state else "",
        to_state=after.value,
        from_level=before_level,
        to_level=alert.level,
        actor=actor if getattr(actor, "pk", None) else None,
        note=note,
        data=data or {},
    )


def _observe(alert: Alert, r: Reading) -> None:
    alert.period, alert.value, alert.latest_level, alert.thresholds = r.period or "", r.value, r.level, r.thresholds


def apply(r: Reading, open_alert: Alert | None, *, at: dt.datetime, batch: int | None) -> list[AlertEvent]:
    """Apply the engine's decision for one rule's reading to its open alert (or open one)."""
    rule = r.rule
    if r.error or r.period is None:  # no data or no thresholds: nothing is concluded, nothing is closed
        return []
    snap = None
    if open_alert is not None:
        snap = OpenAlert(State(open_alert.state), open_alert.level, open_alert.condition_active)
    decision = decide(snap, r.level, min(r.held, r.level))
    data = {"period": r.period, "value": r.value, "level": r.level, "thresholds": r.thresholds, "batch": batch}
    if decision.kind is None:
        if open_alert is not None and (open_alert.period, open_alert.value) != (r.period or "", r.value):
            _observe(open_alert, r)  # a new period at the same level: the alert shows the latest value
            open_alert.updated_at = at
            open_alert.save()
        return []
    alert = open_alert
    if alert is None:
        previous = Alert.objects.filter(rule=rule).order_by("-opened_at", "-id").first()
        alert = Alert(
            workspace=rule.workspace,
            rule=rule,
            indicator=rule.indicator,
            industry=rule.industry,
            region=rule.region,
            opened_at=at,
            previous=previous,
        )
    _observe(alert, r)
    alert.condition_active = decision.condition_active
    return [record(alert, decision.kind, at=at, data=data, level=decision.level)]


def refresh_marks(workspace: Workspace, at: dt.datetime) -> list[AlertEvent]:
    """Silences and inhibition of every open alert, recorded when they change."""
    events: list[AlertEvent] = []
    open_alerts = list(
        Alert.objects.filter(workspace=workspace, state__in=[s.value for s in OPEN]).select_related("rule", "industry")
    )
    silences = [
        s for s in Silence.objects.filter(workspace=workspace, starts_at__lte=at, ends_at__gt=at) if s.active_at(at)
    ]
    # an industry-level red inhibits the yellows and blues of its industry and of the industry's products
    reds = {
        a.industry_id: a
        for a in open_alerts
        if a.rule.industry_level and a.level >= RED and a.condition_active and a.industry_id
    }
    for a in open_alerts:
        silence = next((s for s in silences if s.matches(a)), None)
        if silence is not None and a.silenced_by_id != silence.pk:
            a.silenced_by = silence
            events.append(
                record(
                    a,
                    "silenced",
                    at=at,
                    data={"silence": silence.pk, "reason": silence.reason, "until": silence.ends_at.isoformat()},
                )
            )
        elif silence is None and a.silenced_by_id is not None:
            ended = a.silenced_by_id
            a.silenced_by = None
            events.append(record(a, "unsilenced", at=at, data={"silence": ended}))
        source = None
        if a.level <= YELLOW and a.latest_level <= YELLOW:
            parent = a.industry.parent_id if a.industry else None
            source = reds.get(a.industry_id or 0) or (reds.get(parent) if parent else None)
        if source is not None and source.pk == a.pk:
            source = None
        if source is not None and a.inhibited_by_id != source.pk:
            a.inhibited_by = source
            events.append(record(a, "inhibited", at=at, data={"by": source.pk}))
        elif source is None and a.inhibited_by_id is not None:
            by = a.inhibited_by_id
            a.inhibited_by = None
            events.append(record(a, "released", at=at, data={"by": by}))
    return events


def evaluate(
    workspace: Workspace,
    *,
    as_of: dt.datetime | None = None,
    now: dt.datetime | None = None,
    trigger: str = "manual",
    batch: Any = None,
    notify: bool = True,
) -> EvaluationRun:
    """Evaluate all active rules of the workspace; returns the stored run (its ``error`` says if it failed)."""
    at = now or timezone.now()
    started = time.monotonic()
    run = EvaluationRun(workspace=workspace, at=at, trigger=trigger[:80], batch=batch)
    try:
        with transaction.atomic():
            rules = list(
                WatchRule.objects.filter(workspace=workspace, active=True).select_related(
                    "indicator", "region", "industry", "workspace"
                )
            )
            run.rules = len(rules)
            opened = {a.rule_id: a for a in Alert.objects.filter(rule__in=rules, state__in=[s.value for s in OPEN])}
            events: list[AlertEvent] = []
            batch_id = getattr(batch, "pk", None)
            read = readings(workspace, rules, as_of)
            for r in read:
                events += apply(r, opened.get(r.rule.pk), at=at, batch=batch_id)
            events += refresh_marks(workspace, at)
            run.counts = dict(Counter(e.kind for e in events))
            problems = {str(r.rule): r.error for r in read if r.error}
            if problems:
                run.counts["rule_errors"] = problems
            if notify:
                from kaifang.warning.notify import notify_events

                notify_events(events)
    except Exception as exc:  # the run is the record of the failure; the data stay as they were
        run.error = "".join(traceback.format_exception(exc)[-4:])[-4000:]
    run.seconds = time.monotonic() - started
    run.save()
    return run
