"""The demo ledger (kaifang.projects.demo): deterministic, labelled 示例数据, true to the report's 2024 facts — pure.

The report (§二): "签定跨境经贸和战略合作协议 8 项" and "2024 年省外引进产业项目实际到位资金完成 172 亿元以上".

Run: .venv/bin/pytest tests/test_projects_demo.py -q -p no:django
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from kaifang.projects import demo, funds, stalled
from kaifang.projects.funnel import project_funnel
from kaifang.projects.records import SAMPLE_LABEL, Ledger, PartnerKind, Stage, Status
from kaifang.projects.regions import partner_matcher
from kaifang.projects.summary import summary
from tests.conftest import assert_pure


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    return demo.load_example()


def test_module_is_pure() -> None:
    assert_pure("kaifang.projects.demo")


def test_deterministic(ledger: Ledger) -> None:
    assert demo.generate(demo.SEED) == ledger
    assert demo.generate(7) != ledger


def test_size_and_consistency(ledger: Ledger) -> None:
    assert ledger.validate() == []
    assert 100 <= len(ledger.agreements) <= 250 and 300 <= len(ledger.projects) <= 600  # several hundred
    assert {a.signed_on.year for a in ledger.agreements} == set(demo.YEARS)  # 2019–2025
    assert min(p.signed_on.year for p in ledger.projects) == 2017  # carried-over (结转) projects
    assert min(f.month for p in ledger.projects for f in p.funds) >= "2019-01"  # the ledger starts in 2019
    assert max(p.signed_on for p in ledger.projects) <= demo.AS_OF == ledger.as_of


def test_every_record_is_labelled_sample_data(ledger: Ledger) -> None:
    assert ledger.label == SAMPLE_LABEL == "示例数据"
    assert all(a.is_sample and "示例" in a.title for a in ledger.agreements)
    assert all(p.is_sample and "示例" in p.name and "示例" in p.investor for p in ledger.projects)


def test_the_report_facts_of_2024(ledger: Ledger) -> None:
    signed_2024 = [a for a in ledger.agreements if a.signed_on.year == 2024]
    assert sum(a.cross_border for a in signed_2024) == 8
    total = funds.out_of_province_funds(ledger, 2024)
    assert total.amount == demo.OUT_OF_PROVINCE_2024 == Decimal("172.56")
    assert Decimal(172) <= total.amount < Decimal(173)  # 172亿元以上, and close to it
    assert len(total.lineage) > 100  # many projects and months behind the number
    out = summary(ledger, 2024)
    assert out["agreements"]["cross_border"] == 8 and out["funds_in_place"]["out_of_province"] == 172.56
    assert out["label"] == "示例数据"


def test_partners_are_real_places(ledger: Ledger) -> None:
    known = partner_matcher()
    assert all(a.partner_region in known for a in ledger.agreements)
    assert all(p.origin_region in known for p in ledger.projects)
    countries = {a.partner_region for a in ledger.agreements if a.cross_border}
    assert countries <= set(demo.COUNTRIES) and {"VNM", "SGP", "DEU"} <= countries
    assert all(a.partner_kind is PartnerKind.COUNTRY for a in ledger.agreements if a.partner_region in countries)
    domestic = Counter(a.partner_region for a in ledger.agreements if not a.cross_border)
    assert {"500000", "510100", "610100"} <= set(domestic)  # 重庆, 成都, 西安
    assert {p.origin_region[:2] for p in ledger.projects} >= {"44", "33", "32"}  # 广东, 浙江, 江苏


def test_a_plausible_funnel(ledger: Ledger) -> None:
    table = project_funnel(ledger, demo.AS_OF, windows=(None,))
    cohort = table[table["within_months"].isna()]
    reached = cohort["reached"].tolist()
    assert reached == sorted(reached, reverse=True) and len(set(reached)) == 5  # fewer at every stage
    assert 0.5 < reached[1] / reached[0] < 0.95 and reached[4] / reached[0] < 0.35


def test_stalled_terminated_and_corrected_projects(ledger: Ledger) -> None:
    statuses = Counter(p.status for p in ledger.projects)
    assert statuses[Status.TERMINATED] > 20 and statuses[Status.STALLED] > 10
    assert all(p.status_reason for p in ledger.projects if p.status is not Status.ADVANCING)
    assert len(stalled.stalled(ledger, demo.AS_OF)) > 20
    retracted = [p for p in ledger.projects if any(m.retracted for m in p.milestones)]
    corrected = [p for p in ledger.projects if len({m.stage for m in p.milestones}) < len(p.milestones)]
    assert retracted and len(corrected) > len(retracted)  # re-entered dates as well as retractions
    stages_of = [{m.stage for m in p.milestones if not m.retracted} for p in ledger.projects]
    assert any(Stage.STARTED in s and Stage.REGISTERED not in s for s in stages_of)  # 注册 skipped in the ledger
    assert all(f.unit == "万元" and f.amount == f.amount.to_integral_value() for p in ledger.projects for f in p.funds)
