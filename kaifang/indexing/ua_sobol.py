"""Sobol 敏感性指数 — variance-based sensitivity indices through SALib (sampling and estimation).

For an output Y = f(X₁ … X_d) with independent inputs, the first-order index Sᵢ = V[E(Y | Xᵢ)] / V(Y) is the
share of the output variance that Xᵢ explains alone, and the total index S_Tᵢ = E[V(Y | X₋ᵢ)] / V(Y) the share
it explains with all its interactions (Saltelli et al. 2008, *Global Sensitivity Analysis: The Primer*;
OECD/JRC Handbook 2008 §7; Saisana, Saltelli & Tarantola 2005, *JRSS A* 168(2)).

Sampling (SALib ``sample.sobol``, Saltelli 2002 scheme, scrambled Sobol' sequence): two N × d matrices A and B
and d matrices A_B⁽ⁱ⁾ (A with column i from B) — N(d + 2) model runs. Estimation (SALib ``analyze.sobol``) on
the output standardised to mean 0 and variance 1, with V = var([f(A); f(B)]):

    Sᵢ  = mean( f(B)·(f(A_B⁽ⁱ⁾) − f(A)) ) / V             (Saltelli et al. 2010, CPC 181)
    S_Tᵢ = ½·mean( (f(A) − f(A_B⁽ⁱ⁾))² ) / V               (Jansen 1999)

Confidence intervals: ``num_resamples`` bootstrap resamples of the N rows; the half-width is
z₍₁₊conf₎/₂ · sd(bootstrap estimates) (SALib ``S1_conf``, ``ST_conf``). COINr's ``get_sensitivity`` uses the same
estimators with bootstrap quantiles.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample

__all__ = ["saltelli_sample", "sobol_indices"]


def _problem(names: Sequence[str], bounds: Sequence[Sequence[float]] | None) -> dict[str, object]:
    d = len(names)
    if d < 1:
        raise ValueError("Sobol 分析至少需要一个输入 (at least one input)")
    b = [[0.0, 1.0]] * d if bounds is None else [list(map(float, x)) for x in bounds]
    if len(b) != d:
        raise ValueError(f"{len(b)} bounds for {d} inputs")
    return {"num_vars": d, "names": list(names), "bounds": b}


def saltelli_sample(
    names: Sequence[str], n: int, seed: int | None = None, bounds: Sequence[Sequence[float]] | None = None
) -> np.ndarray:
    """The N(d + 2) × d Saltelli design (first and total order only), uniform on ``bounds`` (default [0, 1]).

    Rows come in blocks of d + 2 per base sample: A, A_B⁽¹⁾ … A_B⁽ᵈ⁾, B (SALib's layout). The sequence is
    scrambled with ``seed``; N a power of 2 keeps its balance properties (scipy warns otherwise — silenced
    here, as COINr and most analyses use round N).
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*balance properties of Sobol.*")
        warnings.filterwarnings("ignore", message=".*Convergence properties of the Sobol.*")
        return np.asarray(
            sobol_sample.sample(_problem(names, bounds), int(n), calc_second_order=False, scramble=True, seed=seed)
        )


def sobol_indices(
    names: Sequence[str],
    y: np.ndarray,
    *,
    num_resamples: int = 100,
    conf_level: float = 0.95,
    seed: int | None = None,
    bounds: Sequence[Sequence[float]] | None = None,
) -> pd.DataFrame:
    """First-order and total Sobol indices of output ``y`` (one value per row of :func:`saltelli_sample`).

    Returns one row per input: ``Variable, S1, S1_conf, ST, ST_conf``. SALib treats a bootstrap seed of 0 as
    no seed, so the seed is passed as seed + 1 (still reproducible). A constant output gives zeros.
    """
    v = np.asarray(y, dtype=float).ravel()
    if np.isnan(v).any():
        raise ValueError("Sobol 输出含缺失值 (the output has missing values: choose another output)")
    if np.ptp(v) == 0:  # SALib would divide by a zero standard deviation
        zero = np.zeros(len(names))
        return pd.DataFrame({"Variable": list(names), "S1": zero, "S1_conf": zero, "ST": zero, "ST_conf": zero})
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*[Cc]onstant.*")
        s = sobol_analyze.analyze(
            _problem(names, bounds),
            v,
            calc_second_order=False,
            num_resamples=int(num_resamples),
            conf_level=float(conf_level),
            seed=None if seed is None else int(seed) + 1,
        )
    return pd.DataFrame(
        {
            "Variable": list(names),
            "S1": np.asarray(s["S1"], dtype=float),
            "S1_conf": np.asarray(s["S1_conf"], dtype=float),
            "ST": np.asarray(s["ST"], dtype=float),
            "ST_conf": np.asarray(s["ST_conf"], dtype=float),
        }
    )
