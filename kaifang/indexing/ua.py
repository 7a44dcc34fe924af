"""不确定性与敏感性分析 — Monte Carlo over modelling choices and Sobol indices, vectorised across replications.

Uncertainty analysis (OECD/JRC *Handbook on Constructing Composite Indicators* 2008 §7; Saisana, Saltelli &
Tarantola 2005, *JRSS A* 168(2)): the uncertain assumptions — imputation, winsorisation, normalisation, weights,
aggregation, which indicators are in — are sampled together, the index is rebuilt for every replication, and
each unit's rank distribution is summarised by its median and 5–95 % interval. Sensitivity analysis
apportions the variance of an output (COINr's default: the mean absolute rank shift from the nominal ranks)
to the assumptions with Sobol first-order and total indices (:mod:`kaifang.indexing.ua_sobol`).

    from kaifang.indexing.ua import run_ua, run_sa
    ua = run_ua(coin, "UA.yaml")             # ua.stats: uCode, uName, Nominal, Mean, Median, Q5, Q95
    sa = run_sa(coin, "UA.yaml")             # sa.sobol: Variable, S1, S1_conf, ST, ST_conf

COINr ``get_sensitivity`` regenerates the coin once per replication (≈130 ms each for its ASEM example). Here a
replication is not rebuilt: choices upstream of the aggregation have few levels, so each distinct upstream
variant (e.g. 5 winsorisations × 2 normalisations = 10 normalised matrices) is built once by the engine
(``Coin.regen``, reusing the steps before the first changed one), and the replications sharing a variant are
aggregated together by :func:`kaifang.indexing.ua_batch.index_scores` with a (replications × weights) array —
a dropped indicator being a zero weight. :func:`evaluate_loop` is the straightforward peer — one
``Coin.from_log`` rebuild per replication — and gives the same ranks.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kaifang.indexing.coin import Coin
from kaifang.indexing.panel import Panel
from kaifang.indexing.spec import build, complete_framework, default_impute, load_spec, read_table
from kaifang.indexing.steps import canonical
from kaifang.indexing.ua_batch import Level, index_scores, rank_shift, rank_stats, sport_ranks
from kaifang.indexing.ua_design import Design, UAProblem, choices_table, sample_mc, sample_sobol, ua_problem
from kaifang.indexing.ua_sobol import sobol_indices
from kaifang.indexing.ua_spec import SobolSpec, UASpec, load_ua
from kaifang.indexing.ua_variants import Variants, rebuild, step_changes

__all__ = [
    "Progress",
    "SAResult",
    "UAResult",
    "choices_table",
    "evaluate",
    "evaluate_loop",
    "run_sa",
    "run_ua",
    "run_ua_files",
    "sample_mc",
    "sample_sobol",
    "ua_problem",
]

Progress = Callable[[float, str], None]
_MEMORY = 2**28  # bytes for one batch of level values: replications are chunked to stay near it


class _Ticker:
    """Forwards progress at a bounded rate (every ``interval`` seconds, and the end)."""

    def __init__(self, progress: Progress | None, lo: float = 0.0, hi: float = 1.0, interval: float = 0.25) -> None:
        self.progress, self.lo, self.hi, self.interval, self.last = progress, lo, hi, interval, -1e9

    def __call__(self, fraction: float, message: str) -> None:
        now = time.monotonic()
        if self.progress is not None and (fraction >= 1 or now - self.last >= self.interval):
            self.last = now
            self.progress(self.lo + (self.hi - self.lo) * min(max(fraction, 0.0), 1.0), message)


@dataclass(frozen=True, eq=False)
class UAResult:
    """Ranks of every replication and their summary (COINr ``get_sensitivity(SA_type = "UA")`` RankStats).

    ``stats``: one row per unit (and Time): uCode, uName, [Time], Nominal, Mean, Median, Q5, Q95 (R type-7
    quantiles), sorted by Time and nominal rank. ``ranks``: (n, columns) sport ranks, 0 = not ranked (screened
    out or no score); ``columns`` describes the columns. ``scores``: index scores if kept.
    """

    stats: pd.DataFrame
    ranks: np.ndarray
    columns: pd.DataFrame
    nominal: np.ndarray
    design: Design
    scores: np.ndarray | None = None
    sobol: pd.DataFrame | None = None

    @property
    def n(self) -> int:
        return self.design.n

    def rank_table(self, time: Any = None) -> pd.DataFrame:
        """The rank matrix as a frame: one row per replication, one column per uCode (one year of a panel)."""
        cols = self.columns
        sel = np.ones(len(cols), dtype=bool) if time is None else (cols["Time"] == time).to_numpy()
        r = self.ranks[:, sel].astype(float)
        r[r == 0] = np.nan
        if time is None and "Time" in cols.columns:
            return pd.DataFrame(r, columns=pd.MultiIndex.from_frame(cols[["Time", "uCode"]]))
        return pd.DataFrame(r, columns=cols.loc[sel, "uCode"].to_numpy())


@dataclass(frozen=True, eq=False)
class SAResult:
    """Sobol indices (``Variable, [Time], S1, S1_conf, ST, ST_conf``), the output of every run, the runs' ranks."""

    sobol: pd.DataFrame
    output: np.ndarray
    ua: UAResult


