"""Tests for the catalog file format and validator (kaifang.catalog.schema) — pure Python, no Django.

Row numbers in the expectations are hand-counted from the inline YAML: the header built by
``_doc`` is 5 lines, so the first indicator starts on line 6, and every ``_ind`` block is 9 lines
plus one line per extra field.
"""

from __future__ import annotations

import dataclasses
import json
import textwrap
from pathlib import Path

import pytest

from kaifang.catalog.formula import evaluate
from kaifang.catalog.schema import (
    ALL_DIMENSIONS,
    DEFAULT_CATALOG_PATH,
    DIMENSIONS,
    EXPORT_FIELDS,
    Catalog,
    CatalogIssue,
    export_rows,
    load_catalog,
    validate,
)
from kaifang.core.units import UNITS, convert
from tests.conftest import assert_pure

HEADER = """\
version: "t"
departments:
  - {code: stats, name_zh: 市统计局, name_en: Statistics}
  - {code: customs, name_zh: 巴中海关, name_en: Customs}
indicators:
"""

_DEFAULTS = {
    "name_zh": "指标",
    "name_en": "Indicator",
    "unit": "亿元",
    "frequency": "年",
    "dimension": "基础指标",
    "direction": "正向",
    "department": "stats",
    "source": "《巴中统计年鉴》",
}


def _ind(code: str, **fields: str | None) -> str:
    """One indicator block: 9 lines, plus one per extra field; ``field=None`` drops a line."""
    values: dict[str, str | None] = {**_DEFAULTS, **fields}
    lines = [f"  - code: {code}"]
    lines += [f"    {k}: {json.dumps(v, ensure_ascii=False)}" for k, v in values.items() if v is not None]
    return "\n".join(lines) + "\n"


def _doc(*blocks: str) -> str:
    return HEADER + "".join(blocks)


def _issues(text: str) -> list[CatalogIssue]:
    catalog, issues = load_catalog(text)
    assert catalog is None, "an invalid catalog must not be returned"
    assert issues, "expected at least one issue"
    return issues


def _only(issues: list[CatalogIssue], field: str) -> CatalogIssue:
    matching = [i for i in issues if i.field == field]
    assert len(matching) == 1, issues
    return matching[0]


# ------------------------------------------------------------------------------------ valid input


def test_minimal_valid_catalog_loads() -> None:
    catalog, issues = load_catalog(_doc(_ind("GDP"), _ind("TRADE_TOTAL", department="customs")))
    assert issues == []
    assert catalog is not None
    assert catalog.version == "t"
    assert [d.code for d in catalog.departments] == ["stats", "customs"]
    assert [s.code for s in catalog.indicators] == ["GDP", "TRADE_TOTAL"]
    assert [s.row for s in catalog.indicators] == [6, 15]
    assert catalog.get("TRADE_TOTAL").department == "customs"


def test_aliases_are_normalised() -> None:
    text = textwrap.dedent(
        """\
        version: 2025.10
        departments:
          - {code: stats, name_zh: 市统计局, name_en: Statistics}
        indicators:
          - code: "NO"
            name_zh: 测试
            name_en: Test
            unit: （单位：万元）
            frequency: Q
            dimension: hub_economy
            direction: -1
            department: stats
            source: 年鉴
          - code: ON
            name_zh: 测试2
            name_en: Test 2
            unit: ％
            frequency: 月度
            dimension: 风险防控
            direction: positive
            department: stats
            source: 年鉴
        """
    )
    catalog, issues = load_catalog(text)
    assert issues == []
    assert catalog is not None
    assert catalog.version == "2025.10"  # raw text: YAML would have made it the float 2025.1
    first, second = catalog.indicators
    assert (first.code, first.unit, first.frequency, first.dimension, first.direction) == (
        "NO", "万元", "季", "枢纽经济", "逆向",
    )  # fmt: skip
    assert first.sign == -1 and first.dimension_en == "hub_economy"
    assert (second.code, second.unit, second.frequency, second.direction) == ("ON", "%", "月", "正向")


# ------------------------------------------------------------------------------------ each error kind


