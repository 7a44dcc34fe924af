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

The records and the CSV reader live in :mod:`kaifang.regions.records`, the name folding and
suffix rules in :mod:`kaifang.regions.names`; import the public names from this module.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from kaifang.regions.names import CJK, MIN_SHORT, code_like, name_key, short_en, short_name, short_zh
from kaifang.regions.records import (
    CSV_COLUMNS,
    DEFAULT_PATH,
    LEVELS,
    PROVINCE_PREFIXES,
    RegionRecord,
    load_regions,
    validate_code,
)

__all__ = [
    "CSV_COLUMNS",
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
# matcher


class RegionMatcher:
    """Resolve free-text region references to :class:`RegionRecord` s.

    Matching tries, in order, stopping at the first tier that yields a region:

    1. a code (current, or former: 513700 → 巴中市 511900; ISO alpha-3 for foreign areas: USA);
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
                self._add(self._exact, name_key(name), rec.code)
                self._add(self._display, name_key(name), rec.code)
            for name in official:
                short = short_name(name)
                if short:
                    self._add(self._short_official, short, rec.code)
                    self._add(self._display, short, rec.code)
            for name in rec.aliases:
                short = short_name(name)
                if short:
                    self._add(self._short_alias, short, rec.code)
            for name in [rec.name_zh, *rec.aliases]:
                if CJK.search(name):
                    self._add(self._prefixes, name_key(name), rec.code)
                    short = short_zh(name_key(name))
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
        key = name_key(text)
        if not key:
            raise UnknownRegion(text, within=within)
        code = code_like(text)
        if code is None and text.strip().upper() in self._by_code:
            code = text.strip().upper()  # an ISO 3166-1 alpha-3 code of a foreign area (USA, WLD)
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
        short = short_zh(key) if CJK.search(key) else short_en(text)
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
        if not CJK.search(key):
            return None
        heads = sorted((p for p in self._prefixes if key.startswith(p)), key=len, reverse=True)
        for head in heads:
            rest = key[len(head) :]
            if len(rest) < MIN_SHORT:
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
        key = name_key(text)
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
