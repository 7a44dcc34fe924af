"""The stress tests on the platform (kaifang.stress models, store, versions, runs, pages, access).

Hand checks: a table read back from the database is bitwise the one saved; the regional table's coefficients never
exceed the national ones and its jobs are compensation ÷ wage; a scenario edit is a new version and the old run keeps
the old text; a run through the job queue stores exactly what ``run_scenario`` computes; the comparison's differences
are b − a of the two stored results.
"""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kaifang.audit.models import AuditEntry
from kaifang.jobs.models import Job
from kaifang.jobs.runner import run as run_job
from kaifang.stress import runs, store, versions
from kaifang.stress.demo_load import load_demo
from kaifang.stress.demo_table import demo_national_table
from kaifang.stress.models import IOTableRecord, Scenario, StressRun, TableKind
from kaifang.stress.scenarios import load_scenario, run_scenario
from tests.conftest import shared_data

CAPACITY = """key: plant_fire
name_zh: 食品厂停产
kind: custom
horizon_days: 120
shocks:
  - type: capacity
    sectors: ["06"]
    loss: 0.3
    start: 5
    duration: 30
"""


@pytest.fixture
def national(platform):  # type: ignore[no-untyped-def]
    return store.save(
        platform.workspace,
        platform.users["analyst"],
        demo_national_table(),
        name="合成全国表",
        kind=TableKind.NATIONAL,
        year=2020,
        is_sample=True,
    )


@pytest.fixture
def regional(platform, national):  # type: ignore[no-untyped-def]
    return store.regionalise_record(
        national,
        platform.users["analyst"],
        region=platform.workspace.home_region,
        three_industries=(161.81, 214.94, 390.24),
        method="flq",
        delta=0.3,
        average_wage_yuan=80_000.0,
    )


def test_a_saved_table_reads_back_bitwise(national) -> None:  # type: ignore[no-untyped-def]
    original = demo_national_table()
    loaded = store.load(IOTableRecord.objects.get(pk=national.pk))
    for name in store.ARRAYS:
        np.testing.assert_array_equal(getattr(loaded.table, name), getattr(original, name))
    assert loaded.table.codes == original.codes and loaded.table.fd_codes == original.fd_codes
    assert loaded.jobs is None
    np.testing.assert_array_equal(loaded.table.L, original.L)
    assert national.n_sectors == 42 and national.meta["totals"]["output"] == pytest.approx(original.x.sum())


def test_regional_table_flq_below_national_and_jobs_from_wages(national, regional) -> None:  # type: ignore[no-untyped-def]
    nat = store.load(national).table
    loaded = store.load(regional)
    reg = loaded.table
    assert (reg.A <= nat.A + 1e-15).all()
    assert (reg.output_multipliers() <= nat.output_multipliers() + 1e-12).all()
    reg.check()
    # value added = the report's 2020 three industries, 766.99 亿元 = 7,669,900 万元
    assert reg.value_added.sum() == pytest.approx(7_669_900.0, rel=1e-12)
    # jobs = 劳动者报酬 (万元) × 10⁴ ÷ 80,000 元, sector by sector
    comp = reg.VA[reg.va_codes.index("VA001")]
    np.testing.assert_allclose(loaded.jobs, comp * 1e4 / 80_000.0)
    assert regional.parent_id == national.pk and regional.method["method"] == "flq"
    assert regional.method["delta"] == 0.3 and regional.method["three_industries_yi"] == [161.81, 214.94, 390.24]


