"""Statistical audit (kaifang.indexing.audit) — pure, no Django.

Published figures are COINr 1.x's "Analysis" vignette on its ASEM example (Raw data set), read from
../shared/data/coinr-asem/ (skipped when absent); the rest are hand-computed with the arithmetic beside them.

Run: .venv/bin/pytest tests/test_indexing_audit.py -q -p no:django
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kaifang.indexing import audit
from tests.conftest import assert_pure, shared_data


def test_audit_is_pure():
    assert_pure("kaifang.indexing.audit")


def signif(x: float, digits: int = 3) -> float:
    """R's signif(): COINr prints its tables to 3 significant figures."""
    return float(f"{x:.{digits}g}")


@pytest.fixture(scope="module")
def asem() -> tuple[pd.DataFrame, pd.DataFrame]:
    """ASEM Raw indicator data (51 units × 49 indicators) and its framework (iMeta)."""
    data = pd.read_csv(shared_data("coinr-asem", "ASEM_iData.csv")).set_index("uCode")
    meta = pd.read_csv(shared_data("coinr-asem", "ASEM_iMeta.csv"))
    codes = meta.loc[meta["Level"] == 1, "iCode"].tolist()
    return data[codes], meta


# ----------------------------------------------------------------------------- skew, kurtosis, stats


def test_skew_and_kurtosis_are_excel_type():
    # x = 1, 2, 3, 4, 10: mean 4, d = −3, −2, −1, 0, 6; Σd² = 50, Σd³ = 180, Σd⁴ = 1394, n = 5.
    # Excel SKEW = n/((n−1)(n−2))·Σ(d/s)³ with s² = 50/4 = 12.5: 5/12 · 180/12.5^1.5 = 6/√12.5 = 1.2√2 = 1.697056
    # Excel KURT: r = nΣd⁴/(Σd²)² = 6970/2500 = 2.788; ((n+1)(r−3)+6)(n−1)/((n−2)(n−3)) = (6·−0.212+6)·4/6 = 3.152
    x = np.array([1, 2, 3, 4, 10.0])
    assert audit.skew(x) == pytest.approx(1.2 * math.sqrt(2), abs=1e-12)
    assert audit.kurt(x) == pytest.approx(3.152, abs=1e-12)
    # NaNs are dropped; too few points or a constant give NaN, never an error
    assert audit.skew(np.array([1, np.nan, 2, 3, 4, 10.0])) == pytest.approx(1.2 * math.sqrt(2))
    assert math.isnan(audit.skew(np.array([1.0, 2.0])))
    assert math.isnan(audit.kurt(np.array([1.0, 2.0, 3.0])))
    assert math.isnan(audit.skew(np.array([5.0, 5.0, 5.0, 5.0])))


def test_stats_match_coinr_vignette(asem):
    # COINr "Analysis" vignette, get_stats(coin, dset = "Raw"), first five rows (3 significant figures)
    data, _ = asem
    st = audit.indicator_stats(data)
    published = {
        # iCode: Min, Max, Mean, Median, Std, Skew, Kurt, N.Avail, N.NonZero, N.Unique
        "LPI": (2.07, 4.23, 3.41, 3.42, 0.538, -0.304, -0.657, 51, 51, 51),
        "Flights": (0.99, 211.0, 38.6, 25.6, 46.7, 2.10, 4.51, 51, 51, 51),
        "Ship": (0.00, 21.2, 12.0, 12.7, 6.84, -0.576, -0.681, 51, 42, 43),
        "Bord": (0.00, 122.0, 23.6, 18.0, 24.8, 2.15, 5.79, 51, 45, 30),
        "Elec": (0.00, 110.0, 16.2, 6.91, 22.7, 2.23, 5.79, 51, 47, 46),
    }
    cols = ["Min", "Max", "Mean", "Median", "Std", "Skew", "Kurt", "N.Avail", "N.NonZero", "N.Unique"]
    for code, values in published.items():
        got = [signif(float(st.at[code, c])) for c in cols]
        assert got == pytest.approx(list(values), abs=1e-9), code
    # Frc.NonZero / Frc.Unique of Ship 0.824 / 0.843, Bord 0.882 / 0.588; Flag.SkewKurt ok, OUT, ok, OUT, OUT
    assert signif(st.at["Ship", "Frc.NonZero"]) == 0.824 and signif(st.at["Ship", "Frc.Unique"]) == 0.843
    assert signif(st.at["Bord", "Frc.NonZero"]) == 0.882 and signif(st.at["Bord", "Frc.Unique"]) == 0.588
    assert st.loc[["LPI", "Flights", "Ship", "Bord", "Elec"], "Flag.SkewKurt"].tolist() == [
        "ok",
        "OUT",
        "ok",
        "OUT",
        "OUT",
    ]
    assert (st.loc[list(published), "Flag.Avail"] == "ok").all()


