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
    "指标代码": "indicator", "指标": "indicator", "地区代码": "ref_area", "区划代码": "ref_area", "地区": "ref_area",
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
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise LongFormatError(f"{filename}!R{reader.line_num}: CSV 格式错误 ({exc})") from None
    header = [HEADER_ALIASES.get(h.strip().lower(), HEADER_ALIASES.get(h.strip(), "")) for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise LongFormatError(
            f"{filename}!R1: 表头缺少必需列 {', '.join(missing)}（现有列：{', '.join(rows[0])}）"
            f" (header lacks required columns)"
        )
    dup = sorted({h for h in header if h and header.count(h) > 1})
    if dup:
        raise LongFormatError(f"{filename}!R1: 表头列重复 {', '.join(dup)} (duplicate columns)")
    keep = [(i, h) for i, h in enumerate(header) if h]
    records, labels = [], []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines are layout, not data
        records.append([row[i] if i < len(row) else None for i, _ in keep])
        labels.append(f"{filename}!R{line}")
    df = pd.DataFrame(records, columns=[h for _, h in keep], index=labels, dtype=object)
    for col in LONG_COLUMNS:
        if col not in df.columns:
            df[col] = None
    return df[LONG_COLUMNS]


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


def looks_long(header: Iterable[str]) -> bool:
    """Whether a header row is the long format (so no mapping template is needed)."""
    names = {HEADER_ALIASES.get(h.strip().lower(), HEADER_ALIASES.get(h.strip(), "")) for h in header}
    return set(REQUIRED) <= names
