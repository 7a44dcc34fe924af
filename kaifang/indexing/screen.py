"""按数据可得性筛选 — screening units by data availability (COINr ``Screen``).

OECD/JRC *Handbook on Constructing Composite Indicators* (2008), step 3: units with too little data are
dropped rather than imputed. For each unit (row): availability = 1 − (missing / indicators) and non-zero
share = 1 − zeros / observed values (COINr ``get_data_avail``). ``unit_screen``:

* ``byNA`` — keep units with availability ≥ ``dat_thresh`` (default 2/3);
* ``byZeros`` — keep units with non-zero share ≥ ``nonzero_thresh`` (default 0.05);
* ``byNAandZeros`` — keep units meeting both;
* ``none`` — keep all.

``force`` ({uCode: True/False}) overrides the rule for the listed units.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["UNIT_SCREENS", "data_availability", "screen"]

UNIT_SCREENS = ("byNA", "byZeros", "byNAandZeros", "none")


def data_availability(data: pd.DataFrame) -> pd.DataFrame:
    """Per unit: N_missing, N_zero, N_miss_or_zero, Dat_Avail, Non_Zero (COINr ``get_data_avail``)."""
    a = data.to_numpy(dtype=float)
    k = a.shape[1]
    miss = np.isnan(a).sum(axis=1)
    zero = (a == 0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        non_zero = 1 - zero / (k - miss)
    return pd.DataFrame(
        {
            "N_missing": miss,
            "N_zero": zero,
            "N_miss_or_zero": miss + zero,
            "Dat_Avail": 1 - miss / k,
            "Non_Zero": non_zero,
        },
        index=data.index,
    )


def screen(
    data: pd.DataFrame,
    unit_screen: str = "byNA",
    dat_thresh: float = 2 / 3,
    nonzero_thresh: float = 0.05,
    force: Mapping[str, bool] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep the units that pass the rule; return (screened data, summary with flags and ``Included``)."""
    if unit_screen not in UNIT_SCREENS:
        raise ValueError(f"unknown unit_screen {unit_screen!r}; known: {', '.join(UNIT_SCREENS)}")
    s = data_availability(data)
    s["LowData"] = s["Dat_Avail"] < dat_thresh
    s["LowNonZero"] = s["Non_Zero"] < nonzero_thresh
    s["LowDatOrZeroFlag"] = s["LowData"] | s["LowNonZero"]
    keep = {
        "byNA": ~s["LowData"],
        "byZeros": ~s["LowNonZero"],
        "byNAandZeros": ~s["LowDatOrZeroFlag"],
        "none": pd.Series(True, index=s.index),
    }[unit_screen]
    if force:
        unknown = [u for u in force if u not in s.index]
        if unknown:
            raise ValueError(f"force names units not in the data: {', '.join(map(str, unknown))}")
        keep = keep.copy()
        for unit, include in force.items():
            keep[unit] = bool(include)
    s["Included"] = keep.astype(bool)
    return data[s["Included"].to_numpy()], s