def test_yaml_syntax_error_reports_its_line() -> None:
    text = textwrap.dedent(
        """\
        version: "t"
        departments:
          - {code: stats, name_zh: 市统计局, name_en: Statistics}
        indicators:
          - code: GDP
            name_zh: 地区生产总值
            unit: 亿元: 万元
        """
    )
    (issue,) = _issues(text)
    assert issue.row == 7
    assert "YAML" in issue.message
    assert str(issue).startswith("第7行 ")


def test_missing_required_field() -> None:
    issue = _only(_issues(_doc(_ind("GDP"), _ind("TRADE_TOTAL", unit=None))), "unit")
    assert (issue.row, issue.code) == (15, "TRADE_TOTAL")
    assert "缺少必填字段 unit" in issue.message and "missing required field unit" in issue.message


def test_duplicate_code_names_the_first_occurrence() -> None:
    issues = _issues(_doc(_ind("GDP"), _ind("TRADE_TOTAL"), _ind("GDP")))
    (issue,) = issues
    assert (issue.row, issue.code, issue.field) == (24, "GDP", "code")
    assert "第6行" in issue.message and "line 6" in issue.message


def test_unknown_parent() -> None:
    (issue,) = _issues(_doc(_ind("GDP"), _ind("EXPORT_TOTAL", parent="FOO")))
    assert (issue.row, issue.code, issue.field) == (15, "EXPORT_TOTAL", "parent")
    assert "FOO" in issue.message


def test_parent_cycle_names_the_path() -> None:
    # GDP at 6; A (10 lines) at 15; B (10 lines) at 25; C at 35.
    text = _doc(_ind("GDP"), _ind("A", parent="B"), _ind("B", parent="A"), _ind("C", parent="C"))
    issues = _issues(text)
    assert [(i.row, i.code, i.field) for i in issues] == [(15, "A", "parent"), (35, "C", "parent")]
    assert "A → B → A" in issues[0].message and "A -> B -> A" in issues[0].message
    assert "C → C" in issues[1].message


@pytest.mark.parametrize(
    ("field", "bad", "fragment"),
    [
        ("unit", "万斤", "'万斤'"),
        ("frequency", "周", "'周'"),
        ("dimension", "开放", "'开放'"),
        ("direction", "up", "'up'"),
        ("department", "nobody", "nobody"),
    ],
)
def test_bad_enumerated_values(field: str, bad: str, fragment: str) -> None:
    (issue,) = _issues(_doc(_ind("GDP"), _ind("TRADE_TOTAL", **{field: bad})))
    assert (issue.row, issue.code, issue.field) == (15, "TRADE_TOTAL", field)
    assert fragment in issue.message


def test_formula_syntax_error() -> None:
    (issue,) = _issues(_doc(_ind("GDP"), _ind("GDP2", formula="GDP +")))
    assert (issue.row, issue.code, issue.field) == (15, "GDP2", "formula")
    assert "语法错误" in issue.message


def test_formula_with_forbidden_construct() -> None:
    (issue,) = _issues(_doc(_ind("GDP"), _ind("GDP2", formula="abs(GDP)")))
    assert (issue.row, issue.field) == (15, "formula")
    assert "abs" in issue.message


def test_formula_naming_an_unknown_indicator() -> None:
    text = _doc(_ind("GDP"), _ind("TRADE_DEP", unit="%", formula="FOO / GDP * 100"))
    (issue,) = _issues(text)
    expected = "第15行 [TRADE_DEP] formula: 引用了未知指标 FOO (formula names unknown indicator FOO)"
    assert str(issue) == expected


def test_formula_cycle_names_the_path() -> None:
    # GDP at 6; A (10 lines) at 15; B at 25.
    text = _doc(_ind("GDP"), _ind("A", formula="B + GDP"), _ind("B", formula="A - GDP"))
    (issue,) = _issues(text)
    assert (issue.row, issue.code, issue.field) == (15, "A", "formula")
    assert "A → B → A" in issue.message and "formula cycle: A -> B -> A" in issue.message


