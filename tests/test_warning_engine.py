"""The pure parts of the alert engine: held levels, history, decisions, the life cycle, files and the survey."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from kaifang.warning import engine, survey
from kaifang.warning.lifecycle import IllegalTransition, State, allowed_actions, replay, target
from kaifang.warning.series_csv import SeriesFileError, parse_month, read_series_text
from tests.conftest import assert_pure


def test_modules_are_pure() -> None:
    assert_pure(
        "kaifang.warning.engine",
        "kaifang.warning.lifecycle",
        "kaifang.warning.series_csv",
        "kaifang.warning.survey",
        "kaifang.warning.demo_data",
    )


def test_held_level_is_the_minimum_of_the_last_n_periods() -> None:
    levels = [0, 2, 3, 3, 1, 2, 2, 0]
    assert engine.held_levels(levels, 1).tolist() == levels
    # N = 2: min(0,2)=0, min(2,3)=2, min(3,3)=3, min(3,1)=1, min(1,2)=1, min(2,2)=2, min(2,0)=0
    assert engine.held_levels(levels, 2)[1:].tolist() == [0, 2, 3, 1, 1, 2, 0]
    assert np.isnan(engine.held_levels(levels, 2)[0])
    assert engine.held_levels(levels, 3)[2:].tolist() == [0, 2, 1, 1, 1, 0]


def test_held_levels_per_series_and_missing_values() -> None:
    panel = np.array([[1, 1, 1, 1], [2, np.nan, 2, 2]], dtype=float)
    held = engine.held_levels(panel, [2, 2])
    assert held[0, 1:].tolist() == [1, 1, 1]
    assert np.isnan(held[1, 1]) and np.isnan(held[1, 2]) and held[1, 3] == 2  # a gap breaks the run
    mixed = engine.held_levels(np.array([[0, 3, 3], [0, 3, 3]], dtype=float), [1, 3])
    assert mixed[0].tolist() == [0, 3, 3] and mixed[1, 2] == 0
    with pytest.raises(ValueError):
        engine.held_levels([1, 2], 0)


def test_history_lists_every_change_of_the_held_level() -> None:
    held = np.array([[0, 1, 2, 2, 1, 0, 0], [np.nan, np.nan, 3, 3, 3, 3, 3]])
    events = engine.history(held)
    first = events[events.series == 0]
    assert first[["t", "kind", "from", "to"]].values.tolist() == [
        [1, "fired", 0, 1],
        [2, "escalated", 1, 2],
        [4, "de-escalated", 2, 1],
        [5, "cleared", 1, 0],
    ]
    assert events[events.series == 1][["t", "kind"]].values.tolist() == [[2, "fired"]]


@pytest.mark.parametrize(
    ("alert", "level", "held", "expected"),
    [
        (None, 0, 0, (None, None, 0)),
        (None, 2, 0, ("pending", State.PENDING, 2)),
        (None, 2, 2, ("fired", State.RAISED, 2)),
        ((State.PENDING, 1, True), 2, 1, ("fired", State.RAISED, 1)),
        ((State.PENDING, 1, True), 2, 0, ("pending-level", State.PENDING, 2)),
        ((State.PENDING, 2, True), 2, 0, (None, None, 0)),
        ((State.PENDING, 2, True), 0, 0, ("withdrawn", State.WITHDRAWN, 0)),
        ((State.ASSIGNED, 1, True), 3, 3, ("escalated", State.ASSIGNED, 3)),
        ((State.ASSIGNED, 3, True), 2, 2, ("de-escalated", State.ASSIGNED, 2)),
        ((State.ASSIGNED, 3, True), 3, 2, ("de-escalated", State.ASSIGNED, 2)),
        ((State.RAISED, 2, True), 0, 0, ("cleared", State.RAISED, 0)),
        ((State.RAISED, 2, True), 1, 0, ("cleared", State.RAISED, 0)),
        ((State.RAISED, 0, False), 1, 0, (None, None, 0)),
        ((State.RAISED, 0, False), 2, 2, ("recurred", State.RAISED, 2)),
        ((State.ACKNOWLEDGED, 2, True), 3, 2, (None, None, 0)),
    ],
)
def test_decide(alert, level, held, expected) -> None:  # type: ignore[no-untyped-def]
    snap = engine.OpenAlert(*alert) if alert else None
    d = engine.decide(snap, level, held)
    assert (d.kind, d.state, d.level) == expected


def test_decide_refuses_closed_alerts() -> None:
    with pytest.raises(ValueError):
        engine.decide(engine.OpenAlert(State.RESOLVED, 0, False), 1, 1)


def test_life_cycle_moves() -> None:
    assert allowed_actions(State.RAISED) == ["acknowledge", "resolve"]
    assert allowed_actions(State.ASSIGNED) == ["assign", "activate_plan", "resolve"]
    assert allowed_actions(State.PENDING) == [] and allowed_actions(State.RESOLVED) == []
    assert target("assign", State.ACKNOWLEDGED) is State.ASSIGNED
    assert target("escalated", State.PLAN_ACTIVATED) is None  # the level changes, not the state
    with pytest.raises(IllegalTransition):
        target("assign", State.RAISED)  # acknowledged first
    with pytest.raises(IllegalTransition):
        target("resolve", State.PENDING)


def test_replay_rebuilds_state_and_level_and_rejects_a_broken_history() -> None:
    events = [
        {"kind": "pending", "from_state": "", "to_state": "pending", "to_level": 1},
        {"kind": "fired", "from_state": "pending", "to_state": "raised", "to_level": 2},
        {"kind": "acknowledge", "from_state": "raised", "to_state": "acknowledged", "to_level": 2},
        {"kind": "escalated", "from_state": "acknowledged", "to_state": "acknowledged", "to_level": 3},
        {"kind": "resolve", "from_state": "acknowledged", "to_state": "resolved", "to_level": 3},
    ]
    r = replay(events)
    assert (r.state, r.level, r.events) == (State.RESOLVED, 3, 5)
    broken = [*events[:2], {"kind": "assign", "from_state": "raised", "to_state": "assigned", "to_level": 2}]
    with pytest.raises(IllegalTransition):
        replay(broken)
    with pytest.raises(IllegalTransition):
        replay([events[0], events[2]])  # the recorded start does not follow


def test_series_file_tolerates_header_junk() -> None:
    text = (
        "Date,GSCPI,,,,\n,,,NEW YORK FED  ECONOMIC RESEARCH,,\n,,,,,\n"
        "31-Jan-1998,-1.09,,,,\n28-Feb-1998,-0.44,,,,\n\nSource: NY Fed,,,\n31-Mar-1998,-0.06,,\n"
    )
    read = read_series_text(text)
    assert read.name == "GSCPI" and read.skipped == 5
    assert read.series.index.astype(str).tolist() == ["1998-01", "1998-02", "1998-03"]
    assert read.series.tolist() == [-1.09, -0.44, -0.06]


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("31-Jan-1998", "1998-01"),
        ("1998-01-31", "1998-01"),
        ("1998-1", "1998-01"),
        ("1998/12", "1998-12"),
        ("1998年3月", "1998-03"),
        ("Mar 2021", "2021-03"),
        ("202104", "2021-04"),
        ("4/30/2021", "2021-04"),
    ],
)
def test_parse_month(text: str, month: str) -> None:
    assert str(parse_month(text)) == month


def test_series_file_errors() -> None:
    assert parse_month("Date") is None and parse_month("2021-13") is None
    with pytest.raises(SeriesFileError, match="重复"):
        read_series_text("2020-01,1\n2020-01-31,2\n")
    with pytest.raises(SeriesFileError, match="没有读到"):
        read_series_text("title\nnothing here\n")


def _returns(rows: list[list[object]]) -> bytes:
    wb = load_workbook(io.BytesIO(survey.questionnaire("测试", ["食品饮料", "生物医药"])))
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_survey_diffusion_indexes_by_hand() -> None:
    data = _returns(
        [
            ["甲", "", "食品饮料", "延长", "增加", "持平", "增加", None],
            ["乙", "", "食品饮料", "延长", "减少", "增加", "持平", None],
            ["丙", "", "生物医药", "不变", "持平", "减少", "减少", 2],
            ["丁", "", "生物医药", "缩短", "增加", None, "增加", 2],
        ]
    )
    table = survey.indexes(survey.read_returns(data, "r.xlsx"))
    # 交货周期, weights 1, 1, 2, 2: 100 · (1 + 1 + 0.5·2 + 0) / 6 = 50
    assert table.loc["全部", "SURVEY_DELIVERY_TIMES"] == pytest.approx(50.0)
    # 原材料库存: 丁 did not answer; 100 · (0.5 + 1 + 0) / (1 + 1 + 2) = 37.5
    assert table.loc["全部", "SURVEY_INPUT_INVENTORY"] == pytest.approx(37.5)
    assert table.loc["食品饮料", "SURVEY_DELIVERY_TIMES"] == 100.0
    assert table.loc["生物医药", "SURVEY_NEW_ORDERS"] == 50.0 and table.loc["全部", "firms"] == 4
    rows = survey.long_rows(table, "511900", "2026-10", "调查")
    assert {r["indicator"] for r in rows} == {q.code for q in survey.QUESTIONS}
    assert next(r for r in rows if r["indicator"] == "SURVEY_ORDER_BACKLOG")["obs_value"] == pytest.approx(
        round(100 * (1 + 0 + 0.5 * 2 + 2) / 6, 2)
    )


def test_survey_errors_are_located() -> None:
    data = _returns(
        [["甲", "", "食品饮料", "很长", "增加", "持平", "增加", None], ["乙", "", "", "延长", "", "", "", -1]]
    )
    with pytest.raises(survey.SurveyError) as caught:
        survey.read_returns(data, "r.xlsx")
    assert caught.value.problems == [
        "r.xlsx!R4 交货周期: 无法识别的回答「很长」（应为 延长/不变/缩短）",
        "r.xlsx!R5 所属重点产业: 未填写 (industry missing)",
        "r.xlsx!R5 权重: 须为正数（-1）",
    ]


def test_demo_series_have_the_planted_episode() -> None:
    from kaifang.warning import demo_data

    f = demo_data.factors()["f"]
    assert f.loc["2021-06":"2021-12"].mean() > 2 > f.loc["2016-01":"2019-12"].abs().mean()
    assert pd.Series(demo_data.monthly()["CORRIDOR_DISRUPTION_DAYS@511921"]).loc["2025-07"] == 13
