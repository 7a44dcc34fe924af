"""Number formatting the way official reports write it: thousands separators, 2 decimals, % with sign."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def num(value: Any, digits: int = 2) -> str:
    if value is None or value == "":
        return "—"
    v = float(value)
    if abs(v) >= 1000 or v == int(v):
        return f"{v:,.{0 if v == int(v) else digits}f}"
    return f"{v:,.{digits}f}"


@register.filter
def pct(value: Any) -> str:
    if value is None:
        return "—"
    return f"{float(value):+.1f}%"


@register.filter
def change(value: Any, unit: str = "%") -> str:
    """A 同比/环比 change: ``+5.6%`` for growth rates, ``+0.65个百分点`` for ratios."""
    if value is None:
        return "—"
    if unit == "%":
        return f"{float(value):+.1f}%"
    return f"{float(value):+.2f}{gettext(unit)}"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``{{ row.dimensions|get_item:code }}`` — a dict value by a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def pct_plain(value: Any, digits: int = 0) -> str:
    """A share (0.57) as a percentage without sign (57%); blank stays —."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.{digits}f}%"


@register.filter
def as_json(value: Any) -> str:
    """Compact JSON with Chinese kept as is (for parameters shown in a page)."""
    import json

    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
