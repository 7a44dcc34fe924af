"""``kaifang catalog check FILE | export [--format json|csv] | load [FILE]``."""

from __future__ import annotations

import csv
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaifang.catalog.load import SHIPPED_CATALOG, CatalogInvalid, sync_catalog
from kaifang.catalog.schema import export_rows, load_catalog

EXPORT_FIELDS = [
    "code",
    "name_zh",
    "name_en",
    "unit",
    "frequency",
    "dimension",
    "direction",
    "department",
    "source",
    "formula",
]


class Command(BaseCommand):
    help = "指标目录：校验、导出、载入 (indicator catalog: check, export, load)"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="校验目录文件，逐行报告问题")
        check.add_argument("file", nargs="?", default=str(SHIPPED_CATALOG))
        export = sub.add_parser("export", help="导出目录")
        export.add_argument("--format", choices=["json", "csv"], default="json")
        export.add_argument("file", nargs="?", default=str(SHIPPED_CATALOG))
        load = sub.add_parser("load", help="把目录文件载入数据库")
        load.add_argument("file", nargs="?", default=str(SHIPPED_CATALOG))

    def handle(self, *args: Any, **opts: Any) -> None:
        action = opts["action"]
        if action == "check":
            catalog, issues = load_catalog(opts["file"])
            for issue in issues:
                self.stderr.write(f"{opts['file']}: {issue}")
            if issues or catalog is None:
                raise CommandError(f"目录校验未通过：{len(issues)} 个问题 ({len(issues)} problems)")
            self.stdout.write(f"目录校验通过：{len(catalog.indicators)} 个指标，版本 {catalog.version} (catalog OK)")
        elif action == "export":
            catalog, issues = load_catalog(opts["file"])
            if catalog is None or issues:
                raise CommandError("目录校验未通过，请先运行 kaifang catalog check")
            rows = [{k: r.get(k) for k in EXPORT_FIELDS} for r in export_rows(catalog)]
            if opts["format"] == "json":
                self.stdout.write(
                    json.dumps({"version": catalog.version, "indicators": rows}, ensure_ascii=False, indent=2)
                )
            else:
                writer = csv.DictWriter(sys.stdout, fieldnames=EXPORT_FIELDS)
                writer.writeheader()
                writer.writerows(rows)
        elif action == "load":
            try:
                counts = sync_catalog(opts["file"])
            except CatalogInvalid as exc:
                for issue in exc.issues:
                    self.stderr.write(f"{opts['file']}: {issue}")
                raise CommandError(f"目录校验未通过，未载入：{len(exc.issues)} 个问题") from None
            self.stdout.write(f"目录已载入：新增 {counts['created']}，更新 {counts['updated']}，共 {counts['total']}")
