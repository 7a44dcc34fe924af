"""Region geometry and spatial weights (空间权重矩阵) — pure numpy/scipy, no Django, no GIS library.

Reads a GeoJSON FeatureCollection of Polygon/MultiPolygon regions (ids = GB/T 2260 codes) and builds the
weights matrices of spatial statistics (Anselin 1988, *Spatial Econometrics*, ch. 3; the conventions of
PySAL's ``libpysal.weights``):

* contiguity: **queen** (regions sharing at least one boundary vertex) and **rook** (sharing at least one
  boundary edge). Boundaries decoded from the same topology (echarts' encoded maps, TopoJSON) carry
  identical vertices on both sides of a shared border; other sources may need ``tolerance`` (degrees) to
  snap vertices that lie that close to each other;
* distance: k nearest neighbours and inverse distance, on great-circle distances between area centroids.

A weights matrix is a square DataFrame labelled by region code on both axes (row i = the neighbours of i),
w_ii = 0. :func:`row_standardise` divides each row by its sum.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

__all__ = [
    "EARTH_RADIUS_KM",
    "Region",
    "centroids",
    "contiguity_weights",
    "distance_matrix",
    "great_circle_km",
    "inverse_distance_weights",
    "knn_weights",
    "neighbours",
    "read_regions",
    "row_standardise",
]

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius R1
ID_FIELDS = ("adcode", "id", "code", "name")


@dataclass(frozen=True)
class Region:
    """One region: its code, name and polygons; each polygon is a tuple of rings (exterior first), each ring an
    (m, 2) array of lon/lat without the closing repeat of the first vertex."""

    code: str
    name: str
    polygons: tuple[tuple[np.ndarray, ...], ...]


def _ring(coords: Sequence[Sequence[float]]) -> np.ndarray:
    ring = np.asarray(coords, dtype=float).reshape(-1, 2) if len(coords) else np.empty((0, 2))
    if len(ring) > 1 and np.array_equal(ring[0], ring[-1]):
        ring = ring[:-1]
    return ring


def read_regions(source: str | Path | Mapping[str, Any], *, id_field: str | None = None) -> list[Region]:
    """Regions of a GeoJSON FeatureCollection (a path or the parsed dict).

    The code is ``properties[id_field]`` (``"id"`` also reads the feature's own id); by default the feature id,
    else the first of the properties adcode, id, code, name. The name is ``properties["name"]`` or the code.
    Raises ValueError for other geometry types, features without a code, or duplicate codes.
    """
    doc = source if isinstance(source, Mapping) else json.loads(Path(source).read_text(encoding="utf-8"))
    if doc.get("type") != "FeatureCollection":
        raise ValueError(f"not a GeoJSON FeatureCollection (type = {doc.get('type')!r})")
    regions: list[Region] = []
    seen: set[str] = set()
    for pos, feature in enumerate(doc.get("features", [])):
        props = feature.get("properties") or {}
        if id_field is not None:
            raw = feature.get("id") if id_field == "id" and "id" not in props else props.get(id_field)
        else:
            raw = feature.get("id")
            for key in ID_FIELDS:
                if raw not in (None, ""):
                    break
                raw = props.get(key)
        if raw in (None, ""):
            raise ValueError(f"feature {pos} has no code ({id_field or 'id/' + '/'.join(ID_FIELDS)})")
        code = str(raw)
        if code in seen:
            raise ValueError(f"duplicate region code {code!r}")
        seen.add(code)
        geom = feature.get("geometry") or {}
        kind = geom.get("type")
        if kind == "Polygon":
            parts = [geom["coordinates"]]
        elif kind == "MultiPolygon":
            parts = geom["coordinates"]
        else:
            raise ValueError(f"region {code}: geometry {kind!r} is not Polygon or MultiPolygon")
        polygons = tuple(tuple(_ring(r) for r in poly) for poly in parts)
        regions.append(Region(code=code, name=str(props.get("name", code)), polygons=polygons))
    return regions


def _vertex_ids(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Same id for identical vertices, or (tolerance > 0) for vertices linked by chains of gaps ≤ tolerance."""
    if tolerance <= 0:
        return np.unique(points, axis=0, return_inverse=True)[1].ravel()
    pairs = cKDTree(points).query_pairs(r=tolerance, output_type="ndarray")
    n = len(points)
    graph = sparse.coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def contiguity_weights(
    regions: Sequence[Region], *, rule: Literal["queen", "rook"] = "queen", tolerance: float = 0.0
) -> pd.DataFrame:
    """Binary contiguity: w_ij = 1 if regions i ≠ j share a boundary vertex (queen) or a boundary edge (rook).

    Works on vertices, not on exact geometry: an edge is shared when both regions have the same two consecutive
    vertices, so a border traced with different vertex sets on its two sides needs ``tolerance`` (queen) and may
    still be missed by rook. ``tolerance`` (in coordinate units, degrees) merges vertices linked by gaps ≤ it.
    """
    if rule not in ("queen", "rook"):
        raise ValueError(f"unknown contiguity rule {rule!r}: use 'queen' or 'rook'")
    codes = [r.code for r in regions]
    rings = [(k, ring) for k, r in enumerate(regions) for poly in r.polygons for ring in poly if len(ring)]
    points = np.vstack([ring for _, ring in rings]) if rings else np.empty((0, 2))
    owner = np.concatenate([np.full(len(ring), k) for k, ring in rings]) if rings else np.empty(0, int)
    vid = _vertex_ids(points, tolerance)
    if rule == "queen":
        keys, members = vid, owner
    else:
        starts, ends, own = [], [], []
        pos = 0
        for k, ring in rings:
            ids = vid[pos : pos + len(ring)]
            pos += len(ring)
            starts.append(ids)
            ends.append(np.roll(ids, -1))
            own.append(np.full(len(ring), k))
        a, b, members = np.concatenate(starts), np.concatenate(ends), np.concatenate(own)
        keep = a != b
        lo, hi = np.minimum(a, b)[keep], np.maximum(a, b)[keep]
        members = members[keep]
        keys = np.unique(np.column_stack([lo, hi]), axis=0, return_inverse=True)[1].ravel()
    n = len(codes)
    inc = sparse.csr_matrix((np.ones(len(keys)), (members, keys)), shape=(n, int(keys.max()) + 1 if len(keys) else 0))
    inc.data[:] = 1.0
    shared = (inc @ inc.T).toarray() > 0
    np.fill_diagonal(shared, False)
    return pd.DataFrame(shared.astype(float), index=codes, columns=codes)


def _ring_area_centroid(ring: np.ndarray) -> tuple[float, float, float]:
    """Signed area and centroid of a ring (shoelace): A = ½Σ(xᵢyᵢ₊₁ − xᵢ₊₁yᵢ), Cx = Σ(xᵢ+xᵢ₊₁)(…)/(6A)."""
    x, y = ring[:, 0], ring[:, 1]
    xn, yn = np.roll(x, -1), np.roll(y, -1)
    cross = x * yn - xn * y
    area = cross.sum() / 2.0
    if area == 0:
        return 0.0, float(x.mean()), float(y.mean())
    return float(area), float(((x + xn) * cross).sum() / (6 * area)), float(((y + yn) * cross).sum() / (6 * area))


def centroids(regions: Sequence[Region]) -> pd.DataFrame:
    """Area centroid (lon, lat) of every region, holes subtracted, over all its polygons.

    Computed in a local equirectangular projection (x = lon·cos φ₀, y = lat, φ₀ = the region's mean vertex
    latitude) so that a degree of longitude is not weighted as much as a degree of latitude; exact enough for
    prefecture-sized regions. Columns lon, lat, indexed by code.
    """
    rows = {}
    for r in regions:
        pts = [ring for poly in r.polygons for ring in poly if len(ring)]
        if not pts:
            rows[r.code] = (np.nan, np.nan)
            continue
        every = np.vstack(pts)
        cos0 = np.cos(np.radians(every[:, 1].mean()))
        total, cx, cy = 0.0, 0.0, 0.0
        for poly in r.polygons:
            for j, ring in enumerate(poly):
                if len(ring) < 3:
                    continue
                a, x, y = _ring_area_centroid(ring * np.array([cos0, 1.0]))
                a = abs(a) if j == 0 else -abs(a)  # exterior adds, holes subtract, whatever their winding
                total, cx, cy = total + a, cx + a * x, cy + a * y
        # degenerate (zero-area) regions fall back to the vertex mean
        rows[r.code] = (cx / total / cos0, cy / total) if total else (every[:, 0].mean(), every[:, 1].mean())
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["lon", "lat"])
    out.index.name = "code"
    return out


