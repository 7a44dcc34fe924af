"""Tests for the plausibility warnings (kaifang.collection.plausibility) — pure, no Django.

Every expected number is computed by hand in the comment beside it; the real-data test reads the
province panel from ``../shared/data/province-panel`` and skips when it is absent.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
import pytest

from kaifang.collection.plausibility import Partition, Warning, check
from tests.conftest import assert_pure, shared_data


@pytest.fixture(autouse=True)
def _fast_password_hashing() -> None:
    """Overrides conftest's autouse fixture, which needs pytest-django: this module runs with ``-p no:django``."""


EMPTY = pd.DataFrame(columns=["indicator", "ref_area", "time_period", "basis", "obs_value"])
UNITS = {"GDP": "亿元", "SHARE": "%", "RATE": "‰", "TRADE": "万美元", "EXPORT": "万美元", "IMPORT": "万美元"}


def frame(rows: Sequence[tuple[str, str, str, float | None]], *, basis: str = "P", first_row: int = 1) -> pd.DataFrame:
    """Long rows (indicator, ref_area, time_period, obs_value), labelled from ``first_row`` like file rows."""
    df = pd.DataFrame(rows, columns=["indicator", "ref_area", "time_period", "obs_value"])
    df["basis"] = basis
    df.index = range(first_row, first_row + len(df))
    return df


def series(code: str, area: str, values: dict[str, float]) -> pd.DataFrame:
    return frame([(code, area, period, v) for period, v in values.items()])


def kinds(warnings: list[Warning]) -> list[tuple[object, str]]:
    return [(w.row, w.kind) for w in warnings]


# ------------------------------------------------------------------------------------ 同比 / 环比


def test_yoy_amount_beyond_bound() -> None:
    sub = frame([("GDP", "511900", "2024", 312.4)], first_row=7)
    hist = frame([("GDP", "511900", "2023", 100.0)])
    [w] = check(sub, hist, units=UNITS)
    # (312.4 − 100) / 100 = +212.4% > 50%
    assert (w.row, w.column, w.kind, w.value, w.expected) == (7, "obs_value", "yoy", 312.4, 100.0)
    assert w.message.startswith("同比 +212.4%，超出 ±50% 的合理范围（上年 100 → 本期 312.4）")
    assert "(year-on-year change +212.4% beyond ±50%)" in w.message
    assert str(w).startswith("第7行 obs_value: 同比 +212.4%")


def test_yoy_message_numbers() -> None:
    sub = frame([("GDP", "511900", "2024", 4.21)])
    [w] = check(sub, frame([("GDP", "511900", "2023", 1.02)]), units=UNITS)
    # (4.21 − 1.02) / 1.02 = 3.19 / 1.02 = +312.745…%
    assert "同比 +312.7%，超出 ±50% 的合理范围（上年 1.02 → 本期 4.21）" in w.message


def test_per_indicator_bound_and_within_bound() -> None:
    sub = frame([("GDP", "511900", "2024", 312.4)])
    hist = frame([("GDP", "511900", "2023", 100.0)])
    assert check(sub, hist, units=UNITS, bounds={"GDP": 250}) == []  # +212.4% within ±250%
    assert check(sub, hist, units=UNITS, default_pct=212.4) == []  # the bound itself is allowed
    [w] = check(sub, hist, units=UNITS, bounds={"GDP": 200})
    assert "超出 ±200% 的合理范围" in w.message


def test_ratio_in_percentage_points() -> None:
    hist = frame([("SHARE", "511900", "2023", 57.1)])
    # 57.1% → 57.7% is +0.6 pp (a relative +1.05%): not flagged, even at a 1 pp bound
    assert check(frame([("SHARE", "511900", "2024", 57.7)]), hist, units=UNITS) == []
    assert check(frame([("SHARE", "511900", "2024", 57.7)]), hist, units=UNITS, bounds={"SHARE": 1}) == []
    # 57.1% → 63.3% is +6.2 pp > 5 pp
    [w] = check(frame([("SHARE", "511900", "2024", 63.3)]), hist, units=UNITS)
    assert w.kind == "yoy"
    assert w.message.startswith("同比 +6.2 个百分点，超出 ±5 个百分点的合理范围（上年 57.1 → 本期 63.3）")
    assert "(year-on-year change +6.2 pp beyond ±5 pp)" in w.message


