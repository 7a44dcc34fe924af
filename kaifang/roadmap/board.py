"""月度调度 of the roadmap: which task reports are due, filed, late or missing, per department.

Every task owes one progress report for each month from its start month to its end month, filed by its lead
department by ``due_day`` of the following month (:func:`kaifang.collection.board.due_date`, the same calendar
as data returns). For a (task, month):

* the report in force is the latest filing that was not 退回; **reported** when there is one;
* **on time** when that report was filed on or before the due day; **late** when filed after it, or when
  nothing is in force and the due day has passed (**overdue**, 逾期未报);
* **pending** (未到期) when nothing is filed yet and the due day has not passed.

The same items feed the annual score's timeliness (on time / due) and data quality (filings not rejected /
filings) — :func:`report_counts`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import pandas as pd
from django.utils import timezone

from kaifang.accounts.models import Workspace
from kaifang.collection.board import due_date
from kaifang.roadmap.models import ProgressReport, ReportState, Task
from kaifang.roadmap.months import month_index, month_label

STATUS_ZH = {"reported": "已报送", "late": "逾期报送", "overdue": "逾期未报", "pending": "未到期", "rejected": "已退回"}


def due_items(
    workspace: Workspace, first: str, last: str, due_day: int, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """One item per task and month in [first, last] within the task's period, with its reporting status."""
    today = today or timezone.localdate()
    lo, hi = month_index(first), month_index(last)
    tasks = list(Task.objects.filter(workspace=workspace).select_related("lead_department", "policy"))
    filings: dict[tuple[int, str], list[ProgressReport]] = defaultdict(list)
    qs = ProgressReport.objects.filter(workspace=workspace, month__gte=month_label(lo), month__lte=month_label(hi))
    for r in qs.order_by("filed_at", "id"):
        filings[(r.task_id, r.month)].append(r)
    items = []
    for t in tasks:
        start, end = max(lo, month_index(t.start_month)), min(hi, month_index(t.end_month))
        for m in range(start, end + 1):
            month = month_label(m)
            due = due_date(month, due_day)
            filed = filings.get((t.pk, month), [])
            current = [r for r in filed if r.state != ReportState.REJECTED]
            report = current[-1] if current else None
            filed_on = timezone.localtime(report.filed_at).date() if report else None
            if report is not None:
                status = "reported" if filed_on and filed_on <= due else "late"
            elif today > due:
                status = "overdue"
            else:
                status = "rejected" if filed else "pending"
            items.append(
                {
                    "task": t.pk,
                    "task_title": t.title,
                    "policy": t.policy_id,
                    "month": month,
                    "department": t.lead_department.code,
                    "department_name": t.lead_department.name_zh,
                    "due": due.isoformat(),
                    "status": status,
                    "status_zh": STATUS_ZH[status],
                    "report": report.pk if report else None,
                    "filed_on": filed_on.isoformat() if filed_on else None,
                    "filings": len(filed),
                    "rejected": sum(r.state == ReportState.REJECTED for r in filed),
                }
            )
    return items


def board(workspace: Workspace, month: str, due_day: int, today: dt.date | None = None) -> dict[str, Any]:
    """The dispatch board of ``month``: per department its tasks' reports, and every overdue report so far."""
    today = today or timezone.localdate()
    items = due_items(workspace, month, month, due_day, today)
    depts: dict[str, dict[str, Any]] = {}
    for it in items:
        d = depts.setdefault(
            it["department"],
            {
                "department": it["department"],
                "department_name": it["department_name"],
                "items": [],
                "reported": 0,
                "late": 0,
                "overdue": 0,
                "pending": 0,
            },
        )
        d["items"].append(it)
        key = "pending" if it["status"] in {"pending", "rejected"} else it["status"]
        d[key] += 1
    first = min((t.start_month for t in Task.objects.filter(workspace=workspace)), default=month, key=month_index)
    overdue = [it for it in due_items(workspace, first, month, due_day, today) if it["status"] == "overdue"]
    rows = sorted(depts.values(), key=lambda d: (-(d["overdue"] + d["late"]), d["department"]))
    return {
        "workspace": workspace.code,
        "month": month,
        "due": due_date(month, due_day).isoformat(),
        "today": today.isoformat(),
        "departments": rows,
        "tasks": len(items),
        "reported": sum(d["reported"] for d in rows),
        "late": sum(d["late"] for d in rows),
        "overdue_now": sum(d["overdue"] for d in rows),
        "pending": sum(d["pending"] for d in rows),
        "overdue": sorted(overdue, key=lambda it: (month_index(it["month"]), it["department"])),
    }


def report_counts(
    workspace: Workspace, year: int, due_day: int, today: dt.date | None = None
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Per lead department for ``year``: ``due`` (items whose due day has passed), ``on_time``, ``submitted``
    (filings for the year's months) and ``rejected``; and the items themselves (the score sheet's trace)."""
    today = today or timezone.localdate()
    items = due_items(workspace, f"{year}-01", f"{year}-12", due_day, today)
    counts: dict[str, dict[str, int]] = {}
    for it in items:
        c = counts.setdefault(it["department"], {"due": 0, "on_time": 0, "submitted": 0, "rejected": 0})
        passed = dt.date.fromisoformat(it["due"]) < today
        it["counted_due"] = passed
        if passed:
            c["due"] += 1
            c["on_time"] += it["status"] == "reported"
        c["submitted"] += it["filings"]
        c["rejected"] += it["rejected"]
    frame = pd.DataFrame(
        [{"department": d, **c} for d, c in counts.items()],
        columns=["department", "due", "on_time", "submitted", "rejected"],
    )
    return frame, items
