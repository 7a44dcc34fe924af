"""不确定性分析规范 — the varied assumptions of an uncertainty/sensitivity analysis (UA.yaml), checked.

The analysis is specified as data, like COINr's ``SA_specs`` for ``get_sensitivity``: each *choice* is one
uncertain modelling assumption, and a replication picks one level of every choice. In YAML::

    N: 1000                        # Monte Carlo replications of the uncertainty analysis
    seed: 1
    choices:
      treat.winmax: [1, 2, 3, 4, 5]             # <step>.<parameter>: alternative values
      normalise:                                # <step>: alternative parameter sets of the step
        - {f_n: n_minmax, l_u: [1, 100]}
        - {f_n: n_zscore, m_sd: [10, 2]}
      weights.noise: 0.25                       # every weight × U(1 − 0.25, 1 + 0.25); or {1: 0.25, 2: 0.1}
      aggregate.f_ag: [a_amean, a_gmean]
      exclude: each                             # drop no indicator or one of them; or a list of iCodes
    sobol: true                                 # or {N: 1024, output: rank_shift | {unit: CHE},
                                                #     num_resamples: 100, conf_level: 0.95}

Step names, methods and parameters are the engine's (:mod:`kaifang.indexing.steps`); each level is a change
to the nominal step's parameters, applied like ``Coin.regen`` (a new method without parameters gets that
method's defaults). ``weights`` also takes ``sets`` (the pool of noisy weight sets indexed by the Sobol input,
default 1000). Every problem is reported at once with its YAML line, Chinese first, e.g.
``第 4 行 choices.treat.winmax: 须为备选值的列表 (line 4 choices.treat.winmax: expected a list of alternatives)``.

Sources: COINr 1.1.14 ``get_sensitivity`` (``SA_specs``: Address, Distribution, Type) and
``get_noisy_weights``; Saisana, Saltelli & Tarantola (2005), *JRSS A* 168(2), §3.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kaifang.indexing.aggregate import AGGREGATE_METHODS
from kaifang.indexing.impute import IMPUTE_METHODS
from kaifang.indexing.normalise import NORMALISE_METHODS
from kaifang.indexing.spec import split_message
from kaifang.indexing.steps import STEPS, StepError, canonical, known_parameters
from kaifang.indexing.treat import PASS_METHODS, TREAT_METHODS

__all__ = [
    "OUTPUTS",
    "Choice",
    "Exclusion",
    "SobolSpec",
    "StepChoice",
    "UASpec",
    "UASpecError",
    "WeightNoise",
    "check_levels",
    "load_ua",
]

#: Sobol outputs: COINr's default, the mean absolute rank shift from the nominal ranks; or one unit's score
OUTPUTS = ("rank_shift", "unit_score")
_TOP = ("N", "seed", "choices", "sobol")
_SOBOL = ("N", "output", "num_resamples", "conf_level")


class UASpecError(ValueError):
    """An invalid UA spec; each message says where (key, YAML line) — 不确定性分析规范有误."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class StepChoice:
    """Alternative parameters of one pipeline step: ``levels[k]`` is a change to the nominal parameters."""

    name: str
    step: str
    levels: tuple[dict[str, Any], ...]
    line: int | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        """Short text of each level (the value for ``step.param`` choices, else compact JSON)."""
        if "." in self.name and all(len(lv) == 1 for lv in self.levels):
            return tuple(_text(next(iter(lv.values()))) for lv in self.levels)
        return tuple(_text(lv) for lv in self.levels)


@dataclass(frozen=True)
class WeightNoise:
    """Multiplicative uniform weight noise: w' = w·(1 + x·(2u − 1)), u ~ U(0, 1), per level (COINr noise_specs).

    ``noise`` maps a framework level (1 = indicator weights, 2 = their parents' …) to x; an empty mapping
    means every level below the index with ``default``. ``sets`` noisy weight sets form the pool a Sobol input
    indexes (COINr ``get_noisy_weights(Nrep)``).
    """

    noise: dict[int, float] = field(default_factory=dict)
    default: float | None = None
    sets: int = 1000
    line: int | None = None
    name: str = "weights"


