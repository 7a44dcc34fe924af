"""Real files from ../shared/data land in the observation store through saved mapping templates,
without hand-editing (each test skips cleanly when the reference data is absent)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from kaifang.collection import workflow
from kaifang.collection.models import MappingTemplate
from kaifang.collection.readers.mapping import Template, ValueColumn
from kaifang.observations.models import Observation
from tests.conftest import access, shared_data


def save(platform, template: Template) -> MappingTemplate:
    return MappingTemplate.objects.create(workspace=platform.workspace, name=template.name, spec=template.to_dict())


def value(code: str, region: str, period: str) -> float:
    return Observation.objects.get(indicator__code=code, region__code=region, period=period,
                                   superseded_at__isnull=True).value  # fmt: skip


def test_city_panel_cre_gdpct_lands_with_units_converted(platform):
    path = shared_data("cities", "CRE_Gdpct.csv")
    save(platform, Template(
        name="CRE_Gdpct", rows="none", region_column=["Ctnm_id"], period_column=["Sgnyea"], skip_unknown_regions=True,
        values=[ValueColumn(["Gdpct01"], indicator="GDP", unit="亿元"),  # codebook: (unit: 100 million)
                ValueColumn(["GDP_TerInd"], indicator="TERTIARY_VA", unit="万元")],  # 万元 → the catalog's 亿元
    ))  # fmt: skip
    call_command("import", str(path), workspace="bazhong", user="analyst", template="CRE_Gdpct")
    assert value("GDP", "511900", "2021") == 742.51
    assert [value("GDP", "511900", y) for y in ("2019", "2020")] == [754.29, 766.99]
    tertiary = Observation.objects.get(indicator__code="TERTIARY_VA", region__code="511900", period="2021")
    assert tertiary.original_unit == "万元" and tertiary.value == pytest.approx(tertiary.original_value / 1e4)
    assert Observation.objects.filter(indicator__code="GDP").count() == 719


def test_yearbook_extract_lands_utilised_fdi_in_wan_usd(platform):
    path = shared_data("cities", "jcdasheng_cities_2004_2012_ccsy.xlsx")
    save(platform, Template(name="CCSY", rows="region", period_column=["年份"], skip_unknown_regions=True,
                            values=[ValueColumn(["外商实际投资额_全市"], indicator="FDI_ACTUAL")]))  # fmt: skip
    call_command("import", str(path), workspace="bazhong", user="analyst", template="CCSY")
    assert value("FDI_ACTUAL", "511900", "2008") == 815.0
    assert Observation.objects.filter(indicator__code="FDI_ACTUAL").count() == 166


def test_province_panel_sichuan_2021_exports_per_capita_is_a_warning(platform):
    path = shared_data("province-panel", "cnmoderndata_province_2000_2023_raw.xlsx")
    template = save(platform, Template(
        name="cnmoderndata", rows="region", period_column=["时间"], skip_unknown_regions=True,
        values=[ValueColumn(["E8"], indicator="EXPORTS_PER_CAPITA", unit="美元/人")],
    ))  # fmt: skip
    analyst = platform.users["analyst"]
    sub = workflow.upload(platform.workspace, access(analyst, platform.workspace), analyst, path.name,
                          path.read_bytes(), template=template)  # fmt: skip
    assert sub.errors == []
    flagged = {(r["ref_area"], r["time_period"]) for r in sub.staged
               if r["row"] in {w["row"] for w in sub.warnings}}  # fmt: skip
    kinds = {
        w["kind"]
        for w in sub.warnings
        if w["row"] in {r["row"] for r in sub.staged if (r["ref_area"], r["time_period"]) == ("510000", "2021")}
    }
    assert "history" in kinds  # 786.6 → 58.65 美元/人: far outside Sichuan's own history
    # of 69 cells a reviewer reads seven: Chongqing's 2010–12 surge and Sichuan's 2002 and 2011 jumps
    # (同比 beyond ±50%), Sichuan 2021 and 2022 (to and from the known-bad value)
    assert sorted(flagged) == [("500000", "2010"), ("500000", "2011"), ("500000", "2012"), ("510000", "2002"),
                               ("510000", "2011"), ("510000", "2021"), ("510000", "2022")]  # fmt: skip


def test_gscpi_raw_export_lands_as_a_world_reference_series(platform):
    path = shared_data("gscpi", "gscpi_nyfed_vintage_2026-03.csv")
    # the raw NY Fed export: banner rows and empty columns around a Date / GSCPI table; "GLOBAL" is 全球 (WLD)
    save(platform, Template(name="GSCPI", rows="none", period_column=["Date"], ref_area="GLOBAL",
                            values=[ValueColumn(["GSCPI"], indicator="GSCPI", unit="标准差")]))  # fmt: skip
    call_command("import", str(path), workspace="bazhong", user="analyst", template="GSCPI")
    landed = Observation.objects.filter(indicator__code="GSCPI", superseded_at__isnull=True)
    assert landed.count() == 339 and set(landed.values_list("region__code", flat=True)) == {"WLD"}
    assert (value("GSCPI", "WLD", "1998-01"), value("GSCPI", "WLD", "2021-12"), value("GSCPI", "WLD", "2026-03")) == (
        -1.09, 4.49, 0.68)  # fmt: skip
    assert max(landed.values_list("value", flat=True)) == 4.49  # the 2021-12 peak of the supply-chain crisis
