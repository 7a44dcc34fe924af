"""Observations: unit conversion on the way in, vintages, as-of reads, atomic rejection, audit."""

from __future__ import annotations

import datetime as dt

import pytest

from kaifang.audit.models import AuditEntry
from kaifang.catalog.models import Indicator
from kaifang.observations import ingest
from kaifang.observations.derive import derived_panel
from kaifang.observations.models import Observation
from kaifang.observations.query import panel
from tests.conftest import access

T1 = dt.datetime(2025, 2, 20, 9, 0, tzinfo=dt.UTC)
T2 = dt.datetime(2025, 9, 30, 9, 0, tzinfo=dt.UTC)


def gdp(value, unit="亿元", period="2024", **extra):
    return {"indicator": "GDP", "ref_area": "511900", "time_period": period, "obs_value": value, "unit": unit, **extra}


def submit(p, user, rows, at=None):
    return ingest.submit(
        p.workspace, rows, access=access(p.users[user], p.workspace), user=p.users[user], submitted_at=at
    )


def test_value_is_converted_to_the_indicator_unit(platform):
    submit(platform, "stats", [gdp(8705100, unit="万元")])
    obs = Observation.objects.get()
    assert obs.unit == "亿元"
    assert obs.value == pytest.approx(870.51)
    assert (obs.original_value, obs.original_unit) == (8705100, "万元")


def test_revision_keeps_its_predecessor_and_as_of_reads_the_old_value(platform):
    submit(platform, "stats", [gdp(868.20, obs_status="初步")], at=T1)
    done = submit(platform, "stats", [gdp(870.51, obs_status="正式")], at=T2)
    assert (done.created, done.revised) == (0, 1)
    old, new = Observation.objects.order_by("submitted_at")
    assert (old.value, old.status, old.superseded_at) == (868.20, "P", T2)
    assert (new.value, new.status, new.superseded_at) == (870.51, "F", None)
    assert panel(platform.workspace, indicators=["GDP"])["obs_value"].tolist() == [870.51]
    between = T1 + dt.timedelta(days=30)
    assert panel(platform.workspace, indicators=["GDP"], as_of=between)["obs_value"].tolist() == [868.20]
    assert panel(platform.workspace, indicators=["GDP"], as_of=T1 - dt.timedelta(seconds=1)).empty


def test_revision_without_status_is_marked_revised(platform):
    submit(platform, "stats", [gdp(868.20)], at=T1)
    submit(platform, "stats", [gdp(870.51)], at=T2)
    assert list(Observation.objects.order_by("submitted_at").values_list("status", flat=True)) == ["P", "R"]


def test_identical_resubmission_writes_nothing(platform):
    submit(platform, "stats", [gdp(870.51)], at=T1)
    done = submit(platform, "stats", [gdp(870.51)], at=T2)
    assert (done.batch, done.created, done.revised, done.unchanged) == (None, 0, 0, 1)
    assert Observation.objects.count() == 1
    assert AuditEntry.objects.filter(object_type="observations.ImportBatch").count() == 1


def test_a_bad_row_rejects_the_whole_submission_with_located_problems(platform):
    rows = [
        gdp(870.51),
        {**gdp(10.9), "indicator": "NO_SUCH"},
        gdp(700, unit="万美元", period="2023"),
        gdp("八百", period="2022"),
        gdp(800, period="2024-03"),
    ]
    with pytest.raises(ingest.SubmissionRejected) as err:
        submit(platform, "admin", rows)
    where = {(p.row, p.column) for p in err.value.problems}
    assert where == {(2, "indicator"), (3, "unit"), (4, "obs_value"), (5, "time_period")}
    unit_problem = next(p for p in err.value.problems if p.column == "unit")
    assert "万美元" in unit_problem.message and "亿元" in unit_problem.message
    assert Observation.objects.count() == 0
    assert not AuditEntry.objects.filter(object_type="observations.ImportBatch").exists()


def test_duplicate_cell_names_the_first_row(platform):
    with pytest.raises(ingest.SubmissionRejected) as err:
        submit(platform, "stats", [gdp(870.51), gdp(871.0)])
    (problem,) = err.value.problems
    assert problem.row == 2 and "第1行" in problem.message


def test_region_names_are_matched_to_codes(platform):
    submit(platform, "stats", [{**gdp(870.51), "ref_area": "巴中地区"}, {**gdp(260.0), "ref_area": "通江"}])
    assert sorted(Observation.objects.values_list("region__code", flat=True)) == ["511900", "511921"]


def test_monthly_and_year_to_date_values_are_kept_apart(platform):
    rows = [
        {"indicator": "TRADE_TOTAL", "ref_area": "511900", "time_period": "2024-03", "obs_value": 1.1, "basis": "当月"},
        {"indicator": "TRADE_TOTAL", "ref_area": "511900", "time_period": "2024-03", "obs_value": 2.6, "basis": "累计"},
    ]
    submit(platform, "admin", rows)
    assert panel(platform.workspace, indicators=["TRADE_TOTAL"], basis="P")["obs_value"].tolist() == [1.1]
    assert panel(platform.workspace, indicators=["TRADE_TOTAL"], basis="YTD")["obs_value"].tolist() == [2.6]


def test_derived_indicator_is_computed_with_lineage_and_follows_revisions(platform):
    submit(platform, "stats", [gdp(860.0)], at=T1)
    submit(
        platform,
        "admin",
        [{"indicator": "TRADE_TOTAL", "ref_area": "511900", "time_period": "2024", "obs_value": 10.9}],
        at=T1,
    )
    submit(platform, "stats", [gdp(870.51)], at=T2)
    dep = Indicator.objects.get(code="TRADE_DEPENDENCE")
    now = derived_panel(platform.workspace, dep)
    assert now["obs_value"].tolist() == [pytest.approx(10.9 / 870.51 * 100)]  # 1.2521 %
    assert now["obs_value"].iloc[0] == pytest.approx(1.25214, abs=1e-5)
    inputs = now["inputs"].iloc[0]
    assert inputs["GDP"] == {"id": Observation.objects.get(value=870.51).id, "obs_value": 870.51}
    before = derived_panel(platform.workspace, dep, as_of=T1 + dt.timedelta(days=1))
    assert before["obs_value"].iloc[0] == pytest.approx(10.9 / 860.0 * 100)


def test_each_write_leaves_one_audit_entry_with_before_and_after(platform):
    submit(platform, "stats", [gdp(868.20)], at=T1)
    submit(platform, "stats", [gdp(870.51)], at=T2)
    entries = list(AuditEntry.objects.filter(object_type="observations.ImportBatch").order_by("at"))
    assert [e.action for e in entries] == ["create", "revise"]
    assert entries[1].actor == platform.users["stats"]
    assert entries[1].before["cells"][0]["obs_value"] == 868.20
    assert entries[1].after["cells"][0]["obs_value"] == 870.51


def test_officer_cannot_write_another_departments_indicator(platform):
    with pytest.raises(ingest.PermissionDenied) as err:
        submit(platform, "commerce", [gdp(870.51)])
    assert err.value.problems[0].row == 1
    submit(
        platform,
        "commerce",
        [{"indicator": "FDI_ACTUAL", "ref_area": "511900", "time_period": "2024", "obs_value": 700, "unit": "万美元"}],
    )
    assert Observation.objects.count() == 1


@pytest.mark.parametrize("role", ["leader", "evaluator"])
def test_read_only_roles_cannot_write(platform, role):
    with pytest.raises(ingest.PermissionDenied):
        submit(platform, role, [gdp(870.51)])
    assert Observation.objects.count() == 0
