#!/usr/bin/env python3
"""Recompute the 年度考核 scores of a roadmap evidence bundle (第三方评估) — standard library only.

Shipped inside every evidence bundle (``kaifang roadmap bundle``, or the evaluator's download) as
``recompute.py``. Unzip the bundle and run::

    python3 recompute.py            # in the unzipped folder (or: python3 recompute.py path/to/folder)

It reads only the bundle's tables — ``params.json``, ``tasks.csv``, ``kpis.csv``, ``targets.csv``,
``kpi_values.csv``, ``reports.csv`` — and recomputes, independently of the platform's code:

1. for each KPI, the target in force at the assessed month (the approved target with the latest
   ``effective_from`` ≤ month), the 序时进度 expected value (linear from the baseline through the milestones to
   the target), the progress fraction f(x) = (x − baseline)/(target − baseline) of the latest value reported at
   or before the month, the gap (f(expected) − f(latest)) × 100 and the light (red when the last
   ``missed_reports`` reporting periods are all missing, grey without a value, else green < yellow_pts ≤ yellow
   ≤ red_pts < red);
2. each KPI's points (100 · clip(f, 0, 1), or the light's points), each department's achievement
   (weighted mean over its lead KPIs), timeliness (100 · on time / due, from the tasks' monthly reports whose
   due day — ``due_day`` of the next month — is before the reference date) and data quality
   (100 · (filings − rejected) / filings); the total with the weights of the components that apply, and the rank;

and compares every figure with ``assessment.csv`` and ``scores.csv``. Equal means equal to 1e-9 (the
platform rounds to 1e-9 before comparing with thresholds). Exit status 0 when everything matches, 1 otherwise.
"""

from __future__ import annotations

import bisect
import calendar
import csv
import json
import math
import sys
from pathlib import Path
from typing import Any

TOL = 1e-9


def month_index(m: str) -> int:
    year, month = m.split("-")
    return 12 * int(year) + int(month) - 1


def label(i: int) -> str:
    return f"{i // 12:04d}-{i % 12 + 1:02d}"


def snap(x: float) -> float:
    """Round to 1e-9 the way numpy's ``round(x, 9)`` does (scale, round half to even, unscale)."""
    return round(x * 1e9) / 1e9 if math.isfinite(x) else x


