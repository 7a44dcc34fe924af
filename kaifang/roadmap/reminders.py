"""Policy validity reminders (报告§四(七)七: "对新出台的重大政策明确其有效时限，确需调整的要设定一定的过渡期").

For the in-app list, with N = the workspace's ``reminder_days`` (90 by default):

* **expiring** (有效期将届满) — the 有效期 ends within the next N days; **expired** (已失效) — it ended within the
  last N days;
* **transition_opening** (过渡期将开始) — the 过渡期 starts within the next N days; **transition_open** (过渡期中)
  — today lies in it; **transition_closing** (过渡期将结束) — it ends within the next N days (shown instead of
  "过渡期中" then).

Sorted by the date they are about, soonest first.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kaifang.accounts.models import Workspace
from kaifang.roadmap.models import Policy

KIND_ZH = {
    "expiring": "有效期将届满",
    "expired": "已失效",
    "transition_opening": "过渡期将开始",
    "transition_open": "过渡期中",
    "transition_closing": "过渡期将结束",
}


def policy_reminders(p: Policy, days: int, today: dt.date) -> list[dict[str, Any]]:
    horizon, since = today + dt.timedelta(days=days), today - dt.timedelta(days=days)
    found: list[tuple[str, dt.date]] = []
    if p.valid_until and today <= p.valid_until <= horizon:
        found.append(("expiring", p.valid_until))
    elif p.valid_until and since <= p.valid_until < today:
        found.append(("expired", p.valid_until))
    start, end = p.transition_start, p.transition_end
    if start and today < start <= horizon:
        found.append(("transition_opening", start))
    if end and (start is None or start <= today) and today <= end <= horizon:
        found.append(("transition_closing", end))
    elif start and end and start <= today <= end:
        found.append(("transition_open", end))
    return [
        {
            "policy": p.pk,
            "title": p.title,
            "doc_number": p.doc_number,
            "kind": kind,
            "kind_zh": KIND_ZH[kind],
            "date": day.isoformat(),
            "days": (day - today).days,
        }
        for kind, day in found
    ]


def reminders(workspace: Workspace, days: int = 90, today: dt.date | None = None) -> list[dict[str, Any]]:
    today = today or timezone.localdate()
    out = [r for p in Policy.objects.filter(workspace=workspace) for r in policy_reminders(p, days, today)]
    return sorted(out, key=lambda r: (r["date"], r["policy"]))
