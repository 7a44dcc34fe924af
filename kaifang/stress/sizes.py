"""A region's sector sizes for regionalisation, from the figures a city actually has.

A prefecture publishes value added by the three industries (第一/二/三产业增加值), rarely anything finer. The
42-sector output a location quotient needs is estimated from them: national value added of each sector scaled so
that each industry's sectors sum to the region's figure, divided by the national value-added ratio v_j:

    x^r_j = v^n_j⁻¹ · VA^n_j · VA^r_g / Σ_{k∈g} VA^n_k      for sector j in industry g

(a sector's share within its industry is the national one). The industries of the NBS 42-sector codes:
01 第一产业; 02–27 第二产业 (mining, manufacturing, utilities, construction); 28–42 第三产业. With a finer
source — sector output or employment from the statistics office — pass it to the regionalisation directly.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from kaifang.stress.tables import IOTable

INDUSTRIES = ("primary", "secondary", "tertiary")
INDUSTRY_NAMES = {"primary": "第一产业", "secondary": "第二产业", "tertiary": "第三产业"}


def industry_of(code: str) -> str:
    """The industry (三次产业) of an NBS 42-sector code."""
    if code == "01":
        return "primary"
    if "02" <= code <= "27":
        return "secondary"
    return "tertiary"


def output_from_three_industries(
    national: IOTable, primary: float, secondary: float, tertiary: float
) -> npt.NDArray[np.float64]:
    """Regional output by sector (table unit) from the region's value added of the three industries (same unit)."""
    given = {"primary": primary, "secondary": secondary, "tertiary": tertiary}
    groups = np.array([industry_of(c) for c in national.codes])
    va = np.asarray(national.value_added, dtype=float).copy()
    for name in INDUSTRIES:
        mask = groups == name
        total = va[mask].sum()
        if given[name] < 0:
            raise ValueError(f"{INDUSTRY_NAMES[name]}增加值不能为负 ({name} value added is negative)")
        if total <= 0:
            if given[name] > 0:
                raise ValueError(f"全国表没有{INDUSTRY_NAMES[name]}部门 (no {name} sectors in the table)")
            continue
        va[mask] *= given[name] / total
    v = np.divide(va, national.v, out=np.zeros_like(va), where=national.v > 0)
    return v
