"""Text tables (CSV, TSV, TXT) as cell rows: encoding and delimiter detection. Pure Python (stdlib).

Encodings, in order: UTF-16 with BOM (Excel's "Unicode 文本"), UTF-8 with or without BOM, then GB18030
(a superset of GBK and GB2312) — but only when the bytes are plausibly Chinese (:func:`_implausible_gb`):
Latin-1 text also decodes as GB18030, into nonsense characters, and is refused rather than read as
mojibake. The delimiter (comma, tab or semicolon) is the one that splits the first lines into the
most consistent number of fields. Failures raise :class:`UnreadableText` naming the file and the
byte offset; :func:`kaifang.collection.readers.grid.read_workbook` turns it into a ``ReadError``.
"""

from __future__ import annotations

import csv
import io

__all__ = ["UnreadableText", "decode_text", "read_rows", "sniff_delimiter"]

SCAN_BYTES = 1 << 20


class UnreadableText(ValueError):
    """The bytes are not a text table in a supported encoding; the message says where."""


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding): UTF-8 (BOM optional), UTF-16 with BOM, else plausibly-Chinese GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise UnreadableText(
                f"{name}: 第{exc.start}字节处不是有效的 UTF-16 (invalid UTF-16 at byte {exc.start})"
            ) from None
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as utf8:
        bad_utf8 = utf8.start
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as gb:
        raise UnreadableText(
            f"{name}: 无法识别文件编码，第{bad_utf8}字节处不是 UTF-8，第{gb.start}字节处不是 GB18030/GBK"
            f" (cannot decode: not UTF-8 at byte {bad_utf8}, not GB18030/GBK at byte {gb.start})"
        ) from None
    odd = _implausible_gb(data)
    if odd is not None:
        raise UnreadableText(
            f"{name}: 无法识别文件编码，第{bad_utf8}字节处不是 UTF-8，按 GBK 解读会产生乱码（第{odd}字节起）"
            f" (cannot decode: not UTF-8 at byte {bad_utf8}; as GBK it would be mojibake from byte {odd})"
        )
    return text, "gb18030"


def _implausible_gb(data: bytes) -> int | None:
    """Offset of the first odd multi-byte sequence when GBK reading looks like mojibake, else None.

    Real GBK text is almost all GB2312 (lead and trail byte A1–FE) and has no GB18030 four-byte
    sequences; Latin-1 or Windows-1252 text read as GBK is mostly outside it ("é" + letter). The
    first megabyte decides: an encoding does not change half-way through a file.
    """
    i, n, common, odd, first_odd = 0, min(len(data), SCAN_BYTES), 0, 0, None
    while i < n:
        b = data[i]
        if b < 0x80:
            i += 1
            continue
        if i + 1 < n and 0x30 <= data[i + 1] <= 0x39:  # four-byte sequence
            width, ok = 4, False
        else:
            width, ok = 2, 0xA1 <= b <= 0xFE and i + 1 < n and 0xA1 <= data[i + 1] <= 0xFE
        if ok:
            common += 1
        else:
            odd += 1
            first_odd = i if first_odd is None else first_odd
        i += width
    return first_odd if odd and (common == 0 or odd > common // 4) else None


def read_rows(data: bytes, name: str) -> list[list[str]]:
    """The rows of a text table (ragged: rows keep their own length)."""
    text, _encoding = decode_text(data, name)
    if "\x00" in text:
        at = text.index("\x00")
        raise UnreadableText(f"{name}: 第{at}个字符是 NUL，文件不是文本表格 (binary content in a text file)")
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [list(row) for row in reader]
    except csv.Error as exc:
        line = reader.line_num
        raise UnreadableText(f"{name}: 第{line}行 CSV 格式错误 (malformed CSV at line {line}: {exc})") from None


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first 50 non-blank lines into the most consistent field counts."""
    lines = [line for line in text.splitlines()[:200] if line.strip()][:50]
    best, best_score = ",", (0, 0)
    for delimiter in (",", "\t", ";"):
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        wide = [n for n in counts if n > 1]
        if not wide:
            continue
        modal = max(set(wide), key=wide.count)
        score = (wide.count(modal), modal)
        if score > best_score:
            best, best_score = delimiter, score
    return best
