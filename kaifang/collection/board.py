"""The 月度调度 board: for one month, which departments have reported, what is missing, who was late."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from kaifang.accounts.models import Workspace
from kaifang.catalog.models import Indicator
from kaifang.collection.models import ReportingDuty, State, Submission
from kaifang.core.periods import parse_period
from kaifang.observations.models import Observation


def due_date(month: str, due_day: int) -> dt.date:
    """Figures for month M are due on ``due_day`` of month M+1 (clamped to that month's length)."""
    p = parse_period(month)
    year, mon = (p.year + 1, 1) if p.last_month == 12 else (p.year, p.last_month + 1)
    return dt.date(year, mon, min(due_day, calendar.monthrange(year, mon)[1]))


def expected_indicators(duty: ReportingDuty) -> list[Indicator]:
    chosen = list(duty.indicators.all())
    if chosen:
        return chosen
    return list(Indicator.objects.filter(department=duty.department, frequency="月", formula=""))


def board(workspace: Workspace, month: str, today: dt.date | None = None) -> dict[str, Any]:
    """One row per department with a reporting duty: status, lateness and missing indicators."""
    today = today or timezone.localdate()
    home = workspace.home_region
    periods = [month, f"{month[:4]}-01/02"] if month.endswith("-02") else [month]
    present = set(
        Observation.objects.filter(workspace=workspace, period__in=periods, superseded_at__isnull=True,
                                   region=home).values_list("indicator__code", flat=True)
    )  # fmt: skip
    rows = []
    for duty in ReportingDuty.objects.filter(workspace=workspace).select_related("department"):
        due = due_date(month, duty.due_day)
        subs = list(Submission.objects.filter(workspace=workspace, department=duty.department, period=month)
                    .order_by("uploaded_at"))  # fmt: skip
        sent = [s for s in subs if s.submitted_at is not None]
        first_sent = timezone.localtime(sent[0].submitted_at).date() if sent else None
        latest = subs[-1] if subs else None
        expected = expected_indicators(duty)
        missing = [{"code": i.code, "name": i.name_zh} for i in expected if i.code not in present]
        status = latest.state if latest else "missing"
        late = (first_sent > due) if first_sent else today > due
        rows.append({
            "department": duty.department.code, "department_name": duty.department.name_zh,
            "due": due.isoformat(), "status": status,
            "status_zh": str(State(status).label) if latest else gettext("未报送"),
            "submitted": first_sent.isoformat() if first_sent else None, "late": late,
            "expected": [i.code for i in expected], "missing": missing,
            "submission": latest.pk if latest else None,
        })  # fmt: skip
    return {
        "workspace": workspace.code,
        "month": month,
        "today": today.isoformat(),
        "departments": rows,
        "reported": sum(r["status"] == State.APPROVED for r in rows),
        "late": sum(r["late"] for r in rows),
    }
