"""Stages, funnel, stage times, 落实率 and stalled projects (kaifang.projects) on a hand-made ledger — pure.

The ledger :func:`small_ledger` has four agreements and seven projects chosen to exercise every rule: a
project that skips 注册 (P2), one whose 开工 is retracted by a later record (P3, back to 注册), one whose
开工 date is corrected (P5), a terminated one (P4), a framework agreement whose only project has not moved
(A3/P6) and a young project (P7). Every expected number is counted by hand in the comments.

Run: .venv/bin/pytest tests/test_projects_measures.py -q -p no:django
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pandas as pd
import pytest

from kaifang.projects import funnel, implementation, stages, stalled, timing
from kaifang.projects.records import (
    Agreement,
    FundsInPlace,
    Ledger,
    Milestone,
    PartnerKind,
    Project,
    Stage,
    Status,
)
from tests.conftest import assert_pure

AS_OF = date(2025, 12, 31)
T0 = datetime(2024, 1, 1)  # when the first records were entered


def m(stage: str, on: date | None, recorded: datetime = T0, *, retracted: bool = False) -> Milestone:
    return Milestone(Stage.parse(stage), on, recorded, evidence=f"{stage}证明", retracted=retracted)


def f(month: str, region: str, amount: str, unit: str = "亿元", recorded: datetime = T0) -> FundsInPlace:
    return FundsInPlace(month, region, Decimal(amount), unit, recorded)


def agreement(id: str, on: date, kind: str, region: str, pk: PartnerKind, sector: str, dept: str) -> Agreement:
    return Agreement(id, f"{id}协议", ("巴中市人民政府", "合作方"), region, pk, kind, sector, on, "巴中", None, dept)


def small_ledger() -> Ledger:
    agreements = (
        agreement("A1", date(2024, 1, 15), "战略合作框架协议", "500000", PartnerKind.PROVINCE, "现代物流", "drc"),
        agreement("A2", date(2024, 3, 1), "投资协议", "440300", PartnerKind.CITY, "电子信息", "investment"),
        agreement("A3", date(2024, 6, 10), "友好城市", "VNM", PartnerKind.COUNTRY, "文化旅游", "foreign_affairs"),
        agreement("A4", date(2025, 9, 1), "经贸合作协议", "SGP", PartnerKind.COUNTRY, "商贸服务", "commerce"),
    )
    projects = (
        Project(
            "P1", "物流园", "重庆某物流公司", "500000", "现代物流", Decimal("10"), "investment", date(2024, 2, 1), "A1",
            milestones=(m("注册", date(2024, 3, 1)), m("开工", date(2024, 6, 1)), m("投产", date(2025, 1, 15))),
            funds=(
                f("2024-03", "500000", "5000", "万元"),
                f("2024-07", "500000", "1.2"),
                f("2025-02", "500000", "3000", "万元"),
            ),
        ),
        Project(
            "P2", "电子厂", "深圳某电子公司", "440300", "电子信息", Decimal("8"), "investment", date(2024, 3, 1), "A2",
            milestones=(m("开工", date(2024, 5, 1)), m("投产", date(2025, 3, 1)), m("达产", date(2025, 9, 1))),
            funds=(
                f("2024-06", "440300", "2.0"),
                f("2024-06", "810000", "0.3"),  # a Hong Kong shareholder: 境外
                f("2024-09", "440300", "1.5", recorded=datetime(2024, 10, 5)),
                f("2024-09", "440300", "1.0", recorded=datetime(2024, 12, 20)),  # corrected down
            ),
        ),
        Project(
            "P3", "电子二期", "深圳某电子公司", "440300", "电子信息", Decimal("3"), "investment",
            date(2024, 4, 1), "A2",
            milestones=(
                m("注册", date(2024, 5, 10)),
                m("开工", date(2024, 8, 1), datetime(2024, 8, 5)),
                m("开工", None, datetime(2024, 11, 1), retracted=True),  # 开工 was a groundbreaking ceremony only
            ),
        ),
        Project(
            "P4", "农产品加工", "成都某食品公司", "510100", "农产品加工", Decimal("2"), "economy_it", date(2024, 5, 1),
            milestones=(m("注册", date(2024, 6, 1)),),
            funds=(f("2024-07", "510100", "0.4"),),
            status=Status.TERMINATED, status_reason="投资方资金链断裂", status_on=date(2024, 12, 1),
        ),
        Project(
            "P5", "饮料厂", "浙江某饮料公司", "330000", "食品饮料", Decimal("5"), "investment", date(2023, 7, 1),
            milestones=(
                m("注册", date(2023, 9, 1)),
                m("开工", date(2024, 3, 1), datetime(2024, 3, 2)),
                m("开工", date(2024, 4, 15), datetime(2024, 5, 1)),  # the date was wrong: corrected
                m("投产", date(2025, 10, 1)),
            ),
            funds=(f("2024-04", "330000", "0.8"),),
        ),
        Project(
            "P6", "研学基地", "越南旅游公司", "VNM", "文化旅游", Decimal("1"), "culture_tourism", date(2025, 3, 1), "A3"
        ),
        Project(
            "P7", "物流分拨中心", "西安物流公司", "610100", "现代物流", Decimal("1.5"), "investment", date(2025, 10, 1)
        ),
    )  # fmt: skip
    return Ledger(agreements, projects, as_of=AS_OF)


def project(ledger: Ledger, pid: str) -> Project:
    return next(p for p in ledger.projects if p.id == pid)


def test_modules_are_pure() -> None:
    assert_pure(
        "kaifang.projects.records",
        "kaifang.projects.stages",
        "kaifang.projects.funnel",
        "kaifang.projects.timing",
        "kaifang.projects.implementation",
        "kaifang.projects.stalled",
    )


def test_fixture_is_consistent() -> None:
    assert small_ledger().validate() == []
    bad = Ledger(small_ledger().agreements[:1], small_ledger().projects[:2])
    assert bad.validate() == ["项目 P2 引用了不存在的协议 references unknown agreement 'A2'"]


# ----------------------------------------------------------------------------------------------- stages


def test_calendar_months() -> None:
    assert stages.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)  # clamped to the month's end
    assert stages.add_months(date(2024, 11, 15), 3) == date(2025, 2, 15)
    assert stages.months_between(date(2024, 5, 10), date(2025, 12, 31)) == 19  # 2025-12-10 ≤ 12-31 < 2026-01-10
    assert stages.months_between(date(2024, 1, 31), date(2024, 2, 28)) == 0  # 2024-02-29 is after 02-28


def test_a_skipped_stage_is_implied_by_a_later_one() -> None:
    p2 = project(small_ledger(), "P2")
    assert Stage.REGISTERED not in stages.recorded_dates(p2)
    assert stages.reached_dates(p2)[Stage.REGISTERED] == date(2024, 5, 1)  # the 开工 date
    assert stages.stage_at(p2, date(2024, 4, 30)) is Stage.SIGNED
    assert stages.stage_at(p2, date(2024, 5, 1)) is Stage.STARTED
    assert stages.stage_at(p2, date(2024, 2, 1)) is None  # not yet signed


def test_a_retraction_moves_a_project_backwards() -> None:
    p3 = project(small_ledger(), "P3")
    on = date(2024, 9, 1)
    assert stages.stage_at(p3, on, known_at=datetime(2024, 9, 1)) is Stage.STARTED  # as reported in September
    assert stages.stage_at(p3, on) is Stage.REGISTERED  # after the retraction of 2024-11-01
    assert stages.stage_at(p3, on, known_at=datetime(2024, 11, 1)) is Stage.REGISTERED


def test_a_corrected_date_supersedes_the_first_record() -> None:
    p5 = project(small_ledger(), "P5")
    on = date(2024, 3, 20)
    assert stages.stage_at(p5, on, known_at=datetime(2024, 4, 1)) is Stage.STARTED  # 开工 2024-03-01 then
    assert stages.stage_at(p5, on) is Stage.REGISTERED  # 开工 moved to 2024-04-15
    assert stages.recorded_dates(p5)[Stage.STARTED] == date(2024, 4, 15)


def test_signing_is_not_a_milestone_record() -> None:
    with pytest.raises(ValueError, match="签约"):
        Milestone(Stage.SIGNED, date(2024, 1, 1), T0)
    with pytest.raises(ValueError, match="needs a date"):
        Milestone(Stage.STARTED, None, T0)


# ----------------------------------------------------------------------------------------------- funnel


def counts(table: pd.DataFrame, within: int | None) -> tuple[int, list[int]]:
    rows = table[table["within_months"].isna()] if within is None else table[table["within_months"] == within]
    return int(rows["eligible"].iloc[0]), [int(x) for x in rows["reached"]]


def test_project_funnel_of_2024_signings() -> None:
    table = funnel.project_funnel(small_ledger(), AS_OF, by="year")
    y24 = table[table["year"] == 2024]
    # 2024 signings P1 P2 P3 P4 (P4 terminated, still counted):
    # 注册: P1, P2 (implied by 开工), P3, P4 = 4; 开工: P1, P2 (P3 retracted) = 2; 投产: P1, P2; 达产: P2
    assert counts(y24, None) == (4, [4, 4, 2, 2, 1])
    # within 6 months: P1 to 2024-08-01 (注册, 开工), P2 to 09-01 (开工), P3 to 10-01 (注册), P4 to 11-01 (注册)
    assert counts(y24, 6) == (4, [4, 4, 2, 0, 0])
    # within 12: P1 投产 2025-01-15 ≤ 2025-02-01, P2 投产 2025-03-01 ≤ 2025-03-01; P2 达产 2025-09-01 too late
    assert counts(y24, 12) == (4, [4, 4, 2, 2, 0])
    # within 24: no 2024 signing has had 24 months by 2025-12-31 (P1's window ends 2026-02-01): none eligible
    assert counts(y24, 24) == (0, [0, 0, 0, 0, 0])
    assert y24[y24["within_months"] == 24]["share"].isna().all()
    shares_overall = y24[y24["within_months"].isna()]["share"].tolist()
    assert shares_overall == [1.0, 1.0, 0.5, 0.5, 0.25]  # 4/4 4/4 2/4 2/4 1/4


def test_project_funnel_overall_and_as_known_earlier() -> None:
    table = funnel.project_funnel(small_ledger(), AS_OF)
    # all 7 projects signed by 2025-12-31; 注册: P1 P2 P3 P4 P5 = 5; 开工: P1 P2 P5 = 3; 投产: P1 P2 P5; 达产: P2
    assert counts(table, None) == (7, [7, 5, 3, 3, 1])
    assert funnel.stage_share(table, Stage.STARTED) == pytest.approx(3 / 7)
    # as known on 2024-10-01, at that date: P1..P5 signed; 开工 P1, P2, P3 (not yet retracted), P5 (2024-04-15)
    early = funnel.project_funnel(small_ledger(), date(2024, 10, 1), windows=(None,), known_at=datetime(2024, 10, 1))
    assert counts(early, None) == (5, [5, 5, 4, 0, 0])


def test_project_funnel_by_region_and_department() -> None:
    table = funnel.project_funnel(small_ledger(), AS_OF, by=["province"], windows=(None,))
    guangdong = table[table["province"] == "440000"]  # P2 and P3 (深圳 440300)
    assert counts(guangdong, None) == (2, [2, 2, 1, 1, 1])
    by_dept = funnel.project_funnel(small_ledger(), AS_OF, by="department", windows=(None,))
    assert counts(by_dept[by_dept["department"] == "investment"], None) == (5, [5, 4, 3, 3, 1])  # P1 P2 P3 P5 P7
    with pytest.raises(ValueError, match="grouping key"):
        funnel.project_funnel(small_ledger(), AS_OF, by="colour")


def test_agreement_funnel_through_projects() -> None:
    table = funnel.agreement_funnel(small_ledger(), AS_OF, by="year")
    y24 = table[table["year"] == 2024]
    # A1 via P1 (to 投产), A2 via P2+P3 (to 达产), A3 via P6 (签约 2025-03-01 only)
    assert counts(y24, None) == (3, [3, 2, 2, 2, 1])
    # within 12: A1 to 2025-01-15 (投产 2025-01-15 counts), A2 to 2025-03-01 (投产), A3 to 2025-06-10 (签约)
    assert counts(y24, 12) == (3, [3, 2, 2, 2, 0])
    # within 6: A1 to 2024-07-15 (签约 注册 开工), A2 to 09-01 (签约 注册 开工), A3 to 12-10 (P6 not signed yet)
    assert counts(y24, 6) == (3, [2, 2, 2, 0, 0])
    y25 = table[table["year"] == 2025]  # A4 has no project: in the denominator, reaches nothing
    assert counts(y25, None) == (1, [0, 0, 0, 0, 0])
    cross = funnel.agreement_funnel(small_ledger(), AS_OF, by="cross_border", windows=(None,))
    assert counts(cross[cross["cross_border"]], None) == (2, [1, 0, 0, 0, 0])  # A3 (P6 signed) and A4


# -------------------------------------------------------------------------------------------- 落实率


def test_implementation_rate_2024() -> None:
    rate = implementation.implementation_rate(small_ledger(), 2024, AS_OF)
    # A1: P1 注册 2024-03-01 ≤ 2025-01-15; A2: P2 注册 implied 2024-05-01; A3: P6 never registered
    assert rate.signed == ("A1", "A2", "A3")
    assert rate.closed_implemented == ("A1", "A2") and rate.not_implemented == ("A3",) and rate.pending == ()
    assert rate.eligible == 3 and rate.rate == pytest.approx(2 / 3) and rate.to_date == pytest.approx(2 / 3)


def test_implementation_rate_with_open_windows() -> None:
    rate = implementation.implementation_rate(small_ledger(), 2025, AS_OF)
    assert rate.pending == ("A4",) and rate.eligible == 0 and rate.rate is None and rate.to_date == 0.0
    # as of 2024-09-01 the 2024 windows are all open: A1 and A2 already implemented, A3 pending
    early = implementation.implementation_rate(small_ledger(), 2024, date(2024, 9, 1))
    assert early.implemented == ("A1", "A2") and early.pending == ("A3",)
    assert early.rate is None and early.to_date == pytest.approx(2 / 3)


# ------------------------------------------------------------------------------------------ stage times


def test_median_days_between_stages() -> None:
    table = timing.stage_durations(small_ledger(), AS_OF)
    got = {(r.from_stage, r.to_stage): (r.n, r.median_days) for r in table.itertuples()}
    # 签约→注册: P1 29 (Feb 2024), P3 39 (Apr 1 → May 10), P4 31, P5 62 (Jul 1 → Sep 1); P2 skipped 注册
    assert got[("签约", "注册")] == (4, 35.0)  # median of 29 31 39 62 = (31 + 39) / 2
    # 注册→开工: P1 92 (Mar 31 + Apr 30 + May 31); P5 227 (2023-09-01 → 2024-04-15, the corrected date)
    assert got[("注册", "开工")] == (2, 159.5)
    # 开工→投产: P1 228 (2024-06-01 → 2025-01-15), P2 304 (2024-05-01 → 2025-03-01), P5 534 (2024-04-15 → 2025-10-01)
    assert got[("开工", "投产")] == (3, 304.0)
    assert got[("投产", "达产")] == (1, 184.0)  # P2: 2025-03-01 → 09-01
    by_year = timing.stage_durations(small_ledger(), AS_OF, by="year")
    assert by_year[(by_year["year"] == 2023)]["n"].tolist() == [1, 1, 1]  # P5 only: 签约→注册, 注册→开工, 开工→投产


# ------------------------------------------------------------------------------------------------ stalled


def test_stalled_projects_by_department() -> None:
    items = stalled.stalled(small_ledger(), AS_OF)
    # P1 last 投产 2025-01-15 (11 months); P3 last 注册 2024-05-10 (19 months, 开工 retracted); P6 签约
    # 2025-03-01 (9 months). Not: P2 达产, P4 终止, P5 投产 2025-10-01 (3 months), P7 signed 2025-10-01.
    assert [(s.project_id, s.department, s.last_stage.label_zh, s.months_without) for s in items] == [
        ("P6", "culture_tourism", "签约", 9),
        ("P3", "investment", "注册", 19),
        ("P1", "investment", "投产", 11),
    ]
    assert list(stalled.by_department(items)) == ["culture_tourism", "investment"]
    assert stalled.stalled(small_ledger(), AS_OF, months=12) == [items[1]]  # only P3 has 12+ months
    # a longer allowance for projects that reached 投产 only: P1 (11 months at 投产) drops out
    assert [s.project_id for s in stalled.stalled(small_ledger(), AS_OF, months={Stage.PRODUCING: 12})] == ["P6", "P3"]
    with pytest.raises(ValueError, match="at least 1"):
        stalled.stalled(small_ledger(), AS_OF, months=0)


def test_stalled_list_as_known_before_a_retraction() -> None:
    on = date(2024, 12, 1)
    # at 2024-12-01: P5 last 开工 2024-04-15, P2 开工 05-01, P1 开工 06-01 (06-01 + 6 months = 12-01 ≤ 12-01)
    # are stalled; P4 is 终止 on 12-01. P3: as known on 2024-10-01 its last milestone was 开工 2024-08-01
    # (4 months); after the retraction it is 注册 2024-05-10 (6 months and 21 days): stalled.
    before = stalled.stalled(small_ledger(), on, known_at=datetime(2024, 10, 1))
    assert [s.project_id for s in before] == ["P5", "P2", "P1"]
    assert [s.project_id for s in stalled.stalled(small_ledger(), on)] == ["P5", "P2", "P3", "P1"]
