"""派生指标公式的语法 — the formula language: its whitelist, :func:`parse` and :class:`FormulaError`.

A derived indicator (派生指标) such as 外贸依存度 is defined in the catalog by an arithmetic
formula over other indicator codes, e.g. ``TRADE_TOTAL / GDP * 100``.  Formulas are parsed with
Python's :mod:`ast` and a strict whitelist: numbers, indicator codes (ASCII ``UPPER_SNAKE``),
``+ - * /``, unary minus and parentheses.  Anything else (calls, attributes, ``**``, comparisons,
strings …) raises :class:`FormulaError` naming the offending token.  Nothing is ever passed to
``eval``.

This is the bottom layer of the formula modules: :mod:`kaifang.catalog.formula` (evaluation,
dependency order) and :mod:`kaifang.catalog.formula_units` (dimensional analysis) walk the trees
it produces.  Import the public names from :mod:`kaifang.catalog.formula`.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from dataclasses import dataclass, field

__all__ = [
    "CODE_RE",
    "OPERATOR_TOKENS",
    "Formula",
    "FormulaError",
    "UnknownNameError",
    "as_formula",
    "constant_value",
    "parse",
    "prepare_source",
    "source_segment",
]

#: An indicator code: ASCII upper snake case starting with a letter (``GDP``, ``TRADE_TOTAL``).
CODE_RE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")

#: How each operator is written, for messages that name it.
OPERATOR_TOKENS: dict[type[ast.AST], str] = {
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
        return prepare_source(self.source)


def prepare_source(text: str) -> str:
    """Fold full-width characters and typographic operators (×, ÷) into ASCII."""
    return unicodedata.normalize("NFKC", text).translate(_FULLWIDTH_OPERATORS).strip()


def source_segment(text: str, node: ast.AST) -> str:
    """The piece of ``text`` that ``node`` was parsed from (its type name if unknown)."""
    return ast.get_source_segment(text, node) or type(node).__name__


def _reject(text: str, node: ast.AST, what_zh: str, what_en: str, token: str | None = None) -> FormulaError:
    token = token if token is not None else source_segment(text, node)
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
            token = OPERATOR_TOKENS.get(type(node.op), type(node.op).__name__)
            raise _reject(text, node, "运算符", "the operator", token)
        _validate(node.left, text, names)
        _validate(node.right, text, names)
        return
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, _ALLOWED_UNARY):
            token = OPERATOR_TOKENS.get(type(node.op), type(node.op).__name__)
            raise _reject(text, node, "一元运算符", "the unary operator", token)
        _validate(node.operand, text, names)
        return
    if isinstance(node, ast.Call):
        raise _reject(text, node, "函数调用", "the function call", source_segment(text, node.func) + "(...)")
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
    text = prepare_source(formula)
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


def as_formula(formula: Formula | str) -> Formula:
    """``formula`` itself if already parsed, else :func:`parse` of it."""
    return formula if isinstance(formula, Formula) else parse(formula)


def constant_value(node: ast.Constant) -> float:
    """The number a validated constant node stands for."""
    value = node.value
    if isinstance(value, bool) or not isinstance(value, int | float):  # pragma: no cover - parse() rejects
        raise FormulaError(f"非数值常量 {value!r} (non-numeric constant {value!r})")
    return float(value)