@dataclass(frozen=True)
class Exclusion:
    """Drop no indicator or exactly one (equal probability): ``codes`` None = every droppable indicator."""

    codes: tuple[str, ...] | None = None
    line: int | None = None
    name: str = "exclude"


Choice = StepChoice | WeightNoise | Exclusion


@dataclass(frozen=True)
class SobolSpec:
    """Variance-based sensitivity analysis: N base samples (N(d + 2) runs), output, bootstrap settings."""

    n: int
    output: str = "rank_shift"
    unit: str | None = None
    num_resamples: int = 100
    conf_level: float = 0.95


@dataclass(frozen=True)
class UASpec:
    """A checked UA spec: replications ``n``, ``seed``, the ``choices`` and optional ``sobol`` settings."""

    n: int = 1000
    seed: int | None = None
    choices: tuple[Choice, ...] = ()
    sobol: SobolSpec | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The choice names, in order (the Sobol input variables)."""
        return tuple(c.name for c in self.choices)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _layout(text: str) -> tuple[dict[str, int], list[tuple[str, int]]]:
    """The YAML line of each top-level key and of each key one level down ('choices.treat.winmax'), and the
    keys given twice in one mapping (PyYAML silently keeps the last)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}, []
    lines: dict[str, int] = {}
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            lines.setdefault(str(key.value), key.start_mark.line + 1)
            for k, _ in value.value if isinstance(value, yaml.MappingNode) else []:
                lines.setdefault(f"{key.value}.{k.value}", k.start_mark.line + 1)
    twice: list[tuple[str, int]] = []
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for k, v in node.value:
                if k.value in seen:
                    twice.append((str(k.value), k.start_mark.line + 1))
                seen.add(k.value)
                stack.append(v)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return lines, twice


