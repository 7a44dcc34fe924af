"""Tests for the unit registry (kaifang.core.units) — pure Python, no Django."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaifang.core.units import (
    KINDS,
    UNITS,
    UnitError,
    conversion_factor,
    convert,
    get_unit,
    kind_dimensions,
    normalize_unit,
    same_kind,
    units_of_kind,
)

REQUIRED_SYMBOLS = [
    "元", "万元", "亿元", "美元", "万美元", "亿美元", "%", "‰", "个", "项", "家", "人", "万人", "人次",
    "万人次", "吨", "万吨", "亿吨公里", "列", "条", "座", "平方公里", "公顷", "万亩", "万千瓦", "亿千瓦时",
    "次", "天", "小时", "分", "指数",
]  # fmt: skip


@pytest.mark.parametrize("symbol", REQUIRED_SYMBOLS)
def test_required_symbols_are_registered_and_normalise_to_themselves(symbol: str) -> None:
    assert symbol in UNITS
    assert normalize_unit(symbol) == symbol
    assert UNITS[symbol].kind in KINDS


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("单位：万元", "万元"),
        ("单位:万元", "万元"),
        ("（亿元）", "亿元"),
        ("(万美元)", "万美元"),
        ("【单位：亿元】", "亿元"),
        ("（单位：万人）", "万人"),
        ("单位：（亿元）", "亿元"),
        ("  万元  ", "万元"),
        ("万 人 次", "万人次"),
        ("\u3000亿元\u3000", "亿元"),  # ideographic spaces
        ("％", "%"),  # full-width percent sign
        ("（％）", "%"),
        ("百分比", "%"),
        ("千分比", "‰"),
        ("亿元人民币", "亿元"),
        ("平方千米", "平方公里"),
        ("ｋｍ２", "平方公里"),  # full-width ASCII
        ("万ｋＷ", "万千瓦"),
        ("亿kWh", "亿千瓦时"),
        ("TEU", "标箱"),
        ("公斤", "千克"),
    ],
)
def test_normalize_unit_accepts_spreadsheet_labels(label: str, expected: str) -> None:
    assert normalize_unit(label) == expected


@pytest.mark.parametrize("label", ["万斤", "", "单位：", "亿元亿元", "percent of GDP", "元/吨"])
def test_unknown_label_raises_with_the_label_in_the_message(label: str) -> None:
    with pytest.raises(UnitError) as info:
        normalize_unit(label)
    assert repr(label) in str(info.value)


def test_non_text_label_raises_unit_error() -> None:
    with pytest.raises(UnitError):
        normalize_unit(None)  # type: ignore[arg-type]
    with pytest.raises(UnitError):
        normalize_unit(1.5)  # type: ignore[arg-type]


def test_unit_error_is_a_value_error() -> None:
    assert issubclass(UnitError, ValueError)


def test_hand_computed_money_conversions() -> None:
    # 12345 万元 = 123 450 000 元 = 1.2345 亿元
    assert convert(12345, "万元", "亿元") == pytest.approx(1.2345, rel=1e-12)
    # 700 万美元 = 7 000 000 美元 = 0.07 亿美元 (the report's 2024 FDI)
    assert convert(700, "万美元", "亿美元") == pytest.approx(0.07, rel=1e-12)
    assert convert(870.51, "亿元", "万元") == pytest.approx(8_705_100, rel=1e-12)
    assert convert(2.5, "亿元", "元") == pytest.approx(250_000_000)
    assert conversion_factor("万元", "亿元") == pytest.approx(1e-4, rel=1e-15)
    assert conversion_factor("亿元", "万元") == pytest.approx(1e4, rel=1e-15)
    assert conversion_factor("万美元", "亿美元") == pytest.approx(1e-4, rel=1e-15)
    assert conversion_factor("美元", "万美元") == pytest.approx(1e-4, rel=1e-15)


def test_hand_computed_other_conversions() -> None:
    assert convert(1, "平方公里", "公顷") == pytest.approx(100)  # 1 km² = 100 ha
    assert convert(1, "万亩", "公顷") == pytest.approx(10000 / 15)  # 1 亩 = 1/15 公顷
    assert convert(15, "万亩", "平方公里") == pytest.approx(100)  # 15 万亩 = 100 km²
    assert convert(3, "天", "小时") == pytest.approx(72)
    assert convert(5.5, "%", "‰") == pytest.approx(55)
    assert convert(16.51, "%", "倍") == pytest.approx(0.1651)
    assert convert(1.2, "万人", "人") == pytest.approx(12000)
    assert convert(350, "万人次", "亿人次") == pytest.approx(0.035)
    assert convert(2, "亿千瓦时", "万千瓦时") == pytest.approx(20000)
    assert convert(12, "亿吨公里", "万吨公里") == pytest.approx(120000)
    assert convert(3_000, "吨", "万吨") == pytest.approx(0.3)
    assert convert(12, "亿元/平方公里", "万元/平方公里") == pytest.approx(120000)


def test_convert_accepts_messy_labels_and_identity() -> None:
    assert convert(12345, "单位：万元", "（亿元）") == pytest.approx(1.2345)
    assert convert(42.0, "万元", "万元") == 42.0
    assert math.isnan(convert(math.nan, "万元", "亿元"))


def test_usd_to_cny_needs_an_exchange_rate() -> None:
    with pytest.raises(UnitError) as info:
        conversion_factor("万美元", "亿元")
    message = str(info.value)
    assert "万美元" in message and "亿元" in message
    assert "汇率" in message and "exchange rate" in message
    with pytest.raises(UnitError):
        convert(700, "万美元", "亿元")
    with pytest.raises(UnitError):
        convert(1, "亿元", "美元")


@pytest.mark.parametrize(
    ("a", "b"),
    [("个", "家"), ("项", "个"), ("人", "人次"), ("万人", "万人次"), ("分", "分钟"), ("%", "指数"),
     ("吨", "吨公里"), ("平方公里", "公里"), ("万千瓦", "亿千瓦时"), ("列", "条")],
)  # fmt: skip
def test_different_kinds_never_convert(a: str, b: str) -> None:
    assert not same_kind(a, b)
    with pytest.raises(UnitError) as info:
        conversion_factor(a, b)
    assert "different quantity kinds" in str(info.value)
    assert "量纲不同" in str(info.value)


def test_every_kind_has_a_base_unit_with_factor_one() -> None:
    for code, kind in KINDS.items():
        symbols = units_of_kind(code)
        assert symbols, code
        assert kind.base in UNITS, code
        assert UNITS[kind.base].kind == code
        assert UNITS[kind.base].factor == 1.0


def test_kind_helpers() -> None:
    assert get_unit("（万美元）").kind == "money_usd"
    assert kind_dimensions("ratio") == {}
    assert kind_dimensions("money_cny_per_person") == {"money_cny": 1, "persons": -1}
    assert units_of_kind("money_cny") == ["元", "千元", "万元", "百万元", "亿元"]
    with pytest.raises(UnitError):
        units_of_kind("nonsense")
    with pytest.raises(UnitError):
        kind_dimensions("nonsense")


def _same_kind_pairs() -> st.SearchStrategy[tuple[str, str]]:
    kinds = [k for k in KINDS if len(units_of_kind(k)) >= 2]
    return st.sampled_from(kinds).flatmap(
        lambda k: st.tuples(st.sampled_from(units_of_kind(k)), st.sampled_from(units_of_kind(k)))
    )


@given(
    pair=_same_kind_pairs(),
    value=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
)
def test_convert_round_trip_is_identity(pair: tuple[str, str], value: float) -> None:
    a, b = pair
    back = convert(convert(value, a, b), b, a)
    assert back == pytest.approx(value, rel=1e-9, abs=1e-9)


@given(pair=_same_kind_pairs())
def test_conversion_factors_are_reciprocal(pair: tuple[str, str]) -> None:
    a, b = pair
    assert conversion_factor(a, b) * conversion_factor(b, a) == pytest.approx(1.0, rel=1e-12)
