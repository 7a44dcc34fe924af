"""Adaptive Regional Input-Output (ARIO) model: daily disequilibrium dynamics after a shock (Hallegatte 2008).

Each industry j produces x_j(t) each day, bounded by three limits; each buyer holds inventories of its inputs:

1. **Demand**  D_i(t) = Σ_j O_ij(t) + f_i(t): yesterday's orders from the other industries plus final demand.
2. **Capacity**  x^cap_j(t) = α_j(t) · (1 − Δ_j(t)) · x⁰_j, with Δ_j the share of productive capacity lost
   (the exogenous shock and its recovery path) and α_j ≥ 1 the overproduction factor.
3. **Inputs**  with x^opt = min(D, x^cap), production falls in proportion to the scarcest input whose stock is below
   ψ times the stock needed for s_p days of use at x^opt:
   x_j = x^opt_j · min(1, min_p S_pj / (ψ s_p a_pj x^opt_j)).

**Rationing** is proportional: every client of i (industries and final demand alike) receives x_i / D_i of its order;
the rest is recorded as unmet intermediate or final demand (final demand is not postponed).
**Inventories** S_pj += received − used, used = a_pj x_j. **Orders** for the next day replace what was used and
close the gap to the target s_p a_pj x^opt_j over τ_inv days: O_pj = a_pj x_j + max(S*_pj − S_pj, 0) / τ_inv,
split among the suppliers of product p in their baseline shares (no substitution, Hallegatte 2014). With
``ARIOParams(order_split="capacity")`` the split follows the suppliers' current capacity instead, as BoARIO's default
``order_type="alt"`` after Guan et al. (2020): supplier i of p gets the share z_ij x^cap_i / x⁰_i of
Σ_{k ∈ p} z_kj x^cap_k / x⁰_k, so buyers shift orders towards the region that can still deliver.
**Overproduction** adapts with scarcity ζ_j = (D_j − x_j)/D_j: α ← α + (α_max − α) ζ / τ_α if ζ > 0, otherwise
α ← α + (1 − α) / τ_α (α_max = 1.25, τ_α = 365 days in Hallegatte 2008). BoARIO 0.7 updates α a day later, from
the next day's demand against this day's output, and not before day 2: production paths differ by up to 3e-4
relative (``benchmarks/bench_stress.py``).

A negative final demand (net inventory drawdown, 存货变动 FU202 in a national table) acts as a fixed extra supply of
the product; its recorded "unmet" part is then negative. The inventory gap is clipped at 0 (no negative orders): stocks
built above their target while production was high stay there, as in the published model.

Imported inputs (rows of ``Z_imports``) are products of their own: ordered like the others and delivered times an
availability in [0, 1] (1 = unconstrained; a corridor closure lowers it). Value added moves with production at the
baseline coefficients.

With no shock every quantity is computed from the baseline by exact operations (multiplying by 1.0, adding 0.0),
so the economy stays *bitwise* at its baseline. The model works on daily flows: annual tables are divided by 365.

References: Hallegatte, S. (2008), "An adaptive regional input-output model and its application to the assessment of
the economic cost of Katrina", Risk Analysis 28(3), 779–799; Hallegatte, S. (2014), "Modeling the role of inventories
and heterogeneity in the assessment of the economic costs of natural disasters", Risk Analysis 34(1), 152–167 (the
ψ inventory rule, product-level inventories); Guan, D. et al. (2020), "Global supply-chain effects of COVID-19 control
measures", Nature Human Behaviour 4, 577–587 (orders follow the suppliers' capacity). BoARIO (Juhel 2023) documents
the same equations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from kaifang.stress.iomath import Array, safe_divide

ORDER_SPLITS = ("baseline", "capacity")


@dataclass(frozen=True)
class ARIOParams:
    """Behavioural parameters: α_max = 1.25, τ_α = 365 days as in Hallegatte (2008); 90 days of stock, ψ = 0.8 and
    τ_inv = 60 days as in BoARIO's defaults. Non-storable inputs (electricity, most services) can take s_p = inf.
    ``order_split``: ``"baseline"`` (default) splits each product's order among its suppliers in their baseline
    shares; ``"capacity"`` weights them by their capacity today, x^cap_i / x⁰_i (BoARIO's ``order_type="alt"``)."""

    inventory_days: float | Sequence[float] = (
        90.0  # s_p: target stock of each domestic product, days of use (inf: none)
    )
    import_inventory_days: float | Sequence[float] = 90.0  # the same for each imported product
    psi: float = 0.8  # production is cut when a stock falls below ψ times its target
    tau_inventory: float = 60.0  # days to close an inventory gap
    alpha_max: float = 1.25  # maximum overproduction
    tau_alpha: float = 365.0  # characteristic time of overproduction, days
    days_per_year: float = 365.0
    order_split: str = "baseline"  # how a product's order is split among its suppliers: ORDER_SPLITS


@dataclass(frozen=True)
class ARIOResult:
    """Daily paths (days × industries) in the table's money unit per day, and the baseline they deviate from."""

    production: Array
    capacity: Array
    demand: Array
    value_added: Array
    final_demand_unmet: Array
    intermediate_unmet: Array
    inventories: Array  # stock of inputs held by each industry (all tracked products)
    inputs_received: Array  # domestic and imported inputs received into those stocks, by buying industry
    inputs_used: Array  # inputs drawn from those stocks by production, by buying industry
    overproduction: Array
    imports_unmet: Array  # imported inputs ordered but not delivered, by buying industry
    baseline_production: Array
    baseline_value_added: Array
    baseline_inventories: Array

    @property
    def days(self) -> int:
        return int(self.production.shape[0])

    def production_loss(self) -> Array:
        """Σ_t (x⁰ − x(t)) by industry (negative where an industry gains)."""
        return (self.baseline_production[None, :] - self.production).sum(axis=0)

    def value_added_loss(self) -> Array:
        return (self.baseline_value_added[None, :] - self.value_added).sum(axis=0)

    def frame(self, name: str, codes: Sequence[str]) -> pd.DataFrame:
        """One path as a labelled frame: days (0, 1, …) × sector codes, e.g. ``frame("production", table.codes)``."""
        values = getattr(self, name)
        return pd.DataFrame(values, index=pd.RangeIndex(self.days, name="day"), columns=pd.Index(codes, name="sector"))

    def totals(self) -> dict[str, float]:
        """Headline figures over the horizon (money), plain data for a report."""
        return {
            "production_loss": float(self.production_loss().sum()),
            "value_added_loss": float(self.value_added_loss().sum()),
            "final_demand_unmet": float(self.final_demand_unmet.sum()),
            "intermediate_unmet": float(self.intermediate_unmet.sum()),
            "imports_unmet": float(self.imports_unmet.sum()),
        }


def capacity_loss_path(
    n: int,
    days: int,
    sectors: int | Sequence[int],
    loss: float,
    start: int = 0,
    duration: int = 30,
    recovery_days: int = 0,
) -> Array:
    """Δ(t) (days × n): ``loss`` of capacity in ``sectors`` from day ``start`` for ``duration`` days, then a linear
    return to full capacity over ``recovery_days`` (0 = at once)."""
    if not 0.0 <= loss <= 1.0:
        raise ValueError(f"capacity loss must be in [0, 1], got {loss}")
    t = np.arange(days, dtype=float)
    end = start + duration
    profile = np.where((t >= start) & (t < end), loss, 0.0)
    if recovery_days > 0:
        ramp = (t >= end) & (t < end + recovery_days)
        profile = np.where(ramp, loss * (1.0 - (t - end + 1) / (recovery_days + 1)), profile)
    out = np.zeros((days, n))
    out[:, np.atleast_1d(np.asarray(sectors, dtype=int))] = profile[:, None]
    return out


def _path(value: npt.ArrayLike | None, days: int, width: int, default: float, name: str) -> Array:
    if value is None:
        return np.full((days, width), default)
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 1 and arr.shape[0] == width:
        return np.broadcast_to(arr, (days, width))
    if arr.ndim == 1 and arr.shape[0] == days:
        return np.broadcast_to(arr[:, None], (days, width))
    if arr.shape != (days, width):
        raise ValueError(f"{name} must be ({days}, {width}), ({width},) or ({days},); got {arr.shape}")
    return arr


def _days(value: float | Sequence[float], width: int, name: str) -> Array:
    arr = np.broadcast_to(np.asarray(value, dtype=float), (width,)).astype(float)
    if (arr <= 0).any() or np.isnan(arr).any():
        raise ValueError(f"{name} must be positive days (or inf)")
    return arr


def run_ario(
    Z: npt.ArrayLike,
    y: npt.ArrayLike,
    value_added: npt.ArrayLike,
    days: int,
    *,
    capacity_loss: npt.ArrayLike | None = None,
    final_demand_change: npt.ArrayLike | None = None,
    Z_imports: npt.ArrayLike | None = None,
    import_availability: npt.ArrayLike | None = None,
    products: Sequence[int] | None = None,
    params: ARIOParams | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ARIOResult:
    """Simulate ``days`` daily steps from the equilibrium of an annual table (Z n×n, final demand y, value added).

    ``capacity_loss`` Δ (days × n, or n, in [0, 1]); ``final_demand_change`` added to y (annual rate; days × n or n),
    e.g. a tariff cut in exports; ``Z_imports`` q×n imported inputs by product with ``import_availability``
    (days × q, q or days, in [0, 1]); ``products`` maps each industry to a product index (e.g. the same sector in
    two regions), default one product per industry. The baseline output is x⁰ = Z i + y. ``progress(day, days)``
    is called about every 1/50 of the horizon.
    """
    p = params or ARIOParams()
    year = p.days_per_year
    z = np.ascontiguousarray(np.asarray(Z, dtype=float) / year)  # one memory layout: sums repeat bitwise
    n = z.shape[0]
    fd0 = np.asarray(y, dtype=float).reshape(-1) / year
    zm = (
        np.zeros((0, n))
        if Z_imports is None
        else np.ascontiguousarray(np.asarray(Z_imports, float).reshape(-1, n) / year)
    )
    q = zm.shape[0]
    prod = np.arange(n) if products is None else np.asarray(products, dtype=int)
    n_prod = int(prod.max()) + 1
    agg = np.zeros((n_prod, n))
    agg[prod, np.arange(n)] = 1.0

    x0 = z.sum(axis=1) + fd0  # the same expression as the daily demand below: the baseline is reproduced bitwise
    v = safe_divide(np.asarray(value_added, dtype=float).reshape(-1) / year, x0)
    use = np.vstack([agg @ z, zm])  # baseline daily use of each product (domestic, then imported) by each industry
    s = np.concatenate([_days(p.inventory_days, n_prod, "inventory_days"),
                        _days(p.import_inventory_days, q, "import_inventory_days")])[:, None]  # fmt: skip
    tracked = np.isfinite(s)  # s_p = ∞: a non-storable or always-available input, never a constraint
    s = np.where(tracked, s, 0.0)
    stock = s * use
    loss = _path(capacity_loss, days, n, 0.0, "capacity_loss")
    fd = fd0[None, :] + _path(final_demand_change, days, n, 0.0, "final_demand_change") / year
    avail = _path(import_availability, days, q, 1.0, "import_availability")
    if (loss < 0).any() or (loss > 1).any() or (avail < 0).any() or (avail > 1).any():
        raise ValueError("capacity_loss and import_availability must lie in [0, 1]")

    if p.order_split not in ORDER_SPLITS:
        raise ValueError(f"order_split must be one of {ORDER_SPLITS}, got {p.order_split!r}")
    by_capacity = p.order_split == "capacity"
    all_tracked = bool(tracked.all())
    orders = z.copy()
    import_orders = zm.copy()
    alpha = np.ones(n)
    rec = {k: np.empty((days, n)) for k in ("x", "cap", "d", "fu", "iu", "inv", "in", "out", "alpha", "mu")}
    every = max(1, days // 50)  # progress(day, days) about 50 times over the horizon
    for t in range(days):
        demand = orders.sum(axis=1) + fd[t]
        cap = x0 * (alpha * (1.0 - loss[t]))
        x_opt = np.maximum(np.minimum(demand, cap), 0.0)  # demand < 0 only where final demand is negative
        r_opt = _div(x_opt, x0)
        target = _stock_target(s, use, r_opt)
        need = p.psi * target
        short = stock < need
        factor = np.ones(n)
        if short.any():
            ratio = np.where(short, _div(stock, need), 1.0)
            factor = np.minimum(1.0, ratio.min(axis=0))
        x = x_opt * factor
        r = _div(x, x0)
        served = _div(x, demand)
        delivered = orders * served[:, None]
        used = use * r[None, :]
        received_imports = import_orders * avail[t][:, None]
        received = np.vstack([agg @ delivered, received_imports]) if q else agg @ delivered
        if all_tracked:  # the same values as the np.where below, without three masked copies a day
            stock = stock + (received - used)
            rec["in"][t], rec["out"][t] = received.sum(axis=0), used.sum(axis=0)
        else:
            stock = np.where(tracked, stock + (received - used), 0.0)
            rec["in"][t] = np.where(tracked, received, 0.0).sum(axis=0)
            rec["out"][t] = np.where(tracked, used, 0.0).sum(axis=0)
        gap = np.maximum(target - stock, 0.0)
        wanted = gap / p.tau_inventory + used
        if by_capacity:  # BoARIO's order_type "alt" (Guan et al. 2020): suppliers weighted by z_ij · x^cap_i / x⁰_i
            zc = z * _div(cap, x0)[:, None]
            orders = zc * _div(wanted[:n_prod], agg @ zc)[prod, :]
        else:
            orders = z * _div(wanted[:n_prod], use[:n_prod])[prod, :]
        rec["mu"][t] = (import_orders - received_imports).sum(axis=0)
        import_orders = wanted[n_prod:]
        rec["x"][t], rec["cap"][t], rec["d"][t], rec["alpha"][t] = x, cap, demand, alpha
        scarcity = _div(demand - x, demand)
        alpha = np.where(
            scarcity > 0, alpha + (p.alpha_max - alpha) * scarcity / p.tau_alpha, alpha + (1.0 - alpha) / p.tau_alpha
        )
        rec["fu"][t] = fd[t] * (1.0 - served)
        rec["iu"][t] = (demand - fd[t]) * (1.0 - served)
        rec["inv"][t] = stock.sum(axis=0)
        if progress is not None and ((t + 1) % every == 0 or t + 1 == days):
            progress(t + 1, days)
    return ARIOResult(
        production=rec["x"],
        capacity=rec["cap"],
        demand=rec["d"],
        value_added=rec["x"] * v[None, :],
        final_demand_unmet=rec["fu"],
        intermediate_unmet=rec["iu"],
        inventories=rec["inv"],
        inputs_received=rec["in"],
        inputs_used=rec["out"],
        overproduction=rec["alpha"],
        imports_unmet=rec["mu"],
        baseline_production=x0,
        baseline_value_added=v * x0,
        baseline_inventories=(s * use).sum(axis=0),
    )


def _div(num: Array, den: Array) -> Array:
    """:func:`safe_divide` for two arrays of one shape (the daily loop's case), without its broadcasting overhead."""
    return np.divide(num, den, out=np.zeros_like(num), where=den != 0)


def _stock_target(days: Array, use: Array, level: Array) -> Array:
    """Target stocks S*_pj = s_p · a_pj x⁰_j · (x_j / x⁰_j): s_p days of use at the production level ``level``."""
    return days * use * level[None, :]