def test_formula_on_its_own_code() -> None:
    (issue,) = _issues(_doc(_ind("GDP"), _ind("A", formula="A * 2 + GDP")))
    assert (issue.row, issue.code, issue.field) == (15, "A", "formula")
    assert "自身" in issue.message and "own code A" in issue.message


def test_formula_units_must_match_the_indicator_unit() -> None:
    # TRADE_TOTAL in 万元 divided by GDP in 亿元, times 100, is not a percentage.
    text = _doc(
        _ind("GDP"),
        _ind("TRADE_TOTAL", unit="万元"),
        _ind("TRADE_DEP", unit="%", formula="TRADE_TOTAL / GDP * 100"),
    )
    (issue,) = _issues(text)
    assert (issue.row, issue.code, issue.field) == (24, "TRADE_DEP", "formula")
    assert "0.0001" in issue.message


def test_formula_mixing_usd_and_cny_is_rejected() -> None:
    text = _doc(_ind("GDP"), _ind("FDI", unit="万美元"), _ind("FDI_GDP", unit="%", formula="FDI / GDP * 100"))
    (issue,) = _issues(text)
    assert (issue.row, issue.code) == (24, "FDI_GDP")
    assert "money_usd" in issue.message


def test_derived_indicator_cannot_be_more_frequent_than_its_inputs() -> None:
    text = _doc(
        _ind("GDP", frequency="季"),
        _ind("TRADE_TOTAL", frequency="月"),
        _ind("TRADE_DEP", unit="%", frequency="月", formula="TRADE_TOTAL / GDP * 100"),
    )
    (issue,) = _issues(text)
    assert (issue.row, issue.code, issue.field) == (24, "TRADE_DEP", "frequency")
    assert "GDP" in issue.message


def test_sub_item_unit_must_roll_up_into_its_parent() -> None:
    (issue,) = _issues(_doc(_ind("TRADE_TOTAL"), _ind("EXPORT_TOTAL", unit="万美元", parent="TRADE_TOTAL")))
    assert (issue.row, issue.code, issue.field) == (15, "EXPORT_TOTAL", "parent")


def test_unknown_field_suggests_the_right_name() -> None:
    (issue,) = _issues(_doc(_ind("GDP"), _ind("A", fromula="GDP")))
    assert (issue.row, issue.code, issue.field) == (15, "A", "fromula")
    assert "formula" in issue.message


def test_duplicate_field_in_one_entry() -> None:
    text = _doc(_ind("GDP")) + "    unit: 万元\n"
    (issue,) = _issues(text)
    assert (issue.row, issue.code, issue.field) == (6, "GDP", "unit")


def test_code_must_be_upper_snake_ascii() -> None:
    (issue,) = _issues(_doc(_ind("GDP"), _ind("trade_total")))
    assert (issue.row, issue.code, issue.field) == (15, "trade_total", "code")


def test_entry_that_is_not_a_mapping() -> None:
    (issue,) = _issues(HEADER + "  - GDP\n")
    assert issue.row == 6


def test_field_lengths_fit_the_database() -> None:
    (issue,) = _issues(_doc(_ind("GDP", name_zh="长" * 81)))
    assert (issue.row, issue.field) == (6, "name_zh")


@pytest.mark.parametrize(
    ("text", "row", "fragment"),
    [
        ("", 1, "空"),
        ("- a\n- b\n", 1, "top level"),
        ('version: "t"\ndepartments: []\n', 1, "indicators"),
        ("departments: []\nindicators: []\n", 1, "version"),
        ('version: "t"\ndepartments: []\nindicators: {}\n', 3, "list"),
        ('version: "t"\ndepartments: []\nindicators: []\nextra: 1\n', 4, "extra"),
    ],
)
def test_structural_problems(text: str, row: int, fragment: str) -> None:
    issues = _issues(text)
    assert any(i.row == row and fragment in i.message for i in issues), issues


