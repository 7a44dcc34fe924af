"""Roll-up of lights: KPIs → key tasks → policies (pure).

Issue 5, item 3: "Task and policy lights roll up by a documented rule." The rule (:class:`RollUpRule`), applied
the same way at both levels, over the children's weights ``w`` (KPI weights within a task; task weights within a
policy, 1 each unless given):

1. Grey children (no data yet) are left out; ``coverage`` = weight with a light / total weight. A parent whose
   children are all grey (or weigh 0) is **grey**.
2. Shares over the lit weight W: ``red_share = Σ_red w / W``, ``yellow_share = Σ_yellow w / W``.
3. **red** when ``red_share ≥ 1/3`` — so a single red child carrying a third of the weight turns the parent red;
4. **yellow** when ``red_share + yellow_share ≥ 1/3``, or when any child is red (``red_makes_yellow``: a red
   never disappears in the roll-up, the lagging item stays visible one level up);
5. **green** otherwise.

Shares are rounded to 1e-9 before the comparison (three equal children, one red: red_share = 1/3 exactly).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kaifang.roadmap.lights import Light
from kaifang.roadmap.schedule import snap

__all__ = ["RollUp", "RollUpRule", "roll_up", "roll_up_frame", "roll_up_tree"]

_LIGHTS = [Light.RED.value, Light.YELLOW.value, Light.GREEN.value, Light.GREY.value]


@dataclass(frozen=True)
class RollUpRule:
    """Parent red at ``red_share`` of the lit weight red; yellow at ``yellow_share`` red or yellow (or any red)."""

    red_share: float = 1 / 3
    yellow_share: float = 1 / 3
    red_makes_yellow: bool = True

    def __post_init__(self) -> None:
        if not (0 < self.red_share <= 1 and 0 < self.yellow_share <= 1):
            raise ValueError(f"shares must lie in (0, 1], got {self!r}")


@dataclass(frozen=True)
class RollUp:
    """A parent's light and the shares it was made from."""

    light: Light
    red_share: float
    yellow_share: float
    green_share: float
    coverage: float
    children: int


def roll_up_frame(
    children: pd.DataFrame,
    by: str | list[str],
    rule: RollUpRule = RollUpRule(),
    *,
    light: str = "light",
    weight: str | None = "weight",
) -> pd.DataFrame:
    """One row per group of ``by``: ``light``, ``red_share``, ``yellow_share``, ``green_share``, ``coverage``,
    ``children`` and the count of each light (``n_red`` …). ``weight=None`` weighs every child 1."""
    lights = children[light].astype(str)
    unknown = sorted(set(lights) - set(_LIGHTS))
    if unknown:
        raise ValueError(f"未知灯色 unknown lights {unknown}; expected one of {_LIGHTS}")
    w = pd.Series(1.0, index=children.index) if weight is None else children[weight].astype(float)
    if not np.all(np.isfinite(w)) or (w < 0).any():
        raise ValueError("权重须为非负有限数 weights must be finite and ≥ 0")
    parts = {f"w_{c}": w.where(lights == c, 0.0) for c in _LIGHTS}
    parts |= {f"n_{c}": (lights == c).astype(int) for c in _LIGHTS}
    keys = [by] if isinstance(by, str) else list(by)
    sums = pd.DataFrame(parts).join(children[keys]).groupby(keys, sort=False).sum()
    lit = sums["w_red"] + sums["w_yellow"] + sums["w_green"]
    total = lit + sums["w_grey"]
    with np.errstate(divide="ignore", invalid="ignore"):
        red, yellow, green = (sums[f"w_{c}"] / lit for c in ("red", "yellow", "green"))
        coverage = lit / total
    r, ry = snap(red), snap(red + yellow)
    any_red = (sums["n_red"] > 0).to_numpy() & rule.red_makes_yellow
    codes = np.select(
        [~(lit > 0).to_numpy(), r >= snap(rule.red_share), (ry >= snap(rule.yellow_share)) | any_red],
        [Light.GREY.value, Light.RED.value, Light.YELLOW.value],
        default=Light.GREEN.value,
    )
    out = pd.DataFrame(
        {
            "light": codes,
            "red_share": red,
            "yellow_share": yellow,
            "green_share": green,
            "coverage": coverage.fillna(0.0),
            "children": sums[[f"n_{c}" for c in _LIGHTS]].sum(axis=1),
        },
        index=sums.index,
    )
    return out.join(sums[[f"n_{c}" for c in _LIGHTS]])


def roll_up(
    lights: Sequence[Light | str], weights: Sequence[float] | None = None, rule: RollUpRule = RollUpRule()
) -> RollUp:
    """The parent light of one set of children (``weights`` default to 1 each); see the module docstring."""
    if weights is not None and len(weights) != len(lights):
        raise ValueError("lights and weights differ in length")
    frame = pd.DataFrame(
        {"parent": 0, "light": [str(x) for x in lights], "weight": 1.0 if weights is None else list(weights)},
        index=range(len(lights)),
    )
    if frame.empty:
        return RollUp(Light.GREY, np.nan, np.nan, np.nan, 0.0, 0)
    row = roll_up_frame(frame, "parent", rule).iloc[0]
    return RollUp(
        light=Light(row["light"]),
        red_share=float(row["red_share"]),
        yellow_share=float(row["yellow_share"]),
        green_share=float(row["green_share"]),
        coverage=float(row["coverage"]),
        children=int(row["children"]),
    )


def roll_up_tree(
    kpis: pd.DataFrame,
    task_weights: Mapping[Any, float] | None = None,
    rule: RollUpRule = RollUpRule(),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tasks and policies from a KPI table with columns ``policy``, ``task``, ``light`` and ``weight``.

    Returns ``(tasks, policies)``: tasks indexed by (policy, task), policies by policy, each from
    :func:`roll_up_frame`. ``task_weights`` maps a task to its weight within its policy (default 1).
    """
    tasks = roll_up_frame(kpis, ["policy", "task"], rule)
    weights = task_weights or {}
    frame = tasks.reset_index()
    frame["weight"] = [float(weights.get(t, 1.0)) for t in frame["task"]]
    policies = roll_up_frame(frame, "policy", rule)
    return tasks, policies