def test_per_mille_in_percentage_points() -> None:
    hist = frame([("RATE", "511900", "2023", 10.0)])
    assert check(frame([("RATE", "511900", "2024", 40.0)]), hist, units=UNITS) == []  # 30‰ = 3 pp
    [w] = check(frame([("RATE", "511900", "2024", 70.0)]), hist, units=UNITS)  # 60‰ = 6 pp > 5 pp
    assert "同比 +6.0 个百分点" in w.message


def test_unit_labels_are_normalised() -> None:
    hist = frame([("SHARE", "511900", "2023", 57.1)])
    assert check(frame([("SHARE", "511900", "2024", 57.7)]), hist, units={"SHARE": "百分比"}) == []


def test_mom_monthly_and_bases() -> None:
    hist = series("GDP", "511900", {"2023-12": 10.0, "2024-01": 10.0, "2024-02": 16.0})
    sub = frame([("GDP", "511900", "2024-03", 40.0)], first_row=3)
    # 环比 (40 − 16) / 16 = +150%; no 2023-03 for 同比
    [w] = check(sub, hist, units=UNITS)
    assert (w.kind, w.expected) == ("mom", 16.0)
    assert w.message.startswith("环比 +150.0%，超出 ±50% 的合理范围（上期 16 → 本期 40）")
    assert "(period-on-period change +150.0% beyond ±50%)" in w.message
    assert check(sub, hist, units=UNITS, mom_bounds={"GDP": 200}) == []
    assert check(sub, hist, units=UNITS, bounds={"GDP": 200}) == []  # mom_bounds default to bounds


def test_no_mom_next_to_combined_january_february() -> None:
    hist = series("GDP", "511900", {"2023-11": 10.0, "2023-12": 10.0, "2024-01/02": 30.0})
    # 2024-01/02 (two months) against 2023-12 (one) would read +200%: not computed
    assert check(frame([("GDP", "511900", "2024-01/02", 30.0)]), hist.iloc[:2], units=UNITS) == []
    # 2024-03 after a 1–2月-only release: its previous month 2024-02 does not exist
    assert check(frame([("GDP", "511900", "2024-03", 5.0)]), hist, units=UNITS) == []
    # the same 2024-03 after a real February is compared: (5 − 30) / 30 = −83.3%
    real_feb = series("GDP", "511900", {"2024-02": 30.0})
    [w] = check(frame([("GDP", "511900", "2024-03", 5.0)]), real_feb, units=UNITS)
    assert w.kind == "mom" and "环比 -83.3%" in w.message


def test_yoy_of_combined_period_against_last_years_combined() -> None:
    hist = series("GDP", "511900", {"2023-01/02": 20.0})
    [w] = check(frame([("GDP", "511900", "2024-01/02", 50.0)]), hist, units=UNITS)
    assert w.kind == "yoy" and "（上年 20 → 本期 50）" in w.message  # +150%


def test_no_mom_on_ytd_values() -> None:
    hist = frame([("GDP", "511900", "2024-02", 20.0)], basis="YTD")
    # 1–3月累计 60 against 1–2月累计 20 is accumulation, not a +200% change
    assert check(frame([("GDP", "511900", "2024-03", 60.0)], basis="YTD"), hist, units=UNITS) == []
    # 累计同比 is computed: 1–3月 2023 30 → 2024 60 = +100%
    last_year = frame([("GDP", "511900", "2023-03", 30.0)], basis="YTD")
    [w] = check(frame([("GDP", "511900", "2024-03", 60.0)], basis="YTD"), last_year, units=UNITS)
    assert w.kind == "yoy"
    # a 当月 base never serves a 累计 value
    assert check(frame([("GDP", "511900", "2024-03", 60.0)], basis="YTD"), hist.assign(basis="P"), units=UNITS) == []


