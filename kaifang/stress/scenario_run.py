"""Running a scenario on a table: shocks → model inputs (recorded as data), the static models and the ARIO run.

**Translation** (every step is written to ``method["steps"]``). Each shock has an intensity profile p(t) ∈ [0, 1]:
0 before ``start``, rising linearly over ``phase_in_days``, 1 until ``start + duration`` (or the horizon's end),
then back to 0 linearly over ``recovery_days`` (the rule of :func:`~kaifang.stress.ario.capacity_loss_path`).

* ``export_demand``: Δy_i = −cut · share_of_exports · EX_i on the table's final-use column ``final_use`` (EX); a
  regional table without it uses its single final-demand column: Δy_i = −cut · share · export_share · FD_i.
* ``corridor``: capacity loss Δ_j = loss in the transport sectors; imported inputs (``products``, default all)
  delivered × import_availability.
* ``supplier``: imported (non-local) supply of ``products`` delivered × (1 − drop).
* ``capacity``: Δ_j = loss in ``sectors``.
* ``siphon``: Δy_i = −demand_share · max(y_i, 0) and Δ_i = capacity_share, phased in, permanent.

Shocks combine as Δ = 1 − Π(1 − Δ_k p_k), availability = Π(1 − (1 − a_k) p_k), Δy = Σ Δy_k p_k.

**Static models** at the shocks' full intensity, as annual rates (what a year at the peak would cost):

* demand side, ``static_dx``: Leontief Δx = L Δy (M&B ch. 2); where capacity binds — (1 − Δ_j) x_j below the
  demand-driven x_j + (LΔy)_j — the mixed model of M&B §13.1 fixes x_C = (1 − Δ_C) x_C and solves
  x_U = (I − A_UU)⁻¹ (y_U + Δy_U + A_UC x_C), so suppliers of the constrained sectors lose their sales;
* supply side, ``supply_dx``: the Ghosh model x' = x'B + w' (w = imported inputs + value added, the primary
  inputs of the domestic table; M&B §12.1) with lost imports as a cut in primary inputs, Δw_j = −Σ_p d_p z^M_pj,
  and the constrained sectors' output exogenous: x_U' = (x_C' B_CU + w_U' + Δw_U') (I − B_UU)⁻¹ — customers of
  the constrained sectors and of the missing imports lose their inputs (Ghosh's fixed allocation shares; read it
  as an upper bound, Oosterhaven 1988).

ΔVA = v̂ Δx, Δjobs = ê Δx with e_j = jobs_j / x_j. **ARIO** (:mod:`kaifang.stress.ario`) runs the daily paths;
losses are sums of daily flows in the table's unit, jobs in job-years (Σ_t e_j (x⁰_j − x_j(t)) / 365).
Pure: no Django.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from kaifang.stress import iomath
from kaifang.stress.ario import ARIOParams, ARIOResult, run_ario
from kaifang.stress.iomath import Array
from kaifang.stress.scenario_result import ScenarioResult, recovery_day
from kaifang.stress.scenario_schema import Scenario, ScenarioError, Shock
from kaifang.stress.tables import IOTable

RECOVERY_TOLERANCE = 1e-3  # production back to ≥ 99.9 % of its baseline counts as recovered
Progress = Callable[[float, str], None]


def profile(days: int, shock: Shock) -> Array:
    """Intensity p(t) ∈ [0, 1] of a shock on each day: phase-in, full, linear recovery (see the module text)."""
    t = np.arange(days, dtype=float)
    start = float(shock.start)
    p = np.where(t >= start, 1.0, 0.0)
    if shock.phase_in_days > 0:
        p = np.where(t >= start, np.minimum(1.0, (t - start + 1) / shock.phase_in_days), 0.0)
    if shock.duration is not None:
        end = start + shock.duration
        p = np.where(t >= end, 0.0, p)
        if shock.recovery_days > 0:
            ramp = (t >= end) & (t < end + shock.recovery_days)
            p = np.where(ramp, 1.0 - (t - end + 1) / (shock.recovery_days + 1), p)
    return p


def _has_final_use(table: IOTable, code: str) -> bool:
    return code in table.fd_codes


def check_against(s: Scenario, table: IOTable) -> None:
    """Raise :class:`ScenarioError` if a sector or product code, or a final-use column, is not in the table."""
    codes = set(table.codes)
    problems: list[tuple[str, str]] = []
    for i, shock in enumerate(s.shocks):
        for name in ("sectors", "products"):
            missing = [c for c in getattr(shock, name) if c not in codes]
            if missing:
                problems.append(
                    (
                        s.where(f"shocks[{i}].{name}"),
                        f"表中没有部门 {'、'.join(missing)} (not in the table "
                        f"{table.source or ''}: {', '.join(missing)}; codes {table.codes[0]}–{table.codes[-1]})",
                    )
                )
        no_column = shock.type == "export_demand" and not _has_final_use(table, shock.final_use)
        if no_column and (shock.export_share is None or len(table.fd_codes) != 1):
            problems.append(
                (
                    s.where(f"shocks[{i}].final_use"),
                    f"表中没有最终使用列 {shock.final_use}，请给出 export_share"
                    f"（出口占最终需求的比例） (no final-use column {shock.final_use}: give export_share)",
                )
            )
    for name in ("inventory_days", "import_inventory_days"):
        value = s.params.get(name)
        if isinstance(value, dict):
            missing = [c for c in value if c != "default" and c not in codes]
            if missing:
                problems.append((s.where(f"params.{name}"), f"表中没有部门 {'、'.join(missing)} (not in the table)"))
    if problems:
        raise ScenarioError(problems)


@dataclass
class Translation:
    """The model inputs of a scenario on a table: daily paths for ARIO and the peak values for the static models."""

    capacity_loss: Array  # days × n
    final_demand_change: Array  # days × n, annual rate
    import_availability: Array  # days × n (imported products)
    dy: Array  # peak Δy
    loss: Array  # peak Δ
    import_drop: Array  # peak d_p
    steps: list[dict[str, Any]]


def translate(table: IOTable, s: Scenario) -> Translation:
    """Shocks → ARIO inputs and peak static inputs, each step recorded (plain data) for the result's ``method``."""
    check_against(s, table)
    n, days = table.n, s.horizon_days
    pos = {c: i for i, c in enumerate(table.codes)}
    keep_cap, keep_imp = np.ones((days, n)), np.ones((days, n))
    fd = np.zeros((days, n))
    peak_cap, peak_imp, dy = np.ones(n), np.ones(n), np.zeros(n)
    steps: list[dict[str, Any]] = []
    for k, shock in enumerate(s.shocks):
        p = profile(days, shock)[:, None]
        sectors = [pos[c] for c in shock.sectors]
        products = [pos[c] for c in shock.products]
        step: dict[str, Any] = {"shock": k, "type": shock.type, "active_days": int((p > 0).sum())}
        loss = np.zeros(n)
        drop = np.zeros(n)
        d = np.zeros(n)
        if shock.type == "export_demand":
            if _has_final_use(table, shock.final_use):
                base = table.final_use(shock.final_use)
                step["formula"] = f"Δy_i = −cut · share_of_exports · {shock.final_use}_i"
            else:
                base = table.Y[:, 0] * float(shock.export_share or 0.0)
                step["formula"] = f"Δy_i = −cut · share_of_exports · export_share · {table.fd_codes[0]}_i"
            d[sectors] = -shock.cut * shock.share_of_exports * np.maximum(base[sectors], 0.0)
        elif shock.type in ("corridor", "capacity"):
            loss[sectors] = shock.loss
            if shock.type == "corridor" and shock.import_availability < 1.0:
                drop[products or list(range(n))] = 1.0 - shock.import_availability
            step["formula"] = "Δ_j = loss (transport capacity); imported inputs × import_availability"
        elif shock.type == "supplier":
            drop[products] = shock.drop
            step["formula"] = "imported supply of the products × (1 − drop)"
        elif shock.type == "siphon":
            d[sectors] = -shock.demand_share * np.maximum(table.y[sectors], 0.0)
            loss[sectors] = shock.capacity_share
            step["formula"] = "Δy_i = −demand_share · max(y_i, 0); Δ_i = capacity_share (permanent)"
        keep_cap *= 1.0 - loss[None, :] * p
        keep_imp *= 1.0 - drop[None, :] * p
        fd += d[None, :] * p
        peak_cap *= 1.0 - loss
        peak_imp *= 1.0 - drop
        dy += d
        step |= {
            "final_demand_change": {table.codes[i]: float(d[i]) for i in np.flatnonzero(d)},
            "capacity_loss": {table.codes[i]: float(loss[i]) for i in np.flatnonzero(loss)},
            "import_drop": {table.codes[i]: float(drop[i]) for i in np.flatnonzero(drop)},
        }
        steps.append(step)
    return Translation(1.0 - keep_cap, fd, keep_imp, dy, 1.0 - peak_cap, 1.0 - peak_imp, steps)