def test_scenario_edits_are_versions_and_runs_keep_their_text(platform, regional) -> None:  # type: ignore[no-untyped-def]
    analyst = platform.users["analyst"]
    v1 = versions.save(platform.workspace, analyst, CAPACITY)
    assert (v1.key, v1.version, v1.kind) == ("plant_fire", 1, "custom")
    assert versions.save(platform.workspace, analyst, CAPACITY + "\n") == v1  # unchanged text: nothing new
    run1 = StressRun.objects.create(workspace=platform.workspace, table=regional, scenario=v1, created_by=analyst)
    runs.compute(run1)
    v2 = versions.save(platform.workspace, analyst, CAPACITY.replace("loss: 0.3", "loss: 0.5"), reason="更严重")
    v1.refresh_from_db()
    assert v2.version == 2 and v1.superseded_at is not None and v2.superseded_at is None
    assert [s.pk for s in versions.current(platform.workspace)] == [v2.pk]
    run1.refresh_from_db()
    assert run1.scenario_id == v1.pk and run1.result["scenario"]["shocks"][0]["loss"] == 0.3
    assert AuditEntry.objects.filter(object_type="stress.Scenario", action="create").count() == 2


def test_a_run_through_the_job_queue_stores_what_the_core_computes(platform, regional) -> None:  # type: ignore[no-untyped-def]
    analyst = platform.users["analyst"]
    scenario = versions.save(platform.workspace, analyst, CAPACITY)
    run = runs.start(platform.workspace, analyst, regional, scenario)
    job = Job.objects.get(pk=run.job_id)
    assert job.kind == "stress.run" and job.state == "queued"
    run_job(job)
    job.refresh_from_db()
    run.refresh_from_db()
    assert job.state == "done" and job.progress == 1.0, job.error
    loaded = store.load(regional)
    direct = run_scenario(loaded.table, load_scenario(CAPACITY), jobs=loaded.jobs)
    assert run.totals["production_loss"] == pytest.approx(direct.totals["production_loss"], rel=1e-12)
    assert run.totals["production_loss"] > 0
    stored = runs.result_of(run)
    np.testing.assert_allclose(stored.sectors["ario_va_loss"], direct.sectors["ario_va_loss"], rtol=1e-12)
    assert run.result["table_record"]["regionalisation"]["method"] == "flq"


def test_pages_json_twins_and_access(platform, regional) -> None:  # type: ignore[no-untyped-def]
    analyst = platform.users["analyst"]
    a = versions.save(platform.workspace, analyst, CAPACITY)
    b = versions.save(platform.workspace, analyst, CAPACITY.replace("plant_fire", "plant_fire_2").replace("0.3", "0.6"))
    runs_ = []
    for s in (a, b):
        r = StressRun.objects.create(workspace=platform.workspace, table=regional, scenario=s, created_by=analyst)
        runs_.append(runs.compute(r))
    base = f"/w/{platform.workspace.code}/stress/"
    client = Client()
    client.force_login(platform.users["leader"])  # a viewer reads everything
    pair = f"a={runs_[0].pk}&b={runs_[1].pk}"
    urls = ["", "home.json", f"tables/{regional.pk}/", f"tables/{regional.pk}.json", f"scenarios/{a.pk}/",
            f"scenarios/{a.pk}.json", f"runs/{runs_[0].pk}/", f"runs/{runs_[0].pk}.json", f"compare/?{pair}",
            f"compare.json?{pair}"]  # fmt: skip
    for url in urls:
        assert client.get(base + url).status_code == 200, url
    page = client.get(base + f"runs/{runs_[0].pk}.json").json()
    assert page["summary"]["production_loss_yi"] == pytest.approx(runs_[0].totals["production_loss"] / 1e4)
    cmp = client.get(base + f"compare.json?a={runs_[0].pk}&b={runs_[1].pk}").json()
    row = next(r for r in cmp["rows"] if r["code"] == "06")
    la = runs.result_of(runs_[0]).sectors.loc["06", "ario_production_loss"] / 1e4
    lb = runs.result_of(runs_[1]).sectors.loc["06", "ario_production_loss"] / 1e4
    assert row["a_loss"] == pytest.approx(la) and row["diff_loss"] == pytest.approx(lb - la)
    assert lb > la > 0  # a 60 % loss costs more than a 30 % one
    # a viewer cannot write
    assert client.post(base + "runs/start/", {"table": regional.pk, "scenario": a.pk}).status_code == 403
    assert client.post(base + "scenarios/edit/", {"text": CAPACITY}).status_code == 403
    # another workspace's member sees nothing
    other = Client()
    other.force_login(platform.users["dazhou"])
    assert other.get(base).status_code == 404
    assert other.get(f"/w/dazhou/stress/runs/{runs_[0].pk}/").status_code == 404


