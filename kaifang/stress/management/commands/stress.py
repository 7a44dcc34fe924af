"""``kaifang stress …`` — stress-test scenarios on files, no database.

``run`` runs a scenario (YAML file or library key) on a table (an NBS CSV, ``demo`` or ``demo-bazhong``, optionally
regionalised) and writes the result (.json, or the sector table as .csv/.xlsx); ``check`` validates a scenario
(exit 2 with located errors); ``library`` lists the scenario library.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from kaifang.stress.scenarios import (
    KIND_NAMES,
    LIBRARY_DIR,
    Scenario,
    ScenarioError,
    check_against,
    library,
    read_scenario,
    run_scenario,
    to_workbook,
)
from kaifang.stress.tables import IOTable

TABLE_HELP = "NBS 投入产出表 CSV，或 demo（合成全国表）、demo-bazhong（合成表区域化到巴中）"
OUT_FORMATS = (".json", ".csv", ".xlsx")


@contextmanager
def located() -> Iterator[None]:
    """Bad input ends with its located message and a non-zero exit code, not a traceback."""
    try:
        yield
    except ScenarioError as exc:
        raise CommandError(f"情景有误 (invalid scenario):\n{exc}", returncode=2) from None
    except FileNotFoundError as exc:
        raise CommandError(f"找不到文件 (file not found): {exc.filename}") from None
    except (ValueError, KeyError) as exc:  # BalanceError is a ValueError
        raise CommandError(str(exc)) from None


def _scenario(name: str) -> Scenario:
    path = Path(name)
    if path.exists() or path.suffix in (".yaml", ".yml"):
        return read_scenario(path)
    lib = library()
    if name in lib:
        return lib[name]
    raise CommandError(
        f"找不到情景文件或库中情景 {name} (no such file or library scenario; library: {', '.join(lib)})", returncode=2
    )


def _codes_csv(path: str, what: str) -> pd.Series:
    """A two-column CSV (sector code, value) as a Series by code."""
    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    if frame.shape[1] < 2:
        raise ValueError(f"{path}: {what}应有两列：部门代码, 数值 (expected two columns: sector code, value)")
    codes = frame.iloc[:, 0].str.strip()
    values = pd.to_numeric(frame.iloc[:, 1], errors="coerce")
    bad = [f"第 {i + 2} 行" for i in np.flatnonzero(values.isna().to_numpy())]
    if bad:
        raise ValueError(f"{path}: {'、'.join(bad[:5])} 的数值无效 (not a number)")
    return pd.Series(values.to_numpy(dtype=float), index=codes, name=what)


def _table(opts: dict[str, Any]) -> IOTable:
    from kaifang.stress.demo_table import bazhong_output, demo_bazhong_table, demo_national_table
    from kaifang.stress.nbs import read_nbs
    from kaifang.stress.regionalise import regional_table

    name = opts["table"]
    if name == "demo-bazhong":
        return demo_bazhong_table(method=opts["regionalise"] or "flq", delta=opts["delta"])[0]
    table = demo_national_table() if name == "demo" else read_nbs(name)
    if not opts["regionalise"]:
        return table
    if opts["region_output"]:
        given = _codes_csv(opts["region_output"], "地区产出")
        missing = [c for c in table.codes if c not in given.index]
        if missing:
            raise ValueError(f"{opts['region_output']}: 缺少部门 {'、'.join(missing[:10])} (missing sectors)")
        x_r = given.reindex(list(table.codes)).to_numpy()
    else:
        x_r = bazhong_output(table)
    return regional_table(table, x_r, opts["regionalise"], opts["delta"])[0]


class Command(BaseCommand):
    help = "风险压力测试情景: run 运行情景, check 校验情景文件, library 情景库"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="在投入产出表上运行一个情景（静态模型与 ARIO）")
        run.add_argument("--table", required=True, help=TABLE_HELP)
        run.add_argument("--scenario", required=True, help="情景 YAML 文件，或情景库中的 key（如 tariff_us）")
        run.add_argument("--out", required=True, help="结果文件：.json（完整结果）、.csv 或 .xlsx（分部门结果）")
        run.add_argument("--regionalise", choices=["slq", "cilq", "flq", "aflq"], help="用区位熵法区域化")
        run.add_argument(
            "--region-output", help="FILE.csv：部门代码, 地区产出（万元）；缺省按巴中 2020 年三次产业增加值"
        )
        run.add_argument("--delta", type=float, default=0.3, help="FLQ/AFLQ 的 δ（默认 0.3）")
        run.add_argument("--jobs", help="FILE.csv：部门代码, 就业人数（人），用于就业损失")
        check = sub.add_parser("check", help="校验情景文件，错误注明行号（有错时退出码 2）")
        check.add_argument("--scenario", required=True)
        check.add_argument("--table", help="同时核对部门代码：" + TABLE_HELP)
        sub.add_parser("library", help="列出情景库")

    def handle(self, *args: Any, **opts: Any) -> None:
        opts.setdefault("regionalise", None)
        opts.setdefault("region_output", None)
        opts.setdefault("delta", 0.3)
        getattr(self, "_" + opts["action"])(opts)

    def _run(self, opts: dict[str, Any]) -> None:
        out = Path(opts["out"])
        if out.suffix.lower() not in OUT_FORMATS:
            raise CommandError(f"--out 须以 {'、'.join(OUT_FORMATS)} 结尾 (unknown output format {out.suffix!r})")
        with located():
            scenario = _scenario(opts["scenario"])
            table = _table(opts)
            check_against(scenario, table)
            jobs = _codes_csv(opts["jobs"], "就业人数") if opts["jobs"] else None
        with tqdm(total=100, desc=scenario.key, unit="%", disable=None, bar_format="{l_bar}{bar}| {elapsed}") as bar:

            def progress(fraction: float, message: str) -> None:
                bar.update(round(fraction * 100) - bar.n)
                bar.set_postfix_str(message.split(" (")[0], refresh=False)

            result = run_scenario(table, scenario, jobs=jobs, progress=progress)
        _write(result, out)
        self.stdout.write(_summary(result, out))

    def _check(self, opts: dict[str, Any]) -> None:
        with located():
            scenario = _scenario(opts["scenario"])
            if opts["table"]:
                check_against(scenario, _table(opts))
        self.stdout.write(
            f"情景 {scenario.key}（{scenario.name_zh}）有效：{len(scenario.shocks)} 个冲击，"
            f"期限 {scenario.horizon_days} 天 (valid)"
        )

    def _library(self, opts: dict[str, Any]) -> None:
        with located():
            scenarios = library()
        for s in scenarios.values():
            self.stdout.write(f"{s.key:<18} {KIND_NAMES.get(s.kind, s.kind):<6} {s.horizon_days:>5} 天  {s.name_zh}")
            self.stdout.write(f"{'':<18} 出处 {s.source}")
        self.stdout.write(f"共 {len(scenarios)} 个情景（{LIBRARY_DIR}）")


def _write(result: Any, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    suffix = out.suffix.lower()
    if suffix == ".json":
        out.write_text(json.dumps(result.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    elif suffix == ".csv":
        result.sectors.to_csv(out, encoding="utf-8-sig")
    else:
        out.write_bytes(to_workbook(result))


def _summary(result: Any, out: Path) -> str:
    t = result.totals
    unit = t["unit"]
    top = result.sectors.nlargest(3, "ario_production_loss")
    rec = t["recovery_day"]
    lines = [
        f"情景 {result.scenario.key}：{result.scenario.name_zh}（{result.table_meta['source']}，{unit}）",
        f"  ARIO {result.scenario.horizon_days} 天：产出损失 {t['production_loss']:,.0f} {unit}，"
        f"增加值损失 {t['va_loss']:,.0f} {unit}（年增加值的 {t['va_loss_pct']:.3f}%）",
        "  恢复："
        + (
            "期末尚未恢复（或为永久性冲击）"
            if rec is None
            else "总产出始终不低于基线的 99.9%"
            if rec == 0
            else f"第 {rec} 天起总产出回到基线的 99.9% 以上"
        ),
        "  损失最大的部门：" + "、".join(f"{c} {r.name_zh}" for c, r in top.iterrows()),
    ]
    if t.get("jobs_loss") is not None:
        lines.insert(2, f"  就业损失 {t['jobs_loss']:,.0f} 人年")
    if t.get("static_production_change") is not None:
        lines.append(
            f"  静态 Leontief：总产出变化 {t['static_production_change']:,.0f} {unit}/年；"
            f"Ghosh 供给侧 {t['supply_production_change']:,.0f} {unit}/年"
        )
    lines.append(f"已写出 {out}")
    return "\n".join(lines)
