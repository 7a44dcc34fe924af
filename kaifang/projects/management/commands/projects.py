"""``kaifang projects import|summary|rollup|demo`` — the agreements and projects ledger (S4) from the shell."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaifang.accounts.access import access_for
from kaifang.accounts.models import Workspace
from kaifang.audit.context import acting_as


class Command(BaseCommand):
    help = "协议与项目台账: import 导入招商项目台账, summary 年度汇总, rollup 汇总入指标库, demo 载入示例台账"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="导入招商项目台账 Excel (import a 招商项目台账 workbook)")
        imp.add_argument("file", help="台账文件: xlsx / xls / ods / csv")
        imp.add_argument("--workspace", required=True)
        imp.add_argument("--user", required=True, help="导入人（须为该工作区的管理员、分析员或部门数据专员）")
        imp.add_argument("--dry-run", action="store_true", help="只校验并报告将发生的变更，不写入 (check only)")
        imp.add_argument("--format", choices=["text", "json"], default="text")
        sm = sub.add_parser("summary", help="某年签约协议、到位资金、转化漏斗与落实率 (the year's summary)")
        sm.add_argument("--workspace", required=True)
        sm.add_argument("--year", type=int, required=True)
        sm.add_argument("--as-of", help="计算截至日期 2025-12-31 (default: the date the ledger is current to)")
        sm.add_argument("--format", choices=["text", "json"], default="text")
        ru = sub.add_parser("rollup", help="把到位资金与项目数汇总为指标观测值 (roll the ledger up)")
        ru.add_argument("--workspace", required=True)
        ru.add_argument("--user", help="记为提交人的用户 (submitter)")
        de = sub.add_parser("demo", help="载入示例台账并汇总（示例数据）(load the demo ledger)")
        de.add_argument("--workspace", required=True)
        de.add_argument("--user", help="记为录入人的用户 (default: none)")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, f"_{opts['action']}")(opts)

    def _workspace(self, code: str) -> Workspace:
        ws = Workspace.objects.filter(code=code).first()
        if ws is None:
            raise CommandError(f"未知工作区 unknown workspace: {code}")
        return ws

    def _user(self, name: str | None) -> User | None:
        if not name:
            return None
        user = User.objects.filter(username=name).first()
        if user is None:
            raise CommandError(f"未知用户 unknown user: {name}")
        return user

    def _import(self, opts: dict[str, Any]) -> None:
        from kaifang.projects.importer import import_ledger

        ws = self._workspace(opts["workspace"])
        user = self._user(opts["user"])
        assert user is not None  # --user is required
        try:
            access = access_for(user, ws.code)
        except Exception:
            raise CommandError(f"用户 {opts['user']} 不是工作区 {ws.code} 的成员 (not a member)") from None
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件 file not found: {path}")
        with acting_as(user):
            report = import_ledger(ws, path.read_bytes(), path.name, user, access, dry_run=opts["dry_run"])
        if opts["format"] == "json":
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            self._print_import(report)
        if not report.ok:
            raise CommandError(f"导入被拒绝，未写入任何数据：{len(report.errors)} 处错误 (nothing written)")

    def _print_import(self, report: Any) -> None:
        for p in report.errors:
            self.stderr.write(f"错误 {p['location']}: {p['message']}")
        for p in report.warnings:
            self.stdout.write(f"警告 {p['location']}: {p['message']}")
        if report.already:
            self.stdout.write(
                f"{report.file} 已导入过（SHA-256 相同），未作任何变更 (already imported: nothing changed)"
            )
        elif report.ok:
            verb = "校验通过，将" if report.dry_run else "已"
            self.stdout.write(
                f"{report.file}（台账月份 {report.month}）：{verb}新增项目 {len(report.created)} 个、"
                f"更新 {len(report.updated)} 个、"
                f"未变 {report.unchanged} 个；进度记录 {report.milestones} 条，到位资金记录 {report.funds} 条，"
                f"状态变更 {report.status_changes} 条" + ("（试运行，未写入 dry run）" if report.dry_run else "")
            )

    def _summary(self, opts: dict[str, Any]) -> None:
        from kaifang.projects.store import ledger_date, ledger_for
        from kaifang.projects.summary import summary

        ws = self._workspace(opts["workspace"])
        ledger = ledger_for(ws)
        try:
            as_of = dt.date.fromisoformat(opts["as_of"]) if opts["as_of"] else ledger_date(ws, ledger)
        except ValueError:
            raise CommandError(f"日期格式错误 bad date: {opts['as_of']} (use 2025-12-31)") from None
        out = summary(ledger, opts["year"], as_of=as_of)
        if opts["format"] == "json":
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        self.stdout.write(text_summary(out))

    def _rollup(self, opts: dict[str, Any]) -> None:
        from kaifang.projects.rollup import refresh

        ws = self._workspace(opts["workspace"])
        user = self._user(opts.get("user"))
        with acting_as(user):
            done = refresh(ws, user)
        self.stdout.write(
            f"汇总完成：新增 {done.created}、修订 {done.revised}、未变 {done.unchanged} 个观测值；"
            f"来源记录 {done.lineage} 条"
        )

    def _demo(self, opts: dict[str, Any]) -> None:
        from kaifang.projects.demo_load import load_demo

        ws = self._workspace(opts["workspace"])
        user = self._user(opts.get("user"))
        with acting_as(user):
            out = load_demo(ws, user)
        self.stdout.write(
            f"示例台账：协议 {out['agreements']}、项目 {out['projects']}、进度记录 {out['milestones']}、"
            f"到位资金记录 {out['funds']}；汇总新增 {out['rollup']['created']}、"
            f"修订 {out['rollup']['revised']} 个观测值"
        )


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def text_summary(out: dict[str, Any]) -> str:
    """The summary as a few Chinese lines (the JSON has everything)."""
    a, p, f, r = out["agreements"], out["projects"], out["funds_in_place"], out["implementation_rate"]
    lines = [
        f"{out['year']}年协议与项目台账（截至 {out['as_of']}）{('· ' + out['label']) if out['label'] else ''}",
        f"签约协议 {a['signed']} 项，其中跨境 {a['cross_border']} 项；签约项目 {p['signed']} 个；"
        f"停滞项目（{p['stalled_months']}个月无进展）{p['stalled']} 个",
        f"实际到位资金 {f['total']:.2f} 亿元：省外 {f['out_of_province']:.2f}，境外 {f['foreign']:.2f}，"
        f"省内 {f['in_province']:.2f}",
    ]
    for unit, name in (("projects", "项目"), ("agreements", "协议")):
        overall = out["funnel"][unit]["overall"]
        shares = " → ".join(f"{s} {_pct(v)}" for s, v in overall["shares"].items())
        lines.append(f"{name}转化漏斗（{overall['eligible']} 个）：{shares}")
    lines.append(
        f"落实率（{r['months']}个月内{r['substantive_stage']}）：{_pct(r['rate'])}"
        f"（{r['implemented']}/{r['eligible']}，待满 {r['pending']} 项）"
    )
    return "\n".join(lines)
