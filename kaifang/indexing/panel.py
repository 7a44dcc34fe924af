"""面板指数 — a composite indicator over several years, one coin per year (COINr's "purse").

Panel data has a ``Time`` column: one row per unit and year. :func:`new_panel` splits it into one
:class:`~kaifang.indexing.coin.Coin` per year and every step is applied year by year, as if each year were
built alone — except two steps that need the whole panel:

* ``impute`` with ``f_i="impute_panel"`` fills a unit's gap from its own other years (COINr ``impute_panel``,
  ``imp_type`` latest / constant / linear / linear-constant, ``max_time``);
* ``normalise`` with ``global_=True`` normalises all years pooled (COINr ``Normalise.purse(global = TRUE)``),
  so that a score compares across years. COINr's default is global; here it is year by year unless asked.

The panel keeps its own log; the coins inside record those two steps with ``"panel": true`` and can only be
regenerated through the panel. Sources: COINr 1.1.14 ``new_coin`` (``split_to``), ``Impute.purse``,
``Normalise.purse``; OECD/JRC Handbook (2008) step 3.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Self

import pandas as pd

from kaifang.indexing.coin import Coin, LogEntry, StepMethods, frame_units, prepare, revise_log
from kaifang.indexing.framework import Framework
from kaifang.indexing.impute import impute_panel
from kaifang.indexing.pipeline import normalise_frame
from kaifang.indexing.results import RANK_COLUMN
from kaifang.indexing.steps import StepError, canonical

__all__ = ["Panel", "new_panel", "time_key"]


def time_key(value: Any) -> Any:
    """A Time value as a clean key: 2018.0 → 2018, other values unchanged."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value.item() if hasattr(value, "item") else value


