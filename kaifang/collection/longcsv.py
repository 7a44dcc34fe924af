"""The long (SDMX-style) exchange format: one observation per row. Pure: pandas and the stdlib.

Reading accepts the platform's own headers (``indicator, ref_area, time_period, obs_value, unit,
basis, obs_status, source, note``), SDMX-CSV's upper-case ones (``INDICATOR, REF_AREA, TIME_PERIOD,
OBS_VALUE, UNIT_MEASURE, OBS_STATUS`` …, with or without a leading ``DATAFLOW`` column) and the
Chinese headers a department would type (指标代码, 地区代码, 时期, 数值, 单位, 口径, 状态, 来源, 备注),
in any column order, in UTF-8 (with or without BOM) or GB18030/GBK. Rows keep their file line as
their label (``file.csv!R12``) so every problem found later points at the line to fix.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

import pandas as pd

LONG_COLUMNS = ["indicator", "ref_area", "time_period", "basis", "obs_value", "unit", "obs_status", "source", "note"]
REQUIRED = ["indicator", "ref_area", "time_period", "obs_value"]
SDMX_NAMES = {
    "indicator": "INDICATOR", "ref_area": "REF_AREA", "time_period": "TIME_PERIOD", "basis": "BASIS",
    "obs_value": "OBS_VALUE", "unit": "UNIT_MEASURE", "obs_status": "OBS_STATUS", "source": "SOURCE", "note": "COMMENT",
}  # fmt: skip
DATAFLOW = "KAIFANG:OBSERVATIONS(1.0)"
HEADER_ALIASES = {
    **{k: k for k in LONG_COLUMNS},
    **{v.lower(): k for k, v in SDMX_NAMES.items()},
    "unit": "unit", "obs_comment": "note", "comment": "note", "status": "obs_status", "value": "obs_value",
    "指标代码": "indicator", "地区代码": "ref_area", "区划代码": "ref_area",
    "时期": "time_period", "统计期": "time_period", "数值": "obs_value", "单位": "unit", "计量单位": "unit",
    "口径": "basis", "状态": "obs_status", "来源": "source", "数据来源": "source", "备注": "note",
}  # fmt: skip
SDMX_STATUS = {"P": "P", "R": "A", "F": "A"}  # CL_OBS_STATUS: P provisional, A normal value


class LongFormatError(ValueError):
    """The file cannot be read as a long table (encoding, header); says where and why."""


def decode(content: bytes, filename: str) -> str:
    """UTF-8 (BOM or not), else GB18030 (a superset of GBK); never a silent mojibake."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as utf8:
        try:
            return content.decode("gb18030")
        except UnicodeDecodeError:
            raise LongFormatError(
                f"{filename}: 无法识别文件编码（第{utf8.start}字节处既非 UTF-8 也非 GBK/GB18030）"
                f" (cannot decode: neither UTF-8 nor GB18030 at byte {utf8.start})"
            ) from None


def read_long_csv(content: bytes, filename: str) -> pd.DataFrame:
    """A long CSV as a DataFrame of text cells, labelled ``file!R<line>``; raises LongFormatError."""
    text = decode(content, filename)
    if not text.strip():
        raise LongFormatError(f"{filename}: 文件为空 (empty file)")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:  # a blank first line is an empty header (refused below), not StopIteration
        first = next(csv.reader(io.StringIO(text.split("\n", 1)[0]), delimiter=delimiter), [])
    except csv.Error as exc:  # e.g. a header cell longer than the csv module's field limit
        raise LongFormatError(f"{filename}!R1: 表头无法解析 ({exc})") from None
    header = [HEADER_ALIASES.get(h.strip().lower(), HEADER_ALIASES.get(h.strip(), "")) for h in first]
    check_header([h.strip() for h in first], header, f"{filename}!R1")
    try:  # pandas' C parser: a million rows in about a second
        # one spare column catches a row longer than the header (two or more extra fields make the
        # parser fail): a long row is refused, never silently shifted or cut
        names = [*(h or f"_ignored{i}" for i, h in enumerate(header)), "_overflow"]
        df = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, header=None, skiprows=1,
                         names=names, skip_blank_lines=False, engine="c")  # fmt: skip
    except (pd.errors.ParserError, ValueError) as exc:
        raise LongFormatError(f"{filename}: CSV 格式错误 ({exc})") from None
    # labels are file lines (header = line 1), unless a quoted cell spans several lines
    df.index = [f"{filename}!R{n}" for n in range(2, len(df) + 2)]
    long_rows = df.index[df["_overflow"].fillna("") != ""]
    if len(long_rows):
        raise LongFormatError(
            f"{long_rows[0]}: 该行字段多于表头（共 {len(long_rows)} 行） (more fields than the header)"
        )
    df = df[[h for h in header if h]]
    blank = (df == "").all(axis=1)
    df = df[~blank].replace("", None)
    return df.reindex(columns=LONG_COLUMNS)


def write_long(rows: pd.DataFrame, fmt: str) -> bytes:
    """The long table as ``csv`` (platform headers), ``sdmx-csv`` (SDMX-CSV 1.0 style) or ``xlsx``."""
    df = rows.reindex(columns=LONG_COLUMNS)
    if fmt == "csv":
        return df.to_csv(index=False).encode("utf-8-sig")
    if fmt == "sdmx-csv":
        out = df.assign(obs_status=df["obs_status"].map(lambda s: SDMX_STATUS.get(s, s)))
        out = out.rename(columns=SDMX_NAMES)
        out.insert(0, "DATAFLOW", DATAFLOW)
        return out.to_csv(index=False).encode("utf-8")
    if fmt == "xlsx":
        buf = io.BytesIO()
        df.to_excel(buf, index=False, sheet_name="observations", engine="openpyxl")
        return buf.getvalue()
    raise ValueError(f"unknown format {fmt!r}: csv, sdmx-csv or xlsx")


UNIT_LIKE = re.compile(r"单位|[（(]\s*(万|亿|千)?(元|美元|吨|人)\s*[)）]")


def check_header(raw: list[str], mapped: list[str], where: str) -> None:
    """Refuse a header whose unrecognised columns look like units: values would be read unconverted."""
    odd = [h for h, m in zip(raw, mapped, strict=True) if not m and UNIT_LIKE.search(h)]
    if odd:
        raise LongFormatError(
            f"{where}: 无法识别的列「{'」「'.join(odd)}」：单位请写在“单位”列，数值列名为“数值”"
            f" (unrecognised unit-like column: values would be read in the wrong unit)"
        )
    missing = [c for c in REQUIRED if c not in mapped]
    if missing:
        raise LongFormatError(
            f"{where}: 表头缺少必需列 {', '.join(missing)}（现有列：{', '.join(raw)}） (header lacks required columns)"
        )
    dup = sorted({h for h in mapped if h and mapped.count(h) > 1})
    if dup:
        raise LongFormatError(f"{where}: 表头列重复 {', '.join(dup)} (duplicate columns)")


def looks_long(header: Iterable[str]) -> bool:
    """Whether a header row is the long format (so no mapping template is needed)."""
    names = {HEADER_ALIASES.get(h.strip().lower(), HEADER_ALIASES.get(h.strip(), "")) for h in header}
    return set(REQUIRED) <= names
