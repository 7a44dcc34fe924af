"""The demo workspace: deterministic, true to the report's facts, internally consistent, labelled."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kaifang.demo.generate import COUNTIES, HOME, SAMPLE_SOURCE, generate
from kaifang.demo.profiles import FACTS, REPORT

UNITS = {"CROSS_BORDER_AGREEMENTS": "项", "SISTER_CITY_COUNTRIES": "个", "BASE_STATIONS_5G": "个"}


@pytest.fixture(scope="module")
def releases():
    return generate(UNITS)


def _cell(releases, label_part, code, region, period, basis="当期"):
    for r in releases:
        if label_part in r.label:
            df = r.rows
            hit = df[
                (df.indicator == code) & (df.ref_area == region) & (df.time_period == period) & (df.basis == basis)
            ]
            if len(hit):
                return float(hit.obs_value.iloc[0])
    return None


def test_generation_is_deterministic(releases):
    again = generate(UNITS)
    assert [r.label for r in again] == [r.label for r in releases]
    pd.testing.assert_frame_equal(again[5].rows, releases[5].rows)


def test_report_facts_are_final_values_with_the_report_as_source(releases):
    facts = pd.concat([r.rows for r in releases if not r.is_sample])
    assert set(facts["source"]) == {REPORT}
    got = {(r.indicator, r.ref_area, r.time_period): r.obs_value for r in facts.itertuples()}
    assert got == pytest.approx(FACTS)
    assert got[("GDP", HOME, "2024")] == 870.51
    assert got[("TRADE_TOTAL", HOME, "2024")] == 10.9


def test_everything_else_is_labelled_sample_data(releases):
    sample = pd.concat([r.rows for r in releases if r.is_sample])
    assert set(sample["source"]) == {SAMPLE_SOURCE}


def test_exports_and_imports_add_up_to_trade_in_every_release(releases):
    for r in releases:
        wide = r.rows.pivot_table(index=["ref_area", "time_period", "basis"], columns="indicator", values="obs_value")
        if {"TRADE_TOTAL", "EXPORT_TOTAL", "IMPORT_TOTAL"} <= set(wide.columns):
            both = wide.dropna(subset=["TRADE_TOTAL", "EXPORT_TOTAL", "IMPORT_TOTAL"])
            assert (both.EXPORT_TOTAL + both.IMPORT_TOTAL - both.TRADE_TOTAL).abs().max() < 1e-6, r.label


def test_districts_and_counties_add_up_to_the_city(releases):
    final = next(r for r in releases if r.label == "2023年统计年鉴（正式）").rows
    gdp = final[final.indicator == "GDP"].set_index("ref_area").obs_value
    assert gdp[COUNTIES].sum() == pytest.approx(gdp[HOME], abs=0.05)


def test_monthly_trade_closes_on_the_annual_figure_and_starts_with_the_combined_release(releases):
    dec_ytd = _cell(releases, "2024年12月外贸月报", "TRADE_TOTAL", HOME, "2024-12", "累计")
    assert dec_ytd == pytest.approx(10.9)
    assert _cell(releases, "2024年1–2月外贸月报", "TRADE_TOTAL", HOME, "2024-01/02", "当月") == pytest.approx(
        _cell(releases, "2024年1–2月外贸月报", "TRADE_TOTAL", HOME, "2024-02", "累计")
    )
    assert _cell(releases, "外贸月报", "TRADE_TOTAL", HOME, "2024-01", "累计") is None


def test_releases_are_in_submission_order(releases):
    stamps = [r.submitted_at for r in releases]
    assert stamps == sorted(stamps)


def test_demo_load_builds_two_isolated_workspaces_with_history(db):
    from kaifang.accounts.access import access_for
    from kaifang.accounts.models import Workspace
    from kaifang.catalog.models import Indicator
    from kaifang.cockpit.explorer import values_for
    from kaifang.demo.load import load
    from kaifang.observations.models import Observation
    from kaifang.observations.query import panel

    counts = load()
    assert counts["bazhong"] == counts["dazhou"] > 30_000
    ws = Workspace.objects.get(code="bazhong")
    latest = Observation.objects.get(
        workspace=ws, indicator__code="GDP", region__code=HOME, period="2024", superseded_at__isnull=True
    )
    assert (latest.value, latest.status, latest.source, latest.is_sample) == (870.51, "F", REPORT, False)
    before_final = panel(
        ws, indicators=["GDP"], regions=[HOME], periods=["2024"], as_of=dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    )
    assert before_final.obs_status.tolist() == ["P"]
    assert before_final.obs_value.iloc[0] != 870.51
    dep = values_for(ws, Indicator.objects.get(code="TRADE_DEPENDENCE"), regions=[HOME], periods=["2024"])
    assert dep.obs_value.iloc[0] == pytest.approx(10.9 / 870.51 * 100)
    from django.contrib.auth.models import User
    from django.http import Http404

    with pytest.raises(Http404):
        access_for(User.objects.get(username="dazhou"), "bazhong")

    from kaifang.accounts.models import Membership
    from kaifang.audit.models import AuditEntry
    from kaifang.demo.load import reset

    reset()
    assert not Workspace.objects.exists() and not Membership.objects.exists()
    assert AuditEntry.objects.filter(action="delete", object_type="accounts.Membership").count() == 7
