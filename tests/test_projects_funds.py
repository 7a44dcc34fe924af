"""实际到位资金, regions and the year's summary (kaifang.projects.funds, regions, summary) — pure.

Uses the hand-made ledger of :mod:`tests.test_projects_measures`; the sums are added up in the comments.

Run: .venv/bin/pytest tests/test_projects_funds.py -q -p no:django
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from kaifang.projects import funds, regions
from kaifang.projects.records import FundsInPlace, Ledger, PartnerKind, to_yi
from kaifang.projects.summary import summary
from tests.conftest import assert_pure
from tests.test_projects_measures import AS_OF, small_ledger


def test_modules_are_pure() -> None:
    assert_pure("kaifang.projects.funds", "kaifang.projects.regions", "kaifang.projects.summary")


def test_units_are_explicit_and_exact() -> None:
    assert to_yi(Decimal("5000"), "万元") == Decimal("0.5")
    assert to_yi(Decimal("1.2"), "亿元") == Decimal("1.2")
    with pytest.raises(ValueError, match="万元或亿元"):
        to_yi(Decimal(1), "万美元")  # needs an exchange rate: never converted silently
    with pytest.raises(ValueError, match="YYYY-MM"):
        FundsInPlace("2024-13", "500000", Decimal(1), "亿元", datetime(2024, 1, 1))


def test_regions_of_partners_and_sources() -> None:
    assert regions.resolve("广东深圳")[0].code == "440300"
    assert regions.resolve("浙江省")[0].code == "330000"
    assert regions.resolve("越南")[0].code == "VNM"
    rec, warning = regions.resolve("广东佛山")  # 佛山 is not in the lists: the province, with a warning
    assert rec.code == "440000" and "只识别到省级" in warning
    assert [regions.is_out_of_province(c) for c in ("440300", "500000", "510100", "511921", "VNM", "810000")] == [
        True,  # 深圳
        True,  # 重庆
        False,  # 成都: 四川
        False,  # 通江县: 四川
        False,  # 越南: 境外, not 省外
        False,  # 香港: 境外
    ]
    assert regions.partner_kind("VNM") is PartnerKind.COUNTRY
    assert regions.partner_kind("440000") is PartnerKind.PROVINCE
    assert regions.partner_kind("440300") is PartnerKind.CITY
    assert regions.province_of("511921") == "510000"


def test_out_of_province_funds_2024_with_lineage() -> None:
    total = funds.out_of_province_funds(small_ledger(), 2024)
    # P1 5000万元 (0.5) + 1.2 (重庆); P2 2.0 + 1.0 (深圳, 2024-09 corrected from 1.5); P5 0.8 (浙江) = 5.5 亿元.
    # Not: P2's 0.3 from 香港 (境外), P4's 0.4 from 成都 (省内), P1's 2025-02.
    assert total.amount == Decimal("5.5") and total.unit == "亿元"
    assert total.lineage == (
        ("P1", "2024-03"),
        ("P1", "2024-07"),
        ("P2", "2024-06"),
        ("P2", "2024-09"),
        ("P5", "2024-04"),
    )
    # as known on 2024-11-01 the September amount was still 1.5: 5.5 − 1.0 + 1.5 = 6.0
    assert funds.out_of_province_funds(small_ledger(), 2024, known_at=datetime(2024, 11, 1)).amount == Decimal("6.0")
    assert funds.out_of_province_funds(small_ledger(), "2024-06").amount == Decimal("2.0")  # P2 深圳 only
    assert funds.out_of_province_funds(small_ledger(), 2019).amount == 0


def test_funds_by_month_year_and_region() -> None:
    ledger = small_ledger()
    yearly = {
        (t.period, t.scope): t.amount for s in funds.SCOPES for t in funds.funds_in_place(ledger, freq="Y", scope=s)
    }
    assert yearly[("2024", "all")] == Decimal("6.2")  # 5.5 省外 + 0.3 境外 + 0.4 省内
    assert yearly[("2024", "foreign")] == Decimal("0.3")
    assert yearly[("2024", "in_province")] == Decimal("0.4")
    assert yearly[("2025", "all")] == Decimal("0.3")  # P1 3000万元 in 2025-02
    june = funds.funds_in_place(ledger, freq="M", by_region=True)
    june = {t.source_region: t for t in june if t.period == "2024-06"}
    assert {k: v.amount for k, v in june.items()} == {"440300": Decimal("2.0"), "810000": Decimal("0.3")}
    assert june["440300"].lineage == (("P2", "2024-06"),)
    rows = funds.to_long(funds.funds_in_place(ledger, freq="Y", scope="out_of_province"))
    assert rows[0] == {
        "indicator": "OUT_PROVINCE_FUNDS",
        "ref_area": "511900",
        "time_period": "2024",
        "obs_value": 5.5,
        "unit": "亿元",
        "source_region": None,
        "lineage": [["P1", "2024-03"], ["P1", "2024-07"], ["P2", "2024-06"], ["P2", "2024-09"], ["P5", "2024-04"]],
    }
    with pytest.raises(ValueError, match="scope"):
        funds.funds_in_place(ledger, scope="abroad")


def test_flows_from_cumulative_snapshots() -> None:
    t = datetime(2024, 12, 31)
    snaps = [
        funds.CumulativeFunds("P9", "2024-06", "440300", Decimal("1.5"), t),
        funds.CumulativeFunds("P9", "2024-12", "440300", Decimal("4.0"), t),
        funds.CumulativeFunds("P9", "2024-03", "440300", Decimal("0.5"), t),
    ]
    flows = funds.flows_from_cumulative(snaps)["P9"]
    # 0.5 in March (no earlier base), 1.5 − 0.5 = 1.0 in June, 4.0 − 1.5 = 2.5 in December
    assert [(x.month, x.amount) for x in flows] == [
        ("2024-03", Decimal("0.5")),
        ("2024-06", Decimal("1.0")),
        ("2024-12", Decimal("2.5")),
    ]
    with pytest.raises(ValueError, match="降到"):
        funds.flows_from_cumulative([*snaps, funds.CumulativeFunds("P9", "2025-03", "440300", Decimal("3"), t)])


def test_summary_of_2024() -> None:
    out = summary(small_ledger(), 2024)
    assert out["as_of"] == AS_OF.isoformat()
    assert out["agreements"] == {
        "signed": 3,
        "cross_border": 1,
        "by_kind": {"友好城市": 1, "战略合作框架协议": 1, "投资协议": 1},
    }
    assert out["funds_in_place"]["out_of_province"] == 5.5 and out["funds_in_place"]["total"] == 6.2
    assert out["funnel"]["projects"]["overall"] == {
        "eligible": 4,
        "shares": {"签约": 1.0, "注册": 1.0, "开工": 0.5, "投产": 0.5, "达产": 0.25},
    }
    assert out["funnel"]["projects"]["within_24_months"]["shares"]["签约"] is None  # no window closed yet
    assert out["implementation_rate"]["rate"] == 0.6667  # 2/3 (A1, A2 of A1–A3)
    assert out["projects"]["stalled"] == 3  # P1, P3, P6 (see the stalled test)
    json.dumps(out, ensure_ascii=False)  # JSON-ready


def test_summary_of_an_empty_ledger() -> None:
    out = summary(Ledger((), ()), 2024, as_of=date(2024, 12, 31))
    assert out["agreements"]["signed"] == 0 and out["funds_in_place"]["total"] == 0.0
    assert out["implementation_rate"]["rate"] is None
    assert out["funnel"]["projects"]["overall"]["shares"]["签约"] is None
