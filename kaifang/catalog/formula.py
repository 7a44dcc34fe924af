"""派生指标公式 — safe parsing and evaluation of derived-indicator formulas.

A derived indicator (派生指标) such as 外贸依存度 is defined in the catalog by an arithmetic
formula over other indicator codes, e.g. ``TRADE_TOTAL / GDP * 100``.  Formulas are parsed with
Python's :mod:`ast` and a strict whitelist: numbers, indicator codes (ASCII ``UPPER_SNAKE``),
``+ - * /``, unary minus and parentheses.  Anything else (calls, attributes, ``**``, comparisons,
strings …) raises :class:`FormulaError` naming the offending token.  Nothing is ever passed to
``eval``.

Public API: :func:`parse`, :func:`evaluate`, :func:`dependency_order`, :func:`find_cycle`,
:func:`find_cycles` and :func:`check_units` (dimensional analysis against :mod:`kaifang.core.units`).
This module evaluates formulas and orders them by their dependencies; the grammar and
:func:`parse` live in :mod:`kaifang.catalog.formula_syntax`, the dimensional analysis in
:mod:`kaifang.catalog.formula_units`, and both are re-exported here.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from kaifang.catalog.formula_syntax import (
    CODE_RE,
    Formula,
    FormulaError,
    UnknownNameError,
    as_formula,
    constant_value,
    parse,
)
from kaifang.catalog.formula_units import FormulaUnitError, check_units

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
    "evaluate_columns",
    "find_cycle",
    "find_cycles",
    "parse",
]


class FormulaCycleError(FormulaError):
    """Formulas depend on each other in a circle (公式循环引用); ``cycle`` is the path."""

    def __init__(self, cycle: list[str]) -> None:
        path = " → ".join(cycle)
        super().__init__(f"公式循环引用：{path} (formula cycle: {' -> '.join(cycle)})", token=cycle[0])
        self.cycle = cycle


def _evaluate(node: ast.expr, values: Mapping[str, float | None]) -> float:
    if isinstance(node, ast.Constant):
        return constant_value(node)
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


def evaluate_columns(formula: Formula | str, columns: Mapping[str, Any]) -> Any:
    """The formula over whole columns (numpy arrays or pandas Series) at once, same rules as
    :func:`evaluate`: a division by zero, like any missing input, gives NaN, never an error."""
    return _evaluate_columns(as_formula(formula).tree, columns)


def _evaluate_columns(node: ast.expr, columns: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return constant_value(node)
    if isinstance(node, ast.Name):
        if node.id not in columns:
            raise UnknownNameError(node.id)
        return columns[node.id]
    if isinstance(node, ast.UnaryOp):
        return -_evaluate_columns(node.operand, columns)
    if isinstance(node, ast.BinOp):
        left, right = _evaluate_columns(node.left, columns), _evaluate_columns(node.right, columns)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(np.asarray(right) == 0, np.nan, np.asarray(left, dtype=float) / np.where(
                np.asarray(right) == 0, 1.0, np.asarray(right, dtype=float)))  # fmt: skip
    raise FormulaError(f"无法计算的语法结构 {type(node).__name__} (cannot evaluate {type(node).__name__})")


def evaluate(formula: Formula | str, values: Mapping[str, float | None]) -> float:
    """Evaluate a formula with indicator values.

    Division by zero gives ``float('nan')`` (a ratio with a zero denominator is undefined, not an
    error); a ``None`` value also yields NaN.  A name missing from ``values`` raises
    :class:`UnknownNameError`, which is both a :class:`FormulaError` and a :class:`KeyError`.
    """
    return _evaluate(as_formula(formula).tree, values)


def _graph(formulas: Mapping[str, Formula | str]) -> dict[str, list[str]]:
    """Edges from each derived code to the derived codes it uses (raw inputs are left out)."""
    parsed = {code: as_formula(f) for code, f in formulas.items()}
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
