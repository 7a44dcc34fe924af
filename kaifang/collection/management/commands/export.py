"""``kaifang export --workspace W --format sdmx-csv|csv|xlsx [filters] [-o FILE]``: the long table out."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaifang.accounts.models import Workspace
from kaifang.cockpit.views import parse_as_of
from kaifang.collection.longcsv import write_long
from kaifang.observations.query import panel


class Command(BaseCommand):
    help = "导出观测值（长格式：SDMX-CSV、CSV 或 Excel）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", required=True)
        parser.add_argument("--format", choices=["sdmx-csv", "csv", "xlsx"], default="sdmx-csv")
        parser.add_argument("--indicator", action="append", help="指标代码（可重复）")
        parser.add_argument("--region", action="append", help="区划代码（可重复）")
        parser.add_argument("--period", action="append", help="时期（可重复）")
        parser.add_argument("--basis", choices=["P", "YTD", "all"], default="all")
        parser.add_argument("--as-of", help="导出该时点有效的版本，如 2025-06-30")
        parser.add_argument("-o", "--output", help="输出文件（默认标准输出；xlsx 必须指定）")

    def handle(self, *args: Any, **opts: Any) -> None:
        ws = Workspace.objects.filter(code=opts["workspace"]).first()
        if ws is None:
            raise CommandError(f"未知工作区 {opts['workspace']}")
        try:
            as_of = parse_as_of(opts["as_of"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        df = panel(ws, indicators=opts["indicator"], regions=opts["region"], periods=opts["period"],
                   basis=None if opts["basis"] == "all" else opts["basis"], as_of=as_of, with_source=True)  # fmt: skip
        df = df.sort_values(["indicator", "ref_area", "time_period", "basis"])
        data = write_long(df, opts["format"])
        if opts["output"]:
            with open(opts["output"], "wb") as fh:
                fh.write(data)
            self.stderr.write(f"已导出 {len(df):,} 行 → {opts['output']}")
        elif opts["format"] == "xlsx":
            raise CommandError("xlsx 需要用 -o 指定输出文件")
        else:
            sys.stdout.buffer.write(data)
