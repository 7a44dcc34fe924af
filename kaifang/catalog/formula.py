"""派生指标公式 — safe parsing and evaluation of derived-indicator formulas.

A derived indicator (派生指标) such as 外贸依存度 is defined in the catalog by an arithmetic
formula over other indicator codes, e.g. ``TRADE_TOTAL / GDP * 100``.  Formulas are parsed with
Python's :mod:`ast` and a strict whitelist: numbers, indicator codes (ASCII ``UPPER_SNAKE``),
``+ - * /``, unary minus and parentheses.  Anything else (calls, attributes, ``**``, comparisons,
strings …) raises :class:`FormulaError` naming the offending token.  Nothing is ever passed to
``eval``.

Public API: :func:`parse`, :func:`evaluate`, :func:`dependency_order`, :func:`find_cycle`,
:func:`find_cycles` and :func:`check_units` (dimensional analysis against :mod:`kaifang.core.units`).
"""

from __future__ import annotations

import ast
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kaifang.core.units import KINDS, get_unit

__all__ = [
    "CODE_RE",
    "Formula",
    "FormulaCycleError",
    "FormulaError",
    "FormulaUnitError",
    "UnknownNameError",
    "check_units",
    "dependency_order",
    "evaluate",
    "find_cycle",
    "find_cycles",
    "parse",
]

#: An indicator code: ASCII upper snake case starting with a letter (``GDP``, ``TRADE_TOTAL``).
CODE_RE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")

_OPERATOR_TOKENS: dict[type[ast.AST], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
    ast.Mod: "%",
    ast.FloorDiv: "//",
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.USub: "-",
    ast.UAdd: "+",
    ast.Not: "not",
    ast.Invert: "~",
}
_ALLOWED_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div)
_ALLOWED_UNARY = (ast.USub,)
_FULLWIDTH_OPERATORS = str.maketrans({"×": "*", "÷": "/", "−": "-", "–": "-", "\n": " ", "\r": " ", "\t": " "})


