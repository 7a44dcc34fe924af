"""动态优化调整: the target in force at an assessed month (kaifang.roadmap.revisions) — pure.

Run: .venv/bin/pytest tests/test_roadmap_revisions.py -q -p no:django
"""

from __future__ import annotations

from datetime import datetime

import pytest

from kaifang.roadmap.lights import Light, assess_light
from kaifang.roadmap.revisions import TargetRevision, path_in_force, target_in_force
from kaifang.roadmap.schedule import KpiPath

# RCEP 地理标志产品关税减让利用率: 20 % at 2024-12, target 60 % by 2026-12
PATH = KpiPath(20.0, "2024-12", 60.0, "2026-12")
ORIGINAL = TargetRevision(60.0, "2026-12", "2024-12", reason="原定目标")
RAISED = TargetRevision(80.0, "2026-12", "2025-07", reason="提前达标，上调目标")
PENDING = TargetRevision(90.0, "2026-12", "2025-04", approved=False, reason="待审批")
REPORTS = {"2025-05": 28.0, "2025-06": 30.0, "2025-09": 40.0}


def test_assessment_before_a_revision_keeps_the_old_target_and_light() -> None:
    # before the revision: at 2025-06 expected = 20 + 40 · 6/24 = 30, f = 0.25; latest 30 → gap 0 → green
    before = assess_light(path_in_force(PATH, [ORIGINAL], "2025-06"), REPORTS, "2025-06")
    assert before.expected == 30.0 and before.light is Light.GREEN
    # the target is raised to 80 from 2025-07 (approved); a pending request to 90 never counts
    history = [ORIGINAL, PENDING, RAISED]
    assert target_in_force(history, "2025-06") is ORIGINAL
    again = assess_light(path_in_force(PATH, history, "2025-06"), REPORTS, "2025-06")
    assert again == before  # re-assessing June after the revision: same target, same light
    # from 2025-07 on the new target: at 2025-09 expected = 20 + 60 · 9/24 = 42.5, f = 22.5/60 = 0.375;
    # latest 40 → f = 20/60 = 0.3333 → gap 4.17 → green; under the old target it would be 20 + 40 · 9/24 = 35 → ahead
    after = path_in_force(PATH, history, "2025-09")
    assert after.target == 80.0 and after.expected("2025-09") == 42.5
    assert assess_light(after, REPORTS, "2025-09").progress_gap_pts == pytest.approx(25 / 6)


def test_rules_of_the_history() -> None:
    with pytest.raises(ValueError, match="no approved target"):
        target_in_force([ORIGINAL], "2024-11")
    with pytest.raises(ValueError, match="two approved targets"):
        target_in_force([ORIGINAL, RAISED, TargetRevision(70.0, "2026-12", "2025-07")], "2025-08")
    # a timestamp stands for its month: approved 2025-07-15 governs the July assessment
    stamped = TargetRevision(80.0, "2026-12", datetime(2025, 7, 15, 10, 30))
    assert stamped.effective_from == "2025-07"
    assert target_in_force([ORIGINAL, stamped], "2025-07") is stamped
    # a revision may also move the deadline and set milestones
    later = TargetRevision(60.0, "2027-06", "2025-07", milestones=(("2026-06", 45.0),))
    p = path_in_force(PATH, [ORIGINAL, later], "2025-07")
    assert p.deadline == "2027-06" and p.milestones == (("2026-06", 45.0),) and p.baseline == 20.0
