"""Spatial concentration (kaifang.indexing.spatial) — pure, no Django.

Hand-computed lattices (arithmetic in the comments), exact permutation distributions by enumeration, and the
real map of the 21 Sichuan prefectures (echarts 4.9.0, ../shared/data/geo/; skipped when absent) with their
2021 GDP (../shared/data/cities/).

Run: .venv/bin/pytest tests/test_indexing_spatial.py -q -p no:django
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from kaifang.indexing import spatial
from tests.conftest import assert_pure, shared_data

BAZHONG, CHENGDU, DAZHOU, NANCHONG, GUANGYUAN = "511900", "510100", "511700", "511300", "510800"


def test_spatial_is_pure():
    assert_pure("kaifang.indexing.spatial")


# ----------------------------------------------------------------------------- location quotients


def test_location_quotients_hand():
    # R1: a 30, b 10 (total 40); R2: a 20, b 50 (total 70); totals a 50, b 60, all 110.
    # LQ = (x_ir/X_r)/(X_i/X): R1a = 0.75/(50/110) = 1.65, R1b = 0.25/(60/110) = 0.458333,
    # R2a = (2/7)/(5/11) = 22/35 = 0.628571, R2b = (5/7)/(6/11) = 55/42 = 1.309524
    x = pd.DataFrame({"a": [30.0, 20.0], "b": [10.0, 50.0]}, index=["R1", "R2"])
    lq = spatial.location_quotients(x)
    assert lq.loc["R1"].tolist() == pytest.approx([1.65, 0.25 / (60 / 110)])
    assert lq.loc["R2"].tolist() == pytest.approx([22 / 35, 55 / 42])
    # the regions' size-weighted LQs average to 1: (40/110)·1.65 + (70/110)·(22/35) = 0.6 + 0.4
    assert (lq["a"] * x.sum(axis=1) / 110).sum() == pytest.approx(1.0)
    # against a wider reference (a 100, b 100 → 50 % each): R1a = 0.75/0.5 = 1.5
    assert spatial.location_quotients(x, reference=pd.Series({"a": 100.0, "b": 100.0})).at["R1", "a"] == 1.5


def test_location_quotient_of_bazhong_primary_industry():
    # 2021 value added (万元): 巴中 primary 1,745,000 of 7,425,100 (= 742.51 亿元) → 23.5014 %;
    # the 21 prefectures: 56,618,700 of 538,508,100 → 10.5140 %; LQ = 0.235014/0.105140 = 2.2352
    raw = pd.read_csv(shared_data("cities", "csmar_sichuan21_plus_hanzhong_ankang_2000_2021.csv"))
    y = raw[(raw["Sgnyea"] == 2021) & (raw["Prvcnm_id"] == 510000)]
    x = y.set_index(y["Ctnm_id"].astype(str))[["GDP_PrimInd", "GDP_SecInd", "GDP_TerInd"]]
    lq = spatial.location_quotients(x)
    assert lq.at[BAZHONG, "GDP_PrimInd"] == pytest.approx(2.235246744003592)
    assert lq.at[CHENGDU, "GDP_PrimInd"] < 0.3 < 1 < lq.at[CHENGDU, "GDP_TerInd"]  # a service metropolis


# ----------------------------------------------------------------------------- geometry and weights


def square(x0: float, y0: float, size: float = 1.0) -> list[list[float]]:
    return [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]


def collection(*features: tuple[str, list]) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"adcode": code, "name": code}, "geometry": geom}
            for code, geom in features
        ],
    }


def test_queen_rook_and_tolerance_on_hand_squares():
    # A [0,1]², B [1,2]×[0,1] share an edge; C [2,3]×[1,2] touches B only at the corner (2, 1);
    # D sits 1e-6 to the right of C: a gap no exact match closes.
    doc = collection(
        ("A", {"type": "Polygon", "coordinates": [square(0, 0)]}),
        ("B", {"type": "Polygon", "coordinates": [square(1, 0)]}),
        ("C", {"type": "MultiPolygon", "coordinates": [[square(2, 1)]]}),
        ("D", {"type": "Polygon", "coordinates": [square(3 + 1e-6, 1)]}),
    )
    regions = spatial.read_regions(doc)
    queen = spatial.neighbours(spatial.contiguity_weights(regions))
    rook = spatial.neighbours(spatial.contiguity_weights(regions, rule="rook"))
    assert queen == {"A": ["B"], "B": ["A", "C"], "C": ["B"], "D": []}
    assert rook == {"A": ["B"], "B": ["A"], "C": [], "D": []}
    snapped = spatial.neighbours(spatial.contiguity_weights(regions, rule="rook", tolerance=1e-5))
    assert snapped["C"] == ["D"] and snapped["D"] == ["C"]


def test_read_regions_errors():
    point = collection(("P", {"type": "Point", "coordinates": [0, 0]}))
    with pytest.raises(ValueError, match="Point"):
        spatial.read_regions(point)
    twice = collection(
        ("A", {"type": "Polygon", "coordinates": [square(0, 0)]}),
        ("A", {"type": "Polygon", "coordinates": [square(1, 0)]}),
    )
    with pytest.raises(ValueError, match="duplicate region code 'A'"):
        spatial.read_regions(twice)


def test_centroid_subtracts_holes():
    # 4×4 square (area 16, centre (2, 2)) with a 1×1 hole at [0,1]² (centre (0.5, 0.5)):
    # x̄ = (16·2 − 1·0.5)/15 = 31.5/15 = 2.1, same for ȳ (the projection scales x linearly, so x̄ is exact)
    doc = collection(("H", {"type": "Polygon", "coordinates": [square(0, 0, 4), square(0, 0, 1)[::-1]]}))
    c = spatial.centroids(spatial.read_regions(doc))
    assert c.loc["H"].tolist() == pytest.approx([2.1, 2.1])


def test_great_circle_distances():
    # one degree along a meridian = πR/180 = 111.195 km; a quarter of the equator = πR/2 = 10,007.5 km
    r = spatial.EARTH_RADIUS_KM
    assert float(spatial.great_circle_km(104.0, 30.0, 104.0, 31.0)) == pytest.approx(math.pi * r / 180)
    assert float(spatial.great_circle_km(0.0, 0.0, 90.0, 0.0)) == pytest.approx(math.pi * r / 2)


def test_knn_idw_and_row_standardisation():
    # points on the equator at lon 0, 1, 3, 6: nearest of 0 is 1; of 1 is 0; of 3 is 1 (2° < 3°); of 6 is 3
    pts = pd.DataFrame({"lon": [0.0, 1.0, 3.0, 6.0], "lat": 0.0}, index=["p0", "p1", "p3", "p6"])
    assert spatial.neighbours(spatial.knn_weights(pts, 1)) == {"p0": ["p1"], "p1": ["p0"], "p3": ["p1"], "p6": ["p3"]}
    deg = math.pi * spatial.EARTH_RADIUS_KM / 180  # km per degree on the equator
    idw = spatial.inverse_distance_weights(pts, threshold_km=2.5 * deg)
    assert idw.loc["p0"].tolist() == pytest.approx([0, 1 / deg, 0, 0])  # p3 (3°) is beyond 2.5°
    assert idw.loc["p1"].tolist() == pytest.approx([1 / deg, 0, 1 / (2 * deg), 0])
    std = spatial.row_standardise(idw)
    assert std.loc["p1"].tolist() == pytest.approx([2 / 3, 0, 1 / 3, 0])  # weights 1 : ½ → ⅔ : ⅓
    assert std.loc["p6"].sum() == 0  # no neighbour within 2.5°: an island stays empty


# ----------------------------------------------------------------------------- global and local Moran's I


def rook_grid(rows: int = 3, cols: int = 3) -> pd.DataFrame:
    """Binary rook contiguity on a lattice; cells named r<row>c<col>, row by row."""
    names = [f"r{i}c{j}" for i in range(rows) for j in range(cols)]
    w = pd.DataFrame(0.0, index=names, columns=names)
    for i, j in itertools.product(range(rows), range(cols)):
        for di, dj in ((0, 1), (1, 0)):
            if i + di < rows and j + dj < cols:
                w.loc[f"r{i}c{j}", f"r{i + di}c{j + dj}"] = w.loc[f"r{i + di}c{j + dj}", f"r{i}c{j}"] = 1.0
    return w


GRADIENT = pd.Series(range(1, 10), index=rook_grid().index, dtype=float)  # 1 2 3 / 4 5 6 / 7 8 9


def test_morans_i_gradient_by_hand():
    # z = x − 5 = −4 −3 −2 / −1 0 1 / 2 3 4, Σz² = 60. The 12 rook edges: rows (−4·−3) + (−3·−2) + 0 + 0
    # + (2·3) + (3·4) = 12 + 6 + 6 + 12 = 36; columns (−4·−1) + (−1·2) + 0 + 0 + (−2·1) + (1·4) = 4; zᵀWz = 2·40 = 80.
    # I = (n/S₀)·zᵀWz/zᵀz = (9/24)·(80/60) = 0.5; E[I] = −1/8.
    # S₁ = ½·24·2² = 48; S₂ = Σ(2dᵢ)² = 4·4² + 4·6² + 8² = 272 (degrees 2 at corners, 3 at edges, 4 centre).
    # Var_N = (81·48 − 9·272 + 3·576)/(80·576) − 1/64 = 3168/46080 − 1/64 = 17/320 = 0.053125.
    # b₂ = 9·Σz⁴/(Σz²)² = 9·708/3600 = 1.77;
    # Var_R = [9(57·48 − 9·272 + 1728) − 1.77(72·48 − 18·272 + 3456)]/(8·7·6·576) − 1/64
    #       = (18144 − 3568.32)/193536 − 1/64 = 0.0753125 − 0.015625 = 191/3200 = 0.0596875
    res = spatial.morans_i(GRADIENT, rook_grid(), permutations=0)
    assert res.moran_i == pytest.approx(0.5)
    assert res.expected == pytest.approx(-1 / 8)
    assert res.var_norm == pytest.approx(17 / 320)
    assert res.var_rand == pytest.approx(191 / 3200)
    assert res.z_norm == pytest.approx(0.625 / math.sqrt(17 / 320))  # 2.7116
    assert res.z_rand == pytest.approx(0.625 / math.sqrt(191 / 3200))  # 2.5582
    assert res.p_norm == pytest.approx(0.006695, abs=5e-6)  # 2·(1 − Φ(2.7116))


def test_checkerboard_is_perfect_negative_autocorrelation():
    # 1 0 1 / 0 1 0 / 1 0 1: x̄ = 5/9, every rook edge joins a 1 (z = 4/9) and a 0 (z = −5/9):
    # zᵀWz = 24·(−20/81), zᵀz = 5·16/81 + 4·25/81 = 180/81 → I = (9/24)·(−480/180) = −1
    board = pd.Series([1, 0, 1, 0, 1, 0, 1, 0, 1], index=rook_grid().index, dtype=float)
    assert spatial.morans_i(board, rook_grid(), permutations=0).moran_i == pytest.approx(-1.0)


def test_randomisation_moments_are_exact_over_all_permutations():
    # Var_R is the variance of I over all 9! = 362,880 relabellings; enumerate them and compare.
    w = rook_grid().to_numpy()
    z = GRADIENT.to_numpy() - 5.0
    perms = z[np.array(list(itertools.permutations(range(9))))]
    all_i = (9 / 24) * np.einsum("pi,pi->p", perms @ w, perms) / 60.0
    res = spatial.morans_i(GRADIENT, rook_grid(), permutations=0)
    assert all_i.mean() == pytest.approx(res.expected, abs=1e-12)
    assert all_i.var() == pytest.approx(res.var_rand, abs=1e-12)


def test_permutation_p_value_is_seeded_and_close_to_exact():
    # exact one-sided p of I ≥ 0.5 over all 9! relabellings, against 9,999 seeded random ones
    w = rook_grid().to_numpy()
    z = GRADIENT.to_numpy() - 5.0
    perms = z[np.array(list(itertools.permutations(range(9))))]
    exact = float(((9 / 24) * np.einsum("pi,pi->p", perms @ w, perms) / 60.0 >= 0.5 - 1e-12).mean())
    a = spatial.morans_i(GRADIENT, rook_grid(), permutations=9999, seed=2024)
    b = spatial.morans_i(GRADIENT, rook_grid(), permutations=9999, seed=2024)
    assert a.p_sim == b.p_sim and np.array_equal(a.simulated, b.simulated)
    assert a.simulated.shape == (9999,)
    assert abs(a.p_sim - exact) < 4 * math.sqrt(exact * (1 - exact) / 9999) + 1 / 10000
    assert a.simulated.mean() == pytest.approx(-1 / 8, abs=0.01)  # E[I] = −1/(n−1)


def test_expected_value_is_minus_one_over_n_minus_one():
    for n in (4, 9, 21):
        w = rook_grid(1, n)
        values = pd.Series(np.arange(n, dtype=float) ** 2, index=w.index)
        assert spatial.morans_i(values, w, permutations=0).expected == pytest.approx(-1 / (n - 1))


def test_local_morans_i_hand_and_conditional_permutation():
    # row-standardised rook; m₂ = Σz²/n = 60/9. Corner r0c0: z = −4, neighbours −3, −1 → lag −2,
    # I = (−4)(−2)/(60/9) = 1.2 (LL). r0c2: z = −2, neighbours −3 (r0c1), 1 (r1c2) → lag −1, I = 2·9/60 = 0.3.
    # Centre: z = 0 → I = 0, no quadrant. E[Iᵢ] = −Σⱼwᵢⱼ/(n−1) = −1/8.
    # Conditional p of r0c0: z fixed at −4, two neighbours drawn from the other eight values
    # {−3, −2, −1, 0, 1, 2, 3, 4}; Iᵢ ≥ 1.2 ⇔ their sum ≤ −4: {−3, −2}, {−3, −1} → exact p = 2/28 = 1/14.
    w = spatial.row_standardise(rook_grid())
    lisa = spatial.local_morans_i(GRADIENT, w, permutations=9999, seed=7)
    assert lisa.at["r0c0", "Ii"] == pytest.approx(1.2)
    assert lisa.at["r0c0", "Lag"] == pytest.approx(-2.0)
    assert lisa.at["r0c2", "Ii"] == pytest.approx(0.3)
    assert lisa.at["r1c1", "Ii"] == 0 and lisa.at["r1c1", "Quadrant"] == ""
    assert lisa.loc[["r0c0", "r2c2", "r0c2"], "Quadrant"].tolist() == ["LL", "HH", "LL"]
    assert lisa["E.Ii"].tolist() == pytest.approx([-1 / 8] * 9)
    assert abs(lisa.at["r0c0", "p_sim"] - 1 / 14) < 4 * math.sqrt((1 / 14) * (13 / 14) / 9999)
    # Σ Iᵢ = S₀·I (Anselin 1995): with row-standardised W, S₀ = n = 9
    assert lisa["Ii"].sum() == pytest.approx(9 * spatial.morans_i(GRADIENT, w, permutations=0).moran_i)
    again = spatial.local_morans_i(GRADIENT, w, permutations=9999, seed=7)
    assert again["p_sim"].tolist() == lisa["p_sim"].tolist()


def test_moran_input_errors():
    w = rook_grid()
    with pytest.raises(KeyError, match="r2c2"):
        spatial.morans_i(GRADIENT.drop("r2c2"), w)
    with pytest.raises(ValueError, match="constant"):
        spatial.morans_i(pd.Series(1.0, index=w.index), w)


# ----------------------------------------------------------------------------- the real Sichuan map


@pytest.fixture(scope="module")
def sichuan_map() -> list[spatial.Region]:
    return spatial.read_regions(shared_data("geo", "sichuan_prefectures_echarts4.geojson"))


@pytest.fixture(scope="module")
def gdp_2021() -> pd.Series:
    raw = pd.read_csv(shared_data("cities", "csmar_sichuan21_plus_hanzhong_ankang_2000_2021.csv"))
    y = raw[raw["Sgnyea"] == 2021]
    return pd.Series(y["Gdpct01"].to_numpy(), index=y["Ctnm_id"].astype(str), name="GDP")  # 亿元


def test_sichuan_map_reads_21_prefectures(sichuan_map):
    assert len(sichuan_map) == 21
    names = {r.code: r.name for r in sichuan_map}
    assert names[BAZHONG] == "巴中市" and names[CHENGDU] == "成都市"
    assert all(code.startswith("51") and len(code) == 6 for code in names)


def test_sichuan_queen_neighbours(sichuan_map):
    w = spatial.contiguity_weights(sichuan_map)
    nb = spatial.neighbours(w)
    # 巴中 borders 广元 (north-west), 南充 (south-west) and 达州 (east) inside Sichuan (and 汉中, Shaanxi, outside)
    assert set(nb[BAZHONG]) == {GUANGYUAN, NANCHONG, DAZHOU}
    assert CHENGDU not in nb[BAZHONG]
    # 成都: 德阳, 眉山, 雅安, 资阳, 阿坝; 达州: 南充, 广安, 巴中; 攀枝花 touches only 凉山 within the province
    assert set(nb[CHENGDU]) == {"510600", "511400", "511800", "512000", "513200"}
    assert set(nb[DAZHOU]) == {NANCHONG, "511600", BAZHONG}
    assert nb["510400"] == ["513400"]
    assert (w.to_numpy() == w.to_numpy().T).all() and w.to_numpy().sum() == 2 * 45  # 45 borders
    # shared borders carry identical vertices on both sides: every queen link is also a rook link, and
    # snapping vertices within 0.001° (≈ 100 m) adds nothing
    assert w.equals(spatial.contiguity_weights(sichuan_map, rule="rook"))
    assert w.equals(spatial.contiguity_weights(sichuan_map, tolerance=1e-3))


def test_sichuan_province_neighbours_on_the_china_map():
    # 四川 borders 重庆, 贵州, 云南, 西藏, 青海, 甘肃 and 陕西 (GB/T 2260 provincial codes)
    provinces = spatial.read_regions(shared_data("geo", "china_provinces_echarts4.geojson"))
    nb = spatial.neighbours(spatial.contiguity_weights(provinces))
    assert set(nb["510000"]) == {"500000", "520000", "530000", "540000", "630000", "620000", "610000"}


def test_sichuan_centroids_and_distance(sichuan_map):
    c = spatial.centroids(sichuan_map)
    # every prefecture's centroid lies inside Sichuan's bounding box (97.3–108.6 °E, 26.0–34.3 °N)
    assert c["lon"].between(97.3, 108.6).all() and c["lat"].between(26.0, 34.3).all()
    d = spatial.distance_matrix(c)
    # 巴中's nearest centroid is a neighbour; 成都 is much further than any of its three neighbours
    assert d.loc[BAZHONG].drop(BAZHONG).idxmin() in {GUANGYUAN, NANCHONG, DAZHOU}
    assert d.at[BAZHONG, CHENGDU] > d.loc[BAZHONG, [GUANGYUAN, NANCHONG, DAZHOU]].max()
    knn = spatial.neighbours(spatial.knn_weights(c, 3))
    assert len(knn[BAZHONG]) == 3


def test_morans_i_of_sichuan_gdp_2021(sichuan_map, gdp_2021):
    w = spatial.row_standardise(spatial.contiguity_weights(sichuan_map))
    res = spatial.morans_i(gdp_2021, w, permutations=999, seed=1)
    # checked against a plain double loop: I = (n/S₀) Σᵢ Σⱼ wᵢⱼ zᵢ zⱼ / Σᵢ zᵢ², S₀ = 21 (row-standardised)
    codes = list(w.index)
    x = gdp_2021.loc[codes].to_numpy()
    z = x - x.mean()
    num = sum(w.iat[i, j] * z[i] * z[j] for i in range(21) for j in range(21))
    assert res.moran_i == pytest.approx(21 / 21 * num / (z @ z))
    assert res.moran_i == pytest.approx(-0.0916387, abs=1e-7)  # no clustering of GDP: Chengdu towers alone
    assert res.expected == pytest.approx(-0.05)
    assert 0 < res.p_sim <= 1 and res.p_rand > 0.05
    lisa = spatial.local_morans_i(gdp_2021, w, permutations=999, seed=1)
    # 成都 19,917 亿元 among neighbours averaging (2656.56 + 1547.87 + 840.56 + 890.50 + 449.63)/5 = 1277.02,
    # below the mean 2564.32: a high-low outlier. 巴中 742.51 with 广元, 南充, 达州 averaging 2023.30: low-low.
    assert lisa.at[CHENGDU, "Quadrant"] == "HL"
    assert lisa.at[BAZHONG, "Quadrant"] == "LL"
    assert lisa.at[BAZHONG, "Lag"] == pytest.approx((1116.25 + 2601.98 + 2351.67) / 3 - gdp_2021.loc[codes].mean())
    assert lisa["Ii"].sum() == pytest.approx(21 * res.moran_i)
