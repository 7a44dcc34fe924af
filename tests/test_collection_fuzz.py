"""Fuzzing the upload path (issue 3): thousands of malformed CSVs and workbooks, every one refused.

Each strategy builds a file that is malformed *by construction*: it always carries at least one
defect the platform must refuse (a bad row, a broken header, a wrong encoding, a cut, an empty
sheet …), often mixed with valid rows and noise (huge numbers, stray formulas, odd types). For every
file the property is:

1. ``workflow.upload`` returns normally (any exception is a failure);
2. the Submission has errors, each located in ``row`` (``x.csv``, ``x.csv!R3``, ``x.xlsx!Sheet!R4``)
   with a Chinese message;
3. ``workflow.submit`` refuses it, and the observation store (seeded with two vintages) has the same
   row count and checksum before and after.

``test_generated_valid_files_are_accepted`` checks the other side: the same generators without the
defect give files that pass, so each refusal is the defect's doing, not the generator's.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import math
import os
import re
from typing import Any, NamedTuple

import hypothesis
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, example, given, note
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from openpyxl import Workbook

from kaifang.collection import workflow
from kaifang.collection.longcsv import HEADER_ALIASES
from kaifang.collection.models import State
from kaifang.core.periods import PeriodError, parse_period
from kaifang.core.units import UnitError, conversion_factor, normalize_unit
from kaifang.observations.models import Observation
from kaifang.observations.validate import BASIS_WORDS, STATUS_WORDS
from tests.conftest import access

REQUIRED = ["indicator", "ref_area", "time_period", "obs_value"]
OPTIONAL = ["unit", "basis", "obs_status", "source", "note"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def fuzz(n: int) -> hypothesis.settings:
    """Reproducible in CI (the same examples every run: a red run is a real bug, not bad luck); explore new
    ones locally with ``KAIFANG_FUZZ_RANDOM=1 pytest tests/test_collection_fuzz.py``."""
    return hypothesis.settings(
        max_examples=n,
        derandomize=not os.environ.get("KAIFANG_FUZZ_RANDOM"),
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# -- the vocabulary: what is valid, and what is certainly not ---------------------------------------

# indicators every uploader here (the commerce officer, the analyst) may write: unit, frequency, units accepted
VALID = {
    "FDI_ACTUAL": ("M", ["万美元", "亿美元", "美元", ""]),
    "CHINA_EUROPE_TRAINS": ("M", ["列", ""]),
    "INTL_TRAIN_TEU": ("M", ["标箱", "万标箱", ""]),
    "CBEC_SALES": ("Q", ["亿元", "万元", ""]),
    "NEW_FIE": ("Q", ["家", ""]),
}
REGIONS = {
    "511900": ["511900", "巴中市", "巴中"],
    "511902": ["511902", "巴州区"],
    "511903": ["511903", "恩阳区"],
    "511921": ["511921", "通江县"],
    "511922": ["511922", "南江县"],
    "511923": ["511923", "平昌县"],
}
BASES = {"P": ["", "当月", "P", "当期"], "YTD": ["累计", "YTD"]}
STATUSES = ["", "初步", "正式", "修订", "P"]
DERIVED = ["TRADE_DEPENDENCE", "GDP_PER_CAPITA", "TERTIARY_SHARE"]

UNKNOWN_REGIONS = ["999999", "000000", "990000", "51190", "5119000", "火星市", "月球县", "不存在县", "=A1", "Q巴中"]
IMPOSSIBLE_PERIODS = [
    "2025-13", "2025-00", "2025Q5", "2025Q0", "0000", "10000", "2025年13月", "2025年0月", "2025年1-5月",
    "2025年第五季度", "2025/13", "9999-99", "-2025", "2025.13", "二〇二五年", "明年", "=2025-01", "2025-02-30",
]  # fmt: skip
WRONG_UNITS = [  # (indicator, unit) that cannot be converted: another quantity kind, or not a unit at all
    ("FDI_ACTUAL", "亿元"), ("FDI_ACTUAL", "万元"), ("FDI_ACTUAL", "元"), ("FDI_ACTUAL", "%"), ("FDI_ACTUAL", "个"),
    ("CBEC_SALES", "万美元"), ("CBEC_SALES", "美元"), ("CBEC_SALES", "人"), ("CHINA_EUROPE_TRAINS", "标箱"),
    ("CHINA_EUROPE_TRAINS", "万元"), ("INTL_TRAIN_TEU", "列"), ("NEW_FIE", "个"), ("NEW_FIE", "项"),
    ("FDI_ACTUAL", "万亿美刀"), ("FDI_ACTUAL", "斤"), ("CBEC_SALES", "单位：块"), ("NEW_FIE", "xyz"),
    ("CBEC_SALES", "亿元/年"), ("INTL_TRAIN_TEU", "箱子"),
]  # fmt: skip
BAD_VALUES = [
    "abc", "1e999", "-1e999", "inf", "-inf", "Infinity", "nan", "NaN", "=SUM(D2:D9)", "=1+1", "一百", "12..5",
    "--5", "1e", "TRUE", "FALSE", "2025-01-01", "#REF!", "#DIV/0!", "1.2.3", "e5",
]  # fmt: skip
OVERFLOW = [  # finite as written, infinite once converted to the indicator's unit
    ("FDI_ACTUAL", "亿美元", "1e308"),
    ("FDI_ACTUAL", "亿美元", "1.7976931348623157e308"),
    ("INTL_TRAIN_TEU", "万标箱", "9e305"),
]
BAD_BASES = ["半年", "月度", "全年", "x", "当年", "季度"]
BAD_STATUSES = ["待定", "估计", "E", "X", "草稿"]
BLANKS = ["", " ", "  ", "\u3000", " \u3000 "]
NOISE_NUMBERS = ["1e308", "-1e308", "0", "-0", "1e-300", "123456789012345678901234567890"]

ALIASES: dict[str, list[str]] = {}
for _label, _name in HEADER_ALIASES.items():
    ALIASES.setdefault(_name, []).append(_label)
    if _label.isascii() and _label.upper() != _label:
        ALIASES[_name].append(_label.upper())
CHINESE_ALIASES = {k: [a for a in v if not a.isascii()] for k, v in ALIASES.items()}
UNKNOWN_HEADERS = ["指标名称", "说明", "Unnamed: 0", "extra", "序号", "地区名称2", "值", "年份", "indicator_name"]
MISSPELT = {"indicator": ["指标代吗", "indicatr", "ind icator"], "ref_area": ["地区代马", "refarea", "REF-AREA"],
            "time_period": ["时间", "period", "TIME_PERIODS"], "obs_value": ["数据", "obsvalue", "vaule"]}  # fmt: skip


def known_header(label: str) -> bool:
    s = label.strip()
    return s.lower() in HEADER_ALIASES or s in HEADER_ALIASES


class Case(NamedTuple):
    """One generated upload: the file, who uploads it, and the defect it was built to carry."""

    filename: str
    content: bytes
    who: str
    why: str

    def __repr__(self) -> str:  # a workbook is kilobytes of zip: show its start (the blob replays it whole)
        head = self.content if len(self.content) <= 300 else self.content[:300] + b"..."
        return f"Case({self.filename!r}, {head!r} ({len(self.content)} bytes), {self.who!r}, {self.why!r})"


class Formula(str):
    """A cell written as an Excel formula (openpyxl stores no cached value)."""


class Text(str):
    """A cell written as text even when it starts with '='."""


# -- rows -------------------------------------------------------------------------------------------

identifier_chars = st.characters(exclude_categories=("Cc", "Cs"))
noise_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
who = st.sampled_from(["commerce", "analyst"])


@st.composite
def valid_row(draw: st.DrawFn) -> tuple[tuple, dict[str, Any]]:
    """(its key, its cells): a row that passes validation for both uploaders."""
    code = draw(st.sampled_from(sorted(VALID)))
    freq, units = VALID[code]
    region = draw(st.sampled_from(sorted(REGIONS)))
    year = draw(st.integers(2016, 2025))
    kind = draw(st.sampled_from(["Y", freq]))
    if kind == "Y":
        period, spellings = str(year), [str(year), f"{year}年"]
    elif kind == "M":
        m = draw(st.integers(1, 12))
        period, spellings = f"{year}-{m:02d}", [f"{year}-{m:02d}", f"{year}年{m}月", f"{year}M{m:02d}", f"{year}/{m}"]
    else:
        q = draw(st.integers(1, 4))
        period, spellings = f"{year}Q{q}", [f"{year}Q{q}", f"{year}年第{q}季度", f"{year}-Q{q}"]
    basis = draw(st.sampled_from(sorted(BASES)))
    value = draw(
        st.one_of(
            st.integers(0, 10**6).map(str),
            st.floats(0, 1e6, allow_nan=False).map(lambda v: f"{v:.6g}"),
        )
    )
    cells = {
        "indicator": code,
        "ref_area": draw(st.sampled_from(REGIONS[region])),
        "time_period": draw(st.sampled_from(spellings)),
        "obs_value": value,
        "unit": draw(st.sampled_from(units)),
        "basis": draw(st.sampled_from(BASES[basis])),
        "obs_status": draw(st.sampled_from(STATUSES)),
        "source": draw(st.sampled_from(["", "市商务局", "统计月报"])),
        "note": draw(st.sampled_from(["", "初步数", "含口岸数据"])),
    }
    return (code, region, period, basis), cells


def respelt(cells: dict[str, Any]) -> dict[str, Any]:
    """The same key written differently (region name for code, 当月 for blank …)."""
    region = next(code for code, names in REGIONS.items() if cells["ref_area"] in names)
    names = REGIONS[region]
    other = names[(names.index(cells["ref_area"]) + 1) % len(names)]
    basis = next(b for b, words in BASES.items() if cells["basis"] in words)
    return {**cells, "ref_area": other, "basis": BASES[basis][-1], "obs_value": "1", "note": "重复"}


@st.composite
def bad_rows(draw: st.DrawFn, xlsx: bool = False) -> tuple[list[dict[str, Any]], set[str], str]:
    """(rows, columns the defect needs, what is wrong): the last row is certainly refused."""
    _, row = draw(valid_row())
    kinds = ["unknown_indicator", "derived", "unknown_region", "period", "frequency", "unit", "value",
             "overflow", "basis", "status", "blank", "duplicate"]  # fmt: skip
    if xlsx:
        kinds += ["typed", "typed", "formula", "formula"]  # (twice: the workbook-only defects)
    kind = draw(st.sampled_from(kinds))
    bad = dict(row)
    need: set[str] = set()
    if kind == "unknown_indicator":
        junk = st.text(identifier_chars, min_size=1, max_size=12).filter(
            lambda s: s.strip() and s.strip() not in VALID and s.strip() not in KNOWN_CODES
        )
        bad["indicator"] = draw(st.one_of(junk, st.sampled_from(["GDPP", "fdi_actual", "FDI ACTUAL", "=GDP"])))
    elif kind == "derived":
        bad["indicator"] = draw(st.sampled_from(DERIVED))
    elif kind == "unknown_region":
        bad["ref_area"] = draw(st.one_of(st.sampled_from(UNKNOWN_REGIONS), st.from_regex(r"\A9[0-9]{5}\Z")))
    elif kind == "period":
        junk = st.from_regex(r"\A[a-zA-Z#?!*]{1,8}\Z")  # no digits: no year, no period
        bad["time_period"] = draw(st.one_of(st.sampled_from(IMPOSSIBLE_PERIODS), junk))
    elif kind == "frequency":  # a month for a quarterly indicator
        bad.update(indicator=draw(st.sampled_from(["CBEC_SALES", "NEW_FIE"])), unit="", time_period="2024-05")
    elif kind == "unit":
        code, unit = draw(st.sampled_from(WRONG_UNITS))
        junk_unit = draw(st.from_regex(r"\Aq[a-z]{2,6}\Z"))  # no unit label starts with q
        bad.update(indicator=code, time_period="2024", unit=draw(st.sampled_from([unit, junk_unit])))
        need.add("unit")
    elif kind == "value":
        letters = st.text(st.sampled_from("abcdefxyzQ中文"), min_size=1, max_size=6)  # never a number
        bad["obs_value"] = draw(st.one_of(st.sampled_from(BAD_VALUES), letters))
        if xlsx:  # typed as text: openpyxl would store "=1+1" as a formula and "#REF!" as an error cell
            bad["obs_value"] = Text(bad["obs_value"])
    elif kind == "overflow":
        code, unit, value = draw(st.sampled_from(OVERFLOW))
        bad.update(indicator=code, unit=unit, obs_value=value, time_period="2024")
        need.add("unit")
    elif kind == "basis":
        bad["basis"] = draw(st.one_of(st.sampled_from(BAD_BASES), st.sampled_from(["Q", "M", "Y", "ytd!"])))
        need.add("basis")
    elif kind == "status":
        bad["obs_status"] = draw(st.sampled_from(BAD_STATUSES))
        need.add("obs_status")
    elif kind == "blank":  # in a workbook a blank 数值 means 未报 (not reported), so not that one
        column = draw(st.sampled_from(REQUIRED[:3] if xlsx else REQUIRED))
        bad[column] = draw(st.sampled_from(BLANKS))
    elif kind == "duplicate":
        return [row, respelt(row)], {"basis"}, "duplicate"
    elif kind == "typed":  # Excel types where text or a number belongs
        column, value = draw(
            st.sampled_from(
                [
                    ("obs_value", True),
                    ("obs_value", False),
                    ("obs_value", dt.datetime(2025, 1, 31, 8, 0)),
                    ("obs_value", dt.date(2025, 1, 1)),
                    ("obs_value", dt.time(12, 30)),
                    ("time_period", 2025.1),  # 2025.10 as Excel stores it: January or October?
                    ("time_period", 2019.1),
                    ("time_period", True),
                    ("indicator", 123),
                    ("indicator", 3.5),
                    ("indicator", True),
                    ("ref_area", False),
                ]
            )
        )
        bad[column] = value
        kind = f"typed {column}={value!r}"
    elif kind == "formula":  # a formula with no cached value (as openpyxl writes it), or an error cell
        column = draw(st.sampled_from(REQUIRED))
        formula = Formula(draw(st.sampled_from(["=A1", '=IF(B2="","x",B2)', "=VLOOKUP(A2,Sheet2!A:B,2,0)"])))
        bad[column] = draw(st.sampled_from([formula, "#DIV/0!", "#N/A", "#REF!", "#VALUE!"]))
        kind = f"formula in {column}: {bad[column]}"
    return [bad], need, kind


KNOWN_CODES: set[str] = set()  # filled from the catalog by the fixture (so junk never hits a real code)


def noisy(rows: list[dict[str, Any]], draw: st.DrawFn, xlsx: bool) -> list[dict[str, Any]]:
    """Noise that must not matter: huge but finite values, odd notes, stray formulas in 备注."""
    out = []
    for r in rows:
        r = dict(r)
        if draw(st.integers(0, 9)) == 0:
            r["note"] = draw(noise_text) if not xlsx else Formula("=1/0")
        if draw(st.integers(0, 9)) == 0 and r["indicator"] in VALID and r["unit"] in ("", VALID[r["indicator"]][1][0]):
            r["obs_value"] = draw(st.sampled_from(NOISE_NUMBERS))
        out.append(r)
    return out


# -- files ------------------------------------------------------------------------------------------


def csv_text(labels: list[str], columns: list[str], rows: list[dict[str, Any]], delimiter: str, eol: str) -> list[str]:
    """The lines of a CSV file (header first), each with its line end."""
    lines = []
    for cells in [labels, *([str(r.get(c, "")) for c in columns] for r in rows)]:
        buf = io.StringIO()
        csv.writer(buf, delimiter=delimiter, lineterminator=eol).writerow(cells)
        lines.append(buf.getvalue())
    return lines


@st.composite
def layout(draw: st.DrawFn, need: set[str], chinese: bool = False) -> tuple[list[str], list[str]]:
    """(canonical columns, header labels): the required ones, some optional ones, unknown extras, any order."""
    columns = REQUIRED + sorted(need | set(draw(st.lists(st.sampled_from(OPTIONAL), unique=True))))
    extras = draw(st.lists(st.sampled_from(UNKNOWN_HEADERS), unique=True, max_size=2))
    columns = draw(st.permutations(columns + [f"_{e}" for e in extras]))
    names = CHINESE_ALIASES if chinese else ALIASES
    labels = []
    for c in columns:
        if c.startswith("_"):
            labels.append(c[1:])
        else:
            label = draw(st.sampled_from(names[c]))
            labels.append(draw(st.sampled_from([label, f" {label}", f"{label} "])))
    return columns, labels


ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "gbk"]


def duplicate(columns: list[str], labels: list[str], name: str, draw: st.DrawFn) -> None:
    """Make ``name`` appear (at least) twice, under any of its aliases."""
    while columns.count(name) < 2:
        at = draw(st.integers(0, len(columns)))
        columns.insert(at, name)
        labels.insert(at, draw(st.sampled_from(ALIASES[name])))


@st.composite
def csv_with_bad_rows(draw: st.DrawFn) -> Case:
    """A well-formed long CSV (any encoding, delimiter, column order) with at least one bad row."""
    bad: list[dict[str, Any]] = []
    need: set[str] = set()
    whys = []
    for _ in range(draw(st.integers(1, 3))):
        rows, n, why = draw(bad_rows())
        bad += rows
        need |= n
        whys.append(why)
    good = [r for _, r in draw(st.lists(valid_row(), max_size=3))]
    rows = [*noisy(draw(st.permutations(good + bad[:-1])), draw, xlsx=False), bad[-1]]
    if draw(st.booleans()):  # the last bad row need not be last in the file (duplicates stay after their twin)
        rows = draw(st.permutations(rows)) if "duplicate" not in whys else rows
    columns, labels = draw(layout(need))
    delimiter = draw(st.sampled_from([",", ",", ";", "\t"]))
    lines = csv_text(labels, columns, rows, delimiter, draw(st.sampled_from(["\n", "\r\n"])))
    if draw(st.booleans()):
        lines.insert(draw(st.integers(1, len(lines))), delimiter * (len(columns) - 1) + "\n")  # a blank row
    encoding = draw(st.sampled_from(ENCODINGS))
    try:
        content = "".join(lines).encode(encoding)
    except UnicodeEncodeError:
        content = "".join(lines).encode("utf-8")
    return Case("x.csv", content, draw(who), "; ".join(whys))


@functools.cache
def _binary_workbook() -> bytes:
    """Built once: a workbook's bytes carry its save time, and the strategy must not depend on the clock."""
    rows = [["指标代码", "地区代码", "时期", "数值"], ["FDI_ACTUAL", "511900", "2025-10", 1]]
    return workbook_bytes([("Sheet1", rows)])


