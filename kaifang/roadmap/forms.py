"""Forms for setting up the roadmap (管理员/分析员): a policy, a key task, a KPI with its original target."""

from __future__ import annotations

from typing import Any

from django import forms

from kaifang.accounts.models import Workspace
from kaifang.roadmap.models import Kpi, Policy, Task
from kaifang.roadmap.months import month_index, normalise_month
from kaifang.roadmap.workflow import RoadmapError, check_path, parse_milestones

ACCEPTS = {"月": {"月", "季", "年"}, "季": {"季", "年"}, "年": {"年"}}  # frequencies a catalog indicator has


def _month(form: forms.ModelForm, field: str) -> None:  # type: ignore[type-arg]
    raw = form.cleaned_data.get(field)
    if raw:
        try:
            form.cleaned_data[field] = normalise_month(raw)
        except ValueError:
            form.add_error(field, f"月份格式应为 2026-10，而不是「{raw}」")


class PolicyForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Policy
        fields = [
            "title",
            "doc_number",
            "issuer",
            "issued_on",
            "effective_from",
            "valid_until",
            "transition_start",
            "transition_end",
            "summary",
            "source",
            "position",
        ]
        widgets = {
            f: forms.DateInput(attrs={"type": "date"})
            for f in ["issued_on", "effective_from", "valid_until", "transition_start", "transition_end"]
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("effective_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", "有效期须晚于施行日期")
        t0, t1 = data.get("transition_start"), data.get("transition_end")
        if t0 and t1 and t1 < t0:
            self.add_error("transition_end", "过渡期结束须晚于开始")
        return data


class TaskForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Task
        fields = [
            "policy",
            "title",
            "description",
            "lead_department",
            "cooperating",
            "start_month",
            "end_month",
            "weight",
            "position",
        ]

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["policy"].queryset = Policy.objects.filter(workspace=workspace)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _month(self, "start_month")
        _month(self, "end_month")
        s, e = self.cleaned_data.get("start_month"), self.cleaned_data.get("end_month")
        if s and e and not self.errors and month_index(e) < month_index(s):
            self.add_error("end_month", "结束月份须不早于开始月份")
        if (data.get("weight") or 0) < 0:
            self.add_error("weight", "权重须为非负数")
        return self.cleaned_data


class KpiForm(forms.ModelForm):  # type: ignore[type-arg]
    target_value = forms.FloatField(label="目标值", required=False)
    target_deadline = forms.CharField(label="目标期限（YYYY-MM）", required=False)
    milestones = forms.CharField(label="里程碑（月份:目标值；分号分隔）", required=False)

    class Meta:
        model = Kpi
        fields = [
            "task",
            "name",
            "unit",
            "indicator",
            "frequency",
            "basis",
            "direction",
            "baseline",
            "baseline_period",
            "weight",
            "lead_department",
            "cooperating",
            "note",
            "position",
        ]

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = Task.objects.filter(workspace=workspace)  # type: ignore[attr-defined]
        self.has_targets = bool(self.instance.pk and self.instance.targets.exists())
        if self.has_targets:  # the path's anchor is part of the target history: change it by a revision
            for f in ("baseline", "baseline_period", "direction"):
                self.fields[f].disabled = True
            for f in ("target_value", "target_deadline", "milestones"):
                del self.fields[f]
        else:
            self.fields["target_value"].required = self.fields["target_deadline"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _month(self, "baseline_period")
        ind, freq = data.get("indicator"), data.get("frequency")
        if ind is not None and freq and freq not in ACCEPTS.get(ind.frequency, set()):
            self.add_error("frequency", f"目录指标 {ind.code} 为{ind.frequency}度指标，不能按{freq}取数")
        if ind is not None and ind.is_derived and data.get("basis") == "YTD":
            self.add_error("basis", "派生指标按当期取数")
        if (data.get("weight") or 0) < 0:
            self.add_error("weight", "权重须为非负数")
        if not self.has_targets and not self.errors:
            try:
                stones = parse_milestones(data.get("milestones") or "")
                deadline = normalise_month(data.get("target_deadline") or "")
                probe = Kpi(
                    baseline=data["baseline"],
                    baseline_period=self.cleaned_data["baseline_period"],
                    direction=data["direction"],
                    name=data.get("name", ""),
                )
                check_path(probe, float(data["target_value"]), deadline, stones)
                self.cleaned_data["milestones"], self.cleaned_data["target_deadline"] = stones, deadline
            except (RoadmapError, ValueError) as exc:
                self.add_error("target_deadline", str(exc))
        return self.cleaned_data
