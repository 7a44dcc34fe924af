"""Roll-up of lights KPI → task → policy (kaifang.roadmap.rollup) — pure, hand-computed shares.

Run: .venv/bin/pytest tests/test_roadmap_rollup.py -q -p no:django
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kaifang.roadmap.lights import Light
from kaifang.roadmap.rollup import RollUpRule, roll_up, roll_up_frame, roll_up_tree

G, Y, R, N = "green", "yellow", "red", "grey"


@pytest.mark.parametrize(
    ("lights", "weights", "expected"),
    [
        ([G, G, G], None, Light.GREEN),
        ([R, G, G], None, Light.RED),  # red share 1/3 ≥ 1/3
        ([R, G, G, G], None, Light.YELLOW),  # red share 1/4 < 1/3, but a red makes the parent at least yellow
        ([Y, G, G], None, Light.YELLOW),  # red + yellow = 1/3
        ([Y, G, G, G], None, Light.GREEN),  # 1/4 < 1/3, no red
        ([R, G], [1.0, 3.0], Light.YELLOW),  # red share 1/4
        ([R, G], [1.0, 2.0], Light.RED),  # red share 1/3: a KPI carrying a third of the weight
        ([Y, Y, G], [0.1, 0.1, 0.1], Light.YELLOW),  # 0.2/0.30000000000000004 → 2/3 after rounding
        ([R, G, G], [0.1, 0.1, 0.1], Light.RED),  # 0.1/0.30000000000000004 = 0.33333333333333326 → 1/3
        ([N, N], None, Light.GREY),  # no data at all
    ],
)
def test_rule(lights: list[str], weights: list[float] | None, expected: Light) -> None:
    assert roll_up(lights, weights).light is expected


def test_grey_children_are_left_out_and_coverage_is_reported() -> None:
    # weights 1 (red), 2 (grey), 2 (green): lit weight 3, red share 1/3 → red; coverage 3/5
    r = roll_up([R, N, G], [1.0, 2.0, 2.0])
    assert r.light is Light.RED and r.red_share == pytest.approx(1 / 3) and r.coverage == pytest.approx(0.6)
    assert r.children == 3
    empty = roll_up([])
    assert empty.light is Light.GREY and math.isnan(empty.red_share)


def test_rule_is_configuration() -> None:
    lenient = RollUpRule(red_share=0.5, yellow_share=0.5, red_makes_yellow=False)
    assert roll_up([R, G, G], rule=lenient).light is Light.GREEN  # 1/3 red, 1/3 red-or-yellow < 1/2
    assert roll_up([R, Y, G], rule=lenient).light is Light.YELLOW  # 2/3 red or yellow
    assert roll_up([R, R, G, G], rule=lenient).light is Light.RED  # 1/2 red
    with pytest.raises(ValueError):
        RollUpRule(red_share=0.0)


def test_tree_kpi_task_policy() -> None:
    kpis = pd.DataFrame(
        {
            "policy": ["P1"] * 5 + ["P2"] * 2,
            "task": ["T1", "T1", "T1", "T2", "T2", "T3", "T3"],
            "kpi": ["k1", "k2", "k3", "k4", "k5", "k6", "k7"],
            "weight": [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
            "light": [R, G, G, G, G, N, N],
        }
    )
    tasks, policies = roll_up_tree(kpis)
    # T1: 1 red of 3 → red; T2: all green → green; T3: all grey → grey
    assert tasks["light"].to_dict() == {("P1", "T1"): R, ("P1", "T2"): G, ("P2", "T3"): N}
    # P1 from tasks T1 (red) and T2 (green), weight 1 each: red share 1/2 → red; P2 grey
    assert policies["light"].to_dict() == {"P1": R, "P2": N}
    # with T2 weighing 3 in its policy: red share 1/4 → yellow (a red child keeps it at least yellow)
    _, weighted = roll_up_tree(kpis, {"T2": 3.0})
    assert weighted.loc["P1", "light"] == Y and weighted.loc["P1", "red_share"] == pytest.approx(0.25)
    assert tasks.loc[("P1", "T1"), "n_red"] == 1 and tasks.loc[("P1", "T1"), "children"] == 3


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="unknown lights"):
        roll_up(["blue"])
    frame = pd.DataFrame({"p": [1], "light": [G], "weight": [-1.0]})
    with pytest.raises(ValueError, match="weights"):
        roll_up_frame(frame, "p")
