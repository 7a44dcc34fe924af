"""Reading a 招商项目台账 (investment project ledger) workbook into validated records — pure Python.

The layout the 市投资促进局 and the counties keep in Excel: a title row (``2024年巴中市招商引资项目台账``,
often merged across the width), maybe a ``单位：亿元`` row, a header row (sometimes two, with 项目进度 merged
over 签约时间 … 达产时间) and one row per project; 合计 rows, section rows (``一、工业项目``) and footnotes
(``注：``, ``填报人：``) are skipped. Columns are found by their **labels**, in any order (:data:`COLUMNS`
lists the accepted labels; units in the header, ``计划总投资（亿元）``, or in the 单位 row). Cells merged down a
column (one 责任单位 for several projects) apply to every row they cover. The workbook is read by
:func:`kaifang.collection.readers.grid.read_workbook`, cells by :mod:`kaifang.projects.ledger_cells`,
regions by :func:`kaifang.projects.regions.resolve`.

**All or nothing**: :func:`read_ledger` returns every problem located as ``file!sheet!R{row}C{col}`` (Chinese
with English) and, when any is an error, no records at all. What a row becomes:

* a :class:`~kaifang.projects.records.Project` — id from 项目编号, else the project name (unique in the
  file, so a re-import finds the same project: idempotent); 签约时间 is ``signed_on``; 注册 … 达产 dates
  become :class:`~kaifang.projects.records.Milestone` records whose evidence is the ledger cell;
* a :class:`~kaifang.projects.funds.CumulativeFunds` snapshot for 累计到位资金, at the ledger's month (the
  ``as_of`` argument, else the period in the title — ``2024年1-6月`` → 2024-06, ``2024年`` → 2024-12 — else
  the latest date in the sheet, with a warning), source region = the investor's region.

Errors: a missing required column, a duplicate column, an unknown region or department, an unreadable date
or amount, stage dates out of order (开工 before 注册), a duplicate project. Warnings: a region known only at
province level, a date with year and month only, a 终止 project without a reason in 备注.
"""

from __future__ import annotations

import calendar
import itertools
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, BinaryIO

from kaifang.collection.readers import labels as lb
from kaifang.collection.readers.grid import Problem, ReadError, Sheet, location, read_workbook
from kaifang.projects.funds import CumulativeFunds
from kaifang.projects.ledger_cells import CellError, department_code, parse_amount, parse_date, parse_status
from kaifang.projects.ledger_layout import COLUMNS, NOTE, REQUIRED, STAGE_FIELDS, blank, detect, spread
from kaifang.projects.records import Milestone, Project, Status
from kaifang.projects.regions import partner_matcher, resolve
from kaifang.regions.matching import RegionMatcher

__all__ = ["LedgerImport", "read_ledger"]


@dataclass(frozen=True)
class LedgerImport:
    """What a ledger file gave: projects and funds snapshots (empty when any problem is an error)."""

    file: str
    month: str | None
    projects: tuple[Project, ...]
    cumulative_funds: tuple[CumulativeFunds, ...]
    problems: tuple[Problem, ...] = field(default=())
    rows: tuple[tuple[str, str], ...] = field(default=())  # (project id, file!sheet!R{row}) for locating

    @property
    def locations(self) -> dict[str, str]:
        """Project id → the row it was read from (``file!sheet!R12``)."""
        return dict(self.rows)

    @property
    def ok(self) -> bool:
        return not any(p.level == "error" for p in self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]


class _Sheet:
    """One ledger sheet being read: its columns and the problems found, located."""

    def __init__(self, sheet: Sheet, cells: list[list[Any]], columns: dict[str, int], units: dict[str, str | None]):
        self.sheet, self.cells, self.columns, self.units = sheet, cells, columns, units
        self.problems: list[Problem] = []

    def problem(self, r: int, field_name: str | None, message: str, level: str = "error") -> None:
        col = self.columns.get(field_name) if field_name else None
        self.problems.append(
            Problem(self.sheet.file, self.sheet.name, r + 1, col + 1 if col is not None else None, message, level)
        )

    def raw(self, r: int, name: str) -> Any:
        c = self.columns.get(name)
        return self.cells[r][c] if c is not None and c < len(self.cells[r]) else ""

    def where(self, r: int, name: str) -> str:
        c = self.columns[name]
        return location(self.sheet.file, self.sheet.name, r + 1, c + 1)


def _text(s: _Sheet, r: int, name: str, required: bool) -> str:
    value = lb.clean(s.raw(r, name))
    if required and not value:
        s.problem(r, name, f"{COLUMNS[name][0]}为空 (required value missing)")
    return value


