"""Periods and the 当月/累计 bridge (kaifang.core.periods) — pure, no Django.

Run: .venv/bin/pytest tests/test_periods.py -q -p no:django
"""

from __future__ import annotations

import math
from datetime import date

import pytest

from kaifang.core.periods import (
    Basis,
    Period,
    PeriodError,
    mom,
    months,
    parse_period,
    parse_ytd_label,
    period_to_ytd,
    previous,
    quarter_of,
    same_period_last_year,
    yoy,
    ytd_to_period,
)
from tests.conftest import assert_pure

M = Period.monthly
Q = Period.quarterly
JF = Period.jan_feb


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("2024", "2024"),
        ("2024年", "2024"),
        ("2024年度", "2024"),
        ("2024Q1", "2024Q1"),
        ("2024q3", "2024Q3"),
        ("2024-Q1", "2024Q1"),
        ("2024 Q2", "2024Q2"),
        ("2024年Q4", "2024Q4"),
        ("2024年一季度", "2024Q1"),
        ("2024年第1季度", "2024Q1"),
        ("2024年第三季度", "2024Q3"),
        ("2024年4季度", "2024Q4"),
        ("2024B", "2024Q2"),
        ("2024-03", "2024-03"),
        ("2024-3", "2024-03"),
        ("2024M03", "2024-03"),
        ("2024M3", "2024-03"),
        ("2024年3月", "2024-03"),
        ("2024年03月", "2024-03"),
        ("2024年3月份", "2024-03"),
        ("2024年十二月", "2024-12"),
        ("2024.03", "2024-03"),
        ("2024.10", "2024-10"),
        ("2024/11", "2024-11"),
        ("202403", "2024-03"),
        ("2024年1-2月", "2024-01/02"),
        ("2024年1—2月", "2024-01/02"),
        ("2024年1–2月", "2024-01/02"),
        ("2024年1~2月", "2024-01/02"),
        ("2024年1至2月", "2024-01/02"),
        ("2024年01-02月", "2024-01/02"),
        ("2024-01/02", "2024-01/02"),
        ("２０２４年３月", "2024-03"),
        ("２０２４Ｑ１", "2024Q1"),
        ("２０２４年１－２月", "2024-01/02"),
        ("\u30002024-03 ", "2024-03"),
    ],
)
def test_parse_to_canonical(text: str, canonical: str) -> None:
    p = parse_period(text)
    assert str(p) == canonical
    assert parse_period(str(p)) == p  # canonical strings round-trip


@pytest.mark.parametrize(
    "text",
    ["", "   ", "2024-13", "2024-0", "2024Q5", "24", "2024-01-02", "二〇二四年", "March 2024", "2024年1-5月"],
)
def test_parse_errors_name_the_text(text: str) -> None:
    with pytest.raises(PeriodError) as exc:
        parse_period(text)
    assert repr(text) in str(exc.value)
    assert exc.value.text == text
    assert isinstance(exc.value, ValueError)


def test_ytd_range_is_not_a_period_but_a_ytd_label() -> None:
    with pytest.raises(PeriodError, match="累计"):
        parse_period("2024年1-5月")
    assert parse_ytd_label("2024年1-5月") == M(2024, 5)
    assert parse_ytd_label("2024年1—12月") == M(2024, 12)
    assert parse_ytd_label("2024年1-2月") == M(2024, 2)
    assert parse_ytd_label("2024-01/02") == M(2024, 2)
    assert parse_ytd_label("2024年3月") == M(2024, 3)
    assert parse_ytd_label("2024年前三季度") == Q(2024, 3)
    assert parse_ytd_label("2024年1-3季度") == Q(2024, 3)
    assert parse_ytd_label("2024年上半年") == Q(2024, 2)
    with pytest.raises(PeriodError):
        parse_ytd_label("2024年3-5月")
    with pytest.raises(PeriodError):
        parse_ytd_label("2024")


def test_start_end_and_leap_year() -> None:
    jf = parse_period("2024-01/02")
    assert (jf.start, jf.end) == (date(2024, 1, 1), date(2024, 2, 29))  # 2024 is a leap year
    assert JF(2023).end == date(2023, 2, 28)
    assert JF(1900).end == date(1900, 2, 28)  # century, not a leap year
    assert JF(2000).end == date(2000, 2, 29)
    assert (Q(2024, 1).start, Q(2024, 1).end) == (date(2024, 1, 1), date(2024, 3, 31))
    assert Q(2024, 3).end == date(2024, 9, 30)
    assert (Period.annual(2024).start, Period.annual(2024).end) == (date(2024, 1, 1), date(2024, 12, 31))
    assert M(2024, 4).end == date(2024, 4, 30)


