"""Tests for derived-indicator formulas (kaifang.catalog.formula) — pure Python, no Django."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaifang.catalog.formula import (
    Formula,
    FormulaCycleError,
    FormulaError,
    FormulaUnitError,
    UnknownNameError,
    check_units,
    dependency_order,
    evaluate,
    find_cycle,
    find_cycles,
    parse,
)


def test_parse_keeps_source_and_collects_names() -> None:
    f = parse("TRADE_TOTAL / GDP * 100")
    assert isinstance(f, Formula)
    assert f.source == "TRADE_TOTAL / GDP * 100"
    assert f.names == frozenset({"TRADE_TOTAL", "GDP"})
    assert parse("100").names == frozenset()
    assert parse("(A + B) - A").names == frozenset({"A", "B"})


def test_trade_dependence_hand_checked() -> None:
    # 10.9 / 870.51 = 0.012521... ; 870.51 * 0.0125 = 10.881375, remainder 0.018625 / 870.51 = 0.0000214
    # so 外贸依存度 = 1.2521 % (2024, from the report's figures)
    values = {"TRADE_TOTAL": 10.9, "GDP": 870.51}
    assert evaluate("TRADE_TOTAL / GDP * 100", values) == pytest.approx(1.2521, abs=5e-5)
    assert evaluate(parse("TRADE_TOTAL / GDP * 100"), values) == pytest.approx(1.252139550, rel=1e-9)


def test_operator_precedence_parentheses_and_unary_minus() -> None:
    v = {"A": 1.0, "B": 2.0, "C": 3.0}
    assert evaluate("A + B * C", v) == 7.0
    assert evaluate("(A + B) * C", v) == 9.0
    assert evaluate("A - B - C", v) == -4.0
    assert evaluate("A / B / 2", v) == 0.25
    assert evaluate("-A + 10", v) == 9.0
    assert evaluate("A - -B", v) == 3.0
    assert evaluate("-(A + B) * C", v) == -9.0
    assert evaluate("1e3 * A + 0.5", v) == 1000.5


def test_full_width_and_typographic_operators_are_accepted() -> None:
    values = {"TRADE_TOTAL": 10.9, "GDP": 870.51}
    assert evaluate("（TRADE_TOTAL ÷ GDP）× 100", values) == pytest.approx(1.2521, abs=5e-5)
    assert parse("TRADE_TOTAL ／ GDP").names == frozenset({"TRADE_TOTAL", "GDP"})
    assert parse("（A ÷ B）× 100").expression == "(A / B)* 100"


def test_division_by_zero_is_nan_not_an_exception() -> None:
    assert math.isnan(evaluate("A / B", {"A": 1.0, "B": 0.0}))
    assert math.isnan(evaluate("A / B", {"A": 0.0, "B": 0.0}))
    assert math.isnan(evaluate("A / (B - B)", {"A": 5.0, "B": 3.0}))
    assert math.isnan(evaluate("A / B * 100 + 1", {"A": 1.0, "B": 0}))


def test_none_value_gives_nan() -> None:
    assert math.isnan(evaluate("A + B", {"A": 1.0, "B": None}))


def test_missing_name_raises_keyerror_derived_formula_error() -> None:
    with pytest.raises(UnknownNameError) as info:
        evaluate("TRADE_TOTAL / GDP", {"TRADE_TOTAL": 10.9})
    assert isinstance(info.value, KeyError)
    assert isinstance(info.value, FormulaError)
    assert info.value.name == "GDP"
    assert "GDP" in str(info.value)
    with pytest.raises(KeyError):
        evaluate("A + B", {"A": 1})


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("abs(GDP)", "abs(...)"),
        ("__import__('os').system('ls')", "__import__('os').system(...)"),
        ("GDP.real", "GDP.real"),
        ("GDP ** 2", "**"),
        ("GDP % 2", "%"),
        ("GDP // 2", "//"),
        ("GDP & 1", "&"),
        ("'GDP'", "'GDP'"),
        ("True", "True"),
        ("1j * GDP", "1j"),
        ("GDP < 1", "GDP < 1"),
        ("GDP and TRADE_TOTAL", "GDP and TRADE_TOTAL"),
        ("gdp + 1", "gdp"),
        ("Gdp * 2", "Gdp"),
        ("GDP[0]", "GDP[0]"),
        ("[GDP]", "[GDP]"),
        ("+GDP", "+"),
        ("~GDP", "~"),
        ("not GDP", "not"),
        ("GDP if A else B", "GDP if A else B"),
        ("lambda: 1", "lambda: 1"),
    ],
)
def test_everything_outside_the_whitelist_is_rejected_with_the_token(text: str, token: str) -> None:
    with pytest.raises(FormulaError) as info:
        parse(text)
    assert info.value.token == token
    assert repr(token) in str(info.value)


@pytest.mark.parametrize("text", ["GDP +", "(GDP", "GDP GDP", "GDP + * 2", "", "   ", "GDP = 1"])
def test_syntax_errors_raise_formula_error(text: str) -> None:
    with pytest.raises(FormulaError):
        parse(text)


def test_syntax_error_names_position() -> None:
    with pytest.raises(FormulaError) as info:
        parse("GDP + * 2")
    assert info.value.position == 7
    assert info.value.token == "*"
    assert "语法错误" in str(info.value) and "syntax error" in str(info.value)


def test_non_text_formula_is_rejected() -> None:
    with pytest.raises(FormulaError):
        parse(42)  # type: ignore[arg-type]


def test_find_cycle_reports_the_path() -> None:
    assert find_cycle({"A": parse("B + 1"), "B": parse("A * 2")}) == ["A", "B", "A"]
    assert find_cycle({"A": "A + 1"}) == ["A", "A"]
    assert find_cycle({"A": "B", "B": "C", "C": "GDP"}) is None
    assert find_cycle({}) is None


def test_find_cycles_lists_one_path_per_group() -> None:
    formulas = {"X": "X + 1", "A": "B", "B": "C", "C": "A + B", "D": "A", "E": "GDP"}
    assert find_cycles(formulas) == [["X", "X"], ["A", "B", "C", "A"]]
    assert find_cycles({"P": "Q", "Q": "R", "R": "P"}) == [["P", "Q", "R", "P"]]


def test_dependency_order_is_topological() -> None:
    formulas = {"D": "A + C", "A": "B + GDP", "B": "GDP * 2", "C": "5"}
    order = dependency_order(formulas)
    assert sorted(order) == ["A", "B", "C", "D"]
    assert order.index("B") < order.index("A") < order.index("D")
    assert order.index("C") < order.index("D")
    assert "GDP" not in order  # raw inputs are not listed
    assert dependency_order({"A": "GDP", "B": "GDP"}) == ["A", "B"]  # mapping order kept


def test_dependency_order_raises_on_a_cycle_with_the_path() -> None:
    with pytest.raises(FormulaCycleError) as info:
        dependency_order({"A": "B * 2", "B": "A / 2", "C": "GDP"})
    assert info.value.cycle == ["A", "B", "A"]
    assert "A → B → A" in str(info.value)


def test_check_units_accepts_consistent_formulas() -> None:
    check_units("TRADE_TOTAL / GDP * 100", {"TRADE_TOTAL": "亿元", "GDP": "亿元"}, "%")
    check_units("RAIL + ROAD + WATER", {"RAIL": "万吨", "ROAD": "万吨", "WATER": "万吨"}, "万吨")
    check_units("RAIL + AIR / 10000", {"RAIL": "万吨", "AIR": "吨"}, "万吨")
    check_units("GDP / POPULATION * 10000", {"GDP": "亿元", "POPULATION": "万人"}, "元/人")
    check_units("R / (M * 10000) * 1000", {"R": "人", "M": "万人"}, "‰")
    check_units("GDP / AREA", {"GDP": "亿元", "AREA": "平方公里"}, "亿元/平方公里")
    check_units("OUT - IN", {"OUT": "人", "IN": "人"}, "人")
    check_units("100 - SHARE", {"SHARE": "%"}, "%")


@pytest.mark.parametrize(
    ("formula", "units", "target", "fragment"),
    [
        ("TRADE_TOTAL / GDP * 100", {"TRADE_TOTAL": "万元", "GDP": "亿元"}, "%", "0.0001"),
        ("TRADE_TOTAL / GDP", {"TRADE_TOTAL": "亿元", "GDP": "亿元"}, "%", "100"),
        ("FDI / GDP * 100", {"FDI": "万美元", "GDP": "亿元"}, "%", "money_usd"),
        ("RAIL + AIR", {"RAIL": "万吨", "AIR": "吨"}, "万吨", "'AIR'"),
        ("GDP + POPULATION", {"GDP": "亿元", "POPULATION": "万人"}, "亿元", "'POPULATION'"),
        ("GDP / POPULATION", {"GDP": "亿元", "POPULATION": "万人"}, "元/人", "10000"),
    ],
)
def test_check_units_rejects_inconsistent_formulas(
    formula: str, units: dict[str, str], target: str, fragment: str
) -> None:
    with pytest.raises(FormulaUnitError) as info:
        check_units(formula, units, target)
    assert fragment in str(info.value)


def test_check_units_needs_every_unit() -> None:
    with pytest.raises(UnknownNameError):
        check_units("A / B", {"A": "亿元"}, "%")


@given(
    a=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    b=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
)
def test_evaluate_matches_python_arithmetic(a: float, b: float) -> None:
    expected = (a + b) * 2 - a / b if b != 0 else math.nan
    result = evaluate("(A + B) * 2 - A / B", {"A": a, "B": b})
    if math.isnan(expected):
        assert math.isnan(result)
    else:
        assert result == pytest.approx(expected)


@given(
    edges=st.dictionaries(
        st.sampled_from("ABCDEFG"), st.lists(st.sampled_from("ABCDEFGH"), max_size=4), min_size=1, max_size=7
    )
)
def test_cycles_and_order_agree_with_a_brute_force_check(edges: dict[str, list[str]]) -> None:
    formulas = {code: " + ".join(deps) if deps else "1" for code, deps in edges.items()}
    # Kahn's algorithm on the derived codes decides whether the graph is acyclic.
    pending = {code: {d for d in deps if d in edges} for code, deps in edges.items()}
    while True:
        ready = [c for c, deps in pending.items() if not deps]
        if not ready:
            break
        for c in ready:
            del pending[c]
        for deps in pending.values():
            deps.difference_update(ready)
    cycles = find_cycles(formulas)
    assert bool(cycles) == bool(pending)
    for path in cycles:
        assert path[0] == path[-1]
        assert all(b in edges[a] for a, b in itertools.pairwise(path))
    if not pending:
        order = dependency_order(formulas)
        assert sorted(order) == sorted(edges)
        for code in order:
            assert all(order.index(d) < order.index(code) for d in edges[code] if d in edges)


def test_columns_are_evaluated_like_single_values_division_by_zero_included():
    import numpy as np

    from kaifang.catalog.formula import evaluate_columns

    trade, gdp = np.array([10.9, 5.0, 1.0]), np.array([870.51, 0.0, np.nan])
    got = evaluate_columns("TRADE_TOTAL / GDP * 100", {"TRADE_TOTAL": trade, "GDP": gdp})
    assert got[0] == pytest.approx(1.25214, abs=1e-5)
    assert np.isnan(got[1]) and np.isnan(got[2])  # a zero or missing denominator gives no value
