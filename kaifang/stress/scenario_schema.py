"""Shock scenarios as data: the YAML form of a stress-test scenario, read with every problem located.

A scenario names a risk (``kind``), where it comes from in the report (``source``), a horizon in days and a list of
shocks. Each shock is a mapping with ``type:`` and the fields of that type; times are days from day 0 and a shock may
return linearly to nothing over ``recovery_days`` (or build up over ``phase_in_days``). Example::

    key: tariff_us
    name_zh: 美国加征关税
    kind: tariff
    source: "§二 问题四：新一届美国政府对华的贸易攻击不断"
    horizon_days: 365
    shocks:
      - type: export_demand
        sectors: ["06", "07"]
        market: 美国
        share_of_exports: 0.17      # exports exposed to the market
        cut: 0.5                    # fraction of the exposed exports lost
        start: 30
        duration: 180
        recovery_days: 90

Shock types and their fields (fractions in [0, 1], days ≥ 0; ``duration`` omitted = to the end of the horizon):

=================  ====================================================================================
``export_demand``  ``sectors``, ``cut``; ``share_of_exports`` (1), ``market``, ``final_use`` (EX), ``export_share``
                   (share of a regional table's single final-demand column that is exports)
``corridor``       ``sectors`` (transport), ``loss`` of their capacity, ``import_availability`` of imported inputs
                   (``products``: which ones, default all), ``weeks`` or ``duration``
``supplier``       ``products``, ``drop`` of their imported (non-local) supply
``capacity``       ``sectors``, ``loss`` of productive capacity
``siphon``         ``sectors``, ``demand_share`` and ``capacity_share`` moving out, ``phase_in_days``; permanent
=================  ====================================================================================

:func:`load_scenario` reports every problem at once as ``(where, message)`` with the YAML line (PyYAML's composed
node marks), e.g. ``("line 9, shocks[0].cut", "须在 0 到 1 之间 (must lie between 0 and 1)")``. Sector codes are read
as the raw text of the scalar, so ``06`` stays ``"06"`` (YAML 1.1 would read an octal 6). Pure: no Django.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, fields
from typing import Any

import yaml

from kaifang.stress.ario import ARIOParams

KINDS = ("tariff", "corridor", "supplier", "siphon", "custom")
KIND_NAMES = {
    "tariff": "关税冲击",
    "corridor": "通道受阻",
    "supplier": "供应地中断",
    "siphon": "虹吸",
    "custom": "自定义",
}
SHOCK_TYPES = ("export_demand", "corridor", "supplier", "capacity", "siphon")
_COMMON = ("type", "start", "duration", "recovery_days", "phase_in_days", "note")
#: type → (required fields, optional fields)
SHOCK_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "export_demand": (("sectors", "cut"), ("share_of_exports", "market", "final_use", "export_share")),
    "corridor": (("sectors",), ("loss", "import_availability", "products", "weeks")),
    "supplier": (("products", "drop"), ()),
    "capacity": (("sectors", "loss"), ()),
    "siphon": (("sectors",), ("demand_share", "capacity_share")),
}
_ONE_OF = {"siphon": ("demand_share", "capacity_share"), "corridor": ("loss", "import_availability")}
_FRACTIONS = (
    "cut",
    "share_of_exports",
    "export_share",
    "loss",
    "import_availability",
    "drop",
    "demand_share",
    "capacity_share",
)
_DAYS = ("start", "duration", "recovery_days", "phase_in_days", "weeks")
_CODE_LISTS = ("sectors", "products")
_TEXT = ("market", "final_use", "note")
_TOP = ("key", "name_zh", "name_en", "kind", "description", "source", "horizon_days", "static", "params", "shocks")
_TOP_REQUIRED = ("key", "name_zh", "kind", "shocks")
_PARAMS = tuple(f.name for f in fields(ARIOParams))  # every ARIO option can be set by a scenario
_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


class ScenarioError(ValueError):
    """An invalid scenario; ``problems`` lists (where, message), message Chinese first, English in parentheses."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("\n".join(f"{where}: {message}" if where else message for where, message in problems))


