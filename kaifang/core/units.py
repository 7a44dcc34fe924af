"""计量单位登记表 — the unit registry of Kaifang.

Every statistical series carries a unit written the way Chinese statistics offices write it
(``万元``, ``亿元``, ``万美元``, ``%``, ``个``, ``万人次`` …).  Each :class:`Unit` belongs to a
*quantity kind* (量纲, e.g. ``money_cny`` 人民币金额, ``money_usd`` 美元金额, ``persons`` 人数) and has a
``factor`` that converts a value in that unit to the kind's base unit (``万元`` → ``元`` is 1e4).

Conversions are only allowed inside one kind.  In particular ``万美元`` → ``亿元`` is refused: it
needs an exchange rate (汇率) and must never be converted silently.

Spreadsheet labels are messy (``"单位：万元"``, ``"（亿元）"``, full-width ``"％"``, ``"百分比"``);
:func:`normalize_unit` maps them to the canonical symbol or raises :class:`UnitError`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = [
    "KINDS",
    "UNITS",
    "Kind",
    "Unit",
    "UnitError",
    "conversion_factor",
    "convert",
    "get_unit",
    "kind_dimensions",
    "normalize_unit",
    "same_kind",
    "units_of_kind",
]


class UnitError(ValueError):
    """An unknown unit label or an impossible conversion (单位无法识别或无法换算)."""


@dataclass(frozen=True)
class Kind:
    """A quantity kind (量纲).

    ``dims`` expresses the kind in terms of simple kinds, e.g. ``money_cny_per_person`` is
    ``{"money_cny": 1, "persons": -1}``; ratios (``%``, ``‰``) are dimensionless (``{}``).  The
    formula checker in :mod:`kaifang.catalog.formula` uses ``dims`` for dimensional analysis.
    """

    code: str
    name_zh: str
    base: str
    dims: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Unit:
    """One unit: canonical ``symbol``, quantity ``kind`` and ``factor`` to the kind's base unit."""

    symbol: str
    kind: str
    factor: float
    name_en: str
    aliases: tuple[str, ...] = ()


def _simple(code: str, name_zh: str, base: str) -> Kind:
    return Kind(code, name_zh, base, MappingProxyType({code: 1}))


_KIND_LIST: tuple[Kind, ...] = (
    _simple("money_cny", "人民币金额", "元"),
    _simple("money_usd", "美元金额", "美元"),
    Kind("ratio", "比率（无量纲）", "倍", MappingProxyType({})),
    _simple("count", "个数", "个"),
    _simple("projects", "项目/协议数（项）", "项"),
    _simple("entities", "企业/市场主体数（家、户）", "家"),
    _simple("persons", "人数", "人"),
    _simple("person_trips", "人次", "人次"),
    _simple("mass", "重量", "吨"),
    _simple("freight_turnover", "货物周转量", "吨公里"),
    _simple("passenger_turnover", "旅客周转量", "人公里"),
    _simple("trains", "列车开行数（列）", "列"),
    _simple("routes", "线路数（条）", "条"),
    _simple("facilities", "设施数（座）", "座"),
    _simple("vehicles", "车辆数（辆）", "辆"),
    _simple("flights", "航班架次", "架次"),
    _simple("containers", "集装箱（标箱）", "标箱"),
    _simple("parcels", "件数", "件"),
    _simple("documents", "份数", "份"),
    _simple("area", "面积", "平方米"),
    _simple("length", "长度", "米"),
    _simple("volume", "体积", "立方米"),
    _simple("power", "功率/装机容量", "千瓦"),
    _simple("energy", "电量", "千瓦时"),
    _simple("energy_coal", "能源消费量（标准煤）", "吨标准煤"),
    _simple("co2e", "碳排放/碳汇量", "吨二氧化碳当量"),
    _simple("times", "次数", "次"),
    _simple("duration", "时长", "小时"),
    _simple("score", "得分", "分"),
    _simple("index", "指数点", "指数"),
    Kind("money_cny_per_person", "人均金额", "元/人", MappingProxyType({"money_cny": 1, "persons": -1})),
    Kind("money_usd_per_person", "人均美元金额", "美元/人", MappingProxyType({"money_usd": 1, "persons": -1})),
    Kind("money_cny_per_area", "地均金额", "元/平方米", MappingProxyType({"money_cny": 1, "area": -1})),
)

