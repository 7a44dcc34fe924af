"""``kaifang stress run|check|library``: results written as JSON, CSV and xlsx; bad scenarios exit 2, located."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command

from kaifang.stress.management.commands.stress import Command
from kaifang.stress.scenarios import LIBRARY_DIR, ScenarioResult

SHORT = """\
key: short_tariff
name_zh: 短期关税
kind: tariff
source: "§二 问题四"
horizon_days: 40
shocks:
  - type: export_demand
    sectors: ["06", "08"]
    share_of_exports: 0.17
    cut: 0.5
    export_share: 0.02
    duration: 20
"""


def stress(*args: str) -> str:
    out = StringIO()
    call_command("stress", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def exit_code(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        Command().run_from_argv(["kaifang", "stress", *args])
    return int(exc.value.code or 0), capsys.readouterr().err


def test_run_writes_json_csv_xlsx(tmp_path: Path) -> None:
    scenario = tmp_path / "short.yaml"
    scenario.write_text(SHORT, encoding="utf-8")
    out = stress("run", "--table", "demo", "--scenario", str(scenario), "--out", str(tmp_path / "r.json"))
    assert "情景 short_tariff：短期关税" in out and "产出损失" in out and "已写出" in out
    result = ScenarioResult.from_json(json.loads((tmp_path / "r.json").read_text(encoding="utf-8")))
    assert result.scenario.key == "short_tariff" and len(result.daily) == 40
    assert result.sectors.loc["06", "ario_production_loss"] > 0 and result.table_meta["n"] == 42
    stress("run", "--table", "demo-bazhong", "--scenario", str(scenario), "--out", str(tmp_path / "r.csv"))
    frame = pd.read_csv(tmp_path / "r.csv", dtype={"sector": str}, encoding="utf-8-sig").set_index("sector")
    assert frame.loc["08", "ario_production_loss"] > 0 and frame.loc["08", "name_zh"] == "纺织服装鞋帽皮革羽绒及其制品"
    region = tmp_path / "region.csv"
    pd.DataFrame({"code": result.sectors.index, "output": result.sectors["x0"] / 1000}).to_csv(region, index=False)
    jobs = tmp_path / "jobs.csv"
    pd.DataFrame({"code": result.sectors.index, "jobs": 1000.0}).to_csv(jobs, index=False)
    out = stress(
        "run",
        "--table",
        "demo",
        "--regionalise",
        "flq",
        "--region-output",
        str(region),
        "--jobs",
        str(jobs),
        "--scenario",
        "supplier_loss",
        "--out",
        str(tmp_path / "r.xlsx"),
    )
    assert "就业损失" in out
    book = pd.read_excel(tmp_path / "r.xlsx", sheet_name=None, dtype={"部门代码": str}, engine="openpyxl")
    assert set(book) == {"分部门结果", "逐日路径", "产出路径", "合计", "方法"} and len(book["逐日路径"]) == 365
    assert book["分部门结果"].set_index("部门代码").loc["12", "ARIO 就业损失（人·年）"] > 0


def test_check_and_library(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ok = stress("check", "--scenario", str(LIBRARY_DIR / "1_tariff_us.yaml"), "--table", "demo")
    assert ok.startswith("情景 tariff_us") and "有效" in ok
    listing = stress("library")
    assert "chengyu_siphon" in listing and "共 5 个情景" in listing and "§二 问题四" in listing
    bad = tmp_path / "bad.yaml"
    bad.write_text(SHORT.replace("cut: 0.5", "cut: 1.5"), encoding="utf-8")
    code, err = exit_code(["check", "--scenario", str(bad)], capsys)
    assert code == 2 and "bad.yaml, line 10, shocks[0].cut: 须在 0 到 1 之间，而不是 1.5" in err
    assert "Traceback" not in err
    code, err = exit_code(["run", "--table", "demo", "--scenario", str(bad), "--out", str(tmp_path / "x.json")], capsys)
    assert code == 2 and "line 10" in err and not (tmp_path / "x.json").exists()
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text(SHORT.replace('"08"', '"99"'), encoding="utf-8")
    code, err = exit_code(["check", "--scenario", str(unknown), "--table", "demo"], capsys)
    assert code == 2 and "unknown.yaml, line 8, shocks[0].sectors: 表中没有部门 99" in err
    code, err = exit_code(
        ["run", "--table", str(tmp_path / "none.csv"), "--scenario", "tariff_us", "--out", str(tmp_path / "x.json")],
        capsys,
    )
    assert code == 1 and "找不到文件" in err
    code, err = exit_code(["run", "--table", "demo", "--scenario", "tariff_us", "--out", "x.txt"], capsys)
    assert code == 1 and "--out 须以" in err
