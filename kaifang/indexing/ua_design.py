"""不确定性分析的抽样设计 — the analysis problem checked against a nominal build, and its sampled designs.

:func:`ua_problem` binds a :class:`~kaifang.indexing.ua_spec.UASpec` to the nominal coin or panel: each step
choice must name a step of its log, excluded indicators must exist and not be the only child of their
aggregate (the engine refuses an aggregate without children), weight-noise levels must exist.

A *design* holds every replication's choices. Each choice is one input Xᵢ ~ U(0, 1) (COINr
``get_sensitivity``): a discrete choice with k levels takes level ⌊k·Xᵢ⌋; ``exclude`` has k = 1 + the number of
droppable indicators (level 0 = drop nothing); the weight noise multiplies each weight w of a noised level by
1 + x·(2v − 1), v ~ U(0, 1) (COINr ``get_noisy_weights``):

* :func:`sample_mc` — plain Monte Carlo for the uncertainty analysis (Handbook 2008 §7.1): X and v drawn from
  ``numpy.random.default_rng(seed)``, fresh noise for every replication;
* :func:`sample_sobol` — SALib's Saltelli design of N(d + 2) rows on a scrambled Sobol' sequence; the weight
  input picks one of ``sets`` noisy weight sets drawn once from the seed, as COINr does, so one input stands
  for all the weights.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kaifang.indexing.coin import Coin
from kaifang.indexing.framework import Framework
from kaifang.indexing.panel import Panel
from kaifang.indexing.ua_sobol import saltelli_sample
from kaifang.indexing.ua_spec import Exclusion, StepChoice, UASpec, UASpecError, WeightNoise, check_levels, load_ua

__all__ = ["Design", "UAProblem", "choices_table", "sample_mc", "sample_sobol", "ua_problem"]


@dataclass(frozen=True, eq=False)
class UAProblem:
    """A UA spec bound to its nominal build; see :func:`ua_problem`."""

    nominal: Coin | Panel
    spec: UASpec
    coins: dict[Any, Coin]
    framework: Framework
    step_choices: tuple[StepChoice, ...]
    noise: WeightNoise | None
    exclude_codes: tuple[str, ...] | None
    weight_codes: tuple[str, ...]
    noise_scale: np.ndarray
    columns: pd.DataFrame
    nominal_ranks: np.ndarray
    blocks: tuple[slice, ...]
    data: pd.DataFrame = field(repr=False)

    @property
    def names(self) -> tuple[str, ...]:
        """Input names in spec order (Sobol variables)."""
        return self.spec.names

    @property
    def panel(self) -> bool:
        return isinstance(self.nominal, Panel)

    @property
    def aggregate_params(self) -> dict[str, Any]:
        """The nominal aggregate step's canonical parameters."""
        return dict(self.nominal.log[-1]["params"])


def _error(choice: StepChoice | WeightNoise | Exclusion | None, zh: str, en: str) -> UASpecError:
    key = f"choices.{choice.name}" if choice is not None else "choices"
    line = choice.line if choice is not None else None
    where_zh, where_en = (f"第 {line} 行 {key}", f"line {line} {key}") if line else (key, key)
    return UASpecError([f"{where_zh}: {zh} ({where_en}: {en})"])


def _coins(nominal: Coin | Panel) -> dict[Any, Coin]:
    return dict(nominal.coins) if isinstance(nominal, Panel) else {None: nominal}


def nominal_data(nominal: Coin | Panel) -> pd.DataFrame:
    """The data table the nominal build came from (unit columns and Raw indicators), to rebuild it."""
    frames = [
        pd.concat([c.units, c.get("Raw")], axis=1).rename_axis("uCode").reset_index() for c in _coins(nominal).values()
    ]
    return pd.concat(frames, ignore_index=True)


