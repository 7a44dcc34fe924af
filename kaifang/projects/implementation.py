"""落实率: the share of a year's agreements that led to a substantive step within 12 months — pure Python.

The report's "重签约、轻落实" as one number. A **substantive step** is a project under the agreement
reaching **注册** or any later stage (开工, 投产, 达产; a later stage implies 注册, see
:mod:`kaifang.projects.stages`): the first point where a firm exists and money and people move. Signing a
project under a framework agreement is still only 签约 and does not count.

For the agreements signed in ``year`` and a date ``as_of``::

    step_on(a)  = min over a's projects of reached_on(注册)
    closed(a)   = add_months(signed_on(a), 12) ≤ as_of          the 12 months are over
    implemented = { a : step_on(a) ≤ add_months(signed_on(a), 12) and step_on(a) ≤ as_of }
    落实率       = |implemented ∩ closed| / |closed|

Agreements whose window is still open are **pending**: left out of the rate (as in the funnel's windows)
and listed; ``to_date`` = |implemented| / |signed| is the provisional share including them, a lower bound
while windows are open. Every count comes with the agreement ids behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from kaifang.projects.records import Ledger, Stage
from kaifang.projects.stages import add_months, reached_dates

__all__ = ["SUBSTANTIVE", "ImplementationRate", "implementation_rate"]

SUBSTANTIVE = Stage.REGISTERED


@dataclass(frozen=True)
class ImplementationRate:
    """落实率 of one signing year: the ids behind every count, the rate over closed windows."""

    year: int
    months: int
    as_of: date
    signed: tuple[str, ...]
    implemented: tuple[str, ...]  # a step within the window, whether the window has closed or not
    closed_implemented: tuple[str, ...]  # a step within the window, window closed
    not_implemented: tuple[str, ...]  # window closed, no step
    pending: tuple[str, ...]  # window still open, no step yet

    @property
    def eligible(self) -> int:
        """Agreements whose window has closed: the denominator of the rate."""
        return len(self.closed_implemented) + len(self.not_implemented)

    @property
    def rate(self) -> float | None:
        """|implemented ∩ closed| / |closed|; None when no window has closed yet."""
        return len(self.closed_implemented) / self.eligible if self.eligible else None

    @property
    def to_date(self) -> float | None:
        """|implemented| / |signed| (provisional while windows are open); None when nothing was signed."""
        return len(self.implemented) / len(self.signed) if self.signed else None


def implementation_rate(
    ledger: Ledger, year: int, as_of: date, months: int = 12, known_at: datetime | None = None
) -> ImplementationRate:
    """落实率 of the agreements signed in ``year`` (see the module docstring)."""
    step: dict[str, date] = {}
    for p in ledger.projects:
        if p.agreement_id is None:
            continue
        on = reached_dates(p, known_at).get(SUBSTANTIVE)
        if on is not None and (p.agreement_id not in step or on < step[p.agreement_id]):
            step[p.agreement_id] = on
    signed, implemented, closed_implemented, not_implemented, pending = [], [], [], [], []
    for a in sorted(ledger.agreements, key=lambda a: (a.signed_on, a.id)):
        if a.signed_on.year != year or a.signed_on > as_of:
            continue
        signed.append(a.id)
        end = add_months(a.signed_on, months)
        on = step.get(a.id)
        done = on is not None and on <= end and on <= as_of
        closed = end <= as_of
        if done:
            implemented.append(a.id)
            if closed:
                closed_implemented.append(a.id)
        elif closed:
            not_implemented.append(a.id)
        else:
            pending.append(a.id)
    return ImplementationRate(
        year,
        months,
        as_of,
        tuple(signed),
        tuple(implemented),
        tuple(closed_implemented),
        tuple(not_implemented),
        tuple(pending),
    )