def static_models(table: IOTable, tr: Translation) -> tuple[Array, Array, list[str]]:
    """(demand-side Δx, supply-side Δx, constrained sector codes) at the peak; formulas in the module text."""
    x = table.x
    demand_x = x + iomath.calc_demand_shock(table.L, tr.dy)
    capped = (1.0 - tr.loss) * x
    c = (tr.loss > 0) & (capped < demand_x)
    if c.any():
        x_new, _ = iomath.calc_mixed(table.A, table.y + tr.dy, np.where(c, capped, 0.0), c)
        static_dx = x_new - x
    else:
        static_dx = demand_x - x
    supply_dx = np.zeros_like(x)
    cut_w = -(tr.import_drop[:, None] * table.Z_imports).sum(axis=0)
    con = tr.loss > 0
    if con.any() or (cut_w != 0).any():
        b = table.B
        u = ~con
        w = x - table.Z.sum(axis=0)
        x_new = np.where(con, capped, 0.0)
        rhs = capped[con] @ b[np.ix_(con, u)] + w[u] + cut_w[u]
        x_new[u] = np.linalg.solve((np.eye(int(u.sum())) - b[np.ix_(u, u)]).T, rhs)
        supply_dx = x_new - x
    return static_dx, supply_dx, [table.codes[i] for i in np.flatnonzero(c)]


