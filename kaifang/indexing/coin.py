"""指数构建对象 — the recorded pipeline of a composite indicator, in the manner of COINr's "coin".

A :class:`Coin` keeps every stage as a named data set (``Raw``, ``Denominated``, ``Imputed``, ``Screened``,
``Treated``, ``Normalised``, ``Aggregated``; units × codes, indexed by uCode), the validated
:class:`~kaifang.indexing.framework.Framework`, the unit table (uName, groups, Time, denominators), named
weight sets and a ``log``: the list of ``{"step", "params"}`` that built it, JSON-serialisable, every default
written out. A coin is never changed in place: each step returns a new coin, ``regen(**changes)`` replays the
log with changed parameters, and :func:`kaifang.indexing.results.compare` shows what moved.

    coin = new_coin(data, framework, level_names=["Indicator", "Pillar", "Sub-index", "Index"])
    coin = (coin.denominate().impute(f_i="i_mean_grp", use_group="EurAsia_group")
                .screen(dat_thresh=0.9).treat(winmax=5).normalise(l_u=[0, 100]).aggregate(f_ag="a_amean"))
    coin.results()                                     # COINr get_results
    coin.regen(normalise={"f_n": "n_zscore", "m_sd": [10, 2]})

Sources: COINr 1.1.14 ``new_coin``, ``Denominate``, ``Impute``, ``Screen``, ``Treat``, ``Normalise``,
``Aggregate``, ``Regen``; OECD/JRC *Handbook on Constructing Composite Indicators* (2008).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Self

import pandas as pd

from kaifang.indexing.framework import Framework, FrameworkError, check_framework
from kaifang.indexing.pipeline import run_step
from kaifang.indexing.results import compare, results_table
from kaifang.indexing.steps import STEPS, StepError, canonical

__all__ = ["Coin", "StepMethods", "compare", "frame_units", "new_coin", "prepare", "revise_log"]

LogEntry = dict[str, Any]


def prepare(
    data: pd.DataFrame,
    framework: pd.DataFrame | Framework,
    level_names: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, Framework]:
    """Check data and framework together (COINr ``check_iData`` + ``check_iMeta``); drop ``exclude`` indicators.

    Returns the data with a ``uCode`` column and the validated framework.
    """
    d = data.reset_index() if "uCode" not in data.columns and data.index.name == "uCode" else data.copy()
    table = framework.table if isinstance(framework, Framework) else framework
    names = (
        level_names
        if level_names is not None
        else (framework.level_names if isinstance(framework, Framework) else None)
    )
    if exclude:
        unknown = [c for c in exclude if c not in set(table["iCode"])]
        if unknown:
            raise FrameworkError(
                [f"exclude 的代码不在框架中: {', '.join(unknown)} (exclude codes not in the framework)"]
            )
        table = table[~table["iCode"].isin(list(exclude))]
    fw = check_framework(table, d, names)
    if "Time" in d.columns and pd.api.types.is_float_dtype(d["Time"]):
        whole = d["Time"].dropna()
        if (whole == whole.round()).all():  # 2018.0 from a CSV reader → 2018
            d["Time"] = d["Time"].astype("Int64" if d["Time"].isna().any() else int)
    if "uCode" in d.columns:
        d["uCode"] = d["uCode"].astype(str)
        key = ["uCode", "Time"] if "Time" in d.columns else ["uCode"]
        dup = d.loc[d.duplicated(key), "uCode"].unique()
        if len(dup):
            raise FrameworkError(
                [f"数据表 uCode 重复: {', '.join(dup)} (Duplicate uCode in the data: {', '.join(dup)})"]
            )
    return d, fw


def frame_units(d: pd.DataFrame, fw: Framework) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split checked data into (Raw indicators, unit table), both indexed by uCode."""
    d = d.set_index("uCode")
    d.index.name = "uCode"
    raw = d[list(fw.indicators)].astype(float)
    other = [c for c in d.columns if c not in fw.indicators]
    return raw, d[other].copy()


