"""Batch assessment of KPIS.csv (kaifang.roadmap.kpi_file, kaifang.roadmap.batch) — pure, hand-computed.

Unless a row says otherwise: baseline 0 at 2024-12, target 100 at 2026-12 (24 months), direction +1, assessed
at 2025-06. Then expected = 100 · 6/24 = 25, f(x) = x/100, gap = 25 − x, required rate = 100/2 = 50 a year and
a value at 2025-06 has actual rate value / 0.5.

Run: .venv/bin/pytest tests/test_roadmap_batch.py -q -p no:django
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from kaifang.roadmap.batch import OUTPUT_COLUMNS, assess_file
from kaifang.roadmap.kpi_file import KpiFileError, read_kpis
from kaifang.roadmap.lights import assess_light
from kaifang.roadmap.schedule import KpiPath
from kaifang.roadmap.trend import assess_trend

HEADER = "kpi,direction,baseline_period,baseline,target_period,target,period,value"
STD = "+1,2024-12,0,2026-12,100"
CSV = f"""{HEADER}
ahead,{STD},2025-06,30
green_9,{STD},2025-05,10
green_9,{STD},2025-06,16
yellow_10,{STD},2025-06,15
yellow_10,{STD},2025-07,90
yellow_30,{STD},2025-06,-5
red_31,{STD},2025-06,-6
red_missed,{STD},2025-04,25
red_missed,{STD},2025-05,
red_missed,{STD},2025-06,