class FormulaError(ValueError):
    """A formula that cannot be parsed, evaluated or ordered (公式错误).

    ``token`` is the offending piece of text when there is one, ``position`` its 1-based column.
    """

    def __init__(self, message: str, *, token: str | None = None, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.token = token
        self.position = position

    def __str__(self) -> str:
        return self.message


class UnknownNameError(FormulaError, KeyError):
    """:func:`evaluate` was given no value for an indicator the formula uses (缺少指标数值)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"缺少指标 {name} 的数值 (no value for indicator {name})", token=name)
        self.name = name


class FormulaCycleError(FormulaError):
    """Formulas depend on each other in a circle (公式循环引用); ``cycle`` is the path."""

    def __init__(self, cycle: list[str]) -> None:
        path = " → ".join(cycle)
        super().__init__(f"公式循环引用：{path} (formula cycle: {' -> '.join(cycle)})", token=cycle[0])
        self.cycle = cycle


class FormulaUnitError(FormulaError):
    """The formula's units do not give the indicator's unit (公式量纲与单位不符)."""


@dataclass(frozen=True)
class Formula:
    """A parsed, validated formula: the original ``source`` and the indicator ``names`` it uses."""

    source: str
    names: frozenset[str]
    tree: ast.expr = field(repr=False, compare=False, hash=False)

    def __str__(self) -> str:
        return self.source

    @property
    def expression(self) -> str:
        """The validated expression in plain ASCII (full-width characters, ×, ÷ folded)."""
        return _prepare(self.source)


def _prepare(text: str) -> str:
    """Fold full-width characters and typographic operators (×, ÷) into ASCII."""
    return unicodedata.normalize("NFKC", text).translate(_FULLWIDTH_OPERATORS).strip()


def _segment(text: str, node: ast.AST) -> str:
    return ast.get_source_segment(text, node) or type(node).__name__


def _reject(text: str, node: ast.AST, what_zh: str, what_en: str, token: str | None = None) -> FormulaError:
    token = token if token is not None else _segment(text, node)
    col = getattr(node, "col_offset", -1) + 1
    return FormulaError(
        f"公式中不允许{what_zh} {token!r}（第{col}个字符）(formula may not contain {what_en} {token!r}"
        f" at column {col})",
        token=token,
        position=col,
    )


def _validate(node: ast.expr, text: str, names: set[str]) -> None:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise _reject(text, node, "非数值常量", "the non-numeric constant")
        return
    if isinstance(node, ast.Name):
        if not CODE_RE.match(node.id):
            what_zh = "非指标代码的名称（代码须为大写字母、数字和下划线）"
            raise _reject(text, node, what_zh, "the name (not an UPPER_SNAKE code)")
        names.add(node.id)
        return
    if isinstance(node, ast.BinOp):
        if not isinstance(node.op, _ALLOWED_BINOPS):
            token = _OPERATOR_TOKENS.get(type(node.op), type(node.op).__name__)
            raise _reject(text, node, "运算符", "the operator", token)
        _validate(node.left, text, names)
        _validate(node.right, text, names)
        return
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, _ALLOWED_UNARY):
            token = _OPERATOR_TOKENS.get(type(node.op), type(node.op).__name__)
            raise _reject(text, node, "一元运算符", "the unary operator", token)
        _validate(node.operand, text, names)
        return
    if isinstance(node, ast.Call):
        raise _reject(text, node, "函数调用", "the function call", _segment(text, node.func) + "(...)")
    if isinstance(node, ast.Attribute):
        raise _reject(text, node, "属性访问", "the attribute access")
    if isinstance(node, ast.Subscript):
        raise _reject(text, node, "下标访问", "the subscript")
    if isinstance(node, ast.Compare | ast.BoolOp):
        raise _reject(text, node, "比较或逻辑运算", "the comparison or boolean expression")
    raise _reject(text, node, f"语法结构 {type(node).__name__}", f"the construct {type(node).__name__}")


def parse(formula: str) -> Formula:
    """Parse and validate a formula such as ``"TRADE_TOTAL / GDP * 100"``.

    Full-width characters and ``×``/``÷`` are accepted.  Raises :class:`FormulaError` for syntax
    errors and for any construct outside the whitelist, naming the offending token.
    """
    if not isinstance(formula, str):
        raise FormulaError(f"公式必须是文本，得到 {formula!r} (formula must be text, got {formula!r})")
    text = _prepare(formula)
    if not text:
        raise FormulaError("公式为空 (empty formula)")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        col = exc.offset or 0
        if 0 < col <= len(text):
            token: str | None = text[col - 1]
            where, where_en = f"第{col}个字符，靠近 {token!r}", f"at column {col} near {token!r}"
        else:
            token, col = None, len(text) + 1
            where, where_en = "公式在结尾处不完整", "unexpected end of formula"
        raise FormulaError(
            f"公式语法错误（{where}）：{exc.msg} (formula syntax error, {where_en}: {exc.msg})",
            token=token,
            position=col,
        ) from None
    names: set[str] = set()
    _validate(tree.body, text, names)
    return Formula(source=formula, names=frozenset(names), tree=tree.body)


def _as_formula(formula: Formula | str) -> Formula:
    return formula if isinstance(formula, Formula) else parse(formula)


def _number(node: ast.Constant) -> float:
    value = node.value
    if isinstance(value, bool) or not isinstance(value, int | float):  # pragma: no cover - parse() rejects
        raise FormulaError(f"非数值常量 {value!r} (non-numeric constant {value!r})")
    return float(value)


def _evaluate(node: ast.expr, values: Mapping[str, float | None]) -> float:
    if isinstance(node, ast.Constant):
        return _number(node)
    if isinstance(node, ast.Name):
        try:
            value = values[node.id]
        except KeyError:
            raise UnknownNameError(node.id) from None
        return math.nan if value is None else float(value)
    if isinstance(node, ast.UnaryOp):
        return -_evaluate(node.operand, values)
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, values), _evaluate(node.right, values)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        return math.nan if right == 0 else left / right
    raise FormulaError(f"无法计算的语法结构 {type(node).__name__} (cannot evaluate {type(node).__name__})")


def evaluate(formula: Formula | str, values: Mapping[str, float | None]) -> float:
    """Evaluate a formula with indicator values.

    Division by zero gives ``float('nan')`` (a ratio with a zero denominator is undefined, not an
    error); a ``None`` value also yields NaN.  A name missing from ``values`` raises
    :class:`UnknownNameError`, which is both a :class:`FormulaError` and a :class:`KeyError`.
    """
    return _evaluate(_as_formula(formula).tree, values)


def _graph(formulas: Mapping[str, Formula | str]) -> dict[str, list[str]]:
    """Edges from each derived code to the derived codes it uses (raw inputs are left out)."""
    parsed = {code: _as_formula(f) for code, f in formulas.items()}
    return {code: sorted(n for n in f.names if n in parsed) for code, f in parsed.items()}


def find_cycles(formulas: Mapping[str, Formula | str]) -> list[list[str]]:
    """One cycle path per strongly connected group of mutually dependent formulas.

    Each path starts and ends at the member that comes first in ``formulas``, e.g.
    ``[["A", "B", "A"]]``; a formula using its own code gives ``["A", "A"]``.
    """
    graph = _graph(formulas)
    order = {code: i for i, code in enumerate(graph)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def strongconnect(start: str) -> None:  # iterative Tarjan
        work: list[tuple[str, int]] = [(start, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            edges = graph[node]
            if i < len(edges):
                work.append((node, i + 1))
                nxt = edges[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])

    for code in graph:
        if code not in index:
            strongconnect(code)

    cycles: list[list[str]] = []
    for component in components:
        members = set(component)
        start = min(component, key=order.__getitem__)
        if len(component) == 1 and start not in graph[start]:
            continue
        cycles.append(_shortest_cycle(start, members, graph))
    cycles.sort(key=lambda path: order[path[0]])
    return cycles


def _shortest_cycle(start: str, members: set[str], graph: Mapping[str, list[str]]) -> list[str]:
    """Breadth-first search for the shortest path start → … → start inside one component."""
    previous: dict[str, str] = {}
    frontier = [start]
    seen = {start}
    while frontier:
        next_frontier = []
        for node in frontier:
            for nxt in graph[node]:
                if nxt not in members:
                    continue
                if nxt == start:
                    chain = [node]
                    while chain[-1] != start:
                        chain.append(previous[chain[-1]])
                    return [*reversed(chain), start]
                if nxt not in seen:
                    seen.add(nxt)
                    previous[nxt] = node
                    next_frontier.append(nxt)
        frontier = next_frontier
    raise AssertionError("component without a cycle")  # pragma: no cover


def find_cycle(formulas: Mapping[str, Formula | str]) -> list[str] | None:
    """The first formula cycle as a path like ``["A", "B", "A"]``, or ``None`` if acyclic."""
    cycles = find_cycles(formulas)
    return cycles[0] if cycles else None


def dependency_order(formulas: Mapping[str, Formula | str]) -> list[str]:
    """Derived codes in an order where every formula comes after the derived codes it uses.

    Codes that are not keys of ``formulas`` are raw inputs and are not listed.  Ties keep the
    mapping's order, so the result is deterministic.  Raises :class:`FormulaCycleError` on a cycle.
    """
    graph = _graph(formulas)
    cycle = find_cycle(formulas)
    if cycle is not None:
        raise FormulaCycleError(cycle)
    result: list[str] = []
    done: set[str] = set()

    def visit(code: str) -> None:
        if code in done:
            return
        done.add(code)
        for dep in graph[code]:
            visit(dep)
        result.append(code)

    for code in graph:
        visit(code)
    return result


# --------------------------------------------------------------------------------------------
# Dimensional analysis (量纲检查)
# --------------------------------------------------------------------------------------------


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
        return _number(node)
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
            ls, rs = _segment(text, node.left), _segment(text, node.right)
            symbol = _OPERATOR_TOKENS[type(op)]
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
    parsed = _as_formula(formula)
    target = get_unit(target_unit)
    result = _analyse(parsed.tree, _prepare(parsed.source), units)
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