@dataclass(frozen=True)
class _Parsed:
    """A data row's values, before the records are stamped with ``recorded_at``."""

    row: int
    project: dict[str, Any]
    dates: dict[str, date]
    evidence: dict[str, str]
    funds: Any


def _row(s: _Sheet, r: int, matcher: RegionMatcher, departments: Mapping[str, str] | None) -> _Parsed | None:
    """The values of data row ``r``, or None after recording its problems."""
    before = len([p for p in s.problems if p.level == "error"])
    name = _text(s, r, "name", True)
    investor = _text(s, r, "investor", True)
    sector = _text(s, r, "sector", True)
    origin = ""
    if origin_text := _text(s, r, "origin", True):
        try:
            rec, warning = resolve(origin_text, matcher)
            origin = rec.code
            if warning:
                s.problem(r, "origin", warning, "warning")
        except LookupError as exc:
            s.problem(r, "origin", str(exc))
    department = ""
    try:
        department = department_code(s.raw(r, "department"), departments)
    except CellError as exc:
        s.problem(r, "department", str(exc))
    amounts: dict[str, Any] = {}
    for key in ("planned", "funds"):
        if key in s.columns:
            try:
                amounts[key] = parse_amount(s.raw(r, key), s.units.get(key))
            except CellError as exc:
                s.problem(r, key, str(exc))
                continue
            if key == "planned" and amounts[key] is None:
                s.problem(r, key, "计划总投资为空 (planned investment missing)")
    dates: dict[str, date] = {}
    for key in ("signed", *STAGE_FIELDS):
        if key not in s.columns:
            continue
        try:
            on, warning = parse_date(s.raw(r, key))
        except CellError as exc:
            s.problem(r, key, str(exc))
            continue
        if warning:
            s.problem(r, key, warning, "warning")
        if on is not None:
            dates[key] = on
        elif key == "signed":
            s.problem(r, key, "签约时间为空 (signing date missing)")
    ordered = [k for k in ("signed", *STAGE_FIELDS) if k in dates]
    for earlier, later in itertools.pairwise(ordered):
        if dates[later] < dates[earlier]:
            s.problem(
                r,
                later,
                f"{COLUMNS[later][0]} {dates[later]} 早于{COLUMNS[earlier][0]} {dates[earlier]}"
                " (stage dates out of order)",
            )
    status = Status.ADVANCING
    try:
        status = parse_status(s.raw(r, "status"))
    except CellError as exc:
        s.problem(r, "status", str(exc))
    remark = _text(s, r, "remark", False)
    if status is Status.TERMINATED and not remark:
        s.problem(r, "status", "终止项目应在备注中说明原因 (a terminated project needs a reason in 备注)", "warning")
    if len([p for p in s.problems if p.level == "error"]) > before:
        return None
    project = {
        "id": _text(s, r, "id", False) or name,
        "name": name,
        "investor": investor,
        "origin_region": origin,
        "sector": sector,
        "planned_investment": amounts["planned"],
        "department": department,
        "signed_on": dates["signed"],
        "agreement_id": _text(s, r, "agreement", False) or None,
        "status": status,
        "status_reason": remark if status is not Status.ADVANCING else "",
    }
    evidence = {key: f"招商项目台账 {s.where(r, key)}" for key in STAGE_FIELDS if key in dates}
    return _Parsed(r, project, dates, evidence, amounts.get("funds"))


def _read_sheet(
    sheet: Sheet,
    as_of: date | None,
    recorded_at: datetime | None,
    matcher: RegionMatcher,
    departments: Mapping[str, str] | None,
) -> tuple[list[Project], list[CumulativeFunds], list[Problem], str | None, list[tuple[str, str]]] | None:
    cells = spread(sheet)
    layout = detect(sheet, cells)
    if layout is None:
        return None
    top, body, fields = layout.header_row, layout.body, layout.fields
    columns = {name: cs[0] for name, cs in fields.items()}
    units = layout.units
    s = _Sheet(sheet, cells, columns, units)
    for name, cs in fields.items():
        if len(cs) > 1:
            cols = "、".join(str(c + 1) for c in cs)
            s.problem(top, name, f"“{COLUMNS[name][0]}”列重复（第{cols}列）(duplicate column)")
    for name in REQUIRED:
        if name not in columns:
            s.problems.append(
                Problem(
                    sheet.file, sheet.name, top + 1, None, f"缺少必填列“{COLUMNS[name][0]}” (required column missing)"
                )
            )
    if any(p.level == "error" for p in s.problems):
        return [], [], s.problems, None, []
    month = f"{as_of:%Y-%m}" if as_of else layout.month
    parsed: list[_Parsed] = []
    seen: dict[str, int] = {}
    for r in range(body, len(cells)):
        filled = [v for v in cells[r] if not blank(v)]
        if not filled:
            continue
        if NOTE.match(lb.clean(filled[0])):
            break
        if lb.is_total(s.raw(r, "seq")) or lb.is_total(s.raw(r, "name")) or len({str(v) for v in filled}) == 1:
            continue  # 合计 rows and section headings (一、工业项目, alone or merged across the row)
        row = _row(s, r, matcher, departments)
        if row is None:
            continue
        pid = row.project["id"]
        if pid in seen:
            s.problem(r, "id" if "id" in columns else "name", f"项目重复，与第{seen[pid]}行相同 (duplicate project)")
            continue
        seen[pid] = r + 1
        parsed.append(row)
    if month is None and parsed:
        latest = max(d for row in parsed for d in row.dates.values())
        month = f"{latest:%Y-%m}"
        s.problems.append(
            Problem(
                sheet.file,
                sheet.name,
                None,
                None,
                f"标题中没有统计期间，台账月份按最晚日期取 {month}"
                " (no period in the title: month taken from the latest date)",
                "warning",
            )
        )
    projects, snapshots = _finish(parsed, month, recorded_at)
    rows = [(row.project["id"], location(sheet.file, sheet.name, row.row + 1)) for row in parsed]
    return projects, snapshots, s.problems, month, rows


