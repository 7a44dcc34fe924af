"""Mapping templates (kaifang.collection.readers.mapping): workbooks → long observations — pure, no DB.

Expected observations are written out by hand from the workbooks built in
:mod:`tests.test_readers_layout`; real files from ``../shared/data`` are read where present.
"""

from __future__ import annotations

import io
import re

import openpyxl
import pandas as pd
import pytest

from kaifang.collection.readers.grid import read_workbook
from kaifang.collection.readers.layout import detect
from kaifang.collection.readers.mapping import COLUMNS, Template, TemplateError, ValueColumn, apply, partitions
from kaifang.core.units import convert
from tests.conftest import shared_data
from tests.test_readers_layout import county_table, monthly_report, one_sheet, save

NAMES = {"实际利用外资": "FDI_ACTUAL", "外贸企业数": "FOREIGN_TRADE_FIRMS", "进出口总额": "TRADE_TOTAL"}

COMMERCE = Template(
    name="商务局外经月报",
    sheet="月",
    sheet_contains="对外经济",
    all_sheets=True,
    values=[ValueColumn(["当月", "绝对值"]), ValueColumn(["累计", "绝对值"])],
    ref_area="巴中市",
    labels={"出口": "EXPORT_TOTAL", "进口": "IMPORT_TOTAL"},
    source="巴中海关",
)

F = "商务局.xlsx"
# (location, indicator, time_period, value, unit, basis, note, part_of, partial) — hand-computed
EXPECTED = [
    # 1–2月合并发布: 当月 → 2024-01/02 (当期), 累计 → 2024-02; "…" (below the unit) is no observation
    (f"{F}!1-2月!R5C3", "TRADE_TOTAL", "2024-01/02", 1234.5, "万元", "当期", "", "", False),
    (f"{F}!1-2月!R5C5", "TRADE_TOTAL", "2024-02", 2468.0, "万元", "累计", "", "", False),
    (f"{F}!1-2月!R6C3", "EXPORT_TOTAL", "2024-01/02", 800.0, "万元", "当期", "", f"{F}!1-2月!R5C3", True),
    (
        f"{F}!1-2月!R6C5",
        "EXPORT_TOTAL",
        "2024-02",
        1600.0,
        "万元",
        "累计",
        "注①：含加工贸易。",
        f"{F}!1-2月!R5C5",
        True,
    ),
    (f"{F}!1-2月!R7C3", "IMPORT_TOTAL", "2024-01/02", 434.5, "万元", "当期", "", f"{F}!1-2月!R5C3", True),
    (f"{F}!1-2月!R7C5", "IMPORT_TOTAL", "2024-02", 868.0, "万元", "累计", "", f"{F}!1-2月!R5C5", True),
    (f"{F}!1-2月!R8C5", "FDI_ACTUAL", "2024-02", 120.0, "万美元", "累计", "", "", False),
    (f"{F}!1-2月!R9C3", "FOREIGN_TRADE_FIRMS", "2024-01/02", 35.0, "个", "当期", "", "", False),
    (f"{F}!1-2月!R9C5", "FOREIGN_TRADE_FIRMS", "2024-02", 35.0, "个", "累计", "", "", False),
    (f"{F}!3月!R5C3", "TRADE_TOTAL", "2024-03", 1100.0, "万元", "当期", "", "", False),
    (f"{F}!3月!R5C5", "TRADE_TOTAL", "2024-03", 3568.0, "万元", "累计", "", "", False),
    (f"{F}!3月!R6C3", "EXPORT_TOTAL", "2024-03", 700.0, "万元", "当期", "注*：为快报数。", f"{F}!3月!R5C3", True),
    (f"{F}!3月!R6C5", "EXPORT_TOTAL", "2024-03", 2300.0, "万元", "累计", "", f"{F}!3月!R5C5", True),
    (f"{F}!3月!R7C3", "IMPORT_TOTAL", "2024-03", 400.0, "万元", "当期", "", f"{F}!3月!R5C3", True),
    (f"{F}!3月!R7C5", "IMPORT_TOTAL", "2024-03", 1268.0, "万元", "累计", "", f"{F}!3月!R5C5", True),
    (f"{F}!3月!R8C3", "FDI_ACTUAL", "2024-03", 80.0, "万美元", "当期", "", "", False),
    (f"{F}!3月!R8C5", "FDI_ACTUAL", "2024-03", 200.0, "万美元", "累计", "", "", False),
    (f"{F}!3月!R9C3", "FOREIGN_TRADE_FIRMS", "2024-03", 38.0, "个", "当期", "", "", False),
    (f"{F}!3月!R9C5", "FOREIGN_TRADE_FIRMS", "2024-03", 38.0, "个", "累计", "", "", False),
]


