"""``kaifang jobs work|list``: run the background-job worker, or list recent jobs."""

from __future__ import annotations

import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kaifang.jobs.models import Job
from kaifang.jobs.runner import work


class Command(BaseCommand):
    help = "后台任务: work 运行任务进程 (the worker), list 最近的任务 (recent jobs)"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        w = sub.add_parser("work", help="运行任务进程，直到 Ctrl+C (run the worker until interrupted)")
        w.add_argument("--once", action="store_true", help="队列清空后退出 (exit when the queue is empty)")
        w.add_argument("--sleep", type=float, default=1.0, help="空闲时轮询间隔秒数 (poll interval, s)")
        ls = sub.add_parser("list", help="最近的任务 (recent jobs)")
        ls.add_argument("--limit", type=int, default=20)

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "list":
            for job in Job.objects.select_related("workspace")[: opts["limit"]]:
                self.stdout.write(f"{job.pk:>6} {job.get_state_display():<4} {job.progress:>5.0%} "
                                  f"{job.workspace.code:<10} {job.kind:<20} {job.title}")  # fmt: skip
            return
        stopping = [False]

        def stop(*_: Any) -> None:
            stopping[0] = True

        signal.signal(signal.SIGTERM, stop)
        self.stdout.write("任务进程已启动 (worker started); Ctrl+C 停止")
        try:
            n = work(once=opts["once"], sleep=opts["sleep"], stop=lambda: stopping[0])
        except KeyboardInterrupt:
            return
        self.stdout.write(f"完成任务 {n} 个 (jobs run)")