#: All quantity kinds by code.
KINDS: Mapping[str, Kind] = MappingProxyType({k.code: k for k in _KIND_LIST})

_MU = 10000 / 15  # 1 亩 = 10000/15 平方米 ≈ 666.67 m²

_UNIT_LIST: tuple[Unit, ...] = (
    # 人民币金额
    Unit("元", "money_cny", 1.0, "yuan (CNY)", ("人民币元", "元人民币", "CNY", "RMB")),
    Unit("千元", "money_cny", 1e3, "thousand yuan", ("千元人民币",)),
    Unit("万元", "money_cny", 1e4, "10 thousand yuan", ("万元人民币", "人民币万元")),
    Unit("百万元", "money_cny", 1e6, "million yuan", ("百万元人民币",)),
    Unit("亿元", "money_cny", 1e8, "100 million yuan", ("亿元人民币", "人民币亿元")),
    # 美元金额
    Unit("美元", "money_usd", 1.0, "US dollar", ("USD", "US$")),
    Unit("千美元", "money_usd", 1e3, "thousand US dollars"),
    Unit("万美元", "money_usd", 1e4, "10 thousand US dollars"),
    Unit("百万美元", "money_usd", 1e6, "million US dollars"),
    Unit("亿美元", "money_usd", 1e8, "100 million US dollars"),
    # 比率
    Unit("%", "ratio", 1e-2, "percent", ("百分比", "百分率", "percent", "pct")),
    Unit("‰", "ratio", 1e-3, "per mille", ("千分比", "千分率", "permille")),
    Unit("倍", "ratio", 1.0, "times (multiple)"),
    # 各类计数（量词不同即量纲不同：个≠项≠家）
    Unit("个", "count", 1.0, "count (items)"),
    Unit("万个", "count", 1e4, "10 thousand items"),
    Unit("项", "projects", 1.0, "items (projects, agreements)"),
    Unit("家", "entities", 1.0, "enterprises"),
    Unit("户", "entities", 1.0, "market entities / households"),
    Unit("万户", "entities", 1e4, "10 thousand market entities / households"),
    Unit("人", "persons", 1.0, "persons"),
    Unit("万人", "persons", 1e4, "10 thousand persons"),
    Unit("人次", "person_trips", 1.0, "person-times (visits, trips)", ("人·次",)),
    Unit("万人次", "person_trips", 1e4, "10 thousand person-times", ("万人·次",)),
    Unit("亿人次", "person_trips", 1e8, "100 million person-times"),
    Unit("列", "trains", 1.0, "train services"),
    Unit("条", "routes", 1.0, "routes / lines"),
    Unit("座", "facilities", 1.0, "facilities (ports, airports, bridges)"),
    Unit("辆", "vehicles", 1.0, "vehicles"),
    Unit("架次", "flights", 1.0, "flights (aircraft movements)"),
    Unit("标箱", "containers", 1.0, "TEU", ("TEU",)),
    Unit("万标箱", "containers", 1e4, "10 thousand TEU", ("万TEU",)),
    Unit("件", "parcels", 1.0, "pieces (parcels)"),
    Unit("万件", "parcels", 1e4, "10 thousand pieces"),
    Unit("亿件", "parcels", 1e8, "100 million pieces"),
    Unit("份", "documents", 1.0, "documents (certificates)"),
    Unit("次", "times", 1.0, "times (occurrences)"),
    Unit("万次", "times", 1e4, "10 thousand times"),
    # 重量与周转量
    Unit("千克", "mass", 1e-3, "kilogram", ("公斤", "kg")),
    Unit("吨", "mass", 1.0, "tonne", ("t",)),
    Unit("万吨", "mass", 1e4, "10 thousand tonnes", ("万t",)),
    Unit("亿吨", "mass", 1e8, "100 million tonnes"),
    Unit("吨公里", "freight_turnover", 1.0, "tonne-kilometre", ("吨千米", "tkm")),
    Unit("万吨公里", "freight_turnover", 1e4, "10 thousand tonne-km", ("万吨千米",)),
    Unit("亿吨公里", "freight_turnover", 1e8, "100 million tonne-km", ("亿吨千米",)),
    Unit("人公里", "passenger_turnover", 1.0, "passenger-kilometre", ("人千米",)),
    Unit("万人公里", "passenger_turnover", 1e4, "10 thousand passenger-km", ("万人千米",)),
    Unit("亿人公里", "passenger_turnover", 1e8, "100 million passenger-km", ("亿人千米",)),
    # 面积、长度、体积
    Unit("平方米", "area", 1.0, "square metre", ("m2", "m²", "平米")),
    Unit("万平方米", "area", 1e4, "10 thousand square metres", ("万m2", "万m²")),
    Unit("公顷", "area", 1e4, "hectare", ("ha",)),
    Unit("平方公里", "area", 1e6, "square kilometre", ("平方千米", "km2", "km²")),
    Unit("亩", "area", _MU, "mu (1/15 ha)"),
    Unit("万亩", "area", _MU * 1e4, "10 thousand mu"),
    Unit("米", "length", 1.0, "metre", ("m",)),
    Unit("公里", "length", 1e3, "kilometre", ("千米", "km")),
    Unit("立方米", "volume", 1.0, "cubic metre", ("m3", "m³", "方")),
    Unit("万立方米", "volume", 1e4, "10 thousand cubic metres", ("万m3", "万m³", "万方")),
    Unit("亿立方米", "volume", 1e8, "100 million cubic metres", ("亿m3", "亿m³", "亿方")),
    # 能源
    Unit("千瓦", "power", 1.0, "kilowatt", ("kW",)),
    Unit("万千瓦", "power", 1e4, "10 thousand kW", ("万kW",)),
    Unit("千瓦时", "energy", 1.0, "kilowatt-hour", ("kWh", "度")),
    Unit("万千瓦时", "energy", 1e4, "10 thousand kWh", ("万kWh", "万度")),
    Unit("亿千瓦时", "energy", 1e8, "100 million kWh", ("亿kWh", "亿度")),
    Unit("吨标准煤", "energy_coal", 1.0, "tonne of standard coal equivalent", ("吨标煤", "tce")),
    Unit("万吨标准煤", "energy_coal", 1e4, "10 thousand tce", ("万吨标煤",)),
    Unit("吨二氧化碳当量", "co2e", 1.0, "tonne CO2-equivalent", ("吨CO2e", "tCO2e")),
    Unit("万吨二氧化碳当量", "co2e", 1e4, "10 thousand tonnes CO2e", ("万吨CO2e",)),
    # 时长、得分、指数
    Unit("分钟", "duration", 1 / 60, "minute", ("min",)),
    Unit("小时", "duration", 1.0, "hour", ("h",)),
    Unit("天", "duration", 24.0, "day", ("日",)),
    Unit("分", "score", 1.0, "score points", ("分值", "得分")),
    Unit("指数", "index", 1.0, "index points", ("指数点", "点")),
    Unit("标准差", "std_dev", 1.0, "standard deviations from the mean", ("σ", "个标准差", "std. dev.")),
    # 复合单位
    Unit("元/人", "money_cny_per_person", 1.0, "yuan per person"),
    Unit("美元/人", "money_usd_per_person", 1.0, "US dollars per person"),
    Unit("万元/人", "money_cny_per_person", 1e4, "10 thousand yuan per person"),
    Unit("元/平方米", "money_cny_per_area", 1.0, "yuan per square metre", ("元/m2", "元/平米")),
    Unit("万元/平方公里", "money_cny_per_area", 1e4 / 1e6, "10 thousand yuan per km²", ("万元/km2",)),
    Unit("亿元/平方公里", "money_cny_per_area", 1e8 / 1e6, "100 million yuan per km²", ("亿元/km2",)),
)

