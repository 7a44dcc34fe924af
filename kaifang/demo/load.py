"""Create the demo installation: regions, catalog, two workspaces (巴中, 达州), one user per role, and
the generated releases submitted through the normal ingest path (so they are validated, versioned
and audited like any real submission)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import User
from django.db import transaction

from kaifang.accounts.access import Access
from kaifang.accounts.models import Department, Membership, Role, Workspace
from kaifang.audit.context import acting_as
from kaifang.catalog.load import sync_catalog
from kaifang.catalog.models import Indicator
from kaifang.demo.generate import generate
from kaifang.observations import ingest
from kaifang.observations.models import ImportBatch, Observation
from kaifang.regions.load import sync_regions
from kaifang.regions.models import Region

PASSWORD = "kaifang-demo"
WORKSPACES = [("bazhong", "巴中市", "Bazhong", "511900"), ("dazhou", "达州市", "Dazhou", "511700")]
USERS = [  # username, workspace, role, department, full name
    ("admin", "bazhong", Role.ADMIN, None, "平台管理员"),
    ("analyst", "bazhong", Role.ANALYST, None, "市大数据局分析员"),
    ("commerce", "bazhong", Role.OFFICER, "commerce", "市商务局数据专员"),
    ("stats", "bazhong", Role.OFFICER, "stats", "市统计局数据专员"),
    ("leader", "bazhong", Role.VIEWER, None, "市领导"),
    ("evaluator", "bazhong", Role.EVALUATOR, None, "第三方评估机构"),
    ("dazhou", "dazhou", Role.ADMIN, None, "达州市管理员"),
]


def _users() -> dict[str, User]:
    out = {}
    for name, ws, role, dept, full in USERS:
        user, created = User.objects.get_or_create(username=name, defaults={"first_name": full})
        if created:
            user.set_password(PASSWORD)
            user.is_staff = role == Role.ADMIN
            user.is_superuser = name == "admin"
            user.save()
        Membership.objects.update_or_create(
            user=user,
            workspace=Workspace.objects.get(code=ws),
            defaults={"role": role, "department": Department.objects.get(code=dept) if dept else None},
        )
        out[name] = user
    return out


def reset() -> None:
    with transaction.atomic():
        for code, *_ in WORKSPACES:
            ws = Workspace.objects.filter(code=code).first()
            if ws is None:
                continue
            from kaifang.collection.models import Submission
            from kaifang.indexing.models import IndexBuild
            from kaifang.stress.demo_load import reset as reset_stress
            from kaifang.warning.demo_load import reset as reset_warning

            reset_stress(ws)
            reset_warning(ws)  # alerts and index runs first: they hold on to observations and batches
            Submission.objects.filter(workspace=ws).delete()
            IndexBuild.objects.filter(definition__workspace=ws).delete()  # scores go with their build
            Observation.objects.filter(workspace=ws).delete()
            ImportBatch.objects.filter(workspace=ws).delete()
            ws.delete()  # memberships, duties and templates go with it (audited without the workspace)


def load(progress: Callable[[int], object] | None = None) -> dict[str, int]:
    """Build the demo; ``progress(n)`` is called after each release. Returns counts per workspace."""
    sync_regions()
    sync_catalog()
    for code, name_zh, name_en, home in WORKSPACES:
        Workspace.objects.get_or_create(
            code=code,
            defaults={
                "name_zh": name_zh,
                "name_en": name_en,
                "home_region": Region.objects.get(code=home),
                "is_sample": True,
            },
        )
    users = _users()
    indicators = {i.code: i for i in Indicator.objects.select_related("department")}
    units = {c: i.unit for c, i in indicators.items()}
    loader = users["analyst"]
    counts = {}
    for code, *_ in WORKSPACES:
        ws = Workspace.objects.get(code=code)
        access = Access(ws, Role.ANALYST, None)
        n = 0
        with acting_as(loader):
            for release in generate(units):
                done = ingest.submit(
                    ws,
                    release.rows,
                    access=access,
                    user=loader,
                    kind="demo",
                    label=release.label,
                    is_sample=release.is_sample,
                    submitted_at=release.submitted_at,
                )
                n += done.created + done.revised
                if progress:
                    progress(1)
        counts[code] = n
        _duties(ws)
        with acting_as(loader):
            _index(ws, loader)
            from kaifang.warning.demo_load import load_demo as load_warning

            load_warning(ws, users["dazhou"] if code == "dazhou" else loader)  # a member of the workspace
    _pending_submission(Workspace.objects.get(code="bazhong"), users)
    from kaifang.projects.demo_load import load_demo as load_ledger
    from kaifang.roadmap.demo_load import load_demo as load_roadmap

    with acting_as(loader):
        load_ledger(Workspace.objects.get(code="bazhong"), loader)  # rolls 省外到位资金 up as new vintages
        load_roadmap(Workspace.objects.get(code="bazhong"), loader)  # the report's seven recommendations
        from kaifang.stress.demo_load import load_demo as load_stress

        load_stress(Workspace.objects.get(code="bazhong"), loader)  # synthetic table, FLQ to 巴中, the scenario library
        from kaifang.adaptability.demo_load import load_demo as load_adaptability

        load_adaptability(Workspace.objects.get(code="bazhong"), loader)  # the report's nine models, assessed for 巴中
    return counts


def _index(ws: Workspace, user: User) -> None:
    """The open-cooperation index over the home city and its peers, built once on the demo data."""
    from kaifang.demo.generate import CITIES
    from kaifang.indexing.builds import run_build
    from kaifang.indexing.demo import PEERS, ensure_definition

    home = ws.home_region.code if ws.home_region else "511900"
    peers = [p for p in ["511900", *PEERS] if p != home][:5]
    definition = ensure_definition(ws, sorted(CITIES), home, peers, user)
    if not definition.builds.exists():
        built = run_build(definition, user)
        from kaifang.indexing.models import IndexUncertainty
        from kaifang.indexing.tasks import run_uncertainty

        params = {"N": 1000, "seed": 1, "noise": 0.25, "sobol": True}
        run_uncertainty(IndexUncertainty.objects.create(build=built, params=params, created_by=user), lambda f, m: None)


def _duties(ws: Workspace) -> None:
    """报送日历: every department with monthly indicators reports by the 10th (统计局 by the 15th)."""
    from kaifang.collection.models import ReportingDuty

    depts = Department.objects.filter(indicators__frequency="月", indicators__formula="").distinct()
    for dept in depts:
        ReportingDuty.objects.get_or_create(workspace=ws, department=dept,
                                            defaults={"due_day": 15 if dept.code == "stats" else 10})  # fmt: skip


def _pending_submission(ws: Workspace, users: dict[str, User]) -> None:
    """One department return waiting for review, so the workflow has something to show."""
    from kaifang.collection import workflow

    officer = users["commerce"]
    rows = "指标代码,地区代码,时期,数值,单位,口径,状态,来源\n" + "".join(
        f"FDI_ACTUAL,{r},2026-10,{v},万美元,当月,初步,市商务局月报（示例数据）\n"
        for r, v in [("511900", 68.0), ("511902", 31.0), ("511921", 12.5)]
    )
    access = Access(ws, Role.OFFICER, officer.memberships.get(workspace=ws).department_id)
    sub = workflow.upload(ws, access, officer, "2026年10月实际利用外资月报.csv", rows.encode("utf-8"))
    if sub.state == "uploaded" and not sub.errors:
        workflow.submit(sub, access, officer)


def releases_count() -> int:
    units = dict(Indicator.objects.values_list("code", "unit"))
    return len(generate(units)) * len(WORKSPACES)
