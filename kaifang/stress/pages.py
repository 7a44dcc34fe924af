"""What the stress-test pages show, as plain data (the JSON twins return exactly this).

Money is shown in 亿元 (tables are kept in their own unit, usually 万元), jobs in persons (人) or 人·年 for
ARIO's job-years. Every result carries the table and the method it was computed with.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kaifang.core.jsonsafe import json_safe
from kaifang.core.units import conversion_factor
from kaifang.jobs.models import Job
from kaifang.observations.latest import latest_annual
from kaifang.stress import store, versions
from kaifang.stress.models import IOTableRecord, Scenario, StressRun
from kaifang.stress.runs import result_of
from kaifang.stress.scenarios import KIND_NAMES, ScenarioError, compare

TOP = 15  # sectors in a bar chart
#: what a list of runs or tables does not read: stored results and matrices (large), the uploaded original
RUN_BLOBS = ("result", "table__arrays", "table__original")
TABLE_BLOBS = ("arrays", "original")


def to_yi(unit: str) -> float:
    """The factor from a table unit (万元 …) to 亿元."""
    return conversion_factor(unit, "亿元")


def table_row(t: IOTableRecord) -> dict[str, Any]:
    return {
        "id": t.pk,
        "name": t.name,
        "kind": t.kind,
        "kind_label": t.get_kind_display(),
        "region": t.region.name_zh if t.region else None,
        "region_code": t.region.code if t.region else None,
        "year": t.year,
        "n_sectors": t.n_sectors,
        "unit": t.unit,
        "source": t.source,
        "is_sample": t.is_sample,
        "output_yi": t.meta.get("totals", {}).get("output", 0.0) * to_yi(t.unit),
        "value_added_yi": t.meta.get("totals", {}).get("value_added", 0.0) * to_yi(t.unit),
        "jobs": t.meta.get("totals", {}).get("jobs"),
        "parent": t.parent_id,
        "method": t.method,
        "created_at": t.created_at.isoformat(),
    }


def scenario_row(s: Scenario) -> dict[str, Any]:
    return {
        "kind_zh": KIND_NAMES.get(s.kind, s.kind),
        "id": s.pk,
        "key": s.key,
        "version": s.version,
        "name_zh": s.name_zh,
        "name_en": s.name_en,
        "kind": s.kind,
        "source": s.source,
        "from_library": s.from_library,
        "current": s.superseded_at is None,
        "reason": s.reason,
        "created_at": s.created_at.isoformat(),
        "created_by": s.created_by.username if s.created_by else None,
    }


def summary(totals: dict[str, Any], unit: str) -> dict[str, Any]:
    """A run's headline figures in 亿元 (losses positive; static changes signed, negative = loss)."""
    k = to_yi(totals.get("unit", unit))

    def money(name: str) -> float | None:
        v = totals.get(name)
        return None if v is None else float(v) * k

    pct = totals.get("va_loss_pct")
    return {
        "production_loss_yi": money("production_loss"),
        "va_loss_yi": money("va_loss"),
        "va_loss_share": None if pct is None else float(pct) / 100.0,
        "jobs_loss": totals.get("jobs_loss"),
        "recovery_day": totals.get("recovery_day"),
        "peak_day": totals.get("peak_day"),
        "static_dx_yi": money("static_production_change"),
        "static_dv_yi": money("static_va_change"),
        "supply_dx_yi": money("supply_production_change"),
        "static_jobs": totals.get("static_jobs_change"),
        "final_demand_unmet_yi": money("final_demand_unmet"),
    }


STATE_ZH = {"done": "已完成", "failed": "失败", "queued": "排队中", "running": "计算中"}


def _state(r: StressRun) -> str:
    return "done" if r.done else ("failed" if r.error else (r.job.state if r.job else "queued"))


def run_row(r: StressRun) -> dict[str, Any]:
    job: Job | None = r.job
    state = _state(r)
    return {
        "id": r.pk,
        "scenario": r.scenario.name_zh,
        "scenario_id": r.scenario_id,
        "scenario_version": r.scenario.version,
        "table": r.table.name,
        "table_id": r.table_id,
        "state_zh": STATE_ZH.get(state, state),
        "state": state,
        "progress": 1.0 if r.done else (job.progress if job else 0.0),
        "job": job.pk if job else None,
        "totals": r.totals,
        "summary": summary(r.totals, r.table.unit) if r.totals else {},
        "error": r.error,
        "created_at": r.created_at.isoformat(),
        "finished_at": r.finished_at.isoformat() if r.finished_at else None,
    }


def home(workspace: Any) -> dict[str, Any]:
    tables = IOTableRecord.objects.filter(workspace=workspace).select_related("region").defer(*TABLE_BLOBS)
    runs = StressRun.objects.filter(workspace=workspace).select_related("scenario", "table", "job")
    runs = runs.defer(*RUN_BLOBS)[:30]
    return {
        "tables": [table_row(t) for t in tables],
        "scenarios": [scenario_row(s) for s in versions.current(workspace)],
        "runs": [run_row(r) for r in runs],
    }


THREE_INDUSTRIES = ("PRIMARY_VA", "SECONDARY_VA", "TERTIARY_VA")


