"""The library file (``library.yaml``): read and validated into plain records, with precise errors.

Pure (PyYAML only): ``read_library(text, known)`` checks every model against the indicator codes the catalog
knows (``known``) and returns :class:`LibraryModel` records; ``load_example()`` reads the shipped library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kaifang.adaptability.assess import MATCHES, Condition, Model

LIBRARY = Path(__file__).with_name("library.yaml")
SAMPLE_SOURCE = "示例数据（量级示意，非官方统计）"


@dataclass(frozen=True)
class ReferenceValue:
    value: float
    source: str
    is_sample: bool


@dataclass(frozen=True)
class Reference:
    """A place where the model worked, and its indicator profile (or ``platform``: read from observations)."""

    key: str
    name_zh: str
    name_en: str
    region: str
    year: int | None
    platform: bool
    values: dict[str, ReferenceValue] = field(default_factory=dict)


@dataclass(frozen=True)
class LibraryModel:
    key: str
    name_zh: str
    name_en: str
    place_zh: str
    place_en: str
    section: str
    summary: str
    conditions: tuple[Condition, ...]
    references: tuple[Reference, ...]

    def model(self) -> Model:
        return Model(self.key, self.name_zh, self.conditions)


class LibraryError(ValueError):
    """The library file is invalid; the message names every problem with its model and field."""


def _reference(model: str, raw: dict[str, Any], known: set[str], errors: list[str]) -> Reference | None:
    where = f"{model}.references.{raw.get('key', '?')}"
    for f in ("key", "name_zh", "region"):
        if not raw.get(f):
            errors.append(f"{where}: 缺少字段 {f}")
    values: dict[str, ReferenceValue] = {}
    for code, v in (raw.get("values") or {}).items():
        if code not in known:
            errors.append(f"{where}.values: 指标 {code} 不在指标目录中")
            continue
        item = v if isinstance(v, dict) else {"value": v}
        try:
            value = float(item["value"])
        except (KeyError, TypeError, ValueError):
            errors.append(f"{where}.values.{code}: 数值无效 {item!r}")
            continue
        src = str(item.get("source") or "")
        values[code] = ReferenceValue(value, src or SAMPLE_SOURCE, not src)
    if errors and any(e.startswith(where) for e in errors):
        return None
    year = raw.get("year")
    return Reference(
        str(raw["key"]),
        str(raw["name_zh"]),
        str(raw.get("name_en", "")),
        str(raw["region"]),
        int(year) if year is not None else None,
        bool(raw.get("platform", False)),
        values,
    )


def _model(raw: dict[str, Any], known: set[str], errors: list[str]) -> LibraryModel | None:
    key = str(raw.get("key") or "?")
    before = len(errors)
    for f in ("key", "name_zh", "summary", "section"):
        if not raw.get(f):
            errors.append(f"{key}: 缺少字段 {f}")
    conds: list[Condition] = []
    groups = raw.get("conditions") or {}
    for match in groups:
        if match not in MATCHES:
            errors.append(f"{key}.conditions: 未知的匹配关系 {match}（应为 {', '.join(MATCHES)}）")
    for match in MATCHES:
        for c in groups.get(match) or []:
            code = c.get("indicator")
            if code not in known:
                errors.append(f"{key}.conditions.{match}: 指标 {code} 不在指标目录中")
                continue
            try:
                conds.append(
                    Condition(
                        code,
                        str(c.get("op")),
                        float(c["needed"]),
                        float(c.get("weight", 1)),
                        match,
                        rationale=str(c.get("rationale", "")),
                    )
                )
            except (KeyError, TypeError, ValueError) as e:
                errors.append(f"{key}.conditions.{match}.{code}: {e}")
    codes = [c.indicator for c in conds]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        errors.append(f"{key}.conditions: 指标重复 {', '.join(dupes)}")
    refs = [r for raw_ref in raw.get("references") or [] if (r := _reference(key, raw_ref, known, errors))]
    if len(errors) > before:
        return None
    return LibraryModel(
        key,
        str(raw["name_zh"]),
        str(raw.get("name_en", "")),
        str(raw.get("place_zh", "")),
        str(raw.get("place_en", "")),
        str(raw["section"]),
        " ".join(str(raw["summary"]).split()),
        tuple(conds),
        tuple(refs),
    )


def read_library(text: str, known: set[str]) -> tuple[str, list[LibraryModel]]:
    """(version, models) from the YAML text; raises :class:`LibraryError` listing every problem."""
    data = yaml.safe_load(text) or {}
    errors: list[str] = []
    models = [m for raw in data.get("models") or [] if (m := _model(raw, known, errors))]
    keys = [m.key for m in models]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        errors.append(f"模式代码重复: {', '.join(dupes)}")
    if errors:
        raise LibraryError("模式库校验失败 (library invalid):\n" + "\n".join(errors))
    return str(data.get("version", "")), models


def load_example(known: set[str] | None = None) -> tuple[str, list[LibraryModel]]:
    """The shipped library; without ``known`` every indicator code in it is accepted."""
    text = LIBRARY.read_text(encoding="utf-8")
    if known is None:
        data = yaml.safe_load(text) or {}
        known = set()
        for m in data.get("models") or []:
            for group in (m.get("conditions") or {}).values():
                known |= {c.get("indicator") for c in group or []}
            for r in m.get("references") or []:
                known |= set((r.get("values") or {}).keys())
    return read_library(text, known)
