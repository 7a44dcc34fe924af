"""Warning benchmark (issue 7), printed side by side with a naive per-series Python loop in one run:

* evaluating 1,000 series × 360 months — 红黄蓝 levels (half the series with fixed thresholds, half with
  rolling μ + kσ bands over 60 months) and the alert engine (the N-period confirmed level, every change of
  it over history, and the decision for each series' latest period) — with ``kaifang.warning.levels`` and
  ``kaifang.warning.engine`` on whole panels, against a loop over series and months in plain Python;
* re-estimating the 供应链受阻指数 over 30 components × 360 months (2 demand proxies, 5 % gaps and a
  ragged end) with ``kaifang.warning.scpi.estimate``, against the same method written series by series
  (means, sds and the purge regressions per component, the EM gap filling cell by cell).

Both sides must agree (levels and events exactly, the index to 1e-6) before the times count.
Goal: the evaluation under 2 s.

    .venv/bin/python benchmarks/bench_warning.py [--series 1000] [--months 360] [--components 30]
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kaifang.warning import engine, levels, scpi
from kaifang.warning.lifecycle import State

WINDOW, K = 60, (1.0, 1.5, 2.0)


def panel(series: int, months: int, seed: int = 1) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    common = np.cumsum(rng.normal(0, 0.2, months))
    data = rng.normal(0, 1, (months, series)).cumsum(axis=0) * 0.3 + common[:, None]
    frame = pd.DataFrame(data, index=pd.period_range("1996-01", periods=months, freq="M"))
    fixed = np.quantile(data, [0.8, 0.9, 0.95], axis=0)  # per-series fixed thresholds (3 × series)
    n = rng.integers(1, 4, series)  # N = 1, 2 or 3 periods to confirm
    return frame, fixed, n


# --------------------------------------------------------------------------- evaluation


def evaluate_vectorised(frame: pd.DataFrame, fixed: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, pd.DataFrame, list]:  # type: ignore[type-arg]
    half = frame.shape[1] // 2
    x = frame.to_numpy()
    codes = np.full(x.shape, np.nan)
    codes[:, :half] = np.sum(x[:, :half, None] > fixed[:, :half].T[None, :, :], axis=2)
    rolling = frame.iloc[:, half:].shift(1).rolling(WINDOW, min_periods=WINDOW)
    mean, std = rolling.mean().to_numpy(), rolling.std(ddof=1).to_numpy()
    bands = np.stack([mean + k * std for k in K], axis=2)
    known = np.isfinite(mean)
    codes[:, half:] = np.where(known, np.sum(x[:, half:, None] > bands, axis=2), np.nan)
    held = engine.held_levels(codes.T, n)
    events = engine.history(held)
    decisions = []
    for s in range(frame.shape[1]):
        level, h = codes[-1, s], held[s, -1]
        lv, hv = (0 if math.isnan(level) else int(level)), (0 if math.isnan(h) else int(h))
        decisions.append(engine.decide(None, lv, min(lv, hv)).kind)
    return codes.T, events, decisions


def evaluate_per_rule(frame: pd.DataFrame, fixed: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, pd.DataFrame, list]:  # type: ignore[type-arg]
    """What ``kaifang.warning.readings.reading`` does for each rule: thresholds, classify, held level, decide."""
    half = frame.shape[1] // 2
    out = np.full((frame.shape[1], len(frame)), np.nan)
    decisions = []
    for s, column in enumerate(frame.columns):
        series = frame[column]
        bands = levels.fixed(*fixed[:, s]) if s < half else levels.from_sigma(series, K, window=WINDOW)
        coded = levels.classify(series, bands)
        out[s] = coded.to_numpy(dtype=float, na_value=np.nan)
        known = coded.dropna().to_numpy(dtype=float)
        held = engine.held_levels(known, int(n[s]))
        lv, hv = int(known[-1]), (0 if np.isnan(held[-1]) else int(held[-1]))
        decisions.append(engine.decide(None, lv, min(lv, hv)).kind)
    return out, engine.history(engine.held_levels(out, n)), decisions


def evaluate_naive(frame: pd.DataFrame, fixed: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, pd.DataFrame, list]:  # type: ignore[type-arg]
    half = frame.shape[1] // 2
    columns = [frame[c].tolist() for c in frame.columns]
    out = np.full((len(columns), len(frame)), np.nan)
    rows = []
    decisions = []
    for s, values in enumerate(columns):
        codes: list[float] = []
        for t, v in enumerate(values):
            if s < half:
                bounds = [fixed[0, s], fixed[1, s], fixed[2, s]]
            elif t < WINDOW:
                codes.append(math.nan)
                continue
            else:
                past = values[t - WINDOW : t]
                mu, sd = statistics.fmean(past), statistics.stdev(past)
                bounds = [mu + k * sd for k in K]
            codes.append(float(sum(1 for b in bounds if v > b)))
        out[s] = codes
        held: list[float] = []
        for t in range(len(codes)):
            window = codes[t - n[s] + 1 : t + 1] if t + 1 >= n[s] else []
            held.append(math.nan if not window or any(math.isnan(c) for c in window) else min(window))
        previous = 0.0
        for t, h in enumerate(held):
            h = 0.0 if math.isnan(h) else h
            if t > 0 and h != previous:
                kind = (
                    "fired"
                    if previous == 0
                    else "cleared"
                    if h == 0
                    else "escalated"
                    if h > previous
                    else "de-escalated"
                )
                rows.append((s, t, kind, int(previous), int(h)))
            previous = h
        level = 0 if math.isnan(codes[-1]) else int(codes[-1])
        h = 0 if math.isnan(held[-1]) else int(held[-1])
        decisions.append("fired" if min(h, level) > 0 else "pending" if level > 0 else None)
    events = pd.DataFrame(rows, columns=["series", "t", "kind", "from", "to"])
    return out, events, decisions


# --------------------------------------------------------------------------- disruption index


def components(months: int, k: int, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = np.convolve(rng.normal(0, 1, months + 11), np.ones(12) / 3, "valid")
    d = rng.normal(0, 1, (months, 2))
    cols = {
        f"c{i}": rng.uniform(0.5, 2) * f + d @ rng.uniform(-0.8, 0.8, 2) + rng.normal(0, 1, months) for i in range(k)
    }
    cols |= {"d0": d[:, 0], "d1": d[:, 1]}
    frame = pd.DataFrame(cols, index=pd.period_range("1996-01", periods=months, freq="M"))
    gaps = rng.random(frame.shape) < 0.05
    gaps[:, -2:] = False
    frame = frame.mask(gaps)
    frame.iloc[-3:, : k // 3] = np.nan  # a ragged end: a third of the components published later
    return frame


def index_naive(frame: pd.DataFrame, demand: list[str], lags: int = 2, tol: float = 1e-10) -> np.ndarray:
    """The GSCPI method written component by component, the EM fill cell by cell."""
    cols = {c: frame[c].tolist() for c in frame.columns}

    def z(values: list[float]) -> list[float]:
        seen = [v for v in values if not math.isnan(v)]
        mu, sd = statistics.fmean(seen), statistics.stdev(seen)
        return [(v - mu) / sd for v in values]

    zs = {c: z(v) for c, v in cols.items()}
    T = len(frame)
    purged = {}
    for c in (c for c in frame.columns if c not in demand):
        design, target, rows = [], [], []
        for t in range(T):
            regs = [1.0] + [zs[p][t - lag] if t - lag >= 0 else math.nan for p in demand for lag in range(lags + 1)]
            if any(math.isnan(r) for r in regs):
                continue
            rows.append((t, regs))
            if not math.isnan(zs[c][t]):
                design.append(regs)
                target.append(zs[c][t])
        beta = np.linalg.lstsq(np.array(design), np.array(target), rcond=None)[0]
        resid = [math.nan] * T
        for t, regs in rows:
            resid[t] = zs[c][t] - sum(b * r for b, r in zip(beta, regs, strict=True))
        purged[c] = z(resid)
    names = list(purged)
    x = np.array([purged[c] for c in names]).T
    seen = np.isfinite(x).any(axis=1)
    x = x[seen]
    missing = [(t, i) for t in range(x.shape[0]) for i in range(x.shape[1]) if math.isnan(x[t, i])]
    filled = np.nan_to_num(x)
    total = float(np.sum(filled**2))
    previous = math.inf
    for _ in range(1000):
        u, s, vt = np.linalg.svd(filled, full_matrices=False)
        rank1 = s[0] * np.outer(u[:, 0], vt[0])
        ssr = 0.0
        for t in range(x.shape[0]):
            for i in range(x.shape[1]):
                if not math.isnan(x[t, i]):
                    ssr += (x[t, i] - rank1[t, i]) ** 2
        ssr /= total
        for t, i in missing:
            filled[t, i] = rank1[t, i]
        if abs(previous - ssr) < tol:
            break
        previous = ssr
    _, s, vt = np.linalg.svd(filled, full_matrices=False)
    loading = vt[0] * (1 if vt[0].sum() >= 0 else -1)
    factor = filled @ loading
    out = np.full(T, np.nan)
    out[seen] = (factor - factor.mean()) / factor.std(ddof=1)
    return out


def timed(fn, *args, **kw):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    result = fn(*args, **kw)
    return time.perf_counter() - t0, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", type=int, default=1000)
    ap.add_argument("--months", type=int, default=360)
    ap.add_argument("--components", type=int, default=30)
    args = ap.parse_args()

    frame, fixed, n = panel(args.series, args.months)
    t_ours, (codes, events, decisions) = timed(evaluate_vectorised, frame, fixed, n)
    t_rule, (codes_r, _, decisions_r) = timed(evaluate_per_rule, frame, fixed, n)
    t_naive, (codes_n, events_n, decisions_n) = timed(evaluate_naive, frame, fixed, n)
    assert np.array_equal(np.nan_to_num(codes, nan=-1), np.nan_to_num(codes_r, nan=-1)), "per-rule levels differ"
    assert decisions == decisions_r
    assert np.array_equal(np.nan_to_num(codes, nan=-1), np.nan_to_num(codes_n, nan=-1)), "levels differ"
    assert events.reset_index(drop=True).equals(events_n.astype(events.dtypes.to_dict())), "events differ"
    assert decisions == decisions_n, "decisions differ"

    comps = components(args.months, args.components)
    demand = ["d0", "d1"]
    t_index, fit = timed(scpi.estimate, comps, demand=demand)
    t_index_n, naive = timed(index_naive, comps, demand)
    ours = fit.index.to_numpy()
    sign = 1 if np.nansum(ours * naive) >= 0 else -1
    assert np.allclose(ours, sign * naive, atol=1e-6, equal_nan=True), "the index differs from the naive one"

    fired = sum(1 for d in decisions if d == "fired")
    print(f"{'':<58}{'Kaifang':>12}{'naive loop':>14}{'ratio':>9}")
    print(f"{f'evaluate {args.series:,} series × {args.months} months (s)':<58}{t_ours:>12.3f}{t_naive:>14.3f}"
          f"{t_naive / t_ours:>8.1f}×")  # fmt: skip
    print(f"{'  the same, rule by rule as the platform reads them (s)':<58}{t_rule:>12.3f}{t_naive:>14.3f}"
          f"{t_naive / t_rule:>8.1f}×")  # fmt: skip
    print(f"{'  alert events over history / open alerts now':<58}{len(events):>12,}{fired:>14,}")
    print(f"{f'disruption index, {args.components} components × {args.months} months (s)':<58}{t_index:>12.3f}"
          f"{t_index_n:>14.3f}{t_index_n / t_index:>8.1f}×")  # fmt: skip
    print(f"{'  EM iterations, variance explained':<58}{fit.iterations:>12}{fit.explained:>14.1%}")
    print(f"goal: evaluation < 2 s — {'met' if max(t_ours, t_rule) < 2 else 'NOT met'} "
          f"(panel {t_ours:.3f} s, rule by rule {t_rule:.3f} s); "
          f"State {State.RAISED.label_zh} for {fired:,} of {args.series:,} series at the last month")  # fmt: skip


if __name__ == "__main__":
    main()
