"""构建步骤参数 — the parameters of each pipeline step, checked and written in one canonical form.

A coin's log is a list of ``{"step": name, "params": {...}}``; this module turns what a user writes (a method
call, a YAML spec, a ``regen`` change) into that canonical, JSON-serialisable form, with every default filled
in so the log says exactly how a number was made. Names are COINr 1.1.14's: ``f_i``/``f_i_para``,
``f1``/``f1_para``/``f2``/``f2_para``/``f_pass``/``f_pass_para``, ``f_n``/``f_n_para``, ``f_ag``/``f_ag_para``,
``dat_thresh``, ``unit_screen``, ``use_group``, ``w``. A method's own parameters may also be given flat
(``{f_n: n_minmax, l_u: [0, 100]}``): each flat key goes to every method of the step that takes it.
Aliases: ``group`` → ``use_group``, ``Force`` → ``force``, ``global_`` → ``global``, ``weights`` → ``w``.

Aggregation may differ by level: ``f_ag``, ``f_ag_para`` and ``dat_thresh`` take a mapping level → value
(levels 2 … top) or, for ``f_ag``, a list for levels 2, 3, … (COINr's vector form).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from kaifang.indexing.aggregate import AGGREGATE_METHODS
from kaifang.indexing.impute import IMPUTE_METHODS, PANEL_TYPES
from kaifang.indexing.normalise import NORMALISE_METHODS
from kaifang.indexing.screen import UNIT_SCREENS
from kaifang.indexing.treat import PASS_METHODS, TREAT_METHODS

__all__ = ["OUTPUTS", "STEPS", "StepError", "canonical", "known_parameters"]

STEPS = ("denominate", "impute", "screen", "treat", "normalise", "aggregate")
#: the data set each step writes by default (COINr names)
OUTPUTS = {
    "denominate": "Denominated",
    "impute": "Imputed",
    "screen": "Screened",
    "treat": "Treated",
    "normalise": "Normalised",
    "aggregate": "Aggregated",
}
_ALIASES = {"group": "use_group", "Force": "force", "global_": "global", "weights": "w"}


class StepError(ValueError):
    """Parameters a step cannot take; ``problems`` lists each message (步骤参数有误)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def _msg(zh: str, en: str) -> str:
    return f"{zh} ({en})"


@dataclass(frozen=True)
class _Slot:
    method: str
    para: str
    registry: Mapping[str, Mapping[str, Any]]
    default: str | None
    nullable: bool = False


_TREAT = {name: dflt for name, (_, dflt) in TREAT_METHODS.items()}
_NORM = {name: dflt for name, (_, dflt) in NORMALISE_METHODS.items()}
_SLOTS: dict[str, list[_Slot]] = {
    "denominate": [],
    "impute": [_Slot("f_i", "f_i_para", IMPUTE_METHODS, "i_mean")],
    "screen": [],
    "treat": [
        _Slot("f1", "f1_para", _TREAT, "winsorise", nullable=True),
        _Slot("f2", "f2_para", _TREAT, "log_CT", nullable=True),
        _Slot("f_pass", "f_pass_para", PASS_METHODS, "check_SkewKurt"),
    ],
    "normalise": [_Slot("f_n", "f_n_para", _NORM, "n_minmax")],
    "aggregate": [],
}
_PLAIN: dict[str, dict[str, Any]] = {
    "denominate": {"dset": None, "denomby": None, "scale_factor": None, "write_to": "Denominated"},
    "impute": {"dset": None, "use_group": None, "write_to": "Imputed"},
    "screen": {
        "dset": None,
        "unit_screen": "byNA",
        "dat_thresh": 2 / 3,
        "nonzero_thresh": 0.05,
        "force": None,
        "write_to": "Screened",
    },
    "treat": {"dset": None, "combine_treat": False, "indiv_specs": None, "write_to": "Treated"},
    "normalise": {"dset": None, "indiv_specs": None, "directions": None, "global": False, "write_to": "Normalised"},
    "aggregate": {
        "dset": None,
        "f_ag": "a_amean",
        "f_ag_para": {},
        "w": None,
        "dat_thresh": None,
        "write_to": "Aggregated",
    },
}
#: parameters a method cannot do without (None default = filled from the framework, except these)
_REQUIRED = {("n_dist2ref", "iref"), ("a_genmean", "p")}