def test_department_problems() -> None:
    text = textwrap.dedent(
        """\
        version: "t"
        departments:
          - {code: stats, name_zh: 市统计局, name_en: Statistics}
          - {code: stats, name_zh: 市统计局, name_en: Statistics}
          - {code: Bad-Code, name_zh: 部门, name_en: Dept}
          - {code: drc, name_zh: 市发展改革委}
        indicators: []
        """
    )
    issues = _issues(text)
    assert [(i.row, i.field) for i in issues] == [(4, "code"), (5, "code"), (6, "name_en")]
    assert "第3行" in issues[0].message


def test_all_errors_are_collected_not_just_the_first() -> None:
    text = _doc(
        _ind("GDP"),                                              # 6
        _ind("A", unit="万斤", frequency="周"),                    # 15
        _ind("GDP", direction="up"),                              # 24
        _ind("B", department="nobody", parent="ZZZ"),             # 33 (10 lines)
        _ind("C", unit="%", formula="GDP / NOPE * 100"),          # 43 (10 lines)
        _ind("D", dimension="开放", name_en=None),                 # 53
    )  # fmt: skip
    issues = _issues(text)
    assert [(i.row, i.code, i.field) for i in issues] == [
        (15, "A", "unit"),
        (15, "A", "frequency"),
        (24, "GDP", "code"),
        (24, "GDP", "direction"),
        (33, "B", "department"),
        (33, "B", "parent"),
        (43, "C", "formula"),
        (53, "D", "name_en"),
        (53, "D", "dimension"),
    ]


def test_issue_string_format() -> None:
    message = "引用了未知指标 FOO (formula names unknown indicator FOO)"
    issue = CatalogIssue(12, "TRADE_DEP", "formula", message)
    assert str(issue) == "第12行 [TRADE_DEP] formula: " + message
    assert str(CatalogIssue(3, None, None, "x")) == "第3行 x"
    assert str(CatalogIssue(0, None, None, "找不到")) == "文件 找不到"


# ------------------------------------------------------------------------------------ files and API


