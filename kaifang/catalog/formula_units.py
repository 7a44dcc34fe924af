"""公式量纲检查 — dimensional analysis of derived-indicator formulas against their unit.

Each indicator's unit (:mod:`kaifang.core.units`) is a kind with base dimensions and a factor to
its base unit (亿元 = 1e8 元).  :func:`check_units` walks the parsed formula and tracks, for every
sub-expression, its dimensions and its scale, so that ``TRADE_TOTAL / GDP * 100`` with both in
亿元 is exactly ``%``, while the same formula with TRADE_TOTAL in 万元 is off by 1e4.

Import :func:`check_units` and :class:`FormulaUnitError` from :mod:`kaifang.catalog.formula`.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kaifang.catalog.formula_syntax import (
    OPERATOR_TOKENS,
    Formula,
    FormulaError,
    UnknownNameError,
    as_formula,
    constant_value,
    prepare_source,
    source_segment,
)
from kaifang.core.units import KINDS, get_unit

__all__ = ["FormulaUnitError", "check_units"]


class FormulaUnitError(FormulaError):
    """The formula's units do not give the indicator's unit (公式量纲与单位不符)."""


@dataclass(frozen=True)
class _Quantity:
    """A sub-expression's value × ``scale`` is a physical quantity of dimension ``dims``."""

    dims: tuple[tuple[str, int], ...]
    scale: float


def _dims(mapping: Mapping[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((k, v) for k, v in mapping.items() if v))


def _combine(a: _Quantity, b: _Quantity, sign: int) -> _Quantity:
    dims = dict(a.dims)
    for kind, exp in b.dims:
        dims[kind] = dims.get(kind, 0) + sign * exp
    scale = a.scale * b.scale if sign > 0 else a.scale / b.scale
    return _Quantity(_dims(dims), scale)


def _describe(dims: Iterable[tuple[str, int]]) -> str:
    num = [k if e == 1 else f"{k}^{e}" for k, e in dims if e > 0]
    den = [k if e == -1 else f"{k}^{-e}" for k, e in dims if e < 0]
    if not num and not den:
        return "dimensionless"
    return ("·".join(num) or "1") + ("/" + "·".join(den) if den else "")


def _analyse(node: ast.expr, text: str, units: Mapping[str, str]) -> _Quantity | float:
    if isinstance(node, ast.Constant):
        return constant_value(node)
    if isinstance(node, ast.Name):
        if node.id not in units:
            raise UnknownNameError(node.id)
        unit = get_unit(units[node.id])
        return _Quantity(_dims(KINDS[unit.kind].dims), unit.factor)
    if isinstance(node, ast.UnaryOp):
        operand = _analyse(node.operand, text, units)
        return -operand if isinstance(operand, float) else operand
    if not isinstance(node, ast.BinOp):  # pragma: no cover - parse() already rejected it
        raise FormulaError(f"无法分析的语法结构 {type(node).__name__}")
    left, right = _analyse(node.left, text, units), _analyse(node.right, text, units)
    op = node.op
    if isinstance(left, float) and isinstance(right, float):
        if isinstance(op, ast.Add):
            return left + right
        if isinstance(op, ast.Sub):
            return left - right
        if isinstance(op, ast.Mult):
            return left * right
        return math.nan if right == 0 else left / right
    if isinstance(op, ast.Add | ast.Sub):
        if isinstance(left, float) or isinstance(right, float):
            return right if isinstance(left, float) else left  # a bare number takes the other side's unit
        if left.dims != right.dims or not math.isclose(left.scale, right.scale, rel_tol=1e-9):
            ls, rs = source_segment(text, node.left), source_segment(text, node.right)
            symbol = OPERATOR_TOKENS[type(op)]
            raise FormulaUnitError(
                f"加减运算两侧单位不一致：{ls!r}（{_describe(left.dims)} ×{left.scale:g}）与 {rs!r}"
                f"（{_describe(right.dims)} ×{right.scale:g}）(the two sides of {symbol!r}"
                f" have different units: {ls!r} vs {rs!r}; convert them to the same unit first)",
                token=rs,
            )
        return left
    # Numeric constants multiplying or dividing quantities are unit-conversion factors
    # (×100 for %, ×10000 for 亿元/万人 → 元/人): the physical quantity does not change.
    if isinstance(right, float):
        assert isinstance(left, _Quantity)
        if right == 0:
            return left
        return _Quantity(left.dims, left.scale / right if isinstance(op, ast.Mult) else left.scale * right)
    if isinstance(left, float):
        if left == 0:
            return right
        if isinstance(op, ast.Mult):
            return _Quantity(right.dims, right.scale / left)
        inverse = _combine(_Quantity((), 1.0), right, -1)
        return _Quantity(inverse.dims, inverse.scale / left)
    return _combine(left, right, 1 if isinstance(op, ast.Mult) else -1)


def check_units(formula: Formula | str, units: Mapping[str, str], target_unit: str) -> None:
    """Check that ``formula`` over indicators in ``units`` yields a value in ``target_unit``.

    ``units`` maps each indicator code to its unit symbol.  Numeric constants are read as
    unit-conversion factors, so ``TRADE_TOTAL / GDP * 100`` with both in 亿元 gives ``%`` exactly,
    while the same formula with TRADE_TOTAL in 万元 is off by 1e4 and is rejected.  Terms that are
    added or subtracted must have the same unit (万吨 + 吨 is rejected).  Mixing 美元 and 元 (or any
    two kinds) where the target does not is rejected.  Raises :class:`FormulaUnitError`,
    :class:`UnknownNameError` for a code missing from ``units``, and
    :class:`~kaifang.core.units.UnitError` for an unknown unit.
    """
    parsed = as_formula(formula)
    target = get_unit(target_unit)
    result = _analyse(parsed.tree, prepare_source(parsed.source), units)
    if isinstance(result, float):
        return  # a constant formula carries no unit information
    expected = _dims(KINDS[target.kind].dims)
    if result.dims != expected:
        got, want = _describe(result.dims), _describe(expected)
        raise FormulaUnitError(
            f"公式结果的量纲为 {got}，与指标单位 {target.symbol}（{want}）不符"
            f" (formula yields {got} but the unit {target.symbol} is {want})"
        )
    if not math.isclose(result.scale, target.factor, rel_tol=1e-9):
        k = result.scale / target.factor
        raise FormulaUnitError(
            "公式的换算系数与单位不符："
            f"按所引用指标的单位，结果须再乘以 {k:g} 才是以 {target.symbol} 计的数值"
            "（公式中的数值常数视为单位换算系数）"
            f" (unit scale mismatch: with the units of its inputs the result must be multiplied by {k:g}"
            f" to be in {target.symbol}; numeric constants are read as unit-conversion factors)"
        )
