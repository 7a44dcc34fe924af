"""Values made safe for JSON columns and JSON twins — pure Python, no Django."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any


def json_safe(value: Any) -> Any:
    """Numpy scalars → Python numbers; NaN, ±inf and ``pd.NA`` → None; mappings, lists and tuples recursively
    (keys as strings). JSON has no NaN, and PostgreSQL's jsonb refuses it."""
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is not None and type(value).__name__ == "NAType":  # pandas.NA without importing pandas
        return None
    return value
