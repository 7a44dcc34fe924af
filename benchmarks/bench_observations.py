"""Observation store benchmark: Kaifang's bulk submission vs ``pandas.DataFrame.to_sql``, and a panel read.

For SQLite and PostgreSQL side by side (same run, same machine):

* bulk insert of 1,000,000 observations through ``kaifang.observations.ingest.submit`` (validation,
  unit conversion, vintage bookkeeping, audit — then COPY / executemany) in rows/s, against a
  plain ``DataFrame.to_sql`` of the same rows into a bare table (no validation, no indexes);
* the time to read a panel of 21 regions × 11 years × 40 indicators (latest vintages), median of 7.

Goals (issue 2): insert at least as fast as ``to_sql``; panel read under 200 ms.

    .venv/bin/python benchmarks/bench_observations.py [--rows 1000000] [--pg postgres://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
YEARS = [str(y) for y in range(1900, 2026)]


def child(rows_wanted: int) -> dict[str, float]:
    """Runs inside a subprocess whose DATABASE_URL points at a fresh database."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaifang.settings")
    import django

    django.setup()
    import pandas as pd
    from django.core.management import call_command
    from django.db import connection
    from tqdm import tqdm

    from kaifang.accounts.access import Access
    from kaifang.accounts.models import Role, Workspace
    from kaifang.catalog.load import sync_catalog
    from kaifang.catalog.models import Indicator
    from kaifang.observations import ingest
    from kaifang.observations.models import Observation
    from kaifang.observations.query import panel
    from kaifang.regions.load import sync_regions
    from kaifang.regions.models import Region

    call_command("migrate", verbosity=0)
    sync_regions()
    sync_catalog()
    indicators = list(Indicator.objects.filter(formula="").values_list("code", "unit"))
    regions = list(Region.objects.values_list("code", flat=True))
    per_ws = len(indicators) * len(regions) * len(YEARS)
    n_ws = -(-rows_wanted // per_ws)
    frames = []
    for w in range(n_ws):
        idx = pd.MultiIndex.from_product([indicators, regions, YEARS], names=["ind", "ref_area", "time_period"])
        df = idx.to_frame(index=False)
        df["indicator"] = df["ind"].map(lambda t: t[0])
        df["unit"] = df["ind"].map(lambda t: t[1])
        df["obs_value"] = (df.index % 9973).astype(float) * 1.5 + w
        df["ws"] = w
        frames.append(df.drop(columns="ind"))
    data = pd.concat(frames, ignore_index=True).head(rows_wanted)
    spaces = [Workspace.objects.create(code=f"bench{w}", name_zh=f"基准{w}") for w in range(n_ws)]

    t0 = time.perf_counter()
    for w, space in enumerate(tqdm(spaces, desc=f"{connection.vendor} ingest", unit="ws")):
        part = data[data["ws"] == w].drop(columns="ws").reset_index(drop=True)
        part.index += 1
        ingest.submit(space, part, access=Access(space, Role.ADMIN, None), kind="bulk", label="benchmark")
    t_ingest = time.perf_counter() - t0

    # the peer: the same rows, as stored (resolved ids, converted values), written by to_sql into a bare table
    ids = dict(Indicator.objects.values_list("code", "id"))
    rid = dict(Region.objects.values_list("code", "id"))
    plain = pd.DataFrame(
        {
            "workspace_id": data["ws"].map({w: s.pk for w, s in enumerate(spaces)}),
            "indicator_id": data["indicator"].map(ids),
            "region_id": data["ref_area"].map(rid),
            "period": data["time_period"],
            "period_end": pd.to_datetime(data["time_period"] + "-12-31").dt.date,
            "basis": "P",
            "value": data["obs_value"],
            "unit": data["unit"],
            "status": "P",
            "source": "",
            "submitted_at": pd.Timestamp.now(tz="UTC"),
        }
    )
    if connection.vendor == "postgresql":
        from sqlalchemy import create_engine

        con = create_engine(os.environ["DATABASE_URL"].replace("postgres://", "postgresql+psycopg://"))
    else:
        import sqlite3

        con = sqlite3.connect(connection.settings_dict["NAME"])
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-65536", "temp_store=MEMORY"):
            con.execute(f"PRAGMA {pragma}")  # the same settings Kaifang's own connection uses
    t0 = time.perf_counter()
    plain.to_sql("bench_to_sql", con, if_exists="replace", index=False)
    t_tosql = time.perf_counter() - t0

    # like for like: the same rows appended by to_sql into the observation table itself (same indexes
    # and constraints), under fresh workspaces so they do not collide with the rows ingested above
    twins = {s.pk: Workspace.objects.create(code=f"{s.code}-to-sql", name_zh=s.name_zh).pk for s in spaces}
    table = plain.assign(
        workspace_id=plain["workspace_id"].map(twins),
        original_value=data["obs_value"],
        original_unit=data["unit"],
        is_sample=False,
        note="",
    )
    t0 = time.perf_counter()
    table.to_sql(Observation._meta.db_table, con, if_exists="append", index=False)
    t_tosql_table = time.perf_counter() - t0

    space = spaces[0]
    codes = [c for c, _ in indicators][:40]
    cities = list(Region.objects.filter(parent__code="510000").values_list("code", flat=True))[:21]
    years = [str(y) for y in range(2015, 2026)]
    timings = []
    n_cells = 0
    for _ in range(7):
        t0 = time.perf_counter()
        df = panel(space, indicators=codes, regions=cities, periods=years)
        timings.append(time.perf_counter() - t0)
        n_cells = len(df)
    return {
        "rows": len(data),
        "ingest_s": t_ingest,
        "to_sql_s": t_tosql,
        "to_sql_table_s": t_tosql_table,
        "panel_ms": statistics.median(timings) * 1000,
        "panel_cells": n_cells,
    }


def run(backend: str, url: str, rows: int) -> dict[str, float]:
    env = {**os.environ, "DATABASE_URL": url, "KAIFANG_LOG_LEVEL": "ERROR"}
    out = subprocess.run(
        [sys.executable, __file__, "--child", "--rows", str(rows)],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def fresh_pg(url: str) -> str:
    import psycopg

    name = "kaifang_bench"
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name}")
        con.execute(f"CREATE DATABASE {name}")
    return url.rsplit("/", 1)[0] + "/" + name


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument(
        "--pg", default=os.environ.get("KAIFANG_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    )
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.rows)))
        return
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite"] = run("sqlite", f"sqlite:///{tmp}/bench.sqlite3", args.rows)
    results["PostgreSQL"] = run("postgresql", fresh_pg(args.pg), args.rows)
    print()
    print(f"{'':48}{'SQLite':>16}{'PostgreSQL':>16}")
    line = "{:48}{:>16}{:>16}"
    r = results
    print(line.format("rows", f"{r['SQLite']['rows']:,}", f"{r['PostgreSQL']['rows']:,}"))
    for label, key in [
        ("Kaifang ingest.submit (rows/s)", "ingest_s"),
        ("pandas to_sql into the observation table", "to_sql_table_s"),
        ("pandas to_sql into a bare table (no index)", "to_sql_s"),
    ]:
        print(line.format(label, *(f"{v['rows'] / v[key]:,.0f}" for v in r.values())))
    for label, key in [
        ("ratio Kaifang / to_sql, same table (goal ≥ 1)", "to_sql_table_s"),
        ("ratio Kaifang / to_sql, bare table", "to_sql_s"),
    ]:
        print(line.format(label, *(f"{v[key] / v['ingest_s']:.2f}" for v in r.values())))
    print(line.format("panel 21 regions × 11 years × 40 ind. (ms)", *(f"{v['panel_ms']:.1f}" for v in r.values())))
    print(line.format("  cells returned (goal read < 200 ms)", *(f"{v['panel_cells']:,}" for v in r.values())))


if __name__ == "__main__":
    main()
