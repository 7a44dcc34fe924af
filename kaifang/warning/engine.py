"""预警引擎 — confirmed levels, alert events over history, and the decision for one alert (pure).

An alert is about one series (indicator × key industry × region) and its 红黄蓝 level per period
(:func:`kaifang.warning.levels.classify`). A level must **hold for N periods** before it counts — the
``for`` clause of Prometheus alerting rules, the "persistence" rule of operational warning systems::

    held_t = min(level_{t−N+1}, …, level_t)          (N = 1: the level itself)

so an alert fires (正常 → 蓝/黄/红) or escalates only after N periods at that level or worse, while a
de-escalation or clearing shows at once (the minimum drops with the first better period). A period
whose level is above ``held`` is *pending*: the condition is there but not yet confirmed.

:func:`held_levels` and :func:`history` work on a whole panel at once (series × periods) for the
heat map and the benchmark; :func:`decide` is the transition rule the platform applies to the one
open alert of a series when new vintages arrive (:mod:`kaifang.warning.lifecycle` names the states).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike

from kaifang.warning.lifecycle import FIRING, State

__all__ = ["Decision", "OpenAlert", "decide", "held_levels", "history"]

EVENT_KINDS = ("fired", "escalated", "de-escalated", "cleared")


def held_levels(levels: ArrayLike, periods: int | ArrayLike = 1) -> np.ndarray:
    """``held_t = min(level_{t−N+1..t})`` along the last axis; NaN while fewer than N periods are known.

    ``levels``: level codes 0–3 (float, NaN for a missing period), 1-D or series × periods.
    ``periods``: N, one for all series or one per series. A missing period inside the window makes the
    held level NaN: a run must be N *consecutive* observed periods (the platform drops gaps first).
    """
    x = np.asarray(levels, dtype=float)
    one = x.ndim == 1
    x = np.atleast_2d(x)
    n = np.broadcast_to(np.asarray(periods, dtype=int), (x.shape[0],))
    if np.any(n < 1):
        raise ValueError("N (periods to confirm) must be ≥ 1")
    out = np.full(x.shape, np.nan)
    for k in np.unique(n):
        rows = n == k
        if k > x.shape[1]:
            continue
        windows = sliding_window_view(x[rows], int(k), axis=1)  # (rows, T − k + 1, k)
        out[np.ix_(rows, np.arange(k - 1, x.shape[1]))] = windows.min(axis=2)  # NaN propagates
    return out[0] if one else out


def history(held: ArrayLike) -> pd.DataFrame:
    """Every change of the held level: ``series``, ``t``, ``kind`` (fired, escalated, de-escalated, cleared),
    ``from`` and ``to``. An unknown held level (NaN) counts as 正常 (0)."""
    h = np.atleast_2d(np.nan_to_num(np.asarray(held, dtype=float), nan=0.0))
    before, after = h[:, :-1], h[:, 1:]
    s, t = np.nonzero(before != after)
    a, b = before[s, t], after[s, t]
    kind = np.select([a == 0, b == 0, b > a], [0, 3, 1], default=2)
    return pd.DataFrame(
        {
            "series": s,
            "t": t + 1,
            "kind": np.asarray(EVENT_KINDS, dtype=object)[kind],
            "from": a.astype(int),
            "to": b.astype(int),
        }
    )


@dataclass(frozen=True)
class OpenAlert:
    """The stored open alert of a series, as the engine needs it."""

    state: State
    level: int  # the confirmed level (0 after the condition cleared, while the alert awaits resolution)
    condition_active: bool


@dataclass(frozen=True)
class Decision:
    """What to do with the series' open alert: an event kind, the new state and level (``None``: nothing)."""

    kind: str | None
    state: State | None = None
    level: int = 0
    condition_active: bool = True


def decide(alert: OpenAlert | None, level: int, held: int) -> Decision:
    """The transition for the latest period: ``level`` is its level, ``held`` the confirmed one (N periods).

    =================  ==========================  =============================================
    open alert          data                        decision
    =================  ==========================  =============================================
    none               held > 0                    ``fired``: new alert 已发出 at ``held``
    none               level > 0 = held            ``pending``: new alert 待确认 at ``level``
    待确认 pending      held > 0                    ``fired``: 待确认 → 已发出
    待确认 pending      level > 0 = held            ``pending-level`` when the level changed
    待确认 pending      level = 0                   ``withdrawn``: never confirmed, closed with a record
    firing             held > alert level          ``escalated`` (``recurred`` after a clearing)
    firing             0 < held < alert level      ``de-escalated``
    firing             held = 0, still active      ``cleared``: data back to 正常; awaits resolution
    =================  ==========================  =============================================

    Firing alerts keep their handling state (已确认, 已分派 …): only people resolve them.
    """
    if level < held:
        raise ValueError("the confirmed level cannot exceed the latest level")
    if alert is None:
        if held > 0:
            return Decision("fired", State.RAISED, held)
        if level > 0:
            return Decision("pending", State.PENDING, level)
        return Decision(None)
    if alert.state is State.PENDING:
        if held > 0:
            return Decision("fired", State.RAISED, held)
        if level > 0:
            return Decision("pending-level", State.PENDING, level) if level != alert.level else Decision(None)
        return Decision("withdrawn", State.WITHDRAWN, 0, False)
    if alert.state not in FIRING:
        raise ValueError(f"alert in state {alert.state} is closed; a new alert must be opened")
    if held > 0 and not alert.condition_active:
        return Decision("recurred", alert.state, held)
    if held > alert.level:
        return Decision("escalated", alert.state, held)
    if 0 < held < alert.level:
        return Decision("de-escalated", alert.state, held)
    if held == 0 and alert.condition_active:
        return Decision("cleared", alert.state, 0, False)
    return Decision(None)
