"""``kaifang index run|ua|build|list`` — the composite index from COINr-shaped files, or on the platform."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from kaifang.accounts.models import Workspace
from kaifang.cockpit.views import parse_as_of
from kaifang.indexing.models import IndexDefinition


@contextmanager
def located() -> Iterator[None]:
    """Bad files end with their located message and exit code 1, not a traceback."""
    try:
        yield
    except FileNotFoundError as exc:
        raise CommandError(f"找不到文件 file not found: {exc.filename}") from None
    except (ValueError, KeyError) as exc:  # FrameworkError, SpecError, StepError are ValueErrors
        raise CommandError(str(exc)) from None


class Command(BaseCommand):
    help = "开放合作指数: run 由文件构建, ua 不确定性与敏感性分析, build 在平台上构建, list 指数定义与构建"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="由 COINr 格式的数据表与框架表构建指数 (build from COINr-shaped files)")
        run.add_argument("--data", required=True, help="DATA.csv: uCode, uName, 分组列, Time, 指标与分母列")
        run.add_argument("--framework", required=True, help="FRAMEWORK.csv: iCode, iName, Level, Parent, Direction, …")
        run.add_argument("--spec", help="SPEC.yaml: COINr 的步骤、方法与参数名; 缺省为 build_example_coin()")
        run.add_argument("--out", required=True, help="OUT.csv: 每个单元（与年份）一行，各层级得分与 Index_rank")
        ua = sub.add_parser("ua", help="不确定性与敏感性分析 (uncertainty and sensitivity analysis)")
        ua.add_argument("--data", required=True)
        ua.add_argument("--framework", required=True)
        ua.add_argument("--spec")
        ua.add_argument("--ua", required=True, help="UA.yaml: N, seed, 变动的假设 (choices), sobol")
        ua.add_argument("--out", required=True, help="OUT.csv: 每个单元的名义名次、中位名次与 5%%–95%% 区间")
        ua.add_argument("--sobol-out", help="S.csv: 各假设的 Sobol 一阶与总效应指数及置信区间")
        ua.add_argument("--seed", type=int, help="覆盖 UA.yaml 中的随机种子 (override the seed)")
        b = sub.add_parser("build", help="在平台上按当前（或指定时点）数据构建指数 (build a stored definition)")
        b.add_argument("--workspace", required=True)
        b.add_argument("--definition", help="指数代码; 缺省为工作区唯一的指数")
        b.add_argument("--as-of", help="数据截至时点 (the vintages in force then): 2025-06-30 或 ISO 时间")
        ls = sub.add_parser("list", help="工作区的指数定义与最近构建 (definitions and builds)")
        ls.add_argument("--workspace", required=True)

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, f"_{opts['action']}")(opts)

    def _run(self, opts: dict[str, Any]) -> None:
        from kaifang.indexing.spec import run_files

        with located():
            table = run_files(opts["data"], opts["framework"], opts["spec"], opts["out"])
        self.stdout.write(f"已写出 {opts['out']}：{len(table)} 行 (rows written)")

    def _ua(self, opts: dict[str, Any]) -> None:
        from kaifang.indexing.ua import run_ua_files

        with (
            located(),
            tqdm(
                total=1.0, desc="不确定性分析", unit="", disable=None, bar_format="{l_bar}{bar}| {elapsed}<{remaining}"
            ) as bar,
        ):

            def progress(fraction: float, message: str = "") -> None:
                bar.n = round(fraction, 4)
                bar.set_postfix_str(message, refresh=True)

            result = run_ua_files(
                opts["data"],
                opts["framework"],
                opts["spec"],
                opts["ua"],
                opts["out"],
                sobol_out=opts["sobol_out"],
                seed=opts["seed"],
                progress=progress,
            )
        self.stdout.write(
            f"已写出 {opts['out']}" + (f"、{opts['sobol_out']}" if opts["sobol_out"] else "") + f"（N = {result.n}）"
        )

    def _definition(self, opts: dict[str, Any]) -> IndexDefinition:
        ws = Workspace.objects.filter(code=opts["workspace"]).first()
        if ws is None:
            raise CommandError(f"未知工作区 unknown workspace: {opts['workspace']}")
        qs = IndexDefinition.objects.filter(workspace=ws)
        codes = sorted(set(qs.values_list("code", flat=True)))
        code = opts.get("definition") or (codes[0] if len(codes) == 1 else None)
        if code is None or code not in codes:
            raise CommandError(f"请用 --definition 指定指数 (choose one of: {', '.join(codes) or '无'})")
        found = qs.filter(code=code).order_by("-version").first()
        assert found is not None
        return found

    def _build(self, opts: dict[str, Any]) -> None:
        from kaifang.indexing.builds import run_build

        definition = self._definition(opts)
        try:
            as_of = parse_as_of(opts["as_of"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        with tqdm(total=100, desc="构建指数", unit="%", disable=None) as bar:
            built = run_build(definition, as_of=as_of, progress=lambda f, m: bar.update(round(f * 100) - bar.n))
        n = built.scores.filter(code=pages_top(definition)).count()
        self.stdout.write(
            f"已构建 {definition.name_zh} v{definition.version}：构建 #{built.pk}，{n} 个得分（地区×年份）"
        )

    def _list(self, opts: dict[str, Any]) -> None:
        ws = Workspace.objects.filter(code=opts["workspace"]).first()
        if ws is None:
            raise CommandError(f"未知工作区 unknown workspace: {opts['workspace']}")
        for d in IndexDefinition.objects.filter(workspace=ws):
            last = d.builds.first()
            when = f"最近构建 #{last.pk} {last.created_at:%Y-%m-%d %H:%M}" if last else "尚未构建"
            self.stdout.write(
                f"{d.code} v{d.version} {d.name_zh}：{len(d.units)} 个地区，{d.years[0]}–{d.years[-1]} 年；{when}"
            )


def pages_top(definition: IndexDefinition) -> str:
    levels = {r["iCode"]: float(r["Level"]) for r in definition.framework if r.get("Level") is not None}
    return max(levels, key=lambda c: levels[c])