class StepMethods:
    """The six building steps with COINr's parameter names, shared by :class:`Coin` and the panel.

    Each method only collects its arguments and calls ``apply(step, params)``; see
    :mod:`kaifang.indexing.steps` for every parameter and :mod:`kaifang.indexing.pipeline` for the work.
    """

    def apply(self, step: str, params: Mapping[str, Any] | None = None) -> Self:
        raise NotImplementedError

    def denominate(
        self,
        dset: str | None = "Raw",
        denomby: Mapping[str, str] | None = None,
        scale_factor: Mapping[str, float] | None = None,
        write_to: str = "Denominated",
    ) -> Self:
        """Divide indicators by their denominators (COINr ``Denominate``; default the framework's Denominator)."""
        return self.apply(
            "denominate", _given(dset=dset, denomby=denomby, scale_factor=scale_factor, write_to=write_to)
        )

    def impute(
        self,
        dset: str | None = None,
        f_i: str = "i_mean",
        f_i_para: Mapping[str, Any] | None = None,
        use_group: str | None = None,
        write_to: str = "Imputed",
        **para: Any,
    ) -> Self:
        """Impute missing values (COINr ``Impute``): i_mean, i_median, i_mean_grp, i_median_grp, none."""
        return self.apply(
            "impute", _given(dset=dset, f_i=f_i, f_i_para=f_i_para, use_group=use_group, write_to=write_to, **para)
        )

    def screen(
        self,
        dset: str | None = None,
        unit_screen: str = "byNA",
        dat_thresh: float = 2 / 3,
        nonzero_thresh: float = 0.05,
        force: Mapping[str, bool] | None = None,
        write_to: str = "Screened",
    ) -> Self:
        """Drop units with too little data (COINr ``Screen``); the removed units are in ``analysis["Screened"]``."""
        return self.apply(
            "screen",
            _given(
                dset=dset,
                unit_screen=unit_screen,
                dat_thresh=dat_thresh,
                nonzero_thresh=nonzero_thresh,
                force=force,
                write_to=write_to,
            ),
        )

    def treat(
        self,
        dset: str | None = None,
        f1: str | None = "winsorise",
        f1_para: Mapping[str, Any] | None = None,
        f2: str | None = "log_CT",
        f2_para: Mapping[str, Any] | None = None,
        f_pass: str = "check_SkewKurt",
        f_pass_para: Mapping[str, Any] | None = None,
        combine_treat: bool = False,
        indiv_specs: Mapping[str, Any] | None = None,
        write_to: str = "Treated",
        **para: Any,
    ) -> Self:
        """Treat outliers (COINr ``Treat``); flat winmax, skew_thresh, kurt_thresh, lambda … accepted."""
        return self.apply(
            "treat",
            _given(
                dset=dset, f1=f1, f1_para=f1_para, f2=f2, f2_para=f2_para, f_pass=f_pass, f_pass_para=f_pass_para,
                combine_treat=combine_treat, indiv_specs=indiv_specs, write_to=write_to, **para,
            ),
        )  # fmt: skip

    def normalise(
        self,
        dset: str | None = None,
        f_n: str = "n_minmax",
        f_n_para: Mapping[str, Any] | None = None,
        indiv_specs: Mapping[str, Any] | None = None,
        directions: Mapping[str, int] | None = None,
        global_: bool = False,
        write_to: str = "Normalised",
        **para: Any,
    ) -> Self:
        """Normalise indicators (COINr ``Normalise``); flat ``l_u``, ``m_sd``, ``gposts``, ``targ`` … accepted.

        ``global_`` (panels only): one normalisation over all years pooled, so scores compare across years.
        """
        given = _given(dset=dset, f_n=f_n, f_n_para=f_n_para, indiv_specs=indiv_specs, directions=directions, **para)
        return self.apply("normalise", {**given, "global": global_, "write_to": write_to})

    def aggregate(
        self,
        dset: str | None = None,
        f_ag: str | Sequence[str] | Mapping[int, str] = "a_amean",
        w: str | Mapping[str, float] | None = None,
        f_ag_para: Mapping[Any, Any] | None = None,
        dat_thresh: float | Mapping[int, float] | None = None,
        write_to: str = "Aggregated",
        **para: Any,
    ) -> Self:
        """Aggregate up to the index (COINr ``Aggregate``); method, parameters and threshold may differ by level."""
        return self.apply(
            "aggregate",
            _given(dset=dset, f_ag=f_ag, w=w, f_ag_para=f_ag_para, dat_thresh=dat_thresh, write_to=write_to, **para),
        )


