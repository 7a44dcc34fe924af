"""Stalled projects (停滞项目): no milestone for N months, flagged to their department — pure Python.

A project is **stalled** at ``as_of`` when all of:

* it was signed on or before ``as_of``;
* it is not 终止 by ``as_of`` and has not reached 达产 (nothing left to do);
* its most recent recorded milestone on or before ``as_of`` — 签约 counts, funds in place do not (money
  arriving is not progress through the stages) — is at least ``months`` calendar months old:
  ``add_months(last, months) ≤ as_of``. ``months`` may also be given per stage reached (``{Stage.STARTED:
  12}``: construction normally runs a year or two between 开工 and 投产 without a milestone), stages not
  named using :data:`DEFAULT_MONTHS`.

The computed flag is independent of the status the department reports: a project reported 推进中 with no
milestone for a year is listed, and the reported status is shown beside it (``reported_status``) so the
two can be compared. The list is grouped by 责任单位 for notification.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from kaifang.projects.records import Ledger, Stage, Status
from kaifang.projects.stages import add_months, last_milestone, months_between, stage_at

__all__ = ["DEFAULT_MONTHS", "StalledProject", "by_department", "stalled"]

DEFAULT_MONTHS = 6


@dataclass(frozen=True)
class StalledProject:
    """A project without a milestone for ``months_without`` whole months, and whom to notify."""

    project_id: str
    name: str
    department: str
    stage: Stage  # the furthest stage reached by as_of
    last_stage: Stage  # the stage of the most recent milestone
    last_on: date
    months_without: int
    reported_status: Status


def stalled(
    ledger: Ledger, as_of: date, months: int | Mapping[Stage, int] = DEFAULT_MONTHS, known_at: datetime | None = None
) -> list[StalledProject]:
    """Projects stalled at ``as_of`` (see the module docstring), by department, longest-stalled first."""
    limits = (
        {s: months for s in Stage} if isinstance(months, int) else {s: months.get(s, DEFAULT_MONTHS) for s in Stage}
    )
    if min(limits.values()) < 1:
        raise ValueError(f"months must be at least 1, got {months}")
    out = []
    for p in ledger.projects:
        if p.signed_on > as_of or p.terminated(as_of):
            continue
        stage = stage_at(p, as_of, known_at)
        last = last_milestone(p, as_of, known_at)
        if stage is None or last is None or stage is Stage.FULL:
            continue
        last_stage, last_on = last
        if add_months(last_on, limits[stage]) <= as_of:
            out.append(
                StalledProject(
                    p.id, p.name, p.department, stage, last_stage, last_on, months_between(last_on, as_of), p.status
                )
            )
    return sorted(out, key=lambda s: (s.department, s.last_on, s.project_id))


def by_department(items: Iterable[StalledProject]) -> dict[str, list[StalledProject]]:
    """The stalled list grouped by 责任单位 (department code), departments in code order."""
    groups: dict[str, list[StalledProject]] = {}
    for item in items:
        groups.setdefault(item.department, []).append(item)
    return dict(sorted(groups.items()))
