"""序时进度 — a KPI's path from its baseline to its target, and the progress fraction (pure).

Issue 5, item 3: "expected progress follows the path from baseline to target (linear, or through the
milestones). With progress fraction f(x) = (x − baseline)/(target − baseline) …". Here:

* the **path** runs through the nodes (baseline_period, baseline), the milestones (period, value) in order, and
  (deadline, target). Between two nodes the expected value is linear in months::

      expected(m) = v_j + (v_{j+1} − v_j) · clip((m − m_j) / (m_{j+1} − m_j), 0, 1)

  Before the baseline period it is the baseline; from the deadline on it is the target (capped: the schedule
  never asks for more than the target).
* the **progress fraction** ``f(x) = (x − b) / (t − b)`` is 0 at the baseline and 1 at the target. A
  decreasing-is-better KPI (逆向指标, ``direction = −1``) has ``t < b``, so the same formula counts a fall as
  progress; no sign flip is needed. When ``t == b`` (hold the level, 保持) ``f`` is 1 when the value meets
  the target in the KPI's direction (``d · (x − t) ≥ 0``) and 0 otherwise.

Comparisons with thresholds use :func:`snap` (rounding to 1e-9) so that a value written by hand on a boundary
(a gap of exactly 10 points) is classified as written, not by a floating-point residue.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from kaifang.roadmap.months import MonthLike, month_index, normalise_month

__all__ = ["DIGITS", "FloatArray", "KpiPath", "linear_expected", "progress_fraction", "snap"]

FloatArray = npt.NDArray[np.float64]
DIGITS = 9


def snap(x: npt.ArrayLike) -> FloatArray:
    """Round to :data:`DIGITS` decimals (1e-9) before a threshold comparison; NaN stays NaN."""
    return np.round(np.asarray(x, dtype=float), DIGITS)


def progress_fraction(
    x: npt.ArrayLike, baseline: npt.ArrayLike, target: npt.ArrayLike, direction: npt.ArrayLike = 1
) -> FloatArray:
    """``f(x) = (x − baseline) / (target − baseline)``, element-wise; NaN where ``x`` is NaN.

    ``direction`` (+1 higher is better, −1 lower is better) is only used when ``target == baseline``:
    then ``f = 1`` if ``direction · (x − target) ≥ 0`` (the level is held) else ``0``.
    """
    xs, b, t, d = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (x, baseline, target, direction)))
    span = t - b
    with np.errstate(divide="ignore", invalid="ignore"):
        moved = (xs - b) / span
        held = np.where(snap(d * (xs - t)) >= 0, 1.0, 0.0)
    out = np.where(span == 0, held, moved)
    return np.where(np.isnan(xs), np.nan, out)


def linear_expected(
    start: npt.ArrayLike, end: npt.ArrayLike, elapsed_months: npt.ArrayLike, span_months: npt.ArrayLike
) -> FloatArray:
    """``start + (end − start) · clip(elapsed / span, 0, 1)``: the linear schedule between two nodes.

    ``elapsed_months`` counts from the start node; ``span_months > 0`` is the length of the segment.
    """
    s, e, k, n = (np.asarray(a, dtype=float) for a in (start, end, elapsed_months, span_months))
    return s + (e - s) * np.clip(k / n, 0.0, 1.0)


def _direction(baseline: float, target: float, direction: int) -> int:
    implied = int(np.sign(target - baseline))
    if direction not in (-1, 0, 1):
        raise ValueError(f"方向只能是 +1 或 −1 direction must be +1 or −1, got {direction!r}")
    if direction == 0:
        if implied == 0:
            raise ValueError("目标等于基期值时须指定方向 direction is required when target == baseline")
        return implied
    if implied not in (0, direction):
        better = "higher" if direction > 0 else "lower"
        raise ValueError(
            f"方向与目标不一致 direction {direction:+d} ({better} is better) but the target {target:g} "
            f"lies on the other side of the baseline {baseline:g}"
        )
    return direction


@dataclass(frozen=True)
class KpiPath:
    """A KPI's baseline (value, period), target (value, deadline), direction and optional milestones.

    ``direction``: +1 higher is better (正向), −1 lower is better (逆向), 0 = inferred from the sign of
    ``target − baseline`` (required when they are equal). Milestones are ``(period, value)`` pairs strictly
    between the baseline period and the deadline; along the path the progress fraction must not fall and must
    stay within [0, 1] (a milestone beyond the target or behind the baseline is refused). Periods are
    normalised to ``YYYY-MM``.
    """

    baseline: float
    baseline_period: str
    target: float
    deadline: str
    direction: int = 0
    milestones: tuple[tuple[str, float], ...] = field(default=())

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "baseline", float(self.baseline))
        set_(self, "target", float(self.target))
        set_(self, "baseline_period", normalise_month(self.baseline_period))
        set_(self, "deadline", normalise_month(self.deadline))
        if not np.isfinite(self.baseline) or not np.isfinite(self.target):
            raise ValueError("基期值和目标值须为有限数 baseline and target must be finite numbers")
        if month_index(self.deadline) <= month_index(self.baseline_period):
            raise ValueError(
                f"目标期限须晚于基期 the deadline {self.deadline} must come after the baseline period "
                f"{self.baseline_period}"
            )
        set_(self, "direction", _direction(self.baseline, self.target, int(self.direction)))
        milestones = tuple(sorted((normalise_month(p), float(v)) for p, v in self.milestones))
        set_(self, "milestones", milestones)
        months = [
            month_index(self.baseline_period),
            *(month_index(p) for p, _ in milestones),
            month_index(self.deadline),
        ]
        if any(b <= a for a, b in pairwise(months)):
            raise ValueError(
                "里程碑须在基期与期限之间且各不相同 milestones must lie strictly between the baseline "
                "and the deadline, one per month"
            )
        f = snap(self.progress_array([self.baseline, *(v for _, v in milestones), self.target]))
        if np.any(np.diff(f) < 0) or np.any((f < 0) | (f > 1)):
            raise ValueError(
                "里程碑须由基期单调趋向目标 milestone values must move monotonically from the baseline to the target"
            )

    @property
    def nodes(self) -> list[tuple[int, float]]:
        """``(month number, value)`` of the baseline, the milestones and the target, in order."""
        inner = [(month_index(p), v) for p, v in self.milestones]
        return [(month_index(self.baseline_period), self.baseline), *inner, (month_index(self.deadline), self.target)]

    def progress_array(self, x: npt.ArrayLike) -> FloatArray:
        """:func:`progress_fraction` of ``x`` on this path."""
        return progress_fraction(x, self.baseline, self.target, self.direction)

    def progress(self, x: float) -> float:
        """``f(x) = (x − baseline) / (target − baseline)`` (see :func:`progress_fraction`)."""
        return float(self.progress_array(x))

    def expected(self, month: MonthLike) -> float:
        """序时进度 value at ``month``: linear between the surrounding nodes, baseline before, target after."""
        m = month_index(month)
        nodes = self.nodes
        starts = [i for i, _ in nodes]
        j = min(max(bisect.bisect_right(starts, m) - 1, 0), len(nodes) - 2)
        (m0, v0), (m1, v1) = nodes[j], nodes[j + 1]
        return float(linear_expected(v0, v1, m - m0, m1 - m0))

    def expected_progress(self, month: MonthLike) -> float:
        """``f(expected(month))``: the share of the way to the target the schedule asks for at ``month``."""
        return self.progress(self.expected(month))

    def target_met(self, x: float) -> bool:
        """``direction · (x − target) ≥ 0`` (to 1e-9): the value is at or beyond the target."""
        return bool(snap(self.direction * (float(x) - self.target)) >= 0)
