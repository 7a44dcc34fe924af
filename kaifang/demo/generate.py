"""Deterministic generation of the demo workspace's series (示例数据). Pure: numpy and pandas only.

``generate(seed)`` returns the submissions a real year of reporting would produce, oldest first:
for each year 2015–2024 a preliminary (初步) release in February of the next year and a final
(正式) one in September; for 2025 the preliminary release only; quarterly GDP (累计) and monthly
foreign trade (当月 and 累计, with China's combined 1–2月 release) for 巴中 over 2023–2025.
Accounting identities hold in every release: 出口 + 进口 = 进出口, the districts and counties add up
to the city, a part never exceeds its whole. The report's facts (``profiles.FACTS``) are the final
values of their cells and carry the report as their source; every other value is labelled 示例数据.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from kaifang.demo.profiles import COUNTY_LEVEL, FACTS, PROFILES, REGION_SIZE, REPORT

YEARS = list(range(2015, 2026))
HOME = "511900"
COUNTIES = ["511902", "511903", "511921", "511922", "511923"]
CITIES = [c for c in REGION_SIZE if c not in COUNTIES]
SAMPLE_SOURCE = "示例数据（生成）"
INTEGER_UNITS = {"个", "项", "家", "列", "条", "辆", "人", "人次", "份", "标箱"}
FIVE_G_RAMP = {2019: 0.05, 2020: 0.25, 2021: 0.45, 2022: 0.65, 2023: 0.82, 2024: 1.0, 2025: 1.12}
TZ = ZoneInfo("Asia/Shanghai")
ADDITIVE = {"flow", "stock", "area", "share", "complement"}


@dataclass(frozen=True)
class Release:
    """One submission of the demo: when, what, and whether it is sample data."""

    submitted_at: dt.datetime
    label: str
    rows: pd.DataFrame
    is_sample: bool = True


def _order() -> list[str]:
    """Profiles with every parent before its children."""
    done: list[str] = []

    def visit(code: str) -> None:
        if code in done:
            return
        parent = PROFILES[code][3]
        if parent:
            visit(parent)
        done.append(code)

    for code in PROFILES:
        visit(code)
    return done


def true_values(seed: int = 2025) -> pd.DataFrame:
    """The "true" annual panel: indicator × region × year, with the report's facts in place."""
    rng = np.random.default_rng(seed)
    n_years = len(YEARS)
    years = np.array(YEARS)
    out: dict[tuple[str, str], np.ndarray] = {}
    home_gdp = REGION_SIZE[HOME][0]
    for code in _order():
        kind, base, growth, parent = PROFILES[code]
        for region in CITIES:
            gdp, pop, land = REGION_SIZE[region]
            effect = 0.0 if region == HOME else rng.normal(0, 0.25)
            g = growth + (0.0 if region == HOME else rng.normal(0, 0.012))
            noise = np.cumsum(rng.normal(0, 0.025, n_years))
            noise -= noise[YEARS.index(2024)]  # the 2024 level is the calibrated one
            t = years - 2024
            if kind in {"flow", "stock"}:
                scale = (
                    pop / REGION_SIZE[HOME][1]
                    if code in {"POPULATION", "MIGRANT_WORKERS_OUT"}
                    else (gdp / home_gdp) ** (1.0 if kind == "flow" else 0.85)
                )
                v = base * scale * np.exp(effect) * (1 + g) ** t * np.exp(noise)
                if kind == "flow":
                    v = v * np.where(years == 2020, 0.97, 1.0)
                if code == "BASE_STATIONS_5G":
                    v = base * scale * np.exp(effect) * np.array([FIVE_G_RAMP.get(y, 0.0) for y in YEARS])
            elif kind == "area":
                share = (
                    base if region == HOME or code == "LAND_AREA" else float(np.clip(rng.normal(0.25, 0.08), 0.05, 0.6))
                )
                v = np.full(n_years, land * share)
            elif kind == "level":
                v = base * np.exp(effect * 0.5) * (1 + g) ** t * np.exp(noise * 0.5)
            elif kind == "share":
                s = np.clip(
                    base + growth * t + (0 if region == HOME else rng.normal(0, 0.04)) + noise * 0.3, 0.01, 0.99
                )
                v = out[(parent, region)] * s  # type: ignore[index]
            else:  # complement: the whole minus the part (进口 = 进出口 − 出口)
                whole = PROFILES[parent][3]  # type: ignore[index]
                v = out[(whole, region)] - out[(parent, region)]  # type: ignore[index]
            if code.endswith("_RATIO") or code in {"FOREST_COVERAGE", "COMPUTE_UTILIZATION"}:
                v = np.clip(v, 0, 100)
            for (fcode, fregion, fyear), value in FACTS.items():
                if fcode == code and fregion == region:
                    v = v.copy()
                    v[YEARS.index(int(fyear))] = value
            out[(code, region)] = v
    rows = [(c, r, str(y), float(v[i])) for (c, r), v in out.items() for i, y in enumerate(YEARS)]
    df = pd.DataFrame(rows, columns=["indicator", "ref_area", "time_period", "obs_value"])
    df = df[~((df["indicator"] == "BASE_STATIONS_5G") & (df["time_period"] < "2019"))]  # no 5G before 2019
    return pd.concat([df, _counties(df, rng)], ignore_index=True)


