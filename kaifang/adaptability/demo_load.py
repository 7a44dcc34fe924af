"""The adaptability demo: the report's nine models loaded into the workspace and assessed for its home region.

``load_demo(ws, user)`` loads ``library.yaml`` (models the workspace lacks) and, for every model without an
assessment yet, assesses the home region on the latest observations. Running it again changes nothing.
"""

from __future__ import annotations

from django.contrib.auth.models import User

from kaifang.accounts.models import Workspace
from kaifang.adaptability.models import PolicyModel
from kaifang.adaptability.store import load_library, run_assessment


def load_demo(ws: Workspace, user: User | None) -> dict[str, int]:
    counts = load_library(ws)
    assessed = 0
    if ws.home_region is not None:
        for pm in PolicyModel.objects.filter(workspace=ws, retired=False):
            if not pm.assessments.exists():
                run_assessment(ws, pm, user)
                assessed += 1
    return {**counts, "assessed": assessed}