def test_no_mom_for_annual_and_quarterly_mom() -> None:
    hist = series("GDP", "511900", {"2023": 100.0})
    assert kinds(check(frame([("GDP", "511900", "2024", 200.0)]), hist, units=UNITS)) == [(1, "yoy")]
    hist = series("GDP", "511900", {"2023Q4": 100.0})
    [w] = check(frame([("GDP", "511900", "2024Q1", 40.0)]), hist, units=UNITS)  # −60% against 2023Q4
    assert w.kind == "mom" and "环比 -60.0%" in w.message


def test_base_zero_or_negative_and_missing_values_are_skipped() -> None:
    hist = frame([("GDP", "511900", "2023", 0.0), ("GDP", "511901", "2023", -5.0), ("GDP", "511902", "2023", 100.0)])
    sub = frame([("GDP", "511900", "2024", 10.0), ("GDP", "511901", "2024", 3.0), ("GDP", "511902", "2024", None)])
    assert check(sub, hist, units=UNITS) == []


def test_submission_cells_are_bases_and_override_history() -> None:
    hist = series("GDP", "511900", {"2023": 100.0})
    # the submission revises 2023 to 300 and adds 2024 = 310: 同比 +3.3%, but 2023's revision is +0 vs nothing
    sub = frame([("GDP", "511900", "2023", 300.0), ("GDP", "511900", "2024", 310.0)])
    assert check(sub, hist, units=UNITS) == []
    # without the revision, 2024 = 310 against the stored 100 is +210%
    assert kinds(check(sub.iloc[1:], hist, units=UNITS)) == [(2, "yoy")]


def test_unparseable_periods_are_left_to_validate() -> None:
    sub = frame([("GDP", "511900", "去年", 1.0), ("GDP", "511900", "2024", 312.4)])
    assert kinds(check(sub, series("GDP", "511900", {"2023": 100.0}), units=UNITS)) == [(2, "yoy")]


def test_warnings_come_in_row_order() -> None:
    hist = series("GDP", "511900", {"2023": 100.0}).assign(ref_area=["A"])
    hist = pd.concat([hist, hist.assign(ref_area="B")])
    sub = frame([("GDP", "B", "2024", 400.0), ("GDP", "A", "2024", 300.0)], first_row=20)
    assert kinds(check(sub, hist, units=UNITS)) == [(20, "yoy"), (21, "yoy")]


# ------------------------------------------------------------------------------------ 合计 ≠ Σ parts


def test_total_not_matching_its_parts() -> None:
    sub = frame([("GDP", "511900", "2024", 10.9), ("GDP", "511902", "2024", 8.1), ("GDP", "511921", "2024", 2.0)])
    [w] = check(sub, EMPTY, units=UNITS, partitions=[(1, [2, 3])])
    # 8.1 + 2.0 = 10.1; gap 0.8 > 0.5% × 10.9 = 0.0545
    assert (w.row, w.kind, w.value, w.expected) == (1, "sum", 10.9, pytest.approx(10.1))
    assert w.message.startswith("合计 10.9 与分项之和 10.1（8.1 + 2）相差 0.8，超出 0.5% 的容差")
    assert "(total 10.9 ≠ sum of parts 10.1: gap 0.8 beyond 0.5%)" in w.message
    # within a 10% tolerance (1.09), or 1.0 absolute: no warning
    assert check(sub, EMPTY, units=UNITS, partitions=[(1, [2, 3])], sum_tolerance=0.1) == []
    assert check(sub, EMPTY, units=UNITS, partitions=[(1, [2, 3])], sum_abs_tolerance=1.0) == []


