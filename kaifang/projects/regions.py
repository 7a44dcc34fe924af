"""Partner and source regions of agreements, projects and funds (合作方所在地) — pure Python.

Investors come from all over China and abroad, while the shipped region list
(:mod:`kaifang.regions.matching`) holds Sichuan, Chongqing, Shaanxi and the partner countries.
:func:`partner_matcher` adds what a 招商 ledger needs on top of it from ``data/partner_regions.csv``
(same format): the other province-level divisions, their capitals and the large investor cities (深圳,
苏州, 宁波 …) with their GB/T 2260 codes, and a few more countries. Codes already in the shipped list are
skipped, so the supplement can be retired once the shipped list grows.

Classification (GB/T 2260: the first two digits of a code are its province):

* **境外** (:func:`is_foreign`): an ISO 3166-1 alpha-3 code (a country, ``WLD``), and 台湾 71, 香港 81,
  澳门 82 — China's investment statistics count 港澳台 capital with foreign capital (外资);
* **省外** (:func:`is_out_of_province`): a domestic code whose province is not the home province (四川
  510000 by default), i.e. outside 510000 and all its descendants;
* :func:`partner_kind`: country for 境外, province for a province-level unit, city below that.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from kaifang.projects.records import PartnerKind
from kaifang.regions.matching import RegionMatcher, RegionRecord, UnknownRegion, default_matcher, load_regions

__all__ = [
    "HOME",
    "HOME_PROVINCE",
    "SUPPLEMENT_PATH",
    "is_foreign",
    "is_out_of_province",
    "partner_kind",
    "partner_matcher",
    "province_of",
    "resolve",
]

HOME = "511900"  # 巴中市
HOME_PROVINCE = "510000"  # 四川省
SUPPLEMENT_PATH = Path(__file__).resolve().parent / "data" / "partner_regions.csv"
_OUTSIDE_MAINLAND = ("71", "81", "82")  # 台湾, 香港, 澳门


@lru_cache(maxsize=1)
def partner_matcher() -> RegionMatcher:
    """The shipped regions plus the supplement (``data/partner_regions.csv``), built once."""
    base = default_matcher().records
    known = {r.code for r in base}
    extra = [r for r in load_regions(SUPPLEMENT_PATH) if r.code not in known]
    return RegionMatcher([*base, *extra])


def resolve(text: str, matcher: RegionMatcher | None = None) -> tuple[RegionRecord, str]:
    """The region a ledger names (``广东深圳``, ``浙江省``, ``新加坡``, ``511900``) and a warning, ``""`` if none.

    A compound name whose city is not in the list but whose province is (``广东佛山``) resolves to the
    province, with a warning saying so. Raises :class:`~kaifang.regions.matching.UnknownRegion` or
    :class:`~kaifang.regions.matching.AmbiguousRegion` otherwise.
    """
    matcher = matcher or partner_matcher()
    try:
        return matcher.match(text), ""
    except UnknownRegion:
        key = "".join(text.split())
        for rec in matcher.records:
            if rec.level != "province":
                continue
            for name in (rec.name_zh, *rec.aliases, rec.name_zh[:2], rec.name_zh[:3]):
                if len(name) >= 2 and key.startswith(name) and len(key) > len(name):
                    return rec, f"{text!r} 只识别到省级：{rec} (only the province is known)"
        raise


def is_foreign(code: str) -> bool:
    """境外: an ISO alpha-3 code, or 台湾/香港/澳门."""
    return not code.isdigit() or code[:2] in _OUTSIDE_MAINLAND


def province_of(code: str) -> str:
    """The province-level code of a GB/T 2260 code (``440300`` → ``440000``); foreign codes unchanged."""
    return code if not code.isdigit() else code[:2] + "0000"


def is_out_of_province(code: str, home_province: str = HOME_PROVINCE) -> bool:
    """省外 (domestic, outside ``home_province`` and its descendants); 境外 codes are not 省外."""
    return not is_foreign(code) and province_of(code) != province_of(home_province)


def partner_kind(code: str, matcher: RegionMatcher | None = None) -> PartnerKind:
    """country for 境外 codes, province for a province-level unit, city for prefectures and counties."""
    if is_foreign(code):
        return PartnerKind.COUNTRY
    matcher = matcher or partner_matcher()
    if code in matcher:
        return PartnerKind.PROVINCE if matcher.get(code).level == "province" else PartnerKind.CITY
    return PartnerKind.PROVINCE if code.endswith("0000") else PartnerKind.CITY