def ua_problem(nominal: Coin | Panel, spec: UASpec | Mapping[str, Any] | str | Path) -> UAProblem:
    """Check ``spec`` against the nominal build (its log must end with its only ``aggregate`` step)."""
    ua = spec if isinstance(spec, UASpec) else load_ua(spec)
    log = nominal.log
    steps = [e["step"] for e in log[1:]]
    if not steps or steps[-1] != "aggregate" or steps.count("aggregate") != 1:
        raise UASpecError(
            ["构建日志须以唯一的 aggregate 步骤结束 (the build's log must end with its only aggregate step)"]
        )
    fw = nominal.framework
    problems: list[str] = []
    step_choices, noise, exclusion = [], None, None
    for c in ua.choices:
        if isinstance(c, StepChoice):
            if c.step not in steps:
                problems += _error(c, f"构建日志中没有 {c.step} 步骤", f"the build has no {c.step} step").problems
            else:
                problems += check_levels(c, [e["params"] for e in log if e["step"] == c.step])
            step_choices.append(c)
        elif isinstance(c, WeightNoise):
            noise = c
        else:
            exclusion = c
    top = fw.max_level
    scale: dict[int, float] = {lv: noise.default or 0.0 for lv in range(1, top)} if noise else {}
    if noise is not None:
        bad = [lv for lv in noise.noise if not 1 <= lv < top]
        if bad:
            problems += _error(
                noise, f"层级 {bad} 不存在 (1 … {top - 1})", f"levels {bad} not in 1 … {top - 1}"
            ).problems
        scale.update(noise.noise)
    codes: tuple[str, ...] | None = None
    if exclusion is not None:
        siblings = {c: len(fw.children(str(fw.parent(c)))) for c in fw.indicators}
        if exclusion.codes is None:
            codes = tuple(c for c in fw.indicators if siblings[c] > 1)
        else:
            unknown = [c for c in exclusion.codes if c not in siblings]
            alone = [c for c in exclusion.codes if siblings.get(c) == 1]
            if unknown:
                problems += _error(
                    exclusion, f"不是指标: {', '.join(unknown)}", f"not indicators: {', '.join(unknown)}"
                ).problems
            if alone:
                problems += _error(
                    exclusion,
                    f"是其上级唯一的指标, 不能剔除: {', '.join(alone)}",
                    f"the only indicator of their aggregate, cannot be dropped: {', '.join(alone)}",
                ).problems
            codes = exclusion.codes
        if not codes:
            problems += _error(exclusion, "没有可剔除的指标", "no indicator can be dropped").problems
    if problems:
        raise UASpecError(problems)
    weight_codes = tuple(c for lv in range(1, top) for c in fw.codes_at(lv))
    noise_scale = np.array([scale.get(fw.level_of(c), 0.0) for c in weight_codes])
    coins = _coins(nominal)
    columns, nominal_ranks, blocks = _columns(coins, fw)
    sobol = ua.sobol
    if sobol is not None and sobol.unit is not None and sobol.unit not in set(columns["uCode"]):
        raise UASpecError([f"sobol.output.unit: 单元 {sobol.unit} 不在数据中 (unit {sobol.unit} not in the data)"])
    return UAProblem(
        nominal, ua, coins, fw, tuple(step_choices), noise, codes, weight_codes, noise_scale,
        columns, nominal_ranks, blocks, nominal_data(nominal),
    )  # fmt: skip


def _columns(coins: dict[Any, Coin], fw: Framework) -> tuple[pd.DataFrame, np.ndarray, tuple[slice, ...]]:
    """One rank column per unit (and year), in Raw order; the nominal ranks (0 = none); the year blocks."""
    frames, ranks, blocks, start = [], [], [], 0
    for t, coin in coins.items():
        units = coin.get("Raw").index
        res = coin.results().set_index("uCode")["Index_rank"]
        frame = pd.DataFrame({"uCode": units.astype(str)})
        if "uName" in coin.units.columns:
            frame["uName"] = coin.units["uName"].reindex(units).to_numpy()
        if t is not None:
            frame["Time"] = t
        frames.append(frame)
        ranks.append(res.reindex(units).fillna(0).to_numpy(dtype=np.int32))
        blocks.append(slice(start, start + len(units)))
        start += len(units)
    return pd.concat(frames, ignore_index=True), np.concatenate(ranks), tuple(blocks)


