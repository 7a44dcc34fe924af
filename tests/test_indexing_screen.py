"""Unit screening (kaifang.indexing.screen) — COINr Screen rules on a hand-made table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kaifang.indexing.screen import data_availability, screen
from tests.conftest import assert_pure

NAN = np.nan
DATA = pd.DataFrame(
    {"i1": [1, 2, NAN, 0], "i2": [1, NAN, NAN, 0], "i3": [1, 2, 3, 0], "i4": [1, 2, 3, 5]},
    index=pd.Index(["A", "B", "C", "D"], name="uCode"),
)


def test_pure() -> None:
    assert_pure("kaifang.indexing.screen")


def test_availability_and_non_zero_share() -> None:
    s = data_availability(DATA)
    # B: 1 of 4 missing → 0.75; C: 2 missing → 0.5; D: 3 zeros of 4 observed → non-zero 0.25
    assert s["Dat_Avail"].tolist() == [1, 0.75, 0.5, 1]
    assert s["Non_Zero"].tolist() == [1, 1, 1, 0.25]


def test_rules() -> None:
    kept, s = screen(DATA, "byNA", dat_thresh=0.75)
    assert kept.index.tolist() == ["A", "B", "D"] and s["Included"].tolist() == [True, True, False, True]
    kept, _ = screen(DATA, "byZeros", nonzero_thresh=0.5)
    assert kept.index.tolist() == ["A", "B", "C"]
    kept, _ = screen(DATA, "byNAandZeros", dat_thresh=0.75, nonzero_thresh=0.5)
    assert kept.index.tolist() == ["A", "B"]
    kept, _ = screen(DATA, "none")
    assert len(kept) == 4


def test_force_overrides_the_rule() -> None:
    kept, _ = screen(DATA, "byNA", dat_thresh=0.75, force={"C": True, "A": False})
    assert kept.index.tolist() == ["B", "C", "D"]
    with pytest.raises(ValueError, match="Z"):
        screen(DATA, "byNA", force={"Z": True})
