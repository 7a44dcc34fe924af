"""Policy adaptability (政策适配性评估): how ready a region is to adopt a model, by the report's three matches.

Pure: numpy and pandas only (no Django), so a notebook can ``from kaifang.adaptability import assess``.

The report (§三（四）) asks, before copying a model, for three matches: 政策供给与产业基础 (``policy_industry``),
改革力度与现实条件 (``reform_conditions``), 战略定位与区域禀赋 (``positioning_endowment``). A model's
prerequisites are indicator conditions ``x op needed`` under one of the three; the assessment scores each:

* **credit** of a condition with current value x and needed value n (see :func:`credit`):
  1 when met; otherwise for ``>=`` the share reached, ``clip(x / n, 0, 1)``, and for ``<=`` the share of the
  excess that would be within reach, ``clip(n / x, 0, 1)``; 0 when x is missing (the gap says 无数据).
* **readiness of a match** = 100 · Σ wᵢ·creditᵢ / Σ wᵢ over its conditions (weights w > 0), in [0, 100].
* **overall readiness** = the mean of the matches that have conditions (the three weigh the same: the report
  names them side by side, none before the others).
* **verdict** (:func:`verdict`): ≥ 80 适配, 60–80 有条件借鉴, < 60 不宜照搬.
* **gaps**: every unmet condition with current, needed, the absolute gap (the shortfall ``n − x`` for ``>=``,
  the excess ``x − n`` for ``<=``) and the gap as a percentage of the needed value.
* **nearest places where the model worked** (:func:`nearest`): z-standardised Euclidean distance on the
  model's indicators, rescaled for indicators missing on either side.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

MATCHES = ("policy_industry", "reform_conditions", "positioning_endowment")
MATCH_ZH = {
    "policy_industry": "政策供给与产业基础",
    "reform_conditions": "改革力度与现实条件",
    "positioning_endowment": "战略定位与区域禀赋",
}
OPS = (">=", "<=")
BANDS = ((80.0, "suitable", "适配"), (60.0, "conditional", "有条件借鉴"), (-math.inf, "unsuitable", "不宜照搬"))


@dataclass(frozen=True)
class Condition:
    """One prerequisite of a model: ``indicator op needed`` under one of the three matches."""

    indicator: str
    op: str
    needed: float
    weight: float = 1.0
    match: str = "policy_industry"
    name: str = ""
    unit: str = ""
    rationale: str = ""

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise ValueError(f"{self.indicator}: 方向须为 >= 或 <=，而不是 {self.op!r}")
        if self.match not in MATCHES:
            raise ValueError(f"{self.indicator}: 未知的匹配关系 {self.match!r}（应为 {', '.join(MATCHES)}）")
        if not (self.weight > 0 and math.isfinite(self.weight)):
            raise ValueError(f"{self.indicator}: 权重须为正数，而不是 {self.weight!r}")
        if not math.isfinite(self.needed):
            raise ValueError(f"{self.indicator}: 所需值须为有限数")


@dataclass(frozen=True)
class Model:
    """A model from the library (苏州工业园区, 鲁尔区 …) and its conditions."""

    key: str
    name_zh: str
    conditions: tuple[Condition, ...]


@dataclass
class Assessment:
    """The labelled result: readiness per match and overall, the verdict, the gaps and the nearest places."""

    model: str
    readiness: dict[str, float | None]
    overall: float | None
    band: str | None
    verdict: str | None
    conditions: list[dict[str, Any]]
    gaps: list[dict[str, Any]]
    nearest: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "readiness": self.readiness,
            "overall": self.overall,
            "band": self.band,
            "verdict": self.verdict,
            "conditions": self.conditions,
            "gaps": self.gaps,
            "nearest": self.nearest,
        }


def _missing(x: float | None) -> bool:
    return x is None or not math.isfinite(float(x))


def met(op: str, current: float | None, needed: float) -> bool:
    """Whether ``current op needed`` holds (a missing value never meets a condition)."""
    if _missing(current):
        return False
    assert current is not None
    return current >= needed if op == ">=" else current <= needed


def credit(op: str, current: float | None, needed: float) -> float:
    """The partial credit of a condition, in [0, 1].

    1 if met. Otherwise, for ``>=``: ``clip(x / n, 0, 1)`` (the share of the needed value reached; 0 when n ≤ 0,
    since then any shortfall means x < n ≤ 0); for ``<=``: ``clip(n / x, 0, 1)`` (x > n, so the ratio is below 1;
    0 when n ≤ 0). Missing data: 0.
    """
    if _missing(current):
        return 0.0
    assert current is not None
    if met(op, current, needed):
        return 1.0
    if needed <= 0:
        return 0.0
    ratio = current / needed if op == ">=" else needed / current
    return float(min(1.0, max(0.0, ratio)))


def gap(op: str, current: float | None, needed: float) -> tuple[float | None, float | None]:
    """(absolute gap, gap in % of the needed value) of an unmet condition; (0, 0) when met, (None, None) if missing.

    For ``>=`` the gap is the shortfall ``n − x``; for ``<=`` the excess ``x − n``; both are positive when unmet.
    """
    if _missing(current):
        return None, None
    assert current is not None
    if met(op, current, needed):
        return 0.0, 0.0
    absolute = needed - current if op == ">=" else current - needed
    pct = absolute / abs(needed) * 100 if needed != 0 else None
    return float(absolute), (float(pct) if pct is not None else None)


def verdict(overall: float | None) -> tuple[str | None, str | None]:
    """(band, 结论): ≥ 80 suitable 适配; 60 ≤ r < 80 conditional 有条件借鉴; < 60 unsuitable 不宜照搬."""
    if overall is None:
        return None, None
    for floor, band, zh in BANDS:
        if overall >= floor:
            return band, zh
    return None, None  # pragma: no cover - the last band has no floor


def readiness(conditions: Sequence[Condition], values: Mapping[str, float | None]) -> dict[str, float | None]:
    """Per match, 100 · Σ w·credit / Σ w over its conditions; ``None`` for a match without conditions."""
    out: dict[str, float | None] = {}
    for m in MATCHES:
        mine = [c for c in conditions if c.match == m]
        if not mine:
            out[m] = None
            continue
        w = np.array([c.weight for c in mine], dtype=float)
        cr = np.array([credit(c.op, values.get(c.indicator), c.needed) for c in mine], dtype=float)
        out[m] = float(100 * (w @ cr) / w.sum())
    return out


def nearest(
    codes: Sequence[str],
    region: Mapping[str, float | None],
    references: pd.DataFrame,
    *,
    top: int = 3,
    differ: int = 3,
) -> list[dict[str, Any]]:
    """The reference places closest to the region on the model's indicators.

    ``references`` has one row per place (index = place label) and one column per indicator code. Each indicator
    k is z-standardised over the places and the region together, ``z = (x − mean_k) / sd_k`` (population sd,
    ddof = 0, over the non-missing values); an indicator with fewer than two values or sd = 0 carries no
    information and is dropped (K = the indicators left). The distance to a place p over the m indicators present
    for both is ``d = sqrt(K / m · Σ (z_region − z_p)²)`` — the Euclidean distance rescaled as if all K were
    present; a place sharing no indicator with the region has no distance and is left out. The ``top`` places
    with the smallest d are returned, each with the ``differ`` indicators whose |z_region − z_p| is largest.
    """
    cols = [c for c in codes if c in references.columns]
    own = pd.DataFrame([{c: region.get(c) for c in cols}], index=["__region__"], dtype=float)
    table = pd.concat([references[cols].astype(float), own])
    mean = table.mean(skipna=True)
    sd = table.std(ddof=0, skipna=True)
    usable = [c for c in cols if table[c].count() >= 2 and sd[c] > 0 and math.isfinite(sd[c])]
    if not usable:
        return []
    z = (table[usable] - mean[usable]) / sd[usable]
    zr = z.loc["__region__"]
    out: list[dict[str, Any]] = []
    for place in references.index:
        zp = z.loc[place]
        both = [c for c in usable if not (math.isnan(zr[c]) or math.isnan(zp[c]))]
        if not both:
            continue
        diff = (zr[both] - zp[both]).astype(float)
        d = math.sqrt(len(usable) / len(both) * float((diff**2).sum()))
        order = diff.abs().sort_values(ascending=False).index[:differ]
        out.append(
            {
                "place": str(place),
                "distance": d,
                "indicators_used": len(both),
                "differ": [
                    {
                        "indicator": c,
                        "region": _num(table.at["__region__", c]),
                        "place": _num(table.at[place, c]),
                        "z_diff": float(diff[c]),
                    }
                    for c in order
                ],
            }
        )
    out.sort(key=lambda r: (r["distance"], r["place"]))
    return out[:top]


def _num(v: Any) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def assess(model: Model, values: Mapping[str, float | None], references: pd.DataFrame | None = None) -> Assessment:
    """Score a region's ``values`` (indicator code → latest value, ``None`` if unknown) against a model.

    Returns the readiness per match and overall (see the module docstring for the formulas), the verdict band,
    every condition with its credit, the named gaps (unmet conditions, weakest credit first) and the nearest
    reference places (:func:`nearest`) when ``references`` is given.
    """
    rows: list[dict[str, Any]] = []
    for c in model.conditions:
        x = values.get(c.indicator)
        x = None if _missing(x) else float(x)  # type: ignore[arg-type]
        g_abs, g_pct = gap(c.op, x, c.needed)
        rows.append(
            {
                "indicator": c.indicator,
                "name": c.name,
                "unit": c.unit,
                "match": c.match,
                "match_zh": MATCH_ZH[c.match],
                "op": c.op,
                "needed": c.needed,
                "weight": c.weight,
                "current": x,
                "met": met(c.op, x, c.needed),
                "credit": credit(c.op, x, c.needed),
                "gap": g_abs,
                "gap_pct": g_pct,
                "no_data": x is None,
                "rationale": c.rationale,
            }
        )
    ready = readiness(model.conditions, values)
    present = [v for v in ready.values() if v is not None]
    overall = float(np.mean(present)) if present else None
    band, zh = verdict(overall)
    gaps = sorted((r for r in rows if not r["met"]), key=lambda r: (r["credit"], MATCHES.index(r["match"])))
    near = nearest([c.indicator for c in model.conditions], values, references) if references is not None else []
    return Assessment(model.key, ready, overall, band, zh, rows, gaps, near)
