"""年度考核 department scores (kaifang.roadmap.scoring) — three departments computed by hand.

Run: .venv/bin/pytest tests/test_roadmap_scoring.py -q -p no:django
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kaifang.roadmap.scoring import ScoreWeights, department_scores, kpi_points

KPIS = pd.DataFrame(
    {
        "department": ["commerce", "commerce", "culture_tourism", "culture_tourism", "transport"],
        "kpi": ["RCEP利用率", "外贸进出口", "联合品牌资金占比", "过夜游客", "物流费用占比"],
        "weight": [2.0, 1.0, 1.0, 1.0, 1.0],
        "progress": [0.8, 1.2, 0.5, -0.2, 0.4],
        "light": ["green", "green", "yellow", "red", "yellow"],
    }
)
REPORTS = pd.DataFrame(
    {
        "department": ["commerce", "culture_tourism", "transport"],
        "due": [12, 12, 12],
        "on_time": [12, 9, 6],
        "submitted": [12, 12, 10],
        "rejected": [0, 3, 7],
    }
)


def test_three_departments_by_hand() -> None:
    sheet = department_scores(KPIS, REPORTS)
    # commerce: achievement (2 · 80 + 1 · 100 [1.2 capped at 1]) / 3 = 86.667; timeliness 12/12 = 100;
    #   quality 12/12 = 100; total 0.7 · 86.667 + 0.15 · 100 + 0.15 · 100 = 60.667 + 30 = 90.667
    # culture_tourism: achievement (50 + 0 [−0.2 floored at 0]) / 2 = 25; timeliness 9/12 = 75;
    #   quality 9/12 = 75; total 17.5 + 11.25 + 11.25 = 40
    # transport: achievement 40; timeliness 6/12 = 50; quality 3/10 = 30; total 28 + 7.5 + 4.5 = 40
    assert sheet["achievement"].tolist() == pytest.approx([260 / 3, 25.0, 40.0])
    assert sheet["timeliness"].tolist() == pytest.approx([100.0, 75.0, 50.0])
    assert sheet["quality"].tolist() == pytest.approx([100.0, 75.0, 30.0])
    assert sheet["total"].tolist() == pytest.approx([90.0 + 2 / 3, 40.0, 40.0])
    # a tie shares the rank: 1, 2, 2
    assert sheet["rank"].tolist() == [1, 2, 2]
    assert sheet.loc["commerce", ["w_achievement", "w_timeliness", "w_quality"]].tolist() == pytest.approx(
        [0.7, 0.15, 0.15]
    )
    assert sheet.loc["commerce", "kpis"] == 2 and sheet.loc["commerce", "kpi_weight"] == 3.0


def test_points_per_kpi_for_the_score_sheet() -> None:
    assert kpi_points(KPIS)["points"].tolist() == pytest.approx([80.0, 100.0, 50.0, 0.0, 40.0])
    no_value = KPIS.assign(progress=[0.8, None, 0.5, -0.2, 0.4])
    assert kpi_points(no_value)["points"].tolist()[1] == 0.0  # a KPI with no value scores 0


def test_by_lights_and_other_weights() -> None:
    # lights: commerce (100 · 2 + 100) / 3 = 100; culture_tourism (60 + 0)/2 = 30; transport 60
    # weights 50/25/25: commerce 50 + 25 + 25 = 100; culture_tourism 15 + 18.75 + 18.75 = 52.5;
    # transport 30 + 12.5 + 7.5 = 50
    sheet = department_scores(KPIS, REPORTS, ScoreWeights(50, 25, 25, method="lights"))
    assert sheet["achievement"].tolist() == pytest.approx([100.0, 30.0, 60.0])
    assert sheet["total"].tolist() == pytest.approx([100.0, 52.5, 50.0])
    assert sheet["rank"].tolist() == [1, 2, 3]


def test_a_component_that_does_not_apply_is_left_out() -> None:
    # stats has no lead KPI and 4 reports due, 3 on time, 4 submitted, 1 rejected:
    # timeliness 75, quality 75; weights 15/15 scaled to 0.5/0.5 → total 75
    reports = pd.concat(
        [
            REPORTS,
            pd.DataFrame({"department": ["stats"], "due": [4], "on_time": [3], "submitted": [4], "rejected": [1]}),
        ]
    )
    sheet = department_scores(KPIS, reports)
    assert sheet["achievement"].dtype == float and math.isnan(sheet.at["stats", "achievement"])
    assert sheet.at["stats", "w_achievement"] == 0.0 and sheet.at["stats", "w_timeliness"] == 0.5
    assert sheet.at["stats", "total"] == pytest.approx(75.0)  # 90.67 > 75 > 40 = 40
    assert sheet["rank"].tolist() == [1, 3, 3, 2]


def test_bad_input() -> None:
    bad = REPORTS.assign(on_time=[13, 9, 6])
    with pytest.raises(ValueError, match="on_time ≤ due"):
        department_scores(KPIS, bad)
    with pytest.raises(ValueError, match="lacks columns"):
        department_scores(KPIS.drop(columns="progress"), REPORTS)
    with pytest.raises(ValueError, match="weights"):
        ScoreWeights(-1, 50, 50)