# ----------------------------------------------------------------------------- aggregation of a group


def _by_level(value: Any, level: int) -> Any:
    if isinstance(value, Mapping) and value and all(str(k).isdigit() for k in value):
        return value[str(level)]
    return value


def _levels(problem: UAProblem, p: Mapping[str, Any]) -> tuple[list[Level], list[np.ndarray]]:
    """Aggregation levels 2 … top for canonical aggregate parameters, and the base weights of their children."""
    fw = problem.framework
    base = fw.weights.copy()
    if isinstance(p["w"], Mapping):
        base.update(pd.Series(p["w"], dtype=float))
    levels, weights = [], []
    for lv in range(2, fw.max_level + 1):
        children, parents, owner = fw.structure(lv)
        para = dict(_by_level(p["f_ag_para"], lv) or {})
        levels.append(Level(owner, len(parents), _by_level(p["f_ag"], lv), para, _by_level(p["dat_thresh"], lv)))
        weights.append(base.reindex(list(children)).to_numpy(dtype=float))
    return levels, weights


def _chunk(problem: UAProblem, units: int) -> int:
    widest = max(len(problem.framework.codes_at(lv)) for lv in range(1, problem.framework.max_level))
    return max(1, _MEMORY // (8 * 4 * max(units, 1) * widest))


def _groups(keys: np.ndarray, rows: np.ndarray) -> list[np.ndarray]:
    """``rows`` split by identical rows of ``keys`` (the replications that share a variant)."""
    if keys.shape[1] == 0:
        return [rows]
    _, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = np.ravel(inverse)
    return [rows[inverse == g] for g in range(int(inverse.max()) + 1)]


def _weights(
    problem: UAProblem, design: Design, rows: np.ndarray, base: list[np.ndarray]
) -> tuple[list[np.ndarray], np.ndarray | None]:
    """Per level (R × children) weights = base × the rows' noise factors; a dropped indicator's weight is 0."""
    out, start = [], 0
    for b in base:
        f = np.ones((len(rows), 1)) if design.factors is None else design.factors[rows, start : start + len(b)]
        out.append(b[None, :] * f)
        start += len(b)
    keep = None
    if problem.exclude_codes is not None:
        keep = np.ones((len(rows), len(problem.framework.indicators)), dtype=bool)
        dropped = design.exclude[rows] >= 0
        keep[np.flatnonzero(dropped), design.exclude[rows][dropped]] = False
        out[0] = np.where(keep, out[0], 0.0)
    return out, keep


class _Run:
    """The outputs of :func:`evaluate` being filled, group by group."""

    def __init__(self, problem: UAProblem, design: Design, keep_scores: bool, progress: Progress | None) -> None:
        self.problem, self.design = problem, design
        n, c = design.n, len(problem.columns)
        self.ranks = np.zeros((n, c), dtype=np.int16 if c < np.iinfo(np.int16).max else np.int32)
        self.scores = np.full((n, c), np.nan) if keep_scores else None
        self.tick = _Ticker(progress)
        self.total, self.done = n * len(problem.blocks), 0

    def aggregate(self, rows: np.ndarray, built: Mapping[Any, Coin]) -> None:
        """Every replication of ``rows`` (one upstream variant, one aggregation choice), year by year."""
        problem, design = self.problem, self.design
        changes = step_changes(problem, design.levels[rows[0]], aggregate=True).get("aggregate", {})
        p = canonical("aggregate", changes, base=problem.aggregate_params)
        levels, base = _levels(problem, p)
        codes = list(problem.framework.indicators)
        for coin, block in zip(built.values(), problem.blocks, strict=True):
            x = coin.get(p["dset"]).reindex(columns=codes)
            units = problem.columns["uCode"].iloc[block].to_numpy()
            pos = block.start + pd.Index(units).get_indexer(x.index.astype(str))
            xs = x.to_numpy(dtype=float)
            same_order = len(pos) > 0 and bool(np.all(pos == np.arange(pos[0], pos[0] + len(pos))))
            step = _chunk(problem, len(xs))
            for s in range(0, len(rows), step):
                r = rows[s : s + step]
                w, keep = _weights(problem, design, r, base)
                try:
                    y = index_scores(xs, levels, w, keep)
                except ValueError as err:
                    label = choices_table(problem, design).iloc[int(r[0])].to_dict()
                    raise ValueError(f"{err} — 重复 {int(r[0])} (replication {int(r[0])}): {label}") from None
                at = (r, slice(pos[0], pos[0] + len(pos))) if same_order else np.ix_(r, pos)
                self.ranks[at] = sport_ranks(y)
                if self.scores is not None:
                    self.scores[at] = y
                self.done += len(r)
                self.tick(self.done / self.total, f"汇总 {self.done}/{self.total} (aggregating)")


def evaluate(
    problem: UAProblem,
    design: Design,
    *,
    progress: Progress | None = None,
    keep_scores: bool = False,
) -> UAResult:
    """Ranks (and optionally scores) of every replication of ``design``, vectorised; see the module docstring.

    Replications are grouped by their upstream levels (one engine build each,
    :class:`~kaifang.indexing.ua_variants.Variants`), then by
    their aggregation levels; each group is aggregated in chunks of rows by
    :func:`~kaifang.indexing.ua_batch.index_scores` and ranked by :func:`~kaifang.indexing.ua_batch.sport_ranks`.
    """
    run = _Run(problem, design, keep_scores, progress)
    variants = Variants(problem)
    fw = problem.framework
    up = [j for j, c in enumerate(problem.step_choices) if c.step != "aggregate"]
    groups = _groups(design.levels[:, up], np.arange(design.n))
    for g, rows in enumerate(groups):
        run.tick(run.done / run.total, f"上游变体 {g + 1}/{len(groups)} (upstream variant)")
        changes = step_changes(problem, design.levels[rows[0]], aggregate=False)
        coins = variants.get(changes)
        rest = np.ones(len(rows), dtype=bool)
        for e in np.unique(design.exclude[rows]):
            if e >= 0 and variants.screen_moves(coins, fw.indicators[e]):
                mask = design.exclude[rows] == e
                for sub in _groups(design.levels[rows[mask]], rows[mask]):
                    run.aggregate(sub, variants.excluded(changes, fw.indicators[e]))
                rest &= ~mask
        for sub in _groups(design.levels[rows[rest]], rows[rest]):
            run.aggregate(sub, coins)
    run.tick(1.0, "统计名次 (rank statistics)")
    return UAResult(_stats(problem, run.ranks), run.ranks, problem.columns, problem.nominal_ranks, design, run.scores)


def _stats(problem: UAProblem, ranks: np.ndarray) -> pd.DataFrame:
    s = rank_stats(ranks)
    out = problem.columns.copy()
    nominal = problem.nominal_ranks
    out["Nominal"] = pd.Series(nominal, dtype="Int64").where(nominal > 0)
    out["Mean"], out["Median"], out["Q5"], out["Q95"] = s["Mean"], s["q0.5"], s["q0.05"], s["q0.95"]
    keys = (["Time"] if "Time" in out.columns else []) + ["Nominal", "uCode"]
    return out.sort_values(keys, na_position="last", kind="stable").reset_index(drop=True)


# ----------------------------------------------------------------------------- the straightforward peer


def evaluate_loop(
    problem: UAProblem, design: Design, rows: Any = None, *, progress: Progress | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Ranks and index scores of the replications ``rows`` (default all), one full engine rebuild each.

    Each replication replays the nominal log with its step changes, its noisy weights passed to
    ``aggregate(w=…)`` and its dropped indicator passed to ``new_coin(exclude=…)``: the reference that
    :func:`evaluate` must equal, and the peer of the benchmark.
    """
    fw = problem.framework
    picked = np.arange(design.n) if rows is None else np.asarray(list(rows), dtype=int)
    cols = problem.columns
    ranks = np.zeros((len(picked), len(cols)), dtype=np.int32)
    scores = np.full((len(picked), len(cols)), np.nan)
    tick = _Ticker(progress)
    for i, r in enumerate(picked):
        changes = {**step_changes(problem, design.levels[r], False), **step_changes(problem, design.levels[r], True)}
        code = fw.indicators[design.exclude[r]] if design.exclude[r] >= 0 else None
        w = None
        if design.factors is not None:
            p = canonical("aggregate", changes.get("aggregate", {}), base=problem.aggregate_params)
            base = fw.weights.copy()
            if isinstance(p["w"], Mapping):
                base.update(pd.Series(p["w"], dtype=float))
            factors = design.factors[r]
            w = {c: float(base[c] * factors[k]) for k, c in enumerate(problem.weight_codes) if c != code}
        built = rebuild(problem, changes, code, w)
        coins = dict(built.coins) if isinstance(built, Panel) else {None: built}
        for (_, coin), block in zip(coins.items(), problem.blocks, strict=True):
            res = coin.results().set_index("uCode")
            units = cols["uCode"].iloc[block]
            ranks[i, block] = res["Index_rank"].reindex(units).fillna(0).to_numpy(dtype=np.int32)
            scores[i, block] = res[fw.top].reindex(units).to_numpy(dtype=float)
        tick((i + 1) / len(picked), f"重建 {i + 1}/{len(picked)} (rebuilding)")
    return ranks, scores


# ----------------------------------------------------------------------------- runners


def _problem(nominal: Coin | Panel | UAProblem, spec: Any, seed: int | None) -> UAProblem:
    if isinstance(nominal, UAProblem):
        problem = nominal
    else:
        problem = ua_problem(nominal, spec if isinstance(spec, UASpec) else load_ua(spec))
    if seed is not None:
        problem = replace(problem, spec=replace(problem.spec, seed=seed))
    return problem


def run_ua(
    nominal: Coin | Panel | UAProblem,
    spec: UASpec | Mapping[str, Any] | str | Path | None = None,
    *,
    n: int | None = None,
    seed: int | None = None,
    progress: Progress | None = None,
    keep_scores: bool = False,
) -> UAResult:
    """Uncertainty analysis: ``n`` (default the spec's N) plain Monte Carlo replications from ``seed``
    (default the spec's seed), evaluated vectorised. Same seed → identical result."""
    problem = _problem(nominal, spec, seed)
    design = sample_mc(problem, n, problem.spec.seed)
    return evaluate(problem, design, progress=progress, keep_scores=keep_scores)


def run_sa(
    nominal: Coin | Panel | UAProblem,
    spec: UASpec | Mapping[str, Any] | str | Path | None = None,
    *,
    n: int | None = None,
    seed: int | None = None,
    progress: Progress | None = None,
) -> SAResult:
    """Sensitivity analysis: Sobol first-order and total indices of the spec's output (``sobol.output``:
    mean absolute rank shift, or one unit's index score), one table per year of a panel, with bootstrap
    confidence half-widths. N(d + 2) replications on SALib's Saltelli design, evaluated vectorised."""
    problem = _problem(nominal, spec, seed)
    settings = problem.spec.sobol or SobolSpec(problem.spec.n)
    design = sample_sobol(problem, n, problem.spec.seed)
    unit = settings.unit
    result = evaluate(problem, design, progress=progress, keep_scores=unit is not None)
    if unit is not None:
        assert result.scores is not None
        output = np.full((design.n, len(problem.blocks)), np.nan)
        is_unit = (problem.columns["uCode"] == unit).to_numpy()
        for b, block in enumerate(problem.blocks):
            hit = np.flatnonzero(is_unit[block])
            if hit.size:
                output[:, b] = result.scores[:, block.start + hit[0]]
    else:
        output = rank_shift(result.ranks, problem.nominal_ranks, problem.blocks)
    tables = []
    times = [None] if not problem.panel else list(problem.coins)
    for b, t in enumerate(times):
        table = sobol_indices(
            problem.names,
            output[:, b],
            num_resamples=settings.num_resamples,
            conf_level=settings.conf_level,
            seed=problem.spec.seed,
        )
        if t is not None:
            table.insert(1, "Time", t)
        tables.append(table)
    return SAResult(pd.concat(tables, ignore_index=True), output, result)


def run_ua_files(
    data: str | Path | pd.DataFrame,
    framework: str | Path | pd.DataFrame,
    spec: str | Path | Mapping[str, Any] | None,
    ua: str | Path | Mapping[str, Any],
    out: str | Path | None = None,
    *,
    sobol_out: str | Path | None = None,
    seed: int | None = None,
    progress: Progress | None = None,
) -> UAResult:
    """``kaifang index ua``: the nominal build from COINr-shaped files (as ``kaifang index run``), then the
    analysis of UA.yaml. OUT: ``uCode, uName, [Time], Nominal, Mean, Median, Q5, Q95``; with ``sobol: true``
    or ``sobol_out``, S: ``Variable, [Time], S1, S1_conf, ST, ST_conf`` (UTF-8 with BOM, like OUT of run).
    """
    ua_spec = load_ua(ua)  # checked before any data is read
    doc = load_spec(spec)
    d = read_table(data)
    fw = complete_framework(d, read_table(framework))
    steps = doc["steps"]
    if spec is None:
        steps = [(name, default_impute(d, fw) if name == "impute" else p) for name, p in steps]
    nominal = build(d, fw, steps, doc.get("level_names"), doc.get("exclude"))
    problem = _problem(nominal, ua_spec, seed)
    do_sobol = problem.spec.sobol is not None or sobol_out is not None
    d_in = len(problem.names)
    sa_n = problem.spec.sobol.n if problem.spec.sobol is not None else problem.spec.n
    share = problem.spec.n / (problem.spec.n + sa_n * (d_in + 2)) if do_sobol else 1.0
    result = evaluate(problem, sample_mc(problem, None, problem.spec.seed), progress=_Ticker(progress, 0.0, share))
    if do_sobol:
        sa = run_sa(problem, progress=_Ticker(progress, share, 1.0))
        result = replace(result, sobol=sa.sobol)
        if sobol_out is not None:
            sa.sobol.to_csv(sobol_out, index=False, encoding="utf-8-sig")
    if out is not None:
        result.stats.to_csv(out, index=False, encoding="utf-8-sig")
    return result