def ario_params(s: Scenario, table: IOTable) -> ARIOParams:
    """ARIOParams with the scenario's overrides; per-sector inventory days ``{code: days, default: d}``."""
    base = ARIOParams()
    over: dict[str, Any] = {}
    for name, value in s.params.items():
        if isinstance(value, dict):
            default = value.get("default", getattr(base, name))
            over[name] = tuple(float(value.get(c, default)) for c in table.codes)
        else:
            over[name] = value
    return replace(base, **over)


def _finite_or_text(value: Any) -> Any:
    """A parameter for the JSON record: ∞ (a non-storable input) as the text "inf", which JSON can hold."""
    if isinstance(value, tuple | list):
        return [_finite_or_text(v) for v in value]
    if isinstance(value, float) and np.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def _jobs(table: IOTable, jobs: Array | pd.Series | None) -> Array | None:
    if jobs is None:
        return None
    if isinstance(jobs, pd.Series):
        return jobs.reindex(list(table.codes)).fillna(0.0).to_numpy(dtype=float)
    arr = np.asarray(jobs, dtype=float).reshape(-1)
    if arr.size != table.n:
        raise ValueError(f"就业人数应有 {table.n} 个部门，而不是 {arr.size} (expected {table.n} jobs values)")
    return arr


def _year(source: str) -> int | None:
    m = re.search(r"(19|20)\d\d", source)
    return int(m.group(0)) if m else None