@dataclass(frozen=True, eq=False)
class Panel(StepMethods):
    """One coin per Time value and the log that built them (COINr "purse"). Create it with :func:`new_panel`."""

    framework: Framework
    coins: dict[Any, Coin]
    log: list[LogEntry]

    def __repr__(self) -> str:
        steps = " → ".join(e["step"] for e in self.log)
        return f"<Panel {len(self.coins)} periods ({', '.join(map(str, self.coins))}); log: {steps}>"

    @property
    def times(self) -> list[Any]:
        return list(self.coins)

    def __getitem__(self, time: Any) -> Coin:
        return self.coins[time_key(time)]

    @property
    def latest(self) -> str:
        return str(self.log[-1]["params"].get("write_to", "Raw")) if len(self.log) > 1 else "Raw"

    def get(self, dset: str = "Aggregated") -> pd.DataFrame:
        """A data set of every year stacked, with a ``Time`` column (long panel shape), indexed by uCode."""
        frames = [c.get(dset).assign(Time=t) for t, c in self.coins.items()]
        return pd.concat(frames)

    def apply(self, step: str, params: Mapping[str, Any] | None = None) -> Self:
        """Run one step on every year (or on the pooled panel for impute_panel / global normalisation)."""
        p = canonical(step, params)
        if p["dset"] is None:
            p["dset"] = self.latest
        if step == "impute" and p["f_i"] == "impute_panel":
            coins = self._impute_panel(p)
        elif step == "normalise" and p["global"]:
            coins = self._normalise_global(p)
        else:
            coins = {t: c.apply(step, p) for t, c in self.coins.items()}
        return replace(self, coins=coins, log=[*self.log, {"step": step, "params": p}])

    def _stack(self, dset: str) -> pd.DataFrame:
        frames = [c.get(dset).reset_index().assign(Time=t) for t, c in self.coins.items()]
        return pd.concat(frames, ignore_index=True)

    def _split(self, step: str, p: dict[str, Any], long: pd.DataFrame, codes: list[str]) -> dict[Any, Coin]:
        out = {}
        for t, coin in self.coins.items():
            part = long[long["Time"] == t].set_index("uCode")[codes]
            part = part.reindex(coin.get(p["dset"]).index)
            out[t] = coin._record(step, copy.deepcopy(p), part, {}, panel=True)
        return out

    def _impute_panel(self, p: dict[str, Any]) -> dict[Any, Coin]:
        long = self._stack(p["dset"])
        codes = [c for c in long.columns if c not in ("uCode", "Time")]
        para = p["f_i_para"]
        filled = impute_panel(long, codes, para["imp_type"], para["max_time"])
        return self._split("impute", p, filled, codes)

    def _normalise_global(self, p: dict[str, Any]) -> dict[Any, Coin]:
        specs = [p, *((p.get("indiv_specs") or {}).values())]
        if any(isinstance(s, Mapping) and s.get("f_n") == "n_dist2ref" for s in specs):
            raise StepError(["n_dist2ref 不能用于全局标准化 (n_dist2ref cannot normalise a pooled panel)"])
        long = self._stack(p["dset"])
        codes = [c for c in long.columns if c not in ("uCode", "Time")]
        x = long[codes]
        normed = normalise_frame(x, self.framework, p)
        return self._split("normalise", p, pd.concat([long[["uCode", "Time"]], normed], axis=1), codes)

    def results(self, dset: str = "Aggregated", tab_type: str = "Aggs") -> pd.DataFrame:
        """Every year's results table (COINr ``get_results``) stacked, with ``Time``; ranks are within each year."""
        out = pd.concat([coin.results(dset, tab_type) for coin in self.coins.values()], ignore_index=True)
        return out.sort_values(["Time", RANK_COLUMN, "uCode"], na_position="last", kind="stable").reset_index(drop=True)

    def log_json(self) -> str:
        """The panel log as JSON (UTF-8 text, Chinese kept as is)."""
        return json.dumps(self.log, ensure_ascii=False, indent=1)

    def regen(self, **changes: Mapping[str, Any]) -> Panel:
        """Rebuild every year from Raw by replaying the panel log, optionally with changed parameters."""
        log, _ = revise_log(self.log, changes)
        panel = replace(self, coins={t: c._fresh() for t, c in self.coins.items()}, log=[copy.deepcopy(self.log[0])])
        for entry in log[1:]:
            panel = panel.apply(entry["step"], entry["params"])
        return panel

    @classmethod
    def from_log(cls, data: pd.DataFrame, framework: pd.DataFrame | Framework, log: Sequence[LogEntry]) -> Panel:
        """Build a panel from data, framework and a stored panel log."""
        if not log or log[0].get("step") != "new_panel":
            raise StepError(["面板日志须以 new_panel 开始 (a panel log starts with new_panel)"])
        p = log[0].get("params", {})
        panel = new_panel(data, framework, p.get("level_names"), p.get("exclude"))
        for entry in log[1:]:
            panel = panel.apply(entry["step"], entry["params"])
        return panel


def new_panel(
    data: pd.DataFrame,
    framework: pd.DataFrame | Framework,
    level_names: Iterable[str] | None = None,
    exclude: Sequence[str] | None = None,
) -> Panel:
    """A panel from long data with a ``Time`` column (COINr ``new_coin(split_to = "all")``): one coin per year."""
    names = list(level_names) if level_names is not None else None
    d, fw = prepare(data, framework, names, exclude)
    if "Time" not in d.columns or d["Time"].isna().any():
        raise ValueError("面板数据须有完整的 Time 列 (panel data needs a Time value on every row)")
    head = {"level_names": list(fw.level_names), "exclude": list(exclude or [])}
    coins = {}
    for t in sorted(d["Time"].unique()):
        raw, units = frame_units(d[d["Time"] == t], fw)
        log: list[LogEntry] = [{"step": "new_coin", "params": head, "time": time_key(t)}]
        coins[time_key(t)] = Coin(fw, units, {"Raw": raw}, log, weight_sets={"Original": fw.weights})
    return Panel(fw, coins, [{"step": "new_panel", "params": head}])
