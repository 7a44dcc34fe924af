"""Killing an import mid-way (SIGKILL) leaves nothing partial — on SQLite and on PostgreSQL.

The import runs as a real ``kaifang import`` process against a database of its own; the test kills
it at random moments and checks that the store holds either none of the file or all of it.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from kaifang.catalog.schema import load_catalog
from kaifang.regions.matching import load_regions

ROOT = Path(__file__).resolve().parents[1]
SETUP = """
import django; django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from kaifang.regions.load import sync_regions; from kaifang.catalog.load import sync_catalog
sync_regions(); sync_catalog()
from kaifang.accounts.models import Workspace, Membership; from kaifang.regions.models import Region
from django.contrib.auth.models import User
ws = Workspace.objects.create(code="bazhong", name_zh="巴中市", home_region=Region.objects.get(code="511900"))
Membership.objects.create(user=User.objects.create_user("analyst"), workspace=ws, role="analyst")
"""
COUNT = """
import django; django.setup()
from kaifang.observations.models import Observation, ImportBatch
print(Observation.objects.count(), ImportBatch.objects.count())
"""


def database_url(tmp_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tmp_path}/crash.sqlite3"
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        con.execute("DROP DATABASE IF EXISTS kaifang_crash")
        con.execute("CREATE DATABASE kaifang_crash")
    return url.rsplit("/", 1)[0] + "/kaifang_crash"


def run(code: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_sigkill_during_import_leaves_nothing_partial(tmp_path):
    env = {**os.environ, "DATABASE_URL": database_url(tmp_path), "DJANGO_SETTINGS_MODULE": "kaifang.settings",
           "KAIFANG_DATA_DIR": str(tmp_path)}  # fmt: skip
    run(SETUP, env)
    big = tmp_path / "big.csv"
    years = range(1900, 2026)
    catalog, _ = load_catalog()
    codes = [i.code for i in catalog.indicators if not i.formula]  # ~76 reported indicators
    regions = [r.code for r in load_regions()]  # 32 regions: ~300,000 rows in all
    with big.open("w", encoding="utf-8") as fh:
        fh.write("indicator,ref_area,time_period,obs_value\n")
        cells = [(c, r, y) for c in codes for r in regions for y in years]
        for n, (c, r, y) in enumerate(cells):
            fh.write(f"{c},{r},{y},{n % 997 + 0.5}\n")
    total = len(cells)
    rng = random.Random(2025)
    interrupted = 0
    cmd = [sys.executable, "-m", "kaifang", "import", str(big), "--workspace", "bazhong", "--user", "analyst"]
    for attempt in range(4):
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.0, 4.0))  # start-up, reading, validating, or writing
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        obs, batches = map(int, run(COUNT, env).split())
        assert (obs, batches) in {(0, 0), (total, 1)}, f"attempt {attempt}: {obs} of {total} rows, {batches} batches"
        if obs:
            break
        interrupted += 1
    assert interrupted >= 1, "no kill landed before the import finished: make the file bigger"
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert time.perf_counter() - started > 4.0  # the kills above fell inside a real import
    obs, batches = map(int, run(COUNT, env).split())
    assert obs == total and batches == 1