def rows(df: pd.DataFrame) -> list[tuple[object, ...]]:
    cols = ["indicator", "time_period", "obs_value", "unit", "basis", "note", "part_of", "partial"]
    return [(label, *values) for label, values in zip(df.index, df[cols].itertuples(index=False), strict=True)]


def test_monthly_report_two_sheets_exact_observations() -> None:
    df, problems = apply(COMMERCE, read_workbook(monthly_report(), filename=F), names=NAMES)
    assert problems == []
    assert list(df.columns) == COLUMNS
    assert rows(df) == EXPECTED
    assert set(df["ref_area"]) == {"511900"} and set(df["source"]) == {"巴中海关"} and set(df["obs_status"]) == {""}
    assert (df.loc[f"{F}!3月!R6C5", ["file", "sheet", "row", "column", "role"]].tolist()
            == [F, "3月", 6, 5, "part"])  # fmt: skip
    # 其中 items point at their total, never added into it; the plausibility check skips them
    assert partitions(df)[:2] == [
        (f"{F}!1-2月!R5C3", [f"{F}!1-2月!R6C3", f"{F}!1-2月!R7C3"], False),
        (f"{F}!1-2月!R5C5", [f"{F}!1-2月!R6C5", f"{F}!1-2月!R7C5"], False),
    ]


def test_reordered_columns_and_renamed_sheets_give_the_same_values() -> None:
    # next month the department puts 累计 first and renames the sheets; the template is unchanged
    data = monthly_report(order=(0, 1, 4, 5, 2, 3), names=("2024年1-2月", "2024年3月"))
    df, problems = apply(COMMERCE, read_workbook(data, filename=F), names=NAMES)
    assert problems == []
    key = ["indicator", "ref_area", "time_period", "obs_value", "unit", "basis"]
    expected = sorted((ind, "511900", per, val, unit, basis) for _, ind, per, val, unit, basis, *_ in EXPECTED)
    assert sorted(df[key].itertuples(index=False, name=None)) == expected
    assert df.loc[f"{F}!2024年3月!R5C3", "obs_value"] == 3568.0  # 累计 now sits in column C


def test_other_sheets_are_ignored_and_first_sheet_only_by_default() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(monthly_report()))
    wb.create_sheet("填报说明", 0)["A1"] = "各月按时报送，单位：万元"
    sheets = read_workbook(save(wb), filename=F)
    only_first = Template(**{**COMMERCE.__dict__, "all_sheets": False})
    df, problems = apply(only_first, sheets, names=NAMES)
    assert problems == [] and set(df["sheet"]) == {"1-2月"} and len(df) == 9


def test_csv_in_utf8_bom_and_gbk_map_identically() -> None:
    text = (
        "2024年3月巴中市对外经济主要指标,,,,\n单位：万元,,,,\n指标,当月,,累计,\n,绝对值,同比±%,绝对值,同比±%\n"
        '进出口总额,"1,100",3.0,"3,568",7.9\n  其中：出口,700,2.1,2300,5.5\n        进口,４００,-1.0,1268,1.2\n'
    )
    template = Template(name="csv", values=COMMERCE.values, ref_area="511900", labels=COMMERCE.labels)
    results = []
    for data in (b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("gbk")):
        df, problems = apply(template, read_workbook(data, filename="外经.csv"), names=NAMES)
        assert problems == []
        results.append(df)
    pd.testing.assert_frame_equal(results[0], results[1])
    assert rows(results[0]) == [
        ("外经.csv!外经!R5C2", "TRADE_TOTAL", "2024-03", 1100.0, "万元", "当期", "", "", False),
        ("外经.csv!外经!R5C4", "TRADE_TOTAL", "2024-03", 3568.0, "万元", "累计", "", "", False),
        ("外经.csv!外经!R6C2", "EXPORT_TOTAL", "2024-03", 700.0, "万元", "当期", "", "外经.csv!外经!R5C2", True),
        ("外经.csv!外经!R6C4", "EXPORT_TOTAL", "2024-03", 2300.0, "万元", "累计", "", "外经.csv!外经!R5C4", True),
        ("外经.csv!外经!R7C2", "IMPORT_TOTAL", "2024-03", 400.0, "万元", "当期", "", "外经.csv!外经!R5C2", True),
        ("外经.csv!外经!R7C4", "IMPORT_TOTAL", "2024-03", 1268.0, "万元", "累计", "", "外经.csv!外经!R5C4", True),
    ]


