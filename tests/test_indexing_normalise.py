"""Normalisation (kaifang.indexing.normalise) — every COINr n_* method on x = 2, 4, 6, 10 by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kaifang.indexing.normalise import (
    n_borda,
    n_dist2max,
    n_dist2ref,
    n_dist2targ,
    n_fracmax,
    n_goalposts,
    n_minmax,
    n_prank,
    n_rank,
    n_scaled,
    n_zscore,
    normalise,
)
from tests.conftest import assert_pure

X = np.array([2, 4, 6, 10.0])


def test_pure() -> None:
    assert_pure("kaifang.indexing.normalise")


def test_minmax_and_direction() -> None:
    # (x − 2)/(10 − 2)·100
    assert n_minmax(X).tolist() == [0, 25, 50, 100]
    assert n_minmax(X, [1, 11]).tolist() == [1, 3.5, 6, 11]
    # 逆向: −x = −2, −4, −6, −10 → (−x + 10)/8·100
    assert normalise(X, np.array([-1.0]), "n_minmax", l_u=[0, 100]).tolist() == [100, 75, 50, 0]


def test_zscore() -> None:
    # mean 5.5, d = −3.5, −1.5, .5, 4.5, Σd² = 35, sd = √(35/3) = 3.415650; 10 + 2·d/sd, e.g. 10 − 7/3.41565
    sd = math.sqrt(35 / 3)
    assert n_zscore(X, [10, 2]) == pytest.approx([10 + 2 * d / sd for d in (-3.5, -1.5, 0.5, 4.5)])
    assert n_zscore(X, [10, 2]) == pytest.approx([7.950610, 9.121690, 10.292770, 12.634930], abs=1e-6)


def test_ranks_with_ties_and_missing() -> None:
    x = np.array([3, 1, 3, 2, np.nan])
    assert n_rank(x)[:4].tolist() == [3, 1, 3, 2] and math.isnan(n_rank(x)[4])  # ties take the lower rank
    assert n_borda(x)[:4].tolist() == [2, 0, 2, 1]
    # (rank − 1)/(n − 1) with n = 4 observed
    assert n_prank(x)[:4] == pytest.approx([2 / 3, 0, 2 / 3, 1 / 3])


def test_fraction_and_distance_to_max_and_reference() -> None:
    assert n_fracmax(X).tolist() == [0.2, 0.4, 0.6, 1.0]
    assert n_dist2max(X).tolist() == [0, 0.25, 0.5, 1]  # 1 − (10 − x)/8
    # reference = row 1 (value 4): 1 − (4 − x)/(4 − 2) = 0, 1, 2, 4; capped at 1
    assert n_dist2ref(X, 1).tolist() == [0, 1, 2, 4]
    assert n_dist2ref(X, 1, cap_max=True).tolist() == [0, 1, 1, 1]


def test_distance_to_target_both_directions() -> None:
    # +1, target 8: (x − 2)/(8 − 2); −1, target 3: (10 − x)/(10 − 3)
    assert n_dist2targ(X, 8) == pytest.approx([0, 1 / 3, 2 / 3, 4 / 3])
    assert n_dist2targ(X, 8, cap_max=True) == pytest.approx([0, 1 / 3, 2 / 3, 1])
    assert n_dist2targ(X, 3, direction=-1) == pytest.approx([8 / 7, 6 / 7, 4 / 7, 0])
    # in normalise() the direction is passed, not multiplied in: targets stay in the indicator's units
    y = normalise(X, np.array([-1.0]), "n_dist2targ", targ=3, cap_max=False)
    assert y == pytest.approx([8 / 7, 6 / 7, 4 / 7, 0])


def test_goalposts() -> None:
    assert n_goalposts(X, [0, 10, 1]).tolist() == [0.2, 0.4, 0.6, 1.0]
    assert n_goalposts(1.0 * np.ones(1), [0, 10, 1], direction=-1) == pytest.approx([0.9])  # COINr's example
    assert n_goalposts(X, [0, 10, 1], direction=-1) == pytest.approx([0.8, 0.6, 0.4, 0.0])
    # (x − 3)/5·100 = −20, 20, 60, 140 → truncated to the posts
    assert n_goalposts(X, [3, 8, 100]) == pytest.approx([0, 20, 60, 100])
    assert n_goalposts(X, [3, 8, 100], trunc2posts=False) == pytest.approx([-20, 20, 60, 140])


def test_scaled_and_per_column_parameters() -> None:
    assert n_scaled(X, [0, 20]).tolist() == [10, 20, 30, 50]
    two = np.column_stack([X, X])
    g = np.array([[0, 10, 1], [0, 20, 100]])
    assert n_goalposts(two, g) == pytest.approx(np.column_stack([X / 10, X * 5]))


def test_missing_values_stay_missing_and_are_ignored() -> None:
    x = np.array([2, np.nan, 6, 10.0])
    y = n_minmax(x)
    assert y[[0, 2, 3]].tolist() == [0, 50, 100] and math.isnan(y[1])


def test_unknown_method_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match="n_minmax"):
        normalise(X, None, "n_unknown")
