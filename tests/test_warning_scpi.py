"""The 供应链受阻指数 engine (kaifang.warning.scpi) on a synthetic panel with a planted factor — pure, no Django.

The world: a supply-pressure factor f and a demand factor d (both AR(1), f orthogonal to d's lags 0–2 in
sample so the planted purge coefficients are exact up to noise); eight supply components
x_i = a_i f + b_i d + b1_i d(t−1) + 0.6 e_i, two with negative a_i; the proxy ``new_orders`` = d.

Run: .venv/bin/pytest tests/test_warning_scpi.py -q -p no:django
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kaifang.warning import scpi
from tests.conftest import assert_pure

T = 360
A = np.array([1.0, 0.8, -0.7, 0.9, 0.6, 1.1, -0.5, 0.7])  # factor loadings (signs to recover)
B = np.array([0.9, 1.2, 0.8, -1.0, 1.1, 0.7, 0.9, 1.0])  # demand leaking in at lag 0
B1 = np.array([0.5, 0, 0, 0.4, 0, 0, 0, 0])  # and at lag 1
NAMES = [f"s{i}" for i in range(8)]


def _ar(rng: np.random.Generator, rho: float) -> np.ndarray:
    e = rng.standard_normal(T)
    x = np.zeros(T)
    for t in range(1, T):
        x[t] = rho * x[t - 1] + e[t]
    return x


@pytest.fixture(scope="module")
def world() -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    f, d = _ar(rng, 0.9), _ar(rng, 0.8)
    lagged = np.column_stack([np.ones(T - 2), d[2:], d[1:-1], d[:-2]])
    f[2:] -= lagged @ np.linalg.lstsq(lagged, f[2:], rcond=None)[0]
    d1 = np.r_[0.0, d[:-1]]
    x = f[:, None] * A + d[:, None] * B + d1[:, None] * B1 + 0.6 * rng.standard_normal((T, 8))
    panel = pd.DataFrame(x, index=pd.period_range("1995-01", periods=T, freq="M"), columns=NAMES)
    panel["new_orders"] = d
    return panel, f, d


def corr(u: pd.Series | np.ndarray, v: pd.Series | np.ndarray) -> float:
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    ok = np.isfinite(u) & np.isfinite(v)
    return float(np.corrcoef(u[ok], v[ok])[0, 1])


def test_module_is_pure() -> None:
    assert_pure("kaifang.warning.scpi")


def test_recovers_the_planted_factor_and_purges_demand(world) -> None:
    panel, f, d = world
    fit = scpi.estimate(panel, demand=["new_orders"], anchor="s0")
    assert fit.converged
    assert corr(fit.index, f) > 0.98
    assert abs(corr(fit.index, d)) < 0.05
    # without the purge, demand contaminates the first component: that is what the purge is for
    raw = scpi.estimate(panel.drop(columns="new_orders"), anchor="s0")
    assert corr(raw.index, f) < 0.95 and abs(corr(raw.index, d)) > 0.3
    # the purged components carry no demand: residuals are orthogonal to the lag-0 regressor
    assert all(abs(corr(fit.purged[c], d)) < 1e-10 for c in NAMES)
    assert list(fit.loadings.index) == NAMES  # the proxy is not a factor component
    assert (np.sign(fit.loadings.to_numpy()) == np.sign(A)).all()


def test_purge_coefficients_are_the_planted_leaks(world) -> None:
    panel, _, d = world
    fit = scpi.estimate(panel, demand=["new_orders"], anchor="s0")
    assert list(fit.purge.columns) == ["const", "new_orders[t]", "new_orders[t-1]", "new_orders[t-2]"]
    # in standardised units a raw coefficient b becomes b · sd(d) / sd(x_i)
    scale = d.std(ddof=1) / panel[NAMES].std(ddof=1).to_numpy()
    np.testing.assert_allclose(fit.purge["new_orders[t]"], B * scale, atol=0.15)
    np.testing.assert_allclose(fit.purge["new_orders[t-1]"], B1 * scale, atol=0.15)
    np.testing.assert_allclose(fit.purge["new_orders[t-2]"], 0.0, atol=0.15)
    # the first two months have no lag-2 regressor: no purged value, hence no index value
    assert fit.index.iloc[:2].isna().all() and fit.index.iloc[2:].notna().all()


def test_per_component_proxies_and_unpurged_components(world) -> None:
    panel, f, _ = world
    # s0..s5 purged on new_orders; s6, s7 enter raw (like freight rates in the GSCPI)
    fit = scpi.estimate(panel, demand={c: ["new_orders"] for c in NAMES[:6]}, anchor="s0")
    assert list(fit.purge.index) == NAMES[:6]
    assert fit.index.notna().all()  # s6, s7 observed from the first month
    assert corr(fit.index, f) > 0.9
    with pytest.raises(ValueError, match="proxy cannot also be purged"):
        scpi.estimate(panel, demand={"s0": ["s1"], "s1": ["new_orders"]})
    with pytest.raises(KeyError, match="not in the panel"):
        scpi.estimate(panel, demand=["orders"])


def test_gaps_and_ragged_edges_are_filled(world) -> None:
    panel, f, _ = world
    full = scpi.estimate(panel, demand=["new_orders"], anchor="s0")
    rng = np.random.default_rng(11)
    gappy = panel.copy()
    holes = rng.random((T, 8)) < 0.10  # 10 % of the cells at random
    values = gappy[NAMES].to_numpy().copy()
    values[holes] = np.nan
    gappy[NAMES] = values
    gappy.iloc[-3:, [1, 2, 5]] = np.nan  # ragged end: three series published late
    gappy.iloc[:24, [3, 6]] = np.nan  # ragged start: two series begin two years later
    fit = scpi.estimate(gappy, demand=["new_orders"], anchor="s0")
    assert fit.converged and fit.iterations > 1
    assert fit.filled.iloc[2:].notna().all().all()
    assert corr(fit.index, f) > 0.98
    assert corr(fit.index, full.index) > 0.99
    assert (fit.index - full.index).abs().iloc[-3:].max() < 0.35  # the ragged end stays close
    # the filled cells are the common component λ_i F_t of the complete panel, not noise
    common = np.outer(full.filled.to_numpy() @ full.loadings.to_numpy(), full.loadings.to_numpy())
    cells = np.isnan(fit.purged.to_numpy()) & np.isfinite(common)
    cells[:2] = False
    assert corr(fit.filled.to_numpy()[cells], common[cells]) > 0.95


def test_contributions_sum_to_the_index_and_scale(world) -> None:
    panel, _, _ = world
    fit = scpi.estimate(panel, demand=["new_orders"], anchor="s0", window=("1996-01", "2010-12"))
    ok = fit.index.notna()
    np.testing.assert_allclose(fit.contributions[ok].sum(axis=1), fit.index[ok], rtol=0, atol=1e-12)
    in_window = fit.index.loc["1996-01":"2010-12"]
    assert abs(in_window.mean()) < 1e-12 and in_window.std(ddof=1) == pytest.approx(1.0, abs=1e-12)
    assert fit.index.loc["2011-01":].std(ddof=1) != pytest.approx(1.0, abs=1e-6)  # outside: not rescaled
    assert np.linalg.norm(fit.loadings) == pytest.approx(1.0)
    assert 0.5 < fit.explained < 1.0


def test_sign_convention(world) -> None:
    panel, _, _ = world
    by_s0 = scpi.estimate(panel, demand=["new_orders"], anchor="s0")
    by_s2 = scpi.estimate(panel, demand=["new_orders"], anchor="s2")  # s2 loads negatively on f
    assert by_s0.loadings["s0"] > 0 and by_s2.loadings["s2"] > 0
    np.testing.assert_allclose(by_s2.index, -by_s0.index, atol=1e-9)
    by_sum = scpi.estimate(panel, demand=["new_orders"])
    assert by_sum.loadings.sum() > 0
    # reorient every component: the rule keeps Σλ > 0, so the index follows the data (more = more pressure)
    flipped = scpi.estimate(-panel, demand=["new_orders"])
    np.testing.assert_allclose(flipped.loadings, by_sum.loadings, atol=1e-9)
    np.testing.assert_allclose(flipped.index, -by_sum.index, atol=1e-9)
    with pytest.raises(KeyError, match="anchor"):
        scpi.estimate(panel, demand=["new_orders"], anchor="new_orders")


def test_em_on_a_tiny_exact_rank_one_panel() -> None:
    # x = F λ' with F = (1, −1, 2, −2), λ = (0.6, 0.8); drop x[0, 1] = 0.8: EM must restore it
    x = np.outer([1.0, -1.0, 2.0, -2.0], [0.6, 0.8])
    x[0, 1] = np.nan
    em = scpi.em_first_component(x, tol=1e-15, max_iter=10_000)
    assert em.filled[0, 1] == pytest.approx(0.8, abs=1e-6)
    assert em.explained == pytest.approx(1.0)
    with pytest.raises(ValueError, match="no observation"):
        scpi.em_first_component(np.array([[1.0, np.nan], [2.0, np.nan]]))


def test_vintages_reestimate_on_the_data_available(world) -> None:
    panel, _, _ = world
    data = panel.iloc[:120]
    lag = {"s1": 1, "s2": 2}
    table = scpi.vintages(data, start="2004-01", publication_lag=lag, demand=["new_orders"], anchor="s0")
    assert table.shape == (120, 12) and list(table.columns.astype(str)) == [f"2004-{m:02d}" for m in range(1, 13)]
    # a vintage knows nothing after its month, and its last month is a ragged-end estimate
    for i, v in enumerate(table.columns):
        assert table[v].loc[table.index > v].isna().all()
        assert pd.notna(table.loc[v, v])
        assert table[v].notna().sum() == 120 - 2 - (11 - i)
    # cell (r, v) is exactly the estimate on the panel cut at v with the publication lags applied
    cut = data.loc[:"2004-06"].copy()
    cut.loc["2004-06", "s1"] = np.nan
    cut.loc["2004-05":"2004-06", "s2"] = np.nan
    again = scpi.estimate(cut, demand=["new_orders"], anchor="s0").index
    np.testing.assert_allclose(table["2004-06"].loc[:"2004-06"], again, atol=1e-12)
    # history is revised: each re-estimation moves the past a little
    assert (table["2004-12"] - table["2004-01"]).loc[:"2003-12"].abs().max() > 1e-4
    rev = scpi.revisions(table)
    assert rev.loc["2004-03", "first"] == table.loc["2004-03", "2004-03"]
    assert rev.loc["2004-03", "latest"] == table.loc["2004-03", "2004-12"]
    assert rev["revision"].loc["2004-01":].abs().max() > 0


def test_precise_errors(world) -> None:
    panel, _, _ = world
    bad = panel.copy()
    bad["flat"] = 1.0
    with pytest.raises(ValueError, match=r"constant over the window: \['flat'\]"):
        scpi.estimate(bad, demand=["new_orders"])
    late = panel.copy()
    late.loc[:"2000-12", "s3"] = np.nan
    with pytest.raises(ValueError, match=r"fewer than 2 observations in the window: \['s3'\]"):
        scpi.estimate(late, demand=["new_orders"], window=("1995-01", "2000-12"))
    with pytest.raises(ValueError, match="unique and increasing"):
        scpi.estimate(panel.iloc[::-1])