@dataclass(frozen=True, eq=False)
class Design:
    """Every replication's choices: ``u`` (R × inputs) in [0, 1), ``levels`` (R × step choices), ``exclude``
    (R, position in the framework's indicators or −1), ``factors`` (R × weight codes) multiplying the weights.
    """

    kind: str
    seed: int | None
    u: np.ndarray
    levels: np.ndarray
    exclude: np.ndarray
    factors: np.ndarray | None

    @property
    def n(self) -> int:
        return int(self.u.shape[0])


def _discrete(u: np.ndarray, k: int) -> np.ndarray:
    return np.minimum((u * k).astype(np.int64), k - 1)


def _map(problem: UAProblem, u: np.ndarray, factors: np.ndarray | None, kind: str, seed: int | None) -> Design:
    names = problem.names
    col = {name: i for i, name in enumerate(names)}
    levels = np.zeros((u.shape[0], len(problem.step_choices)), dtype=np.int16)
    for j, c in enumerate(problem.step_choices):
        levels[:, j] = _discrete(u[:, col[c.name]], len(c.levels))
    exclude = np.full(u.shape[0], -1, dtype=np.int32)
    if problem.exclude_codes is not None:
        pos = np.array([-1, *(problem.framework.indicators.index(c) for c in problem.exclude_codes)], dtype=np.int32)
        exclude = pos[_discrete(u[:, col["exclude"]], len(pos))]
    return Design(kind, seed, u, levels, exclude, factors)


def _noise(problem: UAProblem, rng: np.random.Generator, rows: int) -> np.ndarray:
    return 1.0 + problem.noise_scale[None, :] * (2.0 * rng.random((rows, len(problem.weight_codes))) - 1.0)


def sample_mc(problem: UAProblem, n: int | None = None, seed: int | None = None) -> Design:
    """Plain Monte Carlo: ``n`` replications (default the spec's N) from ``default_rng(seed)``.

    The generator draws the choice inputs (n × d) first, then the weight noise (n × weight codes).
    """
    n = problem.spec.n if n is None else int(n)
    rng = np.random.default_rng(seed)
    u = rng.random((n, len(problem.names)))
    factors = _noise(problem, rng, n) if problem.noise is not None else None
    return _map(problem, u, factors, "mc", seed)


def sample_sobol(problem: UAProblem, n: int | None = None, seed: int | None = None) -> Design:
    """SALib's Saltelli design: n base samples (default the spec's sobol N), N(d + 2) replications.

    The weight input selects one of ``weights.sets`` noisy weight sets drawn from ``default_rng(seed)``.
    """
    if n is None:
        n = problem.spec.sobol.n if problem.spec.sobol is not None else problem.spec.n
    u = saltelli_sample(problem.names, int(n), seed)
    factors = None
    if problem.noise is not None:
        pool = _noise(problem, np.random.default_rng(seed), problem.noise.sets)
        factors = pool[_discrete(u[:, problem.names.index(problem.noise.name)], problem.noise.sets)]
    return _map(problem, u, factors, "sobol", seed)


def choices_table(problem: UAProblem, design: Design) -> pd.DataFrame:
    """One row per replication: the level label of each step choice and the dropped indicator ('' = none)."""
    out = pd.DataFrame(index=pd.RangeIndex(design.n, name="replication"))
    for j, c in enumerate(problem.step_choices):
        out[c.name] = np.asarray(c.labels, dtype=object)[design.levels[:, j]]
    if problem.exclude_codes is not None:
        codes = np.asarray(["", *problem.framework.indicators], dtype=object)
        out["exclude"] = codes[design.exclude + 1]
    return out
