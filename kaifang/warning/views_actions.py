"""POST actions of the warning pages: alert moves, tasks, silences, rules, calibration, index runs,
evaluation, the inbox and notification preferences. Each checks the role, calls the core, redirects."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from kaifang.accounts.access import Access, access_for
from kaifang.accounts.models import Department
from kaifang.catalog.models import Indicator
from kaifang.jobs.runner import enqueue
from kaifang.warning import actions
from kaifang.warning.alerts import evaluate
from kaifang.warning.calibrate import calibrate_rule
from kaifang.warning.lifecycle import EVENT_ZH, IllegalTransition
from kaifang.warning.models import (
    Alert,
    AlertTask,
    KeyIndustry,
    Method,
    Notification,
    NotificationPreference,
    ResponsePlan,
    Silence,
    WatchRule,
)


def _manager(access: Access, what: str) -> None:
    if not access.can_manage:
        raise PermissionDenied(f"只有管理员和分析员可以{what} (administrators and analysts only)")


def _message(exc: Exception) -> str:
    return "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


@login_required
@require_POST
def alert_act(request: HttpRequest, ws: str, pk: int) -> HttpResponse:
    access = access_for(request.user, ws)
    alert = get_object_or_404(Alert, workspace=access.workspace, pk=pk)
    action = request.POST.get("action", "")
    dept = Department.objects.filter(code=request.POST.get("department", "")).first()
    plan_id = request.POST.get("plan", "")
    plan = (
        ResponsePlan.objects.filter(workspace=access.workspace, pk=int(plan_id)).first() if plan_id.isdigit() else None
    )
    try:
        event = actions.act(
            alert, action, request.user, access, note=request.POST.get("note", ""), department=dept, plan=plan
        )
    except (ValidationError, IllegalTransition) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, f"已记录：{EVENT_ZH.get(event.kind, event.kind)}")
    return redirect("warning:alert", ws=ws, pk=pk)


@login_required
@require_POST
def task_done(request: HttpRequest, ws: str, pk: int) -> HttpResponse:
    access = access_for(request.user, ws)
    task = get_object_or_404(AlertTask.objects.select_related("alert"), alert__workspace=access.workspace, pk=pk)
    actions.complete_task(task, access)
    return redirect("warning:alert", ws=ws, pk=task.alert_id)


def _aware(day: str, end_of_day: bool = True) -> dt.datetime:
    parsed = dt.date.fromisoformat(day)
    stamp = dt.datetime.combine(parsed, dt.time(23, 59) if end_of_day else dt.time(0, 0))
    return timezone.make_aware(stamp)


@login_required
@require_POST
def silence_create(request: HttpRequest, ws: str) -> HttpResponse:
    access = access_for(request.user, ws)
    p = request.POST
    indicator = Indicator.objects.filter(code=p.get("indicator", "")).first()
    industry = KeyIndustry.objects.filter(workspace=access.workspace, code=p.get("industry", "")).first()
    try:
        ends = _aware(p.get("ends", ""))
        actions.create_silence(
            access, request.user, reason=p.get("reason", ""), ends_at=ends, indicator=indicator, industry=industry
        )
    except ValueError:
        messages.error(request, "到期日期格式应为 2026-12-31 (date expected)")
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, "已设置静默")
    return redirect("warning:silences", ws=ws)


@login_required
@require_POST
def silence_expire(request: HttpRequest, ws: str, pk: int) -> HttpResponse:
    access = access_for(request.user, ws)
    silence = get_object_or_404(Silence, workspace=access.workspace, pk=pk)
    actions.expire_silence(silence, access, request.user)
    messages.success(request, "静默已结束")
    return redirect("warning:silences", ws=ws)


def _floats(raw: str, n: int) -> list[float]:
    values = [float(x) for x in raw.replace("，", ",").split(",") if x.strip()]
    if len(values) != n:
        raise ValueError(f"需要 {n} 个数值，以逗号分隔")
    return values


def _params(method: str, p: Any) -> dict[str, Any]:
    """The rule's parameters from the form (fixed: three thresholds; history: three percentiles or k's, window)."""
    window = int(p["window"]) if p.get("window", "").strip() else None
    if method == Method.FIXED:
        b, y, r = _floats(p.get("values", ""), 3)
        return {"blue": b, "yellow": y, "red": r}
    if method == Method.PERCENTILE:
        return {"percentiles": _floats(p.get("values", "") or "80,90,95", 3), "window": window}
    if method == Method.SIGMA:
        return {"k": _floats(p.get("values", "") or "1,1.5,2", 3), "window": window}
    thetas = _floats(p.get("values", "") or "0.5,0.35,0.2", 3)
    return {"horizon": int(p.get("horizon") or 6), "mode": p.get("mode") or "episode", "thetas": thetas}


@login_required
@require_POST
def rule_edit(request: HttpRequest, ws: str, pk: int) -> HttpResponse:
    access = access_for(request.user, ws)
    _manager(access, "修改预警规则")
    rule = get_object_or_404(WatchRule, workspace=access.workspace, pk=pk)
    p = request.POST
    method = p.get("method", rule.method)
    try:
        if method not in Method.values:
            raise ValueError(f"未知方法 {method}")
        params = _params(method, p)
        n = int(p.get("periods_to_fire") or rule.periods_to_fire)
        if not 1 <= n <= 24:
            raise ValueError("持续期数须在 1–24 之间")
    except (ValueError, KeyError) as exc:
        messages.error(request, f"规则未保存：{exc}")
        return redirect("warning:rules", ws=ws)
    rule.method, rule.params, rule.periods_to_fire = method, params, n
    direction = p.get("direction", "")
    rule.direction = direction if direction in {"higher", "lower"} else rule.direction
    rule.active = p.get("active") == "on"
    rule.industry_level = p.get("industry_level") == "on"
    try:
        from kaifang.warning.readings import series_for, thresholds_for

        thresholds_for(rule, series_for(access.workspace, rule.indicator, rule.region.code))
    except ValueError as exc:
        if method != Method.CALIBRATED:
            messages.error(request, f"规则未保存：{exc}")
            return redirect("warning:rules", ws=ws)
    rule.save()
    messages.success(request, f"已保存规则 #{rule.pk}")
    return redirect("warning:rules", ws=ws)


@login_required
@require_POST
def rule_calibrate(request: HttpRequest, ws: str, pk: int) -> HttpResponse:
    access = access_for(request.user, ws)
    _manager(access, "校准阈值")
    rule = get_object_or_404(WatchRule, workspace=access.workspace, pk=pk)
    try:
        c = calibrate_rule(rule, request.user)
    except ValueError as exc:
        messages.error(request, f"校准失败：{exc}")
    else:
        messages.success(
            request,
            f"已校准：蓝 {c.thresholds['blue']:.4g}，黄 {c.thresholds['yellow']:.4g}，红 {c.thresholds['red']:.4g}",
        )
    return redirect(f"/w/{ws}/warning/backtest/?rule={rule.pk}")


@login_required
@require_POST
def index_run(request: HttpRequest, ws: str) -> HttpResponse:
    access = access_for(request.user, ws)
    _manager(access, "重新估计指数")
    job = enqueue(access.workspace, request.user, "warning.index", "重新估计供应链受阻指数", {})
    messages.info(request, f"已提交后台任务 #{job.pk} (job queued)")
    return redirect("job", ws=ws, pk=job.pk)


@login_required
@require_POST
def evaluate_now(request: HttpRequest, ws: str) -> HttpResponse:
    access = access_for(request.user, ws)
    _manager(access, "运行预警评估")
    run = evaluate(access.workspace, trigger=f"页面手动评估（{request.user.get_username()}）")
    if run.error:
        messages.error(request, f"评估失败（已记录）：{run.error.strip().splitlines()[-1]}")
    else:
        messages.success(request, f"已评估 {run.rules} 条规则")
    return redirect("warning:board", ws=ws)


@login_required
@require_POST
def inbox_read(request: HttpRequest, ws: str) -> HttpResponse:
    access = access_for(request.user, ws)
    user = cast(User, request.user)
    qs = Notification.objects.filter(user=user, workspace=access.workspace, read_at__isnull=True)
    if request.POST.get("id", "").isdigit():
        qs = qs.filter(pk=int(request.POST["id"]))
    qs.update(read_at=timezone.now())
    return redirect("warning:inbox", ws=ws)


@login_required
@require_POST
def preferences(request: HttpRequest, ws: str) -> HttpResponse:
    access = access_for(request.user, ws)
    p = request.POST
    level = int(p["min_level"]) if p.get("min_level") in {"1", "2", "3"} else 1
    url = p.get("webhook_url", "").strip()
    if url and not url.startswith(("http://", "https://")):
        messages.error(request, "Webhook 地址须以 http:// 或 https:// 开头")
        return redirect("warning:inbox", ws=ws)
    NotificationPreference.objects.update_or_create(
        user=cast(User, request.user),
        workspace=access.workspace,
        defaults={
            "min_level": level,
            "inbox": p.get("inbox") == "on",
            "email": p.get("email") == "on",
            "webhook_url": url,
        },
    )
    messages.success(request, "通知偏好已保存")
    return redirect("warning:inbox", ws=ws)
