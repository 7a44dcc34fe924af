"""The stage a project has reached (项目进度) from its milestone records — pure Python.

Three rules, applied in this order:

1. **The latest record wins.** For each stage the record with the greatest ``recorded_at`` (ties: the one
   listed last) is the stage's record; if it is a retraction the stage has no date. Passing ``known_at``
   keeps only the records entered by then, so a figure published earlier can be reproduced exactly. A
   correction can therefore move a project backwards: 开工 retracted → the project is back at 注册.
2. **A later stage implies the earlier ones.** A project that reached 开工 has passed 注册 even when no
   注册 date was recorded (ledgers skip stages): the date it reached stage *s* is

       reached_on(s) = min { date(t) : t ≥ s, t recorded }

   which is non-decreasing in *s*, so "the furthest stage with a recorded date ≤ d" and "the furthest
   stage reached by d" are the same stage. 签约 is the project's ``signed_on``.
3. **Calendar months**: "within k months of d" ends on :func:`add_months` (d, k), the same day k months
   later, clamped to the month's end (2024-01-31 + 1 month = 2024-02-29).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, datetime

from kaifang.projects.records import Milestone, Project, Stage

__all__ = [
    "STAGES",
    "add_months",
    "effective_milestones",
    "last_milestone",
    "months_between",
    "reached_dates",
    "recorded_dates",
    "stage_at",
]

STAGES = tuple(Stage)


def add_months(d: date, k: int) -> date:
    """The same day ``k`` calendar months after ``d``, clamped to the month's last day."""
    month0 = d.month - 1 + k
    year, month = d.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def months_between(start: date, end: date) -> int:
    """Whole calendar months from ``start`` to ``end``: the largest k with add_months(start, k) ≤ end."""
    k = (end.year - start.year) * 12 + end.month - start.month
    while k > 0 and add_months(start, k) > end:
        k -= 1
    return max(k, 0)


def effective_milestones(records: Iterable[Milestone], known_at: datetime | None = None) -> dict[Stage, Milestone]:
    """The record in force for each stage: the latest by ``recorded_at`` (entered by ``known_at``);
    stages whose latest record is a retraction are left out."""
    latest: dict[Stage, Milestone] = {}
    for m in records:
        if known_at is not None and m.recorded_at > known_at:
            continue
        held = latest.get(m.stage)
        if held is None or m.recorded_at >= held.recorded_at:
            latest[m.stage] = m
    return {s: m for s, m in sorted(latest.items()) if not m.retracted and m.on is not None}


def recorded_dates(project: Project, known_at: datetime | None = None) -> dict[Stage, date]:
    """Stage → the date recorded for it (签约 = ``signed_on``); skipped or retracted stages are absent."""
    out = {Stage.SIGNED: project.signed_on}
    for stage, m in effective_milestones(project.milestones, known_at).items():
        assert m.on is not None  # effective_milestones drops undated records
        out[stage] = m.on
    return dict(sorted(out.items()))


def reached_dates(project: Project, known_at: datetime | None = None) -> dict[Stage, date]:
    """Stage → the date it was reached, a later stage implying the earlier ones (rule 2): for every
    stage up to the furthest recorded one, ``min`` of the recorded dates of it and the stages after it."""
    recorded = recorded_dates(project, known_at)
    out: dict[Stage, date] = {}
    earliest: date | None = None
    for stage in reversed(STAGES):
        if stage in recorded:
            earliest = recorded[stage] if earliest is None else min(earliest, recorded[stage])
        if earliest is not None:
            out[stage] = earliest
    return dict(sorted(out.items()))


def stage_at(project: Project, on: date, known_at: datetime | None = None) -> Stage | None:
    """The furthest stage reached by ``on`` (None when the project was signed after ``on``)."""
    reached = [s for s, d in reached_dates(project, known_at).items() if d <= on]
    return max(reached) if reached else None


def last_milestone(project: Project, on: date, known_at: datetime | None = None) -> tuple[Stage, date] | None:
    """The most recent recorded milestone on or before ``on`` (签约 included): (stage, date), or None."""
    done = [(d, s) for s, d in recorded_dates(project, known_at).items() if d <= on]
    if not done:
        return None
    d, s = max(done)
    return s, d