def test_availability_zero_unique_and_iqr_flags():
    # 10 rows. a: 6 of 10 available → 0.6 < 0.65 LOW. b: 7 of 10 → ok, values 0,0,0,0,0,1,2: Frc.Zero 5/7,
    # N.NonZero/N = 2/10 < 0.5 LOW, N.Unique/N = 3/10 LOW. c: 1..9 and 100: Q1 = 3.25, Q3 = 7.75 (R type 7),
    # IQR 4.5, upper fence 7.75 + 6.75 = 14.5 → exactly one IQR outlier (100).
    nan = np.nan
    df = pd.DataFrame(
        {
            "a": [1, 2, 3, 4, 5, 6, nan, nan, nan, nan],
            "b": [0, 0, 0, 0, 0, 1, 2, nan, nan, nan],
            "c": [1, 2, 3, 4, 5, 6, 7, 8, 9, 100],
        },
        dtype=float,
    )
    st = audit.indicator_stats(df)
    assert st.at["a", "Frc.Avail"] == pytest.approx(0.6) and st.at["a", "Flag.Avail"] == "LOW"
    assert st.at["b", "Frc.Avail"] == pytest.approx(0.7) and st.at["b", "Flag.Avail"] == "ok"
    assert st.at["b", "Frc.Zero"] == pytest.approx(5 / 7)
    assert st.at["b", "Flag.NonZero"] == "LOW" and st.at["b", "Flag.Unique"] == "LOW"
    assert st.at["c", "N.Outlier.IQR"] == 1 and st.at["c", "Flag.Outlier.IQR"] == "OUT"
    assert st.at["a", "Flag.Outlier.IQR"] == "ok"
    assert audit.iqr_outliers(df)["c"].tolist() == [False] * 9 + [True]


# ----------------------------------------------------------------------------- correlations


def test_correlations_match_coinr_vignette(asem):
    # get_corr(coin, dset = "Raw", iCodes = list("Environ"), Levels = 1): CO2 with MatCon 0.7222051,
    # PrimEner 0.3268484, Renew −0.5986338; pairs COINr blanks as insignificant (p > 0.05) are
    # CO2–Forest, Forest–MatCon, Forest–PrimEner, PrimEner–Renew.
    data, meta = asem
    within = audit.corr_within(data, meta).query("Group == 'Environ'")
    pairs = {frozenset((a, b)): (r, p) for a, b, r, p in within[["Var1", "Var2", "Corr", "p"]].itertuples(index=False)}
    assert len(pairs) == 10  # 5 indicators → 10 pairs, each once
    assert pairs[frozenset(("CO2", "MatCon"))][0] == pytest.approx(0.7222051, abs=5e-8)
    assert pairs[frozenset(("CO2", "PrimEner"))][0] == pytest.approx(0.3268484, abs=5e-8)
    assert pairs[frozenset(("CO2", "Renew"))][0] == pytest.approx(-0.5986338, abs=5e-8)
    blank = [("CO2", "Forest"), ("Forest", "MatCon"), ("Forest", "PrimEner"), ("PrimEner", "Renew")]
    for key, (_, p) in pairs.items():
        assert (p > 0.05) == (tuple(sorted(key)) in {tuple(sorted(b)) for b in blank}), key


def test_spearman_uses_pairwise_complete_ranks():
    # complete pairs (1,2), (2,1), (4,3): ranks a = 1,2,3, b = 2,1,3; ρ = 1 − 6Σd²/(n(n²−1)) = 1 − 12/24 = 0.5
    df = pd.DataFrame({"a": [1, 2, np.nan, 4, 5], "b": [2, 1, 4, 3, np.nan]})
    assert audit.corr_matrix(df, method="spearman").at["a", "b"] == pytest.approx(0.5)
    # one set against another: rows = the first frame's columns, columns = the second's
    cross = audit.corr_matrix(df[["a"]], df[["b"]], method="spearman")
    assert cross.shape == (1, 1) and cross.at["a", "b"] == pytest.approx(0.5)


