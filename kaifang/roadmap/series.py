"""A KPI's inputs as the pure core reads them: its target history and its monthly "reports" (month → value).

* **Task-specific KPI** (no catalog indicator): the value in the task's current progress report of each month —
  the latest filed report of that task and month that was not 退回 (rejected). A report without a value for the
  KPI is a missing report for it.
* **Catalog KPI**: the values of the indicator for the workspace's home region, read from the observations in
  force (derived indicators computed from their formula, with lineage), at the KPI's frequency and basis. A
  period stands for its last month (``2025Q1`` → 2025-03, ``2025`` → 2025-12, ``2025-01/02`` → 2025-02). Its
  reports are due once per period, so "two missed reports" spans two periods: the missed-reports window is
  ``missed_reports × months per period`` (6 months for a quarterly KPI, 24 for an annual one).

Values at or before the baseline period are not reports (the baseline is known when the KPI is set).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from kaifang.accounts.models import Workspace
from kaifang.core.periods import PeriodError, parse_period
from kaifang.roadmap.models import Kpi, KpiTarget, KpiValue, ProgressReport, ReportState, TargetState
from kaifang.roadmap.months import month_index, month_label
from kaifang.roadmap.revisions import TargetRevision, target_in_force
from kaifang.roadmap.schedule import KpiPath

MONTHS_PER_PERIOD = {"月": 1, "季": 3, "年": 12}
FREQ_CODE = {"月": "M", "季": "Q", "年": "Y"}


def period_month(period: str) -> tuple[str, str] | None:
    """``(frequency code, YYYY-MM of its last month)`` of an observation period; None when unreadable."""
    try:
        p = parse_period(period)
    except PeriodError:
        return None
    return p.freq, f"{p.year:04d}-{p.last_month:02d}"


@dataclass
class KpiSeries:
    """One KPI with everything its assessment needs."""

    kpi: Kpi
    targets: list[KpiTarget]
    reports: dict[str, float | None] = field(default_factory=dict)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def window(self) -> int:
        """Months per reporting period of this KPI (1 for task-specific KPIs)."""
        return MONTHS_PER_PERIOD[self.kpi.frequency] if self.kpi.indicator_id else 1

    def history(self) -> list[TargetRevision]:
        return [
            TargetRevision(
                value=t.value,
                deadline=t.deadline,
                effective_from=t.effective_from,
                approved=t.state == TargetState.APPROVED,
                milestones=tuple((str(p), float(v)) for p, v in t.milestones),
                reason=t.reason,
            )
            for t in self.targets
        ]

    def target_at(self, month: str) -> KpiTarget | None:
        """The approved target row in force at ``month`` (None before the first one takes effect)."""
        approved = [t for t in self.targets if t.state == TargetState.APPROVED]
        try:
            chosen = target_in_force(self.history(), month)
        except ValueError:
            return None
        for t in approved:  # the row behind the chosen entry
            if t.effective_from == chosen.effective_from:
                return t
        return None

    def path(self, target: KpiTarget) -> KpiPath:
        k = self.kpi
        return KpiPath(
            baseline=k.baseline,
            baseline_period=k.baseline_period,
            target=target.value,
            deadline=target.deadline,
            direction=k.direction,
            milestones=tuple((str(p), float(v)) for p, v in target.milestones),
        )


def current_reports(workspace: Workspace, **filters: Any) -> dict[tuple[int, str], ProgressReport]:
    """``(task id, month) → the report in force``: the latest filed one that was not rejected."""
    qs = ProgressReport.objects.filter(workspace=workspace, **filters).exclude(state=ReportState.REJECTED)
    out: dict[tuple[int, str], ProgressReport] = {}
    for r in qs.order_by("filed_at", "id"):
        out[(r.task_id, r.month)] = r
    return out


def _catalog_values(workspace: Workspace, kpi: Kpi, as_of: dt.datetime | None) -> tuple[dict, dict]:
    from kaifang.cockpit.explorer import values_for

    assert kpi.indicator is not None
    region = workspace.home_region.code if workspace.home_region else None
    if region is None:
        return {}, {}
    frame = values_for(workspace, kpi.indicator, regions=[region], basis=kpi.basis, as_of=as_of)
    wanted = FREQ_CODE[kpi.frequency]
    reports: dict[str, float | None] = {}
    sources: dict[str, dict[str, Any]] = {}
    for row in frame.to_dict("records"):
        pm = period_month(str(row["time_period"]))
        if pm is None or pm[0] != wanted:
            continue
        month = pm[1]
        reports[month] = float(row["obs_value"])
        src: dict[str, Any] = {"source": "observation", "period": row["time_period"], "indicator": kpi.indicator.code}
        if row.get("id") is not None and row["id"] == row["id"]:
            src["observation"] = int(row["id"])
        if row.get("inputs"):
            src["inputs"] = row["inputs"]
        if row.get("derived_from"):
            src["derived_from"] = row["derived_from"]
        sources[month] = src
    return reports, sources


def load_series(
    workspace: Workspace, kpis: list[Kpi] | None = None, *, as_of: dt.datetime | None = None
) -> list[KpiSeries]:
    """The series of the given KPIs (default: every KPI of the workspace), in tree order."""
    if kpis is None:
        kpis = list(
            Kpi.objects.filter(workspace=workspace)
            .select_related("task__policy", "indicator", "lead_department", "task__lead_department")
            .order_by("task__policy__position", "task__policy_id", "task__position", "task_id", "position", "id")
        )
    ids = [k.pk for k in kpis]
    targets: dict[int, list[KpiTarget]] = defaultdict(list)
    for t in KpiTarget.objects.filter(kpi_id__in=ids).order_by("requested_at", "id"):
        targets[t.kpi_id].append(t)
    in_force = current_reports(workspace, task_id__in={k.task_id for k in kpis})
    report_ids = {r.pk for r in in_force.values()}
    values: dict[int, dict[int, float]] = defaultdict(dict)
    for v in KpiValue.objects.filter(report_id__in=report_ids, kpi_id__in=ids):
        values[v.kpi_id][v.report_id] = v.value
    out = []
    for k in kpis:
        s = KpiSeries(k, targets[k.pk])
        if k.indicator_id:
            reports, sources = _catalog_values(workspace, k, as_of)
        else:
            reports, sources = {}, {}
            for (task_id, month), r in in_force.items():
                if task_id != k.task_id:
                    continue
                reports[month] = values[k.pk].get(r.pk)
                sources[month] = {"source": "report", "report": r.pk, "filed_at": r.filed_at.isoformat()}
        start = month_index(k.baseline_period)
        keep = sorted((m for m in reports if month_index(m) > start), key=month_index)
        s.reports = {m: reports[m] for m in keep}
        s.sources = {m: sources[m] for m in keep if m in sources}
        out.append(s)
    return out


def months(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive."""
    return [month_label(i) for i in range(month_index(first), month_index(last) + 1)]
