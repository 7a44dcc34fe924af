"""Notifications of alert events: the in-app inbox, e-mail and an outgoing webhook, per user preferences.

Who hears of an event (``recipients``): administrators and analysts of the workspace; the officers of
the department the alert is assigned to, of the industry's lead department and of the indicator's
department; leaders (viewers) for 红 only unless they chose otherwise; evaluators only if they set a
preference. A stored :class:`NotificationPreference` sets the lowest level and the channels.

Events of silenced or inhibited alerts reach nobody (the marks themselves are in the timeline);
people's own moves (分派, 启动预案, 解除) always do. E-mails and webhooks are :class:`Delivery` rows,
sent by the ``warning.deliver`` job with up to ``MAX_ATTEMPTS`` tries, each try recorded.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from kaifang.accounts.models import Membership, Role
from kaifang.warning.lifecycle import EVENT_ZH
from kaifang.warning.models import Alert, AlertEvent, Delivery, Notification, NotificationPreference

NOTIFIED = {"fired", "escalated", "recurred", "cleared", "de-escalated", "assign", "activate_plan", "resolve"}
PEOPLE = {"assign", "activate_plan", "resolve"}
DEFAULT_MIN_LEVEL = {Role.ADMIN: 1, Role.ANALYST: 1, Role.OFFICER: 1, Role.VIEWER: 3}
LEVEL_ZH = {0: "正常", 1: "蓝色", 2: "黄色", 3: "红色"}
MAX_ATTEMPTS = 3
BACKOFF = (0.0, 0.5, 1.0)  # seconds before attempt 1, 2, 3
WEBHOOK_TIMEOUT = 5.0


def title_of(event: AlertEvent) -> str:
    a = event.alert
    level = LEVEL_ZH[max(event.to_level, event.from_level)]
    where = a.industry.name_zh if a.industry else "全市"
    return f"【{level}预警·{EVENT_ZH.get(event.kind, event.kind)}】{where}：{a.indicator.name_zh}（{a.period}）"[:200]


def payload_of(event: AlertEvent) -> dict[str, Any]:
    a = event.alert
    return {
        "event": event.kind,
        "event_zh": EVENT_ZH.get(event.kind, event.kind),
        "at": event.at.isoformat(),
        "alert": {
            "id": a.pk,
            "state": a.state,
            "level": a.level,
            "indicator": a.indicator_id and a.indicator.code,
            "industry": a.industry.code if a.industry else None,
            "region": a.region.code,
            "period": a.period,
            "value": a.value,
            "thresholds": a.thresholds,
        },
        "title": title_of(event),
        "url": f"/w/{a.workspace.code}/warning/alerts/{a.pk}/",
    }


def recipients(event: AlertEvent) -> list[tuple[User, NotificationPreference | None]]:
    a = event.alert
    level = max(event.to_level, event.from_level)
    departments = {
        d for d in (a.department_id, a.industry.department_id if a.industry else None, a.indicator.department_id) if d
    }
    prefs = {p.user_id: p for p in NotificationPreference.objects.filter(workspace=a.workspace)}
    out = []
    for m in Membership.objects.filter(workspace=a.workspace).select_related("user"):
        pref = prefs.get(m.user_id)
        if m.role == Role.OFFICER and m.department_id not in departments:
            continue
        floor = pref.min_level if pref else DEFAULT_MIN_LEVEL.get(Role(m.role))
        if floor is None or level < floor:
            continue
        out.append((m.user, pref))
    return out


def notify_events(events: list[AlertEvent]) -> int:
    """Inbox entries and pending deliveries for the events worth telling; returns the deliveries queued."""
    queued = 0
    # the alerts as stored now: silences and inhibition are set after the data events of the same evaluation
    fresh = {
        a.pk: a
        for a in Alert.objects.filter(pk__in={e.alert_id for e in events}).select_related(
            "workspace", "indicator", "industry", "region"
        )
    }
    for event in events:
        if event.kind not in NOTIFIED:
            continue
        a = event.alert = fresh[event.alert_id]
        if event.kind not in PEOPLE and (a.silenced_by_id or a.inhibited_by_id):
            continue
        title = title_of(event)
        for user, pref in recipients(event):
            if pref is None or pref.inbox:
                Notification.objects.create(
                    user=user, workspace=a.workspace, event=event, title=title, created_at=event.at
                )
            targets = []
            if pref is not None and pref.email and user.email:
                targets.append(("email", user.email))
            if pref is not None and pref.webhook_url:
                targets.append(("webhook", pref.webhook_url))
            for channel, target in targets:
                Delivery.objects.create(
                    workspace=a.workspace,
                    event=event,
                    user=user,
                    channel=channel,
                    target=target,
                    payload=payload_of(event),
                )
                queued += 1
    if queued:
        workspace = events[0].alert.workspace
        transaction.on_commit(lambda: _enqueue(workspace))
    return queued


def _enqueue(workspace: Any) -> None:
    from kaifang.jobs.models import Job, State
    from kaifang.jobs.runner import enqueue

    if not Job.objects.filter(workspace=workspace, kind="warning.deliver", state=State.QUEUED).exists():
        system = User.objects.filter(is_superuser=True).order_by("id").first() or User.objects.order_by("id").first()
        if system is not None:
            enqueue(workspace, system, "warning.deliver", "发送预警通知（邮件、Webhook）", {})


def _send(delivery: Delivery) -> str:
    """One attempt; returns a short description of the success, raises on failure."""
    if delivery.channel == "email":
        p = delivery.payload
        body = json.dumps(p["alert"], ensure_ascii=False, indent=2)
        send_mail(p["title"], f"{p['title']}\n\n{p['url']}\n\n{body}", None, [delivery.target])
        return "sent"
    request = urllib.request.Request(
        delivery.target,
        data=json.dumps(delivery.payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "kaifang-warning/1"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:
        return f"HTTP {response.status}"


def _tries(delivery: Delivery) -> int:
    """Attempts since the delivery was (re)queued (a retry appends a marker with ``ok`` = None)."""
    n = 0
    for attempt in delivery.attempts:
        n = 0 if attempt.get("ok") is None else n + 1
    return n


def deliver(delivery: Delivery, *, sleep: Callable[[float], None] = time.sleep) -> Delivery:
    """Try up to ``MAX_ATTEMPTS`` times; every attempt is appended to ``attempts`` (never replaced)."""
    while delivery.state == "pending" and _tries(delivery) < MAX_ATTEMPTS:
        sleep(BACKOFF[min(_tries(delivery), len(BACKOFF) - 1)])
        at = timezone.now()
        try:
            detail = _send(delivery)
        except (OSError, urllib.error.URLError, ValueError) as exc:
            delivery.attempts = [*delivery.attempts, {"at": at.isoformat(), "ok": False, "detail": str(exc)[:300]}]
            if _tries(delivery) >= MAX_ATTEMPTS:
                delivery.state = "failed"
        else:
            delivery.attempts = [*delivery.attempts, {"at": at.isoformat(), "ok": True, "detail": detail}]
            delivery.state, delivery.sent_at = "sent", at
        delivery.save(update_fields=["attempts", "state", "sent_at"])
    return delivery


def deliver_pending(
    workspace: Any = None,
    *,
    retry_failed: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[float, str], None] | None = None,
) -> dict[str, int]:
    """Send every pending delivery (and, with ``retry_failed``, give failed ones a new round of attempts)."""
    qs = Delivery.objects.all() if workspace is None else Delivery.objects.filter(workspace=workspace)
    if retry_failed:
        for d in qs.filter(state="failed"):
            d.state = "pending"
            d.attempts = [*d.attempts, {"at": timezone.now().isoformat(), "ok": None, "detail": "重新排队 (requeued)"}]
            d.save(update_fields=["state", "attempts"])
    todo = list(qs.filter(state="pending").order_by("id"))
    done: dict[str, int] = {"sent": 0, "failed": 0, "pending": 0}
    for n, d in enumerate(todo, start=1):
        d = deliver(d, sleep=sleep)
        done[d.state] = done.get(d.state, 0) + 1
        if progress:
            progress(n / len(todo), f"{n}/{len(todo)}")
    return done