#: The registry: canonical symbol → :class:`Unit`.
UNITS: dict[str, Unit] = {u.symbol: u for u in _UNIT_LIST}

_LOOKUP: dict[str, str] = {}
for _u in _UNIT_LIST:
    for _label in (_u.symbol, *_u.aliases):
        _key = unicodedata.normalize("NFKC", _label).replace(" ", "")
        _LOOKUP[_key] = _u.symbol
        _LOOKUP.setdefault(_key.lower(), _u.symbol)

_PREFIX_RE = re.compile(r"^(?:计量单位|单位|unit)[:：]?", re.IGNORECASE)
_BRACKETS = {"(": ")", "[": "]", "【": "】", "〔": "〕", "<": ">", "〈": "〉", "《": "》", "{": "}"}
_WS_RE = re.compile(r"\s+")


def _strip_decorations(text: str) -> str:
    """Remove ``单位：`` prefixes and enclosing brackets until nothing changes."""
    while True:
        before = text
        text = _PREFIX_RE.sub("", text)
        if len(text) >= 2 and _BRACKETS.get(text[0]) == text[-1]:
            text = text[1:-1]
        if text == before:
            return text


def normalize_unit(label: str) -> str:
    """Return the canonical symbol for a unit label as spreadsheets write it.

    Accepts ``"单位：万元"``, ``"（亿元）"``, ``"(万美元)"``, full-width characters (``"％"``),
    ``"百分比"`` → ``"%"``, surrounding or embedded spaces.  Raises :class:`UnitError`, quoting the
    label, when the label is not a known unit.
    """
    if not isinstance(label, str):
        raise UnitError(f"计量单位必须是文本，得到 {label!r} (unit label must be text, got {label!r})")
    text = _WS_RE.sub("", unicodedata.normalize("NFKC", label))
    text = _strip_decorations(text)
    symbol = _LOOKUP.get(text) or _LOOKUP.get(text.lower())
    if symbol is None:
        raise UnitError(f"未知的计量单位 {label!r} (unknown unit label {label!r})")
    return symbol


