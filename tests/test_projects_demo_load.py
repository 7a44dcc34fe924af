"""The demo ledger loaded into a workspace (kaifang.projects.demo_load): the report's 2024 facts on the platform,
rolled up with lineage, idempotent."""

from __future__ import annotations

from kaifang.observations.models import Observation
from kaifang.projects import models as m
from kaifang.projects.demo import load_example
from kaifang.projects.demo_load import load_demo
from kaifang.projects.store import ledger_date, ledger_for
from kaifang.projects.summary import summary


def test_demo_ledger_on_the_platform(platform) -> None:
    ws, analyst = platform.workspace, platform.users["analyst"]
    out = load_demo(ws, analyst)
    assert {k: out[k] for k in ("agreements", "projects", "milestones", "funds", "status_changes")} == {
        "agreements": 146, "projects": 435, "milestones": 784, "funds": 6490, "status_changes": 187}  # fmt: skip
    assert out["rollup"] == {"created": 196, "revised": 0, "lineage": 9806}  # 91 funds cells + 3 × 35 counts
    ledger = ledger_for(ws)
    assert ledger_date(ws, ledger) == load_example().as_of  # 2025-12-31
    stored = summary(ledger, 2024)
    assert stored == summary(load_example(), 2024) | {"label": ""}  # the fixture workspace is not a sample one
    assert (stored["agreements"]["cross_border"], stored["funds_in_place"]["out_of_province"]) == (8, 172.56)
    assert stored["implementation_rate"]["rate"] == 0.4667
    annual = Observation.objects.get(workspace=ws, indicator__code="OUT_PROVINCE_FUNDS", period="2024")
    assert annual.value == 172.56 and annual.is_sample
    assert m.RollupLineage.objects.filter(observation_id=annual.pk).count() == 779
    again = load_demo(ws, analyst)
    assert again["projects"] == 0 and again["rollup"] == {"created": 0, "revised": 0, "lineage": 0}
    assert m.Project.objects.filter(workspace=ws).count() == 435