COUNTIES = Template(
    name="统计局社零分县", rows="region", within="511900", total_region="511900",
    values=[ValueColumn(["一季度"], indicator="社会消费品零售总额")],
)  # fmt: skip


@pytest.mark.parametrize("total_last", [False, True])
def test_region_table_with_total(total_last: bool) -> None:
    sheets = read_workbook(county_table(total_last), filename="社零.xlsx")
    df, problems = apply(COUNTIES, sheets, names={"社会消费品零售总额": "RETAIL_SALES"})
    assert problems == []
    got = sorted(df[["ref_area", "obs_value"]].itertuples(index=False, name=None))
    assert got == [("511900", 114.0), ("511902", 40.1), ("511903", 12.3), ("511921", 20.5), ("511922", 18.7),
                   ("511923", 22.4)]  # fmt: skip
    assert set(df["indicator"]) == {"RETAIL_SALES"} and set(df["time_period"]) == {"2024Q1"}
    assert set(df["unit"]) == {"亿元"} and set(df["basis"]) == {"当期"}
    total = df.index[df["ref_area"] == "511900"][0]
    [(head, parts, complete)] = partitions(df)
    assert head == total and len(parts) == 5 and complete  # 全市 = its five counties: checked as a sum


def test_growth_column_is_not_imported() -> None:
    template = Template(name="x", rows="region", within="511900", total_region="511900",
                        values=[ValueColumn(["同比增长"], indicator="RETAIL_SALES")])  # fmt: skip
    df, problems = apply(template, read_workbook(county_table(), filename="社零.xlsx"))
    assert df.empty
    assert [str(p) for p in problems] == [
        "社零.xlsx!社零: “同比增长(%)”是同比/增速列，不能作为数值导入 (a growth-rate column)"
    ]
    allowed = Template(
        **{**template.__dict__, "values": [ValueColumn(["同比增长"], indicator="RETAIL_GROWTH", rate=True)]}
    )
    df, problems = apply(allowed, read_workbook(county_table(), filename="社零.xlsx"))
    assert problems == [] and len(df) == 6 and set(df["unit"]) == {"%"}


def test_located_problems_in_a_messy_sheet() -> None:
    sheet = one_sheet([
        ["2024年3月巴中市外贸", None],
        ["指标", "当月"],
        ["进出口总额", 10.9],
        ["出口", "约100"],
        ["进口", "=B3-B4"],  # openpyxl saves no cached value
        ["外汇收入", 5],
        ["实际利用外资", "12亿美金"],
        ["外贸企业数", "—"],  # 无此项: not an observation, not a problem
    ], merges=["A1:B1"], name="外贸")  # fmt: skip
    template = Template(name="m", values=[ValueColumn(["当月"])], ref_area="511900",
                        labels={"出口": "EXPORT_TOTAL", "进口": "IMPORT_TOTAL"})  # fmt: skip
    df, problems = apply(template, [sheet], names=NAMES)
    assert df.index.tolist() == ["t.xlsx!外贸!R3C2"] and df["obs_value"].tolist() == [10.9]
    assert [(p.location, p.level, p.message) for p in problems] == [
        ("t.xlsx!外贸!R5C2", "error", "单元格 B5 的公式 =B3-B4 没有计算结果，请在 Excel 中重新计算并保存"
                                      " (formula without a cached value: recalculate and save in Excel)"),
        ("t.xlsx!外贸!R4C2", "error", "不是数值：“约100” (not a number)"),
        ("t.xlsx!外贸!R6C1", "error", "未知指标“外汇收入”：请在模板的 labels 中对应到指标代码 (unknown indicator)"),
        ("t.xlsx!外贸!R7C2", "error", "不是数值：“12亿美金” (not a number)"),
    ]  # fmt: skip


