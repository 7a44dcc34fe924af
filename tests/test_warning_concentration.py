"""Concentration watch indicators (kaifang.warning.concentration): hand-computed toys and China's 2017
exports by partner (../shared/data/trade, UN Comtrade values) — pure, no Django.

Run: .venv/bin/pytest tests/test_warning_concentration.py -q -p no:django
"""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

from kaifang.warning import concentration as cn
from tests.conftest import assert_pure, shared_data


def test_module_is_pure() -> None:
    assert_pure("kaifang.warning.concentration")


def test_toy_distribution_by_hand() -> None:
    # values 50, 30, 20 (total 100): shares 0.5, 0.3, 0.2
    v = [50.0, 30.0, 20.0]
    assert cn.hhi(v) == pytest.approx(0.38)  # 0.25 + 0.09 + 0.04
    assert cn.hhi_points(v) == pytest.approx(3800.0)  # 50² + 30² + 20² = 2500 + 900 + 400
    assert cn.normalised_hhi(v) == pytest.approx(0.07)  # (0.38 − 1/3) / (1 − 1/3) = 0.04667 / 0.66667
    assert cn.equivalent_number(v) == pytest.approx(2.631578947)  # 1 / 0.38
    assert cn.top_k_share(v, k=2) == pytest.approx(0.8)  # 0.5 + 0.3
    assert cn.top_k_share(v, k=3) == pytest.approx(1.0)
    assert cn.top_k_share(v, k=10) == pytest.approx(1.0)  # fewer partners than k: all of them


def test_extremes() -> None:
    assert cn.hhi([7.0]) == 1.0 and cn.normalised_hhi([7.0]) == 1.0 and cn.equivalent_number([7.0]) == 1.0
    equal = [5.0] * 4  # four equal partners: HHI = 4 · 0.25² = 0.25, one over it = 4, normalised 0
    assert cn.hhi(equal) == pytest.approx(0.25)
    assert cn.equivalent_number(equal) == pytest.approx(4.0)
    assert cn.normalised_hhi(equal) == pytest.approx(0.0)
    assert cn.normalised_hhi([10.0, 0.0, 0.0]) == pytest.approx(1.0)  # all on one of three listed partners


def test_known_total_gives_shares_of_the_total() -> None:
    # 50 and 30 listed out of a total of 200: shares 0.25 and 0.15; the unlisted 120 is unknown
    assert cn.hhi([50.0, 30.0], total=200.0) == pytest.approx(0.085)  # 0.0625 + 0.0225: a lower bound
    assert cn.top_k_share([50.0, 30.0], k=1, total=200.0) == pytest.approx(0.25)
    with pytest.raises(ValueError, match="smaller than the sum"):
        cn.hhi([50.0, 30.0], total=60.0)


def test_rows_of_a_panel_and_errors() -> None:
    # two years × three partners: row 1 is the toy (0.38), row 2 equal shares (1/3)
    panel = pd.DataFrame([[50.0, 30.0, 20.0], [1.0, 1.0, 1.0]], index=["2023", "2024"], columns=["US", "JP", "KR"])
    out = cn.hhi(panel)
    assert isinstance(out, pd.Series) and list(out.index) == ["2023", "2024"]
    np.testing.assert_allclose(out, [0.38, 1 / 3])
    np.testing.assert_allclose(cn.top_k_share(panel.to_numpy(), k=1), [0.5, 1 / 3])
    for bad in ([], [1.0, -2.0], [1.0, np.nan], [[[1.0]]]):
        with pytest.raises(ValueError):
            cn.hhi(bad)
    with pytest.raises(ValueError, match="positive"):
        cn.hhi([0.0, 0.0])


def _china_exports_by_partner() -> pd.Series:
    path = shared_data("trade", "china_2017_top50_partners_by_flow.csv")
    with path.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["flow"] == "export"]
    return pd.Series([int(r["value_usd"]) for r in rows], index=[r["partner_iso3"] for r in rows], dtype=float)


def test_china_2017_exports_by_partner() -> None:
    exports = _china_exports_by_partner()
    assert len(exports) == 50
    total = 2_103_335_420_000  # Σ of the 50 listed partners, summed from the file in integer dollars
    assert exports.sum() == total
    # expected values from the file's own numbers, summed independently of the module in plain Python
    expected_hhi = sum((int(v) / total) ** 2 for v in exports)
    assert expected_hhi == pytest.approx(0.0769384, abs=1e-7)
    result = cn.concentration(exports, k=3)
    assert result.n == 50
    assert result.hhi == pytest.approx(expected_hhi, rel=1e-12)
    assert result.hhi_points == pytest.approx(769.384, abs=1e-3)  # "unconcentrated" (< 1,000) in the US guidelines
    assert result.equivalent_number == pytest.approx(12.9974, abs=1e-4)  # 1 / 0.0769384
    assert result.normalised_hhi == pytest.approx((expected_hhi - 1 / 50) / (1 - 1 / 50), rel=1e-12)
    # the United States 431,664,273,000 / 2,103,335,420,000 = 0.205228
    assert result.top_partner == "USA"
    assert result.top_partner_share == pytest.approx(431_664_273_000 / total, rel=1e-12)
    assert result.top_partner_share == pytest.approx(0.205228, abs=1e-6)
    # USA + Hong Kong + Japan: (431,664,273,000 + 280,975,081,000 + 137,368,622,000) / total = 0.404124
    assert result.top_k_share == pytest.approx(0.404124, abs=1e-6)
    assert result.as_dict()["top_partner"] == "USA"


def test_china_2017_exports_by_hs4_product() -> None:
    path = shared_data("trade", "china_2017_top50_hs4_products_by_flow.csv")
    products = pd.read_csv(path, dtype={"hs4": str}).query("flow == 'export'").set_index("hs4")["value_usd"]
    assert len(products) == 50 and products.sum() == 1_243_366_281_000  # Σ of the 50 listed products
    # 8517 telephones 219,421,769,000 + 8471 computers 142,184,062,000 + 8542 integrated circuits
    # 66,507,730,000 = 428,113,561,000 → 428,113,561,000 / 1,243,366,281,000 = 0.344318
    assert cn.top_k_share(products, k=3) == pytest.approx(0.344318, abs=1e-6)
    assert cn.top_partner(products) == ("8517", pytest.approx(219_421_769_000 / 1_243_366_281_000))
    expected = sum((int(v) / 1_243_366_281_000) ** 2 for v in products)  # plain-Python Σ s², = 0.0577734
    assert cn.hhi(products) == pytest.approx(expected, rel=1e-12) and expected == pytest.approx(0.0577734, abs=1e-7)
