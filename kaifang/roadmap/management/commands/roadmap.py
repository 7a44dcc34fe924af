"""``kaifang roadmap assess|report|scores|bundle|reminders|demo`` — the policy roadmap (S3) from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaifang.accounts.models import Workspace


class Command(BaseCommand):
    help = "政策实施路线图: assess 批量评估KPI文件, report 季度评估报告, scores 年度考核得分表, bundle 第三方评估证据包"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        a = sub.add_parser(
            "assess", help="批量评估 KPIS.csv（序时进度、灯色、SDR趋势） (batch assessment of a KPI file)"
        )
        a.add_argument(
            "--kpis",
            required=True,
            help="KPIS.csv: kpi, direction, baseline_period, baseline, target_period, target, period, value",
        )
        a.add_argument("--as-of", required=True, help="评估月份 YYYY-MM")
        a.add_argument("--out", required=True, help="OUT.csv: 每个KPI一行 (one row per KPI)")
        r = sub.add_parser("report", help="季度评估报告 (quarterly report: html, pdf or docx)")
        r.add_argument("--workspace", required=True)
        r.add_argument("--quarter", required=True, help="如 2026Q3")
        r.add_argument("--format", choices=["html", "pdf", "docx"], default="pdf")
        r.add_argument("--out", required=True)
        s = sub.add_parser("scores", help="年度考核得分表 xlsx (annual score sheet)")
        s.add_argument("--workspace", required=True)
        s.add_argument("--year", type=int, required=True)
        s.add_argument("--out", required=True)
        b = sub.add_parser("bundle", help="第三方评估证据包 zip (evidence bundle with recompute.py)")
        b.add_argument("--workspace", required=True)
        b.add_argument("--year", type=int, required=True)
        b.add_argument("--out", required=True)
        m = sub.add_parser("reminders", help="政策有效期与过渡期提醒 (policy validity reminders)")
        m.add_argument("--workspace", required=True)
        m.add_argument("--days", type=int, help="提前天数（缺省为工作区设置，90天）")
        d = sub.add_parser("demo", help="载入路线图示例数据（报告七项建议） (load the demo roadmap)")
        d.add_argument("--workspace", default="bazhong")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, f"_{opts['action']}")(opts)

    def _workspace(self, code: str) -> Workspace:
        ws = Workspace.objects.filter(code=code).first()
        if ws is None:
            raise CommandError(f"未知工作区 unknown workspace: {code}")
        return ws

    def _assess(self, opts: dict[str, Any]) -> None:
        from kaifang.roadmap.batch import assess_file

        try:
            out = assess_file(opts["kpis"], opts["as_of"])
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件 file not found: {exc.filename}") from None
        except ValueError as exc:  # KpiFileError names the line and column
            raise CommandError(str(exc)) from None
        out.to_csv(opts["out"], index=False, encoding="utf-8-sig", float_format="%.10g")
        counts = out["light"].value_counts().to_dict()
        summary = "，".join(f"{k} {v}" for k, v in counts.items())
        self.stdout.write(f"已写出 {opts['out']}：{len(out)} 个指标（{summary}）")

    def _report(self, opts: dict[str, Any]) -> None:
        from kaifang.roadmap.report import render, report_data

        ws = self._workspace(opts["workspace"])
        try:
            data = report_data(ws, opts["quarter"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        Path(opts["out"]).write_bytes(render(data, opts["format"]))
        self.stdout.write(f"已写出 {opts['out']}（{data['quarter']}，{sum(data['lights'].values())} 个指标）")

    def _scores(self, opts: dict[str, Any]) -> None:
        from kaifang.roadmap.scores import annual, xlsx

        ws = self._workspace(opts["workspace"])
        data = annual(ws, opts["year"])
        Path(opts["out"]).write_bytes(xlsx(data, ws.name_zh))
        self.stdout.write(f"已写出 {opts['out']}：{len(data['departments'])} 个部门")

    def _bundle(self, opts: dict[str, Any]) -> None:
        from kaifang.roadmap.bundle import build

        ws = self._workspace(opts["workspace"])
        Path(opts["out"]).write_bytes(build(ws, opts["year"]))
        self.stdout.write(f"已写出 {opts['out']}（解压后运行 python3 recompute.py 复算）")

    def _reminders(self, opts: dict[str, Any]) -> None:
        from kaifang.roadmap.assess import config_for
        from kaifang.roadmap.reminders import reminders

        ws = self._workspace(opts["workspace"])
        days = opts["days"] if opts["days"] is not None else config_for(ws).reminder_days
        found = reminders(ws, days)
        for r in found:
            self.stdout.write(f"{r['date']}  {r['kind_zh']}  {r['title']}（{r['doc_number'] or '无文号'}）")
        self.stdout.write(f"{len(found)} 条提醒（{days} 天内）")

    def _demo(self, opts: dict[str, Any]) -> None:
        from django.contrib.auth.models import User

        from kaifang.roadmap.demo_load import load_demo

        ws = self._workspace(opts["workspace"])
        user = User.objects.filter(username="analyst").first() or User.objects.filter(is_superuser=True).first()
        if user is None:
            raise CommandError("请先运行 kaifang demo load (no demo users yet)")
        counts = load_demo(ws, user)
        self.stdout.write("路线图示例数据：" + "，".join(f"{k} {v}" for k, v in counts.items()))
