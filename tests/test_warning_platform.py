"""The warning system on the platform: rules on stored vintages, the alert engine and its hook, people's moves,
silences, inhibition, notifications, the disruption index job, calibration, the pages and their access, the CLI."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from kaifang.accounts.models import Department
from kaifang.catalog.models import Indicator
from kaifang.observations import ingest
from kaifang.observations.models import Observation
from kaifang.regions.models import Region
from kaifang.warning import actions
from kaifang.warning.alerts import evaluate
from kaifang.warning.lifecycle import IllegalTransition, replay
from kaifang.warning.models import (
    Alert,
    AlertEvent,
    Delivery,
    EvaluationRun,
    IndexSpec,
    KeyIndustry,
    Notification,
    NotificationPreference,
    PlanTask,
    ResponsePlan,
    WatchRule,
)
from tests.conftest import access

UTC = dt.UTC
T0 = dt.datetime(2026, 1, 5, tzinfo=UTC)


def at(day: int) -> dt.datetime:
    return T0 + dt.timedelta(days=day)


def put(platform, code: str, values: dict[str, float], when: dt.datetime, region: str = "511900") -> None:  # type: ignore[no-untyped-def]
    rows = [{"indicator": code, "ref_area": region, "time_period": p, "obs_value": v} for p, v in values.items()]
    ingest.submit(
        platform.workspace,
        rows,
        access=access(platform.users["analyst"], platform.workspace),
        user=platform.users["analyst"],
        submitted_at=when,
    )


@pytest.fixture
def setup(platform):  # type: ignore[no-untyped-def]
    ws = platform.workspace
    econ = Department.objects.get(code="economy_it")
    food = KeyIndustry.objects.create(workspace=ws, code="food", name_zh="食品饮料", department=econ)
    rule = WatchRule.objects.create(
        workspace=ws,
        indicator=Indicator.objects.get(code="SURVEY_DELIVERY_TIMES"),
        industry=food,
        region=Region.objects.get(code="511900"),
        method="fixed",
        direction="higher",
        periods_to_fire=2,
        params={"blue": 52, "yellow": 55, "red": 58},
    )
    plan = ResponsePlan.objects.create(workspace=ws, industry=food, level=3, kind="产能备份", title="产能备份方案")
    PlanTask.objects.create(plan=plan, title="启用备份产线", department=econ, due_days=10, kpi="备份产能 ≥ 30%")
    return {"ws": ws, "food": food, "rule": rule, "plan": plan, "econ": econ}


def alert_of(rule: WatchRule) -> Alert:
    return Alert.objects.filter(rule=rule).order_by("-id").first()  # type: ignore[return-value]


def kinds(alert: Alert) -> list[str]:
    return list(alert.events.values_list("kind", flat=True))


def test_pending_fires_after_n_periods_escalates_clears_and_keeps_every_event(platform, setup) -> None:  # type: ignore[no-untyped-def]
    rule, ws = setup["rule"], setup["ws"]
    put(platform, "SURVEY_DELIVERY_TIMES", {"2025-10": 50.0, "2025-11": 56.0}, at(0))
    evaluate(ws, now=at(1))
    a = alert_of(rule)
    assert (a.state, a.level, a.latest_level, a.period) == ("pending", 2, 2, "2025-11")  # 56 > 55: 黄, one period
    evaluate(ws, now=at(2))
    assert kinds(alert_of(rule)) == ["pending"]  # idempotent: same data, nothing new
    put(platform, "SURVEY_DELIVERY_TIMES", {"2025-12": 53.0}, at(3))
    evaluate(ws, now=at(4))
    a = alert_of(rule)
    assert (a.state, a.level) == ("raised", 1)  # min(56, 53) → 蓝 held for 2 months
    put(platform, "SURVEY_DELIVERY_TIMES", {"2026-01": 59.0, "2026-02": 60.5}, at(5))
    evaluate(ws, now=at(6))
    a = alert_of(rule)
    assert (a.state, a.level, a.peak_level) == ("raised", 3, 3)
    put(platform, "SURVEY_DELIVERY_TIMES", {"2026-03": 49.0}, at(7))
    evaluate(ws, now=at(8))
    a = alert_of(rule)
    assert (a.state, a.level, a.condition_active) == ("raised", 0, False)  # cleared: still open until resolved
    assert kinds(a) == ["pending", "fired", "escalated", "cleared"]
    events = list(a.events.values("kind", "from_state", "to_state", "to_level"))
    assert (replay(events).state.value, replay(events).level) == (a.state, a.level)
    assert Alert.objects.filter(rule=rule).count() == 1


def test_a_pending_condition_that_goes_away_is_withdrawn_with_a_record(platform, setup) -> None:  # type: ignore[no-untyped-def]
    rule, ws = setup["rule"], setup["ws"]
    put(platform, "SURVEY_DELIVERY_TIMES", {"2025-10": 50.0, "2025-11": 53.0}, at(0))
    evaluate(ws, now=at(1))
    put(platform, "SURVEY_DELIVERY_TIMES", {"2025-12": 51.0}, at(2))
    evaluate(ws, now=at(3))
    a = alert_of(rule)
    assert a.state == "withdrawn" and kinds(a) == ["pending", "withdrawn"]
    put(platform, "SURVEY_DELIVERY_TIMES", {"2026-01": 53.0}, at(4))
    evaluate(ws, now=at(5))
    new = alert_of(rule)
    assert new.pk != a.pk and new.state == "pending" and new.previous_id == a.pk


def test_revised_history_re_evaluates_the_latest_period(platform, setup) -> None:  # type: ignore[no-untyped-def]
    rule, ws = setup["rule"], setup["ws"]
    rule.periods_to_fire = 1
    rule.save()
    put(platform, "SURVEY_DELIVERY_TIMES", {"2025-11": 50.0, "2025-12": 56.0}, at(0))
    evaluate(ws, now=at(1))
    assert alert_of(rule).level == 2
    put(platform, "SURVEY_DELIVERY_TIMES", {"2025-12": 58.5}, at(2))  # a revision: a new vintage of December
    evaluate(ws, now=at(3))
    a = alert_of(rule)
    assert (a.level, a.value) == (3, 58.5) and kinds(a) == ["fired", "escalated"]
    assert a.events.last().data["period"] == "2025-12"


def test_life_cycle_by_people_with_roles(platform, setup) -> None:  # type: ignore[no-untyped-def]
    rule, ws, econ = setup["rule"], setup["ws"], setup["econ"]
    rule.periods_to_fire = 1
    rule.save()
    put(platform, "SURVEY_DELIVERY_TIMES", {"2025-12": 59.0}, at(0))
    evaluate(ws, now=at(1))
    a = alert_of(rule)
    u = platform.users
    with pytest.raises(PermissionDenied):
        actions.act(a, "acknowledge", u["leader"], access(u["leader"], ws))
    with pytest.raises(IllegalTransition):
        actions.act(a, "assign", u["analyst"], access(u["analyst"], ws), department=econ)
    actions.act(a, "acknowledge", u["analyst"], access(u["analyst"], ws), now=at(2))
    with pytest.raises(ValidationError):
        actions.act(a, "assign", u["analyst"], access(u["analyst"], ws))
    commerce = Department.objects.get(code="commerce")
    actions.act(a, "assign", u["analyst"], access(u["analyst"], ws), department=commerce, now=at(3))
    assert actions.can_act(access(u["commerce"], ws), alert_of(rule), "activate_plan")
    assert not actions.can_act(access(u["stats"], ws), alert_of(rule), "activate_plan")  # another department
    assert not actions.can_act(access(u["commerce"], ws), alert_of(rule), "assign")
    event = actions.act(
        alert_of(rule), "activate_plan", u["commerce"], access(u["commerce"], ws), plan=setup["plan"], now=at(4)
    )
    a = alert_of(rule)
    task = a.tasks.get()
    assert (a.state, a.plan_id, task.due) == ("plan_activated", setup["plan"].pk, dt.date(2026, 1, 19))
    assert event.data["tasks"] == [task.pk]
    with pytest.raises(ValidationError):
        actions.act(a, "resolve", u["commerce"], access(u["commerce"], ws), note="  ")
    actions.act(a, "resolve", u["commerce"], access(u["commerce"], ws), note="备份产线已投产", now=at(5))
    a = alert_of(rule)
    assert a.state == "resolved" and a.resolution_note == "备份产线已投产"
    assert kinds(a) == ["fired", "acknowledge", "assign", "activate_plan", "resolve"]
    assert [e.actor.username if e.actor else None for e in a.events.all()] == [
        None,
        "analyst",
        "analyst",
        "commerce",
        "commerce",
    ]
    # resolved while the data still shows 红: the next evaluation opens a new alert, never drops it
    evaluate(ws, now=at(6))
    assert alert_of(rule).pk != a.pk and alert_of(rule).state == "raised"


def test_activated_plan_tasks_become_roadmap_tasks_with_a_kpi(platform, setup) -> None:  # type: ignore[no-untyped-def]
    roadmap = pytest.importorskip("kaifang.roadmap.models")
    rule, ws = setup["rule"], setup["ws"]
    rule.periods_to_fire = 1
    rule.save()
    put(platform, "SURVEY_DELIVERY_TIMES", {"2025-12": 59.0}, at(0))
    evaluate(ws, now=at(1))
    u, a = platform.users["analyst"], alert_of(rule)
    acc = access(u, ws)
    actions.act(a, "acknowledge", u, acc)
    actions.act(alert_of(rule), "assign", u, acc, department=setup["econ"])
    event = actions.act(alert_of(rule), "activate_plan", u, acc, plan=setup["plan"])
    assert "roadmap_error" not in event.data, event.data
    task = roadmap.Task.objects.get(pk=int(alert_of(rule).tasks.get().roadmap_task))
    assert task.title.endswith("启用备份产线") and task.lead_department.code == "economy_it"
    kpi = task.kpis.get()
    assert kpi.name == "备份产能 ≥ 30%" and kpi.targets.get().value == 100.0


def test_silence_and_inhibition_hold_back_notifications_not_records(platform, setup) -> None:  # type: ignore[no-untyped-def]
    ws, food = setup["ws"], setup["food"]
    rule = setup["rule"]
    rule.periods_to_fire = 1
    rule.save()
    head = WatchRule.objects.create(
        workspace=ws,
        indicator=Indicator.objects.get(code="LOGISTICS_PRICE_INDEX"),
        industry=food,
        region=Region.objects.get(code="511900"),
        method="fixed",
        direction="higher",
        industry_level=True,
        params={"blue": 105, "yellow": 110, "red": 115},
    )
    put(platform, "SURVEY_DELIVERY_TIMES", {"2025-12": 56.0}, at(0))  # 黄
    put(platform, "LOGISTICS_PRICE_INDEX", {"2025-12": 120.0}, at(0))  # 红, industry level
    run = evaluate(ws, now=at(1))
    red, yellow = alert_of(head), alert_of(rule)
    assert yellow.inhibited_by_id == red.pk and red.inhibited_by_id is None
    assert kinds(yellow) == ["fired", "inhibited"] and run.counts == {"fired": 2, "inhibited": 1}
    titles = list(Notification.objects.filter(user=platform.users["analyst"]).values_list("title", flat=True))
    assert titles == ["【红色预警·发出预警】食品饮料：公路物流运价指数（2025-12）"]
    put(platform, "LOGISTICS_PRICE_INDEX", {"2026-01": 100.0}, at(2))
    evaluate(ws, now=at(3))
    assert alert_of(rule).inhibited_by_id is None and kinds(alert_of(rule))[-1] == "released"
    acc = access(platform.users["analyst"], ws)
    with pytest.raises(ValidationError):
        actions.create_silence(acc, platform.users["analyst"], reason="", ends_at=at(30))
    with pytest.raises(PermissionDenied):
        actions.create_silence(
            access(platform.users["leader"], ws), platform.users["leader"], reason="x", ends_at=at(9)
        )
    s = actions.create_silence(
        acc, platform.users["analyst"], reason="春节停产，已知", ends_at=at(10), industry=food, now=at(4)
    )
    assert alert_of(rule).silenced_by_id == s.pk and kinds(alert_of(rule))[-1] == "silenced"
    from kaifang.warning.pages_alerts import silences_page

    # the page counts what the silence holds: both open 食品饮料 alerts (the yellow one and the red industry-level one)
    assert [r["alerts"] for r in silences_page(ws, now=at(4))["silences"]] == [2]
    assert set(Alert.objects.filter(silenced_by=s).values_list("rule", flat=True)) == {rule.pk, head.pk}
    put(platform, "SURVEY_DELIVERY_TIMES", {"2026-01": 59.0}, at(5))
    before = Notification.objects.count()
    evaluate(ws, now=at(6))
    assert kinds(alert_of(rule))[-1] == "escalated" and Notification.objects.count() == before
    evaluate(ws, now=at(11))  # the silence has expired
    assert alert_of(rule).silenced_by_id is None and kinds(alert_of(rule))[-1] == "unsilenced"


class Hook(BaseHTTPRequestHandler):
    received: list[dict] = []  # type: ignore[type-arg]
    fail_first = 1

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if Hook.fail_first > 0:
            Hook.fail_first -= 1
            self.send_response(503)
            self.end_headers()
            return
        Hook.received.append(body)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_notifications_by_role_and_preference_email_and_webhook_with_retry(platform, setup) -> None:  # type: ignore[no-untyped-def]
    server = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        ws, rule, u = setup["ws"], setup["rule"], platform.users
        rule.periods_to_fire = 1
        rule.save()
        u["analyst"].email = "analyst@example.cn"
        u["analyst"].save()
        url = f"http://127.0.0.1:{server.server_port}/hook"
        NotificationPreference.objects.create(user=u["analyst"], workspace=ws, email=True, webhook_url=url)
        NotificationPreference.objects.create(user=u["admin"], workspace=ws, min_level=3)
        put(platform, "SURVEY_DELIVERY_TIMES", {"2025-12": 56.0}, at(0))  # 黄
        evaluate(ws, now=at(1))
        got = set(Notification.objects.values_list("user__username", flat=True))
        # analyst: all levels; commerce: not its department (economy_it leads 食品饮料); leader and admin: 红 only
        assert got == {"analyst"}
        from kaifang.warning.notify import deliver_pending

        done = deliver_pending(ws, sleep=lambda s: None)
        assert done == {"sent": 2, "failed": 0, "pending": 0}
        assert (
            len(mail.outbox) == 1
            and mail.outbox[0].subject == "【黄色预警·发出预警】食品饮料：重点企业交货周期指数（2025-12）"
        )
        hook = Delivery.objects.get(channel="webhook")
        assert [x["ok"] for x in hook.attempts] == [False, True] and "503" in hook.attempts[0]["detail"]
        assert Hook.received[0]["event"] == "fired" and Hook.received[0]["alert"]["level"] == 2
        put(platform, "SURVEY_DELIVERY_TIMES", {"2026-01": 59.0}, at(2))  # 红: leader and admin now hear of it
        evaluate(ws, now=at(3))
        assert set(Notification.objects.filter(event__kind="escalated").values_list("user__username", flat=True)) == {
            "analyst",
            "admin",
            "leader",
        }
        Hook.fail_first = 5
        done = deliver_pending(ws, sleep=lambda s: None)
        assert done["failed"] == 1
        failed = Delivery.objects.get(channel="webhook", state="failed")
        assert len(failed.attempts) == 3  # every try is kept
        Hook.fail_first = 0
        assert deliver_pending(ws, retry_failed=True, sleep=lambda s: None)["sent"] == 1
        assert [x["ok"] for x in Delivery.objects.get(pk=failed.pk).attempts] == [False, False, False, None, True]
    finally:
        server.shutdown()


def test_new_vintages_trigger_the_engine_after_commit(platform, setup, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    rule = setup["rule"]
    rule.periods_to_fire = 1
    rule.save()
    with django_capture_on_commit_callbacks(execute=True):
        put(platform, "SURVEY_DELIVERY_TIMES", {"2025-12": 58.5}, at(0))
    run = EvaluationRun.objects.get()
    assert run.batch is not None and run.trigger.startswith(f"数据提交 #{run.batch.pk}") and run.error == ""
    assert alert_of(rule).state == "raised" and alert_of(rule).events.get().data["batch"] == run.batch.pk
    with django_capture_on_commit_callbacks(execute=True):
        put(platform, "GDP", {"2025": 900.0}, at(1))  # no rule watches GDP: no evaluation
    assert EvaluationRun.objects.count() == 1
    from kaifang.jobs.models import Job

    IndexSpec.objects.create(
        workspace=platform.workspace,
        region=Region.objects.get(code="511900"),
        components=[{"indicator": "SURVEY_DELIVERY_TIMES", "sign": 1}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        put(platform, "SURVEY_DELIVERY_TIMES", {"2026-01": 50.0}, at(2))  # a component: re-estimate, once
        put(platform, "SURVEY_DELIVERY_TIMES", {"2026-02": 50.0}, at(3))
    assert list(Job.objects.values_list("kind", "state")) == [("warning.index", "queued")]


def test_a_failing_evaluation_is_stored_not_lost(platform, setup, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def boom(*args: object, **kw: object) -> None:
        raise RuntimeError("模拟故障")

    # data that fire a red alert; the failure comes after apply() has written it, so only the rollback removes it
    put(platform, "SURVEY_DELIVERY_TIMES", {"2025-11": 59.0, "2025-12": 59.0}, at(0))
    with monkeypatch.context() as m:
        m.setattr("kaifang.warning.alerts.refresh_marks", boom)
        run = evaluate(setup["ws"], now=at(1))
    assert run.pk and "模拟故障" in run.error and not Alert.objects.exists()
    assert not AlertEvent.objects.exists()
    assert evaluate(setup["ws"], now=at(1)).error == "" and Alert.objects.exists()  # the same data, no failure


def _components(platform) -> IndexSpec:  # type: ignore[no-untyped-def]
    import numpy as np

    rng = np.random.default_rng(3)
    months = [f"{y}-{m:02d}" for y in range(2019, 2026) for m in range(1, 13)]
    f = np.convolve(rng.normal(0, 1, len(months) + 5), np.ones(6) / 3, "valid")[: len(months)]
    data = {
        "SURVEY_DELIVERY_TIMES": 50 + 3 * f + rng.normal(0, 0.5, len(months)),
        "SURVEY_ORDER_BACKLOG": 50 + 2 * f + rng.normal(0, 0.5, len(months)),
        "LOGISTICS_PRICE_INDEX": 100 + 4 * f + rng.normal(0, 1, len(months)),
        "SURVEY_NEW_ORDERS": 50 + rng.normal(0, 1, len(months)),
    }
    for code, values in data.items():
        put(platform, code, dict(zip(months, values.round(2).tolist(), strict=True)), at(0))
    return IndexSpec.objects.create(
        workspace=platform.workspace,
        region=Region.objects.get(code="511900"),
        demand=["SURVEY_NEW_ORDERS"],
        components=[
            {"indicator": c, "sign": 1}
            for c in ["SURVEY_DELIVERY_TIMES", "SURVEY_ORDER_BACKLOG", "LOGISTICS_PRICE_INDEX"]
        ],
        anchor="SURVEY_DELIVERY_TIMES",
    )


def test_index_job_stores_each_estimate_as_a_vintage(platform) -> None:  # type: ignore[no-untyped-def]
    from kaifang.jobs.runner import claim, enqueue, run

    spec = _components(platform)
    job = run(claim() or enqueue(platform.workspace, platform.users["analyst"], "warning.index", "t", {}))
    if job.kind != "warning.index":  # the queue was empty before enqueue: run the new job
        job = run(claim())  # type: ignore[arg-type]
    assert job.state == "done", job.error
    first = spec.runs.get()
    values = Observation.objects.filter(indicator__code="SUPPLY_CHAIN_DISRUPTION_INDEX", superseded_at__isnull=True)
    # demand enters at lags 0–2, so the first two months have no purged value: 2019-03 … 2025-12
    assert values.count() == 82 and first.last_period == "2025-12" and first.result["converged"]
    assert first.result["loadings"]["SURVEY_DELIVERY_TIMES"] > 0
    assert abs(sum(first.result["index"]) / 82) < 1e-3  # mean 0 over the window
    total = [sum(first.result["contributions"][c][-1] for c in first.result["components"])]
    assert total[0] == pytest.approx(first.result["index"][-1], abs=1e-3)  # attribution adds up
    put(platform, "LOGISTICS_PRICE_INDEX", {"2026-01": 130.0}, at(2))  # a ragged end: the survey is not in yet
    put(platform, "SURVEY_NEW_ORDERS", {"2026-01": 50.0}, at(2))
    from kaifang.warning.index_build import run_index

    second = run_index(spec, platform.users["analyst"])
    assert second.last_period == "2026-01" and second.batch.revised > 0  # history revised: new vintages
    assert second.result["observed"]["SURVEY_DELIVERY_TIMES"][-1] is False  # filled by EM, flagged as such
    assert second.result["index"][-1] > 1  # the freight-rate jump shows
    old = Observation.objects.filter(indicator__code="SUPPLY_CHAIN_DISRUPTION_INDEX", period="2025-06")
    assert old.count() == 2 and old.filter(superseded_at__isnull=False).count() == 1


def test_calibration_is_stored_and_shown(platform, client) -> None:  # type: ignore[no-untyped-def]
    from kaifang.warning.calibrate import calibrate_rule
    from kaifang.warning.models import StressEpisode

    spec = _components(platform)
    from kaifang.warning.index_build import run_index

    run_index(spec, platform.users["analyst"], submitted_at=at(1))
    rule = WatchRule.objects.create(
        workspace=platform.workspace,
        indicator=Indicator.objects.get(code="SUPPLY_CHAIN_DISRUPTION_INDEX"),
        region=spec.region,
        method="calibrated",
        direction="higher",
        params={"horizon": 3, "thetas": [0.5, 0.4, 0.3]},
    )
    with pytest.raises(ValueError, match="压力事件"):
        calibrate_rule(rule)
    StressEpisode.objects.create(workspace=platform.workspace, name="测试", start="2021-01", end="2021-12")
    c = calibrate_rule(rule, platform.users["analyst"])
    assert c.months == 82 and c.params["episodes"] == [["2021-01", "2021-12"]] and c.params["horizon"] == 3
    assert c.thresholds["blue"] <= c.thresholds["yellow"] <= c.thresholds["red"]
    red = c.backtests["red"]
    assert red["A"] + red["B"] + red["C"] + red["D"] == 82 and red["A"] + red["C"] == 15  # 2020-10 … 2021-12
    assert client.login(username="leader", password="pw-leader")
    data = client.get(f"/w/bazhong/warning/backtest.json?rule={rule.pk}").json()
    assert (
        data["detail"]["calibration"]["thresholds"] == c.thresholds and len(data["detail"]["calibration"]["sweep"]) > 10
    )


def test_pages_their_twins_and_access(platform, setup, client) -> None:  # type: ignore[no-untyped-def]
    rule = setup["rule"]
    rule.periods_to_fire = 1
    rule.save()
    put(platform, "SURVEY_DELIVERY_TIMES", {"2025-11": 50.0, "2025-12": 56.0}, at(0))
    evaluate(setup["ws"], now=at(1))
    a = alert_of(rule)
    assert client.login(username="leader", password="pw-leader")
    for name in ["", "index/", "alerts/", f"alerts/{a.pk}/", "backtest/", "rules/", "silences/", "plans/", "inbox/"]:
        assert client.get(f"/w/bazhong/warning/{name}").status_code == 200, name
    board = client.get("/w/bazhong/warning/board.json").json()
    cell = next(r for r in board["rows"] if r["industry"] == "food")["cells"]["SURVEY_DELIVERY_TIMES"]
    assert (cell["level_key"], cell["value"], cell["period"], cell["alert"]["id"]) == ("yellow", 56.0, "2025-12", a.pk)
    assert board["counts"]["raised"] == 1 and board["heat"]["values"][-1] == [35, 0, 2]
    detail = client.get(f"/w/bazhong/warning/alerts/{a.pk}.json").json()
    assert detail["actions"] == [] and [e["kind"] for e in detail["events"]] == ["fired"]
    assert client.post(f"/w/bazhong/warning/alerts/{a.pk}/act/", {"action": "acknowledge"}).status_code == 403
    assert client.post("/w/bazhong/warning/evaluate/").status_code == 403
    client.logout()
    assert client.login(username="dazhou", password="pw-dazhou")
    assert client.get(f"/w/bazhong/warning/alerts/{a.pk}/").status_code == 404
    assert client.get("/w/bazhong/warning/board.json").status_code == 404
    client.logout()
    assert client.login(username="analyst", password="pw-analyst")
    assert [x["key"] for x in client.get(f"/w/bazhong/warning/alerts/{a.pk}.json").json()["actions"]] == [
        "acknowledge",
        "resolve",
    ]
    r = client.post(f"/w/bazhong/warning/alerts/{a.pk}/act/", {"action": "acknowledge", "note": "已知悉"})
    assert r.status_code == 302 and alert_of(rule).state == "acknowledged"
    r = client.post(
        f"/w/bazhong/warning/rules/{rule.pk}/",
        {"method": "fixed", "values": "60,55,50", "periods_to_fire": "1", "active": "on"},
    )
    assert WatchRule.objects.get(pk=rule.pk).params == {"blue": 52, "yellow": 55, "red": 58}  # refused: wrong order
    r = client.post(
        f"/w/bazhong/warning/rules/{rule.pk}/",
        {"method": "percentile", "values": "70,80,90", "window": "", "periods_to_fire": "3", "active": "on"},
    )
    saved = WatchRule.objects.get(pk=rule.pk)
    assert (saved.method, saved.params, saved.periods_to_fire) == (
        "percentile",
        {"percentiles": [70, 80, 90], "window": None},
        3,
    )
    r = client.post("/w/bazhong/warning/preferences/", {"min_level": "2", "inbox": "on", "webhook_url": "ftp://x"})
    assert not NotificationPreference.objects.exists()
    client.post("/w/bazhong/warning/preferences/", {"min_level": "2", "inbox": "on"})
    assert NotificationPreference.objects.get().min_level == 2


def test_cli_backtest_on_the_real_gscpi_agrees_with_a_hand_count(capsys) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import shared_data

    path = shared_data("gscpi", "gscpi_nyfed_vintage_2025-01.csv")
    call_command(
        "warning",
        "backtest",
        "--series",
        str(path),
        "--episode",
        "2020-03:2022-12",
        "--horizon",
        "6",
        "--threshold",
        "1.0",
        "--format",
        "json",
    )
    out = json.loads(capsys.readouterr().out)
    # the hand count: read the file line by line, no pandas, no platform code
    rows = [line.split(",") for line in path.read_text().splitlines()[1:]]
    months = {
        "Jan": 1,
        "Feb": 2,
        "Mar": 3,
        "Apr": 4,
        "May": 5,
        "Jun": 6,
        "Jul": 7,
        "Aug": 8,
        "Sep": 9,
        "Oct": 10,
        "Nov": 11,
        "Dec": 12,
    }
    a = b = c = d = 0
    for date, value in rows:
        _, mon, year = date.split("-")
        t = int(year) * 12 + months[mon]
        outcome = (2020 * 12 + 3 - 6) <= t <= (2022 * 12 + 12)  # [2019-09, 2022-12]
        signal = float(value) > 1.0
        a += signal and outcome
        b += signal and not outcome
        c += (not signal) and outcome
        d += (not signal) and (not outcome)
    assert (out["A"], out["B"], out["C"], out["D"]) == (a, b, c, d) == (32, 3, 8, 282)
    assert out["hit_rate"] == pytest.approx(32 / 40) and out["false_alarm_rate"] == pytest.approx(3 / 285)
    assert out["nsr"] == pytest.approx((3 / 285) / (32 / 40))
    assert out["usefulness"] == pytest.approx(0.5 - (0.5 * 8 / 40 + 0.5 * 3 / 285))
    assert 0.9 < out["auroc"] < 1 and out["threshold"] == 1.0


@pytest.mark.parametrize("objective", ["nsr", "loss"])
def test_cli_calibrated_thresholds_signal_inside_the_episode(capsys, objective) -> None:  # type: ignore[no-untyped-def]
    from kaifang.warning.series_csv import read_series
    from tests.conftest import shared_data

    path = shared_data("gscpi", "gscpi_nyfed_vintage_2026-03.csv")  # the raw export with header junk
    call_command(
        "warning",
        "backtest",
        "--series",
        str(path),
        "--episode",
        "2020-03:2022-12",
        "--calibrate",
        objective,
        "--theta",
        "0.5",
        "--format",
        "json",
    )
    out = json.loads(capsys.readouterr().out)
    assert out["months"] == 339 and out["skipped_rows"] == 5 and out["calibrate"] == objective
    series = read_series(str(path)).series
    inside = series.loc["2020-03":"2022-12"]
    assert (inside > out["threshold"]).sum() >= 0.6 * len(inside)  # the thresholds signal inside the episode
    assert out["A"] == (series.loc["2019-09":"2022-12"] > out["threshold"]).sum()  # hits: [start − 6, end]
    assert out["nsr"] < 0.1 and out["hit_rate"] >= 0.6


def test_cli_refuses_bad_input(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from django.core.management.base import CommandError

    f = tmp_path / "s.csv"
    f.write_text("month,value\n2020-01,1\n2020-02,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="2020-03:2022-12"):
        call_command("warning", "backtest", "--series", str(f), "--episode", "March")
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("warning", "backtest", "--series", str(tmp_path / "none.csv"), "--episode", "2020-01:2020-02")


def test_demo_has_every_state_and_loads_once(platform) -> None:  # type: ignore[no-untyped-def]
    from kaifang.warning.demo_load import load_demo

    counts = load_demo(platform.workspace, platform.users["analyst"])
    assert set(counts) == {"pending", "raised", "acknowledged", "assigned", "plan_activated", "resolved", "withdrawn"}
    events = Alert.objects.filter(workspace=platform.workspace).values_list("events", flat=True).count()
    assert load_demo(platform.workspace, platform.users["analyst"]) == counts
    assert Alert.objects.filter(workspace=platform.workspace).values_list("events", flat=True).count() == events
    names = set(KeyIndustry.objects.filter(workspace=platform.workspace).values_list("name_zh", flat=True))
    assert {"食品饮料", "生物医药", "机械制造", "新能源新材料", "特色农产品", "青峪猪"} <= names
    for a in Alert.objects.filter(workspace=platform.workspace):
        r = replay(a.events.values("kind", "from_state", "to_state", "to_level"))
        assert (r.state.value, r.level) == (a.state, a.level), a.pk
    assert Alert.objects.filter(silenced_by__isnull=False).exists()
    assert Alert.objects.filter(inhibited_by__isnull=False).exists()
    assert Observation.objects.filter(indicator__code="SUPPLY_CHAIN_DISRUPTION_INDEX", is_sample=True).exists()


def test_demo_reset_clears_the_way_for_the_platform_reset(platform) -> None:  # type: ignore[no-untyped-def]
    from kaifang.observations.models import ImportBatch
    from kaifang.warning.demo_load import load_demo, reset

    load_demo(platform.workspace, platform.users["analyst"])
    reset(platform.workspace)
    assert not Alert.objects.exists() and not KeyIndustry.objects.exists()
    Observation.objects.filter(workspace=platform.workspace).delete()  # what kaifang.demo.load.reset does next
    ImportBatch.objects.filter(workspace=platform.workspace).delete()
    platform.workspace.delete()


def test_survey_template_and_submission_through_the_cli(platform, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    KeyIndustry.objects.create(workspace=platform.workspace, code="food", name_zh="食品饮料")
    form = tmp_path / "survey.xlsx"
    call_command("warning", "survey-template", "--workspace", "bazhong", "-o", str(form))
    wb = load_workbook(form)
    ws = wb.active
    assert [c.value for c in ws[3]][:7] == [
        "企业名称",
        "统一社会信用代码",
        "所属重点产业",
        "交货周期",
        "订单积压",
        "原材料库存",
        "新订单",
    ]
    ws.append(["甲食品", "", "食品饮料", "延长", "增加", "持平", "减少", None])
    ws.append(["乙食品", "", "食品饮料", "不变", "持平", "增加", "增加", None])
    wb.save(form)
    call_command("warning", "survey", str(form), "--workspace", "bazhong", "--period", "2026-10", "--submit")
    assert "已写入：新增 4" in capsys.readouterr().out
    got = dict(
        Observation.objects.filter(workspace=platform.workspace, period="2026-10").values_list(
            "indicator__code", "value"
        )
    )
    # 交货周期 (1 + 0.5)/2, 订单积压 (1 + 0.5)/2, 原材料库存 (0.5 + 1)/2, 新订单 (0 + 1)/2
    assert got == {
        "SURVEY_DELIVERY_TIMES": 75.0,
        "SURVEY_ORDER_BACKLOG": 75.0,
        "SURVEY_INPUT_INVENTORY": 75.0,
        "SURVEY_NEW_ORDERS": 50.0,
    }


def test_cockpit_headline(platform, setup) -> None:  # type: ignore[no-untyped-def]
    from kaifang.warning.pages import headline

    rule = setup["rule"]
    assert headline(platform.workspace) == {
        "open": 0,
        "pending": 0,
        "by_level": {"red": 0, "yellow": 0, "blue": 0},
        "unhandled": 0,
        "top": [],
    }
    put(platform, "SURVEY_DELIVERY_TIMES", {"2025-11": 59.0, "2025-12": 59.0}, at(0))
    evaluate(platform.workspace, now=at(1))
    h = headline(platform.workspace)
    assert (h["open"], h["by_level"]["red"], h["unhandled"], h["top"][0]["id"]) == (1, 1, 1, alert_of(rule).pk)
    rule.active = False
    rule.save()
    assert headline(platform.workspace) is None
