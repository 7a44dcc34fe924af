"""Shared fixtures: a platform with the shipped regions and catalog, a workspace, one user per role."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def assert_pure(*modules: str) -> None:
    """The modules import no Django (checked in a fresh interpreter): the math stays notebook-usable."""
    code = (
        "import importlib, sys\n"
        f"for name in {list(modules)!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[1])


def shared_data(*parts: str) -> Path:
    """A file of ../shared/data, or skip the test with the reason when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"reference data not available: {path}")
    return path


def chart_option(page, element: str):  # type: ignore[no-untyped-def]
    """The ECharts option of the chart drawn in ``#element``, once the page's script has set its series."""
    page.wait_for_function(
        f"() => {{ const c = echarts.getInstanceByDom(document.getElementById('{element}'));"
        " return c && c.getOption() && c.getOption().series.length > 0; }"
    )
    return page.evaluate(f"() => echarts.getInstanceByDom(document.getElementById('{element}')).getOption()")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):  # type: ignore[no-untyped-def]
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _fast_password_hashing(request):  # type: ignore[no-untyped-def]
    """Argon2 is slow on purpose; fixtures create many users. test_accounts checks Argon2 itself.

    Pure tests also run without pytest-django (``-p no:django``), hence no hard ``settings`` fixture.
    """
    if not request.config.pluginmanager.hasplugin("django"):
        return
    settings = request.getfixturevalue("settings")
    settings.DATA_DIR = request.getfixturevalue("tmp_path")  # uploads go to a temporary folder
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


@dataclass
class Platform:
    workspace: object
    other: object
    users: dict


@pytest.fixture
def platform(db):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import User

    from kaifang.accounts.models import Department, Membership, Role, Workspace
    from kaifang.catalog.load import sync_catalog
    from kaifang.regions.load import sync_regions
    from kaifang.regions.models import Region

    sync_regions()
    sync_catalog()
    ws = Workspace.objects.create(code="bazhong", name_zh="巴中市", home_region=Region.objects.get(code="511900"))
    other = Workspace.objects.create(code="dazhou", name_zh="达州市", home_region=Region.objects.get(code="511700"))
    users = {}
    spec = [
        ("admin", Role.ADMIN, None, ws),
        ("analyst", Role.ANALYST, None, ws),
        ("commerce", Role.OFFICER, "commerce", ws),
        ("stats", Role.OFFICER, "stats", ws),
        ("leader", Role.VIEWER, None, ws),
        ("evaluator", Role.EVALUATOR, None, ws),
        ("dazhou", Role.ADMIN, None, other),
    ]
    for name, role, dept, space in spec:
        u = User.objects.create_user(name, password="pw-" + name)
        Membership.objects.create(
            user=u, workspace=space, role=role, department=Department.objects.get(code=dept) if dept else None
        )
        users[name] = u
    return Platform(ws, other, users)


def access(user, workspace):  # type: ignore[no-untyped-def]
    from kaifang.accounts.access import access_for

    return access_for(user, workspace.code)