@dataclass(frozen=True, eq=False)
class Coin(StepMethods):
    """A composite indicator and how it was built (COINr "coin"). Create it with :func:`new_coin`."""

    framework: Framework
    units: pd.DataFrame
    data: dict[str, pd.DataFrame]
    log: list[LogEntry]
    analysis: dict[str, dict[str, Any]] = field(default_factory=dict)
    weight_sets: dict[str, pd.Series] = field(default_factory=dict)
    _trace: tuple[tuple[str, pd.DataFrame, dict[str, Any]], ...] = ()

    def __repr__(self) -> str:
        raw = self.data["Raw"]
        steps = " → ".join(e["step"] for e in self.log)
        return (
            f"<Coin {len(raw)} units × {raw.shape[1]} indicators, {self.framework.max_level} levels; "
            f"data sets: {', '.join(self.data)}; log: {steps}>"
        )

    # ----------------------------------------------------------------------------- reading

    def get(self, dset: str = "Aggregated") -> pd.DataFrame:
        """A data set by name (a copy is not made: do not modify it in place)."""
        if dset not in self.data:
            raise KeyError(f"数据集不存在: {dset} (no data set {dset!r}; have {', '.join(self.data)})")
        return self.data[dset]

    @property
    def latest(self) -> str:
        """The data set written by the last step (``Raw`` for a new coin)."""
        return str(self.log[-1]["params"].get("write_to", "Raw")) if len(self.log) > 1 else "Raw"

    def log_json(self) -> str:
        """The log as JSON (UTF-8 text, Chinese kept as is)."""
        return json.dumps(self.log, ensure_ascii=False, indent=1)

    def results(self, dset: str = "Aggregated", tab_type: str = "Aggs") -> pd.DataFrame:
        """Results table (COINr ``get_results``): one row per unit, aggregates from the index down, ``Index_rank``."""
        return results_table(self.get(dset), self.framework, self.units, tab_type)

    def compare(self, other: Coin, dset: str = "Aggregated", icode: str | None = None) -> pd.DataFrame:
        """Score and rank changes from this coin to ``other`` (COINr ``compare_coins``)."""
        return compare(self, other, dset, icode)

    # ----------------------------------------------------------------------------- building

    def apply(self, step: str, params: Mapping[str, Any] | None = None) -> Self:
        """Run one step with COINr-named parameters and return the new coin (the step is logged)."""
        p = canonical(step, params)
        if p["dset"] is None:
            p["dset"] = self.latest
        if step == "aggregate" and isinstance(p["w"], str):  # log the weights themselves, not a name
            if p["w"] not in self.weight_sets:
                raise KeyError(f"权重集不存在: {p['w']} (no weight set {p['w']!r}; have {', '.join(self.weight_sets)})")
            p["w"] = None if p["w"] == "Original" else {k: float(v) for k, v in self.weight_sets[p["w"]].items()}
        x = self.get(p["dset"])
        out, info = run_step(step, p, x, self.units, self.framework, self.weight_sets)
        return self._record(step, p, out, info)

    def _record(self, step: str, p: dict[str, Any], out: pd.DataFrame, info: dict[str, Any], **flags: Any) -> Self:
        name = p["write_to"]
        data = {**self.data, name: out}
        analysis = {**self.analysis, name: info} if info else {k: v for k, v in self.analysis.items() if k != name}
        entry: LogEntry = {"step": step, "params": p, **flags}
        return replace(
            self, data=data, log=[*self.log, entry], analysis=analysis, _trace=(*self._trace, (name, out, info))
        )

    def with_weights(self, name: str, weights: pd.Series | Mapping[str, float]) -> Coin:
        """Store a named weight set (e.g. from :func:`~kaifang.indexing.weights.pca_weights`) for ``aggregate(w=name)``.

        The aggregate step logs the weights themselves, so the log stays complete without the set.
        """
        w = pd.Series(weights, dtype=float)
        return replace(self, weight_sets={**self.weight_sets, name: w})

    # ----------------------------------------------------------------------------- replaying

    def regen(self, **changes: Mapping[str, Any]) -> Coin:
        """Rebuild from Raw by replaying the log (COINr ``Regen``), optionally changing steps' parameters.

        ``changes`` maps a step name to parameters to change in every logged call of that step, e.g.
        ``regen(treat={"winmax": 3})``; a changed method (``f_n`` …) without its parameters gets the new
        method's defaults. Without changes every step is recomputed; with changes, the steps before the first
        changed one are reused from this coin (their inputs are the same).
        """
        if any(e.get("panel") for e in self.log):
            raise ValueError(
                "该 coin 属于面板, 请对面板 regen (built inside a panel with panel-wide steps: regen the panel)"
            )
        log, first = revise_log(self.log, changes)
        coin = self._fresh()
        for i, entry in enumerate(log[1:]):
            if first is not None and i < first and i < len(self._trace):
                _, out, info = self._trace[i]
                coin = coin._record(entry["step"], copy.deepcopy(entry["params"]), out, info)
            else:
                coin = coin.apply(entry["step"], entry["params"])
        return coin

    def _fresh(self) -> Coin:
        return replace(self, data={"Raw": self.data["Raw"]}, log=[copy.deepcopy(self.log[0])], analysis={}, _trace=())

    @classmethod
    def from_log(cls, data: pd.DataFrame, framework: pd.DataFrame | Framework, log: Sequence[LogEntry]) -> Coin:
        """Build a coin from data, framework and a stored log (e.g. parsed from :meth:`log_json`)."""
        if not log or log[0].get("step") != "new_coin":
            raise StepError(["日志须以 new_coin 开始 (a log starts with new_coin)"])
        p = log[0].get("params", {})
        coin = new_coin(data, framework, p.get("level_names"), p.get("exclude"))
        for entry in log[1:]:
            coin = coin.apply(entry["step"], entry["params"])
        return coin


