"""The REST API (django-ninja), documented at ``/api/docs``.

The GET routes return the same dicts as the cockpit pages' JSON twins; ``POST …/observations`` is
the JSON submission route for department data officers (all-or-nothing, audited).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Query, Schema, Status
from ninja.errors import HttpError
from ninja.renderers import JSONRenderer
from ninja.security import django_auth

from kaifang.accounts.access import access_for, workspaces_for
from kaifang.catalog.models import Indicator
from kaifang.cockpit import explorer
from kaifang.cockpit.views import audit_entries, parse_as_of
from kaifang.collection.models import IdempotentRequest
from kaifang.observations import ingest
from kaifang.observations.query import panel
from kaifang.regions.models import Region


class ChineseJSONRenderer(JSONRenderer):
    """UTF-8 as it is (亿元, not \\u4ebf\\u5143), like the pages' JSON twins."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=ChineseJSONRenderer(),
    title="Kaifang 开放 API",
    version="1",
    description="巴中开放合作监测预警平台接口。长格式（SDMX 风格）：indicator, ref_area, time_period, obs_value, "
    "unit, basis, obs_status。登录后使用（会话认证）。",
    auth=django_auth,
    urls_namespace="api",
)


class ObservationIn(Schema):
    indicator: str
    ref_area: str
    time_period: str
    obs_value: float | str
    unit: str | None = None
    basis: str | None = None
    obs_status: str | None = None
    source: str | None = None
    note: str | None = None


class ProblemOut(Schema):
    row: int
    column: str
    message: str


class SubmittedOut(Schema):
    batch: int | None
    created: int
    revised: int
    unchanged: int


class RejectedOut(Schema):
    detail: str
    problems: list[ProblemOut]


class ObservationFilter(Schema):
    indicator: str | None = None
    ref_area: str | None = None
    time_period: str | None = None
    basis: str = "P"
    as_of: str | None = None


def checked_basis(basis: str) -> str:
    if basis not in {"P", "YTD"}:
        raise HttpError(400, f"basis 应为 P（当期）或 YTD（累计），而不是 {basis!r}")
    return basis


def checked_as_of(raw: str | None) -> dt.datetime | None:
    try:
        return parse_as_of(raw)
    except ValueError as exc:
        raise HttpError(400, str(exc)) from None


@api.get("/workspaces", summary="我的工作区")
def list_workspaces(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"code": w.code, "name_zh": w.name_zh, "name_en": w.name_en, "sample": w.is_sample}
        for w in workspaces_for(request.user)
    ]


@api.get("/regions", summary="行政区划（GB/T 2260）")
def list_regions(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "code": r.code,
            "name_zh": r.name_zh,
            "name_en": r.name_en,
            "level": r.level,
            "parent": r.parent.code if r.parent else None,
            "aliases": r.aliases,
            "former_codes": r.former_codes,
        }
        for r in Region.objects.select_related("parent")
    ]


@api.get("/workspaces/{ws}/cockpit", summary="驾驶舱概览（= /w/{ws}/cockpit.json）")
def cockpit(request: HttpRequest, ws: str) -> dict[str, Any]:
    return explorer.overview(access_for(request.user, ws).workspace)


@api.get("/workspaces/{ws}/indicators", summary="指标目录（= /w/{ws}/indicators.json）")
def indicators(request: HttpRequest, ws: str, q: str = "", dimension: str = "") -> dict[str, Any]:
    return explorer.catalog_listing(access_for(request.user, ws).workspace, q, dimension)


@api.get("/workspaces/{ws}/indicators/{code}", summary="指标详情（= /w/{ws}/indicators/{code}.json）")
def indicator(
    request: HttpRequest,
    ws: str,
    code: str,
    regions: str = "",
    basis: str = "P",
    freq: str | None = None,
    as_of: str | None = None,
) -> dict[str, Any]:
    access = access_for(request.user, ws)
    ind = get_object_or_404(Indicator.objects.select_related("department"), code=code)
    chosen = [r for r in regions.split(",") if r] or None
    return explorer.indicator_detail(
        access.workspace, ind, regions=chosen, basis=checked_basis(basis), freq=freq, as_of=checked_as_of(as_of)
    )