@dataclass(frozen=True)
class Shock:
    """One shock of a scenario (fields not used by its ``type`` keep their defaults)."""

    type: str
    sectors: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    cut: float = 0.0
    share_of_exports: float = 1.0
    market: str = ""
    final_use: str = "EX"
    export_share: float | None = None
    loss: float = 0.0
    import_availability: float = 1.0
    drop: float = 0.0
    demand_share: float = 0.0
    capacity_share: float = 0.0
    start: int = 0
    duration: int | None = None  # None: until the end of the horizon
    recovery_days: int = 0
    phase_in_days: int = 0
    note: str = ""


@dataclass(frozen=True)
class Scenario:
    """A stress-test scenario: what shocks, for how long, after which passage of the report."""

    key: str
    name_zh: str
    kind: str
    shocks: tuple[Shock, ...]
    name_en: str = ""
    description: str = ""
    source: str = ""
    horizon_days: int = 365
    params: dict[str, Any] = field(default_factory=dict)  # ARIOParams overrides
    static: bool = True  # also run the static Leontief / Ghosh models
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)  # "shocks[0].sectors" → YAML line
    origin: str = field(default="", compare=False, repr=False)  # the file it was read from

    def where(self, path: str) -> str:
        """A location for a message: ``"tariff.yaml, line 7, shocks[0].sectors"`` when read from a file."""
        known = path
        while known and known not in self.lines:  # a field left at its default: the line of its shock
            known = known.rpartition(".")[0]
        parts = [p for p in (self.origin, f"line {self.lines[known]}" if known else "", path) if p]
        return ", ".join(parts)


def _msg(zh: str, en: str) -> str:
    return f"{zh} ({en})"


class _Reader:
    """Turns composed YAML nodes into values, collecting located problems."""

    def __init__(self, where: str) -> None:
        self.prefix = f"{where}, " if where else ""
        self.problems: list[tuple[str, str]] = []
        self.lines: dict[str, int] = {}
        self._construct = yaml.SafeLoader("")

    def add(self, node: yaml.Node | None, path: str, zh: str, en: str) -> None:
        line = f"line {node.start_mark.line + 1}" if node is not None else "line 1"
        self.problems.append((f"{self.prefix}{line}{', ' + path if path else ''}", _msg(zh, en)))

    def value(self, node: yaml.Node) -> Any:
        return self._construct.construct_object(node, deep=True)

    def mapping(self, node: yaml.Node, path: str, allowed: tuple[str, ...]) -> dict[str, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode):
            self.add(node, path, "应为“字段: 值”的映射", "expected a mapping of fields")
            return None
        out: dict[str, yaml.Node] = {}
        for k, v in node.value:
            key = k.value if isinstance(k, yaml.ScalarNode) else None
            sub = f"{path}.{key}" if path else str(key)
            if key in out:
                self.add(k, sub, f"字段 {key} 重复出现", f"field {key} appears twice")
            elif key not in allowed:
                self.add(k, sub, f"未知字段 {key}（允许：{'、'.join(allowed)}）", f"unknown field {key}")
            else:
                out[key] = v
                self.lines[sub] = v.start_mark.line + 1
        return out

    def number(self, node: yaml.Node, path: str, *, fraction: bool = False, days: bool = False) -> Any:
        v = self.value(node) if isinstance(node, yaml.ScalarNode) else None
        if isinstance(v, bool) or not isinstance(v, int | float) or (isinstance(v, float) and math.isnan(v)):
            self.add(node, path, "应为数值", "expected a number")
            return None
        if fraction and not 0.0 <= v <= 1.0:
            self.add(node, path, f"须在 0 到 1 之间，而不是 {v}", f"must lie between 0 and 1, not {v}")
            return None
        if days and (not float(v).is_integer() or v < 0 or math.isinf(v)):
            self.add(node, path, f"应为非负整数天数，而不是 {v}", f"expected a whole number of days ≥ 0, not {v}")
            return None
        return int(v) if days else float(v)

    def text(self, node: yaml.Node, path: str, *, required: bool = False) -> str | None:
        """The scalar's raw text (so ``06`` stays ``"06"``); an empty optional field is ``""``."""
        empty = isinstance(node, yaml.ScalarNode) and (node.tag.endswith(":null") or not str(node.value).strip())
        if not isinstance(node, yaml.ScalarNode) or (required and empty):
            self.add(node, path, "应为非空文本" if required else "应为文本", "expected text")
            return None
        return "" if empty else str(node.value).strip()

    def codes(self, node: yaml.Node, path: str) -> tuple[str, ...] | None:
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        if not items or not all(isinstance(i, yaml.ScalarNode) and str(i.value).strip() for i in items):
            self.add(node, path, '应为部门代码的列表，如 ["06", "07"]', "expected a list of sector codes")
            return None
        return tuple(str(i.value).strip() for i in items)