def test_properties_and_labels() -> None:
    assert parse_period("2024").frequency == "Y"
    assert parse_period("2024Q2").frequency == "Q"
    assert parse_period("2024-01/02").frequency == "M"
    assert JF(2024).is_combined and not M(2024, 1).is_combined
    assert [p.label_zh for p in (Period.annual(2024), Q(2024, 1), M(2024, 3), JF(2024))] == [
        "2024年",
        "2024年一季度",
        "2024年3月",
        "2024年1-2月",
    ]
    assert Basis.PERIOD == "P" and Basis.YTD == "YTD"


def test_invalid_fields_are_refused() -> None:
    for args in [
        (2024, "M", 2, 3),
        (2024, "Q", 2, 4),
        (2024, "Y", 1, 6),
        (2024, "W", 1, 1),
        (2024, "M", 13, 13),
    ]:
        with pytest.raises(PeriodError):
            Period(*args)


def test_order_is_chronological_within_a_frequency() -> None:
    ps = [M(2024, 3), M(2023, 12), JF(2024), M(2024, 12)]
    assert [str(p) for p in sorted(ps)] == ["2023-12", "2024-01/02", "2024-03", "2024-12"]
    assert sorted([Q(2024, 2), Q(2023, 4), Q(2024, 1)]) == [Q(2023, 4), Q(2024, 1), Q(2024, 2)]


def test_previous_and_same_period_last_year() -> None:
    assert previous(M(2024, 3)) == M(2024, 2)
    assert previous(M(2024, 2)) == M(2024, 1)
    assert previous(M(2024, 1)) == M(2023, 12)
    assert previous(JF(2024)) == M(2023, 12)
    assert previous(Q(2024, 1)) == Q(2023, 4)
    assert previous(Q(2024, 3)) == Q(2024, 2)
    assert previous(Period.annual(2024)) == Period.annual(2023)
    assert same_period_last_year(JF(2024)) == JF(2023)
    assert same_period_last_year(M(2024, 3)) == M(2023, 3)
    assert same_period_last_year(Q(2024, 4)) == Q(2023, 4)
    assert same_period_last_year(Period.annual(2024)) == Period.annual(2023)


def test_months_and_quarter_of() -> None:
    assert months(JF(2024)) == [1, 2]
    assert months(Q(2024, 2)) == [4, 5, 6]
    assert months(Period.annual(2024)) == list(range(1, 13))
    assert months(M(2024, 7)) == [7]
    assert [quarter_of(p) for p in (JF(2024), M(2024, 3), M(2024, 4), M(2024, 12), Q(2024, 3))] == [
        1,
        1,
        2,
        4,
        3,
    ]
    with pytest.raises(PeriodError):
        quarter_of(Period.annual(2024))


def test_ytd_to_period_combined_jan_feb_and_a_gap() -> None:
    # A hand-made year: no January release (1–2月 published together), no May release.
    ytd = {M(2024, 2): 200.0, M(2024, 3): 330.0, M(2024, 4): 480.0, M(2024, 6): 800.0, M(2024, 7): 950.0}
    got = ytd_to_period(ytd)
    assert got == {JF(2024): 200.0, M(2024, 3): 130.0, M(2024, 4): 150.0, M(2024, 7): 150.0}
    assert M(2024, 6) not in got  # YTD(May) missing: June is not derived across the gap
    assert M(2024, 1) not in got and M(2024, 2) not in got  # no invented split of 1–2月
    assert list(got) == sorted(got)


def test_ytd_to_period_with_january_and_combined_key() -> None:
    assert ytd_to_period({M(2024, 1): 90.0, M(2024, 2): 200.0}) == {M(2024, 1): 90.0, M(2024, 2): 110.0}
    # the 1–2月累计 keyed by the combined period means YTD at February
    assert ytd_to_period({JF(2024): 200.0, M(2024, 3): 330.0}) == {JF(2024): 200.0, M(2024, 3): 130.0}
    with pytest.raises(PeriodError):
        ytd_to_period({JF(2024): 200.0, M(2024, 2): 201.0})


