"""Employment by input-output sector: the GB/T 4754-2017 industries mapped onto the NBS 42-sector table.

The employment series (``china_employment.csv``: 全国就业人员 by 门类 A–T and 大类 groups such as B01 or C27, in
万人) uses the industry classification of national accounts, while the 42-sector table groups products. Each
IO sector below is the sum of the industries that produce its products, following the NBS correspondence of the
投入产出部门分类 to GB/T 4754-2017 at the detail the employment series has (开采专业及辅助性活动 B06 with 05,
国际组织 T with 42). Published 门类 totals and the sums of their 大类 differ by rounding (≤ 3 万人).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

NBS42_INDUSTRIES: dict[str, tuple[str, ...]] = {
    "01": ("A",),
    "02": ("B01",),
    "03": ("B02",),
    "04": ("B03", "B04"),
    "05": ("B05", "B06", "B07"),
    "06": ("C01", "C02", "C03", "C04"),
    "07": ("C05",),
    "08": ("C06", "C07"),
    "09": ("C08", "C09"),
    "10": ("C10", "C11", "C12"),
    "11": ("C13",),
    "12": ("C14", "C15", "C16", "C17"),
    "13": ("C18",),
    "14": ("C19", "C20"),
    "15": ("C21",),
    "16": ("C22",),
    "17": ("C23",),
    "18": ("C24", "C25"),
    "19": ("C26",),
    "20": ("C27",),
    "21": ("C28",),
    "22": ("C29", "C30"),
    "23": ("C31",),
    "24": ("D01",),
    "25": ("D02",),
    "26": ("D03",),
    "27": ("E",),
    "28": ("F",),
    "29": ("G",),
    "30": ("H",),
    "31": ("I",),
    "32": ("J",),
    "33": ("K",),
    "34": ("L",),
    "35": ("M01",),
    "36": ("M02", "M03"),
    "37": ("N",),
    "38": ("O",),
    "39": ("P",),
    "40": ("Q",),
    "41": ("R",),
    "42": ("S", "T"),
}


def read_nbs_employment(path: str | Path, year: int) -> pd.Series:
    """Employed persons (人, converted from 万人) by 42-sector code for ``year``, via :data:`NBS42_INDUSTRIES`."""
    raw = pd.read_csv(path, dtype={"Code": str}, encoding="utf-8").set_index("Code")
    col = str(year)
    if col not in raw.columns:
        years = [c for c in raw.columns if c.isdigit()]
        raise ValueError(f"{Path(path).name}: no employment for {year}; years {years[0]}–{years[-1]}")
    missing = sorted({c for codes in NBS42_INDUSTRIES.values() for c in codes} - set(raw.index))
    if missing:
        raise ValueError(f"{Path(path).name}: industries {missing} not found")
    values = {sector: float(raw.loc[list(codes), col].sum()) * 1e4 for sector, codes in NBS42_INDUSTRIES.items()}
    return pd.Series(values, name=f"employment_{year}").rename_axis("sector")