@st.composite
def broken_csv(draw: st.DrawFn) -> Case:
    """A CSV broken as a whole: header, encoding, emptiness, a cut, random bytes, a binary file."""
    kind = draw(st.sampled_from(["missing", "duplicate", "unknown", "encoding", "mojibake", "empty", "truncated",
                                 "nul", "bytes", "binary"]))  # fmt: skip
    good = [r for _, r in draw(st.lists(valid_row(), min_size=1, max_size=3))]
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    if kind == "empty":
        blank = st.text(st.sampled_from(" \t\r\n\u3000\u00a0"), max_size=20)
        text = draw(blank)
        enc = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
        return Case("x.csv", text.encode(enc), draw(who), f"empty ({enc})")
    if kind == "bytes":
        return Case("x.csv", draw(st.binary(max_size=200)), draw(who), "random_bytes")
    if kind == "binary":  # a workbook (or a fragment of one) uploaded as .csv
        data = _binary_workbook()
        return Case("x.csv", data[: draw(st.integers(1, len(data)))], draw(who), "binary (xlsx bytes as csv)")

    columns, labels = draw(layout(set(), chinese=kind == "mojibake"))
    why = kind
    if kind == "missing":  # drop required columns, or misspell them
        gone = draw(st.lists(st.sampled_from(REQUIRED), min_size=1, unique=True))
        for g in gone:
            i = columns.index(g)
            if draw(st.booleans()):
                del columns[i], labels[i]
            else:
                labels[i] = draw(st.sampled_from(MISSPELT[g]))
                columns[i] = "_x" + g
        why = f"missing {gone}"
    elif kind == "duplicate":  # one column twice (the same label, or two aliases of it)
        name = draw(st.sampled_from(REQUIRED + OPTIONAL))
        duplicate(columns, labels, name, draw)
        why = f"duplicate {name}"
    elif kind == "unknown":  # nothing the reader knows
        n = draw(st.integers(1, 6))
        words = st.text(identifier_chars, max_size=10).filter(lambda s: not known_header(s) and "," not in s)
        labels = draw(st.lists(st.one_of(st.sampled_from(UNKNOWN_HEADERS), words), min_size=n, max_size=n))
        columns = REQUIRED[:n] + ["_"] * max(0, n - 4)
    lines = csv_text(labels, columns, good, ",", eol)

    if kind == "truncated":  # a cut inside the header, or anywhere after a bad row
        rows, need, why = draw(bad_rows())
        columns, labels = draw(layout(need))
        body = [r for _, r in draw(st.lists(valid_row(), max_size=2))] + rows
        lines = csv_text(labels, columns, body + good, ",", eol)
        encoded = [line.encode("utf-8") for line in lines]
        data = b"".join(encoded)
        header_end = len(encoded[0])
        bad_end = sum(len(x) for x in encoded[: 1 + len(body)])
        cut = draw(st.one_of(st.integers(0, header_end - 1), st.integers(bad_end, len(data) - 1)))
        return Case("x.csv", data[:cut], draw(who), f"truncated at {cut}/{len(data)} ({why})")
    text = "".join(lines)
    if kind == "encoding":
        enc = draw(st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "utf-32"]))
        return Case("x.csv", text.encode(enc), draw(who), f"encoded {enc}")
    if kind == "mojibake":  # UTF-8 read as Latin-1 (or cp1252) and saved again; the Chinese header is garbled
        enc = draw(st.sampled_from(["latin-1", "cp1252"]))
        garbled = text.encode("utf-8").decode(enc, errors="replace")
        return Case("x.csv", garbled.encode(draw(st.sampled_from(["utf-8", "gb18030"]))), draw(who), f"mojibake {enc}")
    if kind == "nul":  # NUL bytes inside a required header label
        i = columns.index(draw(st.sampled_from(REQUIRED)))
        label = labels[i].strip()
        at = draw(st.integers(1, len(label)))
        labels[i] = label[:at] + "\x00" + label[at:]
        text = "".join(csv_text(labels, columns, good, ",", eol))
    return Case("x.csv", text.encode(draw(st.sampled_from(["utf-8", "gb18030"]))), draw(who), why)