class _Problems:
    def __init__(self, lines: dict[str, int]) -> None:
        self.lines = lines
        self.items: list[str] = []

    def add(self, key: str, zh: str, en: str) -> None:
        line = self.lines.get(key)
        where_zh = f"第 {line} 行 {key}" if line else key
        where_en = f"line {line} {key}" if line else key
        self.items.append(f"{where_zh}: {zh} ({where_en}: {en})")


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def load_ua(source: str | Path | Mapping[str, Any]) -> UASpec:
    """Read and check a UA spec (a YAML path or text, or a mapping); raises :class:`UASpecError` listing all problems.

    Checked here, before any data is read: the keys, N ≥ 2, the seed and each choice's form. The levels'
    methods and parameters (:func:`check_levels`), the steps, indicator codes and weight levels are checked
    against the nominal build by :func:`kaifang.indexing.ua_design.ua_problem`, with the same located messages.
    """
    lines: dict[str, int] = {}
    if isinstance(source, Mapping):
        doc: Any = dict(source)
    else:
        text = Path(source).read_text(encoding="utf-8-sig") if _is_path(source) else str(source)
        try:
            doc = yaml.safe_load(text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            where = f"第 {mark.line + 1} 行 " if mark else ""
            where_en = f" at line {mark.line + 1}" if mark else ""
            raise UASpecError([f"{where}YAML 语法错误: {exc.problem} (YAML syntax error{where_en})"]) from None
        lines, dup = _layout(text)
        if dup:
            raise UASpecError([f"第 {n} 行 键 {k!r} 重复 (line {n}: key {k!r} given twice)" for k, n in dup])
    if not isinstance(doc, Mapping):
        raise UASpecError(["规范须为映射, 含 choices (the UA spec must be a mapping with 'choices')"])
    p = _Problems(lines)
    for key in doc:
        if key not in _TOP:
            p.add(str(key), f"未知的键; 可选: {', '.join(_TOP)}", f"unknown key; known: {', '.join(_TOP)}")
    n = doc.get("N", 1000)
    if not _is_int(n) or n < 2:
        p.add("N", "须为 ≥ 2 的整数", "expected an integer ≥ 2")
        n = 2
    seed = doc.get("seed")
    if seed is not None and (not _is_int(seed) or seed < 0):
        p.add("seed", "须为非负整数或省略", "expected a non-negative integer or nothing")
        seed = None
    choices = _choices(doc.get("choices"), p)
    sobol = _sobol(doc.get("sobol", False), int(n), p)
    if p.items:
        raise UASpecError(p.items)
    return UASpec(int(n), seed, tuple(choices), sobol)


def _is_path(source: str | Path) -> bool:
    return isinstance(source, Path) or ("\n" not in source and source.endswith((".yaml", ".yml")))


def _choices(raw: Any, p: _Problems) -> list[Choice]:
    if not isinstance(raw, Mapping) or not raw:
        p.add("choices", "须为非空映射 {假设: 备选}", "expected a non-empty mapping {assumption: alternatives}")
        return []
    out: list[Choice] = []
    weights: dict[str, Any] = {}
    weights_line: int | None = None
    weights_seen = False
    for key, value in raw.items():
        name = str(key)
        where = f"choices.{name}"
        head, _, param = name.partition(".")
        if head == "exclude" and not param:
            out.append(_exclusion(value, where, p))
        elif head == "weights":
            if not weights_seen:
                weights_seen, weights_line = True, p.lines.get(where)
                out.append(WeightNoise())  # placeholder keeps the YAML order
            if param:
                weights[param] = (value, where)
            elif isinstance(value, Mapping):
                weights.update({str(k): (v, where) for k, v in value.items()})
            else:
                p.add(where, "须为 {noise: x, sets: n}", "expected {noise: x, sets: n}")
        elif head in STEPS:
            choice = _step_choice(name, head, param, value, where, p)
            if choice is not None:
                out.append(choice)
        else:
            known = ", ".join([*(f"{s}[.参数]" for s in STEPS), "weights.noise", "exclude"])
            p.add(where, f"未知的假设; 可选: {known}", f"unknown choice; known: {known.replace('参数', 'param')}")
    if weights_seen:
        noise = _weight_noise(weights, weights_line, p)
        out = [noise if isinstance(c, WeightNoise) else c for c in out]
    return out


def _step_choice(name: str, step: str, param: str, value: Any, where: str, p: _Problems) -> StepChoice | None:
    if not isinstance(value, list) or not value:
        p.add(where, "须为备选值的非空列表", "expected a non-empty list of alternatives")
        return None
    if param:
        levels = [{param: v} for v in value]
    elif all(isinstance(v, Mapping) for v in value):
        levels = [dict(v) for v in value]
    else:
        p.add(where, "须为参数映射的列表, 如 [{f_n: n_minmax}, …]", "expected a list of parameter mappings")
        return None
    for i, level in enumerate(levels, start=1):
        for msg in _names(step, level):
            p.add(where, f"第 {i} 个备选: {split_message(msg)[0]}", f"alternative {i}: {split_message(msg)[1]}")
    seen = [json.dumps(lv, sort_keys=True, default=str) for lv in levels]
    if len(set(seen)) != len(seen):
        p.add(where, "备选重复", "alternatives repeated")
    return StepChoice(name, step, tuple(levels), p.lines.get(where))


_METHODS: dict[str, Mapping[str, Any]] = {
    "f_i": IMPUTE_METHODS,
    "f1": {**TREAT_METHODS, "none": None},
    "f2": {**TREAT_METHODS, "none": None},
    "f_pass": PASS_METHODS,
    "f_n": NORMALISE_METHODS,
}


def _names(step: str, level: Mapping[str, Any]) -> list[str]:
    """Unknown parameter and method names (they do not depend on the nominal parameters: checked early)."""
    known = set(known_parameters(step)) | {"group", "Force", "global_", "weights"}
    out = []
    for key, value in level.items():
        if key not in known:
            out.append(f"未知参数 {key!r} (unknown parameter {key!r})")
        elif key in _METHODS and value is not None and value not in _METHODS[key]:
            out.append(f"未知方法 {value!r} (unknown method {value!r})")
        elif key == "f_ag":
            methods = value.values() if isinstance(value, Mapping) else value if isinstance(value, list) else [value]
            out += [f"未知方法 {m!r} (unknown method {m!r})" for m in methods if m not in AGGREGATE_METHODS]
    return out


def _exclusion(value: Any, where: str, p: _Problems) -> Exclusion:
    if value == "each":
        return Exclusion(None, p.lines.get(where))
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value) and len(set(value)) == len(value):
        return Exclusion(tuple(value), p.lines.get(where))
    p.add(where, "须为 each 或指标代码的列表", "expected 'each' or a list of distinct iCodes")
    return Exclusion(None, p.lines.get(where))