def test_editor_shows_located_errors_and_saves_nothing(platform) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(platform.users["analyst"])
    bad = CAPACITY.replace("loss: 0.3", "loss: 1.5")
    response = client.post(f"/w/{platform.workspace.code}/stress/scenarios/edit/", {"text": bad})
    assert response.status_code == 200
    text = response.content.decode()
    assert "line 8" in text and "shocks[0].loss" in text and "1.5" in text
    assert not Scenario.objects.exists()
    good = client.post(f"/w/{platform.workspace.code}/stress/scenarios/edit/", {"text": CAPACITY})
    assert good.status_code == 302 and Scenario.objects.get().key == "plant_fire"


def test_builder_writes_a_valid_scenario(platform, national) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(platform.users["analyst"])
    form = {"key": "tariff_test", "name_zh": "关税测试", "kind": "tariff", "horizon_days": "200", "size": "0.4",
            "share_of_exports": "0.2", "import_availability": "1", "capacity_share": "0", "start": "10",
            "duration": "60", "recovery_days": "30", "phase_in_days": "0", "sectors": ["06", "08"]}  # fmt: skip
    response = client.post(f"/w/{platform.workspace.code}/stress/scenarios/new/", form)
    assert response.status_code == 302
    spec = versions.spec_of(Scenario.objects.get(key="tariff_test"))
    shock = spec.shocks[0]
    assert (shock.type, shock.sectors, shock.cut, shock.share_of_exports) == ("export_demand", ("06", "08"), 0.4, 0.2)
    assert (shock.start, shock.duration, shock.recovery_days, spec.horizon_days) == (10, 60, 30, 200)


def test_nbs_upload_is_checked_and_idempotent(platform) -> None:  # type: ignore[no-untyped-def]
    path = shared_data("china-io", "china_2020_42.csv")
    content = path.read_bytes()
    client = Client()
    client.force_login(platform.users["analyst"])
    url = f"/w/{platform.workspace.code}/stress/tables/upload/"
    r = client.post(url, {"file": SimpleUploadedFile(path.name, content), "year": "2020", "name": "2020 全国"})
    assert r.status_code == 302
    record = IOTableRecord.objects.get()
    assert record.n_sectors == 42 and record.file_sha256 and bytes(record.original) == content
    m = store.load(record).table.output_multipliers()
    assert m.min() > 1.5 and m.max() < 3.2
    client.post(url, {"file": SimpleUploadedFile(path.name, content), "year": "2020"})
    assert IOTableRecord.objects.count() == 1  # the same file again: the same record
    # one flow changed: the row and column totals no longer hold, every imbalance is named, nothing is saved
    lines = content.decode("utf-8").splitlines()
    cells = lines[6].split(",")
    cells[10] = str(float(cells[10]) + 1e6)
    lines[6] = ",".join(cells)
    broken = ("\n".join(lines) + "\n").encode()
    r = client.post(url, {"file": SimpleUploadedFile("broken.csv", broken), "year": "2020"}, follow=True)
    text = r.content.decode()
    assert "row" in text and "col" in text.lower()
    assert IOTableRecord.objects.count() == 1


