"""The scenario builder's form: the common shocks as fields, written out as the scenario YAML the editor and the
CLI read (:mod:`kaifang.stress.scenario_schema`). The analyst can refine the text afterwards."""

from __future__ import annotations

from typing import Any

import yaml

from kaifang.stress.models import IOTableRecord

KIND_LABELS = {
    "tariff": "关税冲击（出口需求下降）",
    "corridor": "通道受阻（运输能力与进口投入受限）",
    "supplier": "供应地中断（外购投入减少）",
    "siphon": "虹吸（需求与产能外迁）",
    "custom": "产能损失（自定义）",
}
#: the builder's kind → the shock type it writes
SHOCK_OF = {"tariff": "export_demand", "corridor": "corridor", "supplier": "supplier", "siphon": "siphon",
            "custom": "capacity"}  # fmt: skip
DEFAULTS: dict[str, Any] = {
    "key": "",
    "name_zh": "",
    "name_en": "",
    "kind": "tariff",
    "description": "",
    "source": "",
    "horizon_days": "365",
    "sectors": [],
    "size": "0.3",  # cut / loss / drop / demand_share, by kind
    "share_of_exports": "1",
    "import_availability": "0.5",
    "capacity_share": "0.1",
    "start": "0",
    "duration": "30",
    "recovery_days": "0",
    "phase_in_days": "0",
}
TEMPLATE = """key: my_scenario
name_zh: 新情景
name_en: New scenario
kind: custom
description: 说明这个情景假设了什么。
source: 报告章节
horizon_days: 365
shocks:
  - type: capacity
    sectors: ["06"]
    loss: 0.3
    start: 10
    duration: 30
"""


def sector_choices(record: IOTableRecord | None) -> list[tuple[str, str]]:
    """(code, name) of the sectors of a table, for the form's checkboxes."""
    if record is None:
        return []
    meta = record.meta
    return list(zip(meta["codes"], meta["names_zh"], strict=True))


def _number(form: dict[str, Any], name: str, kind: type = float) -> Any:
    raw = str(form.get(name, "")).strip()
    try:
        return kind(raw)
    except ValueError:
        raise ValueError(f"{name}: 不是有效数字 {raw!r} (not a number)") from None


def to_yaml(form: dict[str, Any]) -> str:
    """The YAML of a builder form (checked afterwards by ``load_scenario``, which locates any remaining problem)."""
    kind = form.get("kind", "")
    if kind not in SHOCK_OF:
        raise ValueError(f"未知情景类型 {kind!r} (unknown kind)")
    sectors = [str(s) for s in form.get("sectors", [])]
    shock: dict[str, Any] = {"type": SHOCK_OF[kind]}
    size = _number(form, "size")
    if kind == "tariff":
        shock |= {"sectors": sectors, "cut": size, "share_of_exports": _number(form, "share_of_exports")}
    elif kind == "corridor":
        shock |= {"sectors": sectors, "loss": size, "import_availability": _number(form, "import_availability")}
    elif kind == "supplier":
        shock |= {"products": sectors, "drop": size}
    elif kind == "siphon":
        shock |= {"sectors": sectors, "demand_share": size, "capacity_share": _number(form, "capacity_share")}
        shock["phase_in_days"] = _number(form, "phase_in_days", int)
    else:
        shock |= {"sectors": sectors, "loss": size}
    shock["start"] = _number(form, "start", int)
    if kind != "siphon":
        if str(form.get("duration", "")).strip():
            shock["duration"] = _number(form, "duration", int)
        shock["recovery_days"] = _number(form, "recovery_days", int)
    doc = {
        "key": str(form.get("key", "")).strip(),
        "name_zh": str(form.get("name_zh", "")).strip(),
        "name_en": str(form.get("name_en", "")).strip(),
        "kind": kind if kind != "custom" else "custom",
        "description": str(form.get("description", "")).strip(),
        "source": str(form.get("source", "")).strip(),
        "horizon_days": _number(form, "horizon_days", int),
        "shocks": [shock],
    }
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, default_flow_style=None)
