"""Read China's official input-output tables (国家统计局投入产出表) into a checked :class:`IOTable`.

Two NBS layouts are read (see ``docs/stress.md`` and ``../shared/data/china-io/README.md``):

* **non-competitive imports** (非竞争型, the 42-sector tables): rows 01..42 ``Origin=Domestic``, the same codes again
  with ``Origin=Imports``, then TII, VA001–VA004, TVA, TI; columns 01..42, TIU, TC, FU201, FU202, EX, TFU, GO.
* **competitive imports** (竞争型, the 149/153-sector tables): one block of rows whose flows mix domestic and imported
  goods, final use FU101–FU103, FU201, FU202, EX (subtotals THC, TC, GCF, TFU) and imports as a column IM
  (GO = TIU + TFU − IM). It is converted to the non-competitive form by the proportional import assumption
  m_i = IM_i / (TIU_i + TFU_i − EX_i): each domestic use of product i (not exports) is imported in the same share
  m_i (the usual proportionality assumption; the 42-sector tables published in non-competitive form need none).

Every table is checked on reading; a failed identity names the row or column, the two sides and the gap.
Money stays in the file's unit (万元); convert at the boundary.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kaifang.stress import iomath
from kaifang.stress.iomath import Array
from kaifang.stress.tables import RTOL, VA_CODES, BalanceError, IOTable, close


def read_nbs(path: str | Path, rtol: float = RTOL) -> IOTable:
    """Read an NBS table CSV (either layout), check every published total, return the domestic :class:`IOTable`."""
    path = Path(path)
    raw = pd.read_csv(path, dtype={"Code": str}, encoding="utf-8")
    raw = raw.drop(columns=[c for c in raw.columns if c.startswith("Unnamed")])
    missing = [c for c in ("Code", "Description", "DescriptionInChinese", "TIU", "TFU", "GO") if c not in raw.columns]
    if missing:
        raise ValueError(f"{path.name}: not an NBS input-output table, missing columns {missing}")
    sector_cols = [c for c in raw.columns if c.isdigit()]
    if "Origin" in raw.columns:
        return _read_noncompetitive(raw, sector_cols, path.name, rtol)
    if "IM" in raw.columns:
        return _read_competitive(raw, sector_cols, path.name, rtol)
    raise ValueError(f"{path.name}: neither an Origin column (non-competitive) nor an IM column (competitive)")


def _block(raw: pd.DataFrame, mask: pd.Series, sector_cols: list[str], name: str) -> pd.DataFrame:
    block = raw[mask].set_index("Code")
    if list(block.index) != sector_cols:
        raise ValueError(f"{name}: row codes {list(block.index)[:5]}… do not match column codes {sector_cols[:5]}…")
    return block


def _totals(raw: pd.DataFrame, name: str) -> pd.DataFrame:
    tot = raw[~raw["Code"].str.isdigit()].set_index("Code")
    need = ["TII", *VA_CODES, "TVA", "TI"]
    missing = [c for c in need if c not in tot.index]
    if missing:
        raise ValueError(f"{name}: missing total rows {missing}")
    return tot


def _numbers(frame: pd.DataFrame, cols: list[str], name: str, what: str) -> Array:
    absent = [c for c in cols if c not in frame.columns]
    if absent:
        raise ValueError(f"{name}: missing columns {absent}")
    values = frame[cols].to_numpy(dtype=float)
    bad = np.argwhere(~np.isfinite(values))
    if bad.size:
        r, c = bad[0]
        raise ValueError(f"{name}: {what} row {frame.index[r]} column {cols[c]} is not a number")
    return values


def _check_all(name: str, checks: list[tuple[str, list[str], Array, Array, Array]], rtol: float) -> None:
    problems: list[tuple[str, str, float, float]] = []
    for what, where, got, expected, scale in checks:
        for i in np.flatnonzero(~close(got, expected, scale, rtol)):
            problems.append((where[i], what, float(expected[i]), float(got[i])))
    if problems:
        raise BalanceError(name, problems)


def _read_noncompetitive(raw: pd.DataFrame, cols: list[str], name: str, rtol: float) -> IOTable:
    fd = ["TC", "FU201", "FU202", "EX"]
    dom = _block(raw, raw["Origin"] == "Domestic", cols, name)
    imp = _block(raw, raw["Origin"] == "Imports", cols, name)
    tot = _totals(raw, name)
    z, zm = _numbers(dom, cols, name, "domestic"), _numbers(imp, cols, name, "imports")
    y, ym = _numbers(dom, fd, name, "domestic"), _numbers(imp, fd, name, "imports")
    va = _numbers(tot.loc[list(VA_CODES)], cols, name, "value added")
    t = {k: _numbers(tot.loc[[k]], cols, name, k)[0] for k in ("TII", "TVA", "TI")}
    go = _numbers(dom, ["TIU", "TFU", "GO"], name, "domestic")
    gm = _numbers(imp, ["TIU", "TFU", "GO"], name, "imports")
    zh = dom["DescriptionInChinese"].tolist()
    rows = [f"row {c} {n} (Domestic)" for c, n in zip(cols, zh, strict=True)]
    rows_m = [f"row {c} {n} (Imports)" for c, n in zip(cols, zh, strict=True)]
    colw = [f"column {c} {n}" for c, n in zip(cols, zh, strict=True)]
    a = np.abs
    _check_all(
        name,
        [
            ("Σ intermediate use", rows, z.sum(1), go[:, 0], a(z).sum(1)),
            ("TC + FU201 + FU202 + EX", rows, y.sum(1), go[:, 1], a(y).sum(1)),
            ("TIU + TFU", rows, go[:, 0] + go[:, 1], go[:, 2], a(go[:, :2]).sum(1)),
            ("Σ intermediate use", rows_m, zm.sum(1), gm[:, 0], a(zm).sum(1)),
            ("TC + FU201 + FU202 + EX", rows_m, ym.sum(1), gm[:, 1], a(ym).sum(1)),
            ("TIU + TFU", rows_m, gm[:, 0] + gm[:, 1], gm[:, 2], a(gm[:, :2]).sum(1)),
            ("Σ domestic + imported inputs", colw, z.sum(0) + zm.sum(0), t["TII"], a(z).sum(0) + a(zm).sum(0)),
            ("VA001 + … + VA004", colw, va.sum(0), t["TVA"], a(va).sum(0)),
            ("TII + TVA", colw, t["TII"] + t["TVA"], t["TI"], a(t["TII"]) + a(t["TVA"])),
            ("total input TI (vs GO of the row)", colw, t["TI"], go[:, 2], a(go[:, 2])),
        ],
        rtol,
    )
    return IOTable(
        codes=tuple(cols),
        names_zh=tuple(zh),
        names_en=tuple(dom["Description"].tolist()),
        Z=z,
        Z_imports=zm,
        Y=y,
        Y_imports=ym,
        fd_codes=tuple(fd),
        VA=va,
        va_codes=VA_CODES,
        x=go[:, 2],
        source=name,
        layout="non-competitive",
    ).check(rtol)


def _read_competitive(raw: pd.DataFrame, cols: list[str], name: str, rtol: float) -> IOTable:
    fd = ["FU101", "FU102", "FU103", "FU201", "FU202", "EX"]
    sec = _block(raw, raw["Code"].str.isdigit(), cols, name)
    tot = _totals(raw, name)
    z = _numbers(sec, cols, name, "sector")
    y = _numbers(sec, fd, name, "sector")
    sub = _numbers(sec, ["THC", "TC", "GCF", "TIU", "TFU", "IM", "GO"], name, "sector")
    thc, tc, gcf, tiu, tfu, im, go = sub.T
    va = _numbers(tot.loc[list(VA_CODES)], cols, name, "value added")
    t = {k: _numbers(tot.loc[[k]], cols, name, k)[0] for k in ("TII", "TVA", "TI")}
    zh = sec["DescriptionInChinese"].tolist()
    rows = [f"row {c} {n}" for c, n in zip(cols, zh, strict=True)]
    colw = [f"column {c} {n}" for c, n in zip(cols, zh, strict=True)]
    a = np.abs
    _check_all(
        name,
        [
            ("Σ intermediate use", rows, z.sum(1), tiu, a(z).sum(1)),
            ("FU101 + FU102", rows, y[:, 0] + y[:, 1], thc, a(y[:, :2]).sum(1)),
            ("THC + FU103", rows, thc + y[:, 2], tc, a(thc) + a(y[:, 2])),
            ("FU201 + FU202", rows, y[:, 3] + y[:, 4], gcf, a(y[:, 3:5]).sum(1)),
            ("TC + GCF + EX", rows, tc + gcf + y[:, 5], tfu, a(tc) + a(gcf) + a(y[:, 5])),
            ("TIU + TFU − IM", rows, tiu + tfu - im, go, a(tiu) + a(tfu) + a(im)),
            ("Σ inputs", colw, z.sum(0), t["TII"], a(z).sum(0)),
            ("VA001 + … + VA004", colw, va.sum(0), t["TVA"], a(va).sum(0)),
            ("TII + TVA", colw, t["TII"] + t["TVA"], t["TI"], a(t["TII"]) + a(t["TVA"])),
            ("total input TI (vs GO of the row)", colw, t["TI"], go, a(go)),
        ],
        rtol,
    )
    share = iomath.safe_divide(im, tiu + tfu - y[:, 5])  # import share of domestic use (exports excluded)
    keep = 1.0 - share
    y_dom = y * keep[:, None]
    y_dom[:, 5] = y[:, 5]
    y_imp = y * share[:, None]
    y_imp[:, 5] = 0.0
    return IOTable(
        codes=tuple(cols),
        names_zh=tuple(zh),
        names_en=tuple(sec["Description"].tolist()),
        Z=z * keep[:, None],
        Z_imports=z * share[:, None],
        Y=y_dom,
        Y_imports=y_imp,
        fd_codes=tuple(fd),
        VA=va,
        va_codes=VA_CODES,
        x=go,
        source=name,
        layout="competitive, imports split proportionally",
        notes=(f"import share m_i = IM_i / (TIU_i + TFU_i − EX_i), max {share.max():.3f}",),
    ).check(rtol)