def test_unknown_region_missing_column_missing_sheet_and_period() -> None:
    sheet = one_sheet([["地区", "2024年"], ["经开区", 3.0], ["通江区", 4.0]], name="分县")
    template = Template(name="r", rows="region", within="511900", values=[ValueColumn(["2024年"], indicator="GDP")])
    df, problems = apply(template, [sheet])
    # 通江区 is the suffix-swapped 通江县; 经开区 is no administrative region
    assert df["ref_area"].tolist() == ["511921"] and df["time_period"].tolist() == ["2024"]
    [p] = problems
    assert (p.location, p.message.split(" ")[0]) == ("t.xlsx!分县!R2C1", "未知地区")

    missing = Template(
        name="c", values=[ValueColumn(["本月"]), ValueColumn(["备注"], optional=True)], ref_area="511900"
    )
    assert [str(p) for p in apply(missing, [sheet])[1]] == ["t.xlsx!分县: 找不到数值列“本月” (value column not found)"]

    elsewhere = Template(name="s", sheet="外资", values=[ValueColumn(["2024年"])])
    assert [p.message for p in apply(elsewhere, [sheet])[1]] == [
        "没有符合模板“s”的工作表（现有：分县） (no sheet matches the template)"
    ]

    undated = one_sheet([["指标", "当月"], ["进出口总额", 10.9]], name="外贸")
    plain = Template(name="p", values=[ValueColumn(["当月"])], ref_area="511900")
    df, problems = apply(plain, [undated], names=NAMES)
    assert df.empty and [p.message for p in problems] == [
        "未找到统计期间：请在标题、工作表名称、表头或模板中注明（如 2024年3月）"
        " (no period in the title, sheet name, header or template)"
    ]
    dated = Template(**{**plain.__dict__, "period": "2024年1-2月"})
    df, problems = apply(dated, [undated], names=NAMES, filename="改名.xlsx")
    assert (
        problems == [] and df.index.tolist() == ["改名.xlsx!外贸!R2C2"] and df["time_period"].tolist() == ["2024-01/02"]
    )


def test_template_round_trips_and_refuses_unknown_fields() -> None:
    assert Template.from_yaml(COMMERCE.to_yaml()) == COMMERCE
    assert Template.from_json(COMMERCE.to_json()) == COMMERCE
    assert COMMERCE.to_dict()["values"] == [{"header": ["当月", "绝对值"]}, {"header": ["累计", "绝对值"]}]
    short = Template.from_dict({"name": "t", "values": ["GSCPI"], "period_column": "Date", "ref_area": "GLOBAL"})
    assert short.values == [ValueColumn(["GSCPI"])] and short.period_column == ["Date"]
    with pytest.raises(TemplateError, match=r"未知字段 'colour'.*rows 应为"):
        Template.from_dict({"name": "t", "values": [{"header": ["当月"]}], "colour": "red", "rows": "cols"})
    with pytest.raises(TemplateError, match=r"all_sheets 应为 true/false.*labels 应为键值对"):
        Template.from_dict({"name": "t", "values": ["x"], "all_sheets": "yes", "labels": ["出口"]})
    with pytest.raises(TemplateError, match=r"模板应为键值对"):
        Template.from_yaml("- a\n- b\n")
    coerced = Template.from_yaml("name: t\nvalues: [当月]\nref_area: 511900\nlabels: {全市: 511900}\n")
    assert (coerced.ref_area, coerced.labels) == ("511900", {"全市": "511900"})
    with pytest.raises(TemplateError, match=r"values\[0\] 未知字段 'heading'"):
        Template.from_dict({"name": "t", "values": [{"header": ["x"], "heading": 1}]})
    df, problems = apply(Template(name="bad", values=[]), [])
    assert df.empty and [p.message for p in problems] == [
        "模板无效：至少需要一个数值列 (values: at least one value column)"
    ]