def run_scenario(
    table: IOTable,
    s: Scenario,
    *,
    jobs: Array | pd.Series | None = None,
    progress: Progress | None = None,
) -> ScenarioResult:
    """Translate, run the static models (if ``s.static``) and ARIO over ``s.horizon_days``; labelled results."""
    report = progress or (lambda f, m: None)
    report(0.0, "转换冲击 (translating shocks)")
    tr = translate(table, s)
    e = _jobs(table, jobs)
    e_coef = None if e is None else iomath.safe_divide(e, table.x)
    nan = np.full(table.n, np.nan)
    static_dx = supply_dx = nan
    constrained: list[str] = []
    if s.static:
        report(0.03, "静态模型 (static models)")
        static_dx, supply_dx, constrained = static_models(table, tr)
    params = ario_params(s, table)
    days = s.horizon_days
    step = max(1, days // 50)

    def on_day(day: int, total: int) -> None:
        report(0.05 + 0.9 * day / total, f"ARIO 第 {day}/{total} 天 (day {day} of {total})")

    r = run_ario(
        table.Z,
        table.y,
        table.value_added,
        days,
        capacity_loss=tr.capacity_loss,
        final_demand_change=tr.final_demand_change,
        Z_imports=table.Z_imports,
        import_availability=tr.import_availability,
        params=params,
        progress=on_day,
    )
    report(0.96, "汇总结果 (summarising)")
    result = _assemble(table, s, tr, r, static_dx, supply_dx, e_coef, params, constrained, step)
    report(1.0, "完成 (done)")
    return result


def _assemble(
    table: IOTable,
    s: Scenario,
    tr: Translation,
    r: ARIOResult,
    static_dx: Array,
    supply_dx: Array,
    e: Array | None,
    params: ARIOParams,
    constrained: Sequence[str],
    step: int,
) -> ScenarioResult:
    x0 = r.baseline_production
    ratio = iomath.safe_divide(r.production, x0[None, :])
    ratio[:, x0 == 0] = 1.0
    prod_loss = r.production_loss()
    va_loss = r.value_added_loss()
    year = params.days_per_year
    nan = np.full(table.n, np.nan)
    jobs_loss = nan if e is None else e * prod_loss / year
    sectors = pd.DataFrame(
        {
            "name_zh": list(table.names_zh),
            "x0": table.x,
            "static_dx": static_dx,
            "static_dv": table.v * static_dx,
            "static_djobs": nan if e is None else e * static_dx,
            "supply_dx": supply_dx,
            "supply_dv": table.v * supply_dx,
            "ario_production_loss": prod_loss,
            "ario_va_loss": va_loss,
            "ario_jobs_loss": jobs_loss,
            "min_production_ratio": ratio.min(axis=0),
            "days_below_99": (ratio < 0.99).sum(axis=0),
            "recovery_day": pd.array(
                [recovery_day(ratio[:, j], RECOVERY_TOLERANCE) for j in range(table.n)], dtype="Int64"
            ),
        },
        index=table.index,
    )
    days_index = pd.RangeIndex(r.days, name="day")
    daily = pd.DataFrame(
        {
            "total_production": r.production.sum(axis=1),
            "total_va": r.value_added.sum(axis=1),
            "final_demand_unmet": r.final_demand_unmet.sum(axis=1),
            "intermediate_unmet": r.intermediate_unmet.sum(axis=1),
            "imports_unmet": r.imports_unmet.sum(axis=1),
        },
        index=days_index,
    )
    paths = pd.DataFrame(ratio.astype(np.float32), index=days_index, columns=table.index)
    annual_va = float(table.value_added.sum())
    daily_loss = x0.sum() - r.production.sum(axis=1)
    total_ratio = r.production.sum(axis=1) / x0.sum()
    sector_days = sectors["recovery_day"]
    totals = {
        "unit": table.unit,
        "production_loss": float(prod_loss.sum()),
        "va_loss": float(va_loss.sum()),
        "va_loss_pct": 100.0 * float(va_loss.sum()) / annual_va if annual_va else None,
        "jobs_loss": None if e is None else float(jobs_loss.sum()),
        "peak_daily_loss": float(daily_loss.max()),
        "peak_day": int(daily_loss.argmax()),
        "recovery_day": recovery_day(total_ratio, RECOVERY_TOLERANCE),
        "all_sectors_recovery_day": None if sector_days.isna().any() else int(sector_days.max()),
        "final_demand_unmet": float(r.final_demand_unmet.sum()),
        "imports_unmet": float(r.imports_unmet.sum()),
        "static_production_change": float(np.nansum(static_dx)) if s.static else None,
        "static_va_change": float(np.nansum(table.v * static_dx)) if s.static else None,
        "static_jobs_change": float(np.nansum(e * static_dx)) if s.static and e is not None else None,
        "supply_production_change": float(np.nansum(supply_dx)) if s.static else None,
    }
    method = {
        "models": (["leontief", "mixed (M&B §13.1)", "ghosh (mixed, supply side)"] if s.static else []) + ["ario"],
        "static": {
            "demand_side": "Δx = L Δy; constrained sectors C: x_C = (1 − Δ_C) x_C, "
            "x_U = (I − A_UU)⁻¹ (y_U + Δy_U + A_UC x_C)",
            "supply_side": "x_U' = (x_C' B_CU + w_U' + Δw_U') (I − B_UU)⁻¹, Δw_j = −Σ_p d_p z^M_pj",
            "intensity": "peak, annual rate",
            "constrained": list(constrained),
        }
        if s.static
        else None,
        "ario": {k: _finite_or_text(v) for k, v in asdict(params).items()},
        "ario_reference": "Hallegatte (2008, 2014); kaifang.stress.ario",
        "combination": "Δ = 1 − Π(1 − Δ_k p_k); availability = Π(1 − d_k p_k); Δy = Σ Δy_k p_k",
        "recovery_tolerance": RECOVERY_TOLERANCE,
        "jobs": "e_j = jobs_j / x_j; ARIO job-years = Σ_t e_j (x⁰_j − x_j(t)) / 365" if e is not None else None,
        "steps": tr.steps,
        "progress_every_days": step,
    }
    table_meta = {
        "source": table.source,
        "unit": table.unit,
        "n": table.n,
        "layout": table.layout,
        "year": _year(table.source),
        "fd_codes": list(table.fd_codes),
    }
    return ScenarioResult(s, table_meta, method, sectors, daily, paths, totals)