def _weight_noise(items: dict[str, tuple[Any, str]], line: int | None, p: _Problems) -> WeightNoise:
    noise: dict[int, float] = {}
    default: float | None = None
    sets = 1000
    if "noise" not in items:
        p.add("choices.weights", "缺少 noise", "missing noise")
    for key, (value, where) in items.items():
        if key == "noise":
            if _is_num(value) and 0 <= value < 1:
                default = float(value)
            elif isinstance(value, Mapping) and value:
                for lv, x in value.items():
                    if not (str(lv).isdigit() and int(lv) >= 1 and _is_num(x) and 0 <= x < 1):
                        p.add(where, "须为 {层级: 0 ≤ x < 1}", "expected {level: 0 ≤ x < 1}")
                        break
                    noise[int(lv)] = float(x)
            else:
                p.add(where, "须为 0 ≤ x < 1 的数或 {层级: x}", "expected a number 0 ≤ x < 1 or {level: x}")
        elif key == "sets":
            if _is_int(value) and value >= 1:
                sets = int(value)
            else:
                p.add(where, "须为 ≥ 1 的整数", "expected an integer ≥ 1")
        else:
            p.add(
                where, f"未知的权重参数 {key!r}; 可选: noise, sets", f"unknown weights key {key!r}; known: noise, sets"
            )
    return WeightNoise(noise, default, sets, line)


def _sobol(raw: Any, n: int, p: _Problems) -> SobolSpec | None:
    if raw is False or raw is None:
        return None
    if raw is True:
        return SobolSpec(n)
    if not isinstance(raw, Mapping):
        p.add("sobol", "须为 true/false 或设置映射", "expected true/false or a mapping of settings")
        return None
    for key in raw:
        if key not in _SOBOL:
            p.add(
                "sobol",
                f"未知的键 {key!r}; 可选: {', '.join(_SOBOL)}",
                f"unknown key {key!r}; known: {', '.join(_SOBOL)}",
            )
    base = raw.get("N", n)
    if not _is_int(base) or base < 2:
        p.add("sobol", "N 须为 ≥ 2 的整数", "N must be an integer ≥ 2")
        base = n
    output, unit = "rank_shift", None
    out = raw.get("output", "rank_shift")
    if isinstance(out, Mapping) and set(out) == {"unit"} and isinstance(out["unit"], str):
        output, unit = "unit_score", out["unit"]
    elif out != "rank_shift":
        p.add("sobol", "output 须为 rank_shift 或 {unit: 单元代码}", "output must be rank_shift or {unit: uCode}")
    resamples = raw.get("num_resamples", 100)
    if not _is_int(resamples) or resamples < 2:
        p.add("sobol", "num_resamples 须为 ≥ 2 的整数", "num_resamples must be an integer ≥ 2")
        resamples = 100
    conf = raw.get("conf_level", 0.95)
    if not _is_num(conf) or not 0 < conf < 1:
        p.add("sobol", "conf_level 须在 (0, 1) 之间", "conf_level must be in (0, 1)")
        conf = 0.95
    return SobolSpec(int(base), output, unit, int(resamples), float(conf))


def check_levels(choice: StepChoice, bases: list[dict[str, Any]]) -> list[str]:
    """Every level of a step choice applied to the logged parameters of its step (``canonical`` with ``base``),
    as located messages: an unknown method or parameter, a bad value, a method without what it needs."""
    key = f"choices.{choice.name}"
    p = _Problems({key: choice.line} if choice.line else {})
    for i, level in enumerate(choice.levels, start=1):
        for base in bases:
            try:
                canonical(choice.step, level, base=base)
            except StepError as err:
                for msg in err.problems:
                    zh, en = split_message(msg)
                    p.add(key, f"第 {i} 个备选: {zh}", f"alternative {i}: {en}")
                break
    return p.items
