"""``kaifang import FILE --workspace W --user U [--template NAME] [--dry-run]``: a validated load.

For analysts loading yearbook panels and long CSVs directly (departments use the web upload and its
review step). All of the file or none of it: any refused row stops the import and is reported with
its file, sheet, row and column; the exit code is then 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from tqdm import tqdm

from kaifang.accounts.access import access_for
from kaifang.audit.context import acting_as
from kaifang.collection.models import MappingTemplate
from kaifang.collection.workflow import partitions_of, read_rows, warnings_for
from kaifang.observations import ingest
from kaifang.observations.validate import validate


class Command(BaseCommand):
    help = "导入数据文件（长格式 CSV 或按映射模板读取 Excel），全部成功或全部不写入"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--workspace", required=True, help="工作区代码，如 bazhong")
        parser.add_argument("--user", required=True, help="以哪个用户的身份导入（决定权限，记入审计）")
        parser.add_argument("--template", help="映射模板名称（Excel 报表需要）")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}")
        user = get_user_model().objects.filter(username=opts["user"]).first()
        if user is None:
            raise CommandError(f"未知用户 {opts['user']}")
        try:
            access = access_for(user, opts["workspace"])
        except Http404:
            raise CommandError(f"用户 {opts['user']} 无权访问工作区 {opts['workspace']}") from None
        if not access.can_manage:
            raise CommandError(
                "命令行导入不经审核，只供管理员和分析员使用；部门数据请在网页上报送 (admins and analysts only)"
            )
        template = None
        if opts["template"]:
            template = MappingTemplate.objects.filter(workspace=access.workspace, name=opts["template"]).first()
            if template is None:
                raise CommandError(f"工作区 {opts['workspace']} 没有名为 {opts['template']} 的映射模板")
        with tqdm(total=3, desc="读取、校验", unit="步", disable=None) as bar:
            rows, problems = read_rows(path.read_bytes(), path.name, template)
            bar.update(1)
            clean = None
            if not rows.empty:
                clean, data_problems, denied = validate(rows, access)
                problems = [*problems, *denied, *data_problems]
            bar.update(1)
            parts = partitions_of(rows) if clean is not None else []
            warnings = warnings_for(access.workspace, clean, parts) if clean is not None and not problems else []
            bar.update(1)
        for p in problems:
            self.stderr.write(f"错误 {p}")
        for w in warnings:
            self.stdout.write(f"警告 {w.row} {w.column}: {w.message}")
        if problems:
            raise CommandError(f"{path.name}: {len(problems)} 处错误，未写入任何数据 (nothing was written)")
        if rows.empty:
            raise CommandError(f"{path.name}: 文件中没有数据行 (no data rows)")
        if opts["dry_run"]:
            self.stdout.write(f"校验通过：{len(rows):,} 行，{len(warnings)} 条警告（--dry-run，未写入）")
            return
        with tqdm(total=len(rows), desc="写入", unit="行", disable=None) as bar, acting_as(user):
            done = ingest.submit(access.workspace, rows, access=access, user=user, kind="bulk", label=path.name,
                                 progress=bar.update, validated=clean)  # fmt: skip
        self.stdout.write(
            f"已导入 {path.name}：新增 {done.created:,}，修订 {done.revised:,}，未变 {done.unchanged:,}"
            f"（批次 #{done.batch.pk if done.batch else '—'}）"
        )