@api.get("/workspaces/{ws}/observations", summary="观测值（长格式，最新版本或指定时点版本）")
def observations(request: HttpRequest, ws: str, filters: Query[ObservationFilter]) -> list[dict[str, Any]]:
    access = access_for(request.user, ws)
    df = panel(
        access.workspace,
        indicators=[filters.indicator] if filters.indicator else None,
        regions=[filters.ref_area] if filters.ref_area else None,
        periods=[filters.time_period] if filters.time_period else None,
        basis=checked_basis(filters.basis),
        as_of=checked_as_of(filters.as_of),
    )
    return df.rename(columns={"id": "observation"}).to_dict(orient="records")


@api.post(
    "/workspaces/{ws}/observations",
    response={201: SubmittedOut, 400: RejectedOut, 403: RejectedOut, 409: RejectedOut},
    summary="提交观测值（全部成功或全部不写入；可带 Idempotency-Key 安全重试）",
)
def submit(request: HttpRequest, ws: str, rows: list[ObservationIn]) -> Status[dict[str, Any]]:
    """A JSON batch. With an ``Idempotency-Key`` header a retry of the same body gets the first answer
    again and writes nothing; the same key with a different body is refused (409)."""
    access = access_for(request.user, ws)
    if not access.can_write:
        return Status(403, {"detail": access.why_not(Indicator(code="*")), "problems": []})
    uid = cast(int, request.user.pk)  # authenticated: access_for has checked
    key = request.headers.get("Idempotency-Key", "").strip()[:100]
    body = hashlib.sha256(request.body).hexdigest()
    if key:
        prior = IdempotentRequest.objects.filter(workspace=access.workspace, user_id=uid, key=key).first()
        if prior is not None:
            if prior.body_sha256 != body:
                return Status(409, {"detail": f"Idempotency-Key {key} 已用于内容不同的请求", "problems": []})
            return Status(prior.status, prior.response)
    try:
        with transaction.atomic():
            status, answer = _ingest(access, request.user, [r.model_dump() for r in rows])
            if key:
                IdempotentRequest.objects.create(workspace=access.workspace, user_id=uid, key=key,
                                                 body_sha256=body, status=status, response=answer)  # fmt: skip
    except IntegrityError:  # the same key raced in from a parallel retry, which won
        return Status(409, {"detail": f"Idempotency-Key {key} 的请求正在处理或已处理", "problems": []})
    return Status(status, answer)


def _ingest(access: Any, user: Any, rows: list[dict[str, Any]]) -> tuple[int, dict[str, Any]]:
    try:
        done = ingest.submit(access.workspace, rows, access=access, user=user, kind="api", label="API 提交")
    except ingest.PermissionDenied as exc:
        return 403, {"detail": str(exc), "problems": [p.__dict__ for p in exc.problems]}
    except ingest.SubmissionRejected as exc:
        return 400, {"detail": str(exc), "problems": [p.__dict__ for p in exc.problems]}
    answer = {"batch": done.batch.pk if done.batch else None, "created": done.created, "revised": done.revised,
              "unchanged": done.unchanged}  # fmt: skip
    return 201, answer


@api.get("/workspaces/{ws}/audit", summary="审计日志（管理员；= /w/{ws}/audit.json）")
def audit(request: HttpRequest, ws: str) -> dict[str, Any]:
    access = access_for(request.user, ws)
    if not access.is_admin:
        raise HttpError(403, "只有管理员可以查看审计日志 (administrators only)")
    return audit_entries(access.workspace)


def _mount() -> None:
    """The systems' routers, under the workspace."""
    from kaifang.adaptability.api import router as adaptability
    from kaifang.stress.api import router as stress

    api.add_router("/workspaces", stress)
    api.add_router("/workspaces", adaptability)  # its paths start with /{ws}/…: ninja reads no parameters in a prefix


_mount()
