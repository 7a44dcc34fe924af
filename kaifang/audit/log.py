"""Writing audit entries. Called by the model signals and by bulk writers that bypass signals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.forms.models import model_to_dict
from django.utils import timezone

from kaifang.audit.context import current_actor
from kaifang.audit.models import AuditEntry

SECRET_FIELDS = {"password"}


def snapshot(obj: models.Model) -> dict[str, Any]:
    """A JSON-safe dict of an object's concrete fields (secrets masked)."""
    data = model_to_dict(obj, fields=[f.name for f in obj._meta.concrete_fields])
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in SECRET_FIELDS:
            out[key] = "***"
        elif isinstance(value, dt.datetime | dt.date):
            out[key] = value.isoformat()
        elif isinstance(value, list | tuple):
            out[key] = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, int | float | str | bool) or value is None:
            out[key] = value
        else:
            out[key] = str(value)
    return out


def record(
    action: str,
    *,
    object_type: str,
    object_id: Any,
    object_repr: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    workspace: Any = None,
    actor: Any = None,
    at: dt.datetime | None = None,
) -> AuditEntry:
    actor = actor if actor is not None else current_actor()
    return AuditEntry.objects.create(
        at=at or timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(actor.get_username() if getattr(actor, "pk", None) else "system"),
        workspace=workspace,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:300],
        before=before,
        after=after,
    )
