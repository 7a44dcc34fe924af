"""Background jobs (kaifang.jobs): queue, claim, run, progress, failure, pages and audit."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from kaifang.audit.models import AuditEntry
from kaifang.jobs.models import Job, State
from kaifang.jobs.runner import claim, enqueue, register, run, work

SEEN: list[int] = []


@register("tests.square")
def square(job, progress):  # type: ignore[no-untyped-def]
    n = job.params["n"]
    for i in range(n):
        progress((i + 1) / n, f"{i + 1}/{n}")
    SEEN.append(job.pk)
    return {"square": n * n}


@register("tests.fail")
def fail(job, progress):  # type: ignore[no-untyped-def]
    progress(0.5, "half way")
    raise ValueError("指标 GDP 缺少 2020 年数据")


def test_a_job_runs_to_the_end_with_its_result(platform):
    job = enqueue(platform.workspace, platform.users["analyst"], "tests.square", "平方", {"n": 7})
    assert (job.state, job.progress) == (State.QUEUED, 0.0)
    taken = claim()
    assert taken is not None and taken.pk == job.pk and taken.state == State.RUNNING and taken.worker
    assert claim() is None  # nothing else queued: a running job is never handed out twice
    done = run(taken, min_interval=0)
    assert (done.state, done.progress, done.result, done.message) == (State.DONE, 1.0, {"square": 49}, "完成 (done)")
    assert done.started_at <= done.finished_at
    entry = AuditEntry.objects.get(object_type="jobs.Job", object_id=str(job.pk))
    assert entry.action == "create" and entry.workspace == platform.workspace


def test_a_failing_job_keeps_why_and_its_parameters(platform):
    job = enqueue(platform.workspace, platform.users["analyst"], "tests.fail", "会失败", {"x": 1})
    assert work(once=True) == 1
    job.refresh_from_db()
    assert job.state == State.FAILED and job.message == "失败: 指标 GDP 缺少 2020 年数据"
    assert "ValueError" in job.error and job.params == {"x": 1} and job.progress == 0.5


def test_unknown_kind_is_refused_with_the_known_ones(platform):
    with pytest.raises(ValueError, match=r"unknown job kind 'tests.nope'.*tests.square"):
        enqueue(platform.workspace, platform.users["analyst"], "tests.nope", "x", {})
    assert Job.objects.count() == 0


def test_worker_takes_jobs_in_order(platform):
    SEEN.clear()
    ids = [
        enqueue(platform.workspace, platform.users["analyst"], "tests.square", f"#{n}", {"n": n}).pk for n in (3, 1, 2)
    ]
    assert work(once=True) == 3 and ids == SEEN
    assert [Job.objects.get(pk=i).result["square"] for i in ids] == [9, 1, 4]


def test_pages_and_json_twins_respect_the_workspace(platform):
    job = enqueue(platform.workspace, platform.users["analyst"], "tests.square", "平方", {"n": 2})
    c = Client()
    c.force_login(platform.users["leader"])
    page = c.get(f"/w/bazhong/jobs/{job.pk}/")
    assert page.status_code == 200 and "排队中" in page.text and 'hx-trigger="every 1s"' in page.text
    work(once=True)
    fragment = c.get(f"/w/bazhong/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert "已完成" in fragment.text and "hx-trigger" not in fragment.text  # polling stops when done
    twin = json.loads(c.get(f"/w/bazhong/jobs/{job.pk}.json").content)
    assert (twin["state"], twin["progress"], twin["result"]) == ("done", 1.0, {"square": 4})
    listing = json.loads(c.get("/w/bazhong/jobs.json").content)
    assert [j["id"] for j in listing["jobs"]] == [job.pk]
    c.force_login(platform.users["dazhou"])
    assert c.get(f"/w/bazhong/jobs/{job.pk}.json").status_code == 404
    assert c.get(f"/w/dazhou/jobs/{job.pk}.json").status_code == 404
