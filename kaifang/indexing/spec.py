"""COINr 表格文件与 YAML 构建规范 — building an index from COINr-shaped files and a YAML spec.

Files (UTF-8, a BOM is fine):

* ``DATA.csv`` — one row per unit (and year): ``uCode``, optional ``uName``, group columns, optional ``Time``,
  one column per indicator and denominator (COINr ``iData``);
* ``FRAMEWORK.csv`` — ``iCode, iName, Level, Parent, Direction, Weight, Type, Denominator`` (COINr ``iMeta``;
  Level 1 = indicators). DATA columns it does not list are added: text columns as ``Group``, columns named
  in ``Denominator`` as ``Denominator``; any other numeric column is refused (list it with Type ``Other`` to
  carry it along);
* ``SPEC.yaml`` — the steps with COINr's step, method and parameter names (:mod:`kaifang.indexing.steps`)::

      steps:
        - denominate: {}
        - impute: {f_i: i_mean_grp, group: EurAsia_group}
        - screen: {dat_thresh: 0.9, unit_screen: byNA}
        - treat: {f1: winsorise, winmax: 5, skew_thresh: 2, kurt_thresh: 3.5, f2: log_CT}
        - normalise: {f_n: n_minmax, l_u: [0, 100]}
        - aggregate: {f_ag: a_amean}

  Optional top-level keys: ``level_names`` and ``exclude`` (COINr ``new_coin``). Without a spec,
  :data:`DEFAULT_STEPS` (COINr ``build_example_coin``) apply.

:func:`run_files` writes ``OUT.csv``: one row per unit (and Time), every aggregate at every level and
``Index_rank``. Data with several Time values is built year by year (:mod:`kaifang.indexing.panel`).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from kaifang.indexing.coin import Coin, new_coin
from kaifang.indexing.panel import Panel, new_panel
from kaifang.indexing.steps import STEPS, StepError, canonical

__all__ = [
    "DEFAULT_STEPS",
    "SpecError",
    "build",
    "complete_framework",
    "default_impute",
    "load_spec",
    "read_table",
    "run_files",
    "split_message",
]

#: COINr 1.1.14 ``build_example_coin()``: Denominate → Impute → Screen → Treat → Normalise → Aggregate
DEFAULT_STEPS: list[dict[str, dict[str, Any]]] = [
    {"denominate": {}},
    {"impute": {"f_i": "i_mean_grp", "use_group": "EurAsia_group"}},
    {"screen": {"dat_thresh": 0.9, "unit_screen": "byNA"}},
    {"treat": {"f1": "winsorise", "winmax": 5, "skew_thresh": 2, "kurt_thresh": 3.5, "f2": "log_CT"}},
    {"normalise": {"f_n": "n_minmax", "l_u": [0, 100]}},
    {"aggregate": {"f_ag": "a_amean"}},
]
_TOP_KEYS = ("steps", "level_names", "exclude")


class SpecError(ValueError):
    """An invalid spec; each message says where (step number, YAML line) — 构建规范有误."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def _step_lines(text: str) -> list[int]:
    """The YAML line of each item under ``steps`` (for located messages); [] if the layout is unusual."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "steps" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def load_spec(spec: str | Path | Mapping[str, Any] | None) -> dict[str, Any]:
    """Read and check a spec (a YAML path or text, or a mapping); returns ``{"steps": [(name, params)], …}``.

    Every step's parameters are canonicalised (:func:`kaifang.indexing.steps.canonical`) so an unknown step,
    method or parameter is refused before any data is read, e.g.
    ``第 5 步 (第 9 行) normalise: 未知方法 'n_foo'; 可选: n_minmax, … (step 5 (line 9) normalise: unknown method …)``.
    """
    lines: list[int] = []
    if spec is None:
        doc: Any = {"steps": copy.deepcopy(DEFAULT_STEPS)}
    elif isinstance(spec, Mapping):
        doc = dict(spec)
    else:
        text = Path(spec).read_text(encoding="utf-8-sig") if _is_path(spec) else str(spec)
        try:
            doc = yaml.safe_load(text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            where = f"第 {mark.line + 1} 行 (line {mark.line + 1})" if mark else ""
            raise SpecError([f"YAML 语法错误 {where}: {exc.problem} (YAML syntax error)"]) from None
        lines = _step_lines(text)
    if not isinstance(doc, Mapping):
        raise SpecError(["规范须为映射, 含 steps 列表 (the spec must be a mapping with a 'steps' list)"])
    problems = [
        f"未知的顶层键 {k!r}; 可选: {', '.join(_TOP_KEYS)} (unknown top-level key {k!r}; known: {', '.join(_TOP_KEYS)})"
        for k in doc
        if k not in _TOP_KEYS
    ]
    steps = doc.get("steps")
    if not isinstance(steps, list) or not steps:
        raise SpecError([*problems, "规范须含非空的 steps 列表 (the spec needs a non-empty 'steps' list)"])
    parsed: list[tuple[str, dict[str, Any]]] = []
    for i, item in enumerate(steps, start=1):
        line = f" (第 {lines[i - 1]} 行)" if len(lines) >= i else ""
        line_en = f" (line {lines[i - 1]})" if len(lines) >= i else ""
        where = f"第 {i} 步{line}"
        if isinstance(item, str):
            item = {item: {}}
        if not isinstance(item, Mapping) or len(item) != 1:
            problems.append(
                f"{where}: 每步须为 {{步骤名: {{参数}}}} (step {i}{line_en}: each step is {{name: {{params}}}})"
            )
            continue
        name, params = next(iter(item.items()))
        if name not in STEPS:
            problems.append(
                f"{where}: 未知步骤 {name!r}; 可选: {', '.join(STEPS)} "
                f"(step {i}{line_en}: unknown step {name!r}; known: {', '.join(STEPS)})"
            )
            continue
        if params is not None and not isinstance(params, Mapping):
            problems.append(f"{where} {name}: 参数须为映射 (step {i}{line_en} {name}: parameters must be a mapping)")
            continue
        try:
            canonical(name, params or {})
        except StepError as err:
            for msg in err.problems:
                zh, en = split_message(msg)
                problems.append(f"{where} {name}: {zh} (step {i}{line_en} {name}: {en})")
            continue
        parsed.append((name, dict(params or {})))
    if not any(name == "aggregate" for name, _ in parsed) and not problems:
        problems.append("规范缺少 aggregate 步骤, 无法得到总指数 (the spec has no aggregate step: no index to output)")
    if problems:
        raise SpecError(problems)
    out: dict[str, Any] = {"steps": parsed}
    for key in ("level_names", "exclude"):
        if key in doc:
            out[key] = doc[key]
    return out


def split_message(msg: str) -> tuple[str, str]:
    """'中文 (English)' → ('中文', 'English'): the last balanced parenthesis holds the English."""
    if msg.endswith(")"):
        depth = 0
        for i in range(len(msg) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(msg[i], 0)
            if depth == 0:
                return msg[:i].rstrip(), msg[i + 1 : -1]
    return msg, msg


def _is_path(spec: str | Path) -> bool:
    return isinstance(spec, Path) or ("\n" not in spec and spec.endswith((".yaml", ".yml")))


def read_table(source: str | Path | pd.DataFrame) -> pd.DataFrame:
    """A CSV file (UTF-8 with or without BOM) or a DataFrame as is."""
    if isinstance(source, pd.DataFrame):
        return source.copy()
    return pd.read_csv(source, encoding="utf-8-sig")


def complete_framework(data: pd.DataFrame, framework: pd.DataFrame) -> pd.DataFrame:
    """Add rows for DATA columns the framework does not list: text → Group, named as a Denominator → Denominator.

    Any other unlisted numeric column is an error (an indicator left out by mistake would silently vanish).
    """
    listed = set(framework["iCode"].dropna().astype(str))
    named = set(framework["Denominator"].dropna().astype(str)) if "Denominator" in framework.columns else set()
    rows, unknown = [], []
    for col in data.columns:
        c = str(col)
        if c in listed or c in ("uCode", "uName", "Time"):
            continue
        if c in named:
            rows.append({"iCode": c, "Type": "Denominator"})
        elif not pd.api.types.is_numeric_dtype(data[col]):
            rows.append({"iCode": c, "Type": "Group"})
        else:
            unknown.append(c)
    if unknown:
        raise SpecError(
            [
                f"DATA 的数值列不在 FRAMEWORK 中: {', '.join(unknown)}; 如需保留请以 Type=Other 列出 "
                f"(numeric DATA columns not in FRAMEWORK: {', '.join(unknown)}; list them with Type Other to keep them)"
            ]
        )
    return pd.concat([framework, pd.DataFrame(rows)], ignore_index=True) if rows else framework


def default_impute(data: pd.DataFrame, framework: pd.DataFrame) -> dict[str, Any]:
    """The default impute step: COINr's i_mean_grp by EurAsia_group, else by the first group column, else i_mean."""
    if "EurAsia_group" in data.columns:
        return {"f_i": "i_mean_grp", "use_group": "EurAsia_group"}
    groups = framework.loc[framework["Type"] == "Group", "iCode"].tolist()
    return {"f_i": "i_mean_grp", "use_group": groups[0]} if groups else {"f_i": "i_mean"}


