"""Scenarios in the database: every edit is a new version (the old one is kept, marked superseded), so a run
always points at the text it ran; the library's YAML files are copied into a workspace on first use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from kaifang.stress.models import Scenario
from kaifang.stress.scenarios import Scenario as Spec
from kaifang.stress.scenarios import load_scenario

LIBRARY = Path(__file__).with_name("library")


def current(workspace: Any) -> list[Scenario]:
    """The newest version of each scenario of a workspace."""
    return list(Scenario.objects.filter(workspace=workspace, superseded_at__isnull=True).order_by("key"))


def spec_of(record: Scenario) -> Spec:
    return load_scenario(record.text, where=f"{record.key} v{record.version}")


@transaction.atomic
def save(workspace: Any, user: Any, text: str, *, reason: str = "", from_library: bool = False) -> Scenario:
    """Validate the YAML (a :class:`~kaifang.stress.scenarios.ScenarioError` lists every problem with its line) and
    save it as version 1 of a new key or as the next version of an existing one. An unchanged text saves nothing."""
    spec = load_scenario(text)
    previous = (
        Scenario.objects.select_for_update()
        .filter(workspace=workspace, key=spec.key, superseded_at__isnull=True)
        .first()
    )
    if previous is not None and previous.text.strip() == text.strip():
        return previous
    version = 1
    if previous is not None:
        version = previous.version + 1
        previous.superseded_at = timezone.now()
        previous.save(update_fields=["superseded_at"])
    return Scenario.objects.create(
        workspace=workspace,
        key=spec.key,
        version=version,
        name_zh=spec.name_zh,
        name_en=spec.name_en,
        kind=spec.kind,
        source=spec.source[:300],
        text=text,
        from_library=from_library,
        reason=reason[:300],
        created_by=user,
    )


def library_texts() -> dict[str, str]:
    """The library's scenario files by file stem."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(LIBRARY.glob("*.yaml"))}


def sync_library(workspace: Any, user: Any) -> list[Scenario]:
    """Copy the library's scenarios into a workspace where their key is not there yet (edits are never undone)."""
    have = set(Scenario.objects.filter(workspace=workspace).values_list("key", flat=True))
    added = []
    for text in library_texts().values():
        spec = load_scenario(text)
        if spec.key not in have:
            added.append(save(workspace, user, text, reason="情景库", from_library=True))
    return added
