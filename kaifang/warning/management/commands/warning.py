"""``kaifang warning …`` — the early-warning system from the command line.

``backtest`` works on a file alone (no database); the others on a workspace:
``evaluate``, ``index``, ``calibrate``, ``deliver``, ``demo``, ``survey-template`` and ``survey``.
"""

from __future__ import annotations

import json
import math
from typing import Any, Literal

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaifang.accounts.models import Workspace


def _episode(text: str) -> tuple[str, str]:
    import re

    m = re.fullmatch(r"\s*(\d{4}-\d{1,2})\s*:\s*(\d{4}-\d{1,2})\s*", text)
    if m is None:
        raise CommandError(f"压力事件格式应为 2020-03:2022-12，而不是 {text!r}")
    import pandas as pd

    try:
        s, e = pd.Period(m.group(1), freq="M"), pd.Period(m.group(2), freq="M")
    except ValueError:
        raise CommandError(f"压力事件的月份无效：{text!r}") from None
    if e < s:
        raise CommandError(f"压力事件结束早于开始：{text}")
    return str(s), str(e)


def _num(v: Any) -> Any:
    return None if isinstance(v, float) and not math.isfinite(v) else v


class Command(BaseCommand):
    help = (
        "经济安全预警: backtest 回测, evaluate 评估, index 供应链受阻指数, calibrate 校准, deliver 发送通知, demo 示例"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        b = sub.add_parser("backtest", help="信号法回测一个月度序列 (signals-approach back-test of a monthly series)")
        b.add_argument("--series", required=True, help="FILE.csv: 两列（日期, 数值），可有表头杂行")
        b.add_argument("--episode", action="append", required=True, help="压力事件 2020-03:2022-12（可重复）")
        b.add_argument("--horizon", type=int, default=6, help="信号提前期（月），默认 6")
        how = b.add_mutually_exclusive_group()
        how.add_argument("--threshold", type=float, help="给定阈值：值 > 阈值 即发出信号")
        how.add_argument("--calibrate", choices=["nsr", "loss"], help="校准：噪声信号比最小 或 损失函数最小")
        b.add_argument("--theta", type=float, default=0.5, help="损失函数中漏报的权重 θ（默认 0.5）")
        b.add_argument("--lower-is-worse", action="store_true", help="越低越危险（信号为 值 < 阈值）")
        b.add_argument("--format", choices=["text", "json"], default="text")
        for name, text in [
            ("evaluate", "按当前数据评估全部预警规则"),
            ("index", "重新估计供应链受阻指数（写入新数据版本）"),
            ("deliver", "发送待发的邮件与 Webhook 通知"),
        ]:
            p = sub.add_parser(name, help=text)
            p.add_argument("--workspace", required=True)
        sub.choices["deliver"].add_argument("--retry-failed", action="store_true", help="失败的通知重新尝试")
        c = sub.add_parser("calibrate", help="用信号法校准一条规则的红黄蓝阈值并保存回测")
        c.add_argument("--workspace", required=True)
        c.add_argument("--rule", type=int, required=True, help="规则编号（见 /w/<ws>/warning/rules/）")
        d = sub.add_parser("demo", help="载入预警系统示例数据（重点产业、规则、预案与 22 个月的历史）")
        d.add_argument("--workspace", default="bazhong")
        d.add_argument("--user", default="analyst")
        t = sub.add_parser("survey-template", help="生成重点企业供应链月度调查问卷（Excel）")
        t.add_argument("--workspace", required=True)
        t.add_argument("-o", "--output", default="重点企业供应链调查.xlsx")
        s = sub.add_parser("survey", help="读取企业填报的问卷，计算扩散指数（--submit 时写入指标）")
        s.add_argument("file")
        s.add_argument("--workspace", required=True)
        s.add_argument("--period", required=True, help="调查月份，如 2026-10")
        s.add_argument("--submit", action="store_true", help="以新数据版本写入四个调查指标")
        s.add_argument("--user", default="analyst")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, "_" + opts["action"].replace("-", "_"))(opts)

    # ------------------------------------------------------------------ backtest (no database)

    def _backtest(self, opts: dict[str, Any]) -> None:
        from kaifang.warning import signals
        from kaifang.warning.series_csv import SeriesFileError, read_series

        try:
            read = read_series(opts["series"])
        except FileNotFoundError:
            raise CommandError(f"找不到文件 file not found: {opts['series']}") from None
        except SeriesFileError as exc:
            raise CommandError(str(exc)) from None
        episodes = [_episode(e) for e in opts["episode"]]
        kw: dict[str, Any] = {
            "horizon": opts["horizon"],
            "mode": "episode",
            "direction": "lower" if opts["lower_is_worse"] else "higher",
        }
        try:
            if opts["threshold"] is not None:
                result = signals.evaluate(read.series, opts["threshold"], episodes, theta=opts["theta"], **kw)
            else:
                objective: Literal["nsr", "loss"] = "loss" if opts["calibrate"] == "loss" else "nsr"
                result = signals.calibrate(read.series, episodes, objective=objective, theta=opts["theta"], **kw)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        out = {k: _num(v) for k, v in result.as_dict().items()}
        out |= {
            "series": read.name,
            "months": len(read.series),
            "first": str(read.series.index[0]),
            "last": str(read.series.index[-1]),
            "skipped_rows": read.skipped,
            "episodes": [f"{s}:{e}" for s, e in episodes],
            "calibrate": None if opts["threshold"] is not None else (opts["calibrate"] or "nsr"),
        }
        if opts["format"] == "json":
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        fmt = lambda v: "—" if v is None else f"{v:.4g}" if isinstance(v, float) else str(v)  # noqa: E731
        self.stdout.write(
            f"{out['series']}：{out['first']}—{out['last']}，{out['months']} 个月；压力事件 "
            f"{', '.join(out['episodes'])}，提前期 {out['horizon']} 个月"
        )
        for key, zh in [
            ("threshold", "阈值"),
            ("hit_rate", "命中率"),
            ("false_alarm_rate", "误报率"),
            ("nsr", "噪声信号比"),
            ("loss", "损失 L(θ)"),
            ("usefulness", "有用性"),
            ("auroc", "AUROC"),
        ]:
            self.stdout.write(f"  {zh:<8}{fmt(out[key])}")
        self.stdout.write(
            f"  A={out['A']} B={out['B']} C={out['C']} D={out['D']}（A 命中, B 误报, C 漏报, D 正确静默）"
        )

    # ------------------------------------------------------------------ on a workspace

    def _workspace(self, opts: dict[str, Any]) -> Workspace:
        ws = Workspace.objects.filter(code=opts["workspace"]).select_related("home_region").first()
        if ws is None:
            raise CommandError(f"未知工作区 {opts['workspace']}")
        return ws

    def _user(self, name: str) -> User:
        user = User.objects.filter(username=name).first()
        if user is None:
            raise CommandError(f"未知用户 {name}")
        return user

    def _evaluate(self, opts: dict[str, Any]) -> None:
        from kaifang.warning.alerts import evaluate

        run = evaluate(self._workspace(opts), trigger="命令行 kaifang warning evaluate")
        if run.error:
            raise CommandError(f"评估失败（已记录 #{run.pk}）：{run.error.strip().splitlines()[-1]}")
        self.stdout.write(
            f"已评估 {run.rules} 条规则（#{run.pk}，{run.seconds:.2f} 秒）："
            f"{json.dumps(run.counts, ensure_ascii=False)}"
        )

    def _index(self, opts: dict[str, Any]) -> None:
        from kaifang.audit.context import acting_as
        from kaifang.warning.index_build import run_index
        from kaifang.warning.models import IndexSpec

        spec = IndexSpec.objects.filter(workspace=self._workspace(opts)).first()
        if spec is None:
            raise CommandError("本工作区尚未配置供应链受阻指数 (no index configuration)")
        with acting_as(None):
            try:
                run = run_index(spec)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        r = run.result
        self.stdout.write(
            f"已估计 #{run.pk}：{r['periods'][0]}—{run.last_period}，最新值 {r['index'][-1]:.2f}，"
            f"解释方差 {r['explained']:.1%}；写入 {r['written']}"
        )

    def _calibrate(self, opts: dict[str, Any]) -> None:
        from kaifang.warning.calibrate import calibrate_rule
        from kaifang.warning.models import WatchRule

        rule = WatchRule.objects.filter(workspace=self._workspace(opts), pk=opts["rule"]).first()
        if rule is None:
            raise CommandError(f"工作区中没有规则 #{opts['rule']}")
        try:
            c = calibrate_rule(rule)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"已校准 {rule}：蓝 {c.thresholds['blue']:.4g}，黄 {c.thresholds['yellow']:.4g}，"
            f"红 {c.thresholds['red']:.4g}（{c.months} 期，{c.first}—{c.last}）"
        )

    def _deliver(self, opts: dict[str, Any]) -> None:
        from kaifang.warning.notify import deliver_pending

        done = deliver_pending(self._workspace(opts), retry_failed=opts["retry_failed"])
        self.stdout.write(f"发送完成：{json.dumps(done, ensure_ascii=False)}")

    def _demo(self, opts: dict[str, Any]) -> None:
        from kaifang.warning.demo_load import load_demo

        counts = load_demo(self._workspace(opts), self._user(opts["user"]))
        self.stdout.write(f"预警示例已就绪（示例数据）：{json.dumps(counts, ensure_ascii=False)}")

    def _survey_template(self, opts: dict[str, Any]) -> None:
        from kaifang.warning.models import KeyIndustry
        from kaifang.warning.survey import questionnaire

        ws = self._workspace(opts)
        names = list(KeyIndustry.objects.filter(workspace=ws).values_list("name_zh", flat=True)) or ["（请填写产业）"]
        with open(opts["output"], "wb") as fh:
            fh.write(questionnaire(f"{ws.name_zh}重点企业供应链月度调查", names))
        self.stdout.write(f"已生成 {opts['output']}（{len(names)} 个重点产业可选）")

    def _survey(self, opts: dict[str, Any]) -> None:
        from kaifang.accounts.access import access_for
        from kaifang.audit.context import acting_as
        from kaifang.observations import ingest
        from kaifang.warning.survey import QUESTIONS, SurveyError, indexes, long_rows, read_returns

        ws = self._workspace(opts)
        try:
            with open(opts["file"], "rb") as fh:
                table = indexes(read_returns(fh.read(), opts["file"]))
        except FileNotFoundError:
            raise CommandError(f"找不到文件 file not found: {opts['file']}") from None
        except SurveyError as exc:
            raise CommandError("\n".join(exc.problems)) from None
        header = "产业".ljust(12) + "".join(q.header.ljust(8) for q in QUESTIONS) + "企业数"
        self.stdout.write(header)
        for name, row in table.iterrows():
            cells = "".join(f"{row[q.code]:<10.1f}" for q in QUESTIONS)
            self.stdout.write(f"{name!s:<12}{cells}{int(row['firms'])}")
        if opts["submit"]:
            user = self._user(opts["user"])
            region = ws.home_region.code if ws.home_region else "511900"
            rows = long_rows(table, region, opts["period"], f"重点企业供应链月度调查（{opts['file']}）")
            with acting_as(user):
                try:
                    done = ingest.submit(
                        ws, rows, access=access_for(user, ws.code), user=user, kind="upload", label=str(opts["file"])
                    )
                except (ingest.SubmissionRejected, ingest.PermissionDenied) as exc:
                    raise CommandError(str(exc)) from None
            self.stdout.write(f"已写入：新增 {done.created}，修订 {done.revised}，未变 {done.unchanged}")