def _counties(city: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """巴中's districts and counties: additive series split so that they sum to the city."""
    home = city[(city["ref_area"] == HOME) & city["indicator"].isin(COUNTY_LEVEL)]
    rows = []
    for code, grp in home.groupby("indicator"):
        kind = PROFILES[str(code)][0]
        col = 2 if kind == "area" else (1 if code in {"POPULATION", "MIGRANT_WORKERS_OUT"} else 0)
        weights = np.array([REGION_SIZE[c][col] for c in COUNTIES]) * np.exp(rng.normal(0, 0.08, len(COUNTIES)))
        if kind == "area" and code != "LAND_AREA":
            weights = np.array([REGION_SIZE[c][2] for c in COUNTIES]) * rng.uniform(0.6, 1.4, len(COUNTIES))
        weights = weights / weights.sum()
        for r in grp.itertuples():
            for c, w in zip(COUNTIES, weights, strict=True):
                value = r.obs_value * w if kind in ADDITIVE else r.obs_value + rng.normal(0, 1.5)
                rows.append((code, c, r.time_period, float(value)))
    return pd.DataFrame(rows, columns=["indicator", "ref_area", "time_period", "obs_value"])


def _rounded(df: pd.DataFrame, units: dict[str, str]) -> pd.DataFrame:
    df = df.copy()
    is_int = df["indicator"].map(lambda c: units.get(c) in INTEGER_UNITS)
    df.loc[is_int, "obs_value"] = df.loc[is_int, "obs_value"].round(0)
    df.loc[~is_int, "obs_value"] = df.loc[~is_int, "obs_value"].round(2)
    return df


def _fix_identities(df: pd.DataFrame) -> pd.DataFrame:
    """After rounding: 进口 = 进出口 − 出口 exactly, and counties sum to the city for 进出口."""
    wide = df.pivot_table(index=["ref_area", "time_period"], columns="indicator", values="obs_value")
    if {"TRADE_TOTAL", "EXPORT_TOTAL", "IMPORT_TOTAL"} <= set(wide.columns):
        wide["IMPORT_TOTAL"] = (wide["TRADE_TOTAL"] - wide["EXPORT_TOTAL"]).round(2)
    return wide.stack().dropna().rename("obs_value").reset_index()


def annual_releases(units: dict[str, str], seed: int = 2025) -> Iterator[Release]:
    rng = np.random.default_rng(seed + 1)
    truth = _rounded(true_values(seed), units)
    truth = _fix_identities(truth)
    fact_keys = set(FACTS)
    for year in YEARS:
        rows = truth[truth["time_period"] == str(year)].copy()
        is_fact = [(r.indicator, r.ref_area, r.time_period) in fact_keys for r in rows.itertuples()]
        rows["is_fact"] = is_fact
        fixed = rows["indicator"].isin(["LAND_AREA", "ECO_REDLINE_AREA"])
        prelim = rows.copy()
        jitter = rng.normal(0, 0.008, len(prelim))
        prelim.loc[~fixed, "obs_value"] = prelim.loc[~fixed, "obs_value"] * (1 + jitter[~fixed.to_numpy()])
        prelim = _fix_identities(_rounded(prelim.drop(columns="is_fact"), units))
        at = dt.datetime(year + 1, 2, 25, 10, 0, tzinfo=TZ)
        yield Release(at, f"{year}年统计快报（初步）", _frame(prelim, "初步"))
        if year <= 2024:
            at = dt.datetime(year + 1, 9, 28, 10, 0, tzinfo=TZ)
            final = rows[~rows["is_fact"]].drop(columns="is_fact")
            facts = rows[rows["is_fact"]].drop(columns="is_fact")
            yield Release(at, f"{year}年统计年鉴（正式）", _frame(final, "正式"))
            if not facts.empty:
                yield Release(at, f"{year}年报告所列数据", _frame(facts, "正式", REPORT), is_sample=False)
        elif year == 2025:
            facts = rows[rows["is_fact"]].drop(columns="is_fact")
            if not facts.empty:
                at = dt.datetime(2026, 3, 31, 10, 0, tzinfo=TZ)
                yield Release(at, f"{year}年报告所列数据", _frame(facts, "正式", REPORT), is_sample=False)


def _frame(df: pd.DataFrame, status: str, source: str = SAMPLE_SOURCE, basis: str = "当期") -> pd.DataFrame:
    out = df[["indicator", "ref_area", "time_period", "obs_value"]].copy()
    out["obs_status"] = status
    out["source"] = source
    out["basis"] = basis
    return out.reset_index(drop=True)


MONTH_WEIGHTS = np.array([0.062, 0.055, 0.083, 0.082, 0.085, 0.088, 0.084, 0.086, 0.089, 0.083, 0.095, 0.108])
QUARTER_YTD = [0.22, 0.46, 0.71, 1.0]


def monthly_trade(truth: pd.DataFrame, seed: int = 2025) -> Iterator[Release]:
    """巴中 monthly foreign trade 2023–2025: 1–2月 combined, then 当月 and 累计 each month (亿元)."""
    rng = np.random.default_rng(seed + 2)
    for year in (2023, 2024, 2025):
        monthly: dict[str, np.ndarray] = {}
        for code in ("TRADE_TOTAL", "EXPORT_TOTAL"):
            annual = float(
                truth[
                    (truth.indicator == code) & (truth.ref_area == HOME) & (truth.time_period == str(year))
                ].obs_value.iloc[0]
            )
            w = MONTH_WEIGHTS * np.exp(rng.normal(0, 0.08, 12))
            m = np.round(annual * w / w.sum(), 4)
            m[-1] = round(annual - m[:-1].sum(), 4)  # December closes the year exactly
            monthly[code] = m
        monthly["IMPORT_TOTAL"] = np.round(monthly["TRADE_TOTAL"] - monthly["EXPORT_TOTAL"], 4)
        for month in range(2, 13):
            rows = []
            for code, m in monthly.items():
                ytd = round(float(m[:month].sum()), 4)
                period = f"{year}-01/02" if month == 2 else f"{year}-{month:02d}"
                current = ytd if month == 2 else float(m[month - 1])
                rows.append((code, HOME, period, current, "当月"))
                rows.append((code, HOME, f"{year}-{month:02d}", ytd, "累计"))
            df = pd.DataFrame(rows, columns=["indicator", "ref_area", "time_period", "obs_value", "basis"])
            df["obs_status"] = "初步"
            df["source"] = SAMPLE_SOURCE
            nxt = dt.date(year + (month == 12), month % 12 + 1, 18)
            label = f"{year}年1–2月外贸月报" if month == 2 else f"{year}年{month}月外贸月报"
            yield Release(dt.datetime(nxt.year, nxt.month, nxt.day, 10, 0, tzinfo=TZ), label, df)


def quarterly_gdp(truth: pd.DataFrame) -> Iterator[Release]:
    """巴中 quarterly GDP 2023–2025 as published: 累计 (一季度, 上半年, 前三季度, 全年)."""
    for year in (2023, 2024, 2025):
        annual = float(
            truth[
                (truth.indicator == "GDP") & (truth.ref_area == HOME) & (truth.time_period == str(year))
            ].obs_value.iloc[0]
        )
        for q, share in enumerate(QUARTER_YTD, start=1):
            df = pd.DataFrame(
                [("GDP", HOME, f"{year}Q{q}", round(annual * share, 2), "累计")],
                columns=["indicator", "ref_area", "time_period", "obs_value", "basis"],
            )
            df["obs_status"] = "初步"
            df["source"] = SAMPLE_SOURCE
            end = dt.date(year + (q == 4), (q * 3) % 12 + 1, 20)
            yield Release(dt.datetime(end.year, end.month, end.day, 10, 0, tzinfo=TZ), f"{year}年{q}季度GDP", df)


def generate(units: dict[str, str], seed: int = 2025) -> list[Release]:
    """Every demo release, in the order it would have been submitted."""
    truth = _rounded(true_values(seed), units)
    releases = [*annual_releases(units, seed), *monthly_trade(truth, seed), *quarterly_gdp(truth)]
    return sorted(releases, key=lambda r: r.submitted_at)
