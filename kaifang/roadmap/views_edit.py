"""Setting up the roadmap on the web (管理员/分析员): create or edit a policy, a task or a KPI (with its original
target; later target changes go through a revision request). Saves are audited by the model signals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from kaifang.accounts.access import access_for
from kaifang.roadmap.forms import KpiForm, PolicyForm, TaskForm
from kaifang.roadmap.models import Kpi, Policy, Task
from kaifang.roadmap.workflow import is_reviewer, set_original_target

KINDS = {"policy": (Policy, PolicyForm), "task": (Task, TaskForm), "kpi": (Kpi, KpiForm)}


@login_required
def edit(request: HttpRequest, ws: str, kind: str, pk: int | None = None) -> HttpResponse:
    access = access_for(request.user, ws)
    if kind not in KINDS:
        raise Http404(kind)
    if not is_reviewer(access):
        raise PermissionDenied("只有管理员或分析员可以编辑路线图 (administrators and analysts)")
    model, form_class = KINDS[kind]
    instance = get_object_or_404(model, workspace=access.workspace, pk=pk) if pk else model(workspace=access.workspace)
    extra = {} if kind == "policy" else {"workspace": access.workspace}
    initial = {k: v for k, v in request.GET.items() if k in {"policy", "task"}}
    form = form_class(request.POST or None, instance=instance, initial=initial, **extra)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            obj = form.save()
            if kind == "kpi" and "target_value" in form.cleaned_data:
                set_original_target(
                    obj,
                    request.user,
                    value=form.cleaned_data["target_value"],
                    deadline=form.cleaned_data["target_deadline"],
                    milestones=form.cleaned_data["milestones"],
                )
        messages.success(request, f"已保存「{obj}」")
        if kind == "kpi":
            return redirect("roadmap:kpi", ws=ws, pk=obj.pk)
        if kind == "task":
            return redirect("roadmap:task", ws=ws, pk=obj.pk)
        return redirect("roadmap:policies", ws=ws)
    return render(
        request,
        "roadmap/edit.html",
        {
            "workspace": access.workspace,
            "access": access,
            "form": form,
            "kind": kind,
            "object": instance if pk else None,
        },
    )
