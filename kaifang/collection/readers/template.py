"""Mapping templates as saved data (映射模板): what a department's layout means, by labels. Pure Python.

A :class:`Template` is plain data — it round-trips through YAML and JSON (the platform stores it in a
JSON field) and :meth:`Template.from_dict` refuses unknown fields with every reason at once, so a typo
in a saved template is an error message, not a silently ignored setting. What the fields mean and how
they are applied: :mod:`kaifang.collection.readers.mapping`.

Example (a 商务局 monthly report, both its 1–2月 and 3月 sheets)::

    name: 商务局外经月报
    sheet: 月                      # regex on the sheet name: survives "3月" → "2024年3月"
    sheet_contains: 对外经济        # and/or a text of the title or header
    all_sheets: true
    values:
    - header: [当月, 绝对值]        # 口径 from the header: 当月 → 当期
    - header: [累计, 绝对值]        # 累计 → 累计
    ref_area: 巴中市
    labels: {出口: EXPORT_TOTAL, 进口: IMPORT_TOTAL}
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

__all__ = ["BASIS", "ROWS", "Template", "TemplateError", "ValueColumn"]

BASIS = {
    "": "",
    "当期": "当期",
    "当月": "当期",
    "当季": "当期",
    "本月": "当期",
    "P": "当期",
    "累计": "累计",
    "YTD": "累计",
}
ROWS = ("indicator", "region", "none")


class TemplateError(ValueError):
    """A template that cannot be used (unknown fields, bad values); the message lists every reason."""


@dataclass
class ValueColumn:
    """A column to import: its header labels, 口径 (当期/累计; "" = from the header), a fixed
    indicator (panels, region tables), a fallback unit; ``optional`` columns may be absent; ``rate``
    admits a 同比/增速 column, for an indicator that is itself a rate (never by default)."""

    header: list[str]
    basis: str = ""
    indicator: str = ""
    unit: str = ""
    optional: bool = False
    rate: bool = False


@dataclass
class Template:
    """A saved mapping; every field is plain data (YAML/JSON). See the module docstring."""

    name: str
    values: list[ValueColumn]
    sheet: str = ""  # regex searched in the (NFKC) sheet name
    sheet_contains: str = ""  # text the sheet's title or header must contain
    all_sheets: bool = False  # every matching sheet (one per month) instead of the first
    rows: str = "indicator"  # what stub labels are: indicator | region | none
    label_column: list[str] = field(default_factory=list)
    region_column: list[str] = field(default_factory=list)
    period_column: list[str] = field(default_factory=list)
    indicator_column: list[str] = field(default_factory=list)
    period_freq: str = ""  # Y | Q | M: what a date in the period column stands for (default month)
    ref_area: str = ""
    indicator: str = ""
    period: str = ""
    unit: str = ""
    within: str = ""  # region code that restricts name matching (511900: 巴中's counties)
    total_region: str = ""  # region of 合计/全市 rows in a region table
    labels: dict[str, str] = field(default_factory=dict)  # file label → indicator or region code
    skip_labels: list[str] = field(default_factory=list)
    skip_unknown_regions: bool = False
    skip_unknown_indicators: bool = False
    source: str = ""
    obs_status: str = ""

    def check(self) -> list[str]:
        errors = []
        if not self.values:
            errors.append("至少需要一个数值列 (values: at least one value column)")
        errors += [
            f"数值列 {i + 1} 没有表头 (values[{i}].header is empty)" for i, v in enumerate(self.values) if not v.header
        ]
        errors += [f"口径 {v.basis!r} 应为 当期 或 累计 (basis)" for v in self.values if v.basis not in BASIS]
        if self.rows not in ROWS:
            errors.append(f"rows 应为 {'/'.join(ROWS)}，而不是 {self.rows!r}")
        if self.period_freq not in ("", "Y", "Q", "M"):
            errors.append(f"period_freq 应为 Y/Q/M，而不是 {self.period_freq!r}")
        try:
            re.compile(self.sheet)
        except re.error as exc:
            errors.append(f"工作表名称模式无效 (bad sheet pattern {self.sheet!r}: {exc})")
        return errors

    def to_dict(self) -> dict[str, Any]:
        """Plain data without default-valued fields (for YAML and the database's JSON field)."""
        out = {k: v for k, v in dataclasses.asdict(self).items() if v != _DEFAULTS.get(k)}
        out["values"] = [
            {k: v for k, v in col.items() if k == "header" or v != _VALUE_DEFAULTS[k]} for col in out["values"]
        ]
        return out

    @classmethod
    def from_dict(cls, data: Any) -> Template:
        """A template from plain data (YAML, JSON); :class:`TemplateError` lists every problem found."""
        if not isinstance(data, Mapping):
            raise TemplateError(f"模板应为键值对，而不是 {type(data).__name__} (a template is a mapping)")
        errors = [f"未知字段 {k!r} (unknown field)" for k in data if k not in _DEFAULTS and k not in ("name", "values")]
        raw_values = data.get("values") or []
        if not isinstance(raw_values, list):
            errors.append("values 应为列表 (values must be a list)")
            raw_values = []
        values = []
        for i, v in enumerate(raw_values):
            v = {"header": v} if isinstance(v, str | list) else v
            if not isinstance(v, Mapping):
                errors.append(f"values[{i}] 应为表头或键值对 (a header or a mapping)")
                continue
            errors += [f"values[{i}] 未知字段 {k!r} (unknown field)" for k in v if k not in _VALUE_DEFAULTS]
            fields, bad = _coerce({k: x for k, x in v.items() if k != "header"}, _VALUE_DEFAULTS, f"values[{i}].")
            errors += bad
            values.append(ValueColumn(header=_listify(v.get("header")), **fields))
        kwargs, bad = _coerce(data, _DEFAULTS, "")
        if bad:  # wrong types: the template cannot even be built
            raise TemplateError("；".join(errors + bad))
        template = cls(name=str(data.get("name", "")), values=values, **kwargs)
        errors += template.check()
        if errors:
            raise TemplateError("；".join(errors))
        return template

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False)

    @classmethod
    def from_yaml(cls, text: str) -> Template:
        return cls.from_dict(yaml.safe_load(text) or {})

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Template:
        return cls.from_dict(json.loads(text))


