"""``kaifang adaptability load|assess`` — the policy adaptability library and assessments (S6) from the shell."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaifang.accounts.models import Workspace
from kaifang.adaptability.assess import MATCH_ZH, MATCHES
from kaifang.adaptability.models import PolicyModel
from kaifang.audit.context import acting_as


class Command(BaseCommand):
    help = "政策适配性评估: load 载入经验模式库, assess 评估主区域对各模式的适配度"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        lo = sub.add_parser("load", help="载入 kaifang/adaptability/library.yaml（已有的模式保留其前提条件）")
        lo.add_argument("--workspace", default="bazhong")
        lo.add_argument("--file", help="另一个模式库 YAML 文件 (another library file)")
        lo.add_argument("--user", help="记为操作人的用户 (actor for the audit log)")
        ass = sub.add_parser("assess", help="以最新数据评估并保存（每个模式一条评估记录）")
        ass.add_argument("--workspace", default="bazhong")
        ass.add_argument("--model", help="模式代码，如 suzhou_sip（默认全部）")
        ass.add_argument("--user", help="记为评估人的用户")
        ass.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **opts: Any) -> None:
        ws = Workspace.objects.filter(code=opts["workspace"]).first()
        if ws is None:
            raise CommandError(f"未知工作区 unknown workspace: {opts['workspace']}")
        user = None
        if opts.get("user"):
            user = User.objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(f"未知用户 unknown user: {opts['user']}")
        with acting_as(user):
            getattr(self, f"_{opts['action']}")(ws, user, opts)

    def _load(self, ws: Workspace, user: User | None, opts: dict[str, Any]) -> None:
        from pathlib import Path

        from kaifang.adaptability.library import LibraryError
        from kaifang.adaptability.store import load_library

        text = None
        if opts.get("file"):
            path = Path(opts["file"])
            if not path.is_file():
                raise CommandError(f"找不到文件 file not found: {path}")
            text = path.read_text(encoding="utf-8")
        try:
            n = load_library(ws, text)
        except LibraryError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(
            f"工作区 {ws.code}：新增模式 {n['models']} 个、前提条件 {n['prerequisites']} 条、"
            f"成功地 {n['references']} 个、画像数值 {n['values']} 个"
        )

    def _assess(self, ws: Workspace, user: User | None, opts: dict[str, Any]) -> None:
        from kaifang.adaptability.store import run_assessment

        qs = PolicyModel.objects.filter(workspace=ws, retired=False)
        if opts.get("model"):
            qs = qs.filter(key=opts["model"])
            if not qs.exists():
                raise CommandError(f"未知模式 unknown model: {opts['model']}（先运行 kaifang adaptability load）")
        if not qs.exists():
            raise CommandError("模式库为空：先运行 kaifang adaptability load (the library is empty)")
        try:
            done = [run_assessment(ws, pm, user) for pm in qs]
        except ValueError as e:
            raise CommandError(str(e)) from None
        if opts["format"] == "json":
            out = [
                {
                    "model": a.model.key,
                    "name_zh": a.model.name_zh,
                    "assessment": a.pk,
                    "region": a.region_id and a.snapshot["region"],
                    "as_of_year": a.as_of_year,
                    **a.result,
                }
                for a in done
            ]
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        region = done[0].snapshot["region"]["name_zh"]
        self.stdout.write(f"{region} 政策适配性评估（{' / '.join(MATCH_ZH[m] for m in MATCHES)} / 总体）")
        for a in done:
            r = a.result["readiness"]
            cells = " / ".join("—" if r[m] is None else f"{r[m]:5.1f}" for m in MATCHES)
            overall = "—" if a.overall is None else f"{a.overall:5.1f}"
            gaps = "、".join(g["name"] for g in a.result["gaps"][:3])
            self.stdout.write(f"{a.model.name_zh:<14} {cells} / {overall}  {a.result['verdict'] or ''}  短板：{gaps}")