def _is_num(v: Any) -> bool:
    return isinstance(v, Real) and not isinstance(v, bool)


def _pair(v: Any) -> bool:
    return isinstance(v, list | tuple) and len(v) == 2 and all(_is_num(x) for x in v)


def _str_map(v: Any, value_ok: Callable[[Any], bool]) -> bool:
    return isinstance(v, Mapping) and all(isinstance(k, str) and value_ok(x) for k, x in v.items())


_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "dset": (lambda v: v is None or isinstance(v, str), "a data set name"),
    "write_to": (lambda v: isinstance(v, str) and v != "", "a data set name"),
    "use_group": (lambda v: v is None or isinstance(v, str), "a group column name"),
    "denomby": (lambda v: v is None or _str_map(v, lambda x: isinstance(x, str)), "{iCode: denominator}"),
    "scale_factor": (lambda v: v is None or _str_map(v, _is_num), "{iCode: number}"),
    "dat_thresh": (lambda v: v is None or (_is_num(v) and 0 <= v <= 1), "a number in [0, 1]"),
    "nonzero_thresh": (lambda v: _is_num(v) and 0 <= v <= 1, "a number in [0, 1]"),
    "force": (lambda v: v is None or _str_map(v, lambda x: isinstance(x, bool)), "{uCode: true/false}"),
    "combine_treat": (lambda v: isinstance(v, bool), "true or false"),
    "global": (lambda v: isinstance(v, bool), "true or false"),
    "directions": (lambda v: v is None or _str_map(v, lambda x: x in (1, -1)), "{iCode: 1 or -1}"),
    "w": (lambda v: v is None or isinstance(v, str) or _str_map(v, _is_num), "a weight set name or {iCode: number}"),
    "winmax": (lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool) and v >= 0), "an integer ≥ 0"),
    "skew_thresh": (_is_num, "a number"),
    "kurt_thresh": (_is_num, "a number"),
    "force_win": (lambda v: isinstance(v, bool), "true or false"),
    "lambda": (lambda v: v is None or _is_num(v), "a number (or null for maximum likelihood)"),
    "makepos": (lambda v: isinstance(v, bool), "true or false"),
    "l_u": (_pair, "[lower, upper]"),
    "m_sd": (lambda v: _pair(v) and v[1] > 0, "[mean, sd] with sd > 0"),
    "npara": (_pair, "[lower, upper]"),
    "iref": (lambda v: isinstance(v, str | int) and not isinstance(v, bool), "a uCode"),
    "cap_max": (lambda v: isinstance(v, bool), "true or false"),
    "targ": (lambda v: v is None or _is_num(v) or _str_map(v, _is_num), "a number or {iCode: number}"),
    "gposts": (
        lambda v: (
            v is None
            or (isinstance(v, list | tuple) and len(v) == 3 and all(_is_num(x) for x in v))
            or _str_map(v, lambda g: isinstance(g, list | tuple) and len(g) == 3 and all(_is_num(x) for x in g))
        ),
        "[lower, upper, scale] or {iCode: [lower, upper, scale]}",
    ),
    "trunc2posts": (lambda v: isinstance(v, bool), "true or false"),
    "imp_type": (lambda v: v in PANEL_TYPES, "one of " + ", ".join(PANEL_TYPES)),
    "max_time": (lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool) and v >= 1), "an integer ≥ 1"),
    "p": (lambda v: v is None or _is_num(v), "a number"),
}


def known_parameters(step: str) -> list[str]:
    """Every parameter name a step accepts (plain, method slots, and the methods' own)."""
    names = list(_PLAIN[step])
    for slot in _SLOTS[step]:
        names += [slot.method, slot.para]
        names += sorted({k for d in slot.registry.values() for k in d})
    if step == "aggregate":
        names += sorted({k for d in AGGREGATE_METHODS.values() for k in d})
    return list(dict.fromkeys(names))


def _check_value(key: str, value: Any, problems: list[str]) -> None:
    check = _CHECKS.get(key)
    if check and not check[0](value):
        problems.append(
            _msg(f"参数 {key} 的值 {value!r} 不合法, 应为 {check[1]}", f"{key}={value!r}: expected {check[1]}")
        )