def test_demo_load_runs_the_library_on_the_regional_table(platform) -> None:  # type: ignore[no-untyped-def]
    counts = load_demo(platform.workspace, platform.users["analyst"])
    n_library = len(versions.library_texts())
    assert counts == {"tables": 2, "scenarios": n_library, "runs": n_library}
    client = Client()
    client.force_login(platform.users["leader"])
    for run in StressRun.objects.all():
        assert run.done and run.table.kind == TableKind.REGIONAL
        assert run.totals["production_loss"] > 0, run.scenario.key
        # every stored result reads back (the corridor's ∞ inventory days included) and its pages render
        assert runs.result_of(run).scenario == versions.spec_of(run.scenario)
        for suffix in ("/", ".json"):
            assert client.get(f"/w/bazhong/stress/runs/{run.pk}{suffix}").status_code == 200, (run.scenario.key, suffix)
    cockpit = client.get("/w/bazhong/cockpit.json").json()["stress"]
    worst = max(StressRun.objects.all(), key=lambda r: r.totals["va_loss"])
    assert cockpit["scenarios"] == n_library and cockpit["worst"]["run"] == worst.pk
    assert cockpit["worst"]["va_loss_yi"] == pytest.approx(worst.totals["va_loss"] / 1e4)
    tariff = StressRun.objects.get(scenario__key="tariff_us")
    sectors = runs.result_of(tariff).sectors
    assert sectors.loc[["01", "06", "07", "08"], "ario_production_loss"].sum() > 0
    assert json.dumps(tariff.result, allow_nan=False)  # stored JSON is plain JSON (no NaN or ∞, which jsonb refuses)


def test_rest_api_saves_scenarios_queues_runs_and_reads_results(platform, regional) -> None:  # type: ignore[no-untyped-def]
    base = f"/api/workspaces/{platform.workspace.code}/stress"
    analyst, leader = Client(), Client()
    analyst.force_login(platform.users["analyst"])
    leader.force_login(platform.users["leader"])
    bad = analyst.post(f"{base}/scenarios", {"text": CAPACITY.replace("loss: 0.3", "loss: 1.5")}, "application/json")
    assert bad.status_code == 400, bad.content.decode()
    assert bad.json()["problems"] == [["line 8, shocks[0].loss", bad.json()["problems"][0][1]]]
    assert "1.5" in bad.json()["problems"][0][1]
    saved = analyst.post(f"{base}/scenarios", {"text": CAPACITY, "reason": "API"}, "application/json")
    assert saved.status_code == 201 and saved.json()["key"] == "plant_fire" and saved.json()["version"] == 1
    scenario_id = saved.json()["id"]
    body = {"table": regional.pk, "scenario": scenario_id}
    assert leader.post(f"{base}/runs", body, "application/json").status_code == 403
    queued = analyst.post(f"{base}/runs", body, "application/json")
    assert queued.status_code == 202 and queued.json()["state"] == "queued"
    run_job(Job.objects.get(pk=queued.json()["job"]))
    result = leader.get(f"{base}/runs/{queued.json()['id']}").json()
    twin = leader.get(f"/w/{platform.workspace.code}/stress/runs/{queued.json()['id']}.json").json()
    assert result == twin and result["run"]["state"] == "done"
    assert result["summary"]["production_loss_yi"] > 0
    assert "/api/workspaces/{ws}/stress/runs/{pk}" in leader.get("/api/openapi.json").json()["paths"]
    other = Client()
    other.force_login(platform.users["dazhou"])
    assert other.get(f"{base}/runs/{queued.json()['id']}").status_code == 404


def test_the_regionalisation_form_is_prefilled_from_the_catalog(platform, national) -> None:  # type: ignore[no-untyped-def]
    """第一/第三产业 and GDP of one year in the catalog → the form's three values, 第二产业 derived as the rest."""
    from kaifang.observations import ingest
    from tests.conftest import access

    analyst = platform.users["analyst"]
    client = Client()
    client.force_login(analyst)
    url = f"/w/{platform.workspace.code}/stress/tables/{national.pk}.json"
    assert client.get(url).json()["region_defaults"] is None  # nothing in the catalog yet
    rows = [("GDP", "2020", 766.99), ("PRIMARY_VA", "2020", 161.81), ("TERTIARY_VA", "2020", 390.24),
            ("GDP", "2021", 800.0), ("PRIMARY_VA", "2021", 170.0)]  # fmt: skip
    ingest.submit(
        platform.workspace,
        [{"indicator": c, "ref_area": "511900", "time_period": p, "obs_value": v} for c, p, v in rows],
        access=access(analyst, platform.workspace),
        user=analyst,
    )
    got = client.get(url).json()["region_defaults"]
    # 2021 lacks 第三产业: the latest complete year is 2020 — the report's 161.81 / 214.94 / 390.24 亿元
    assert (got["year"], got["primary"], got["tertiary"]) == ("2020", 161.81, 390.24)
    assert got["secondary"] == pytest.approx(214.94)
    assert 'value="161.81"' in client.get(f"/w/{platform.workspace.code}/stress/tables/{national.pk}/").content.decode()