def hand_framework() -> pd.DataFrame:
    """Index ← A (weight 2), B (weight 1); A ← x, y, z; B ← u, v (weights 1, 3)."""
    rows = [
        ("x", 1, "A", 1.0),
        ("y", 1, "A", 1.0),
        ("z", 1, "A", 1.0),
        ("u", 1, "B", 1.0),
        ("v", 1, "B", 3.0),
        ("A", 2, "Index", 2.0),
        ("B", 2, "Index", 1.0),
        ("Index", 3, None, 1.0),
    ]
    return pd.DataFrame(rows, columns=["iCode", "Level", "Parent", "Weight"])


def test_corr_flags_collinear_and_negative():
    # In A: y = 2x + tiny noise (r ≈ 1 → collinear), z = −x (r = −1 → collinear and negative).
    # In B: u = 1,2,3, v = 3,1,2: du = −1,0,1, dv = 1,−1,0, r = −1/√(2·2) = −0.5 (negative only).
    df = pd.DataFrame({"x": [1.0, 2, 3], "y": [2.0, 4.01, 6], "z": [-1.0, -2, -3], "u": [1.0, 2, 3], "v": [3.0, 1, 2]})
    flags = audit.corr_flags(df, hand_framework())
    got = {(a, b): (c, n) for a, b, c, n in flags[["Var1", "Var2", "Collinear", "Negative"]].itertuples(index=False)}
    assert got == {
        ("x", "y"): (True, False),
        ("x", "z"): (True, True),
        ("y", "z"): (True, True),
        ("u", "v"): (False, True),
    }
    assert flags.set_index(["Var1", "Var2"]).at[("u", "v"), "Corr"] == pytest.approx(-0.5)
    st = audit.indicator_stats(df, framework=hand_framework())
    assert st["Flag.Collinear"].to_dict() == {"x": "COLL", "y": "COLL", "z": "COLL", "u": "ok", "v": "ok"}


def test_corr_with_parents_and_family():
    # A equals x, so r(x, A) = 1; the index is −x, so r(x, Index) = −1 (only with family=True).
    df = pd.DataFrame({"x": [1.0, 2, 3], "A": [1.0, 2, 3], "Index": [-1.0, -2, -3]})
    parents = audit.corr_with_parents(df, hand_framework())
    assert parents[["Var1", "Parent", "ParentLevel"]].values.tolist() == [["x", "A", 2]]
    assert parents["Corr"].iloc[0] == pytest.approx(1.0)
    family = audit.corr_with_parents(df, hand_framework(), family=True)
    assert family.set_index("Parent")["Corr"].to_dict() == pytest.approx({"A": 1.0, "Index": -1.0})


# ----------------------------------------------------------------------------- multivariate


def test_cronbach_alpha_hand_and_coinr(asem):
    # a = 1,2,3 (var 1), b = 1,3,5 (var 4), cov 2: total a+b = 2,5,8 (var 9).
    # α = k/(k−1)(1 − Σσ²/σ²_T) = 2(1 − 5/9) = 8/9; COINr's form k²·σ̄_ij/Σσ = 4·2/9 = 8/9.
    assert audit.cronbach_alpha(pd.DataFrame({"a": [1.0, 2, 3], "b": [1.0, 3, 5]})) == pytest.approx(8 / 9)
    # COINr vignette: get_cronbach(coin, dset = "Raw", iCodes = "P2P", Level = 1) → 0.05126659
    data, meta = asem
    assert audit.cronbach_by_group(data, meta)["P2P"] == pytest.approx(0.05126659, abs=5e-9)