def _finish(
    parsed: list[_Parsed], month: str | None, recorded_at: datetime | None
) -> tuple[list[Project], list[CumulativeFunds]]:
    """The records, stamped with ``recorded_at`` (default: the last second of the ledger's month)."""
    if recorded_at is None and month is not None:
        year, mon = map(int, month.split("-"))
        recorded_at = datetime.combine(date(year, mon, calendar.monthrange(year, mon)[1]), time(23, 59, 59))
    when = recorded_at or datetime.min  # no month means no rows: nothing is stamped
    projects, snapshots = [], []
    for row in parsed:
        milestones = tuple(
            Milestone(stage, row.dates[key], when, evidence=row.evidence[key])
            for key, stage in STAGE_FIELDS.items()
            if key in row.dates
        )
        project = Project(**row.project, milestones=milestones)
        projects.append(project)
        if row.funds is not None and month is not None:
            snapshots.append(CumulativeFunds(project.id, month, project.origin_region, row.funds, when))
    return projects, snapshots


def read_ledger(
    source: str | os.PathLike[str] | bytes | BinaryIO,
    filename: str | None = None,
    *,
    as_of: date | None = None,
    recorded_at: datetime | None = None,
    matcher: RegionMatcher | None = None,
    departments: Mapping[str, str] | None = None,
) -> LedgerImport:
    """Read every ledger sheet of a workbook (sheets without a ledger header are skipped).

    ``as_of`` fixes the ledger's month; ``recorded_at`` stamps the records (default: the end of that
    month, so a re-import of the same file gives the same records); ``matcher`` resolves regions
    (default :func:`~kaifang.projects.regions.partner_matcher`); ``departments`` maps 责任单位 names to
    codes (default :func:`~kaifang.projects.ledger_cells.default_departments`).
    """
    matcher = matcher or partner_matcher()
    try:
        sheets = read_workbook(source, filename)
    except ReadError as exc:
        name = filename or (os.fspath(source) if isinstance(source, str | os.PathLike) else "upload")
        return LedgerImport(
            os.path.basename(name), None, (), (), (Problem(os.path.basename(name), "", None, None, str(exc)),)
        )
    file = sheets[0].file if sheets else (filename or "upload")
    problems: list[Problem] = [p for sh in sheets for p in sh.problems]
    projects: list[Project] = []
    snapshots: list[CumulativeFunds] = []
    months: list[str] = []
    rows: list[tuple[str, str]] = []
    ledgers = 0
    for sheet in sheets:
        result = _read_sheet(sheet, as_of, recorded_at, matcher, departments)
        if result is None:
            continue
        ledgers += 1
        ps, fs, found, month, where = result
        rows += where
        projects += ps
        snapshots += fs
        problems += found
        months += [month] if month else []
    if not ledgers:
        problems.append(
            Problem(file, "", None, None, "没有找到招商项目台账表头（需含“项目名称”等列）(no ledger header found)")
        )
    ids = [p.id for p in projects]
    for pid in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(Problem(file, "", None, None, f"项目 {pid!r} 出现在多个工作表中 (project in several sheets)"))
    if any(p.level == "error" for p in problems):
        return LedgerImport(file, max(months, default=None), (), (), tuple(problems))
    return LedgerImport(
        file, max(months, default=None), tuple(projects), tuple(snapshots), tuple(problems), tuple(rows)
    )
