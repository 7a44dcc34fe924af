"""The ``kaifang`` console command, run as a user would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kaifang.catalog.load import SHIPPED_CATALOG

ROOT = Path(__file__).resolve().parents[1]


def kaifang(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kaifang", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "kaifang.settings", **env},
        timeout=120,
    )


def test_catalog_check_passes_on_the_shipped_catalog():
    done = kaifang("catalog", "check", str(SHIPPED_CATALOG))
    assert done.returncode == 0, done.stderr
    assert "目录校验通过" in done.stdout


def test_catalog_check_fails_with_row_precise_messages(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        """version: "t1"
departments:
  - {code: stats, name_zh: 市统计局, name_en: Statistics}
indicators:
  - code: GDP
    name_zh: 地区生产总值
    name_en: GDP
    unit: 亿元
    frequency: 年
    dimension: 基础指标
    direction: 正向
    department: stats
    source: 年鉴
  - code: GDP
    name_zh: 重复
    name_en: dup
    unit: 斤两
    frequency: 年
    dimension: 基础指标
    direction: 向上
    department: stats
    source: 年鉴
  - code: DEP
    name_zh: 依存度
    name_en: dependence
    unit: "%"
    frequency: 年
    dimension: 制度型开放
    direction: 正向
    department: stats
    source: 计算
    formula: TRADE / GDP * 100
""",
        encoding="utf-8",
    )
    done = kaifang("catalog", "check", str(bad))
    assert done.returncode != 0
    err = done.stderr
    assert "第14行 [GDP]" in err and "第5行" in err  # the duplicate names both rows
    assert "第14行 [GDP] unit" in err and "斤两" in err
    assert "第14行 [GDP] direction" in err
    assert "第23行 [DEP] formula" in err and "TRADE" in err


def test_catalog_export_prints_json():
    done = kaifang("catalog", "export", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    gdp = next(i for i in data["indicators"] if i["code"] == "GDP")
    assert {k: gdp[k] for k in ("name_zh", "unit", "frequency", "dimension", "direction")} == {
        "name_zh": "地区生产总值",
        "unit": "亿元",
        "frequency": "季",
        "dimension": "基础指标",
        "direction": "正向",
    }
    assert len(data["indicators"]) >= 40


def test_default_secret_key_is_refused_when_debug_is_off():
    done = kaifang("check", KAIFANG_DEBUG="0")
    assert done.returncode != 0
    assert "KAIFANG_SECRET_KEY" in done.stderr
    ok = kaifang("check", KAIFANG_DEBUG="0", KAIFANG_SECRET_KEY="x" * 50)
    assert ok.returncode == 0, ok.stderr
