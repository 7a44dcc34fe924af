"""People's moves on alerts (确认, 分派, 启动预案, 解除), silences and plan tasks — each stored as an event.

Who may do what (:func:`can_act`): administrators and analysts act on every alert; a department's
officer acts on the alerts assigned to its department (启动预案, 解除) and completes their tasks;
leaders and evaluators read. Silences are set and ended by administrators and analysts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kaifang.accounts.access import Access
from kaifang.accounts.models import Department, Role
from kaifang.warning import lifecycle
from kaifang.warning.alerts import record, refresh_marks
from kaifang.warning.lifecycle import State
from kaifang.warning.models import Alert, AlertEvent, AlertTask, ResponsePlan, Silence
from kaifang.warning.notify import notify_events
from kaifang.warning.roadmap_link import to_roadmap

OFFICER_ACTIONS = {"activate_plan", "resolve"}


def can_act(access: Access, alert: Alert, action: str) -> bool:
    if access.workspace.pk != alert.workspace_id:
        return False
    if access.can_manage:
        return True
    return (
        access.role == Role.OFFICER
        and action in OFFICER_ACTIONS
        and alert.department_id is not None
        and alert.department_id == access.department_id
    )


def actions_for(access: Access, alert: Alert) -> list[str]:
    return [a for a in lifecycle.allowed_actions(State(alert.state)) if can_act(access, alert, a)]


def plans_for(alert: Alert) -> list[ResponsePlan]:
    """The plans of the alert's industry and of the industry it belongs to, the alert's level first."""
    if alert.industry is None:
        return []
    ids = [alert.industry_id, alert.industry.parent_id]
    plans = ResponsePlan.objects.filter(workspace=alert.workspace, industry_id__in=[i for i in ids if i])
    return sorted(plans.select_related("industry"), key=lambda p: (p.level != alert.level, -p.level, p.pk))


def act(
    alert: Alert,
    action: str,
    user: Any,
    access: Access,
    *,
    note: str = "",
    department: Department | None = None,
    plan: ResponsePlan | None = None,
    now: dt.datetime | None = None,
) -> AlertEvent:
    """Apply a person's action; raises PermissionDenied, ValidationError or IllegalTransition (nothing written)."""
    if not can_act(access, alert, action):
        raise PermissionDenied(f"无权对该预警执行「{lifecycle.ACTION_ZH.get(action, action)}」 (not allowed)")
    at = now or timezone.now()
    note = note.strip()
    with transaction.atomic():
        alert = Alert.objects.select_for_update(of=("self",)).select_related("industry", "workspace").get(pk=alert.pk)
        lifecycle.target(action, State(alert.state))  # refuse before touching anything
        data: dict[str, Any] = {}
        if action == "assign":
            if department is None:
                raise ValidationError("分派须选择责任部门 (choose a department)")
            data = {
                "department": department.code,
                "department_zh": department.name_zh,
                "previous": alert.department.code if alert.department else None,
            }
            alert.department = department
        elif action == "activate_plan":
            if plan is None or plan not in plans_for(alert):
                raise ValidationError("须选择本产业的响应预案 (choose a plan of the alert's industry)")
            alert.plan = plan
            made = [
                AlertTask.objects.create(
                    alert=alert,
                    plan=plan,
                    title=task.title,
                    department=task.department,
                    owner=task.owner,
                    kpi=task.kpi,
                    due=(timezone.localtime(at) + dt.timedelta(days=task.due_days)).date(),
                )
                for task in plan.tasks.all()
            ]
            data = {"plan": plan.pk, "plan_title": plan.title, "plan_level": plan.level, "tasks": [t.pk for t in made]}
            data |= to_roadmap(alert, plan, made, user, at)
        elif action == "resolve":
            if not note:
                raise ValidationError("解除预警须填写说明 (a note is required)")
            alert.resolution_note = note
            data = {"condition_active": alert.condition_active}
        event = record(alert, action, at=at, actor=user, note=note, data=data)
        notify_events([event])
    return event


def create_silence(
    access: Access,
    user: Any,
    *,
    reason: str,
    ends_at: dt.datetime,
    starts_at: dt.datetime | None = None,
    indicator: Any = None,
    industry: Any = None,
    region: Any = None,
    now: dt.datetime | None = None,
) -> Silence:
    """A silence with expiry, reason and author; the matching open alerts are marked at once."""
    if not access.can_manage:
        raise PermissionDenied("只有管理员和分析员可以设置静默 (only administrators and analysts)")
    at = now or timezone.now()
    start = starts_at or at
    if not reason.strip():
        raise ValidationError("静默须填写原因 (a reason is required)")
    if ends_at <= start:
        raise ValidationError("到期时间须晚于开始时间 (the silence must end after it starts)")
    with transaction.atomic():
        silence = Silence.objects.create(
            workspace=access.workspace,
            indicator=indicator,
            industry=industry,
            region=region,
            starts_at=start,
            ends_at=ends_at,
            reason=reason.strip(),
            created_by=user,
            created_at=at,
        )
        refresh_marks(access.workspace, at)
    return silence


def expire_silence(silence: Silence, access: Access, user: Any, *, now: dt.datetime | None = None) -> Silence:
    if not access.can_manage or silence.workspace_id != access.workspace.pk:
        raise PermissionDenied("只有管理员和分析员可以结束静默 (only administrators and analysts)")
    at = now or timezone.now()
    with transaction.atomic():
        if silence.expired_at is None and silence.ends_at > at:
            silence.expired_at = at
            silence.save(update_fields=["expired_at"])
        events = refresh_marks(access.workspace, at)
        notify_events(events)
    return silence


def complete_task(task: AlertTask, access: Access, *, now: dt.datetime | None = None) -> AlertTask:
    alert = task.alert
    allowed = access.can_manage or (access.role == Role.OFFICER and task.department_id == access.department_id)
    if not allowed or alert.workspace_id != access.workspace.pk:
        raise PermissionDenied("只有任务的责任部门、管理员和分析员可以标记完成 (not allowed)")
    if task.done_at is None:
        task.done_at = now or timezone.now()
        task.save(update_fields=["done_at"])
    return task
