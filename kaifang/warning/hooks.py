"""Evaluating the alerts whenever new vintages arrive, without touching the observations app.

``ingest.submit`` creates one :class:`~kaifang.observations.models.ImportBatch` per submission inside its
transaction, before the rows are inserted; the ``post_save`` handler therefore only registers an
``on_commit`` callback. Once the submission is committed, the callback checks whether the batch wrote
any indicator a rule watches (or a component of the disruption index) and then evaluates the
workspace — inline, as evaluation is fast (benchmarks/bench_warning.py) — and queues a re-estimation of
the index when its components changed. A failing evaluation is stored as an EvaluationRun with its
error; it never undoes or blocks the submission.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)
_state = threading.local()


@contextmanager
def paused() -> Iterator[None]:
    """No automatic evaluation inside (the demo loader replays history and evaluates at chosen times)."""
    before = getattr(_state, "paused", False)
    _state.paused = True
    try:
        yield
    finally:
        _state.paused = before


def on_batch_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw") and not getattr(_state, "paused", False):
        pk = instance.pk
        transaction.on_commit(lambda: after_batch(pk))


def watched(batch: Any) -> tuple[bool, bool]:
    """(does the batch touch a rule's indicator?, does it touch an index component?) — without rules or an
    index specification the batch is not even looked at, so bulk loads elsewhere pay nothing."""
    from kaifang.catalog.models import Indicator
    from kaifang.observations.derive import leaves
    from kaifang.observations.models import Observation
    from kaifang.warning.index_build import INDEX_CODE
    from kaifang.warning.models import IndexSpec, WatchRule

    rules = set(
        WatchRule.objects.filter(workspace=batch.workspace, active=True).values_list("indicator__code", flat=True)
    )
    spec = IndexSpec.objects.filter(workspace=batch.workspace).first()
    components = ({c["indicator"] for c in spec.components} | set(spec.demand)) if spec is not None else set()
    if not rules and not components:
        return False, False
    formulas = dict(Indicator.objects.exclude(formula="").values_list("code", "formula"))
    needed = {leaf for code in rules for leaf in leaves(code, formulas)}
    written = set(
        Observation.objects.filter(batch=batch, indicator__code__in=needed | components | {INDEX_CODE})
        .values_list("indicator__code", flat=True)
        .distinct()
    )
    return bool(written & needed), bool(written & components) and INDEX_CODE not in written


def after_batch(batch_id: int) -> None:
    from kaifang.observations.models import ImportBatch
    from kaifang.warning.alerts import evaluate

    batch = ImportBatch.objects.filter(pk=batch_id).select_related("workspace", "submitted_by").first()
    if batch is None:
        return
    try:
        rules_hit, index_hit = watched(batch)
    except Exception:  # a broken check must not break the submission that is already committed
        log.exception("warning: cannot inspect batch %s", batch_id)
        rules_hit, index_hit = True, False
    if rules_hit:
        evaluate(batch.workspace, trigger=f"数据提交 #{batch.pk}（{batch.label}）", batch=batch)
    if index_hit and batch.submitted_by is not None:
        from kaifang.jobs.models import Job, State
        from kaifang.jobs.runner import enqueue

        if not Job.objects.filter(workspace=batch.workspace, kind="warning.index", state=State.QUEUED).exists():
            enqueue(batch.workspace, batch.submitted_by, "warning.index", "重新估计供应链受阻指数（分项数据更新）", {})
