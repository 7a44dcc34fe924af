"""Import benchmark (issue 3), printed side by side with the naive peers in one run:

* a validated import of a 1,000,000-row long CSV — ``read_rows`` (decode, header mapping) +
  ``validate`` + ``ingest.submit`` (vintages, audit, executemany) — against ``pandas.read_csv`` +
  ``DataFrame.to_sql`` of the same file into a bare table (no checks at all), on SQLite;
* reading a 50,000-row long-layout xlsx with Kaifang's reader (python-calamine) against
  ``pandas.read_excel`` with its default engine (openpyxl).

Goals: the validated import within 2× of the naive load; the xlsx read at least 5× faster.

    .venv/bin/python benchmarks/bench_import.py [--rows 1000000] [--xlsx-rows 50000]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_csv(path: Path, rows: int) -> int:
    """A valid long CSV: every reported indicator × region × year, then monthly series, to ``rows``."""
    from kaifang.catalog.schema import load_catalog
    from kaifang.regions.matching import load_regions

    catalog, _ = load_catalog()
    assert catalog is not None
    reported = [i for i in catalog.indicators if not i.formula]
    regions = [r.code for r in load_regions()]
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        fh.write("indicator,ref_area,time_period,obs_value,unit\n")
        for year in range(1900, 2026):
            for ind in reported:
                for region in regions:
                    fh.write(f"{ind.code},{region},{year},{(n % 9973) * 1.5},{ind.unit}\n")
                    n += 1
        monthly = [i for i in reported if i.frequency == "月"]
        for year in range(2025, 1000, -1):
            for month in range(1, 13):
                for ind in monthly:
                    for region in regions:
                        if n >= rows:
                            return n
                        fh.write(f"{ind.code},{region},{year}-{month:02d},{(n % 9973) * 1.5},{ind.unit}\n")
                        n += 1
    return n


def make_xlsx(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("报送表")
    ws.append(["巴中市 数据报送表（基准测试）"])
    ws.append(["指标代码", "地区代码", "时期", "数值", "单位", "口径"])
    for n in range(rows):
        ws.append(["GDP", "511900", str(1000 + n // 40), n * 1.25, "亿元", "当期"])
    wb.save(path)


def child(args: argparse.Namespace) -> dict[str, float]:
    tmp = Path(tempfile.mkdtemp(prefix="kaifang-bench-"))
    os.environ["KAIFANG_DATA_DIR"] = str(tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaifang.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import pandas as pd
    from django.core.management import call_command
    from tqdm import tqdm

    from kaifang.accounts.access import Access
    from kaifang.accounts.models import Role, Workspace
    from kaifang.catalog.load import sync_catalog
    from kaifang.collection.forms import read_long_sheet
    from kaifang.collection.workflow import read_rows
    from kaifang.observations import ingest
    from kaifang.observations.validate import validate
    from kaifang.regions.load import sync_regions

    call_command("migrate", verbosity=0)
    sync_regions()
    sync_catalog()
    ws = Workspace.objects.create(code="bench", name_zh="基准")
    access = Access(ws, Role.ANALYST, None)

    csv_path = tmp / "long.csv"
    n = make_csv(csv_path, args.rows)
    content = csv_path.read_bytes()

    t0 = time.perf_counter()
    rows, problems = read_rows(content, csv_path.name, None)
    clean, problems, denied = validate(rows, access)
    assert not problems and not denied, problems[:3]
    with tqdm(total=len(rows), desc="validated import", unit="行") as bar:
        ingest.submit(ws, rows, access=access, kind="bulk", label="bench", validated=clean, progress=bar.update)
    t_ours = time.perf_counter() - t0

    from django.db import connection

    if connection.vendor == "postgresql":
        from sqlalchemy import create_engine

        con = create_engine(os.environ["DATABASE_URL"].replace("postgres://", "postgresql+psycopg://"))
    else:
        con = sqlite3.connect(tmp / "naive.sqlite3")
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-65536"):
            con.execute(f"PRAGMA {pragma}")
    t0 = time.perf_counter()
    pd.read_csv(csv_path).to_sql("naive", con, if_exists="replace", index=False)
    t_naive = time.perf_counter() - t0

    xlsx_path = tmp / "form.xlsx"
    make_xlsx(xlsx_path, args.xlsx_rows)
    data = xlsx_path.read_bytes()
    t0 = time.perf_counter()
    ours = read_long_sheet(data, xlsx_path.name)
    t_xlsx = time.perf_counter() - t0
    t0 = time.perf_counter()
    theirs = pd.read_excel(io.BytesIO(data), header=1, engine="openpyxl")  # today's default, named
    t_pandas = time.perf_counter() - t0
    assert len(ours) == len(theirs) == args.xlsx_rows

    return {"rows": n, "ours": t_ours, "naive": t_naive, "xlsx": t_xlsx, "pandas_xlsx": t_pandas}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--xlsx-rows", type=int, default=50_000)
    ap.add_argument("--pg", default=os.environ.get("KAIFANG_TEST_DATABASE_URL",
                                                   "postgres://postgres@127.0.0.1:5432/test"))  # fmt: skip
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args)))
        return
    tmp = tempfile.mkdtemp(prefix="kaifang-bench-")
    results = {}
    for name, url in [("SQLite", f"sqlite:///{tmp}/bench.sqlite3"), ("PostgreSQL", fresh_pg(args.pg))]:
        out = subprocess.run([sys.executable, __file__, "--child", "--rows", str(args.rows), "--xlsx-rows",
                              str(args.xlsx_rows)], env={**os.environ, "DATABASE_URL": url},
                             stdout=subprocess.PIPE, text=True, check=True)  # fmt: skip
        results[name] = json.loads(out.stdout.strip().splitlines()[-1])
    line = "{:58}{:>14}{:>14}"
    print()
    print(line.format("", "SQLite", "PostgreSQL"))
    r = list(results.values())
    print(line.format(f"long CSV, {r[0]['rows']:,} rows — Kaifang validated import (rows/s)",
                      *(f"{v['rows'] / v['ours']:,.0f}" for v in r)))  # fmt: skip
    print(
        line.format("  pandas.read_csv + to_sql, bare table (rows/s)", *(f"{v['rows'] / v['naive']:,.0f}" for v in r))
    )
    print(line.format("  Kaifang time / naive time (goal ≤ 2)", *(f"{v['ours'] / v['naive']:.2f}" for v in r)))
    x = r[0]
    print(line.format(f"xlsx read, {args.xlsx_rows:,} rows — Kaifang (calamine) s", f"{x['xlsx']:.2f}", ""))
    print(line.format("  pandas.read_excel, default engine (openpyxl) s", f"{x['pandas_xlsx']:.2f}", ""))
    print(line.format("  speed-up (goal ≥ 5)", f"{x['pandas_xlsx'] / x['xlsx']:.1f}", ""))


def fresh_pg(url: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        con.execute("DROP DATABASE IF EXISTS kaifang_bench_import")
        con.execute("CREATE DATABASE kaifang_bench_import")
    return url.rsplit("/", 1)[0] + "/kaifang_bench_import"


if __name__ == "__main__":
    main()
