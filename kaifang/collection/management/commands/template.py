"""Mapping templates and blank forms.

``kaifang template xlsx DEPARTMENT --workspace W [--period 2025-10] [-o FILE]``: a blank 报送表;
``kaifang template save FILE.yaml --workspace W [--department CODE]``: store (or update) a mapping
template written in YAML; ``kaifang template list --workspace W``: the workspace's templates.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kaifang.accounts.models import Department, Workspace
from kaifang.audit.context import acting_as
from kaifang.catalog.models import Indicator
from kaifang.collection.forms import blank_form
from kaifang.collection.models import MappingTemplate
from kaifang.collection.readers.mapping import Template, TemplateError
from kaifang.core.periods import PeriodError, parse_period


class Command(BaseCommand):
    help = "生成部门的空白报送表（Excel），指标来自目录，地区为主区域及其下辖区县"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="format", required=True)
        xlsx = sub.add_parser("xlsx", help="Excel 报送表")
        xlsx.add_argument("department", help="部门代码，如 commerce")
        xlsx.add_argument("--workspace", required=True)
        xlsx.add_argument("--period", help="报送期（默认上月），如 2025-10")
        xlsx.add_argument("-o", "--output", help="输出文件（默认 <部门>-<报送期>.xlsx）")
        save = sub.add_parser("save", help="保存映射模板（YAML）")
        save.add_argument("file")
        save.add_argument("--workspace", required=True)
        save.add_argument("--department", help="模板所属部门代码")
        listing = sub.add_parser("list", help="列出工作区的映射模板")
        listing.add_argument("--workspace", required=True)

    def handle(self, *args: Any, **opts: Any) -> None:  # type: ignore[override]
        if opts["format"] == "save":
            return self.save(opts)
        if opts["format"] == "list":
            ws = Workspace.objects.filter(code=opts["workspace"]).first()
            if ws is None:
                raise CommandError(f"未知工作区 {opts['workspace']}")
            for t in MappingTemplate.objects.filter(workspace=ws).order_by("name"):
                self.stdout.write(f"{t.name}\t{t.department or '—'}\t{t.updated_at:%Y-%m-%d}")
            return None
        dept = Department.objects.filter(code=opts["department"]).first()
        if dept is None:
            codes = ", ".join(Department.objects.values_list("code", flat=True))
            raise CommandError(f"未知部门 {opts['department']}（可选：{codes}）")
        ws = Workspace.objects.filter(code=opts["workspace"]).select_related("home_region").first()
        if ws is None or ws.home_region is None:
            raise CommandError(f"未知工作区或未设主区域：{opts['workspace']}")
        today = timezone.localdate()
        period = opts["period"] or (
            f"{today.year}-{today.month - 1:02d}" if today.month > 1 else f"{today.year - 1}-12"
        )
        try:
            freq = parse_period(period).freq
        except PeriodError as exc:
            raise CommandError(str(exc)) from None
        allowed = {"M": ["月"], "Q": ["月", "季"], "Y": ["月", "季", "年"]}[freq]
        indicators = list(Indicator.objects.filter(department=dept, formula="", frequency__in=allowed)
                          .values_list("code", "name_zh", "unit"))  # fmt: skip
        if not indicators:
            raise CommandError(f"{dept.name_zh} 没有可按 {period} 报送的指标")
        home = ws.home_region
        regions = [(home.code, home.name_zh), *home.children.order_by("code").values_list("code", "name_zh")]
        data = blank_form(f"{ws.name_zh}{dept.name_zh} 数据报送表（{period}）", indicators, regions, period)
        out = opts["output"] or f"{dept.code}-{period}.xlsx"
        with open(out, "wb") as fh:
            fh.write(data)
        self.stdout.write(f"已生成 {out}：{len(indicators)} 个指标 × {len(regions)} 个地区")

    def save(self, opts: dict[str, Any]) -> None:
        ws = Workspace.objects.filter(code=opts["workspace"]).first()
        if ws is None:
            raise CommandError(f"未知工作区 {opts['workspace']}")
        try:
            with open(opts["file"], encoding="utf-8") as fh:
                template = Template.from_yaml(fh.read())
        except (OSError, TemplateError) as exc:
            raise CommandError(f"{opts['file']}: {exc}") from None
        dept = Department.objects.filter(code=opts["department"]).first() if opts["department"] else None
        with acting_as(None):
            obj, created = MappingTemplate.objects.update_or_create(
                workspace=ws, name=template.name, defaults={"spec": template.to_dict(), "department": dept}
            )
        self.stdout.write(f"{'已新增' if created else '已更新'}映射模板「{obj.name}」")
