"""The demo roadmap, the quarterly report (PDF text with Chinese glyphs, Word), the evidence bundle recomputed by
its own script, and ``kaifang roadmap …`` on the command line."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kaifang.audit.models import AuditEntry
from kaifang.roadmap.demo_load import load_demo
from kaifang.roadmap.models import Assessment, ExploratoryMeasure, Kpi, KpiTarget, Policy
from kaifang.roadmap.report import render_docx, render_pdf, report_data

pytestmark = pytest.mark.django_db


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def demo(platform):  # type: ignore[no-untyped-def]
    counts = load_demo(platform.workspace, platform.users["analyst"])
    return platform, counts


def test_demo_is_the_reports_seven_recommendations_and_idempotent(demo):  # type: ignore[no-untyped-def]
    platform, counts = demo
    ws = platform.workspace
    assert counts["政策"] == 7 and Policy.objects.filter(workspace=ws, is_sample=True).count() == 7
    assert all("（示例）" in p.title for p in Policy.objects.filter(workspace=ws))
    targets = {k.name: k.targets.get(is_original=True).value for k in Kpi.objects.filter(workspace=ws)}
    assert targets["RCEP地理标志产品关税减让利用率"] == 60.0
    assert targets["联合品牌推广资金占旅游专项资金比重"] == 30.0
    assert targets["区域发展基金认缴规模"] == 100.0
    assert targets["社会物流总费用占GDP比重"] == 14.0
    assert Kpi.objects.get(workspace=ws, name__contains="3万元").targets.get(is_original=True).value == 20.0
    assert KpiTarget.objects.filter(workspace=ws, is_original=False, state="approved").count() == 1
    assert KpiTarget.objects.filter(workspace=ws, state="pending").count() == 1
    assert Assessment.objects.filter(workspace=ws).count() == 2
    assert ExploratoryMeasure.objects.filter(workspace=ws).count() == 3
    entries = AuditEntry.objects.count()
    assert load_demo(ws, platform.users["analyst"]) == counts  # a second run writes nothing
    assert AuditEntry.objects.count() == entries


def test_quarterly_report_pdf_and_word(demo):  # type: ignore[no-untyped-def]
    from docx import Document
    from pypdf import PdfReader

    platform, _ = demo
    data = report_data(platform.workspace, "2026Q3")
    reader = PdfReader(io.BytesIO(render_pdf(data)))
    text = "\n".join(p.extract_text() for p in reader.pages)
    fonts = {str(f.get_object()["/BaseFont"]) for p in reader.pages for f in p["/Resources"].get("/Font", {}).values()}
    # the Chinese text is set in WenQuanYi Micro Hei (embedded), not in a fallback font showing boxes
    assert fonts and all("WenQuanYi" in f for f in fonts), fonts
    body = flat(text)
    assert "巴中市政策实施路线图2026Q3季度评估报告" in body
    kpis = [k for p in data["policies"] for t in p["tasks"] for k in t["kpis"]]
    assert len(kpis) == 14
    for k in kpis:
        assert flat(k["name"]) in body, k["name"]
    # the lagging list: each row reads name, light, gap in points (one decimal)
    for k in data["lagging"]:
        assert f"{flat(k['name'])}{k['light_zh']}{k['gap_pts']:.1f}" in body, k["name"]
    rcep = next(k for k in kpis if k["name"].startswith("RCEP"))
    # 2026Q3: 683.1 / 1350 · 100 = 50.6 % (示例数据), against 38 + 22 · 21/36 = 50.83 expected → gap 1.1 → green
    assert (round(rcep["latest_value"], 6), rcep["light"]) == (50.6, "green")
    assert "50.60(2026-09)" in body and "50.83" in body
    assert "与上季度相比的变化" in body and "滞后指标清单" in body

    doc = Document(io.BytesIO(render_docx(data)))
    words = flat(
        "\n".join(p.text for p in doc.paragraphs) + "".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    )
    assert all(flat(k["name"]) in words for k in kpis)
    assert "●红" in words and "●绿" in words and len(doc.inline_shapes) == 2  # two charts as pictures


def test_evidence_bundle_recomputes_exactly(demo, tmp_path, client):  # type: ignore[no-untyped-def]
    platform, _ = demo
    client.force_login(platform.users["evaluator"])
    got = client.get("/w/bazhong/roadmap/annual/bundle.zip?year=2026")
    assert got.status_code == 200
    with zipfile.ZipFile(io.BytesIO(got.content)) as z:
        names = set(z.namelist())
        z.extractall(tmp_path)
    assert {
        "README.md",
        "params.json",
        "kpis.csv",
        "targets.csv",
        "kpi_values.csv",
        "observations.csv",
        "reports.csv",
        "evidence.csv",
        "scores.csv",
        "recompute.py",
    } <= names
    assert any(n.startswith("evidence/") for n in names)
    run = subprocess.run([sys.executable, "recompute.py"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "全部一致：14 个指标" in run.stdout
    # a changed input is caught: one reported value of one KPI
    values = (tmp_path / "kpi_values.csv").read_text(encoding="utf-8-sig").splitlines()
    i = next(i for i, line in enumerate(values) if ",2026-10,38.0," in line)
    values[i] = values[i].replace(",2026-10,38.0,", ",2026-10,50.0,")
    (tmp_path / "kpi_values.csv").write_text("\n".join(values), encoding="utf-8")
    run = subprocess.run([sys.executable, "recompute.py"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert run.returncode == 1 and "不一致" in run.stdout and "finance achievement" in run.stdout


def test_command_assess_writes_out_csv(tmp_path):  # type: ignore[no-untyped-def]
    kpis = tmp_path / "KPIS.csv"
    kpis.write_text(
        "kpi,direction,baseline_period,baseline,target_period,target,period,value\n"
        "A,1,2024-12,0,2025-12,12,2025-05,4\n"
        "A,1,2024-12,0,2025-12,12,2025-06,4.2\n",
        encoding="utf-8",
    )
    out = tmp_path / "OUT.csv"
    call_command("roadmap", "assess", "--kpis", str(kpis), "--as-of", "2025-06", "--out", str(out))
    import pandas as pd

    row = pd.read_csv(out).iloc[0]
    # expected 6 (f 0.5), latest 4.2 (f 0.35) → 15 points → yellow; required 12/yr, actual 4.2/(6/12) = 8.4/yr
    assert (row["expected"], row["progress_gap_pts"], row["light"]) == (6.0, 15.0, "yellow")
    assert (row["required_rate"], row["actual_rate"], row["trend"]) == (12.0, 8.4, "moderately_improving")
    kpis.write_text(
        "kpi,direction,baseline_period,baseline,target_period,target,period,value\nA,2,2024-12,0,2025-12,1,2025-01,1\n"
    )
    with pytest.raises(CommandError, match="第2行「direction」列"):
        call_command("roadmap", "assess", "--kpis", str(kpis), "--as-of", "2025-06", "--out", str(out))


def test_commands_report_scores_bundle(demo, tmp_path):  # type: ignore[no-untyped-def]
    for args, name in [
        (["report", "--quarter", "2026Q3", "--format", "docx"], "r.docx"),
        (["scores", "--year", "2025"], "s.xlsx"),
        (["bundle", "--year", "2025"], "b.zip"),
    ]:
        call_command("roadmap", *args, "--workspace", "bazhong", "--out", str(tmp_path / name))
        assert (tmp_path / name).stat().st_size > 1000
    with pytest.raises(CommandError, match="季度格式"):
        call_command("roadmap", "report", "--workspace", "bazhong", "--quarter", "2026-9", "--out", str(tmp_path / "x"))
    assert Path(tmp_path / "b.zip").exists()


def test_report_job_finalises_and_keeps_the_files(demo, client):  # type: ignore[no-untyped-def]
    from kaifang.jobs.runner import claim, run

    platform, _ = demo
    client.force_login(platform.users["leader"])
    assert client.post("/w/bazhong/roadmap/quarterly/generate/", {"quarter": "2026Q1"}).status_code == 403
    client.force_login(platform.users["analyst"])
    resp = client.post("/w/bazhong/roadmap/quarterly/generate/", {"quarter": "2026Q1"})
    assert resp.status_code == 302
    job = run(claim())
    assert job.state == "done", job.error
    assert Assessment.objects.filter(workspace=platform.workspace, label="2026Q1").count() == 1
    assert job.result["stored"] is True and set(job.result["files"]) == {"pdf", "docx"}
    got = client.get(job.result["url"])
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf" and got.content.startswith(b"%PDF")
    assert client.get(f"/w/bazhong/roadmap/jobs/{job.pk}/report.docx").status_code == 200
    client.force_login(platform.users["dazhou"])
    assert client.get(job.result["url"]).status_code == 404
