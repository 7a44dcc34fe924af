"""当月 ↔ 累计: fill the gaps of one basis from the other, where the data allow — and say so.

Statistics offices publish monthly series both as 当月 (the month itself) and 累计 (January to the
month); often only one reaches us. Stored values always win; a derived value fills a gap only, is
computed by :func:`kaifang.core.periods.ytd_to_period` / :func:`~kaifang.core.periods.period_to_ytd`
(which never split China's combined 1–2月 release and never bridge a missing month) and carries
``derived_from`` so the UI can mark it. The two bases are never summed or compared with each other.
"""

from __future__ import annotations

import pandas as pd

from kaifang.core.periods import parse_period, period_to_ytd, ytd_to_period
from kaifang.observations.query import PANEL_COLUMNS

SERIES = ["indicator", "ref_area"]


def fill_from_other_basis(wanted: pd.DataFrame, other: pd.DataFrame, basis: str) -> pd.DataFrame:
    """``wanted`` (rows of basis ``basis``) completed with values derived from ``other``.

    Both frames use the panel layout (:data:`kaifang.observations.query.PANEL_COLUMNS`); the result
    has an extra ``derived_from`` column: ``None`` for stored values, ``"YTD"`` or ``"P"`` otherwise.
    Annual periods are left alone (a year's 当期 and 累计 are the same number, stored once).
    """
    out = wanted.assign(derived_from=None)
    if other.empty:
        return out
    convert = ytd_to_period if basis == "P" else period_to_ytd
    have = set(zip(wanted["indicator"], wanted["ref_area"], wanted["time_period"], strict=True))
    extra = []
    for (code, region), grp in other.groupby(SERIES, sort=False):
        series = {parse_period(p): float(v) for p, v in zip(grp["time_period"], grp["obs_value"], strict=True)}
        series = {p: v for p, v in series.items() if p.freq != "Y"}
        unit = grp["unit"].iloc[0]
        for period, value in convert(series).items():
            key = (code, region, str(period))
            if key not in have:
                extra.append(
                    {
                        "indicator": code,
                        "ref_area": region,
                        "time_period": str(period),
                        "basis": basis,
                        "obs_value": value,
                        "unit": unit,
                        "obs_status": "D",
                        "id": None,
                        "derived_from": "YTD" if basis == "P" else "P",
                    }
                )
    if not extra:
        return out
    return pd.concat([out, pd.DataFrame(extra, columns=[*PANEL_COLUMNS, "derived_from"])], ignore_index=True)