def test_load_from_path_and_from_path_string(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text(_doc(_ind("GDP")), encoding="utf-8")
    for source in (path, str(path)):
        catalog, issues = load_catalog(source)
        assert issues == [] and catalog is not None
        assert catalog.indicators[0].code == "GDP"


def test_missing_file_is_an_issue_not_an_exception(tmp_path: Path) -> None:
    catalog, issues = load_catalog(tmp_path / "missing.yaml")
    assert catalog is None
    assert len(issues) == 1 and issues[0].row == 0
    catalog, issues = load_catalog("no/such/catalog.yaml")
    assert catalog is None and issues[0].row == 0


def test_validate_rechecks_a_catalog_built_in_code() -> None:
    catalog, _ = load_catalog(_doc(_ind("GDP"), _ind("TRADE_TOTAL", department="customs")))
    assert catalog is not None
    assert validate(catalog) == []
    gdp, trade = catalog.indicators
    broken = Catalog(
        catalog.version,
        catalog.departments,
        [gdp, dataclasses.replace(trade, unit="斤", formula="GDP * FOO"), dataclasses.replace(gdp, row=99)],
    )
    assert [(i.row, i.code, i.field) for i in validate(broken)] == [
        (15, "TRADE_TOTAL", "unit"),
        (15, "TRADE_TOTAL", "formula"),
        (99, "GDP", "code"),
    ]


def test_export_rows() -> None:
    text = _doc(_ind("GDP"), _ind("GDP_X2", formula="GDP * 1", direction="-1"))
    catalog, issues = load_catalog(text)
    assert issues == [] and catalog is not None
    rows = export_rows(catalog)
    assert [tuple(r) for r in rows] == [EXPORT_FIELDS, EXPORT_FIELDS]
    assert rows[0] == {
        "code": "GDP", "name_zh": "指标", "name_en": "Indicator", "unit": "亿元", "frequency": "年",
        "dimension": "基础指标", "direction": "正向", "department": "stats", "source": "《巴中统计年鉴》",
        "formula": "",
    }  # fmt: skip
    assert rows[1]["formula"] == "GDP * 1" and rows[1]["direction"] == "逆向"


def test_modules_do_not_import_django() -> None:
    assert_pure("kaifang.core.units", "kaifang.catalog.formula", "kaifang.catalog.schema")


# ------------------------------------------------------------------------------------ shipped catalog


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    catalog, issues = load_catalog(DEFAULT_CATALOG_PATH)
    assert issues == [], "\n".join(map(str, issues))
    assert catalog is not None
    return catalog


REQUIRED_CODES = [
    "GDP", "TERTIARY_VA", "TERTIARY_SHARE", "TRADE_TOTAL", "EXPORT_TOTAL", "IMPORT_TOTAL", "TRADE_DEPENDENCE",
    "FDI_ACTUAL", "CROSS_BORDER_AGREEMENTS", "OUT_PROVINCE_FUNDS", "RD_SPENDING", "RD_INTENSITY",
    "BASE_STATIONS_5G", "AIRPORT_ROUTE_CITIES", "RAIL_FREIGHT", "ROAD_FREIGHT", "FREIGHT_TOTAL",
    "RAIL_FREIGHT_SHARE", "LOGISTICS_COST", "LOGISTICS_COST_GDP_RATIO", "CBEC_SALES", "RCEP_GI_UTILIZATION",
    "ECO_REDLINE_SHARE", "GEP", "SISTER_CITIES", "MIGRANT_WORKERS_OUT", "RETURNEE_ENTREPRENEURS",
    "CHINA_EUROPE_TRAINS", "POPULATION", "FOREIGN_TRADE_FIRMS", "CBEC_ENTITIES", "HIGH_TECH_FIRMS",
    "INDUSTRY_VA_ABOVE_SCALE", "RETAIL_SALES", "FISCAL_REVENUE", "TOURISM_REVENUE", "TOURIST_ARRIVALS",
    "FOREST_COVERAGE", "AIR_GOOD_DAYS_RATIO", "ECO_COMPENSATION", "EXPORT_MARKET_HHI",
    "KEY_CHAIN_SINGLE_SOURCE",
    "SUPPLY_CHAIN_DISRUPTION_INDEX", "FIRMS_RELOCATED_OUT", "TALENT_NET_OUTFLOW", "COOP_AGREEMENT_FULFILMENT",
    "PROJECT_START_RATE", "ENCLAVE_PARKS",
]  # fmt: skip


def test_shipped_catalog_loads_with_zero_issues(shipped: Catalog) -> None:
    assert shipped.version == "2025.1"
    assert len(shipped.indicators) >= 45
    assert validate(shipped) == []


def test_shipped_catalog_covers_all_dimensions(shipped: Catalog) -> None:
    counts = {d: sum(1 for s in shipped.indicators if s.dimension == d) for d in ALL_DIMENSIONS}
    assert all(counts[d] >= 5 for d in DIMENSIONS), counts
    assert counts["基础指标"] >= 5


def test_shipped_catalog_has_the_required_indicators(shipped: Catalog) -> None:
    codes = {s.code for s in shipped.indicators}
    assert set(REQUIRED_CODES) <= codes, set(REQUIRED_CODES) - codes


@pytest.mark.parametrize(
    ("code", "unit", "frequency", "dimension", "direction"),
    [
        ("GDP", "亿元", "季", "基础指标", "正向"),
        ("TRADE_TOTAL", "亿元", "月", "制度型开放", "正向"),
        ("TRADE_DEPENDENCE", "%", "季", "制度型开放", "正向"),
        ("FDI_ACTUAL", "万美元", "月", "制度型开放", "正向"),
        ("CROSS_BORDER_AGREEMENTS", "项", "季", "制度型开放", "正向"),
        ("OUT_PROVINCE_FUNDS", "亿元", "月", "区域协同治理", "正向"),
        ("BASE_STATIONS_5G", "个", "季", "枢纽经济", "正向"),
        ("AIRPORT_ROUTE_CITIES", "个", "月", "枢纽经济", "正向"),
        ("LOGISTICS_COST_GDP_RATIO", "%", "年", "枢纽经济", "逆向"),
        ("RCEP_GI_UTILIZATION", "%", "季", "制度型开放", "正向"),
        ("ECO_REDLINE_SHARE", "%", "年", "生态约束", "正向"),
        ("GEP", "亿元", "年", "生态约束", "正向"),
        ("SISTER_CITIES", "个", "年", "制度型开放", "正向"),
        ("MIGRANT_WORKERS_OUT", "万人", "年", "基础指标", "逆向"),
        ("RETURNEE_ENTREPRENEURS", "人", "年", "要素配置", "正向"),
        ("CHINA_EUROPE_TRAINS", "列", "月", "枢纽经济", "正向"),
        ("POPULATION", "万人", "年", "基础指标", "正向"),
        ("EXPORT_MARKET_HHI", "指数", "季", "风险防控", "逆向"),
        ("KEY_CHAIN_SINGLE_SOURCE", "%", "年", "风险防控", "逆向"),
        ("SUPPLY_CHAIN_DISRUPTION_INDEX", "指数", "月", "风险防控", "逆向"),
        ("FIRMS_RELOCATED_OUT", "家", "年", "风险防控", "逆向"),
        ("TALENT_NET_OUTFLOW", "人", "年", "风险防控", "逆向"),
        ("EMPTY_RUN_RATIO", "%", "月", "枢纽经济", "逆向"),
    ],
)
def test_shipped_catalog_key_attributes(
    shipped: Catalog, code: str, unit: str, frequency: str, dimension: str, direction: str
) -> None:
    spec = shipped.get(code)
    actual = (spec.unit, spec.frequency, spec.dimension, spec.direction)
    assert actual == (unit, frequency, dimension, direction)


def test_shipped_catalog_formulas(shipped: Catalog) -> None:
    formulas = shipped.formulas()
    codes = {s.code for s in shipped.indicators}
    for code, formula in formulas.items():
        assert formula.names <= codes, code
    assert shipped.get("TRADE_DEPENDENCE").formula == "TRADE_TOTAL / GDP * 100"
    assert shipped.get("LOGISTICS_COST_GDP_RATIO").formula == "LOGISTICS_COST / GDP * 100"
    # FREIGHT_TOTAL is derived and is itself used by RAIL_FREIGHT_SHARE
    order = shipped.derived_order()
    assert order.index("FREIGHT_TOTAL") < order.index("RAIL_FREIGHT_SHARE")
    assert set(order) == set(formulas)


def test_shipped_catalog_reproduces_the_reports_ratios(shipped: Catalog) -> None:
    facts = {
        "GDP": 870.51, "TERTIARY_VA": 870.51 * 0.577, "TRADE_TOTAL": 10.9, "RD_SPENDING": 2.8,
        "LAND_AREA": 12293.0, "ECO_REDLINE_AREA": 12293.0 * 0.1651,
    }  # fmt: skip
    assert evaluate(shipped.get("TRADE_DEPENDENCE").formula or "", facts) == pytest.approx(1.2521, abs=5e-5)
    assert evaluate(shipped.get("RD_INTENSITY").formula or "", facts) == pytest.approx(0.3217, abs=5e-5)
    assert evaluate(shipped.get("TERTIARY_SHARE").formula or "", facts) == pytest.approx(57.7)
    assert evaluate(shipped.get("ECO_REDLINE_SHARE").formula or "", facts) == pytest.approx(16.51)
    # 870.51 亿元 / 12293 km² = 0.0708 亿元/km², i.e. 708 万元/km², against 苏州工业园区's 12 亿元/km²
    per_km2 = evaluate(shipped.get("GDP_PER_KM2").formula or "", facts)
    assert convert(per_km2, "亿元/平方公里", "万元/平方公里") == pytest.approx(708.1, abs=0.05)


def test_shipped_catalog_every_entry_is_complete(shipped: Catalog) -> None:
    departments = {d.code for d in shipped.departments}
    for spec in shipped.indicators:
        assert spec.unit in UNITS
        assert spec.department in departments
        assert spec.source and spec.name_zh and spec.name_en
        if spec.is_derived:
            assert spec.source.startswith("由") or "计算" in spec.source, spec.code