def revise_log(log: Sequence[LogEntry], changes: Mapping[str, Mapping[str, Any]]) -> tuple[list[LogEntry], int | None]:
    """The log with ``changes`` applied per step name; also the position (after new_coin) of the first change."""
    unknown = [s for s in changes if s not in STEPS]
    if unknown:
        raise StepError([f"未知步骤: {', '.join(unknown)} (unknown steps; known: {', '.join(STEPS)})"])
    absent = [s for s in changes if not any(e["step"] == s for e in log)]
    if absent:
        raise StepError([f"日志中没有该步骤: {', '.join(absent)} (steps not in the log)"])
    out = [copy.deepcopy(log[0])]
    first = None
    for i, entry in enumerate(log[1:]):
        e = copy.deepcopy(entry)
        if e["step"] in changes:
            new = canonical(e["step"], changes[e["step"]], base=e["params"])
            if new != e["params"] and first is None:
                first = i
            e["params"] = new
        out.append(e)
    return out, first


def _given(**kwargs: Any) -> dict[str, Any]:
    """Keyword arguments as step parameters (the step's canonical defaults fill what is None)."""
    return {k: v for k, v in kwargs.items() if v is not None or k in ("f1", "f2")}


def new_coin(
    data: pd.DataFrame,
    framework: pd.DataFrame | Framework,
    level_names: Iterable[str] | None = None,
    exclude: Sequence[str] | None = None,
) -> Coin:
    """A new coin from a data table (COINr ``iData``) and a framework table (``iMeta``) — COINr ``new_coin``.

    ``data`` has a ``uCode`` column (or index), optionally ``uName`` and ``Time``, group columns and one column
    per indicator and denominator. Panel data (several Time values) is refused: use
    :func:`kaifang.indexing.panel.new_panel`. ``exclude`` drops indicators from the framework.
    """
    names = list(level_names) if level_names is not None else None
    d, fw = prepare(data, framework, names, exclude)
    if "Time" in d.columns and d["Time"].nunique(dropna=False) > 1:
        raise ValueError("数据含多个年份, 请用 new_panel (several Time values: use new_panel for panel data)")
    raw, units = frame_units(d, fw)
    log: list[LogEntry] = [
        {"step": "new_coin", "params": {"level_names": list(fw.level_names), "exclude": list(exclude or [])}}
    ]
    return Coin(fw, units, {"Raw": raw}, log, weight_sets={"Original": fw.weights})