def workbook_bytes(sheets: list[tuple[str, list[list[Any]]]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, Text):
                    cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


TITLES = [["巴中市商务局 月度报送表"], ["单位：万美元"], [], ["填报说明：空白表示未报"], [None, "2025年10月"]]
sheet_names = (
    st.text(st.characters(exclude_categories=("Cc", "Cs"), exclude_characters="[]:*?/\\'"), min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
    .map(lambda base: [f"{base}{i}" if i else base for i in range(4)])  # four distinct sheet names
)


@st.composite
def filler_sheet(draw: st.DrawFn) -> list[list[Any]]:
    """A sheet before the data that has no long-layout header: empty, titles, whitespace, a report."""
    kind = draw(st.sampled_from(["empty", "titles", "blank", "report"]))
    if kind == "empty":
        return []
    if kind == "titles":
        return draw(st.lists(st.sampled_from(TITLES), max_size=4))
    if kind == "blank":
        return [[" ", "\u3000"], [], ["  "]]
    return [["地区", "当月", "累计"], ["巴中市", 12.5, 80.1], ["合计", 12.5, 80.1]]


def sheet_rows(columns: list[str], labels: list[str], rows: list[dict[str, Any]], draw: st.DrawFn) -> list[list[Any]]:
    out: list[list[Any]] = draw(st.lists(st.sampled_from(TITLES), max_size=3))
    out.append(labels)
    for r in rows:
        cells = []
        for c in columns:
            v = r.get(c, "") if not c.startswith("_") else draw(st.sampled_from(["", "说明", 7]))
            if c == "obs_value" and type(v) is str and draw(st.booleans()):
                try:
                    number = float(v)
                except ValueError:
                    number = math.nan
                if math.isfinite(number):  # a number cell, not text (openpyxl cannot store inf or nan)
                    v = number
            if c == "ref_area" and v in REGIONS and draw(st.booleans()):
                v = int(v)
            cells.append(None if v == "" else v)
        out.append(cells)
    return out


@st.composite
def xlsx_with_bad_rows(draw: st.DrawFn) -> Case:
    """A long-layout workbook (title rows, any column order, filler sheets first) with at least one bad row."""
    bad: list[dict[str, Any]] = []
    need: set[str] = set()
    whys = []
    for _ in range(draw(st.integers(1, 3))):
        rows, n, why = draw(bad_rows(xlsx=True))
        bad += rows
        need |= n
        whys.append(why)
    good = [r for _, r in draw(st.lists(valid_row(), max_size=3))]
    rows = [*noisy(draw(st.permutations(good + bad[:-1])), draw, xlsx=True), bad[-1]]
    columns, labels = draw(layout(need))
    names = draw(sheet_names)
    sheets = [(names[i], draw(filler_sheet())) for i in range(draw(st.integers(0, 2)))]
    sheets.append((names[3], sheet_rows(columns, labels, rows, draw)))
    return Case("x.xlsx", workbook_bytes(sheets), draw(who), "; ".join(whys))


@st.composite
def broken_xlsx(draw: st.DrawFn) -> Case:
    """A workbook broken as a whole: no data, no (or a bad) header, a cut zip, not a workbook at all."""
    kind = draw(st.sampled_from(["empty", "no_data", "missing", "duplicate", "unknown", "too_low", "truncated",
                                 "not_xlsx"]))  # fmt: skip
    names = draw(sheet_names)
    good = [r for _, r in draw(st.lists(valid_row(), min_size=1, max_size=3))]
    columns, labels = draw(layout(set()))
    why = kind
    if kind == "empty":  # only empty or whitespace sheets
        sheets = [(names[i], draw(filler_sheet())) for i in range(draw(st.integers(1, 3)))]
        return Case("x.xlsx", workbook_bytes(sheets), draw(who), why)
    if kind == "no_data":  # a header and nothing, or rows whose 数值 are all blank (not reported)
        rows = [{**r, "obs_value": draw(st.sampled_from(["", None]))} for r in good] if draw(st.booleans()) else []
        sheets = [(names[0], sheet_rows(columns, labels, rows, draw))]
        return Case("x.xlsx", workbook_bytes(sheets), draw(who), why)
    if kind == "missing":
        gone = draw(st.lists(st.sampled_from(REQUIRED), min_size=1, unique=True))
        for g in gone:
            i = columns.index(g)
            labels[i] = draw(st.sampled_from(MISSPELT[g]))
            columns[i] = "_" + labels[i]
        why = f"missing {gone}"
    elif kind == "duplicate":  # one column twice (the same label, or two aliases of it)
        name = draw(st.sampled_from(REQUIRED + OPTIONAL))
        duplicate(columns, labels, name, draw)
        why = f"duplicate {name}"
    elif kind == "unknown":
        labels = draw(st.lists(st.sampled_from(UNKNOWN_HEADERS), min_size=4, max_size=6))
        columns = ["_" + x for x in labels]
    sheets = [(names[0], sheet_rows(columns, labels, good, draw))]
    if kind == "too_low":  # the header below the first 20 rows is not looked for
        sheets = [(names[0], [[f"说明第{i}行"] for i in range(20)] + sheet_rows(columns, labels, good, draw))]
    data = workbook_bytes(sheets)
    if kind == "truncated":
        # drawn as a share of the length: a workbook's size varies by a byte with its save time, and the
        # strategy must draw the same whatever the clock says
        cut = draw(st.integers(0, 9_999)) * len(data) // 10_000
        return Case("x.xlsx", data[:cut], draw(who), f"truncated at {cut}/{len(data)}")
    if kind == "not_xlsx":
        text = "".join(csv_text(labels, columns, good, ",", "\n")).encode()
        data = draw(st.sampled_from([b"", text, b"PK\x03\x04" + text]) | st.binary(max_size=120))
        # a text table saved as .xls is what many 业务系统 export: the reader accepts it on purpose
        # (test_a_text_table_named_xls_is_read), so valid text is only "not a workbook" under other names
        names = ["x.xlsx", "x.ods", "x.xlsm"] if data == text else ["x.xlsx", "x.xls", "x.ods", "x.xlsm"]
        return Case(draw(st.sampled_from(names)), data, draw(who), "not_a_workbook")
    return Case("x.xlsx", data, draw(who), why)


# -- the property ------------------------------------------------------------------------------------

SEED = (
    "指标代码,地区代码,时期,数值,单位,口径\n"
    "FDI_ACTUAL,511900,2025-09,60,万美元,当月\n"
    "FDI_ACTUAL,511900,2025-10,70,万美元,当月\n"
    "CBEC_SALES,511900,2025Q2,1.5,亿元,当季\n"
)


@pytest.fixture
def store(platform, settings, tmp_path):  # type: ignore[no-untyped-def]
    """The platform with three observations in force and one superseded vintage, so checksums mean something."""
    from kaifang.catalog.models import Indicator

    settings.DATA_DIR = tmp_path
    KNOWN_CODES.update(Indicator.objects.values_list("code", flat=True))
    p, officer, reviewer = platform, platform.users["commerce"], platform.users["analyst"]
    for name, text in [("seed.csv", SEED), ("revision.csv", SEED.replace(",70,", ",71,"))]:
        sub = workflow.upload(p.workspace, access(officer, p.workspace), officer, name, text.encode())
        assert sub.errors == [], sub.errors
        workflow.submit(sub, access(officer, p.workspace), officer)
        workflow.review(sub, access(reviewer, p.workspace), reviewer, approve=True)
    assert Observation.objects.count() == 4 and Observation.objects.filter(superseded_at__isnull=True).count() == 3
    return p


def checksum() -> tuple[int, str]:
    rows = sorted(Observation.objects.values_list("id", "value", "superseded_at", "batch_id"))
    return len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()


LOCATION = re.compile(r"!R\d+$")


def assert_refused(p: Any, case: Case) -> None:
    if currently_in_test_context():
        note(f"{case.why}: {case.filename} {case.content[:400]!r}")
        event(re.split(r"[ :]", case.why.split("; ")[-1])[0])  # the defect kind, for --hypothesis-show-statistics
    before = checksum()
    user = p.users[case.who]
    grant = access(user, p.workspace)
    sub = workflow.upload(p.workspace, grant, user, case.filename, case.content)
    assert sub.errors, f"accepted a malformed file ({case.why}): staged {sub.staged}"
    for error in sub.errors:
        row, message = error["row"], error["message"]
        assert isinstance(row, str) and row.startswith(sub.filename), error
        assert row == sub.filename or (row[len(sub.filename)] == "!" and LOCATION.search(row)), error
        assert CJK.search(message), error
    assert checksum() == before
    with pytest.raises(workflow.WorkflowError, match="错误"):
        workflow.submit(sub, grant, user)
    assert sub.state == State.UPLOADED and checksum() == before


# regressions: each of these crashed the upload or was accepted before the fix noted
HEADER = "指标代码,地区代码,时期,数值,单位\n"
BLANK_CODE = Case("x.csv", (HEADER + " ,511900,2025-10,60,万美元\n").encode(), "commerce", "staged with no indicator")
BLANK_PERIOD = Case("x.csv", (HEADER + "FDI_ACTUAL,511900,\u3000,60,万美元\n").encode(), "analyst", "TypeError")
OVERFLOWS = Case("x.csv", (HEADER + "FDI_ACTUAL,511900,2024,1e308,亿美元\n").encode(), "commerce", "inf once converted")
BLANK_FIRST_LINE = Case("x.csv", ("\n" + HEADER + "FDI_ACTUAL,511900,2025-10,60,万美元\n").encode(), "commerce",
                        "StopIteration")  # fmt: skip
HUGE_HEADER = Case("x.csv", b"a" * 200_000 + b",b\n1,2\n", "analyst", "csv.Error: field larger than field limit")
UTF16 = Case("x.csv", HEADER.encode("utf-16-le"), "analyst", "utf-16 without BOM")
SHEET_HEADER = ["指标代码", "地区代码", "时期", "数值", "单位"]
ROW = ["FDI_ACTUAL", "511900", "2025-10", 60, "万美元"]
TRUE_VALUE = Case("x.xlsx", workbook_bytes([("S", [SHEET_HEADER, [*ROW[:3], True, ROW[4]]])]), "commerce",
                  "TRUE read as 1")  # fmt: skip
NUMERIC_PERIOD = Case("x.xlsx", workbook_bytes([("S", [SHEET_HEADER, [*ROW[:2], 2025.1, *ROW[3:]]])]), "analyst",
                      "2025.10 read as 2025-01")  # fmt: skip
TWO_VALUES = Case("x.xlsx", workbook_bytes([("S", [[*SHEET_HEADER, "数值"], [*ROW, 999]])]), "commerce",
                  "the last 数值 column won")  # fmt: skip


@fuzz(500)
@given(case=csv_with_bad_rows())
@example(case=BLANK_CODE)
@example(case=BLANK_PERIOD)
@example(case=OVERFLOWS)
def test_csv_with_bad_rows_is_refused(store, case):  # type: ignore[no-untyped-def]
    assert_refused(store, case)


@fuzz(800)
@given(case=broken_csv())
@example(case=BLANK_FIRST_LINE)
@example(case=HUGE_HEADER)
@example(case=UTF16)
def test_broken_csv_is_refused(store, case):  # type: ignore[no-untyped-def]
    assert_refused(store, case)


@fuzz(300)
@given(case=xlsx_with_bad_rows())
@example(case=TRUE_VALUE)
@example(case=NUMERIC_PERIOD)
def test_workbook_with_bad_rows_is_refused(store, case):  # type: ignore[no-untyped-def]
    assert_refused(store, case)


@fuzz(450)
@given(case=broken_xlsx())
@example(case=TWO_VALUES)
def test_broken_workbook_is_refused(store, case):  # type: ignore[no-untyped-def]
    assert_refused(store, case)


# -- the generators are honest: without the defect, the same files pass -------------------------------


@fuzz(25)
@given(rows=st.lists(valid_row(), min_size=1, max_size=4, unique_by=lambda kr: kr[0]), data=st.data())
def test_generated_valid_files_are_accepted(store, rows, data):  # type: ignore[no-untyped-def]
    p = store
    cells = [r for _, r in rows]
    columns, labels = data.draw(layout({"unit", "basis", "obs_status"}))
    lines = csv_text(labels, columns, cells, data.draw(st.sampled_from([",", ";", "\t"])), "\n")
    names = data.draw(sheet_names)
    files = {
        "ok.csv": "".join(lines).encode(data.draw(st.sampled_from(ENCODINGS))),
        "ok.xlsx": workbook_bytes(
            [(names[0], data.draw(filler_sheet())), (names[1], sheet_rows(columns, labels, cells, data.draw))]
        ),
    }
    for name, content in files.items():
        user = p.users[data.draw(who)]
        sub = workflow.upload(p.workspace, access(user, p.workspace), user, name, content)
        assert sub.errors == [] and sub.rows == len(cells), (name, sub.errors)


def test_defect_vocabulary_is_really_defective():
    for text in IMPOSSIBLE_PERIODS:
        with pytest.raises(PeriodError):
            parse_period(text)
    for code, unit in WRONG_UNITS:
        target = next(u for c, (_, units) in VALID.items() if c == code for u in units[:1])
        with pytest.raises(UnitError):
            conversion_factor(normalize_unit(unit), target)
    values = pd.to_numeric(pd.Series(BAD_VALUES, dtype=object), errors="coerce").astype(float)
    assert not values.apply(lambda v: v == v and abs(v) != float("inf")).any()
    assert not set(BAD_BASES) & set(BASIS_WORDS) and not set(BAD_STATUSES) & set(STATUS_WORDS)
    for label in UNKNOWN_HEADERS + [m for ms in MISSPELT.values() for m in ms]:
        assert not known_header(label), label


@pytest.mark.parametrize("cell", [Formula("=B2*2"), "#DIV/0!"], ids=["uncached formula", "error cell"])
def test_a_broken_formula_in_the_value_column_is_refused(store, cell):  # type: ignore[no-untyped-def]
    """calamine alone read both as empty, and a blank 数值 is 未报: the row vanished, the file passed."""
    rows = [SHEET_HEADER, ROW, [*ROW[:2], "2025-09", cell, ROW[4]]]
    assert_refused(store, Case("x.xlsx", workbook_bytes([("S", rows)]), "commerce", "formula in 数值"))


def test_a_text_table_named_xls_is_read(store):  # type: ignore[no-untyped-def]
    """Business systems often export a tab/comma-separated text file with an .xls name: it is read."""
    officer = store.users["commerce"]
    data = "指标代码\t地区代码\t时期\t数值\t单位\nFDI_ACTUAL\t511900\t2025-11\t66\t万美元\n".encode("gb18030")
    sub = workflow.upload(store.workspace, access(officer, store.workspace), officer, "导出.xls", data)
    assert sub.errors == [] and [(r["time_period"], r["obs_value"]) for r in sub.staged] == [("2025-11", 66)]


def test_nul_characters_are_stored_visibly_on_every_database(store):  # type: ignore[no-untyped-def]
    """PostgreSQL refuses NUL in text and jsonb: a UTF-16 file without BOM read as bytes must still store."""
    officer = store.users["analyst"]
    data = "指标代码,地区代码,时期,数值,单位\n".encode("utf-16-le")
    sub = workflow.upload(store.workspace, access(officer, store.workspace), officer, "x.csv", data)
    assert sub.errors and all("\x00" not in e["message"] for e in sub.errors)