def _unknown(name: str, kind: str, known: Any, problems: list[str]) -> None:
    k = ", ".join(map(str, known))
    problems.append(_msg(f"未知{kind} {name!r}; 可选: {k}", f"unknown {_kind_en(kind)} {name!r}; known: {k}"))


def _kind_en(kind: str) -> str:
    return {"方法": "method", "参数": "parameter", "步骤": "step"}.get(kind, kind)


def _level_key(k: Any) -> str | None:
    return str(k) if (isinstance(k, int) and not isinstance(k, bool)) or (isinstance(k, str) and k.isdigit()) else None


def _per_level(value: Any) -> bool:
    return isinstance(value, Mapping) and value != {} and all(_level_key(k) for k in value)


def canonical(
    step: str, params: Mapping[str, Any] | None = None, base: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The canonical parameters of a step: defaults filled, flat method parameters placed, values checked.

    With ``base`` (a canonical dict from a log) ``params`` are changes on top of it; changing a method
    (``f_n``, ``f1`` …) without giving its parameters resets them to the new method's defaults.
    Raises :class:`StepError` listing every problem.
    """
    if step not in STEPS:
        raise StepError(
            [_msg(f"未知步骤 {step!r}; 可选: {', '.join(STEPS)}", f"unknown step {step!r}; known: {', '.join(STEPS)}")]
        )
    problems: list[str] = []
    given = {_ALIASES.get(k, k): _jsonable(v) for k, v in dict(params or {}).items()}
    out: dict[str, Any] = copy.deepcopy(dict(base)) if base else {}
    slots = _SLOTS[step]
    for key, dflt in _PLAIN[step].items():
        out.setdefault(key, copy.deepcopy(dflt))
    for slot in slots:
        out.setdefault(slot.method, slot.default)
        out.setdefault(slot.para, {})
        if slot.method in given:
            new = given.pop(slot.method)
            new = None if slot.nullable and new in (None, "none") else new
            if new != out[slot.method]:
                out[slot.para] = {}
            out[slot.method] = new
        if out[slot.method] is not None and out[slot.method] not in slot.registry:
            _unknown(str(out[slot.method]), "方法", slot.registry, problems)
            out[slot.method] = None
        if slot.para in given:
            para = given.pop(slot.para)
            if not isinstance(para, Mapping):
                problems.append(_msg(f"{slot.para} 须为映射", f"{slot.para} must be a mapping"))
            else:
                out[slot.para].update(para)
    if step == "aggregate":
        _aggregate_methods(out, given, base is not None, problems)
    for key in list(given):
        if key in _PLAIN[step]:
            out[key] = given.pop(key)
    for key, value in given.items():  # flat method parameters
        targets = [s for s in slots if out[s.method] is not None and key in _slot_params(s, out[s.method])]
        if step == "aggregate" and key in {k for d in AGGREGATE_METHODS.values() for k in d}:
            if _per_level(out["f_ag_para"]):
                problems.append(_msg(f"{key} 与按层级的 f_ag_para 冲突", f"{key} given flat and f_ag_para by level"))
            else:
                out["f_ag_para"][key] = value
            continue
        if not targets:
            _unknown(key, "参数", known_parameters(step), problems)
        for s in targets:
            out[s.para][key] = value
    for slot in slots:
        name = out[slot.method]
        if name is None:
            out[slot.para] = {}
            continue
        defaults = slot.registry[name]
        for key in out[slot.para]:
            if key not in defaults:
                _unknown(key, "参数", sorted(defaults) or ["(无 none)"], problems)
        out[slot.para] = {**copy.deepcopy(dict(defaults)), **out[slot.para]}
        for key, value in out[slot.para].items():
            if (name, key) in _REQUIRED and value is None:
                problems.append(_msg(f"{name} 需要参数 {key}", f"{name} needs {key}"))
            elif key in defaults:
                _check_value(key, value, problems)
    _plain_checks(step, out, problems)
    if problems:
        raise StepError(problems)
    return _jsonable(out)


def _jsonable(value: Any) -> Any:
    """Plain JSON types: numpy scalars → Python numbers, tuples/arrays → lists, Series/mappings → dicts."""
    if isinstance(value, pd.Series):
        value = value.to_dict()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _slot_params(slot: _Slot, method: str) -> Mapping[str, Any]:
    return slot.registry.get(method, {})


def _aggregate_methods(out: dict[str, Any], given: dict[str, Any], update: bool, problems: list[str]) -> None:
    if "f_ag" in given:
        f_ag = given.pop("f_ag")
        if isinstance(f_ag, list | tuple):
            f_ag = {str(i + 2): m for i, m in enumerate(f_ag)}
        if isinstance(f_ag, Mapping):
            if not _per_level(f_ag):
                problems.append(_msg("f_ag 的键须为层级 (2, 3, …)", "f_ag keys must be levels (2, 3, …)"))
            f_ag = {str(k): v for k, v in f_ag.items()}
        if update and f_ag != out["f_ag"] and "f_ag_para" not in given:
            out["f_ag_para"] = {}
        out["f_ag"] = f_ag
    if "f_ag_para" in given:
        para = given.pop("f_ag_para")
        if not isinstance(para, Mapping):
            problems.append(_msg("f_ag_para 须为映射", "f_ag_para must be a mapping"))
        else:
            out["f_ag_para"] = {str(k): dict(v) for k, v in para.items()} if _per_level(para) else dict(para)
    if "dat_thresh" in given and isinstance(given["dat_thresh"], Mapping):
        out["dat_thresh"] = {str(k): v for k, v in given.pop("dat_thresh").items()}
    methods = out["f_ag"].values() if isinstance(out["f_ag"], Mapping) else [out["f_ag"]]
    for m in methods:
        if m not in AGGREGATE_METHODS:
            _unknown(str(m), "方法", AGGREGATE_METHODS, problems)


def _plain_checks(step: str, out: dict[str, Any], problems: list[str]) -> None:
    for key in _PLAIN[step]:
        value = out[key]
        if step == "aggregate" and key == "dat_thresh" and isinstance(value, Mapping):
            for v in value.values():
                _check_value(key, v, problems)
        elif step == "aggregate" and key in ("f_ag", "f_ag_para"):
            continue
        elif step == "screen" and key == "unit_screen":
            match = [u for u in UNIT_SCREENS if isinstance(value, str) and u.lower() == value.lower()]
            if match:
                out[key] = match[0]
            else:
                _unknown(str(value), "方法", UNIT_SCREENS, problems)
        else:
            _check_value(key, value, problems)
    if step == "impute" and out["f_i"] in ("i_mean_grp", "i_median_grp") and not out["use_group"]:
        problems.append(_msg(f"{out['f_i']} 需要 use_group (分组列)", f"{out['f_i']} needs use_group (a group column)"))
    if step == "aggregate":
        para = out["f_ag_para"]
        levels = para.values() if _per_level(para) else [para]
        allowed = {k for d in AGGREGATE_METHODS.values() for k in d}
        for p in levels:
            for key, value in p.items():
                if key not in allowed:
                    _unknown(key, "参数", sorted(allowed), problems)
                else:
                    _check_value(key, value, problems)
        if (
            isinstance(out["f_ag"], str)
            and out["f_ag"] == "a_genmean"
            and not _per_level(para)
            and para.get("p") is None
        ):
            problems.append(_msg("a_genmean 需要参数 p", "a_genmean needs p"))
    if step in ("treat", "normalise") and out["indiv_specs"] is not None:
        _indiv(step, out, problems)


def _indiv(step: str, out: dict[str, Any], problems: list[str]) -> None:
    specs = out["indiv_specs"]
    if not isinstance(specs, Mapping):
        problems.append(_msg("indiv_specs 须为 {iCode: 参数}", "indiv_specs must map iCode to parameters"))
        return
    keep = {s.method for s in _SLOTS[step]} | {s.para for s in _SLOTS[step]}
    fixed: dict[str, Any] = {}
    for code, spec in specs.items():
        if spec == "none":
            fixed[str(code)] = "none"
            continue
        if not isinstance(spec, Mapping):
            problems.append(
                _msg(f"indiv_specs[{code}] 须为映射或 'none'", f"indiv_specs[{code}] must be a mapping or 'none'")
            )
            continue
        base = {k: v for k, v in out.items() if k in keep}
        try:
            full = canonical(step, spec, base=base)
        except StepError as err:
            problems += [f"indiv_specs[{code}]: {p}" for p in err.problems]
            continue
        fixed[str(code)] = {k: full[k] for k in sorted(keep)}
    out["indiv_specs"] = fixed
