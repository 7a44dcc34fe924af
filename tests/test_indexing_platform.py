"""The index in the platform: definitions, builds on the observation store (traceable to their vintages),
pages and JSON twins, background builds, permissions."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from kaifang.audit.models import AuditEntry
from kaifang.indexing.builds import run_build
from kaifang.indexing.models import IndexBuild, IndexDefinition, IndexScore, IndexUncertainty
from kaifang.jobs.runner import work
from kaifang.observations import ingest
from tests.conftest import access

T1 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)
T2 = dt.datetime(2025, 9, 1, 9, 0, tzinfo=dt.UTC)
UNITS = ["511900", "511700", "510800"]
FRAMEWORK = [
    {
        "iCode": "FDI_ACTUAL",
        "iName": "实际利用外资",
        "Level": 1,
        "Parent": "INDEX",
        "Direction": 1,
        "Weight": 3,
        "Type": "Indicator",
    },
    {
        "iCode": "CUSTOMS_CLEARANCE_TIME",
        "iName": "进口整体通关时间",
        "Level": 1,
        "Parent": "INDEX",
        "Direction": -1,
        "Weight": 1,
        "Type": "Indicator",
    },
    {
        "iCode": "INDEX",
        "iName": "测试指数",
        "Level": 2,
        "Parent": None,
        "Direction": 1,
        "Weight": 1,
        "Type": "Aggregate",
    },
]
SPEC = {"steps": [{"normalise": {"f_n": "n_minmax", "l_u": [0, 100]}}, {"aggregate": {"f_ag": "a_amean"}}]}


def submit(p, rows, at):  # type: ignore[no-untyped-def]
    analyst = p.users["analyst"]
    ingest.submit(p.workspace, rows, access=access(analyst, p.workspace), user=analyst, submitted_at=at)


def obs(code, region, value, unit):  # type: ignore[no-untyped-def]
    return {"indicator": code, "ref_area": region, "time_period": "2024", "obs_value": value, "unit": unit}


@pytest.fixture
def index(platform):  # type: ignore[no-untyped-def]
    submit(
        platform,
        [obs("FDI_ACTUAL", r, v, "万美元") for r, v in zip(UNITS, (100, 300, 200), strict=True)]
        + [obs("CUSTOMS_CLEARANCE_TIME", r, v, "小时") for r, v in zip(UNITS, (10, 30, 20), strict=True)],
        T1,
    )
    return IndexDefinition.objects.create(
        workspace=platform.workspace,
        code="test",
        name_zh="测试指数",
        framework=FRAMEWORK,
        spec=SPEC,
        units=UNITS,
        years=[2024],
        home="511900",
        peers=["511700", "510800"],
    )


def scores(build: IndexBuild, code: str = "INDEX") -> dict[str, tuple[float, int]]:
    return {s.region.code: (round(s.score, 9), s.rank) for s in build.scores.filter(code=code).select_related("region")}


def test_a_build_stores_hand_computed_scores_ranks_and_its_trace(platform, index):
    built = run_build(index, platform.users["analyst"], as_of=T2)
    # FDI min-max: 100 → 0, 300 → 100, 200 → 50; clearance time is 逆向: 10 h → 100, 30 h → 0, 20 h → 50
    # INDEX = (3·FDI + 1·time)/4: 巴中 (0 + 100)/4 = 25, 达州 (300 + 0)/4 = 75, 广元 (150 + 50)/4 = 50
    assert scores(built) == {"511900": (25.0, 3), "511700": (75.0, 1), "510800": (50.0, 2)}
    assert scores(built, "CUSTOMS_CLEARANCE_TIME") == {"511900": (100.0, 1), "511700": (0.0, 3), "510800": (50.0, 2)}
    assert [e["step"] for e in built.log] == ["new_coin", "normalise", "aggregate"]
    assert built.data_summary["observations"] == 6 and built.data_summary["missing_cells"] == 0
    assert built.audit["year"] == 2024 and built.audit["effective_weights"]["FDI_ACTUAL"] == 0.75
    entry = AuditEntry.objects.get(object_type="indexing.IndexBuild", object_id=str(built.pk))
    assert entry.action == "create"


def test_a_new_vintage_does_not_touch_a_stored_build_and_as_of_reproduces_it(platform, index):
    first = run_build(index, as_of=T1 + dt.timedelta(days=1))
    submit(platform, [obs("FDI_ACTUAL", "511900", 500, "万美元")], T2)  # 巴中 revised: now the FDI leader
    second = run_build(index)
    # FDI: 500 → 100, 300 → 0, 200 → −… min 200: 巴中 100, 达州 (300−200)/300·100 = 33.33…, 广元 0
    assert scores(second)["511900"] == (100.0, 1)  # (3·100 + 100)/4
    assert scores(first)["511900"] == (25.0, 3)  # stored, unchanged
    again = run_build(index, as_of=first.as_of)  # the vintages in force then give the same numbers
    assert scores(again) == scores(first)
    with pytest.raises(ValueError, match="没有任何指标数据"):  # before anything was published: no year to build
        run_build(index, as_of=T1 - dt.timedelta(days=1))


def test_a_year_not_yet_published_is_left_out_not_imputed(platform, index):
    index.years = [2024, 2025]
    index.save()
    built = run_build(index, as_of=T2)
    assert built.data_summary["years"] == [2024] and built.data_summary["years_without_data"] == [2025]
    assert sorted(set(built.scores.values_list("year", flat=True))) == ["2024"]


def test_pages_and_json_twins(platform, index):
    run_build(index, as_of=T2)
    c = Client()
    c.force_login(platform.users["leader"])
    ranking = json.loads(c.get("/w/bazhong/index/test.json").content)
    assert [(r["unit"], r["score"], r["rank"]) for r in ranking["rows"]] == [
        ("511700", 75.0, 1),
        ("510800", 50.0, 2),
        ("511900", 25.0, 3),
    ]
    assert ranking["year"] == "2024" and ranking["rows"][2]["home"] is True
    page = c.get("/w/bazhong/index/test/")
    assert page.status_code == 200 and "测试指数" in page.text and "index-ranking-data" in page.text
    profile = json.loads(c.get("/w/bazhong/index/test/units/511900.json").content)
    assert profile["history"] == [{"year": "2024", "score": 25.0, "rank": 3}]
    assert [(g["code"], g["leader"], g["gap"]) for g in profile["gap_to_leader"]] == [
        ("FDI_ACTUAL", "511700", 100.0),
        ("CUSTOMS_CLEARANCE_TIME", "511900", 0.0),
    ]
    assert c.get("/w/bazhong/index/test/units/511900/").status_code == 200
    assert c.get("/w/bazhong/index/test/units/999999/").status_code == 404
    method = json.loads(c.get("/w/bazhong/index/test/method.json").content)
    assert method["spec"] == SPEC and method["data"]["observations"] == 6
    assert c.get("/w/bazhong/index/test/method/").status_code == 200
    assert c.get("/w/bazhong/index/test/uncertainty/").status_code == 200
    cockpit = json.loads(c.get("/w/bazhong/cockpit.json").content)["index"]
    assert (cockpit["score"], cockpit["rank"], cockpit["of"], cockpit["year"]) == (25.0, 3, 3, "2024")
    assert "第 3 名 / 3" in c.get("/w/bazhong/").text
    c.force_login(platform.users["dazhou"])
    assert c.get("/w/bazhong/index/test.json").status_code == 404


def test_only_analysts_and_admins_build_and_the_build_runs_as_a_job(platform, index):
    c = Client()
    c.force_login(platform.users["leader"])
    assert c.post("/w/bazhong/index/test/build/").status_code == 403
    c.force_login(platform.users["analyst"])
    answer = c.post("/w/bazhong/index/test/build/")
    assert answer.status_code == 302 and "/jobs/" in answer["Location"]
    assert IndexBuild.objects.count() == 0 and work(once=True) == 1
    built = IndexBuild.objects.get()
    assert built.created_by == platform.users["analyst"] and IndexScore.objects.filter(build=built).count() == 9


def test_an_unbuilt_definition_says_so(platform, index):
    c = Client()
    c.force_login(platform.users["analyst"])
    page = c.get("/w/bazhong/index/test/")
    assert "尚未构建" in page.text and json.loads(c.get("/w/bazhong/index/test.json").content)["build"] is None


def test_uncertainty_runs_as_a_job_reproducibly_from_its_seed(platform, index):
    run_build(index, as_of=T2)
    c = Client()
    c.force_login(platform.users["leader"])
    assert c.post("/w/bazhong/index/test/uncertainty/run/", {"N": 50}).status_code == 403
    c.force_login(platform.users["analyst"])
    assert c.post("/w/bazhong/index/test/uncertainty/run/", {"N": 5}).status_code == 302  # refused: N < 10
    assert IndexUncertainty.objects.count() == 0
    for _ in range(2):
        answer = c.post("/w/bazhong/index/test/uncertainty/run/", {"N": 200, "seed": 7, "noise": 0.25, "sobol": "on"})
        assert answer.status_code == 302 and "/jobs/" in answer["Location"]
    assert work(once=True) == 2
    first, second = IndexUncertainty.objects.order_by("id")
    assert first.result == second.result  # same seed, same vintages → identical analysis
    ranks = {r["unit"]: r for r in first.result["ranks"]}
    assert {u: r["nominal"] for u, r in ranks.items()} == {"511700": 1, "510800": 2, "511900": 3}  # the build's
    assert all(1 <= r["q05"] <= r["median"] <= r["q95"] <= 3 for r in ranks.values())
    # dropping FDI leaves clearance time alone, where 巴中 (10 h) leads: its rank interval must reach 1
    assert ranks["511900"]["q05"] == 1.0 and first.result["N"] == 200
    assert {s["variable"] for s in first.result["sobol"]} == {"normalise", "weights",
                                                             "aggregate.f_ag", "exclude"}  # fmt: skip
    page = json.loads(c.get("/w/bazhong/index/test/uncertainty.json").content)
    assert page["result"] == second.result and page["analysis"]["state"] == "done"
