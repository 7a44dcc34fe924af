"""Activated plan tasks become roadmap (S3) key tasks with a KPI, so they are scheduled and assessed there.

Each :class:`AlertTask` of an activated plan gets a roadmap ``Task`` under the workspace's policy
“经济安全预警响应预案” (created once), led by the task's department from the activation month to the
deadline month, with one KPI — the task's 考核指标, measured as 完成度 0 → 100 % — and its approved
original target. ``AlertTask.roadmap_task`` keeps the link. The roadmap is a separate system: if it
cannot take the tasks (not installed, or a rule of its own refuses them), the reason is stored in the
activation event and the tasks stay here — nothing is dropped without a record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from django.db import DatabaseError, transaction

from kaifang.warning.models import Alert, AlertTask, ResponsePlan

POLICY_TITLE = "经济安全预警响应预案"


def to_roadmap(alert: Alert, plan: ResponsePlan, tasks: list[AlertTask], user: Any, at: dt.datetime) -> dict[str, Any]:
    """Create the roadmap tasks; returns what to record in the event (links, or the reason there are none)."""
    try:
        from kaifang.roadmap.models import Kpi, Policy, Task
        from kaifang.roadmap.workflow import set_original_target
    except ImportError as exc:  # the roadmap app is optional for this system
        return {"roadmap_error": f"路线图不可用 (roadmap unavailable): {exc}"}
    start = pd.Period(at.date(), freq="M")
    ws = alert.workspace
    try:
        with transaction.atomic():
            policy, _ = Policy.objects.get_or_create(
                workspace=ws,
                title=POLICY_TITLE,
                defaults={
                    "issuer": "经济安全预警体系",
                    "source": "S5 开放合作型经济安全预警（§四(七)六）",
                    "summary": "预警启动响应预案后生成的任务",
                    "is_sample": ws.is_sample,
                },
            )
            links = []
            for t in tasks:
                end = max(pd.Period(t.due, freq="M"), start + 1)
                task = Task.objects.create(
                    workspace=ws,
                    policy=policy,
                    title=f"【预警#{alert.pk}】{t.title}"[:200],
                    description=f"{plan.title}（{alert}）",
                    lead_department=t.department,
                    start_month=str(start),
                    end_month=str(end),
                )
                kpi = Kpi.objects.create(
                    workspace=ws,
                    task=task,
                    name=(t.kpi or "任务完成度")[:200],
                    unit="%",
                    frequency="月",
                    direction=1,
                    baseline=0.0,
                    baseline_period=str(start),
                    lead_department=t.department,
                    note=f"由预警 #{alert.pk} 的响应预案生成；完成度 0–100%",
                )
                set_original_target(kpi, user, value=100.0, deadline=str(end))
                t.roadmap_task = str(task.pk)
                t.save(update_fields=["roadmap_task"])
                links.append(task.pk)
    except (DatabaseError, ValueError, TypeError) as exc:  # RoadmapError is a ValueError
        for t in tasks:
            t.roadmap_task = ""
        return {"roadmap_error": f"未能写入路线图 (not written to the roadmap): {exc}"}
    return {"roadmap_policy": policy.pk, "roadmap_tasks": links}
