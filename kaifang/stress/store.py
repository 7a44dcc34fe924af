"""Input-output tables in the database: an :class:`~kaifang.stress.tables.IOTable` saved as an ``.npz`` with its
codes and names, read back bitwise; NBS uploads checked before anything is saved; regional tables derived from a
national one with the method recorded (:mod:`kaifang.stress.regionalise`)."""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from kaifang.core.units import conversion_factor
from kaifang.stress.models import IOTableRecord, TableKind
from kaifang.stress.nbs import read_nbs
from kaifang.stress.regionalise import regional_table
from kaifang.stress.sizes import output_from_three_industries
from kaifang.stress.tables import BalanceError, IOTable

ARRAYS = ("Z", "Z_imports", "Y", "Y_imports", "VA", "x")


class TableError(ValueError):
    """A table that cannot be imported; ``problems`` lists (where, what) pairs, Chinese first."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{w}: {m}" for w, m in problems))


@dataclass(frozen=True)
class Loaded:
    table: IOTable
    jobs: npt.NDArray[np.float64] | None  # persons employed by sector, when the table has them


def pack(table: IOTable, jobs: npt.ArrayLike | None = None) -> tuple[bytes, dict[str, Any]]:
    """The arrays as compressed npz bytes and the labels as JSON."""
    buf = io.BytesIO()
    arrays: dict[str, Any] = {name: getattr(table, name) for name in ARRAYS}
    if jobs is not None:
        arrays["jobs"] = np.asarray(jobs, dtype=float)
    np.savez_compressed(buf, **arrays)
    meta = {
        "codes": list(table.codes),
        "names_zh": list(table.names_zh),
        "names_en": list(table.names_en),
        "fd_codes": list(table.fd_codes),
        "va_codes": list(table.va_codes),
        "layout": table.layout,
        "source": table.source,
        "unit": table.unit,
        "notes": list(table.notes),
        "totals": {
            "output": float(table.x.sum()),
            "value_added": float(table.value_added.sum()),
            "imported_inputs": float(table.imported_inputs.sum()),
            "jobs": None if jobs is None else float(np.sum(jobs)),
        },
    }
    return buf.getvalue(), meta


def load(record: IOTableRecord) -> Loaded:
    """The table of a record, as it was saved (the balance is not re-checked: it was checked on the way in)."""
    with np.load(io.BytesIO(bytes(record.arrays))) as npz:
        arrays = {name: npz[name] for name in ARRAYS}
        jobs = npz["jobs"] if "jobs" in npz.files else None
    m = record.meta
    table = IOTable(
        codes=tuple(m["codes"]),
        names_zh=tuple(m["names_zh"]),
        names_en=tuple(m["names_en"]),
        fd_codes=tuple(m["fd_codes"]),
        va_codes=tuple(m["va_codes"]),
        unit=m["unit"],
        source=m["source"],
        layout=m["layout"],
        notes=tuple(m.get("notes", ())),
        **arrays,
    )
    return Loaded(table, jobs)


def save(
    workspace: Any,
    user: Any,
    table: IOTable,
    *,
    name: str,
    kind: str,
    year: int,
    region: Any = None,
    is_sample: bool = False,
    jobs: npt.ArrayLike | None = None,
    jobs_basis: str = "",
    file_name: str = "",
    original: bytes | None = None,
    parent: IOTableRecord | None = None,
    method: dict[str, Any] | None = None,
) -> IOTableRecord:
    arrays, meta = pack(table, jobs)
    return IOTableRecord.objects.create(
        workspace=workspace,
        name=name,
        kind=kind,
        region=region,
        year=year,
        unit=table.unit,
        source=table.source[:400],
        layout=table.layout,
        n_sectors=table.n,
        is_sample=is_sample,
        file_name=file_name,
        file_sha256=hashlib.sha256(original).hexdigest() if original else "",
        original=original,
        arrays=arrays,
        meta=meta,
        jobs_basis=jobs_basis,
        parent=parent,
        method=method or {},
        created_by=user,
    )


def read_upload(content: bytes, file_name: str) -> IOTable:
    """An NBS CSV (either layout) from uploaded bytes; a :class:`TableError` lists every imbalance with its place."""
    if not file_name.lower().endswith(".csv"):
        raise TableError([(file_name, "只接受国家统计局格式的 CSV 文件 (only NBS-layout CSV files are accepted)")])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(file_name).name
        path.write_bytes(content)
        try:
            return read_nbs(path)
        except BalanceError as exc:
            raise TableError(
                [(where, f"{what}: 应为 {exp:,.6g}，实为 {got:,.6g}") for where, what, exp, got in exc.problems]
            ) from exc
        except (KeyError, ValueError) as exc:
            raise TableError([(file_name, f"无法按国家统计局投入产出表格式读取 (not an NBS table): {exc}")]) from exc


def import_nbs(workspace: Any, user: Any, content: bytes, file_name: str, *, name: str, year: int) -> IOTableRecord:
    """Check and save an uploaded national table; the same file twice gives the same record back."""
    digest = hashlib.sha256(content).hexdigest()
    same = IOTableRecord.objects.filter(workspace=workspace, file_sha256=digest, kind=TableKind.NATIONAL).first()
    if same is not None:
        return same
    table = read_upload(content, file_name)
    return save(
        workspace, user, table, name=name, kind=TableKind.NATIONAL, year=year, file_name=file_name, original=content
    )


def jobs_from_wages(table: IOTable, average_wage_yuan: float) -> npt.NDArray[np.float64]:
    """Persons employed by sector estimated as compensation of employees (VA001, 万元) ÷ the average annual wage:
    L_j = 10⁴ · VA001_j / w. A documented estimate for a region without employment by sector."""
    if average_wage_yuan <= 0:
        raise ValueError("平均工资必须为正 (the average wage must be positive)")
    if "VA001" not in table.va_codes:
        raise ValueError("表中没有劳动者报酬行 VA001 (no compensation-of-employees row)")
    comp = table.VA[table.va_codes.index("VA001")]
    return np.asarray(comp * conversion_factor(table.unit, "元") / average_wage_yuan, dtype=float)


@dataclass(frozen=True)
class SectorSizes:
    """A region's output by sector read from a file, in the national table's sector order and unit."""

    values: npt.NDArray[np.float64]
    file_name: str
    sha256: str


def read_sector_output(content: bytes, file_name: str, national: IOTableRecord) -> SectorSizes:
    """A CSV of the region's output by sector — columns ``code,output`` (or 代码/部门代码, 总产出), in the table's unit,
    one row per sector of the table. Every problem is listed with its line; nothing is used unless all is right."""
    codes = list(national.meta["codes"])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError([(file_name, "文件不是 UTF-8 编码 (not UTF-8)")]) from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise TableError([(file_name, "文件为空 (empty file)")])
    header = [h.strip() for h in rows[0]]
    code_col = next((i for i, h in enumerate(header) if h.lower() in {"code", "代码", "部门代码"}), None)
    value_col = next((i for i, h in enumerate(header) if h.lower() in {"output", "总产出", "value"}), None)
    if code_col is None or value_col is None:
        message = "表头应含 code 与 output 两列（或 代码、总产出）(header: code,output)"
        raise TableError([(f"{file_name} 第 1 行", message)])
    problems: list[tuple[str, str]] = []
    values: dict[str, float] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        where = f"{file_name} 第 {line} 行"
        code = row[code_col].strip() if code_col < len(row) else ""
        raw = row[value_col].strip().replace(",", "") if value_col < len(row) else ""
        if code not in codes:
            problems.append((where, f"部门代码 {code!r} 不在表中（{codes[0]}–{codes[-1]}）(unknown sector)"))
            continue
        if code in values:
            problems.append((where, f"部门 {code} 重复 (sector given twice)"))
            continue
        try:
            value = float(raw)
        except ValueError:
            problems.append((where, f"总产出 {raw!r} 不是数字 (not a number)"))
            continue
        if not np.isfinite(value) or value < 0:
            problems.append((where, f"总产出 {raw} 应为非负数 (must be ≥ 0)"))
            continue
        values[code] = value
    missing = [c for c in codes if c not in values]
    if missing and not problems:
        problems.append((file_name, f"缺少部门 {'、'.join(missing)} (sectors missing)"))
    if not problems and sum(values.values()) <= 0:
        problems.append((file_name, "总产出合计为 0 (all sectors are zero)"))
    if problems:
        raise TableError(problems)
    digest = hashlib.sha256(content).hexdigest()
    return SectorSizes(np.array([values[c] for c in codes], dtype=float), file_name, digest)


def regionalise_record(
    parent: IOTableRecord,
    user: Any,
    *,
    region: Any,
    three_industries: tuple[float, float, float] | None = None,
    sector_output: SectorSizes | None = None,
    method: str = "flq",
    delta: float = 0.3,
    average_wage_yuan: float | None = None,
    name: str = "",
    is_sample: bool = False,
) -> IOTableRecord:
    """A regional table from a national one and the region's sizes: its output by sector (an uploaded file, the
    table's unit) or, when that is not available, its value added by the three industries (亿元)."""
    national = load(parent).table
    if sector_output is not None:
        x_r = sector_output.values
        basis = f"部门总产出：{sector_output.file_name}（SHA-256 {sector_output.sha256[:12]}…）(uploaded sector output)"
    elif three_industries is not None:
        factor = conversion_factor("亿元", national.unit)
        primary, secondary, tertiary = (v * factor for v in three_industries)
        x_r = output_from_three_industries(national, primary, secondary, tertiary)
        basis = "三次产业增加值按全国部门结构分解 (three-industry value added, national shares within each industry)"
    else:
        raise ValueError("需要部门总产出文件或三次产业增加值 (give sector output or three-industry value added)")
    table, reg = regional_table(national, x_r, method, delta)  # type: ignore[arg-type]
    jobs = jobs_from_wages(table, average_wage_yuan) if average_wage_yuan else None
    recorded = {
        "method": reg.method,
        "delta": reg.delta,
        "basis": basis,
        "three_industries_yi": list(three_industries) if three_industries is not None else None,
        "average_wage_yuan": average_wage_yuan,
        "log": [[step, params] for step, params in reg.log],
        "lq_min": float(np.min(reg.lq)),
        "lq_max": float(np.max(np.where(np.isfinite(reg.lq), reg.lq, 0.0))),
    }
    return save(
        parent.workspace,
        user,
        table,
        name=name or f"{region.name_zh}（{method.upper()} 区域化）",
        kind=TableKind.REGIONAL,
        year=parent.year,
        region=region,
        is_sample=is_sample or parent.is_sample,
        jobs=jobs,
        jobs_basis=f"劳动者报酬 ÷ 平均工资 {average_wage_yuan:,.0f} 元" if average_wage_yuan else "",
        parent=parent,
        method=recorded,
    )
