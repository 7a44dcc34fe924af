"""Region records and name matching by GB/T 2260 code (行政区划代码) — pure Python, no Django.

Statistics tables name a region in many ways: the code (``511900``, or the 12-digit
统计用区划代码 ``511900000000``), a code that has since been replaced (``513700`` was
巴中地区 before 2000), the full name (巴中市), the name without its suffix (巴中), an old name
(巴中地区, 达川地区), a suffix swap (南江 / 南江县, 通江区 for 通江县), with stray spaces or
full-width characters, or in English (``Bazhong``, ``Bazhou District``). :class:`RegionMatcher`
resolves all of these to one :class:`RegionRecord`, and refuses to guess: an unknown name
raises :class:`UnknownRegion` with close suggestions, a short name that fits several regions
raises :class:`AmbiguousRegion` (pass ``within=`` an ancestor code to choose).

The shipped list, ``data/regions.csv``, covers 四川省 (all 21 prefecture-level divisions),
重庆市, 陕西省 with 西安/汉中/安康, and 巴中's five county-level units.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = [
    "DEFAULT_PATH",
    "LEVELS",
    "PROVINCE_PREFIXES",
    "AmbiguousRegion",
    "RegionMatcher",
    "RegionRecord",
    "UnknownRegion",
    "ancestors",
    "default_matcher",
    "descendants",
    "load_regions",
    "validate_code",
]

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "regions.csv"
"""The shipped region list."""

LEVELS = ("province", "prefecture", "county")
"""省级 / 地级 / 县级. Municipalities (直辖市, e.g. 重庆市) are ``province``."""

# fmt: off
PROVINCE_PREFIXES = frozenset(
    {
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
        "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52",
        "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
    }
)
"""The first two digits of the 34 province-level divisions (省级行政区) in GB/T 2260."""

CSV_COLUMNS = ("code", "name_zh", "name_en", "level", "parent_code", "aliases", "former_codes")

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
_CJK = re.compile(r"[\u4e00-\u9fff]")
_IGNORED = re.compile(r"[\s'’`\-‐‑–—·.]+")
_MIN_SHORT = 2  # a short name must keep at least two characters (理县 does not become 理)


# ---------------------------------------------------------------------------
# records


@dataclass(frozen=True)
class RegionRecord:
    """One administrative division (行政区划).

    ``code`` is the 6-digit GB/T 2260 code; ``parent_code`` is ``None`` for province-level
    units; ``aliases`` are old or short names (曾用名/简称, e.g. 巴中地区 for 巴中市);
    ``former_codes`` are codes this unit used before (513700 for 巴中市).
    """

    code: str
    name_zh: str
    name_en: str
    level: str
    parent_code: str | None
    aliases: tuple[str, ...] = ()
    former_codes: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.name_zh} ({self.code})"


def validate_code(code: object) -> bool:
    """True when ``code`` is a 6-digit GB/T 2260 code whose province part (first two digits) exists.

    Only the form is checked, not that the unit exists today: ``513700`` (the former 巴中地区)
    is valid, ``991900`` and ``5119`` are not.
    """
    return (
        isinstance(code, str) and len(code) == 6 and code.isascii() and code.isdigit() and code[:2] in PROVINCE_PREFIXES
    )


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (cell or "").split("|") if part.strip())


def load_regions(path: str | Path | None = None) -> list[RegionRecord]:
    """Read a region CSV (default: the shipped ``data/regions.csv``).

    Columns: ``code,name_zh,name_en,level,parent_code,aliases,former_codes``; aliases and
    former codes are ``|``-separated. Raises ``ValueError`` naming the file and line for a bad
    code, level, duplicate, or a parent that is not in the file.
    """
    source = Path(path) if path is not None else DEFAULT_PATH
    records: list[RegionRecord] = []
    seen: dict[str, int] = {}
    with source.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{source}: missing columns {', '.join(missing)}")
        for row in reader:
            line = reader.line_num
            where = f"{source}:{line}"
            code = (row["code"] or "").strip()
            if not validate_code(code):
                raise ValueError(f"{where}: invalid GB/T 2260 code {code!r}")
            if code in seen:
                raise ValueError(f"{where}: duplicate code {code} (first on line {seen[code]})")
            seen[code] = line
            level = (row["level"] or "").strip()
            if level not in LEVELS:
                raise ValueError(f"{where}: level {level!r} is not one of {', '.join(LEVELS)}")
            parent = (row["parent_code"] or "").strip() or None
            if parent is not None and not validate_code(parent):
                raise ValueError(f"{where}: invalid parent_code {parent!r}")
            former = _split(row["former_codes"])
            for fc in former:
                if not validate_code(fc):
                    raise ValueError(f"{where}: invalid former code {fc!r}")
            name_zh = (row["name_zh"] or "").strip()
            if not name_zh:
                raise ValueError(f"{where}: empty name_zh")
            records.append(
                RegionRecord(
                    code=code,
                    name_zh=name_zh,
                    name_en=(row["name_en"] or "").strip(),
                    level=level,
                    parent_code=parent,
                    aliases=_split(row["aliases"]),
                    former_codes=former,
                )
            )
    for rec in records:
        if rec.parent_code is not None and rec.parent_code not in seen:
            raise ValueError(
                f"{source}:{seen[rec.code]}: parent_code {rec.parent_code} of {rec.code} is not in the file"
            )
    return records


# ---------------------------------------------------------------------------
# errors


class UnknownRegion(LookupError):
    """No region matches ``text``; ``suggestions`` holds up to three close records (difflib)."""

    def __init__(self, text: str, suggestions: Iterable[RegionRecord] = (), within: str | None = None):
        self.text = text
        self.suggestions: tuple[RegionRecord, ...] = tuple(suggestions)[:3]
        self.within = within
        msg = f"未知地区 unknown region {text!r}"
        if within:
            msg += f" within {within}"
        if self.suggestions:
            msg += "；是否指 did you mean: " + ", ".join(str(s) for s in self.suggestions)
        super().__init__(msg)


class AmbiguousRegion(LookupError):
    """``text`` fits several regions (``candidates``); pass ``within=`` an ancestor code to choose."""

    def __init__(self, text: str, candidates: Iterable[RegionRecord]):
        self.text = text
        self.candidates: tuple[RegionRecord, ...] = tuple(candidates)
        super().__init__(
            f"地区名称不唯一 ambiguous region {text!r}: "
            + ", ".join(str(c) for c in self.candidates)
            + " — give the code or within=<ancestor code>"
        )


# ---------------------------------------------------------------------------
# normalisation


def _norm(text: str) -> str:
    """NFKC (full-width → half-width, U+3000 → space), case-fold, drop spaces/apostrophes/hyphens."""
    return _IGNORED.sub("", unicodedata.normalize("NFKC", text).casefold())


def _short_zh(name: str) -> str | None:
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
                    if s.endswith(tail) and len(s) - len(tail) >= _MIN_SHORT:
                        s = s[: -len(tail)]
                        stripped = True
                        break
            break
    else:
        for suffix in _ZH_SUFFIXES:
            if s.endswith(suffix) and len(s) - len(suffix) >= _MIN_SHORT:
                s = s[: -len(suffix)]
                break
    return s if s != name and len(s) >= _MIN_SHORT else None


def _short_en(name: str) -> str | None:
    """'Bazhou District' → 'bazhou'; 'Liangshan Yi Autonomous Prefecture' → 'liangshan'."""
    s = unicodedata.normalize("NFKC", name).casefold().strip()
    s = re.sub(r"\s+", " ", s)
    s = s.split(" ", 1)[0] if " autonomous " in f" {s} " else _EN_SUFFIX.sub("", s)
    s = _norm(s)
    return s if s and s != _norm(name) else None


def _short(name: str) -> str | None:
    return _short_zh(_norm(name)) if _CJK.search(name) else _short_en(name)


_CODE = re.compile(r"(\d+)(?:\.0+)?")


def _code_like(text: str) -> str | None:
    """'511900', '511900.0' (an Excel number) or the 12-digit 统计用区划代码 '511900000000' → '511900'."""
    m = _CODE.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if m is None or not m.group(1).isascii():
        return None
    digits = m.group(1)
    if len(digits) == 12 and digits.endswith("000000"):
        return digits[:6]
    return digits


# ---------------------------------------------------------------------------
# matcher


class RegionMatcher:
    """Resolve free-text region references to :class:`RegionRecord` s.

    Matching tries, in order, stopping at the first tier that yields a region:

    1. a code (current, or former: 513700 → 巴中市 511900);
    2. an exact full name, alias or English name (巴中市, 巴中地区, 巴中县, Bazhong);
    3. the official name without its suffix (巴中 → 巴中市, 凉山 → 凉山彝族自治州);
    4. an alias without its suffix (达川 → 达州市);
    5. tiers 3–4 after stripping the suffix of the *input* (通江区 → 通江 → 通江县);
    6. a compound name, ancestor first (四川省巴中市南江县).

    Within a tier, ``within`` (an ancestor code) keeps only that region and its descendants;
    when a candidate and its own descendant share a name (朝阳市 / its 朝阳县, both "朝阳"),
    the higher unit wins; more than one remaining candidate raises :class:`AmbiguousRegion`,
    none at all :class:`UnknownRegion`.
    """

    def __init__(self, records: Iterable[RegionRecord]):
        self._by_code: dict[str, RegionRecord] = {}
        for rec in records:
            if rec.code in self._by_code:
                raise ValueError(f"duplicate region code {rec.code}")
            self._by_code[rec.code] = rec
        self._children: dict[str, list[str]] = {}
        for rec in self._by_code.values():
            if rec.parent_code is not None:
                if rec.parent_code not in self._by_code:
                    raise ValueError(f"parent_code {rec.parent_code} of {rec.code} is not a known region")
                self._children.setdefault(rec.parent_code, []).append(rec.code)
        for kids in self._children.values():
            kids.sort()
        self._former: dict[str, set[str]] = {}
        self._exact: dict[str, set[str]] = {}
        self._short_official: dict[str, set[str]] = {}
        self._short_alias: dict[str, set[str]] = {}
        self._display: dict[str, set[str]] = {}  # keys offered as difflib suggestions
        self._prefixes: dict[str, set[str]] = {}  # zh names usable as the head of a compound name
        for rec in self._by_code.values():
            for fc in rec.former_codes:
                self._former.setdefault(fc, set()).add(rec.code)
            official = [rec.name_zh] + ([rec.name_en] if rec.name_en else [])
            for name in [*official, *rec.aliases]:
                self._add(self._exact, _norm(name), rec.code)
                self._add(self._display, _norm(name), rec.code)
            for name in official:
                short = _short(name)
                if short:
                    self._add(self._short_official, short, rec.code)
                    self._add(self._display, short, rec.code)
            for name in rec.aliases:
                short = _short(name)
                if short:
                    self._add(self._short_alias, short, rec.code)
            for name in [rec.name_zh, *rec.aliases]:
                if _CJK.search(name):
                    self._add(self._prefixes, _norm(name), rec.code)
                    short = _short_zh(_norm(name))
                    if short:
                        self._add(self._prefixes, short, rec.code)

    @staticmethod
    def _add(index: dict[str, set[str]], key: str, code: str) -> None:
        if key:
            index.setdefault(key, set()).add(code)

    @classmethod
    def from_csv(cls, path: str | Path | None = None) -> RegionMatcher:
        """Build a matcher from a region CSV (default: the shipped list)."""
        return cls(load_regions(path))

    # -- collection protocol -------------------------------------------------

    def __len__(self) -> int:
        return len(self._by_code)

    def __iter__(self) -> Iterator[RegionRecord]:
        return iter(sorted(self._by_code.values(), key=lambda r: r.code))

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    @property
    def records(self) -> list[RegionRecord]:
        """All records, ordered by code."""
        return list(self)

    def get(self, code: str) -> RegionRecord:
        """The record with current code ``code``; raises :class:`UnknownRegion` otherwise."""
        try:
            return self._by_code[code]
        except KeyError:
            raise UnknownRegion(code) from None

    # -- hierarchy -----------------------------------------------------------

    def children(self, code: str) -> list[RegionRecord]:
        """Direct subordinates (下级), ordered by code."""
        self.get(code)
        return [self._by_code[c] for c in self._children.get(code, [])]

    def descendants(self, code: str) -> list[RegionRecord]:
        """All subordinates at every level (所辖全部区划), ordered by code; the region itself excluded."""
        self.get(code)
        out: list[str] = []
        stack = list(self._children.get(code, []))
        while stack:
            c = stack.pop()
            out.append(c)
            stack.extend(self._children.get(c, []))
        return [self._by_code[c] for c in sorted(out)]

    def ancestors(self, code: str) -> list[RegionRecord]:
        """Superiors (上级), nearest first: 南江县 → [巴中市, 四川省]."""
        out: list[RegionRecord] = []
        parent = self.get(code).parent_code
        while parent is not None:
            rec = self._by_code[parent]
            out.append(rec)
            parent = rec.parent_code
        return out

    def is_within(self, code: str, ancestor: str) -> bool:
        """True when ``code`` is ``ancestor`` itself or one of its descendants."""
        return code == ancestor or any(a.code == ancestor for a in self.ancestors(code))

    # -- matching ------------------------------------------------------------

    def match(self, text: str, *, within: str | None = None) -> RegionRecord:
        """Resolve ``text`` (code, name, old name, short name, English name) to one region.

        ``within``: a region code (usually an ancestor) that restricts candidates to it and its
        descendants — e.g. ``within="511900"`` to read county names of a 巴中 table.

        Raises :class:`UnknownRegion` (with up to three suggestions) or :class:`AmbiguousRegion`.
        """
        if not isinstance(text, str):
            raise UnknownRegion(repr(text), within=within)
        if within is not None:
            self.get(within)
        key = _norm(text)
        if not key:
            raise UnknownRegion(text, within=within)
        code = _code_like(text)
        if code is not None:
            return self._match_code(text, code, within)
        found = self._match_name(text, key, within)
        if found is not None:
            return found
        found = self._match_compound(text, key, within)
        if found is not None:
            return found
        raise UnknownRegion(text, self.suggest(text, within=within), within)

    def _match_code(self, text: str, code: str, within: str | None) -> RegionRecord:
        codes = {code} if code in self._by_code else self._former.get(code, set())
        found = self._pick(text, codes, within)
        if found is None:
            raise UnknownRegion(text, (), within)
        return found

    def _match_name(self, text: str, key: str, within: str | None) -> RegionRecord | None:
        tiers = [self._exact.get(key), self._short_official.get(key), self._short_alias.get(key)]
        short = _short_zh(key) if _CJK.search(key) else _short_en(text)
        if short:
            tiers += [self._short_official.get(short), self._short_alias.get(short), self._exact.get(short)]
        for codes in tiers:
            if codes:
                found = self._pick(text, codes, within)
                if found is not None:
                    return found
        return None

    def _match_compound(self, text: str, key: str, within: str | None) -> RegionRecord | None:
        """四川省巴中市南江县: peel a known ancestor name off the front and match the rest inside it."""
        if not _CJK.search(key):
            return None
        heads = sorted((p for p in self._prefixes if key.startswith(p)), key=len, reverse=True)
        for head in heads:
            rest = key[len(head) :]
            if len(rest) < _MIN_SHORT:
                continue
            for code in sorted(self._prefixes[head]):
                if within is not None and not (self.is_within(code, within) or self.is_within(within, code)):
                    continue
                inner = code if within is None or self.is_within(code, within) else within
                try:
                    found = self.match(rest, within=inner)
                except UnknownRegion:
                    continue
                if found.code != code:
                    return found
        return None

    def _pick(self, text: str, codes: Iterable[str], within: str | None) -> RegionRecord | None:
        cands = sorted(codes)
        if within is not None:
            cands = [c for c in cands if self.is_within(c, within)]
        if not cands:
            return None
        if len(cands) > 1:  # 朝阳 → 朝阳市 rather than its own 朝阳县: the higher unit owns the bare name
            chosen = set(cands)
            cands = [c for c in cands if not any(a.code in chosen for a in self.ancestors(c))]
        if len(cands) > 1:
            raise AmbiguousRegion(text, [self._by_code[c] for c in cands])
        return self._by_code[cands[0]]

    def suggest(self, text: str, *, within: str | None = None, n: int = 3) -> list[RegionRecord]:
        """Up to ``n`` regions whose names are close to ``text`` (difflib), best first."""
        key = _norm(text)
        close = difflib.get_close_matches(key, list(self._display), n=n * 4, cutoff=0.5)
        out: list[RegionRecord] = []
        for k in close:
            for code in sorted(self._display[k]):
                rec = self._by_code[code]
                if rec in out or (within is not None and not self.is_within(code, within)):
                    continue
                out.append(rec)
        return out[:n]


# ---------------------------------------------------------------------------
# module-level conveniences over the shipped list


@lru_cache(maxsize=1)
def default_matcher() -> RegionMatcher:
    """A matcher over the shipped ``data/regions.csv`` (built once)."""
    return RegionMatcher(load_regions())


def descendants(code: str) -> list[RegionRecord]:
    """All subordinates of ``code`` in the shipped list, ordered by code."""
    return default_matcher().descendants(code)


def ancestors(code: str) -> list[RegionRecord]:
    """Superiors of ``code`` in the shipped list, nearest first."""
    return default_matcher().ancestors(code)