def test_regionalise_from_an_uploaded_sector_output_file(platform, national) -> None:  # type: ignore[no-untyped-def]
    """A statistics office's sector output (code,output in 万元) replaces the three-industry estimate; a bad file is
    refused with every problem on its line and no table is made."""
    nat = store.load(national).table
    client = Client()
    client.force_login(platform.users["analyst"])
    url = f"/w/{platform.workspace.code}/stress/tables/{national.pk}/regionalise/"
    x_r = nat.x * 0.001
    x_r[0] *= 3  # an agricultural region
    good = "code,output\n" + "".join(f"{c},{v:.6f}\n" for c, v in zip(nat.codes, x_r, strict=True))
    upload = SimpleUploadedFile("巴中部门总产出.csv", good.encode("utf-8-sig"))
    r = client.post(url, {"method": "flq", "delta": "0.3", "sizes": upload})
    assert r.status_code == 302
    record = IOTableRecord.objects.get(kind=TableKind.REGIONAL)
    table = store.load(record).table
    np.testing.assert_allclose(table.x, np.round(x_r, 6), rtol=1e-12)
    assert record.method["basis"].startswith("部门总产出：巴中部门总产出.csv")
    assert record.method["three_industries_yi"] is None
    assert (table.A <= nat.A + 1e-15).all()

    lines = good.splitlines()
    lines[3] = "99,12.5"  # an unknown code (and so sector 03 is missing)
    lines[5] = "05,-1"
    lines[7] = "07,abc"
    bad = SimpleUploadedFile("bad.csv", ("\n".join(lines) + "\n").encode())
    r = client.post(url, {"method": "flq", "delta": "0.3", "sizes": bad}, follow=True)
    text = html.unescape(r.content.decode())
    assert "bad.csv 第 4 行" in text and "'99'" in text, re.findall(r'class="notice[^"]*">([^<]*)<', text)
    assert "bad.csv 第 6 行" in text and "bad.csv 第 8 行" in text
    assert IOTableRecord.objects.filter(kind=TableKind.REGIONAL).count() == 1


def test_a_finished_run_downloads_as_a_workbook(platform, regional) -> None:  # type: ignore[no-untyped-def]
    import io

    analyst = platform.users["analyst"]
    scenario = versions.save(platform.workspace, analyst, CAPACITY)
    run = runs.compute(StressRun.objects.create(workspace=platform.workspace, table=regional, scenario=scenario))
    client = Client()
    client.force_login(platform.users["evaluator"])  # read-only roles may download
    r = client.get(f"/w/{platform.workspace.code}/stress/runs/{run.pk}.xlsx")
    assert r.status_code == 200 and r["Content-Disposition"].endswith(f'stress-{run.pk}-plant_fire-v1.xlsx"')
    book = pd.read_excel(io.BytesIO(r.content), sheet_name=None, dtype={"部门代码": str}, engine="openpyxl")
    sectors = book["分部门结果"].set_index("部门代码")
    stored = runs.result_of(run).sectors
    np.testing.assert_allclose(sectors["ARIO 产出损失（期内累计）（万元）"], stored["ario_production_loss"], rtol=1e-12)
    assert len(book["逐日路径"]) == 120 and sectors.loc["06", "部门"] == stored.loc["06", "name_zh"]