one_missing,{STD},2025-05,20
one_missing,{STD},2025-06,
ratio_one,{STD},2025-06,25
ratio_half,{STD},2025-06,12.5
ratio_zero,{STD},2025-06,0
物流费用占比,−1,2024-12,14.4,2026-12,13.5,2025-06,13.4
down_stagnating,-1,2024-12,20,2026-12,10,2025-06,19.5
down_decreasing,-1,2024-12,20,2026-12,10,2025-06,21
deadline_passed,1,2023-06,0,2024-12,100,2025-06,80
no_data,+1,2025-05,0,2026-05,100,2025-06,
"""

# kpi: (expected, gap, light, light_reason, trend, required, actual, latest_period, latest_value)
EXPECTED = {
    # gap 25 − 30 = −5 (ahead); actual 30/0.5 = 60, ratio 1.2
    "ahead": (25.0, -5.0, "green", "gap", "on_track", 50.0, 60.0, "2025-06", 30.0),
    # gap 25 − 16 = 9; actual 32, ratio 0.64
    "green_9": (25.0, 9.0, "green", "gap", "moderately_improving", 50.0, 32.0, "2025-06", 16.0),
    # gap exactly 10 → yellow; the 2025-07 row is after the as-of month and ignored; actual 30, ratio 0.6
    "yellow_10": (25.0, 10.0, "yellow", "gap", "moderately_improving", 50.0, 30.0, "2025-06", 15.0),
    # gap 25 − (−5) = 30 exactly → still yellow; actual −10, ratio −0.2
    "yellow_30": (25.0, 30.0, "yellow", "gap", "decreasing", 50.0, -10.0, "2025-06", -5.0),
    # gap 31 → red; actual −12, ratio −0.24
    "red_31": (25.0, 31.0, "red", "gap", "decreasing", 50.0, -12.0, "2025-06", -6.0),
    # May and June empty → red whatever the gap (25 − 25 = 0); actual 25/(4/12) = 75, ratio 1.5
    "red_missed": (25.0, 0.0, "red", "missed_reports", "on_track", 50.0, 75.0, "2025-04", 25.0),
    # only June empty → latest May 20, gap 5 → green; actual 20/(5/12) = 48, ratio 0.96
    "one_missing": (25.0, 5.0, "green", "gap", "moderately_improving", 50.0, 48.0, "2025-05", 20.0),
    # actual 25/0.5 = 50 = required: ratio exactly 1
    "ratio_one": (25.0, 0.0, "green", "gap", "on_track", 50.0, 50.0, "2025-06", 25.0),
    # gap 12.5; actual 25, ratio exactly 0.5
    "ratio_half": (25.0, 12.5, "yellow", "gap", "moderately_improving", 50.0, 25.0, "2025-06", 12.5),
    # gap 25; actual 0, ratio exactly 0
    "ratio_zero": (25.0, 25.0, "yellow", "gap", "stagnating", 50.0, 0.0, "2025-06", 0.0),
    # lower is better (direction written with U+2212): expected 14.4 − 0.9 · 6/24 = 14.175, f = 0.25;
    # f(13.4) = −1/−0.9 = 1.111 → gap 25 − 111.1 = −86.1; target met → on track;
    # required −1 · (13.5 − 14.4)/2 = 0.45, actual −1 · (13.4 − 14.4)/0.5 = 2
    "物流费用占比": (14.175, 25 - 1000 / 9, "green", "gap", "on_track", 0.45, 2.0, "2025-06", 13.4),
    # expected 20 − 10 · 6/24 = 17.5; f(19.5) = 0.05 → gap 20; required 10/2 = 5, actual 0.5/0.5 = 1, ratio 0.2
    "down_stagnating": (17.5, 20.0, "yellow", "gap", "stagnating", 5.0, 1.0, "2025-06", 19.5),
    # f(21) = −0.1 → gap 35; actual −1 · (21 − 20)/0.5 = −2, ratio −0.4
    "down_decreasing": (17.5, 35.0, "red", "gap", "decreasing", 5.0, -2.0, "2025-06", 21.0),
    # deadline 2024-12 passed: expected capped at 100, gap 100 − 80 = 20; required 100/1.5 = 66.67,
    # actual 80/2 = 40, ratio 0.6 → still classified by the ratio
    "deadline_passed": (100.0, 20.0, "yellow", "gap", "moderately_improving", 200 / 3, 40.0, "2025-06", 80.0),
    # baseline 2025-05: only June is due and it is empty → grey; expected 100 · 1/12
    "no_data": (100 / 12, math.nan, "grey", "no_data", None, 100.0, math.nan, None, math.nan),
}


@pytest.fixture
def kpis_csv(tmp_path: Path) -> Path:
    path = tmp_path / "KPIS.csv"
    path.write_text(CSV, encoding="utf-8-sig")  # with a BOM, as Excel writes it
    return path


def same(a: object, b: object) -> bool:
    if b is None or (isinstance(b, float) and math.isnan(b)):
        return bool(pd.isna(a))  # no value: NaN in a float column, missing in a string column
    if isinstance(b, float):
        return a == pytest.approx(b, abs=1e-9)
    return a == b


def test_assess_file_by_hand(kpis_csv: Path) -> None:
    out = assess_file(kpis_csv, "2025-06")
    assert tuple(out.columns) == OUTPUT_COLUMNS
    assert out["kpi"].tolist() == list(EXPECTED)  # file order
    cols = ["expected", "progress_gap_pts", "light", "light_reason", "trend", "required_rate", "actual_rate"]
    cols += ["latest_period", "latest_value"]
    for row in out.itertuples(index=False):
        got = [getattr(row, c) for c in cols]
        want = EXPECTED[row.kpi]
        bad = [(c, g, w) for c, g, w in zip(cols, got, want, strict=True) if not same(g, w)]
        assert not bad, (row.kpi, bad)


def test_boundary_gaps_are_exact(kpis_csv: Path) -> None:
    out = assess_file(kpis_csv, "2025-06").set_index("kpi")
    assert out.at["yellow_10", "progress_gap_pts"] == 10.0 and out.at["yellow_30", "progress_gap_pts"] == 30.0
    assert out.at["ratio_half", "trend_ratio"] == 0.5 and out.at["ratio_one", "trend_ratio"] == 1.0


def test_batch_agrees_with_the_single_kpi_functions(kpis_csv: Path) -> None:
    rows = read_kpis(kpis_csv)
    out = assess_file(kpis_csv, "2025-06").set_index("kpi")
    for kpi, g in rows.groupby("kpi", sort=False):
        h = g.iloc[0]
        path = KpiPath(h.baseline, h.baseline_period, h.target, h.target_period, int(h.direction))
        reports = dict(zip(g["period"], g["value"], strict=True))
        light, trend = assess_light(path, reports, "2025-06"), assess_trend(path, reports, "2025-06")
        assert light.expected == pytest.approx(out.at[kpi, "expected"])
        assert str(light.light) == out.at[kpi, "light"] and light.reason == out.at[kpi, "light_reason"]
        if trend.trend is None:
            assert pd.isna(out.at[kpi, "trend"])
        else:
            assert str(trend.trend) == out.at[kpi, "trend"]


def test_dataframe_input_and_other_months(kpis_csv: Path) -> None:
    frame = pd.read_csv(kpis_csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert assess_file(frame, "2025-06").equals(assess_file(kpis_csv, "2025-06"))
    # at 2025-07 the yellow_10 row for July counts: expected 100 · 7/24 = 29.17, gap 29.17 − 90 < 0 → green
    july = assess_file(kpis_csv, "2025-07").set_index("kpi")
    assert july.at["yellow_10", "latest_value"] == 90.0 and july.at["yellow_10", "light"] == "green"
    # green_9: June 16 is the latest; gap 29.17 − 16 = 13.17 → yellow. At 2025-08 July and August are both
    # missing → red
    assert july.at["green_9", "light"] == "yellow"
    august = assess_file(kpis_csv, "2025-08").set_index("kpi")
    assert august.at["green_9", "light"] == "red" and august.at["green_9", "light_reason"] == "missed_reports"


def test_output_writes_as_csv(kpis_csv: Path, tmp_path: Path) -> None:
    out = assess_file(kpis_csv, "2025-06")
    target = tmp_path / "OUT.csv"
    out.to_csv(target, index=False, encoding="utf-8")
    back = pd.read_csv(target, keep_default_na=False, dtype=str).set_index("kpi")
    assert back.at["no_data", "trend"] == "" and back.at["no_data", "light"] == "grey"
    assert back.at["物流费用占比", "trend"] == "on_track"


# ----------------------------------------------------------------------------- bad input


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("rows", "line", "column", "words"),
    [
        ("a,2,2024-12,0,2026-12,100,2025-06,1", 2, "direction", "+1 或 −1"),
        (f"a,{STD},2025-06,abc", 2, "value", "not a number"),
        (f"a,{STD},2025-06,nan", 2, "value", "finite"),
        (f"a,{STD},2025Q2,1", 2, "period", "YYYY-MM"),
        ("a,+1,2024-12,,2026-12,100,2025-06,1", 2, "baseline", "must not be empty"),
        (f",{STD},2025-06,1", 2, "kpi", "must not be empty"),
        (f"a,{STD},2025-05,1\na,+1,2024-12,5,2026-12,100,2025-06,1", 3, "baseline", "line 2"),
        (f"a,{STD},2025-06,1\na,{STD},2025-6,2", 3, "period", "second row"),
        ("a,+1,2024-12,14.4,2026-12,13.5,2025-06,14", 2, "direction", "contradicts"),
        ("a,+1,2024-12,0,2024-12,100,2025-06,1", 2, "target_period", "after the baseline"),
        (f"a,{STD},2025-06", 2, "value", "fields"),
        (f"a,{STD},2025-05,1\n\n\nb,{STD},2025-06,x", 5, "value", "not a number"),  # blank lines counted
    ],
)
def test_errors_name_line_and_column(tmp_path: Path, rows: str, line: int, column: str, words: str) -> None:
    with pytest.raises(KpiFileError) as info:
        assess_file(write(tmp_path, f"{HEADER}\n{rows}\n"), "2025-06")
    err = info.value
    assert (err.line, err.column) == (line, column), str(err)
    assert f"第{line}行「{column}」列" in str(err) and f"Line {line}, column '{column}'" in str(err)
    assert words in str(err)


def test_missing_column_and_bad_as_of(tmp_path: Path) -> None:
    with pytest.raises(KpiFileError, match="missing columns \\['value'\\]"):
        assess_file(write(tmp_path, "kpi,direction,baseline_period,baseline,target_period,target,period\n"), "2025-06")
    with pytest.raises(KpiFileError, match="empty"):
        assess_file(write(tmp_path, ""), "2025-06")
    with pytest.raises(ValueError, match="as-of"):
        assess_file(write(tmp_path, f"{HEADER}\na,{STD},2025-06,1\n"), "2025Q2")


def test_dataframe_errors_use_csv_line_numbers() -> None:
    frame = pd.DataFrame(
        [["a", 1, "2024-12", 0, "2026-12", 100, "2025-05", 1.0], ["a", 1, "2024-12", 0, "2026-12", 100, "x", None]],
        columns=HEADER.split(","),
    )
    with pytest.raises(KpiFileError) as info:
        read_kpis(frame)
    assert (info.value.line, info.value.column) == (3, "period")
    assert read_kpis(frame.iloc[:1])["value"].tolist() == [1.0]
