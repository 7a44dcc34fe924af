"""动态优化调整 — target revisions and the target in force at an assessed month (pure).

Issue 5, item 6: "a target can be revised only through a request with a reason and an approval; history is kept
and every assessment uses the target in force at that time." A KPI's target history is a list of
:class:`TargetRevision` — the original target first, then each revision request. The target in force at an
assessed month m is the **approved** entry with the latest ``effective_from`` at or before m; pending and
rejected requests never count. ``effective_from`` is the first assessed month the entry governs, so
re-assessing an earlier month after a revision still uses the old target (an assessment keeps its light).

A ``date``/``datetime`` ``effective_from`` stands for its calendar month (approved on 2025-06-15 → governs the
June assessment on); give the next month explicitly when a mid-month approval should only apply from then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from kaifang.roadmap.months import MonthLike, month_index, normalise_month
from kaifang.roadmap.schedule import KpiPath

__all__ = ["TargetRevision", "path_in_force", "target_in_force"]


@dataclass(frozen=True)
class TargetRevision:
    """One entry of a KPI's target history: the target, its deadline and milestones, from which month, approved."""

    value: float
    deadline: str
    effective_from: MonthLike
    approved: bool = True
    milestones: tuple[tuple[str, float], ...] = field(default=())
    reason: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", float(self.value))
        object.__setattr__(self, "deadline", normalise_month(self.deadline))
        object.__setattr__(self, "effective_from", normalise_month(self.effective_from))


def target_in_force(history: Sequence[TargetRevision], month: MonthLike) -> TargetRevision:
    """The approved entry with the latest ``effective_from`` ≤ ``month``.

    Raises ``ValueError`` when no approved entry is in force yet, or when two approved entries take effect in
    the same month (the history would be ambiguous).
    """
    m = month_index(month)
    approved = [r for r in history if r.approved]
    starts = [month_index(r.effective_from) for r in approved]
    twice = sorted(
        {normalise_month(r.effective_from) for r, s in zip(approved, starts, strict=True) if starts.count(s) > 1}
    )
    if twice:
        raise ValueError(f"同月生效的已批准目标不止一个 two approved targets take effect in {twice}")
    in_force = [(s, r) for s, r in zip(starts, approved, strict=True) if s <= m]
    if not in_force:
        raise ValueError(
            f"{normalise_month(month)} 无有效目标 no approved target is in force at {normalise_month(month)}"
        )
    return max(in_force, key=lambda pair: pair[0])[1]


def path_in_force(path: KpiPath, history: Sequence[TargetRevision], month: MonthLike) -> KpiPath:
    """``path`` with the target, deadline and milestones in force at ``month`` (baseline and direction kept)."""
    r = target_in_force(history, month)
    return replace(path, target=r.value, deadline=r.deadline, milestones=r.milestones)