def _read_shock(r: _Reader, node: yaml.Node, path: str) -> Shock | None:
    type_node = None
    if isinstance(node, yaml.MappingNode):
        type_node = next((v for k, v in node.value if getattr(k, "value", None) == "type"), None)
    if type_node is None:
        r.add(node, path, f"冲击须有 type（{'、'.join(SHOCK_TYPES)}）", "each shock needs a type")
        return None
    kind = r.text(type_node, f"{path}.type", required=True)
    if kind not in SHOCK_FIELDS:
        if kind is not None:
            r.add(
                type_node,
                f"{path}.type",
                f"未知冲击类型 {kind}（可用：{'、'.join(SHOCK_TYPES)}）",
                f"unknown shock type {kind}",
            )
        return None
    required, optional = SHOCK_FIELDS[kind]
    r.lines[path] = node.start_mark.line + 1
    nodes = r.mapping(node, path, (*_COMMON, *required, *optional))
    if nodes is None:
        return None
    before = len(r.problems)
    values: dict[str, Any] = {"type": kind}
    for name in required:
        if name not in nodes:
            r.add(node, f"{path}.{name}", f"{kind} 冲击缺少字段 {name}", f"missing field {name}")
    for name, vnode in nodes.items():
        sub = f"{path}.{name}"
        if name == "type":
            continue
        if name in _CODE_LISTS:
            values[name] = r.codes(vnode, sub)
        elif name in _TEXT:
            values[name] = r.text(vnode, sub, required=name == "final_use")
        elif name == "duration" and isinstance(vnode, yaml.ScalarNode) and vnode.tag.endswith("null"):
            values[name] = None
        else:
            values[name] = r.number(vnode, sub, fraction=name in _FRACTIONS, days=name in _DAYS)
    if "weeks" in values:
        if "duration" in nodes:
            r.add(nodes["weeks"], f"{path}.weeks", "weeks 与 duration 只能给一个", "give weeks or duration, not both")
        elif values["weeks"] is not None:
            values["duration"] = 7 * values["weeks"]
        values.pop("weeks")
    if kind == "siphon" and "demand_share" not in nodes and "capacity_share" not in nodes:
        r.add(node, path, "siphon 冲击须给 demand_share 或 capacity_share", "give demand_share or capacity_share")
    if kind == "corridor" and "loss" not in nodes and "import_availability" not in nodes:
        r.add(node, path, "corridor 冲击须给 loss 或 import_availability", "give loss or import_availability")
    if len(r.problems) > before:
        return None
    return Shock(**values)


def _read_params(r: _Reader, node: yaml.Node) -> dict[str, Any]:
    nodes = r.mapping(node, "params", _PARAMS)
    out: dict[str, Any] = {}
    for name, vnode in (nodes or {}).items():
        sub = f"params.{name}"
        if name.endswith("inventory_days") and isinstance(vnode, yaml.MappingNode):
            days: dict[str, float] = {}
            for k, v in vnode.value:
                num = r.number(v, f"{sub}.{k.value}")
                if num is not None and num <= 0:
                    r.add(v, f"{sub}.{k.value}", "库存天数须为正（或 .inf）", "inventory days must be positive or .inf")
                elif num is not None:
                    days[str(k.value).strip()] = num
            out[name] = days
            continue
        default = getattr(ARIOParams(), name)
        if not isinstance(default, int | float) or isinstance(default, bool):  # an option of another type: as given
            out[name] = r.value(vnode)
            continue
        num = r.number(vnode, sub)
        if num is not None and num <= 0:
            r.add(vnode, sub, "须为正数", "must be positive")
        elif num is not None:
            out[name] = num
    return out