# ------------------------------------------------------------------------------------------ real files


def test_cre_city_panel_bazhong_gdp_2021() -> None:
    csv_path = shared_data("cities", "CRE_Gdpct.csv")
    codebook = csv_path.with_name("CRE_Gdpct_codebook.txt").read_text(encoding="utf-8")
    # The codebook gives units in words ("(unit: 100 million)" = 亿元); for the components it carries an
    # unresolved merge conflict: one side says "(unit: 10000)" (万元), the other nothing.
    words = {"100 million": "亿元", "10000": "万元", "CNY": "元"}
    units = {m[1]: words[m[2]] for m in re.finditer(r"^(\w+) \[[^]]*\] - \(unit: ([^)]+)\)", codebook, re.M)}
    assert units == {"Gdpct01": "亿元", "GDP_PerCapita": "元", "GDP_PrimInd": "万元", "GDP_SecInd": "万元",
                     "GDP_TerInd": "万元"}  # fmt: skip
    template = Template(
        name="CRE_Gdpct", rows="none", region_column=["Ctnm_id"], period_column=["Sgnyea"], skip_unknown_regions=True,
        values=[ValueColumn([code], indicator=code, unit=units[code]) for code in ("Gdpct01", "GDP_PrimInd",
                                                                                   "GDP_SecInd", "GDP_TerInd")],
    )  # fmt: skip
    df, problems = apply(template, read_workbook(csv_path))
    assert [p.level for p in problems] == ["info"] and "跳过 9343 行" in problems[0].message
    gdp = df[df["indicator"] == "Gdpct01"]
    assert len(gdp) == 719  # the 25 platform regions' city-years (10,182 rows for ~335 cities)
    bazhong = gdp[gdp["ref_area"] == "511900"].set_index("time_period")
    assert len(bazhong) == 29 and bazhong.index.min() == "1993"
    assert (bazhong.at["2021", "obs_value"], bazhong.at["2021", "unit"]) == (742.51, "亿元")
    assert bazhong.loc[["2019", "2020"], "obs_value"].tolist() == [754.29, 766.99]
    # the three industries (万元) add up to GDP (亿元): the "(unit: 10000)" side of the conflict is right
    parts = df[(df["ref_area"] == "511900") & (df["time_period"] == "2021") & (df["indicator"] != "Gdpct01")]
    assert set(parts["unit"]) == {"万元"}
    assert convert(parts["obs_value"].sum(), "万元", "亿元") == pytest.approx(742.51, abs=1e-9)


def test_gscpi_raw_export_finds_the_table() -> None:
    sheets = read_workbook(shared_data("gscpi", "gscpi_nyfed_vintage_2026-03.csv"))
    template = Template(name="GSCPI", rows="none", period_column=["Date"], ref_area="GLOBAL",
                        values=[ValueColumn(["GSCPI"], indicator="GSCPI", unit="指数")])  # fmt: skip
    df, problems = apply(template, sheets)
    assert problems == []
    assert len(df) == 339  # 1998-01 … 2026-03; the banner rows and empty columns are not data
    assert df["time_period"].is_unique and df["ref_area"].eq("WLD").all()  # 全球: GLOBAL is an alias of WLD
    series = df.set_index("time_period")["obs_value"]
    assert (series.index[0], series.iloc[0], series.index[-1], series.iloc[-1]) == ("1998-01", -1.09, "2026-03", 0.68)
    assert (series.idxmax(), series.max()) == ("2021-12", 4.49)
    assert df.index[0] == "gscpi_nyfed_vintage_2026-03.csv!gscpi_nyfed_vintage_2026-03!R6C2"