def test_rounding_inside_tolerance_and_trade_identity() -> None:
    rows = [
        ("TRADE", "511900", "2024", 742.51),
        ("EXPORT", "511900", "2024", 500.0),
        ("IMPORT", "511900", "2024", 242.0),
    ]
    sub = frame(rows)
    # 进出口 = 出口 + 进口: gap 0.51 < 0.5% × 742.51 = 3.71
    assert check(sub, EMPTY, units=UNITS, partitions=[Partition(1, (2, 3))]) == []
    sub.loc[3, "obs_value"] = 224.0  # a transposed digit: gap 18.51
    [w] = check(sub, EMPTY, units=UNITS, partitions=[Partition(1, (2, 3))])
    assert "相差 18.51" in w.message


def test_qizhong_items_and_missing_parts_are_not_checked() -> None:
    sub = frame([("GDP", "511900", "2024", 10.9), ("GDP", "511902", "2024", 8.1), ("GDP", "511921", "2024", None)])
    # 其中 items (complete=False) cover part of the total
    assert check(sub, EMPTY, units=UNITS, partitions=[(1, [2], False)]) == []
    # a blank part: the sum is unknown, not 8.1
    assert check(sub, EMPTY, units=UNITS, partitions=[(1, [2, 3])]) == []
    # a label that is not a row of the submission
    assert check(sub, EMPTY, units=UNITS, partitions=[(1, [2, 99])]) == []


def test_many_parts_are_abbreviated() -> None:
    sub = frame([("GDP", "total", "2024", 100.0)] + [("GDP", f"p{i}", "2024", 1.0) for i in range(8)])
    [w] = check(sub, EMPTY, units=UNITS, partitions=[(1, list(range(2, 10)))])
    assert "（1 + 1 + 1 + 1 + 1 + 1 + …（共 8 项））相差 92" in w.message


# ------------------------------------------------------------------------------------ history and peers


def share_series(area: str, levels: list[float], first_year: int = 2014) -> pd.DataFrame:
    return series("SHARE", area, {str(first_year + i): v for i, v in enumerate(levels)})


def test_history_outlier_with_mad() -> None:
    # 2014–2023 levels: changes +1 +2 +1 +3 +2 +1 +2 +2 +1 pp; 2024 = 76 is +11 pp
    hist = share_series("511900", [50, 51, 53, 54, 57, 59, 60, 62, 64, 65])
    sub = frame([("SHARE", "511900", "2024", 76.0)], first_row=5)
    # changes sorted 1 1 1 1 2 2 2 2 3 11: median 2; |d − 2| sorted 0 0 0 0 1 1 1 1 1 9: MAD 1
    # z = (11 − 2) / (1.4826 × 1) = 6.07 > 5; expected 65 + 2 = 67
    warnings = check(sub, hist, units=UNITS, bounds={"SHARE": 20})
    [w] = warnings
    assert (w.row, w.kind, w.value, w.expected) == (5, "history", 76.0, pytest.approx(67.0))
    assert "同比 +11.0 个百分点（上年 65 → 本期 76），远离本地区历史（9 个同比）的中位数 +2.0 个百分点" in w.message
    assert "稳健 z = +6.1，超出 ±5，按中位数约为 67" in w.message
    assert "(far outside the region's own history" in w.message
    assert check(sub, hist, units=UNITS, bounds={"SHARE": 20}, z_history=6.1) == []
    assert check(sub, hist, units=UNITS, bounds={"SHARE": 20}, min_history=10) == []  # 9 other changes
    # 2024 = 74 (+9 pp): z = 7 / 1.4826 = 4.72, not flagged
    assert check(frame([("SHARE", "511900", "2024", 74.0)]), hist, units=UNITS, bounds={"SHARE": 20}) == []


