"""构建步骤 — one pipeline step on data frames: the functional core behind :class:`~kaifang.indexing.coin.Coin`.

Each function takes a data set (units × codes, indexed by uCode), the unit table (uName, groups, Time,
denominators; same index), the :class:`~kaifang.indexing.framework.Framework` and the step's canonical
parameters (:func:`kaifang.indexing.steps.canonical`), and returns the new data set plus an analysis record.
Nothing here keeps state, so a notebook, the coin, a panel or an uncertainty analysis can call the same code.

Order of the OECD/JRC Handbook (2008) steps and COINr 1.1.14 functions: ``Denominate`` → ``Impute`` →
``Screen`` → ``Treat`` → ``Normalise`` → ``Aggregate``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from kaifang.indexing.aggregate import aggregate
from kaifang.indexing.framework import Framework
from kaifang.indexing.impute import impute
from kaifang.indexing.normalise import normalise
from kaifang.indexing.screen import screen
from kaifang.indexing.treat import WIN_HI, WIN_LO, treat

__all__ = [
    "aggregate_frame",
    "denominate_frame",
    "impute_frame",
    "normalise_frame",
    "run_step",
    "screen_frame",
    "treat_frame",
]

Analysis = dict[str, Any]


def denominate_frame(
    x: pd.DataFrame,
    units: pd.DataFrame,
    framework: Framework,
    denomby: Mapping[str, str] | None = None,
    scale_factor: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Divide indicators by denominators (COINr ``Denominate``): x / (d / s), e.g. GDP / population.

    ``denomby`` maps iCode → denominator column of the unit table (default: the framework's Denominator
    column); ``scale_factor`` s (default 1) multiplies the result, to avoid tiny numbers.
    """
    by = dict(framework.denominators if denomby is None else denomby)
    missing = sorted({d for d in by.values() if d not in units.columns})
    if missing:
        raise ValueError(f"分母列不存在 (denominator columns not found): {', '.join(missing)}")
    unknown = [c for c in by if c not in x.columns]
    if unknown:
        raise ValueError(f"要除以分母的指标不在数据集中 (indicators not in the data set): {', '.join(unknown)}")
    a = x.to_numpy(dtype=float, copy=True)
    if by:
        pos = x.columns.get_indexer(list(by))
        den = units.reindex(x.index)[list(by.values())].to_numpy(dtype=float)
        scale = np.array([float((scale_factor or {}).get(c, 1.0)) for c in by])
        with np.errstate(invalid="ignore", divide="ignore"):
            a[:, pos] = a[:, pos] / (den / scale)
    return pd.DataFrame(a, index=x.index, columns=x.columns)


def impute_frame(x: pd.DataFrame, units: pd.DataFrame, f_i: str, use_group: str | None = None) -> pd.DataFrame:
    """Impute every column with a cross-sectional method (COINr ``Impute``, ``impute_by = "column"``)."""
    if f_i == "impute_panel":
        raise ValueError("impute_panel 需要面板数据 (impute_panel needs a panel: use new_panel)")
    groups = None
    if use_group is not None:
        if use_group not in units.columns:
            raise ValueError(f"分组列不存在 (group column not found): {use_group}")
        groups = units.loc[x.index, use_group].to_numpy(dtype=object)
    return pd.DataFrame(impute(x.to_numpy(dtype=float), f_i, groups), index=x.index, columns=x.columns)


def screen_frame(x: pd.DataFrame, p: Mapping[str, Any]) -> tuple[pd.DataFrame, Analysis]:
    """Screen units by data availability (COINr ``Screen``); analysis: summary table and removed units."""
    kept, summary = screen(x, p["unit_screen"], p["dat_thresh"], p["nonzero_thresh"], p["force"])
    removed = [str(u) for u in summary.index[~summary["Included"]]]
    return kept, {"summary": summary, "removed": removed}