def region_defaults(workspace: Any) -> dict[str, Any] | None:
    """The home region's three-industry value added (亿元) of the latest year that has all three, from the catalog's
    observations (第二产业 is derived: GDP − 第一 − 第三), to prefill the regionalisation form; None without data."""
    region = workspace.home_region
    if region is None:
        return None
    derived = latest_annual(workspace, region.code, ["SECONDARY_VA"])  # exists only where all its inputs do
    if not derived:
        return None
    found = latest_annual(workspace, region.code, THREE_INDUSTRIES, year=derived["SECONDARY_VA"]["year"])
    if set(found) != set(THREE_INDUSTRIES):
        return None
    return {
        "region": region.code,
        "year": found["PRIMARY_VA"]["year"],
        "primary": round(found["PRIMARY_VA"]["value"], 6),
        "secondary": round(found["SECONDARY_VA"]["value"], 6),
        "tertiary": round(found["TERTIARY_VA"]["value"], 6),
        "is_sample": any(v["is_sample"] for v in found.values()),
        "observations": sorted(i for v in found.values() for i in v["observations"]),
    }


def table_page(record: IOTableRecord) -> dict[str, Any]:
    """A table's sectors with output, value added, imports, multipliers and Rasmussen linkages."""
    loaded = store.load(record)
    t = loaded.table
    k = to_yi(t.unit)
    links = t.linkages()
    frame = pd.DataFrame(
        {
            "code": list(t.codes),
            "name_zh": list(t.names_zh),
            "name_en": list(t.names_en),
            "output_yi": t.x * k,
            "value_added_yi": np.asarray(t.value_added) * k,
            "import_share": np.divide(t.imported_inputs, t.x, out=np.zeros(t.n), where=t.x > 0),
            "output_multiplier": t.output_multipliers().to_numpy(),
            "va_multiplier": t.value_added_multipliers().to_numpy(),
            "backward": links["backward"].to_numpy(),
            "forward": links["forward"].to_numpy(),
            "key": links["key"].to_numpy(),
            "jobs": loaded.jobs if loaded.jobs is not None else np.full(t.n, np.nan),
        }
    )
    parent = record.parent
    return json_safe(
        {
            "table": table_row(record),
            "parent": table_row(parent) if parent else None,
            "regional": [table_row(c) for c in record.children.all()],
            "sectors": frame.to_dict(orient="records"),
            "multipliers": {
                "min": float(frame.output_multiplier.min()),
                "max": float(frame.output_multiplier.max()),
                "mean": float(frame.output_multiplier.mean()),
            },
            "runs": [run_row(r) for r in record.runs.select_related("scenario", "table", "job").defer(*RUN_BLOBS)[:20]],
            "region_defaults": region_defaults(record.workspace),
        }
    )


def scenario_page(record: Scenario) -> dict[str, Any]:
    history = Scenario.objects.filter(workspace=record.workspace, key=record.key).order_by("-version")
    try:
        spec = versions.spec_of(record)
        shocks = [json_safe(vars(s)) if hasattr(s, "__dict__") else json_safe(s) for s in spec.shocks]
        detail: dict[str, Any] = {
            "description": spec.description,
            "horizon_days": spec.horizon_days,
            "shocks": shocks,
            "params": json_safe(spec.params),
            "problems": [],
        }
    except ScenarioError as exc:  # a stored text the current code no longer reads: shown, not hidden
        detail = {"description": "", "horizon_days": None, "shocks": [], "params": {}, "problems": exc.problems}
    runs = StressRun.objects.filter(scenario__workspace=record.workspace, scenario__key=record.key)
    return {
        "scenario": scenario_row(record),
        **detail,
        "text": record.text,
        "history": [scenario_row(s) for s in history],
        "runs": [run_row(r) for r in runs.select_related("scenario", "table", "job").defer(*RUN_BLOBS)[:20]],
        "tables": [table_row(t) for t in IOTableRecord.objects.filter(workspace=record.workspace).defer(*TABLE_BLOBS)],
    }


def _names_en(record: IOTableRecord) -> dict[str, str]:
    return dict(zip(record.meta.get("codes", []), record.meta.get("names_en", []), strict=False))


def _sector_records(sectors: pd.DataFrame, k: float, names_en: dict[str, str]) -> list[dict[str, Any]]:
    money = [c for c in sectors.columns if c.endswith(("_dx", "_dv", "_loss")) and "jobs" not in c] + ["x0"]
    out = sectors.copy()
    for c in money:
        if c in out:
            out[c] = out[c] * k
    out.insert(0, "code", out.index.astype(str))
    out.insert(2, "name_en", [names_en.get(str(c), str(c)) for c in out.index])
    return json_safe(out.reset_index(drop=True).to_dict(orient="records"))  # type: ignore[no-any-return]


def compact(value: Any, codes: list[str]) -> str:
    """A per-sector parameter list as its usual value and the exceptions, e.g. ``90（29 = inf）``."""
    if not isinstance(value, list):
        return str(value)
    counts: dict[str, int] = {}
    for v in value:
        counts[str(v)] = counts.get(str(v), 0) + 1
    usual = max(counts, key=lambda k: counts[k])
    others = [f"{c} = {v}" for c, v in zip(codes, value, strict=False) if str(v) != usual]
    return usual + (f"（{'，'.join(others)}）" if others else "")