def test_pca_first_component_hand_and_coinr(asem):
    # x = 1,2,3 and y = 1,3,2: r = Σdxdy/√(Σdx²Σdy²) = 1/2; correlation-matrix eigenvalues 1 ± r → PC1 share 0.75
    res = audit.pca(pd.DataFrame({"x": [1.0, 2, 3], "y": [1.0, 3, 2]}))
    assert res.eigenvalues.tolist() == pytest.approx([1.5, 0.5])
    assert res.pc1_share == pytest.approx(0.75)
    assert res.loadings["PC1"].abs().tolist() == pytest.approx([1 / math.sqrt(2)] * 2)
    # COINr vignette: summary(get_PCA(coin, "Raw", iCodes = "Sust")$PCAresults$Social$PCAres):
    # PC1 standard deviation 2.2042, proportion of variance 0.5398, PC2 0.1408; 14 of 51 rows removed (NA)
    data, meta = asem
    social = audit.pca(data[audit.groups(meta)["Social"]])
    assert social.n_used == 51 - 14
    assert math.sqrt(social.eigenvalues[0]) == pytest.approx(2.2042, abs=5e-5)
    assert social.variance_share[:2].tolist() == pytest.approx([0.5398, 0.1408], abs=5e-5)
    table = audit.pca_by_group(data, meta)
    assert table.at["Social", "PC1.Share"] == pytest.approx(social.pc1_share)
    assert table.at["Social", "k"] == 9


# ----------------------------------------------------------------------------- weights


def test_effective_weights_hand():
    # A = 2/3, B = 1/3 of the index; x, y, z = (2/3)/3 = 2/9 each; u = (1/3)(1/4) = 1/12, v = (1/3)(3/4) = 1/4
    eff = audit.effective_weights(hand_framework())["EffWeight"]
    expected = {"x": 2 / 9, "y": 2 / 9, "z": 2 / 9, "u": 1 / 12, "v": 1 / 4, "A": 2 / 3, "B": 1 / 3, "Index": 1}
    assert eff.to_dict() == pytest.approx(expected)


def test_effective_weights_match_coinr(asem):
    # COINr docs, head(get_eff_weights(coin)): Goods, Services, FDI, PRemit, ForPort 0.02, Renew 0.03333333
    # (Index → 2 sub-indices → 5 pillars in Conn × 5 indicators in ConEcFin: ½·⅕·⅕; Sust: ½·⅓·⅕);
    # "all sum to 1 at each level" (COINr's test-weights.R)
    _, meta = asem
    eff = audit.effective_weights(meta)
    assert eff.loc[["Goods", "Services", "FDI", "PRemit", "ForPort"], "EffWeight"].tolist() == pytest.approx([0.02] * 5)
    assert eff.at["Renew", "EffWeight"] == pytest.approx(1 / 30)
    assert eff.groupby("Level")["EffWeight"].sum().tolist() == pytest.approx([1.0, 1.0, 1.0, 1.0])


def test_contributions_equal_weights_unequal_importance():
    # a = 1,2,3,4 (population var 1.25) and b = 1,−1,−1,1 (var 1) are uncorrelated; index = ½a + ½b.
    # r(a, I) = ½·1.25/(√1.25·½√2.25) = √1.25/1.5 = 0.745356; r(b, I) = ½/(½·1.5) = 2/3.
    # r² = 5/9 and 4/9 (sum 1): equal nominal weights, but a (more variance) drives more of the index.
    frame = pd.DataFrame(
        [("a", 1, "Index", 1.0), ("b", 1, "Index", 1.0), ("Index", 2, None, 1.0)],
        columns=["iCode", "Level", "Parent", "Weight"],
    )
    ind = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [1.0, -1, -1, 1]})
    out = audit.contributions(frame, ind, 0.5 * ind["a"] + 0.5 * ind["b"])
    assert out["EffWeight"].tolist() == pytest.approx([0.5, 0.5])
    assert out["Corr"].tolist() == pytest.approx([math.sqrt(1.25) / 1.5, 2 / 3])
    assert out["Corr2.Share"].tolist() == pytest.approx([5 / 9, 4 / 9])


def test_framework_errors_are_precise():
    bad = hand_framework()
    bad.loc[len(bad)] = ("x", 1, "A", 1.0)
    with pytest.raises(ValueError, match="Duplicate entries in iCode: x"):
        audit.effective_weights(bad)
    orphan = hand_framework()
    orphan.loc[0, "Parent"] = "Nowhere"
    with pytest.raises(ValueError, match="Parent not found in iCode for: x"):
        audit.lineage(orphan)
    assert audit.lineage(hand_framework()).loc["v"].tolist() == ["v", "B", "Index"]