def read(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def number(text: str) -> float | None:
    return float(text) if text not in ("", None) else None


def fraction(x: float, baseline: float, target: float, direction: int) -> float:
    if target == baseline:
        return 1.0 if snap(direction * (x - target)) >= 0 else 0.0
    return (x - baseline) / (target - baseline)


def expected(nodes: list[tuple[int, float]], m: int) -> float:
    """序时进度: linear within the segment whose start is the last node at or before m (clamped to the ends)."""
    j = min(max(bisect.bisect_right([n[0] for n in nodes], m) - 1, 0), len(nodes) - 2)
    (m0, v0), (m1, v1) = nodes[j], nodes[j + 1]
    return v0 + (v1 - v0) * min(max((m - m0) / (m1 - m0), 0.0), 1.0)


def assess_kpi(kpi: dict[str, str], targets: list[dict[str, str]], values: dict[int, float], p: dict[str, Any]):  # type: ignore[no-untyped-def]
    """(target row, f(latest) or None, gap or None, light) of one KPI at the params' month, or None."""
    m, b0 = month_index(p["month"]), month_index(kpi["baseline_period"])
    approved = [t for t in targets if t["state"] == "approved" and month_index(t["effective_from"]) <= m]
    if m <= b0 or not approved:
        return None
    t = max(approved, key=lambda r: month_index(r["effective_from"]))
    baseline, target, d = float(kpi["baseline"]), float(t["value"]), int(kpi["direction"])
    stones = [(month_index(a), float(v)) for a, v in sorted(json.loads(t["milestones"] or "[]"))]
    nodes = [(b0, baseline), *stones, (month_index(t["deadline"]), target)]
    fe = fraction(expected(nodes, m), baseline, target, d)
    reported = {k: v for k, v in values.items() if b0 < k <= m}
    window = int(p["missed_reports"]) * int(kpi["period_months"])
    missed = m - window + 1 >= b0 + 1 and not any(k in reported for k in range(m - window + 1, m + 1))
    if not reported:
        return t, None, None, "red" if missed else "grey"
    fl = fraction(reported[max(reported)], baseline, target, d)
    gap = snap((fe - fl) * 100.0)
    light = "red" if missed or gap > p["red_pts"] else "yellow" if gap >= p["yellow_pts"] else "green"
    return t, fl, gap, light


def due_date(month: str, due_day: int) -> str:
    i = month_index(month) + 1
    year, mon = i // 12, i % 12 + 1
    return f"{year:04d}-{mon:02d}-{min(due_day, calendar.monthrange(year, mon)[1]):02d}"


def report_counts(folder: Path, p: dict[str, Any]) -> dict[str, dict[str, int]]:
    year, ref = int(p["year"]), p["reference_date"]
    filings: dict[tuple[str, str], list[dict[str, str]]] = {}
    for r in read(folder, "reports.csv"):
        filings.setdefault((r["task"], r["month"]), []).append(r)
    counts: dict[str, dict[str, int]] = {}
    for t in read(folder, "tasks.csv"):
        lo, hi = max(month_index(t["start_month"]), 12 * year), min(month_index(t["end_month"]), 12 * year + 11)
        for i in range(lo, hi + 1):
            month = label(i)
            c = counts.setdefault(t["lead_department"], {"due": 0, "on_time": 0, "submitted": 0, "rejected": 0})
            filed = sorted(filings.get((t["task"], month), []), key=lambda r: (r["filed_at"], int(r["report"])))
            current = [r for r in filed if r["state"] != "rejected"]
            due = due_date(month, int(p["due_day"]))
            if due < ref:
                c["due"] += 1
                c["on_time"] += bool(current) and current[-1]["filed_at"][:10] <= due
            c["submitted"] += len(filed)
            c["rejected"] += sum(r["state"] == "rejected" for r in filed)
    return counts


def scores(folder: Path) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """(per KPI: light, progress, gap, points; per department: components, total, rank) from the inputs."""
    p = json.loads((folder / "params.json").read_text(encoding="utf-8"))
    targets: dict[str, list[dict[str, str]]] = {}
    for t in read(folder, "targets.csv"):
        targets.setdefault(t["kpi"], []).append(t)
    values: dict[str, dict[int, float]] = {}
    for v in read(folder, "kpi_values.csv"):
        if v["value"] != "":
            values.setdefault(v["kpi"], {})[month_index(v["month"])] = float(v["value"])
    kpis: dict[str, dict[str, Any]] = {}
    sums: dict[str, list[float]] = {}
    for k in read(folder, "kpis.csv"):
        got = assess_kpi(k, targets.get(k["kpi"], []), values.get(k["kpi"], {}), p)
        if got is None:
            continue
        _, fl, gap, light = got
        pts = p["light_points"][light] if p["score_method"] == "lights" else 100.0 * min(max(fl or 0.0, 0.0), 1.0)
        kpis[k["kpi"]] = {"light": light, "progress": fl, "gap_pts": gap, "points": pts}
        w = float(k["weight"])
        acc = sums.setdefault(k["department"], [0.0, 0.0])
        acc[0], acc[1] = acc[0] + w * pts, acc[1] + w
    counts = report_counts(folder, p)
    depts: dict[str, dict[str, Any]] = {}
    for dept in dict.fromkeys([*sums, *counts]):
        wp, wsum = sums.get(dept, [0.0, 0.0])
        c = counts.get(dept, {"due": 0, "on_time": 0, "submitted": 0, "rejected": 0})
        parts = {
            "achievement": wp / wsum if wsum > 0 else None,
            "timeliness": 100.0 * c["on_time"] / c["due"] if c["due"] > 0 else None,
            "quality": 100.0 * (c["submitted"] - c["rejected"]) / c["submitted"] if c["submitted"] > 0 else None,
        }
        base = {name: p[f"w_{name}"] if v is not None else 0.0 for name, v in parts.items()}
        scale = sum(base.values())
        total = sum(base[n] / scale * (v or 0.0) for n, v in parts.items()) if scale > 0 else None
        depts[dept] = {**parts, "total": total}
    totals = sorted((snap(d["total"]) for d in depts.values() if d["total"] is not None), reverse=True)
    for d in depts.values():
        d["rank"] = None if d["total"] is None else totals.index(snap(d["total"])) + 1
    return kpis, depts


def same(a: Any, b: str) -> bool:
    if b == "" or a is None:
        return (b == "") == (a is None)
    if isinstance(a, str):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=0.0, abs_tol=TOL)


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    kpis, depts = scores(folder)
    bad = []
    for row in read(folder, "assessment.csv"):
        mine = kpis.get(row["kpi"])
        for key in ("light", "progress", "gap_pts", "points"):
            if mine is None or not same(mine[key], row[key]):
                bad.append(
                    f"KPI {row['kpi']} {key}: bundle {row[key]!r}, recomputed {None if mine is None else mine[key]!r}"
                )
    print(f"{'部门':<18}{'指标完成':>12}{'按时报送':>12}{'数据质量':>12}{'总分':>12}{'名次':>6}")
    for row in read(folder, "scores.csv"):
        mine = depts.get(row["department"])
        for key in ("achievement", "timeliness", "quality", "total", "rank"):
            if mine is None or not same(mine[key], row[key]):
                got = None if mine is None else mine[key]
                bad.append(f"{row['department']} {key}: bundle {row[key]!r}, recomputed {got!r}")
        if mine is not None:
            cells = [
                f"{mine[k]:12.4f}" if mine[k] is not None else f"{'—':>12}"
                for k in ("achievement", "timeliness", "quality", "total")
            ]
            print(f"{row['department']:<18}{''.join(cells)}{mine['rank'] or '—':>6}")
    if bad:
        print("不一致 MISMATCH:\n  " + "\n  ".join(bad))
        return 1
    print(f"全部一致：{len(kpis)} 个指标、{len(depts)} 个部门的得分与证据包一致 (all scores recomputed exactly)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