def run_page(run: StressRun) -> dict[str, Any]:
    data: dict[str, Any] = {"run": run_row(run), "scenario": scenario_row(run.scenario), "table": table_row(run.table)}
    job = run.job
    if job is not None:
        data["job"] = {"id": job.pk, "state": job.state, "progress": job.progress, "message": job.message}
    if not run.done:
        return data
    r = result_of(run)
    k = to_yi(r.table_meta.get("unit", run.table.unit))
    sectors = r.sectors
    loss_col = "ario_production_loss" if "ario_production_loss" in sectors else "static_dx"
    order = sectors[loss_col].abs().sort_values(ascending=False).index
    top = list(order[:TOP])
    paths = r.paths
    worst = [c for c in top[:6] if c in paths.columns]
    daily = r.daily
    data.update(
        json_safe(
            {
                "summary": {**summary(r.totals, run.table.unit), "horizon_days": len(r.daily)},
                "totals": r.totals,
                "method": r.method,
                "ario_display": {k: compact(v, list(sectors.index)) for k, v in r.method.get("ario", {}).items()},
                "table_meta": r.table_meta,
                "sectors": _sector_records(sectors.loc[order], k, _names_en(run.table)),
                "top": top,
                "daily": {"day": [int(d) for d in daily.index], **{c: daily[c].tolist() for c in daily.columns}},
                "paths": {"day": [int(d) for d in paths.index], **{c: paths[c].astype(float).tolist() for c in worst}},
                "path_names": {c: str(sectors.loc[c, "name_zh"]) if "name_zh" in sectors else c for c in worst},
            }
        )
    )
    return data


SUMMARY_LABELS = {
    "production_loss_yi": "产出损失（ARIO，亿元）",
    "va_loss_yi": "增加值损失（亿元）",
    "jobs_loss": "就业影响（人·年）",
    "static_dx_yi": "静态 Δ产出（亿元）",
    "static_dv_yi": "静态 Δ增加值（亿元）",
    "supply_dx_yi": "静态供给侧 Ghosh Δ产出（亿元）",
    "final_demand_unmet_yi": "未满足最终需求（亿元）",
    "recovery_day": "恢复日",
}


def compare_page(a: StressRun, b: StressRun) -> dict[str, Any]:
    """Two finished runs side by side: headline figures and the sectors' losses, with differences (b − a)."""
    ra, rb = result_of(a), result_of(b)
    k = to_yi(ra.table_meta.get("unit", a.table.unit))
    sa, sb = summary(ra.totals, a.table.unit), summary(rb.totals, b.table.unit)
    rows_summary = []
    for key, label in SUMMARY_LABELS.items():
        va, vb = sa.get(key), sb.get(key)
        diff = vb - va if isinstance(va, int | float) and isinstance(vb, int | float) else None
        rows_summary.append({"key": key, "label": label, "a": va, "b": vb, "diff": diff})
    rows: list[dict[str, Any]] = []
    names_en = _names_en(a.table)
    if list(ra.sectors.index) == list(rb.sectors.index):
        table = compare(ra, rb).drop(index="total")
        for code, row in table.iterrows():
            rows.append(
                {
                    "code": str(code),
                    "name_zh": row["name_zh"],
                    "name_en": names_en.get(str(code), str(code)),
                    "a_loss": row["ario_production_loss_a"] * k,
                    "b_loss": row["ario_production_loss_b"] * k,
                    "diff_loss": row["ario_production_loss_diff"] * k,
                    "a_va": row["ario_va_loss_a"] * k,
                    "b_va": row["ario_va_loss_b"] * k,
                    "a_min_ratio": row["min_production_ratio_a"],
                    "b_min_ratio": row["min_production_ratio_b"],
                }
            )
        rows.sort(key=lambda r: -max(abs(r["a_loss"] or 0), abs(r["b_loss"] or 0)))
    return json_safe(
        {
            "a": run_row(a),
            "b": run_row(b),
            "same_table": a.table_id == b.table_id,
            "same_sectors": bool(rows),
            "summary_rows": rows_summary,
            "rows": rows,
        }
    )


def headline(workspace: Any) -> dict[str, Any] | None:
    """The cockpit's stress-test card: of the newest finished run of each scenario, the one costing the most value
    added (亿元 and share of the year's value added), and how many scenarios have results."""
    newest: dict[str, StressRun] = {}
    done = StressRun.objects.filter(workspace=workspace, result__isnull=False).select_related("scenario", "table")
    done = done.defer(*RUN_BLOBS)
    for r in done.order_by("-created_at", "-id"):
        newest.setdefault(r.scenario.key, r)
    if not newest:
        return None
    worst = max(newest.values(), key=lambda r: r.totals.get("va_loss") or 0.0)
    return {
        "scenarios": len(newest),
        "worst": {"run": worst.pk, "scenario": worst.scenario.name_zh, **summary(worst.totals, worst.table.unit)},
    }