def _spec_groups(codes: list[str], p: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, tuple[Any, list[str]]]:
    """Columns grouped by their (global or individual) spec, so each group is one vectorised call."""
    indiv = p.get("indiv_specs") or {}
    if not indiv:
        return {"": ({k: p[k] for k in keys}, codes)}
    groups: dict[str, tuple[Any, list[str]]] = {}
    for code in codes:
        spec = indiv.get(code, {k: p[k] for k in keys})
        key = json.dumps(spec, sort_keys=True, default=str)
        groups.setdefault(key, (spec, []))[1].append(code)
    return groups


_TREAT_KEYS = ("f1", "f1_para", "f2", "f2_para", "f_pass", "f_pass_para")


def treat_frame(x: pd.DataFrame, p: Mapping[str, Any]) -> tuple[pd.DataFrame, Analysis]:
    """Treat outliers column by column (COINr ``Treat``); analysis: per-indicator details and treated points.

    ``details`` has one row per indicator: skew/kurtosis before and after each stage, points winsorised
    (``nwin``), the Box-Cox λ and ``Treatment`` (``none``, ``winsorise``, the f2 name, or ``excluded`` for
    ``indiv_specs: {code: none}``). ``points`` marks values ``winhi``/``winlo`` or with the f2 name.
    """
    codes = list(x.columns)
    a = x.to_numpy(dtype=float)
    out = a.copy()
    points = np.full(a.shape, "", dtype=object)
    frames = []
    for spec, cols in _spec_groups(codes, p, _TREAT_KEYS).values():
        if spec == "none":
            frames.append(pd.DataFrame({"Treatment": "excluded"}, index=cols))
            continue
        pos = x.columns.get_indexer(cols)
        y, det, pts = treat(
            a[:, pos],
            spec["f1"],
            spec["f1_para"],
            spec["f2"],
            spec["f2_para"],
            spec["f_pass"],
            spec["f_pass_para"],
            p["combine_treat"],
        )
        out[:, pos] = y
        f2_name = spec["f2"] or ""
        points[:, pos] = np.where(
            pts == WIN_HI, "winhi", np.where(pts == WIN_LO, "winlo", np.where(pts != 0, f2_name, ""))
        )
        d = pd.DataFrame(det, index=cols)
        d["Treatment"] = np.where(d["f2"], f2_name, np.where(d["f1"] & (d["nwin"] > 0), spec["f1"] or "", "none"))
        frames.append(d)
    details = pd.concat(frames).reindex(codes)
    details.index.name = "iCode"
    treated = pd.DataFrame(out, index=x.index, columns=x.columns)
    marks = pd.DataFrame(points, index=x.index, columns=x.columns, dtype=object)
    return treated, {"details": details, "points": marks}


def _per_column(value: Any, codes: list[str], name: str, fallback: pd.Series | None) -> np.ndarray:
    if value is None:
        if fallback is None or fallback.loc[codes].isna().any():
            raise ValueError(f"{name}: 框架表缺少取值 (no value in the framework for some indicators)")
        return fallback.loc[codes].to_numpy(dtype=float)
    if isinstance(value, Mapping):
        missing = [c for c in codes if c not in value]
        if missing:
            raise ValueError(f"{name} 缺少指标 (missing indicators): {', '.join(missing)}")
        return np.array([value[c] for c in codes], dtype=float)
    return np.full(len(codes), float(value)) if np.ndim(value) == 0 else np.asarray(value, dtype=float)


def _framework_column(framework: Framework, name: str) -> pd.Series | None:
    return framework.column(name) if name in framework.table.columns else None


def _norm_params(f_n: str, para: Mapping[str, Any], codes: list[str], x: pd.DataFrame, fw: Framework) -> dict[str, Any]:
    out = dict(para)
    if f_n == "n_dist2targ":
        out["targ"] = _per_column(para["targ"], codes, "targ", _framework_column(fw, "Target"))
    elif f_n == "n_goalposts":
        g = para["gposts"]
        if g is None:
            lo = _per_column(None, codes, "goalpost_lower", _framework_column(fw, "goalpost_lower"))
            up = _per_column(None, codes, "goalpost_upper", _framework_column(fw, "goalpost_upper"))
            sc = _framework_column(fw, "goalpost_scale")
            scale = np.ones(len(codes)) if sc is None else sc.loc[codes].fillna(1.0).to_numpy(dtype=float)
            out["gposts"] = np.column_stack([lo, up, scale])
        elif isinstance(g, Mapping):
            out["gposts"] = np.array([g[c] for c in codes], dtype=float)
    elif f_n == "n_dist2ref":
        ref = para["iref"]
        if isinstance(ref, str):
            if ref not in x.index:
                raise ValueError(f"参照单位不在数据集中 (reference unit not in the data set): {ref}")
            ref = int(x.index.get_loc(ref))
        out["iref"] = ref
    return out


