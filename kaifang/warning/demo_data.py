"""示例数据 for the warning system — deterministic monthly, quarterly and annual series (pure).

Generated, not observed: a supply-pressure factor ``f`` with the 2020–2022 pandemic disruption (peak in
late 2021) and a new rise from 2026-05, a demand factor ``d`` with the 2020 collapse, and the components
built on them (the key-firm survey, the freight rate index, corridor freight and disruption days, a
GSCPI-like external series), concentration of exports by quarter, and siphon signals by year. The
magnitudes are plausible orders of size for a city like 巴中, not statistics.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FIRST, LAST = "2015-01", "2026-10"
SOURCE = "示例数据（生成）"


def months() -> pd.PeriodIndex:
    return pd.period_range(FIRST, LAST, freq="M")


def factors(seed: int = 7) -> pd.DataFrame:
    """``f`` (supply pressure, ~N(0,1) in calm times) and ``d`` (demand) per month."""
    rng = np.random.default_rng(seed)
    idx = months()
    n = len(idx)
    f, d = np.zeros(n), np.zeros(n)
    for i in range(1, n):
        f[i] = 0.6 * f[i - 1] + rng.normal(0, 0.3)
        d[i] = 0.5 * d[i - 1] + rng.normal(0, 0.5)
    t = np.asarray(idx.year * 12 + idx.month - 1)
    peak = 2021 * 12 + 9
    bump = np.where((t >= 2020 * 12 + 1) & (t <= 2022 * 12 + 11), 3.2 * np.exp(-(((t - peak) / 9.0) ** 2)), 0.0)
    bump += np.where((t >= 2020 * 12 + 2) & (t <= 2020 * 12 + 4), 1.6, 0.0)  # the first lockdowns
    rise = np.clip((t - (2026 * 12 + 3)) * 0.3, 0.0, None)  # 2026-05 onwards
    crash = np.where(t == 2020 * 12 + 1, -3.5, 0.0) + np.where(t == 2020 * 12 + 2, -2.0, 0.0)
    return pd.DataFrame({"f": f + bump + rise, "d": d + crash}, index=idx)


def monthly(seed: int = 7) -> pd.DataFrame:
    """The monthly components (columns = catalog codes; ``@511921`` marks 通江县's own series)."""
    rng = np.random.default_rng(seed + 1)
    fd = factors(seed)
    f, d = fd["f"].to_numpy(), fd["d"].to_numpy()
    idx = fd.index
    n = len(idx)
    noise = lambda sd: rng.normal(0, sd, n)  # noqa: E731
    years = (np.asarray(idx.year) - 2018) + (np.asarray(idx.month) - 1) / 12
    season = 1 + 0.08 * np.cos(2 * np.pi * (np.asarray(idx.month) - 11) / 12) - np.where(idx.month == 2, 0.12, 0)
    shock = np.ones(n)
    for when, factor in {"2021-08": 0.86, "2025-07": 0.74, "2025-08": 0.9}.items():
        shock[idx.get_loc(pd.Period(when, freq="M"))] = factor
    freight = 420 * season * (1.03**years) * (1 - 0.025 * np.clip(f, 0, None)) * shock * (1 + noise(0.015))
    flood = np.isin(np.asarray(idx.month), [6, 7, 8, 9])
    days = np.clip(np.round(rng.poisson(0.8, n) + flood * rng.poisson(1.2, n) + 0.8 * np.clip(f, 0, None)), 0, 31)
    days[idx.get_loc(pd.Period("2025-07", freq="M"))] = 9
    tongjiang = np.clip(days + rng.poisson(0.6, n), 0, 31)
    tongjiang[idx.get_loc(pd.Period("2025-07", freq="M"))] = 13
    tongjiang[-2:] = [6, 8]  # 2026 autumn rains on the 通江 roads
    return pd.DataFrame(
        {
            "SURVEY_DELIVERY_TIMES": 50 + 2.6 * f + 0.4 * d + noise(0.7),
            "SURVEY_ORDER_BACKLOG": 49 + 2.0 * f + 1.2 * d + noise(0.7),
            "SURVEY_INPUT_INVENTORY": 49.5 + 1.6 * f + 0.8 * d + noise(0.7),
            "SURVEY_NEW_ORDERS": 50.5 + 2.5 * d + noise(0.7),
            "LOGISTICS_PRICE_INDEX": 100 + 1.0 * years + 5.0 * f + noise(1.0),
            "GSCPI@WLD": 0.9 * f + noise(0.2),
            "CORRIDOR_FREIGHT": freight,
            "CORRIDOR_DISRUPTION_DAYS": days,
            "CORRIDOR_DISRUPTION_DAYS@511921": tongjiang,
        },
        index=idx,
    )


def normal_level(freight: pd.Series) -> pd.Series:
    """正常水平_m = mean of the same month in the previous three years (NaN without three years)."""
    return (freight.shift(12) + freight.shift(24) + freight.shift(36)) / 3


def quarterly() -> pd.DataFrame:
    """Export concentration by quarter, 2019Q1–2026Q3: drifting up, faster since 2025 (tariff diversion)."""
    idx = pd.period_range("2019Q1", "2026Q3", freq="Q")
    k = np.arange(len(idx), dtype=float)
    late = np.clip(k - 24, 0, None)
    wobble = np.sin(k * 1.7) * 0.8
    return pd.DataFrame(
        {
            "EXPORT_MARKET_TOP3_SHARE": 55 + 0.15 * k + 1.6 * late + wobble,
            "TOP_PARTNER_EXPORT_SHARE": 28 + 0.1 * k + 0.9 * late + 0.5 * wobble,
            "EXPORT_PRODUCT_HHI": 1750 + 8 * k + 45 * late + 30 * wobble,
            "EXPORT_PRODUCT_TOP3_SHARE": 48 + 0.1 * k + 0.8 * late + wobble,
        },
        index=idx,
    )


def annual() -> pd.DataFrame:
    """Siphon signals 2016–2025 (local graduates employed in Chengdu/Chongqing rise from 27% to 41%) and the
    single-source share of key inputs (used only where the platform's own demo has not generated it)."""
    years = np.arange(2016, 2026)
    employed = np.round(5200 + 90 * (years - 2016))
    share = np.array([27.0, 28.2, 29.0, 30.5, 31.0, 33.4, 34.8, 36.9, 38.6, 41.2])
    single = np.array([39.5, 38.8, 38.0, 37.1, 36.0, 35.4, 34.6, 34.1, 33.8, 33.5])  # 生物医药 key inputs
    return pd.DataFrame(
        {
            "GRADUATES_EMPLOYED": employed,
            "GRADUATES_TO_CHENGYU": np.round(employed * share / 100),
            "KEY_CHAIN_SINGLE_SOURCE": single,
        },
        index=[str(y) for y in years],
    )


def long_rows(frame: pd.DataFrame, region: str, periods: list[str] | None = None) -> list[dict[str, object]]:
    """Long rows for ``ingest.submit``; a column ``CODE@REGION`` is written for that region."""
    out: list[dict[str, object]] = []
    for column in frame.columns:
        code, _, where = str(column).partition("@")
        for period, value in frame[column].dropna().items():
            p = str(period)
            if periods is not None and p not in periods:
                continue
            out.append(
                {
                    "indicator": code,
                    "ref_area": where or region,
                    "time_period": p,
                    "obs_value": round(float(value), 2),
                    "source": SOURCE,
                }
            )
    return out
