"""集中度 watch indicators — export concentration by market or product and partner dependence (pure).

For values ``v_i ≥ 0`` (exports to partner or of product ``i``) and shares ``s_i = v_i / V`` with
``V = Σ v_i`` (or a known total, when only the largest partners are listed):

* Herfindahl–Hirschman index ``HHI = Σ s_i²`` in [1/N, 1]; in the antitrust convention of the US DoJ/FTC
  Horizontal Merger Guidelines shares are in percent and ``HHI = Σ (100 s_i)²`` in [0, 10 000];
* normalised ``HHI* = (HHI − 1/N) / (1 − 1/N)`` in [0, 1] (0 = equal shares, 1 = one partner), N the
  number of listed partners (UNCTAD's product/market concentration index uses the square root of it);
* equivalent number of partners ``1 / HHI`` (Adelman 1969, "Comment on the 'H' concentration measure as
  a numbers-equivalent", Review of Economics and Statistics 51(1));
* top-k share ``Σ_{k largest} s_i`` (CR_k; the issue's 前三位市场占比 is k = 3) and partner dependence, the
  share of the single largest partner.

With a ``total`` larger than the listed values (e.g. China's top-50 partners against all exports), the
unlisted rest is unknown; ``Σ s_i²`` over the listed shares is then a lower bound of the true HHI.
Every function takes a 1-D array or Series, or a 2-D array / DataFrame with one distribution per row
(e.g. years × partners), and works along the last axis.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

__all__ = [
    "Concentration",
    "concentration",
    "equivalent_number",
    "hhi",
    "hhi_points",
    "normalised_hhi",
    "shares",
    "top_k_share",
    "top_partner",
]


def _values(values: ArrayLike) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    if v.ndim not in (1, 2) or v.shape[-1] == 0:
        raise ValueError("需要一维或二维的非空数值 values must be a non-empty 1-D or 2-D array")
    if np.any(~np.isfinite(v)) or np.any(v < 0):
        raise ValueError("数值必须为有限的非负数 values must be finite and non-negative")
    return v


def shares(values: ArrayLike, total: ArrayLike | None = None) -> np.ndarray:
    """``s_i = v_i / V`` along the last axis; ``V = Σ v_i`` unless a (larger) ``total`` is given."""
    v = _values(values)
    denominator = v.sum(axis=-1, keepdims=True) if total is None else np.asarray(total, dtype=float)[..., None]
    if np.any(denominator <= 0):
        raise ValueError("总额必须为正 the total must be positive")
    if np.any(v.sum(axis=-1, keepdims=True) > denominator * (1 + 1e-12)):
        raise ValueError("总额小于各项之和 the total is smaller than the sum of the values")
    return v / denominator


def _out(result: np.ndarray, values: ArrayLike) -> float | np.ndarray | pd.Series:
    if result.ndim == 0:
        return float(result)
    if isinstance(values, pd.DataFrame):
        return pd.Series(result, index=values.index)
    return result


def hhi(values: ArrayLike, total: ArrayLike | None = None) -> float | np.ndarray | pd.Series:
    """Herfindahl–Hirschman index ``Σ s_i²`` on shares in 0–1."""
    return _out(np.sum(shares(values, total) ** 2, axis=-1), values)


def hhi_points(values: ArrayLike, total: ArrayLike | None = None) -> float | np.ndarray | pd.Series:
    """HHI in the 0–10 000 convention, ``Σ (100 s_i)²`` (US DoJ/FTC Horizontal Merger Guidelines)."""
    return _out(10_000.0 * np.sum(shares(values, total) ** 2, axis=-1), values)


def normalised_hhi(values: ArrayLike) -> float | np.ndarray | pd.Series:
    """``(HHI − 1/N) / (1 − 1/N)`` with N the number of listed partners; 1.0 when N = 1."""
    v = _values(values)
    n = v.shape[-1]
    h = np.sum(shares(v) ** 2, axis=-1)
    return _out(np.ones_like(h) if n == 1 else (h - 1.0 / n) / (1.0 - 1.0 / n), values)


def equivalent_number(values: ArrayLike) -> float | np.ndarray | pd.Series:
    """Numbers-equivalent ``1 / HHI``: as concentrated as this many equal partners (Adelman 1969)."""
    return _out(1.0 / np.sum(shares(values) ** 2, axis=-1), values)


def top_k_share(values: ArrayLike, k: int = 3, total: ArrayLike | None = None) -> float | np.ndarray | pd.Series:
    """Concentration ratio CR_k: the summed share of the ``k`` largest partners (all of them if fewer)."""
    if k < 1:
        raise ValueError("k must be ≥ 1")
    s = np.sort(shares(values, total), axis=-1)[..., ::-1]
    return _out(s[..., :k].sum(axis=-1), values)


def top_partner(values: pd.Series, total: float | None = None) -> tuple[str, float]:
    """Partner dependence: the largest partner's label and its share ``max_i s_i``."""
    s = shares(values.to_numpy(), total)
    i = int(np.argmax(s))
    return str(values.index[i]), float(s[i])


@dataclass(frozen=True)
class Concentration:
    """All concentration measures of one distribution, for a catalog indicator or a JSON twin."""

    n: int
    hhi: float
    hhi_points: float
    normalised_hhi: float
    equivalent_number: float
    top_k: int
    top_k_share: float
    top_partner: str
    top_partner_share: float

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def concentration(values: pd.Series, k: int = 3, total: float | None = None) -> Concentration:
    """Every measure of this module for one distribution labelled by partner (or product).

    With ``total``, shares are of the total (HHI, CR_k and dependence); ``normalised_hhi`` and
    ``equivalent_number`` always refer to the listed partners alone, as N is only known for them.
    """
    partner, share = top_partner(values, total)
    return Concentration(
        n=len(values),
        hhi=float(hhi(values.to_numpy(), total)),
        hhi_points=float(hhi_points(values.to_numpy(), total)),
        normalised_hhi=float(normalised_hhi(values.to_numpy())),
        equivalent_number=float(equivalent_number(values.to_numpy())),
        top_k=k,
        top_k_share=float(top_k_share(values.to_numpy(), k, total)),
        top_partner=partner,
        top_partner_share=share,
    )
