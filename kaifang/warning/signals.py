"""The signals approach — back-testing and calibrating warning thresholds on labelled stress episodes (pure).

Sources: Kaminsky, Lizondo & Reinhart (1998), "Leading Indicators of Currency Crises", IMF Staff Papers
45(1); Kaminsky & Reinhart (1999), "The Twin Crises", American Economic Review 89(3); Alessi & Detken
(2011), "Quasi real time early warning indicators for costly asset price boom/bust cycles", European
Journal of Political Economy 27(3) for the loss and usefulness.

Month ``t`` **signals** when the indicator exceeds the threshold (``x_t > τ``; ``x_t < τ`` when lower is
worse). Its **outcome**, for stress episodes ``[s, e]`` and a horizon of ``h`` months, is

* ``mode="onset"`` (KLR): 1 when an episode starts within ``(t, t+h]``, i.e. ``t ∈ [s−h, s−1]``; months
  inside an episode, ``t ∈ [s, e]``, are excluded from the evaluation (their signals are not
  informative about a crisis already under way); 0 otherwise;
* ``mode="episode"`` (the platform CLI's definition): 1 when ``t ∈ [s−h, e]``, 0 otherwise.

Months with a missing value are excluded as well. Over the evaluated months::

                       outcome 1   outcome 0
        signal             A           B
        no signal          C           D

    hit rate  = A / (A + C)                 false-alarm rate = B / (B + D)
    NSR       = [B / (B + D)] / [A / (A + C)]                       (noise-to-signal ratio, KLR)
    loss      L(θ) = θ · C/(A + C) + (1 − θ) · B/(B + D)            (θ: aversion to missed crises)
    usefulness U_a(θ) = min(θ, 1 − θ) − L(θ);  U_r(θ) = U_a / min(θ, 1 − θ)   (Alessi & Detken)

``min(θ, 1−θ)`` is the loss of ignoring the indicator (never or always signalling), so ``U_a > 0`` means the
indicator beats ignoring it. AUROC is the probability that a random outcome-1 month has a more dangerous
value than a random outcome-0 month, ties counting one half (the Mann–Whitney statistic, computed from
mid-ranks); it summarises the ROC curve over all thresholds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy.stats import rankdata

from kaifang.warning.levels import Direction, Thresholds, WarningLevel

__all__ = [
    "Backtest",
    "LevelCalibration",
    "Mode",
    "SignalCounts",
    "auroc",
    "calibrate",
    "calibrate_levels",
    "counts",
    "evaluate",
    "outcomes",
    "sweep",
]

Mode = Literal["onset", "episode"]
Episode = tuple[str, str]
DEFAULT_PERCENTILES = tuple(range(1, 100))


def _ratio(num: np.ndarray | float, den: np.ndarray | float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.divide(np.asarray(num, dtype=float), np.asarray(den, dtype=float))


@dataclass(frozen=True)
class SignalCounts:
    """The 2×2 table of signals against outcomes and the measures derived from it."""

    a: int  # signal, crisis follows
    b: int  # signal, none follows (false alarm)
    c: int  # no signal, crisis follows (missed)
    d: int  # neither

    @property
    def hit_rate(self) -> float:
        return float(_ratio(self.a, self.a + self.c))

    @property
    def false_alarm_rate(self) -> float:
        return float(_ratio(self.b, self.b + self.d))

    @property
    def nsr(self) -> float:
        """False-alarm rate over hit rate; ``inf`` when nothing is hit but something is signalled."""
        return float(_ratio(self.false_alarm_rate, self.hit_rate))

    def loss(self, theta: float = 0.5) -> float:
        return theta * (1.0 - self.hit_rate) + (1.0 - theta) * self.false_alarm_rate

    def usefulness(self, theta: float = 0.5) -> float:
        return min(theta, 1.0 - theta) - self.loss(theta)

    def relative_usefulness(self, theta: float = 0.5) -> float:
        return self.usefulness(theta) / min(theta, 1.0 - theta)


def _month_numbers(index: pd.Index) -> np.ndarray:
    if isinstance(index, pd.DatetimeIndex):
        periods = index.to_period("M")
    elif isinstance(index, pd.PeriodIndex):
        periods = index.asfreq("M")
    else:
        periods = pd.PeriodIndex([pd.Period(str(v), freq="M") for v in index])
    return np.asarray(periods.year * 12 + periods.month - 1, dtype=np.int64)


def outcomes(index: pd.Index, episodes: Sequence[Episode], horizon: int = 6, mode: Mode = "onset") -> pd.Series:
    """The outcome of each month: 1.0, 0.0, or NaN when excluded (inside an episode, ``mode="onset"``)."""
    if horizon < 0:
        raise ValueError("horizon must be ≥ 0 months")
    if mode not in ("onset", "episode"):
        raise ValueError(f"mode must be 'onset' or 'episode', not {mode!r}")
    t = _month_numbers(index)[:, None]
    bounds = _month_numbers(pd.Index([s for s, _ in episodes] + [e for _, e in episodes]))
    start, end = bounds[: len(episodes)][None, :], bounds[len(episodes) :][None, :]
    if np.any(end < start):
        raise ValueError(f"an episode ends before it starts: {list(episodes)}")
    inside = ((t >= start) & (t <= end)).any(axis=1)
    if mode == "episode":
        out = ((t >= start - horizon) & (t <= end)).any(axis=1).astype(float)
    else:
        out = ((t >= start - horizon) & (t < start)).any(axis=1).astype(float)
        out[inside] = np.nan
    return pd.Series(out, index=index, name="outcome")


def counts(signal: ArrayLike, outcome: ArrayLike) -> SignalCounts:
    """A, B, C, D over the months whose outcome is not NaN."""
    sig = np.asarray(signal, dtype=bool)
    y = np.asarray(outcome, dtype=float)
    ok = np.isfinite(y)
    sig, pos = sig[ok], y[ok] == 1.0
    return SignalCounts(
        int(np.sum(sig & pos)), int(np.sum(sig & ~pos)), int(np.sum(~sig & pos)), int(np.sum(~sig & ~pos))
    )


def auroc(scores: ArrayLike, outcome: ArrayLike) -> float:
    """Area under the ROC curve: ``(R₁ − n₁(n₁+1)/2) / (n₁ n₀)`` with R₁ the mid-rank sum of outcome-1 scores.

    Higher scores are taken as more dangerous; months with a NaN score or outcome are dropped.
    """
    x = np.asarray(scores, dtype=float)
    y = np.asarray(outcome, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, pos = x[ok], y[ok] == 1.0
    n1, n0 = int(pos.sum()), int((~pos).sum())
    if n1 == 0 or n0 == 0:
        return math.nan
    ranks = rankdata(x)  # mid-ranks: a tie counts one half
    return float((ranks[pos].sum() - n1 * (n1 + 1) / 2.0) / (n1 * n0))


@dataclass(frozen=True)
class Backtest:
    """One threshold's record on history — what the backtest page and ``kaifang warning backtest`` print."""

    threshold: float
    direction: Direction
    horizon: int
    mode: Mode
    theta: float
    counts: SignalCounts
    auroc: float

    @property
    def hit_rate(self) -> float:
        return self.counts.hit_rate

    @property
    def false_alarm_rate(self) -> float:
        return self.counts.false_alarm_rate

    @property
    def nsr(self) -> float:
        return self.counts.nsr

    @property
    def loss(self) -> float:
        return self.counts.loss(self.theta)

    @property
    def usefulness(self) -> float:
        return self.counts.usefulness(self.theta)

    @property
    def relative_usefulness(self) -> float:
        return self.counts.relative_usefulness(self.theta)

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready data; non-finite numbers (an infinite NSR) become ``None``."""

        def num(v: float) -> float | None:
            return float(v) if math.isfinite(v) else None

        out: dict[str, object] = {k: num(getattr(self, k)) for k in ("threshold", "hit_rate", "false_alarm_rate")}
        out |= {k: num(getattr(self, k)) for k in ("nsr", "loss", "usefulness", "relative_usefulness", "auroc")}
        out |= {k.upper(): v for k, v in asdict(self.counts).items()}
        out |= {"direction": self.direction.value, "horizon": self.horizon, "mode": self.mode, "theta": self.theta}
        return out


def _prepared(
    series: pd.Series, episodes: Sequence[Episode], horizon: int, mode: Mode, direction: Direction | str
) -> tuple[np.ndarray, np.ndarray, float]:
    """Oriented values (higher = more dangerous), outcomes with NaN values excluded, and the orientation sign."""
    sign = 1.0 if Direction(direction) is Direction.HIGHER_WORSE else -1.0
    x = sign * series.to_numpy(dtype=float)
    y = outcomes(series.index, episodes, horizon, mode).to_numpy()
    y = np.where(np.isfinite(x), y, np.nan)
    return x, y, sign


def evaluate(
    series: pd.Series,
    threshold: float,
    episodes: Sequence[Episode],
    *,
    horizon: int = 6,
    direction: Direction | str = Direction.HIGHER_WORSE,
    mode: Mode = "onset",
    theta: float = 0.5,
) -> Backtest:
    """The record of one threshold on a monthly series (index: months) against labelled episodes."""
    x, y, sign = _prepared(series, episodes, horizon, mode, direction)
    with np.errstate(invalid="ignore"):
        table = counts(x > sign * threshold, y)
    return Backtest(float(threshold), Direction(direction), horizon, mode, theta, table, auroc(x, y))


def sweep(
    series: pd.Series,
    episodes: Sequence[Episode],
    *,
    thresholds: ArrayLike | None = None,
    percentiles: ArrayLike = DEFAULT_PERCENTILES,
    horizon: int = 6,
    direction: Direction | str = Direction.HIGHER_WORSE,
    mode: Mode = "onset",
    theta: float = 0.5,
) -> pd.DataFrame:
    """Every measure for every candidate threshold at once (one row per threshold).

    Candidates: ``thresholds`` if given, else the ``percentiles`` of the series' own non-missing values
    (1st–99th by default); duplicates dropped, ordered from the least to the most extreme.
    """
    x, y, sign = _prepared(series, episodes, horizon, mode, direction)
    if thresholds is None:
        grid = np.nanpercentile(series.to_numpy(dtype=float), np.asarray(percentiles, dtype=float))
    else:
        grid = np.asarray(thresholds, dtype=float)
    grid = np.unique(sign * grid) * sign  # ascending in danger
    ok = np.isfinite(y)
    pos = (y[ok] == 1.0).astype(float)
    signals = (x[ok][None, :] > (sign * grid)[:, None]).astype(float)
    a = signals @ pos
    b = signals @ (1.0 - pos)
    c, d = pos.sum() - a, (1.0 - pos).sum() - b
    hit, far = _ratio(a, a + c), _ratio(b, b + d)
    loss = theta * (1.0 - hit) + (1.0 - theta) * far
    best = min(theta, 1.0 - theta)
    table = {"threshold": grid, "A": a, "B": b, "C": c, "D": d, "hit_rate": hit, "false_alarm_rate": far}
    table |= {
        "nsr": _ratio(far, hit),
        "loss": loss,
        "usefulness": best - loss,
        "relative_usefulness": (best - loss) / best,
    }
    out = pd.DataFrame(table)
    out[["A", "B", "C", "D"]] = out[["A", "B", "C", "D"]].astype(int)
    return out


def calibrate(
    series: pd.Series,
    episodes: Sequence[Episode],
    *,
    objective: Literal["nsr", "loss"] = "nsr",
    theta: float = 0.5,
    thresholds: ArrayLike | None = None,
    percentiles: ArrayLike = DEFAULT_PERCENTILES,
    horizon: int = 6,
    direction: Direction | str = Direction.HIGHER_WORSE,
    mode: Mode = "onset",
) -> Backtest:
    """The candidate threshold (see :func:`sweep`) that minimises the NSR among those with at least one hit
    (KLR 1998), or the loss ``L(θ)`` (Alessi & Detken 2011). Ties go to the least extreme threshold, which
    has the highest hit rate among them; the result is therefore reproducible and, for the loss, monotone in θ
    (a higher θ never gives a more extreme threshold).
    """
    table = sweep(
        series,
        episodes,
        thresholds=thresholds,
        percentiles=percentiles,
        horizon=horizon,
        direction=direction,
        mode=mode,
        theta=theta,
    )
    if objective == "nsr":
        score = np.where(table["A"].to_numpy() >= 1, table["nsr"].to_numpy(), np.inf)
        if not np.any(np.isfinite(score)):
            raise ValueError("no candidate threshold hits any crisis month: the NSR cannot be calibrated")
    elif objective == "loss":
        score = table["loss"].to_numpy()
    else:
        raise ValueError(f"objective must be 'nsr' or 'loss', not {objective!r}")
    best = float(table["threshold"].iloc[int(np.argmin(score))])
    return evaluate(series, best, episodes, horizon=horizon, direction=direction, mode=mode, theta=theta)


@dataclass(frozen=True)
class LevelCalibration:
    """红黄蓝 thresholds calibrated by the loss at three θ, with each level's own backtest."""

    thresholds: Thresholds
    backtests: dict[WarningLevel, Backtest]


