"""Region records and the region list (行政区划代码, GB/T 2260) — pure Python, no Django.

A :class:`RegionRecord` is one administrative division with its current code, names, level,
parent, old names and former codes; :func:`load_regions` reads them from a CSV and
:func:`validate_code` checks a code's form.  The shipped list, ``data/regions.csv``, covers 四川省
(all 21 prefecture-level divisions), 重庆市, 陕西省 with 西安/汉中/安康, and 巴中's five county-level
units.  Import these names from :mod:`kaifang.regions.matching`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_PATH",
    "FOREIGN_LEVELS",
    "LEVELS",
    "PROVINCE_PREFIXES",
    "RegionRecord",
    "load_regions",
    "validate_area_code",
    "validate_code",
]

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "regions.csv"
"""The shipped region list."""

LEVELS = ("world", "country", "province", "prefecture", "county")
"""全球 / 国家（地区）/ 省级 / 地级 / 县级. Municipalities (直辖市, e.g. 重庆市) are ``province``.

``world`` and ``country`` areas are outside GB/T 2260: reference series (the NY Fed GSCPI is
global) and partner countries of cross-border agreements and trade.  They carry ISO 3166-1 alpha-3
codes (``USA``, ``VNM``), and ``WLD`` for the world, as the World Bank and UN Comtrade do.
"""

FOREIGN_LEVELS = frozenset({"world", "country"})

# fmt: off
PROVINCE_PREFIXES = frozenset(
    {
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
        "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52",
        "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
    }
)
"""The first two digits of the 34 province-level divisions (省级行政区) in GB/T 2260."""
# fmt: on

CSV_COLUMNS = ("code", "name_zh", "name_en", "level", "parent_code", "aliases", "former_codes")


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


def validate_area_code(code: object, level: str) -> bool:
    """True when ``code`` has the form its ``level`` needs: ISO 3166-1 alpha-3 (or ``WLD``) for
    ``world``/``country`` areas, a GB/T 2260 code (:func:`validate_code`) for Chinese divisions."""
    if level in FOREIGN_LEVELS:
        return isinstance(code, str) and len(code) == 3 and code.isascii() and code.isalpha() and code.isupper()
    return validate_code(code)


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
            level = (row["level"] or "").strip()
            if level not in LEVELS:
                raise ValueError(f"{where}: level {level!r} is not one of {', '.join(LEVELS)}")
            if not validate_area_code(code, level):
                kind = "ISO 3166-1 alpha-3" if level in FOREIGN_LEVELS else "GB/T 2260"
                raise ValueError(f"{where}: invalid {kind} code {code!r}")
            if code in seen:
                raise ValueError(f"{where}: duplicate code {code} (first on line {seen[code]})")
            seen[code] = line
            parent = (row["parent_code"] or "").strip() or None
            if parent is not None and level in FOREIGN_LEVELS:
                raise ValueError(f"{where}: a {level} area has no parent (got {parent!r})")
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
