"""The uploaded sheet as a table, with each error and warning highlighted where it is.

Locations come in the forms the readers give rows: ``file.xlsx!Sheet1!R12C4`` (a cell),
``file.xlsx!Sheet1!R12`` (a row) and ``file.csv!R12`` (a row of a CSV, whose one sheet is the file).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from kaifang.collection.readers.grid import ReadError, read_workbook

LOCATION = re.compile(r"^(?P<file>[^!]+)(?:!(?P<sheet>[^!]+))?!R(?P<row>\d+)(?:C(?P<col>\d+))?$")
MAX_ROWS, MAX_COLS = 300, 30


def parse_location(label: str) -> tuple[str | None, int, int | None] | None:
    """(sheet or None for a CSV, 1-based row, 1-based column or None) of a location label."""
    m = LOCATION.match(str(label))
    if m is None:
        return None
    return m["sheet"], int(m["row"]), int(m["col"]) if m["col"] else None


def sheet_grids(path: Path, filename: str, errors: list[dict[str, Any]], warnings: list[dict[str, Any]]
                ) -> list[dict[str, Any]]:  # fmt: skip
    """Every sheet (first rows and columns) with per-cell marks: ``bad`` for errors, ``warn`` for warnings."""
    try:
        sheets = read_workbook(path.read_bytes(), filename=filename)
    except (ReadError, OSError):
        return []
    marks: dict[tuple[str | None, int, int | None], tuple[str, str]] = {}
    for kind, items in (("warn", warnings), ("bad", errors)):  # errors win over warnings in one cell
        for item in items:
            loc = parse_location(item["row"])
            if loc is not None:
                marks[loc] = (kind, item["message"])
    grids = []
    for sheet in sheets:
        rows = []
        for r, row in enumerate(sheet.cells[:MAX_ROWS], start=1):
            row_mark = marks.get((sheet.name, r, None)) or (marks.get((None, r, None)) if len(sheets) == 1 else None)
            cells = []
            for c, value in enumerate(row[:MAX_COLS], start=1):
                mark = marks.get((sheet.name, r, c)) or row_mark
                cells.append({"v": "" if value is None else value, "mark": mark[0] if mark else "",
                              "why": mark[1] if mark else ""})  # fmt: skip
            rows.append({"n": r, "mark": row_mark[0] if row_mark else "", "cells": cells})
        grids.append({"name": sheet.name, "rows": rows, "truncated": len(sheet.cells) > MAX_ROWS})
    return grids
