"""The signals approach (kaifang.warning.signals): a toy series counted by hand, and a back-test of the NY Fed
GSCPI (2025-01 vintage) with the global supply-chain crisis labelled — pure, no Django.

The labelled episode: 2020-03 to 2022-12. It opens with the first month of the pandemic disruption in the
index (2020-02, China's lockdown, is the first reading above 1; March 2020 is the first above 2) and closes
with 2022, after which the GSCPI fell below zero (2023-02, −0.21) for the first time since 2019.

Run: .venv/bin/pytest tests/test_warning_signals.py -q -p no:django
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kaifang.warning import signals
from kaifang.warning.levels import Direction, WarningLevel
from tests.conftest import assert_pure, shared_data

# month:       01   02   03   04   05   06   07   08   09   10   11   12  (of 2000)
TOY_VALUES = [0.1, 0.5, 1.2, 0.3, 1.5, 1.1, 2.0, 2.5, 0.4, 1.3, 0.2, 0.9]
TOY_EPISODE = [("2000-07", "2000-08")]


@pytest.fixture
def toy() -> pd.Series:
    return pd.Series(TOY_VALUES, index=pd.period_range("2000-01", periods=12, freq="M"))


def test_module_is_pure() -> None:
    assert_pure("kaifang.warning.signals")


def test_outcomes_by_mode(toy) -> None:
    onset = signals.outcomes(toy.index, TOY_EPISODE, horizon=3, mode="onset")
    # a crisis starts in (t, t+3] for t = 04, 05, 06; 07 and 08 lie inside it and are excluded
    assert onset.tolist()[:6] == [0, 0, 0, 1, 1, 1] and onset.iloc[6:8].isna().all()
    assert onset.iloc[8:].tolist() == [0, 0, 0, 0]
    episode = signals.outcomes(toy.index, TOY_EPISODE, horizon=3, mode="episode")
    assert episode.tolist() == [0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0]  # [start − 3, end]
    with pytest.raises(ValueError, match="ends before"):
        signals.outcomes(toy.index, [("2000-08", "2000-07")])


def test_toy_onset_counted_by_hand(toy) -> None:
    bt = signals.evaluate(toy, 1.0, TOY_EPISODE, horizon=3, mode="onset", theta=0.5)
    # signals (> 1.0): 03, 05, 06, 07, 08, 10; 07–08 excluded. Outcome 1: 04, 05, 06; outcome 0: 01 02 03 09 10 11 12
    # A = {05, 06} = 2, B = {03, 10} = 2, C = {04} = 1, D = {01, 02, 09, 11, 12} = 5
    assert (bt.counts.a, bt.counts.b, bt.counts.c, bt.counts.d) == (2, 2, 1, 5)
    assert bt.hit_rate == pytest.approx(2 / 3)
    assert bt.false_alarm_rate == pytest.approx(2 / 7)
    assert bt.nsr == pytest.approx(3 / 7)  # (2/7) / (2/3)
    assert bt.loss == pytest.approx(13 / 42)  # 0.5 · 1/3 + 0.5 · 2/7 = 7/42 + 6/42
    assert bt.usefulness == pytest.approx(4 / 21)  # 0.5 − 13/42 = 8/42
    assert bt.relative_usefulness == pytest.approx(8 / 21)  # (4/21) / 0.5
    # AUROC: positives {0.3, 1.5, 1.1} against 7 negatives {0.1, 0.5, 1.2, 0.4, 1.3, 0.2, 0.9}:
    # 0.3 beats 2, 1.5 beats 7, 1.1 beats 5 → 14 of 21 pairs
    assert bt.auroc == pytest.approx(2 / 3)
    record = bt.as_dict()  # what the CLI prints
    assert (record["A"], record["B"], record["C"], record["D"]) == (2, 2, 1, 5)
    assert record["nsr"] == pytest.approx(3 / 7) and record["mode"] == "onset" and record["horizon"] == 3


def test_toy_episode_mode_and_lower_is_worse(toy) -> None:
    bt = signals.evaluate(toy, 1.0, TOY_EPISODE, horizon=3, mode="episode")
    # outcome 1 on 04..08: A = {05, 06, 07, 08} = 4, C = {04} = 1; B = {03, 10} = 2, D = 5
    assert (bt.counts.a, bt.counts.b, bt.counts.c, bt.counts.d) == (4, 2, 1, 5)
    assert bt.nsr == pytest.approx(5 / 14)  # (2/7) / (4/5)
    mirrored = signals.evaluate(-toy, -1.0, TOY_EPISODE, horizon=3, mode="episode", direction="lower")
    assert mirrored.counts == bt.counts and mirrored.auroc == pytest.approx(bt.auroc)


def test_auroc_ties_and_degenerate_cases() -> None:
    # positives {1, 2}, negatives {1, 0}: (1,1) tie ½, (1,0) 1, (2,1) 1, (2,0) 1 → 3.5 / 4
    assert signals.auroc([1.0, 1.0, 2.0, 0.0], [1, 0, 1, 0]) == pytest.approx(0.875)
    assert signals.auroc([5.0, 5.0, 5.0], [1, 0, 0]) == pytest.approx(0.5)  # all tied
    assert signals.auroc([1.0, np.nan, 0.0, -3.0], [1, 1, 0, np.nan]) == 1.0  # NaN months are dropped
    assert math.isnan(signals.auroc([1.0, 2.0], [1, 1]))  # no outcome-0 month


def test_nsr_edge_cases() -> None:
    none_hit = signals.SignalCounts(a=0, b=3, c=4, d=10)
    assert none_hit.nsr == math.inf
    silent = signals.SignalCounts(a=0, b=0, c=4, d=10)  # never signalling: L = θ, no better than ignoring
    assert math.isnan(silent.nsr) and silent.loss(0.5) == 0.5 and silent.usefulness(0.5) == 0.0
    record = signals.Backtest(9.0, Direction.HIGHER_WORSE, 6, "onset", 0.5, none_hit, 0.5).as_dict()
    assert record["nsr"] is None  # JSON has no infinity


def test_toy_sweep_and_calibration_by_hand(toy) -> None:
    grid = [0.35, 1.0, 1.15, 1.4]
    table = signals.sweep(toy, TOY_EPISODE, thresholds=grid, horizon=3, mode="onset")
    # 0.35: A 2 (05, 06), B 5 (02 03 09 10 12), C 1, D 2   1.15: A 1 (05), B 2 (03, 10), C 2, D 5
    # 1.0:  A 2, B 2, C 1, D 5                             1.4:  A 1 (05), B 0, C 2, D 7
    assert table[["A", "B", "C", "D"]].to_numpy().tolist() == [[2, 5, 1, 2], [2, 2, 1, 5], [1, 2, 2, 5], [1, 0, 2, 7]]
    for row in table.itertuples():
        bt = signals.evaluate(toy, row.threshold, TOY_EPISODE, horizon=3, mode="onset")
        assert bt.nsr == pytest.approx(row.nsr) and bt.loss == pytest.approx(row.loss)
    nsr = signals.calibrate(toy, TOY_EPISODE, objective="nsr", thresholds=grid, horizon=3)
    assert nsr.threshold == 1.4 and nsr.nsr == 0.0  # NSRs 15/14, 3/7, 6/7, 0
    # losses at θ = 0.5: 22/42, 13/42, 20/42, 14/42 → 1.0; at θ = 0.2: 0.638, 0.295, 0.362, 0.133 → 1.4
    assert signals.calibrate(toy, TOY_EPISODE, objective="loss", theta=0.5, thresholds=grid, horizon=3).threshold == 1.0
    assert signals.calibrate(toy, TOY_EPISODE, objective="loss", theta=0.2, thresholds=grid, horizon=3).threshold == 1.4
    # θ = 0.8: 0.410, 0.324, 0.590, 0.533 → 1.0
    levels = signals.calibrate_levels(toy, TOY_EPISODE, thetas=(0.8, 0.5, 0.2), thresholds=grid, horizon=3)
    assert (levels.thresholds.blue, levels.thresholds.yellow, levels.thresholds.red) == (1.0, 1.0, 1.4)
    assert levels.backtests[WarningLevel.RED].theta == 0.2
    with pytest.raises(ValueError, match="must not increase"):
        signals.calibrate_levels(toy, TOY_EPISODE, thetas=(0.2, 0.5, 0.8))
    with pytest.raises(ValueError, match="cannot be calibrated"):
        signals.calibrate(toy, TOY_EPISODE, thresholds=[3.0], horizon=3)


# ----------------------------------------------------------------------------- the real GSCPI

EPISODE = [("2020-03", "2022-12")]


@pytest.fixture(scope="module")
def gscpi() -> pd.Series:
    df = pd.read_csv(shared_data("gscpi", "gscpi_nyfed_vintage_2025-01.csv"))
    months = pd.to_datetime(df["Date"], format="%d-%b-%Y").dt.to_period("M")
    return pd.Series(df["GSCPI"].to_numpy(), index=months, name="GSCPI")


def test_gscpi_facts_of_the_vintage(gscpi) -> None:
    assert (str(gscpi.index[0]), str(gscpi.index[-1]), len(gscpi)) == ("1998-01", "2025-01", 325)
    # the peak is December 2021 at 4.41 (November 2021 reads 4.33 in this vintage)
    assert str(gscpi.idxmax()) == "2021-12" and gscpi.max() == pytest.approx(4.4149, abs=1e-4)
    assert gscpi.loc["2021-11"] == pytest.approx(4.3272, abs=1e-4)


def test_gscpi_hand_count_episode_mode(gscpi) -> None:
    bt = signals.evaluate(gscpi, 2.0, EPISODE, horizon=6, mode="episode")
    # outcome 1 on 2019-09 .. 2022-12: 4 + 12 + 12 + 12 = 40 months; the other 285 months are outcome 0.
    # months above 2.0, read from the file: 2020-03..07 (5), 2021-03..12 (10), 2022-01..06 (6) → A = 21,
    # all inside the window, so B = 0 (the highest reading outside it is 1.60 in 2011-04); C = 40 − 21 = 19
    assert (bt.counts.a, bt.counts.b, bt.counts.c, bt.counts.d) == (21, 0, 19, 285)
    assert (bt.hit_rate, bt.false_alarm_rate, bt.nsr) == (0.525, 0.0, 0.0)


def test_gscpi_hand_count_onset_mode(gscpi) -> None:
    bt = signals.evaluate(gscpi, 1.2, EPISODE, horizon=6, mode="onset")
    # outcome 1: 2019-09..2020-02 (0.15, 0.10, 0.16, 0.05, 0.07, 1.28); 2020-03..2022-12 excluded (34 months).
    # above 1.2: 2020-02 (1.28) → A = 1, C = 5; outside: only 2011-04 (1.60) → B = 1; D = 325 − 34 − 6 − 1 = 284
    assert (bt.counts.a, bt.counts.b, bt.counts.c, bt.counts.d) == (1, 1, 5, 284)
    assert bt.hit_rate == pytest.approx(1 / 6)
    assert bt.nsr == pytest.approx(6 / 285)  # (1/285) / (1/6) = 0.021053
    # AUROC equals the share of (outcome-1, outcome-0) pairs ordered correctly, ties ½, counted pairwise
    y = signals.outcomes(gscpi.index, EPISODE, 6, "onset").to_numpy()
    pos, neg = gscpi.to_numpy()[y == 1], gscpi.to_numpy()[y == 0]
    pairs = (np.greater.outer(pos, neg).sum() + 0.5 * np.equal.outer(pos, neg).sum()) / (len(pos) * len(neg))
    assert bt.auroc == pytest.approx(pairs) and bt.auroc == pytest.approx(0.823977, abs=1e-6)


def test_gscpi_calibration_is_reproducible_and_signals_inside_the_crisis(gscpi) -> None:
    best = signals.calibrate(gscpi, EPISODE, objective="nsr", horizon=6, mode="episode")
    again = signals.calibrate(gscpi, EPISODE, objective="nsr", horizon=6, mode="episode")
    assert best == again
    # the least extreme zero-noise threshold: the 93rd percentile 1.735 (the 92nd lies below 2011-04's 1.60)
    assert best.threshold == np.percentile(gscpi.to_numpy(), 93)
    assert best.threshold == pytest.approx(1.7350, abs=1e-4)
    assert (best.counts.a, best.counts.b, best.counts.c, best.counts.d) == (23, 0, 17, 285)
    fired = gscpi.index[gscpi > best.threshold]
    assert str(fired.min()) == "2020-03" and str(fired.max()) == "2022-07"  # every signal inside the crisis
    assert best.auroc == pytest.approx(0.966228, abs=1e-6)
    by_loss = signals.calibrate(gscpi, EPISODE, objective="loss", theta=0.5, horizon=6, mode="episode")
    assert by_loss.threshold == np.percentile(gscpi.to_numpy(), 86)  # 0.613: A 34, B 12, C 6, D 273
    assert (by_loss.counts.a, by_loss.counts.b) == (34, 12) and by_loss.usefulness == pytest.approx(0.403947, abs=1e-6)
    # KLR onset mode: only 2020-02 (1.283) precedes the crisis above ~1; the 91st percentile 1.2807 keeps it
    onset = signals.calibrate(gscpi, EPISODE, objective="nsr", horizon=6, mode="onset")
    assert onset.threshold == np.percentile(gscpi.to_numpy(), 91)
    assert (onset.counts.a, onset.counts.b, onset.counts.c, onset.counts.d) == (1, 1, 5, 284)


def test_gscpi_levels_calibrated_at_three_thetas(gscpi) -> None:
    cal = signals.calibrate_levels(gscpi, EPISODE, horizon=6, mode="episode")  # θ = 0.5, 0.35, 0.2
    t = cal.thresholds
    assert t.blue < t.yellow < t.red
    pct = [np.percentile(gscpi.to_numpy(), p) for p in (86, 89, 90)]  # 0.613, 0.890, 1.060
    assert [t.blue, t.yellow, t.red] == pct
    # false alarms fall as θ falls: B = 12, 4, 2 (hits A = 34, 32, 31 of the 40 window months)
    order = (WarningLevel.BLUE, WarningLevel.YELLOW, WarningLevel.RED)
    assert [(cal.backtests[lv].counts.a, cal.backtests[lv].counts.b) for lv in order] == [(34, 12), (32, 4), (31, 2)]
    assert all(bt.usefulness > 0 for bt in cal.backtests.values())
