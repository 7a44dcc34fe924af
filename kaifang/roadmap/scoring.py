"""年度考核 — the annual score of each lead department (pure).

Issue 5, item 5: "an annual score per department from KPI achievement (weighted), reporting timeliness and data
quality (rejected or late submissions), by a transparent, configurable formula; ranking". Each component is on
0–100::

    achievement = Σ_k w_k · p_k / Σ_k w_k                    over the department's lead KPIs (牵头指标)
        p_k = 100 · clip(f(latest_k), 0, 1)                  method "progress" (f = progress fraction);
              a KPI with no value scores 0, one that went backwards scores 0, beyond the target 100
        p_k = points of the KPI's light                      method "lights": 绿 100, 黄 60, 红 0, 灰 0
    timeliness  = 100 · reports on time / reports due        (按时报送率)
    quality     = 100 · (submissions − rejected) / submissions  (数据质量: share not rejected)
    total       = Σ_c W_c · component_c / Σ_c W_c             W = 70 / 15 / 15 by default

A component that does not apply (no lead KPIs, no report due, nothing submitted) is left out and the remaining
weights are scaled up (按其余指标折算) — it neither earns free points nor costs any. Departments are ranked by
total, highest first; equal totals (to 1e-9) share a rank and the next rank is skipped (1, 2, 2, 4).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np
import pandas as pd

from kaifang.roadmap.schedule import snap

__all__ = ["COMPONENTS", "ScoreWeights", "department_scores", "kpi_points"]

COMPONENTS = ("achievement", "timeliness", "quality")


def _default_light_points() -> Mapping[str, float]:
    return MappingProxyType({"green": 100.0, "yellow": 60.0, "red": 0.0, "grey": 0.0})


@dataclass(frozen=True)
class ScoreWeights:
    """Component weights (any positive scale: 70/15/15 = 0.7/0.15/0.15), the achievement method, light points."""

    achievement: float = 70.0
    timeliness: float = 15.0
    quality: float = 15.0
    method: Literal["progress", "lights"] = "progress"
    light_points: Mapping[str, float] = field(default_factory=_default_light_points)

    def __post_init__(self) -> None:
        ws = [self.achievement, self.timeliness, self.quality]
        if any(not np.isfinite(w) or w < 0 for w in ws) or sum(ws) <= 0:
            raise ValueError(f"权重须为非负且和为正 weights must be ≥ 0 with a positive sum, got {ws}")
        if self.method not in ("progress", "lights"):
            raise ValueError(f"unknown achievement method {self.method!r}; expected 'progress' or 'lights'")
        if self.method == "lights" and set(self.light_points) != {"green", "yellow", "red", "grey"}:
            raise ValueError("light_points needs green, yellow, red and grey")

    def as_dict(self) -> dict[str, float]:
        return {c: float(getattr(self, c)) for c in COMPONENTS}


def _require(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}缺少列 {what} table lacks columns {missing}")


def kpi_points(kpis: pd.DataFrame, weights: ScoreWeights = ScoreWeights()) -> pd.DataFrame:
    """The KPI table with ``points`` (0–100) added: each lead KPI's achievement as the score sheet shows it.

    Columns: ``department``, ``kpi``, ``weight`` and ``progress`` (the fraction f of the latest value; NaN = no
    value) for method "progress", or ``light`` for method "lights".
    """
    source = "progress" if weights.method == "progress" else "light"
    _require(kpis, ["department", "kpi", "weight", source], "KPI ")
    out = kpis.copy()
    w = out["weight"].astype(float)
    if not np.all(np.isfinite(w)) or (w < 0).any():
        bad = out.loc[~np.isfinite(w) | (w < 0), "kpi"].tolist()
        raise ValueError(f"指标权重须为非负数 KPI weights must be ≥ 0: {bad}")
    if weights.method == "progress":
        out["points"] = 100.0 * np.clip(out["progress"].astype(float).fillna(0.0), 0.0, 1.0)
    else:
        unknown = sorted(set(out["light"].astype(str)) - set(weights.light_points))
        if unknown:
            raise ValueError(f"未知灯色 unknown lights {unknown}")
        out["points"] = out["light"].astype(str).map(weights.light_points).astype(float)
    return out


def department_scores(
    kpis: pd.DataFrame, reports: pd.DataFrame, weights: ScoreWeights = ScoreWeights()
) -> pd.DataFrame:
    """The score sheet: one row per department, each component with its inputs, the total and the rank.

    ``kpis``: see :func:`kpi_points`. ``reports``: one row per department with the year's counts ``due``,
    ``on_time``, ``submitted`` and ``rejected``. Columns of the result: ``kpis``, ``kpi_weight``,
    ``achievement``, ``due``, ``on_time``, ``timeliness``, ``submitted``, ``rejected``, ``quality``, the
    effective weights ``w_achievement``, ``w_timeliness``, ``w_quality`` (after leaving out components that
    do not apply; they sum to 1), ``total`` and ``rank`` (nullable Int64).
    """
    points = kpi_points(kpis, weights)
    _require(reports, ["department", "due", "on_time", "submitted", "rejected"], "报送 ")
    counts = reports.set_index("department")[["due", "on_time", "submitted", "rejected"]]
    if counts.index.has_duplicates:
        raise ValueError(f"部门重复 departments listed twice: {sorted(set(counts.index[counts.index.duplicated()]))}")
    counts = counts.astype(float)
    bad = counts[(counts < 0).any(axis=1) | (counts.on_time > counts.due) | (counts.rejected > counts.submitted)]
    if not bad.empty:
        raise ValueError(f"报送计数不一致 need 0 ≤ on_time ≤ due and 0 ≤ rejected ≤ submitted: {list(bad.index)}")

    points["wp"] = points["weight"].astype(float) * points["points"]
    by_dept = points.groupby("department", sort=False).agg(
        kpis=("kpi", "count"), kpi_weight=("weight", "sum"), wp=("wp", "sum")
    )
    departments = list(dict.fromkeys([*by_dept.index, *counts.index]))
    sheet = by_dept.reindex(departments).join(counts.reindex(departments))
    sheet["kpis"] = sheet["kpis"].fillna(0).astype(int)
    with np.errstate(divide="ignore", invalid="ignore"):
        sheet["achievement"] = np.where(sheet["kpi_weight"] > 0, sheet["wp"] / sheet["kpi_weight"], np.nan)
        sheet["timeliness"] = np.where(sheet["due"] > 0, 100.0 * sheet["on_time"] / sheet["due"], np.nan)
        ok = sheet["submitted"] - sheet["rejected"]
        sheet["quality"] = np.where(sheet["submitted"] > 0, 100.0 * ok / sheet["submitted"], np.nan)

    base = pd.DataFrame({c: np.where(sheet[c].notna(), getattr(weights, c), 0.0) for c in COMPONENTS}, sheet.index)
    scale = base.sum(axis=1)
    for c in COMPONENTS:
        sheet[f"w_{c}"] = (base[c] / scale).where(scale > 0)
    parts = [sheet[f"w_{c}"] * sheet[c].fillna(0.0) for c in COMPONENTS]
    sheet["total"] = sum(parts[1:], parts[0]).where(scale > 0)
    sheet["rank"] = pd.Series(snap(sheet["total"]), sheet.index).rank(method="min", ascending=False).astype("Int64")
    sheet.index.name = "department"
    columns = ["kpis", "kpi_weight", "achievement", "due", "on_time", "timeliness", "submitted", "rejected"]
    columns += ["quality", *(f"w_{c}" for c in COMPONENTS), "total", "rank"]
    return sheet[columns]