def test_history_outlier_on_log_changes() -> None:
    # five +10% years, four +20% years, then ×3
    levels = [100.0]
    for ratio in [1.1] * 5 + [1.2] * 4:
        levels.append(levels[-1] * ratio)
    hist = series("GDP", "511900", {str(2014 + i): v for i, v in enumerate(levels)})
    sub = frame([("GDP", "511900", "2024", levels[-1] * 3)])
    med = (math.log(1.1) + math.log(1.2)) / 2  # 5th and 6th of ten sorted log changes
    mad = math.log(1.2) - med  # nine deviations of 0.0435 and one of 0.96
    z = (math.log(3) - med) / (1.4826 * mad)  # 14.9
    [yoy, w] = check(sub, hist, units=UNITS)
    assert yoy.kind == "yoy" and w.kind == "history"
    assert f"稳健 z = +{z:.1f}" in w.message and f"中位数 +{(math.exp(med) - 1) * 100:.1f}%" in w.message
    assert w.expected == pytest.approx(levels[-1] * math.exp(med))


def test_history_mad_zero_falls_back_to_mean_deviation() -> None:
    # nine changes of +1 pp and one of +6: MAD 0, mean |d − 1| = 5 / 10 = 0.5
    # z = 5 / (1.2533 × 0.5) = 7.98
    hist = share_series("511900", [50 + i for i in range(10)])
    [w] = check(frame([("SHARE", "511900", "2024", 65.0)]), hist, units=UNITS, bounds={"SHARE": 20})
    assert w.kind == "history" and "稳健 z = +8.0" in w.message


def test_flat_series_uses_the_scale_floor() -> None:
    # a rate stuck at 3.7 then 3.6: MAD 0, mean-AD 0.01, the 0.1 pp floor makes z = −1
    hist = share_series("511900", [3.7] * 10)
    assert check(frame([("SHARE", "511900", "2024", 3.6)]), hist, units=UNITS) == []
    [w] = check(frame([("SHARE", "511900", "2024", 3.0)]), hist, units=UNITS)  # −0.7 pp: z = −7
    assert w.kind == "history" and "稳健 z = -7.0" in w.message


def test_short_history_is_not_judged() -> None:
    hist = share_series("511900", [50, 51, 53, 54, 57])  # four changes
    assert check(frame([("SHARE", "511900", "2019", 80.0)]), hist, units=UNITS, bounds={"SHARE": 50}) == []


def test_peer_outlier() -> None:
    # ten regions, 2023 → 2024 changes in pp: 1 1 2 2 2 1 2 1 2 and +8
    changes = [1, 1, 2, 2, 2, 1, 2, 1, 2, 8]
    hist = pd.concat([frame([("SHARE", f"r{i}", "2023", 40.0)]) for i in range(10)])
    sub = frame([("SHARE", f"r{i}", "2024", 40.0 + c) for i, c in enumerate(changes)], first_row=2)
    # sorted 1 1 1 1 2 2 2 2 2 8: median 2; deviations sorted 0 0 0 0 0 1 1 1 1 6: MAD 0.5
    # z = 6 / (1.4826 × 0.5) = 8.09
    [w] = check(sub, hist, units=UNITS, bounds={"SHARE": 20})
    assert (w.row, w.kind, w.expected) == (11, "peers", pytest.approx(42.0))
    assert "远离同期其他 9 个地区的中位数 +2.0 个百分点：稳健 z = +8.1" in w.message
    assert "(far outside its peers in the same period" in w.message
    # two peer groups of five: too few peers
    groups = {f"r{i}": i % 2 for i in range(10)}
    assert check(sub, hist, units=UNITS, bounds={"SHARE": 20}, peer_groups=groups) == []
    assert check(sub, hist, units=UNITS, bounds={"SHARE": 20}, min_peers=10) == []


# ------------------------------------------------------------------------------------ purity and scale


def test_module_does_not_import_django() -> None:
    assert_pure("kaifang.collection.plausibility")