def get_unit(label: str) -> Unit:
    """Return the :class:`Unit` for a (possibly messy) label; see :func:`normalize_unit`."""
    return UNITS[normalize_unit(label)]


def units_of_kind(kind: str) -> list[str]:
    """Symbols of all units of one quantity kind, in registry order."""
    if kind not in KINDS:
        raise UnitError(f"未知的量纲 {kind!r} (unknown quantity kind {kind!r})")
    return [u.symbol for u in _UNIT_LIST if u.kind == kind]


def kind_dimensions(kind: str) -> dict[str, int]:
    """The kind expressed as exponents of simple kinds (``{}`` for dimensionless ratios)."""
    try:
        return dict(KINDS[kind].dims)
    except KeyError:
        raise UnitError(f"未知的量纲 {kind!r} (unknown quantity kind {kind!r})") from None


def same_kind(unit_a: str, unit_b: str) -> bool:
    """True when both labels are units of the same quantity kind (so they convert by a factor)."""
    return get_unit(unit_a).kind == get_unit(unit_b).kind


def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Multiply a value in ``from_unit`` by this factor to express it in ``to_unit``.

    ``conversion_factor("万元", "亿元") == 1e-4``.  Units of different kinds raise
    :class:`UnitError` with a Chinese and English explanation; money in 美元 and 元 is refused
    explicitly because it needs an exchange rate (汇率).
    """
    src, dst = get_unit(from_unit), get_unit(to_unit)
    if src.kind != dst.kind:
        src_kind, dst_kind = KINDS[src.kind], KINDS[dst.kind]
        zh = f"单位量纲不同，不能换算：{src.symbol}（{src_kind.name_zh}）→ {dst.symbol}（{dst_kind.name_zh}）"
        en = f"cannot convert {src.symbol} [{src.kind}] to {dst.symbol} [{dst.kind}]: different quantity kinds"
        if {src.kind, dst.kind} == {"money_cny", "money_usd"}:
            zh += "；美元与人民币之间须按指定汇率换算，不做隐式换算"
            en += "; a USD/CNY conversion needs an explicit exchange rate"
        message = f"{zh} ({en})"
        raise UnitError(message)
    return src.factor / dst.factor


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert ``value`` from one unit to another of the same kind.

    ``convert(12345, "万元", "亿元") == 1.2345``.  The value is first scaled to the base unit and
    then divided, which keeps decimal inputs exact where binary floating point allows.
    """
    src, dst = get_unit(from_unit), get_unit(to_unit)
    if src.symbol == dst.symbol:
        return float(value)
    conversion_factor(src.symbol, dst.symbol)  # raises UnitError on a kind mismatch
    return float(value) * src.factor / dst.factor
