"""``kaifang demo load [--reset]``: the demo workspaces, generated deterministically (示例数据)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from kaifang.accounts.models import Workspace
from kaifang.demo import load as demo


class Command(BaseCommand):
    help = "示例工作区 (demo workspaces)"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="建立示例工作区（已存在则跳过）")
        load.add_argument("--reset", action="store_true", help="删除后重建示例工作区的数据")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["reset"]:
            demo.reset()
        if Workspace.objects.filter(code=demo.WORKSPACES[0][0]).exists():
            self.stdout.write("示例工作区已存在，跳过（用 --reset 重建）。 (demo already loaded)")
            return
        with tqdm(total=0, desc="载入示例数据", unit="批") as bar:
            bar.total = None
            counts = demo.load(progress=bar.update)
        for ws, n in counts.items():
            self.stdout.write(f"工作区 {ws}: {n:,} 条观测值（含修订版本）")
        self.stdout.write(f"示例账号密码均为 {demo.PASSWORD}")
