"""What the cockpit computes for display: 同比/环比 conventions and 当月 ↔ 累计 filling."""

from __future__ import annotations

import pandas as pd
import pytest

from kaifang.cockpit.explorer import HEADLINE, change, growth_table
from kaifang.observations.basis import fill_from_other_basis
from kaifang.observations.query import PANEL_COLUMNS


def test_growth_of_amounts_is_in_percent_and_of_ratios_in_percentage_points():
    assert change(870.51, 829.06, "亿元") == pytest.approx((870.51 / 829.06 - 1) * 100)  # +5.0 %
    assert change(57.7, 57.1, "%") == pytest.approx(0.6)  # 提高 0.6 个百分点, not +1.05 %
    assert change(1.0, None, "%") is None


def test_month_on_month_is_blank_next_to_the_combined_january_february_release():
    rows = growth_table({"2024-01/02": 2.0, "2024-03": 1.1, "2024-04": 1.32, "2023-01/02": 1.6}, "亿元")
    by = {r["time_period"]: r for r in rows}
    assert by["2024-01/02"]["yoy"] == pytest.approx(25.0)  # 2.0 against 1.6
    assert by["2024-01/02"]["mom"] is None
    assert by["2024-03"]["mom"] is None  # March has no single-month predecessor
    assert by["2024-04"]["mom"] == pytest.approx(20.0)  # 1.32 against 1.10


def _panel(rows, basis):
    return pd.DataFrame(
        [("TRADE_TOTAL", "511900", p, basis, v, "亿元", "P", n) for n, (p, v) in enumerate(rows)],
        columns=PANEL_COLUMNS,
    )


def test_monthly_values_are_derived_from_year_to_date_only_where_they_are_missing():
    stored = _panel([("2024-04", 1.30)], "P")  # an officer typed April's 当月 directly
    ytd = _panel([("2024-02", 2.0), ("2024-03", 3.1), ("2024-04", 4.5), ("2024-06", 7.0)], "YTD")
    out = fill_from_other_basis(stored, ytd, "P").set_index("time_period")
    assert out.loc["2024-01/02", "obs_value"] == pytest.approx(2.0)  # the combined release is not split
    assert out.loc["2024-03", "obs_value"] == pytest.approx(1.1)
    assert out.loc["2024-04", "obs_value"] == pytest.approx(1.30)  # stored wins over 4.5 − 3.1 = 1.4
    assert out.loc["2024-04", "derived_from"] is None
    assert out.loc["2024-03", "derived_from"] == "YTD"
    assert "2024-06" not in out.index  # May is missing: June's 当月 cannot be derived
    assert "2024-05" not in out.index


def test_headline_cards_name_catalog_indicators(platform):
    from kaifang.catalog.models import Indicator

    assert set(HEADLINE) <= set(Indicator.objects.values_list("code", flat=True))