def load_scenario(text: str, *, where: str = "") -> Scenario:
    """Read a scenario from YAML text; raise :class:`ScenarioError` listing every problem with its YAML line."""
    r = _Reader(where)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = "; ".join(str(p) for p in (exc.context, exc.problem) if p)
        line = f"line {mark.line + 1}" if mark else "line 1"
        raise ScenarioError([(f"{r.prefix}{line}", _msg(f"YAML 语法错误：{detail}", "YAML syntax error"))]) from None
    if root is None:
        raise ScenarioError([(f"{r.prefix}line 1", _msg("情景文件为空", "the scenario file is empty"))])
    nodes = r.mapping(root, "", _TOP)
    if nodes is None:
        raise ScenarioError(r.problems)
    for name in _TOP_REQUIRED:
        if name not in nodes:
            r.add(root, name, f"缺少字段 {name}", f"missing field {name}")
    values: dict[str, Any] = {}
    for name in ("key", "name_zh", "name_en", "kind", "description", "source"):
        if name in nodes:
            values[name] = r.text(nodes[name], name, required=name in _TOP_REQUIRED)
    if values.get("key") is not None and not _KEY.fullmatch(values["key"]):
        r.add(nodes["key"], "key", "key 只能用小写字母、数字、_ 和 -", "key: lower-case letters, digits, _ and - only")
    if values.get("kind") is not None and values["kind"] not in KINDS:
        r.add(nodes["kind"], "kind", f"未知情景类别 {values['kind']}（可用：{'、'.join(KINDS)}）", "unknown kind")
    if "horizon_days" in nodes:
        h = r.number(nodes["horizon_days"], "horizon_days", days=True)
        if h == 0:
            r.add(nodes["horizon_days"], "horizon_days", "期限须至少 1 天", "the horizon needs at least one day")
        values["horizon_days"] = h
    if "static" in nodes:
        s = r.value(nodes["static"]) if isinstance(nodes["static"], yaml.ScalarNode) else None
        if not isinstance(s, bool):
            r.add(nodes["static"], "static", "应为 true 或 false", "expected true or false")
        values["static"] = s
    if "params" in nodes:
        values["params"] = _read_params(r, nodes["params"])
    shocks: list[Shock] = []
    if "shocks" in nodes:
        sn = nodes["shocks"]
        if not isinstance(sn, yaml.SequenceNode) or not sn.value:
            r.add(sn, "shocks", "shocks 应为至少一个冲击的列表", "shocks must be a non-empty list")
        else:
            for i, item in enumerate(sn.value):
                shock = _read_shock(r, item, f"shocks[{i}]")
                if shock is not None:
                    shocks.append(shock)
    if r.problems:
        raise ScenarioError(r.problems)
    return Scenario(shocks=tuple(shocks), lines=r.lines, origin=where, **values)


def scenario_dict(s: Scenario) -> dict[str, Any]:
    """The scenario as plain data in file order; shock fields at their defaults are left out."""
    out: dict[str, Any] = {
        "key": s.key,
        "name_zh": s.name_zh,
        "name_en": s.name_en,
        "kind": s.kind,
        "source": s.source,
        "description": s.description,
        "horizon_days": s.horizon_days,
        "static": s.static,
    }
    if s.params:
        out["params"] = {k: dict(v) if isinstance(v, dict) else v for k, v in s.params.items()}
    shocks = []
    for shock in s.shocks:
        d: dict[str, Any] = {"type": shock.type}
        required = SHOCK_FIELDS.get(shock.type, ((), ()))[0]
        always = {*required, *_ONE_OF.get(shock.type, ())}
        for f in fields(Shock):
            value = getattr(shock, f.name)
            if f.name != "type" and (value != f.default or f.name in always):
                d[f.name] = list(value) if isinstance(value, tuple) else value
        shocks.append(d)
    out["shocks"] = shocks
    return out


def dump_scenario(s: Scenario) -> str:
    """YAML text of a scenario; ``load_scenario(dump_scenario(s)) == s``."""
    return yaml.safe_dump(scenario_dict(s), allow_unicode=True, sort_keys=False, width=100)