_DEFAULTS = {
    f.name: (f.default_factory() if callable(f.default_factory) else f.default)
    for f in dataclasses.fields(Template)
    if f.name not in ("name", "values")
}
_VALUE_DEFAULTS = {f.name: f.default for f in dataclasses.fields(ValueColumn)}


def _coerce(data: Mapping[str, Any], defaults: Mapping[str, Any], prefix: str) -> tuple[dict[str, Any], list[str]]:
    """Known fields of ``data`` in their field's type (numbers become text: ``ref_area: 511900``)."""
    out: dict[str, Any] = {}
    errors = []
    for k, x in data.items():
        if k not in defaults or k == "header":
            continue
        want = defaults[k]
        if isinstance(want, bool) and not isinstance(x, bool):
            errors.append(f"{prefix}{k} 应为 true/false (must be a boolean)")
        elif isinstance(want, list):
            out[k] = _listify(x)
        elif isinstance(want, dict) and not isinstance(x, Mapping):
            errors.append(f"{prefix}{k} 应为键值对 (must be a mapping)")
        elif isinstance(want, dict):
            out[k] = {str(a): str(b) for a, b in x.items()}
        elif isinstance(want, str) and isinstance(x, bool | list | dict):
            errors.append(f"{prefix}{k} 应为文本 (must be text)")
        else:
            out[k] = x if isinstance(want, bool) else ("" if x is None else str(x))
    return out, errors


def _listify(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    return [str(value)] if isinstance(value, str | int | float) else [str(x) for x in value]