def build(
    data: pd.DataFrame,
    framework: pd.DataFrame,
    steps: Sequence[tuple[str, Mapping[str, Any]]],
    level_names: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
) -> Coin | Panel:
    """A coin (one period) or panel (several Time values) built by ``steps`` [(step, params), …]."""
    panel = "Time" in data.columns and data["Time"].nunique() > 1
    obj: Coin | Panel = (new_panel if panel else new_coin)(data, framework, level_names, exclude)
    for name, params in steps:
        obj = obj.apply(name, params)
    return obj


def run_files(
    data: str | Path | pd.DataFrame,
    framework: str | Path | pd.DataFrame,
    spec: str | Path | Mapping[str, Any] | None = None,
    out: str | Path | None = None,
) -> pd.DataFrame:
    """Build the index from COINr-shaped files and return (and write to ``out``) the results table.

    OUT has one row per unit (and Time): uCode, uName, Time, every aggregate from the index down, Index_rank.
    Written as UTF-8 with BOM so that Excel shows Chinese names.
    """
    spec_doc = load_spec(spec)
    d = read_table(data)
    fw = complete_framework(d, read_table(framework))
    steps = spec_doc["steps"]
    if spec is None:
        steps = [(n, default_impute(d, fw) if n == "impute" else p) for n, p in steps]
    obj = build(d, fw, steps, spec_doc.get("level_names"), spec_doc.get("exclude"))
    table = obj.results()
    if out is not None:
        table.to_csv(out, index=False, encoding="utf-8-sig")
    return table
