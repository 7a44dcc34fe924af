"""Panels (kaifang.indexing.panel) — ASEM_iData_p built year by year, panel imputation, global normalisation."""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest

from kaifang.indexing.coin import new_coin
from kaifang.indexing.panel import Panel, new_panel
from tests.conftest import assert_pure, shared_data

STEPS = [
    ("denominate", {}),
    ("impute", {"f_i": "i_mean_grp", "use_group": "EurAsia_group"}),
    ("screen", {"dat_thresh": 0.9}),
    ("treat", {"winmax": 5}),
    ("normalise", {"l_u": [0, 100]}),
    ("aggregate", {"f_ag": "a_amean"}),
]


def test_pure() -> None:
    assert_pure("kaifang.indexing.panel")


@lru_cache(maxsize=1)
def data() -> tuple[pd.DataFrame, pd.DataFrame]:
    return (
        pd.read_csv(shared_data("coinr-asem", "ASEM_iData_p.csv")),
        pd.read_csv(shared_data("coinr-asem", "ASEM_iMeta.csv")),
    )


@lru_cache(maxsize=1)
def built() -> Panel:
    panel_data, meta = data()
    panel = new_panel(panel_data, meta)
    for step, params in STEPS:
        panel = panel.apply(step, params)
    return panel


def test_built_year_by_year() -> None:
    panel = built()
    assert panel.times == [2018, 2019, 2020, 2021, 2022]
    res = panel.results()
    assert len(res) == 255 and res.columns.tolist()[:4] == ["uCode", "uName", "Time", "Index"]
    # the 2018 rows of ASEM_iData_p are ASEM_iData, so 2018 is COINr's example index
    y2018 = res[res["Time"] == 2018].set_index("uCode")
    assert y2018.loc["CHE", "Index"] == pytest.approx(68.383724, abs=1e-6) and y2018.loc["CHE", "Index_rank"] == 1
    assert y2018.loc["AUT", "Index"] == pytest.approx(61.901803, abs=1e-6)
    assert y2018.loc["RUS", "Index"] == pytest.approx(35.655545, abs=1e-6) and y2018.loc["RUS", "Index_rank"] == 51
    # every year is exactly the coin built from that year alone
    panel_data, meta = data()
    alone = new_coin(panel_data[panel_data["Time"] == 2020], meta)
    for step, params in STEPS:
        alone = alone.apply(step, params)
    pd.testing.assert_frame_equal(panel[2020].get(), alone.get())
    assert panel[2020.0] is panel[2020]


def test_panel_imputation_takes_the_previous_year() -> None:
    # COINr test-impute_panel.R: blank two 2022 values; "latest" fills them with the 2021 values
    panel_data, meta = data()
    holes = panel_data.copy()
    holes.loc[(holes["uCode"] == "NZL") & (holes["Time"] == 2022), "LPI"] = np.nan
    holes.loc[(holes["uCode"] == "AUT") & (holes["Time"] == 2022), "Flights"] = np.nan
    panel = new_panel(holes, meta).impute(dset="Raw", f_i="impute_panel", imp_type="latest")
    got = panel[2022].get("Imputed")
    before = panel_data.set_index(["uCode", "Time"])
    assert got.loc["NZL", "LPI"] == before.loc[("NZL", 2021.0), "LPI"]
    assert got.loc["AUT", "Flights"] == before.loc[("AUT", 2021.0), "Flights"]
    assert panel[2022].log[-1]["panel"] is True and panel.log[-1]["params"]["f_i_para"]["imp_type"] == "latest"
    with pytest.raises(ValueError, match="regen the panel"):
        panel[2022].regen()


def test_global_normalisation_pools_the_years() -> None:
    panel_data, meta = data()
    panel = new_panel(panel_data, meta).normalise(dset="Raw", global_=True)
    pooled = panel.get("Normalised")
    assert pooled["LPI"].min() == 0 and pooled["LPI"].max() == 100
    # one yardstick: the same raw value gives the same score in any year
    raw = panel.get("Raw")
    lo, hi = raw["Goods"].min(), raw["Goods"].max()
    assert pooled["Goods"].tolist() == pytest.approx(((raw["Goods"] - lo) / (hi - lo) * 100).tolist())
    yearly = new_panel(panel_data, meta).normalise(dset="Raw")
    assert yearly[2022].get("Normalised")["LPI"].max() == 100 and yearly[2019].get("Normalised")["LPI"].max() == 100


def test_panel_regen_and_log() -> None:
    panel = built()
    again = panel.regen()
    pd.testing.assert_frame_equal(again.results(), panel.results())
    zscored = panel.regen(normalise={"f_n": "n_zscore", "m_sd": [50, 10]})
    assert zscored.log[5]["params"]["f_n_para"] == {"m_sd": [50, 10]}
    assert zscored[2018].get()["Index"]["CHE"] != pytest.approx(68.383724)
    panel_data, meta = data()
    rebuilt = Panel.from_log(panel_data, meta, json.loads(panel.log_json()))
    pd.testing.assert_frame_equal(rebuilt.results(), panel.results())