def test_a_larger_panel_runs_vectorised() -> None:
    # 20 indicators × 50 regions × 60 months = 60,000 rows of smooth growth: nothing to warn about
    idx = pd.MultiIndex.from_product(
        [[f"I{i}" for i in range(20)], [f"R{r}" for r in range(50)], range(60)], names=["indicator", "ref_area", "t"]
    )
    df = idx.to_frame(index=False)
    df["time_period"] = [f"{2019 + t // 12}-{t % 12 + 1:02d}" for t in df["t"]]
    df["obs_value"] = 100 * 1.005 ** df["t"] * (1 + 0.001 * (df.index % 7))
    df["basis"] = "P"
    assert check(df.drop(columns="t"), EMPTY, units={}) == []


# ------------------------------------------------------------------------------------ real data


def load_province_panel(code_name: str) -> tuple[pd.DataFrame, str, str]:
    """One indicator of the province panel as long rows; (rows, code, unit) found by name in the dictionary."""
    folder = shared_data("province-panel")
    raw = pd.read_excel(folder / "cnmoderndata_province_2000_2023_raw.xlsx", engine="openpyxl")
    dictionary = pd.read_excel(folder / "cnmoderndata_indicator_dictionary.xlsx", engine="openpyxl")
    entry = dictionary[dictionary["基础指标"].fillna("").str.contains(code_name)]
    assert len(entry) == 1, entry
    code, unit = entry["指标代码"].iloc[0], entry["单位"].iloc[0]
    rows = raw[["省份", "时间", code]].dropna().rename(columns={"省份": "ref_area", code: "obs_value"})
    rows = rows.assign(indicator=code, time_period=rows.pop("时间").astype(str), basis="P").reset_index(drop=True)
    return rows, code, unit


def test_province_panel_flags_sichuan_exports_per_capita_2021() -> None:
    rows, code, unit = load_province_panel("人均境内货源地出口")
    assert (code, unit, len(rows)) == ("E8", "美元/人", 713)  # 31 provinces × 2000–2022 (2023 empty)
    # Trade per capita of a province more than doubling in a year is rare (5 of 682 changes; the 99th
    # percentile of |同比| is 90%), so its bound is 100%; z and min points are the defaults.
    warnings = check(rows, EMPTY, units={code: unit}, bounds={code: 100})
    cells = {(rows.at[w.row, "ref_area"], rows.at[w.row, "time_period"], w.kind) for w in warnings}
    assert ("四川", "2021", "history") in cells and ("四川", "2021", "peers") in cells
    # −92.5% is within ±100%; the history and peer checks carry it
    assert ("四川", "2021", "yoy") not in cells
    sichuan_2021 = rows.index[(rows["ref_area"] == "四川") & (rows["time_period"] == "2021")]
    [history] = [w for w in warnings if w.kind == "history" and w.row in sichuan_2021]
    assert "同比 -92.5%（上年 786.586 → 本期 58.6507）" in history.message and "稳健 z = -16.3" in history.message
    # 21 warnings on 14 of 713 cells, 2022 included: its base is the wrong 2021 value (+1716.8%)
    assert len(warnings) == 21 and len({w.row for w in warnings}) == 14
    assert {(a, t) for a, t, k in cells if a == "四川"} == {("四川", "2021"), ("四川", "2022")}


def test_province_panel_2021_as_a_new_submission() -> None:
    rows, code, unit = load_province_panel("人均境内货源地出口")
    history, submission = rows[rows["time_period"] < "2021"], rows[rows["time_period"] == "2021"]
    warnings = check(submission, history, units={code: unit}, bounds={code: 100})
    # of the 31 provinces' 2021 values only Sichuan's is questioned, by both checks
    assert {(submission.at[w.row, "ref_area"], w.kind) for w in warnings} == {("四川", "history"), ("四川", "peers")}
