"""The result of a scenario run, its compact JSON form, and the side-by-side comparison of two runs.

``sectors`` (by sector code): x0, the static demand-side and supply-side changes (annual rates at the peak) and the
ARIO losses summed over the horizon, the lowest production ratio, the days below 99 % of the baseline and the
recovery day (first day from which production stays at or above 99.9 % of its baseline; 0 if it never fell
below, ``None`` if it has not returned by the horizon's end). ``daily``: economy-wide daily flows. ``paths``:
production ratio to the baseline by day and sector. ``totals``: headline figures (table unit, 万元). Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import yaml

from kaifang.core.jsonsafe import json_safe
from kaifang.stress.scenario_schema import Scenario, dump_scenario, load_scenario, scenario_dict

MAX_PATH_POINTS = 120
JSON_VERSION = 1
#: sector columns compared by :func:`compare` (summed in the total row, except the ratio: its minimum)
COMPARED = (
    "static_dx",
    "static_dv",
    "supply_dx",
    "ario_production_loss",
    "ario_va_loss",
    "ario_jobs_loss",
    "min_production_ratio",
    "days_below_99",
)


def recovery_day(ratio: npt.ArrayLike, tolerance: float = 1e-3) -> int | None:
    """First day from which production stays at or above (1 − tolerance) of its baseline to the horizon's end.

    0 if it never fell below, ``None`` if it is still below on the last day. A rebound *above* the baseline
    (restocking, overproduction — ARIO returns to its baseline from above only slowly, over a year or more) counts as
    recovered: the loss is over.
    """
    outside = np.asarray(ratio, dtype=float) < 1.0 - tolerance
    if not outside.any():
        return 0
    if outside[-1]:
        return None
    return int(np.flatnonzero(outside)[-1] + 1)


def _split(frame: pd.DataFrame) -> dict[str, Any]:
    return {
        "index": [str(i) for i in frame.index],
        "columns": [str(c) for c in frame.columns],
        "data": frame.astype(object).where(frame.notna(), None).to_numpy().tolist(),
    }


def _frame(d: dict[str, Any], index_name: str) -> pd.DataFrame:
    frame = pd.DataFrame(d["data"], index=d["index"], columns=d["columns"])
    frame.index.name = index_name
    return frame


@dataclass
class ScenarioResult:
    """A scenario run: the scenario, the table it ran on, the method (as data) and the labelled results."""

    scenario: Scenario
    table_meta: dict[str, Any]
    method: dict[str, Any]
    sectors: pd.DataFrame
    daily: pd.DataFrame
    paths: pd.DataFrame
    totals: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """JSON-safe and compact: paths downsampled to ≤ 120 days per sector; totals and sectors exact."""
        days = len(self.paths)
        keep = (
            np.unique(np.linspace(0, days - 1, MAX_PATH_POINTS).round().astype(int))
            if days > MAX_PATH_POINTS
            else np.arange(days)
        )
        paths = self.paths.iloc[keep].astype(float).round(6)
        return json_safe(
            {
                "version": JSON_VERSION,
                "scenario": scenario_dict(self.scenario),  # readable; JSON has no ∞ (a non-storable input)
                "scenario_yaml": dump_scenario(self.scenario),  # exact: what from_json reads
                "table": self.table_meta,
                "method": self.method,
                "totals": self.totals,
                "sectors": _split(self.sectors),
                "daily": _split(self.daily),
                "paths": _split(paths),
            }
        )

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ScenarioResult:
        text = d.get("scenario_yaml") or yaml.safe_dump(d["scenario"], allow_unicode=True, sort_keys=False)
        scenario = load_scenario(text)
        sectors = _frame(d["sectors"], "sector")
        for col in sectors.columns:
            if col == "recovery_day":
                sectors[col] = pd.array(sectors[col].tolist(), dtype="Int64")
            elif col == "days_below_99":
                sectors[col] = sectors[col].astype(int)
            elif col != "name_zh":
                sectors[col] = pd.to_numeric(sectors[col].astype(float))
        daily = _frame(d["daily"], "day").astype(float)
        daily.index = pd.Index([int(i) for i in daily.index], name="day")
        paths = _frame(d["paths"], "day").astype(np.float32)
        paths.index = pd.Index([int(i) for i in paths.index], name="day")
        paths.columns.name = "sector"
        return cls(scenario, d["table"], d["method"], sectors, daily, paths, d["totals"])


def compare(a: ScenarioResult, b: ScenarioResult) -> pd.DataFrame:
    """Two runs side by side by sector: ``<col>_a``, ``<col>_b`` and ``<col>_diff`` = b − a, plus a ``total`` row.

    The frame's ``attrs["totals"]`` holds the headline totals of both and their differences
    (``{name: {"a": …, "b": …, "diff": …}}``); ``attrs["keys"]`` the two scenario keys.
    """
    if list(a.sectors.index) != list(b.sectors.index):
        raise ValueError("两个结果的部门不同，无法比较 (the two results have different sectors)")
    out = pd.DataFrame({"name_zh": a.sectors["name_zh"]}, index=a.sectors.index)
    for col in COMPARED:
        va, vb = a.sectors[col].astype(float), b.sectors[col].astype(float)
        out[f"{col}_a"], out[f"{col}_b"], out[f"{col}_diff"] = va, vb, vb - va
    total: dict[str, Any] = {"name_zh": "合计"}
    for col in out.columns[1:]:
        values = out[col]
        if col.startswith("min_production_ratio"):
            total[col] = values.min() if not col.endswith("_diff") else total[f"{col[:-5]}_b"] - total[f"{col[:-5]}_a"]
        else:
            total[col] = values.sum(min_count=1)
    out.loc["total"] = pd.Series(total)
    totals: dict[str, dict[str, Any]] = {}
    for name, va in a.totals.items():
        vb = b.totals.get(name)
        numeric = isinstance(va, int | float) and isinstance(vb, int | float)
        totals[name] = {"a": va, "b": vb, "diff": (vb - va) if numeric else None}
    out.attrs["totals"] = totals
    out.attrs["keys"] = (a.scenario.key, b.scenario.key)
    return out


#: Chinese headers of the workbook's sector sheet (the table unit is added where it applies)
SECTOR_HEADERS = {
    "name_zh": "部门",
    "x0": "基期总产出",
    "static_dx": "静态Δ总产出（Leontief，年率）",
    "static_dv": "静态Δ增加值",
    "static_djobs": "静态Δ就业（人）",
    "supply_dx": "静态Δ总产出（Ghosh，年率）",
    "supply_dv": "静态Δ增加值（Ghosh）",
    "ario_production_loss": "ARIO 产出损失（期内累计）",
    "ario_va_loss": "ARIO 增加值损失（期内累计）",
    "ario_jobs_loss": "ARIO 就业损失（人·年）",
    "min_production_ratio": "最低产出/基线",
    "days_below_99": "低于基线99%的天数",
    "recovery_day": "恢复日",
}
DAILY_HEADERS = {
    "total_production": "总产出（日）",
    "total_va": "增加值（日）",
    "final_demand_unmet": "未满足最终需求（日）",
    "intermediate_unmet": "未满足中间需求（日）",
    "imports_unmet": "未到货进口投入（日）",
}


def to_workbook(result: ScenarioResult) -> bytes:
    """The result as an .xlsx for analysts: 分部门结果 (by sector, Chinese headers, money in the table's unit), 逐日路径
    (economy-wide daily flows), 产出路径 (production ÷ baseline by sector and day), 合计 and 方法 (the method as
    key/value rows)."""
    import io
    import json

    unit = str(result.totals.get("unit", ""))
    money = {"x0", "static_dx", "static_dv", "supply_dx", "supply_dv", "ario_production_loss", "ario_va_loss"}
    sectors = result.sectors.rename(
        columns={c: f"{h}（{unit}）" if c in money and unit else h for c, h in SECTOR_HEADERS.items()}
    )
    sectors.index.name = "部门代码"
    daily = result.daily.rename(columns={c: f"{h}（{unit}）" if unit else h for c, h in DAILY_HEADERS.items()})
    daily.index.name = "天"
    totals = pd.DataFrame({"值": pd.Series(result.totals, dtype=object)}).rename_axis("合计项")
    method = pd.DataFrame(
        {"内容": [json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v for v in result.method.values()]},
        index=pd.Index(list(result.method), name="方法"),
    )
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        sectors.to_excel(xl, sheet_name="分部门结果")
        daily.to_excel(xl, sheet_name="逐日路径")
        result.paths.astype(float).to_excel(xl, sheet_name="产出路径")
        totals.to_excel(xl, sheet_name="合计")
        method.to_excel(xl, sheet_name="方法")
    return buf.getvalue()
