"""The ledger's web forms: they parse and check the shape of the input; the rules of the ledger (dates in
stage order, reasons, who may write) are checked by :mod:`kaifang.projects.writes` and the models' callers."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from kaifang.projects.records import AGREEMENT_TYPES, Stage, Status

STAGE_FIELD = [(str(s.value), s.label_zh) for s in Stage if s is not Stage.SIGNED]
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
DATE = forms.DateInput(attrs={"type": "date"})


class MilestoneForm(forms.Form):
    stage = forms.TypedChoiceField(label="阶段", choices=STAGE_FIELD, coerce=int)
    on = forms.DateField(label="日期", widget=DATE)
    evidence_file = forms.FileField(label="证明材料", required=False)
    evidence = forms.CharField(label="材料说明", max_length=300, required=False)
    note = forms.CharField(label="备注", max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("evidence_file") and not (data.get("evidence") or "").strip():
            self.add_error("evidence_file", "请上传证明材料或填写材料说明 (evidence required)")
        return data


class RetractForm(forms.Form):
    stage = forms.TypedChoiceField(label="阶段", choices=STAGE_FIELD, coerce=int)
    note = forms.CharField(label="撤销原因", max_length=300)


class FundsForm(forms.Form):
    month = forms.CharField(label="月份", max_length=7, widget=forms.TextInput(attrs={"placeholder": "2025-10"}))
    source_region = forms.CharField(label="资金来源地", max_length=40, required=False)
    amount = forms.DecimalField(label="当月到位金额", min_value=0, max_digits=16, decimal_places=6)
    unit = forms.ChoiceField(label="单位", choices=[("万元", "万元"), ("亿元", "亿元")])
    evidence_file = forms.FileField(label="证明材料", required=False)
    evidence = forms.CharField(label="材料说明", max_length=300, required=False)

    def clean_month(self) -> str:
        month = self.cleaned_data["month"].strip()
        if not MONTH.match(month):
            raise forms.ValidationError("月份应为 YYYY-MM，如 2025-10 (month must be YYYY-MM)")
        return month


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="项目状态", choices=[(s.value, s.value) for s in Status])
    on = forms.DateField(label="日期", required=False, widget=DATE)
    reason = forms.CharField(label="原因", max_length=300, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label="台账文件")
    dry_run = forms.BooleanField(label="只校验，不导入", required=False)


class AgreementForm(forms.Form):
    code = forms.CharField(label="协议编号", max_length=60)
    title = forms.CharField(label="协议名称", max_length=200)
    parties = forms.CharField(
        label="签约各方", max_length=400, help_text="用顿号或换行分隔", widget=forms.Textarea(attrs={"rows": 2})
    )
    partner = forms.CharField(label="合作方所在地", max_length=40, help_text="省、市或国家，如 重庆市、深圳、越南")
    kind = forms.ChoiceField(label="协议类型", choices=[(k, k) for k in AGREEMENT_TYPES])
    sector = forms.CharField(label="行业", max_length=40, required=False)
    signed_on = forms.DateField(label="签约日期", widget=DATE)
    place = forms.CharField(label="签约地点", max_length=80, required=False)
    intended_amount = forms.DecimalField(
        label="意向金额（亿元）", required=False, min_value=0, max_digits=16, decimal_places=4
    )
    department = forms.ChoiceField(label="责任单位")
    document = forms.FileField(label="协议文本", required=False)

    def __init__(self, *args: Any, departments: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = departments  # type: ignore[attr-defined]

    def clean_parties(self) -> list[str]:
        return [p.strip() for p in re.split(r"[、,，;；\n]", self.cleaned_data["parties"]) if p.strip()]


class ProjectForm(forms.Form):
    code = forms.CharField(label="项目编号", max_length=120)
    name = forms.CharField(label="项目名称", max_length=200)
    investor = forms.CharField(label="投资方", max_length=200)
    origin = forms.CharField(label="投资方所在地", max_length=40, help_text="如 广东深圳、重庆市、新加坡")
    sector = forms.CharField(label="行业", max_length=40)
    planned_investment = forms.DecimalField(label="计划总投资（亿元）", min_value=0, max_digits=16, decimal_places=4)
    department = forms.ChoiceField(label="责任单位")
    signed_on = forms.DateField(label="签约日期", widget=DATE)
    agreement = forms.ChoiceField(label="所属协议", required=False)

    def __init__(
        self, *args: Any, departments: list[tuple[str, str]], agreements: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = departments  # type: ignore[attr-defined]
        self.fields["agreement"].choices = [("", "—（独立项目）"), *agreements]  # type: ignore[attr-defined]