def test_ytd_to_period_quarterly_and_years_kept_apart() -> None:
    ytd = {Q(2024, 1): 100.0, Q(2024, 2): 250.0, Q(2024, 4): 600.0, Q(2025, 1): 120.0}
    assert ytd_to_period(ytd) == {Q(2024, 1): 100.0, Q(2024, 2): 150.0, Q(2025, 1): 120.0}
    # December 2023 never feeds January 2024
    assert ytd_to_period({M(2023, 12): 1000.0, M(2024, 1): 80.0}) == {M(2024, 1): 80.0}


def test_ytd_missing_values_and_annual_refused() -> None:
    assert ytd_to_period({M(2024, 1): 10.0, M(2024, 2): float("nan"), M(2024, 3): 40.0}) == {M(2024, 1): 10.0}
    assert ytd_to_period({M(2024, 1): None, M(2024, 2): 30.0}) == {JF(2024): 30.0}  # type: ignore[dict-item]
    with pytest.raises(PeriodError):
        ytd_to_period({Period.annual(2024): 1.0})
    with pytest.raises(PeriodError):
        period_to_ytd({Period.annual(2024): 1.0})


def test_period_to_ytd() -> None:
    assert period_to_ytd({M(2024, 1): 10.0, M(2024, 2): 20.0, M(2024, 4): 40.0}) == {
        M(2024, 1): 10.0,
        M(2024, 2): 30.0,
    }  # March missing: no YTD for April
    assert period_to_ytd({JF(2024): 50.0, M(2024, 3): 30.0}) == {M(2024, 2): 50.0, M(2024, 3): 80.0}
    assert period_to_ytd({M(2024, 2): 20.0, M(2024, 3): 30.0}) == {}  # January missing
    assert period_to_ytd({Q(2024, 1): 100.0, Q(2024, 2): 150.0, Q(2024, 4): 1.0}) == {
        Q(2024, 1): 100.0,
        Q(2024, 2): 250.0,
    }
    with pytest.raises(PeriodError, match="counted twice"):
        period_to_ytd({M(2024, 1): 10.0, JF(2024): 30.0})


@pytest.mark.parametrize(
    "monthly",
    [
        {M(2024, 1): 10.0, M(2024, 2): 20.0, M(2024, 3): 30.0},
        {JF(2024): 50.0, M(2024, 3): 30.0, M(2024, 4): 45.5},
        {**{M(2023, m): float(m) for m in range(1, 13)}, JF(2024): 7.0},
    ],
)
def test_round_trip_monthly_ytd_monthly(monthly: dict[Period, float]) -> None:
    assert ytd_to_period(period_to_ytd(monthly)) == pytest.approx(monthly)


def test_round_trip_stops_at_a_gap() -> None:
    monthly = {JF(2024): 50.0, M(2024, 3): 30.0, M(2024, 5): 40.0}
    assert ytd_to_period(period_to_ytd(monthly)) == {JF(2024): 50.0, M(2024, 3): 30.0}


def test_string_keys_are_parsed() -> None:
    assert ytd_to_period({"2024年1-2月": 200.0, "2024-03": 330.0}) == {  # type: ignore[dict-item]
        JF(2024): 200.0,
        M(2024, 3): 130.0,
    }


def test_growth_rates_hand_computed() -> None:
    assert yoy(110, 100) == 10.0
    assert yoy(90, 120) == -25.0
    assert mom(105, 100) == 5.0
    assert mom(100, 125) == -20.0
    # Bazhong GDP (亿元): 2020 766.99 vs 2019 754.29 → (766.99 − 754.29) / 754.29 × 100 = 1.68370...
    assert yoy(766.99, 754.29) == pytest.approx(12.70 / 754.29 * 100)
    assert yoy(766.99, 754.29) == pytest.approx(1.6837, abs=1e-4)
    for curr, prev in [(5, 0), (5, None), (None, 5), (5, float("nan")), (float("nan"), 5), (5, -2)]:
        assert yoy(curr, prev) is None
        assert mom(curr, prev) is None
    assert not math.isnan(yoy(0, 5) or 0.0) and yoy(0, 5) == -100.0


def test_module_does_not_import_django() -> None:
    assert_pure("kaifang.core.periods")