def great_circle_km(
    lon1: np.ndarray | float, lat1: np.ndarray | float, lon2: np.ndarray | float, lat2: np.ndarray | float
) -> np.ndarray:
    """Haversine distance in km on a sphere of radius :data:`EARTH_RADIUS_KM`.

    d = 2R·asin √(sin²(Δφ/2) + cos φ₁ cos φ₂ sin²(Δλ/2)) (Sinnott 1984, "Virtues of the Haversine").
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))))


def distance_matrix(points: pd.DataFrame) -> pd.DataFrame:
    """Great-circle distances (km) between all rows of a lon/lat table (e.g. :func:`centroids`)."""
    lon, lat = points["lon"].to_numpy(float), points["lat"].to_numpy(float)
    d = great_circle_km(lon[:, None], lat[:, None], lon[None, :], lat[None, :])
    return pd.DataFrame(d, index=points.index, columns=points.index)


def knn_weights(points: pd.DataFrame, k: int) -> pd.DataFrame:
    """Binary k-nearest-neighbour weights on great-circle distance: w_ij = 1 for the k regions closest to i.

    Not symmetric in general. Ties at the k-th distance are broken by row order (stable sort).
    """
    n = len(points)
    if not 1 <= k < n:
        raise ValueError(f"k must be between 1 and {n - 1}, got {k}")
    d = distance_matrix(points).to_numpy(copy=True)
    np.fill_diagonal(d, np.inf)
    nearest = np.argsort(d, axis=1, kind="stable")[:, :k]
    w = np.zeros((n, n))
    np.put_along_axis(w, nearest, 1.0, axis=1)
    return pd.DataFrame(w, index=points.index, columns=points.index)


def inverse_distance_weights(
    points: pd.DataFrame, *, power: float = 1.0, threshold_km: float | None = None
) -> pd.DataFrame:
    """Inverse-distance weights w_ij = d_ij^(−power) (0 on the diagonal and beyond ``threshold_km`` if given)."""
    d = distance_matrix(points).to_numpy(copy=True)
    with np.errstate(divide="ignore"):
        w = np.where(d > 0, d ** (-power), 0.0)
    if threshold_km is not None:
        w[d > threshold_km] = 0.0
    np.fill_diagonal(w, 0.0)
    return pd.DataFrame(w, index=points.index, columns=points.index)


def row_standardise(w: pd.DataFrame) -> pd.DataFrame:
    """w*_ij = w_ij / Σ_j w_ij, so each row sums to 1 and the lag Σ_j w*_ij x_j is a neighbour mean.

    Rows without neighbours (islands) stay all zero.
    """
    sums = w.sum(axis=1)
    return w.div(sums.where(sums != 0, 1.0), axis=0)


def neighbours(w: pd.DataFrame) -> dict[str, list[str]]:
    """Code → codes with a non-zero weight in its row (PySAL's ``W.neighbors``), in column order."""
    cols = [str(c) for c in w.columns]
    arr = w.to_numpy()
    return {str(code): [cols[j] for j in np.flatnonzero(arr[i])] for i, code in enumerate(w.index)}