def calibrate_levels(
    series: pd.Series,
    episodes: Sequence[Episode],
    *,
    thetas: tuple[float, float, float] = (0.5, 0.35, 0.2),
    thresholds: ArrayLike | None = None,
    percentiles: ArrayLike = DEFAULT_PERCENTILES,
    horizon: int = 6,
    direction: Direction | str = Direction.HIGHER_WORSE,
    mode: Mode = "onset",
) -> LevelCalibration:
    """The (蓝, 黄, 红) thresholds minimise the loss ``L(θ)`` at ``thetas = (θ_blue, θ_yellow, θ_red)``.

    Rule: θ is the weight of a missed crisis. 蓝 (watch) is cheap to raise: θ = 0.5, the even weighting of
    Alessi & Detken's benchmark. 黄 and 红 set off increasingly costly responses (红: 产能备份 plans), so
    they weigh false alarms more: θ = 0.35 and 0.2 by default. θ must decrease from blue to red; the
    thresholds then rise (Topkis: the loss has increasing differences in (τ, θ)), and ties go to the least
    extreme threshold (:func:`calibrate`).
    """
    if not thetas[0] >= thetas[1] >= thetas[2]:
        raise ValueError("θ must not increase from blue to red (blue is the most crisis-averse)")
    fits = [
        calibrate(
            series,
            episodes,
            objective="loss",
            theta=theta,
            thresholds=thresholds,
            percentiles=percentiles,
            horizon=horizon,
            direction=direction,
            mode=mode,
        )
        for theta in thetas
    ]
    levels = (WarningLevel.BLUE, WarningLevel.YELLOW, WarningLevel.RED)
    bands = Thresholds(fits[0].threshold, fits[1].threshold, fits[2].threshold, Direction(direction))
    return LevelCalibration(bands, dict(zip(levels, fits, strict=True)))
