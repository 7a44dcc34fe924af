"""Region-name folding and suffix rules (行政区划名称的规范化) — pure Python, no Django.

How :class:`~kaifang.regions.matching.RegionMatcher` turns a name as written in a statistics table
into the keys it looks up: full-width characters, case, spaces and hyphens folded (:func:`name_key`);
the generic suffix removed (巴中市 → 巴中, 通江县 → 通江, 阿坝藏族羌族自治州 → 阿坝, ``Bazhou
District`` → ``bazhou``; :func:`short_name`); and a code read from a cell that may hold an Excel
number or a 12-digit 统计用区划代码 (:func:`code_like`).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["CJK", "MIN_SHORT", "code_like", "name_key", "short_en", "short_name", "short_zh"]

# fmt: off
# The 55 minority nationalities, for stripping "…族自治州/县" (阿坝藏族羌族自治州 → 阿坝).
# Longest first, so that 土家 is tried before 土.
_MINORITIES = (
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满",
    "侗", "瑶", "白", "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤",
    "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔",
    "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克",
    "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙",
    "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
)
# fmt: on
_ETHNIC = tuple(sorted(_MINORITIES, key=len, reverse=True))
_AUTONOMOUS = ("自治州", "自治县", "自治旗", "自治区")
# Generic suffixes of administrative names, longest first.
_ZH_SUFFIXES = ("特别行政区", "地区", "林区", "省", "市", "州", "区", "县", "盟", "旗")
_EN_SUFFIX = re.compile(r"\s+(?:autonomous\s+)?(?:city|district|county|province|municipality|prefecture|region|area)$")
CJK = re.compile(r"[\u4e00-\u9fff]")
_IGNORED = re.compile(r"[\s'’`\-‐‑–—·.]+")
MIN_SHORT = 2  # a short name must keep at least two characters (理县 does not become 理)


def name_key(text: str) -> str:
    """NFKC (full-width → half-width, U+3000 → space), case-fold, drop spaces/apostrophes/hyphens."""
    return _IGNORED.sub("", unicodedata.normalize("NFKC", text).casefold())


def short_zh(name: str) -> str | None:
    """巴中市 → 巴中, 阿坝藏族羌族自治州 → 阿坝, 巴中地区 → 巴中; None when nothing sensible is left."""
    s = name
    for suffix in _AUTONOMOUS:
        if s.endswith(suffix):
            s = s[: -len(suffix)]
            stripped = True
            while stripped:
                stripped = False
                for eth in _ETHNIC:
                    tail = eth + "族"
                    if s.endswith(tail) and len(s) - len(tail) >= MIN_SHORT:
                        s = s[: -len(tail)]
                        stripped = True
                        break
            break
    else:
        for suffix in _ZH_SUFFIXES:
            if s.endswith(suffix) and len(s) - len(suffix) >= MIN_SHORT:
                s = s[: -len(suffix)]
                break
    return s if s != name and len(s) >= MIN_SHORT else None


def short_en(name: str) -> str | None:
    """'Bazhou District' → 'bazhou'; 'Liangshan Yi Autonomous Prefecture' → 'liangshan'."""
    s = unicodedata.normalize("NFKC", name).casefold().strip()
    s = re.sub(r"\s+", " ", s)
    s = s.split(" ", 1)[0] if " autonomous " in f" {s} " else _EN_SUFFIX.sub("", s)
    s = name_key(s)
    return s if s and s != name_key(name) else None


def short_name(name: str) -> str | None:
    """The lookup key of ``name`` without its suffix (Chinese or English rules); None if none."""
    return short_zh(name_key(name)) if CJK.search(name) else short_en(name)


_CODE = re.compile(r"(\d+)(?:\.0+)?")


def code_like(text: str) -> str | None:
    """'511900', '511900.0' (an Excel number) or the 12-digit 统计用区划代码 '511900000000' → '511900'."""
    m = _CODE.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if m is None or not m.group(1).isascii():
        return None
    digits = m.group(1)
    if len(digits) == 12 and digits.endswith("000000"):
        return digits[:6]
    return digits
