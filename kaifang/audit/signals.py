"""Change logging for ordinary model saves and deletes (the NetBox pattern).

``pre_save`` keeps the stored version, ``post_save``/``post_delete`` write one entry with the
before/after snapshots. Observations are written in bulk and audit themselves (see
``kaifang.observations.ingest``), so they are not connected here.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models.signals import post_delete, post_save, pre_save

from kaifang.audit.log import record, snapshot

AUDITED = [
    "auth.User",
    "auth.Group",
    "accounts.Workspace",
    "accounts.Department",
    "accounts.Membership",
    "regions.Region",
    "catalog.Indicator",
    "collection.MappingTemplate",
    "collection.ReportingDuty",
    "indexing.IndexDefinition",
    "indexing.IndexBuild",
    "projects.Agreement",
    "projects.Project",
    "projects.MilestoneRecord",
    "projects.FundsRecord",
    "projects.StatusChange",
    "projects.EvidenceFile",
    "warning.KeyIndustry",
    "warning.StressEpisode",
    "warning.WatchRule",
    "warning.Calibration",
    "warning.IndexSpec",
    "warning.Silence",
    "warning.ResponsePlan",
    "warning.PlanTask",
    "warning.Alert",
    "warning.AlertTask",
    "warning.NotificationPreference",
    "roadmap.Policy",
    "roadmap.Task",
    "roadmap.Kpi",
    "roadmap.KpiTarget",
    "roadmap.ProgressReport",
    "roadmap.KpiValue",
    "roadmap.EvidenceFile",
    "roadmap.Assessment",
    "roadmap.RoadmapConfig",
    "roadmap.ExploratoryMeasure",
    "roadmap.SupervisionEntry",
    "adaptability.PolicyModel",
    "adaptability.Prerequisite",
    "adaptability.ReferencePlace",
    "adaptability.ReferenceValue",
    "adaptability.Assessment",
    "stress.IOTableRecord",
    "stress.Scenario",
    "stress.StressRun",
    "jobs.Job",  # creation only in practice: the worker writes state and progress with update()
]
_IGNORED_UPDATE_FIELDS = {"last_login"}


def _label(sender: Any) -> str:
    return f"{sender._meta.app_label}.{sender.__name__}"


def _workspace_of(instance: Any) -> Any:
    from kaifang.accounts.models import Workspace

    if isinstance(instance, Workspace):
        return instance if instance.pk else None
    return getattr(instance, "workspace", None)


def _before(sender: Any, instance: Any, **kwargs: Any) -> None:
    instance._audit_before = None
    if instance.pk:
        old = sender._default_manager.filter(pk=instance.pk).first()
        instance._audit_before = snapshot(old) if old is not None else None


def _after(sender: Any, instance: Any, created: bool, update_fields: Any = None, **kwargs: Any) -> None:
    if update_fields and set(update_fields) <= _IGNORED_UPDATE_FIELDS:
        return
    before = getattr(instance, "_audit_before", None)
    after = snapshot(instance)
    if not created and before == after:
        return
    record(
        "create" if created else "update",
        object_type=_label(sender),
        object_id=instance.pk,
        object_repr=str(instance),
        before=None if created else before,
        after=after,
        workspace=_workspace_of(instance),
    )


def _deleted(sender: Any, instance: Any, origin: Any = None, **kwargs: Any) -> None:
    from kaifang.accounts.models import Workspace

    # a workspace's own deletion cascades here: its entry cannot point at the row being deleted
    gone = isinstance(origin, Workspace) or _label(sender) == "accounts.Workspace"
    record(
        "delete",
        object_type=_label(sender),
        object_id=instance.pk,
        object_repr=str(instance),
        before=snapshot(instance),
        after=None,
        workspace=None if gone else _workspace_of(instance),
    )


def connect() -> None:
    for label in AUDITED:
        model = apps.get_model(label)
        pre_save.connect(_before, sender=model, dispatch_uid=f"audit-pre-{label}")
        post_save.connect(_after, sender=model, dispatch_uid=f"audit-post-{label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"audit-del-{label}")
