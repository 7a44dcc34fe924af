"""Region records and name matching (kaifang.regions.matching) — pure, no Django.

Run: .venv/bin/pytest tests/test_regions_matching.py -q -p no:django

The checks against ../shared/data/admin-codes (GB/T 2260 codes from the cpca package and the
FIERsity name history) skip with a reason when that reference folder is absent.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kaifang.regions.matching import (
    CSV_COLUMNS,
    DEFAULT_PATH,
    AmbiguousRegion,
    RegionMatcher,
    RegionRecord,
    UnknownRegion,
    ancestors,
    default_matcher,
    descendants,
    load_regions,
    validate_code,
)
from tests.conftest import assert_pure

ADMIN_CODES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "admin-codes"
CPCA = ADMIN_CODES / "cpca_0.5.5_adcodes.csv"
FIERSITY = ADMIN_CODES / "fiersity_china_city_entity_master_V4.0.csv"


@pytest.fixture(scope="module")
def m() -> RegionMatcher:
    return default_matcher()


# ---------------------------------------------------------------------------
# the shipped CSV


def test_shipped_csv_shape() -> None:
    records = load_regions()
    assert len(records) == 32 + 21  # 32 Chinese divisions; the world and 20 partner countries
    by_code = {r.code: r for r in records}
    assert len(by_code) == len(records)
    for rec in records:
        foreign = rec.level in {"world", "country"}
        assert validate_code(rec.code) != foreign
        assert rec.level in {"world", "country", "province", "prefecture", "county"}
        assert rec.name_zh and rec.name_en
        assert rec.parent_code is None or rec.parent_code in by_code, rec
        assert (rec.parent_code is None) == (rec.level in {"world", "country", "province"}), rec
    assert {r.code for r in records if r.level == "province"} == {"500000", "510000", "610000"}


def test_foreign_areas_by_iso_alpha3_code_and_name() -> None:
    m = RegionMatcher(load_regions())
    assert [m.match(t).code for t in ("WLD", "wld", "GLOBAL", "全球", "World", "美国", "USA", "Viet Nam", "越南")] == [
        "WLD", "WLD", "WLD", "WLD", "WLD", "USA", "USA", "VNM", "VNM"]  # fmt: skip
    assert m.get("KOR").name_zh == "韩国" and m.ancestors("USA") == []


def test_foreign_codes_are_checked_by_their_level(tmp_path) -> None:
    head = ",".join(CSV_COLUMNS) + "\n"
    for line, message in [("usa,美国,United States,country,,,", "invalid ISO 3166-1 alpha-3 code 'usa'"),
                          ("511900,巴中市,Bazhong,country,,,", "invalid ISO 3166-1 alpha-3 code '511900'"),
                          ("USA,美国,United States,province,,,", "invalid GB/T 2260 code 'USA'")]:  # fmt: skip
        path = tmp_path / "r.csv"
        path.write_text(head + line + "\n", encoding="utf-8")
        with pytest.raises(ValueError, match=f"r.csv:2: {message}"):
            load_regions(path)


def test_exactly_21_prefectures_under_sichuan() -> None:
    pref = [r for r in load_regions() if r.parent_code == "510000"]
    assert len(pref) == 21
    assert all(r.level == "prefecture" for r in pref)
    assert {"510800", "511300", "511700", "511900", "513400"} <= {r.code for r in pref}


def test_bazhong_counties() -> None:
    kids = {r.code: r.name_zh for r in load_regions() if r.parent_code == "511900"}
    assert kids == {
        "511902": "巴州区",
        "511903": "恩阳区",
        "511921": "通江县",
        "511922": "南江县",
        "511923": "平昌县",
    }


def test_former_codes_never_collide_with_current_codes() -> None:
    records = load_regions()
    current = {r.code for r in records}
    former = [c for r in records for c in r.former_codes]
    assert len(former) == len(set(former))
    assert not current & set(former)


def _cpca_names() -> dict[str, str]:
    if not CPCA.exists():
        pytest.skip(f"reference data absent: {CPCA}")
    with CPCA.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames is not None and {"adcode", "name"} <= set(reader.fieldnames)
        return {row["adcode"]: row["name"] for row in reader}


def test_every_code_exists_in_cpca_with_the_same_name() -> None:
    names = _cpca_names()  # 12-digit adcodes: 511900000000
    for rec in load_regions():
        if rec.level in {"world", "country"}:
            continue  # ISO 3166-1 areas are outside GB/T 2260
        adcode = rec.code + "000000"
        assert adcode in names, f"{rec.code} {rec.name_zh} not in cpca"
        assert names[adcode] == rec.name_zh, f"{rec.code}: ours {rec.name_zh}, cpca {names[adcode]}"


def test_former_codes_are_not_current_in_cpca() -> None:
    names = _cpca_names()
    for rec in load_regions():
        for fc in rec.former_codes:
            assert fc + "000000" not in names, f"former code {fc} of {rec.name_zh} is still current"


def test_prefecture_name_history_matches_fiersity() -> None:
    """Every 地区 name FIERsity records for our prefectures is one of our aliases."""
    if not FIERSITY.exists():
        pytest.skip(f"reference data absent: {FIERSITY}")
    ours = {r.name_zh: r for r in load_regions() if r.level == "prefecture"}
    checked = 0
    with FIERSITY.open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            rec = ours.get(row["canonical_name_zh"])
            if rec is None or row["province_name_zh"] not in {"四川省", "陕西省"}:
                continue
            for part in row["name_history_year_end"].split(";"):
                name = part.strip().split(" ", 1)[-1]
                if name.startswith("[") or name == rec.name_zh:
                    continue
                assert name in rec.aliases, f"{rec.name_zh}: history name {name} missing from aliases"
                checked += 1
    assert checked >= 10


# ---------------------------------------------------------------------------
# matching


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("511900", "511900"),
        ("511900000000", "511900"),  # 12-digit 统计用区划代码
        ("511900.0", "511900"),  # a code read from Excel as a number
        ("５１１９００", "511900"),  # full-width digits
        ("513700", "511900"),  # former code of 巴中地区
        ("513000", "511700"),  # former 达川地区
        ("513722", "511922"),  # 南江县 under 巴中地区
        ("巴中市", "511900"),
        ("巴中", "511900"),
        ("巴中地区", "511900"),
        ("  巴中市\u3000", "511900"),
        ("巴 中 市", "511900"),
        ("Bazhong", "511900"),
        ("BAZHONG", "511900"),
        ("bazhong city", "511900"),
        ("巴州区", "511902"),
        ("巴州", "511902"),
        ("巴中县", "511902"),
        ("Bazhou District", "511902"),
        ("恩阳", "511903"),
        ("通江", "511921"),
        ("通江县", "511921"),
        ("通江区", "511921"),  # suffix swap
        ("Tongjiang County", "511921"),
        ("南江", "511922"),
        ("南江县", "511922"),
        ("nanjiang", "511922"),
        ("平昌", "511923"),
        ("凉山", "513400"),
        ("凉山州", "513400"),
        ("凉山彝族自治州", "513400"),
        ("阿坝", "513200"),
        ("阿坝州", "513200"),
        ("甘孜州", "513300"),
        ("达州", "511700"),
        ("达川地区", "511700"),
        ("达县地区", "511700"),
        ("雅安地区", "511800"),
        ("Ya'an", "511800"),
        ("yaan", "511800"),
        ("Xi'an", "610100"),
        ("汉中", "610700"),
        ("安康地区", "610900"),
        ("重庆", "500000"),
        ("四川", "510000"),
        ("陕西省", "610000"),
        ("四川省巴中市南江县", "511922"),  # compound, ancestor first
        ("巴中市通江县", "511921"),
    ],
)
def test_match(m: RegionMatcher, text: str, code: str) -> None:
    assert m.match(text).code == code


def test_bazhong_is_not_ambiguous_with_bazhou(m: RegionMatcher) -> None:
    # 巴州区 was 巴中县; its alias must not make the short name 巴中 ambiguous.
    assert m.match("巴中").code == "511900"
    assert m.match("巴中", within="511900").code == "511900"


def test_typo_raises_unknown_with_suggestions(m: RegionMatcher) -> None:
    with pytest.raises(UnknownRegion) as exc:
        m.match("巴仲市")
    assert exc.value.text == "巴仲市"
    assert "巴仲市" in str(exc.value)
    assert 0 < len(exc.value.suggestions) <= 3
    assert "511900" in [s.code for s in exc.value.suggestions]
    assert isinstance(exc.value, LookupError)


@pytest.mark.parametrize("text", ["", "   ", "5119", "999999", "513701x", "火星市", "Atlantis", "巴"])
def test_unknown(m: RegionMatcher, text: str) -> None:
    with pytest.raises(UnknownRegion):
        m.match(text)


def test_within_restricts_candidates(m: RegionMatcher) -> None:
    assert m.match("南江", within="511900").code == "511922"
    assert m.match("南江", within="510000").code == "511922"
    with pytest.raises(UnknownRegion):
        m.match("成都", within="511900")
    with pytest.raises(UnknownRegion):
        m.match("511700", within="511900")


def _toy() -> RegionMatcher:
    rec = RegionRecord
    return RegionMatcher(
        [
            rec("110000", "北京市", "Beijing", "province", None),
            rec("110105", "朝阳区", "Chaoyang District", "county", "110000"),
            rec("210000", "辽宁省", "Liaoning", "province", None),
            rec("211300", "朝阳市", "Chaoyang", "prefecture", "210000"),
            rec("211321", "朝阳县", "Chaoyang County", "county", "211300"),
        ]
    )


def test_ambiguous_short_name_and_within() -> None:
    toy = _toy()
    with pytest.raises(AmbiguousRegion) as exc:
        toy.match("朝阳")
    assert {c.code for c in exc.value.candidates} == {"110105", "211300"}
    assert "朝阳" in str(exc.value)
    assert toy.match("朝阳", within="110000").code == "110105"
    assert toy.match("朝阳", within="210000").code == "211300"
    assert toy.match("朝阳县").code == "211321"  # full names are exact
    assert toy.match("朝阳市").code == "211300"


def test_hierarchy(m: RegionMatcher) -> None:
    assert [r.code for r in descendants("511900")] == ["511902", "511903", "511921", "511922", "511923"]
    assert len(m.descendants("510000")) == 21 + 5
    assert m.descendants("511922") == []
    assert [r.code for r in ancestors("511922")] == ["511900", "510000"]
    assert ancestors("510000") == []
    assert [r.code for r in m.children("610000")] == ["610100", "610700", "610900"]
    assert m.is_within("511921", "510000") and not m.is_within("511921", "610000")
    with pytest.raises(UnknownRegion):
        m.ancestors("999999")


def test_validate_code() -> None:
    for good in ["511900", "510000", "110105", "513700", "820000"]:
        assert validate_code(good), good
    for bad in ["5119", "5119000", "991900", "001900", "51190a", "５１１９００", "", None, 511900]:
        assert not validate_code(bad), bad


def test_loader_rejects_bad_rows(tmp_path: Path) -> None:
    header = "code,name_zh,name_en,level,parent_code,aliases,former_codes\n"
    cases = {
        "bad code": "51190,巴中市,Bazhong,prefecture,,,\n",
        "bad level": "511900,巴中市,Bazhong,city,,,\n",
        "missing parent": "511900,巴中市,Bazhong,prefecture,510000,,\n",
        "duplicate": "510000,四川省,Sichuan,province,,,\n510000,四川省,Sichuan,province,,,\n",
        "bad former": "510000,四川省,Sichuan,province,,,12\n",
    }
    for why, body in cases.items():
        path = tmp_path / f"{why}.csv"
        path.write_text(header + body, encoding="utf-8")
        with pytest.raises(ValueError, match=r":\d+:"):
            load_regions(path)
    ok = tmp_path / "ok.csv"
    ok.write_text(header + "510000,四川省,Sichuan,province,,川|蜀 , 513700 | 510200\n", encoding="utf-8")
    (rec,) = load_regions(ok)
    assert rec.aliases == ("川", "蜀") and rec.former_codes == ("513700", "510200") and rec.parent_code is None


def test_default_path_is_shipped() -> None:
    assert DEFAULT_PATH.name == "regions.csv" and DEFAULT_PATH.exists()
    assert DEFAULT_PATH.read_text(encoding="utf-8").startswith(
        "code,name_zh,name_en,level,parent_code,aliases,former_codes"
    )


def test_module_does_not_import_django() -> None:
    assert_pure("kaifang.regions.matching")