_NORM_KEYS = ("f_n", "f_n_para")


def normalise_frame(x: pd.DataFrame, framework: Framework, p: Mapping[str, Any]) -> pd.DataFrame:
    """Normalise every indicator (COINr ``Normalise``) with the global spec or its ``indiv_specs`` entry.

    Directions come from the framework unless ``directions`` ({iCode: ±1}) overrides some.
    """
    dirs = framework.directions
    if p.get("directions"):
        dirs = dirs.copy()
        dirs.update(pd.Series(p["directions"], dtype=int))
    a = x.to_numpy(dtype=float)
    out = a.copy()
    for spec, cols in _spec_groups(list(x.columns), p, _NORM_KEYS).values():
        if spec == "none":
            continue
        f_n = spec["f_n"]
        para = _norm_params(f_n, spec["f_n_para"], cols, x, framework)
        d = dirs.reindex(cols).fillna(1).to_numpy(dtype=float)
        pos = x.columns.get_indexer(cols)
        out[:, pos] = normalise(a[:, pos], d, f_n, **para)
    return pd.DataFrame(out, index=x.index, columns=x.columns)


def _by_level(value: Any, level: int, name: str) -> Any:
    if isinstance(value, Mapping) and value and all(str(k).isdigit() for k in value):
        if str(level) not in value:
            raise ValueError(f"{name} 未给出第 {level} 层 (no entry for level {level})")
        return value[str(level)]
    return value


def aggregate_frame(
    x: pd.DataFrame,
    framework: Framework,
    p: Mapping[str, Any],
    weight_sets: Mapping[str, pd.Series] | None = None,
) -> pd.DataFrame:
    """Aggregate indicators up to the index (COINr ``Aggregate``), method/parameters/threshold per level.

    ``w``: None for the framework weights, a name in ``weight_sets``, or {iCode: weight} over the framework's.
    """
    missing = [c for c in framework.indicators if c not in x.columns]
    if missing:
        raise ValueError(f"数据集缺少指标 (indicators missing from the data set): {', '.join(missing)}")
    w = p["w"]
    if isinstance(w, str):
        if not weight_sets or w not in weight_sets:
            raise ValueError(f"权重集不存在 (weight set not found): {w}")
        weights: pd.Series | Mapping[str, float] | None = weight_sets[w]
    else:
        weights = w
    levels = range(2, framework.max_level + 1)
    f_ag = {lv: _by_level(p["f_ag"], lv, "f_ag") for lv in levels}
    para = {lv: dict(_by_level(p["f_ag_para"], lv, "f_ag_para") or {}) for lv in levels}
    thresh = {lv: _by_level(p["dat_thresh"], lv, "dat_thresh") for lv in levels}
    return aggregate(x, framework, f_ag, weights, para, thresh)


def run_step(
    step: str,
    p: Mapping[str, Any],
    x: pd.DataFrame,
    units: pd.DataFrame,
    framework: Framework,
    weight_sets: Mapping[str, pd.Series] | None = None,
) -> tuple[pd.DataFrame, Analysis]:
    """Run one canonical step on data set ``x``; returns (new data set, analysis)."""
    if step == "denominate":
        return denominate_frame(x, units, framework, p["denomby"], p["scale_factor"]), {}
    if step == "impute":
        return impute_frame(x, units, p["f_i"], p["use_group"]), {}
    if step == "screen":
        return screen_frame(x, p)
    if step == "treat":
        return treat_frame(x, p)
    if step == "normalise":
        return normalise_frame(x, framework, p), {}
    if step == "aggregate":
        return aggregate_frame(x, framework, p, weight_sets), {}
    raise ValueError(f"unknown step {step!r}")
