"""Template context shared by every cockpit page: the systems menu and the user's workspaces."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kaifang.accounts.access import workspaces_for
from kaifang.cockpit.systems import SYSTEMS


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "systems": SYSTEMS,
        "my_workspaces": workspaces_for(user) if user is not None else [],
    }