def test_city_yearbook_extract_utilised_fdi() -> None:
    sheets = read_workbook(shared_data("cities", "jcdasheng_cities_2004_2012_ccsy.xlsx"))
    # by label: the unit comes from the header "外商实际投资额_全市_万美元", not from the template
    template = Template(name="CCSY", rows="region", period_column=["年份"], skip_unknown_regions=True,
                        values=[ValueColumn(["外商实际投资额_全市"], indicator="FDI_ACTUAL")])  # fmt: skip
    df, problems = apply(template, sheets)
    assert [p.level for p in problems] == ["info"] and "跳过 1823 行" in problems[0].message
    assert len(df) == 166 and df["ref_area"].nunique() == 22 and set(df["unit"]) == {"万美元"}
    bazhong = df[df["ref_area"] == "511900"]
    assert list(zip(bazhong["time_period"], bazhong["obs_value"], strict=True)) == [
        ("2004", 0.0), ("2005", 23.0), ("2006", 47.0), ("2007", 67.0), ("2008", 815.0), ("2009", 64.0),
        ("2012", 1100.0),
    ]  # fmt: skip
    assert df.index[df["ref_area"] == "511900"][4] == "jcdasheng_cities_2004_2012_ccsy.xlsx!new!R46C6"


def test_province_panel_long_table() -> None:
    folder = shared_data("province-panel")
    # the indicator dictionary is itself read by label: 指标代码 and 单位 columns
    [dictionary] = read_workbook(folder / "cnmoderndata_indicator_dictionary.xlsx")
    table = detect(dictionary)
    [code_col], [unit_col] = table.find(["指标代码"]), table.find(["单位"])
    units = {table.cell(r.index, code_col.index): table.cell(r.index, unit_col.index) for r in table.rows}
    units = {code: unit for code, unit in units.items() if code}
    assert len(units) == 44 and units["E8"] == "美元/人"
    values = [ValueColumn([code], indicator=code, unit=unit) for code, unit in units.items()]
    template = Template(
        name="cnmoderndata", rows="region", period_column=["时间"], skip_unknown_regions=True, values=values
    )
    df, problems = apply(template, read_workbook(folder / "cnmoderndata_province_2000_2023_raw.xlsx"))
    assert [p.level for p in problems] == ["info"]  # 28 provinces outside the platform's region list
    assert df["ref_area"].value_counts().to_dict() == {"510000": 866, "610000": 863, "500000": 862}
    sichuan = df[df["ref_area"] == "510000"]  # 四川 → 510000: 24 years × 44 indicators, 866 cells filled
    e8 = sichuan[sichuan["indicator"] == "E8"].set_index("time_period")["obs_value"]
    # the implausible value the plausibility check must flag: 786.6 → 58.65 → 1065.6 美元/人
    assert (e8["2020"], e8["2021"], e8["2022"]) == (786.5863782209481, 58.65071499362877, 1065.560066873657)
    assert set(sichuan.loc[sichuan["indicator"] == "E8", "unit"]) == {"美元/人"}


def as_xls(xlsx: bytes) -> bytes:
    """The same workbook saved as a real BIFF8 .xls (what older 统计 software still exports), merges included."""
    import xlwt  # dev dependency: writes genuine .xls files, which calamine must read

    source = openpyxl.load_workbook(io.BytesIO(xlsx))
    book = xlwt.Workbook(encoding="utf-8")
    for ws in source.worksheets:
        sheet = book.add_sheet(ws.title)
        merged = {(r.min_row, r.min_col): r for r in ws.merged_cells.ranges}
        covered = {(row, col) for r in merged.values() for row, col in r.cells if (row, col) != (r.min_row, r.min_col)}
        for row in ws.iter_rows():
            for cell in row:
                pos = (cell.row, cell.column)
                if pos in covered:
                    continue
                if pos in merged:
                    r = merged[pos]
                    sheet.write_merge(r.min_row - 1, r.max_row - 1, r.min_col - 1, r.max_col - 1, cell.value)
                elif cell.value is not None:
                    sheet.write(cell.row - 1, cell.column - 1, cell.value)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_a_real_xls_workbook_maps_like_the_xlsx() -> None:
    data = as_xls(monthly_report())
    assert data[:8] == bytes.fromhex("D0CF11E0A1B11AE1")  # an OLE2 compound document, not text renamed .xls
    xls = F.replace(".xlsx", ".xls")
    df, problems = apply(COMMERCE, read_workbook(data, filename=xls), names=NAMES)
    assert problems == []
    assert rows(df) == [(label.replace(F, xls), *rest[:-2], rest[-2].replace(F, xls), rest[-1])
                        for label, *rest in EXPECTED]  # fmt: skip
