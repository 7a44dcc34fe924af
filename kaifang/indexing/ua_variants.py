"""上游变体 — the builds upstream of the aggregation that an uncertainty analysis needs, each made once.

A replication's choices of imputation, screening, treatment or normalisation are changes to the nominal log;
replications with the same changes share one engine build. :class:`Variants` makes each distinct build with
``Coin.regen`` — which reuses every step before the first changed one — and caches prefixes, so 5 winsorisations
× 2 normalisations cost 5 treatments and 10 normalisations. Panels are regenerated year by year, or whole
when a step pools the years (``impute_panel``, global normalisation).

Dropping an indicator is a zero weight downstream, since every step but screening works column by column;
:meth:`Variants.screen_moves` checks whether dropping it would change the units a screen step keeps (unit
availability is counted over indicators), and only then is the variant rebuilt without it (:func:`rebuild`).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from kaifang.indexing.coin import Coin, revise_log
from kaifang.indexing.panel import Panel
from kaifang.indexing.pipeline import screen_frame
from kaifang.indexing.steps import canonical
from kaifang.indexing.ua_design import UAProblem

__all__ = ["Variants", "rebuild", "step_changes"]

Changes = Mapping[str, Mapping[str, Any]]


def step_changes(problem: UAProblem, levels: np.ndarray, aggregate: bool) -> dict[str, dict[str, Any]]:
    """Parameter changes per step for one replication's levels, upstream steps or the aggregate step only
    (choices on the same step merge in spec order, later keys overriding earlier ones)."""
    out: dict[str, dict[str, Any]] = {}
    for j, c in enumerate(problem.step_choices):
        if (c.step == "aggregate") == aggregate:
            out.setdefault(c.step, {}).update(copy.deepcopy(c.levels[int(levels[j])]))
    return out


def _effective(log: list[dict[str, Any]], changes: Changes) -> list[tuple[str, dict[str, Any]]]:
    """Changes that alter the logged parameters, in log order (a no-op change would force a full recompute)."""
    out = []
    for step in dict.fromkeys(e["step"] for e in log[1:]):
        if step not in changes:
            continue
        entries = [e["params"] for e in log if e["step"] == step]
        if any(canonical(step, changes[step], base=p) != p for p in entries):
            out.append((step, dict(changes[step])))
    return out


def rebuild(problem: UAProblem, changes: Changes, code: str | None, w: Any = None) -> Coin | Panel:
    """One straightforward build from the nominal log with ``changes``, ``code`` dropped and weights ``w``."""
    log, _ = revise_log(problem.nominal.log, changes)
    log[0]["params"]["exclude"] = [code] if code else []  # the nominal framework already lacks its own exclusions
    if w is not None:
        log[-1]["params"]["w"] = w
    table = problem.framework.table
    if problem.panel:
        return Panel.from_log(problem.data, table, log)
    return Coin.from_log(problem.data, table, log)


class Variants:
    """Upstream builds by the engine, each distinct one once, as {Time: Coin} (Time None for one coin)."""

    def __init__(self, problem: UAProblem) -> None:
        self.problem = problem
        self.pooled = problem.panel and any(e.get("panel") for c in problem.coins.values() for e in c.log)
        self.cache: dict[tuple[Any, ...], dict[Any, Coin]] = {(): problem.coins}
        self.moves: dict[tuple[int, str], tuple[pd.DataFrame, bool]] = {}

    def get(self, changes: Changes) -> dict[Any, Coin]:
        """The build with these upstream changes (prefixes of the change chain cached)."""
        nominal = self.problem.nominal
        chain = _effective(nominal.log, changes)
        key = tuple((s, json.dumps(c, sort_keys=True, default=str)) for s, c in chain)
        if key in self.cache:
            return self.cache[key]
        if self.pooled:
            assert isinstance(nominal, Panel)
            self.cache[key] = dict(nominal.regen(**dict(chain)).coins)
            return self.cache[key]
        for i in range(1, len(chain) + 1):
            if key[:i] not in self.cache:
                step, change = chain[i - 1]
                self.cache[key[:i]] = {t: c.regen(**{step: change}) for t, c in self.cache[key[: i - 1]].items()}
        return self.cache[key]

    def excluded(self, changes: Changes, code: str) -> dict[Any, Coin]:
        """A full rebuild without ``code`` (only when dropping it changes which units are screened)."""
        key = ("exclude", code, json.dumps(changes, sort_keys=True, default=str))
        if key not in self.cache:
            built = rebuild(self.problem, changes, code)
            self.cache[key] = dict(built.coins) if isinstance(built, Panel) else {None: built}
        return self.cache[key]

    def screen_moves(self, coins: Mapping[Any, Coin], code: str) -> bool:
        """Whether dropping ``code`` changes the units a screen step of these builds keeps."""
        for coin in coins.values():
            for e in coin.log:
                p = e["params"]
                if e["step"] == "screen" and p["unit_screen"] != "none" and self._moves(coin, p, code):
                    return True
        return False

    def _moves(self, coin: Coin, p: Mapping[str, Any], code: str) -> bool:
        x = coin.get(p["dset"])
        key = (id(x), code)  # variants that differ only after the screen share its input frame
        if key not in self.moves:
            a = x.to_numpy(dtype=float)
            na, zero = np.isnan(a).any(), (a == 0).any()
            rule = p["unit_screen"]
            # without missing values availability stays 1 without the column; without zeros the non-zero share does
            quiet = (rule == "byNA" and not na) or (rule == "byZeros" and not zero) or not (na or zero)
            if quiet:
                moved = False
            else:
                kept, _ = screen_frame(x.drop(columns=[code]), p)
                moved = not kept.index.equals(coin.get(p["write_to"]).index)
            self.moves[key] = (x, moved)  # the frame is held so that its id stays unique
        return self.moves[key][1]
