"""REST routes of the policy adaptability assessment (/api/workspaces/{ws}/adaptability/…, mounted on the platform
API): the library, one model, the matrix, a model's latest (or a given) assessment — the same dicts as the JSON
twins — and POST to assess a model on the latest data (administrators and analysts)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.errors import HttpError

from kaifang.accounts.access import access_for
from kaifang.adaptability import pages
from kaifang.adaptability.models import Assessment, PolicyModel
from kaifang.adaptability.store import latest_assessment, run_assessment

router = Router(tags=["adaptability 政策适配性评估"])


@router.get("/{ws}/adaptability", summary="经验模式库（= /w/{ws}/adaptability/library.json）")
def library(request: HttpRequest, ws: str) -> dict[str, Any]:
    return pages.library(access_for(request.user, ws).workspace)


@router.get("/{ws}/adaptability/matrix", summary="适配矩阵：全部模式 × 三个匹配关系（= matrix.json）")
def matrix(request: HttpRequest, ws: str) -> dict[str, Any]:
    return pages.matrix(access_for(request.user, ws).workspace)


@router.get("/{ws}/adaptability/models/{key}", summary="一个模式及其前提条件（= models/{key}.json）")
def model(request: HttpRequest, ws: str, key: str) -> dict[str, Any]:
    access = access_for(request.user, ws)
    return pages.model_detail(access.workspace, get_object_or_404(PolicyModel, workspace=access.workspace, key=key))


@router.get("/{ws}/adaptability/models/{key}/report", summary="评估报告（= models/{key}/report.json）")
def report(request: HttpRequest, ws: str, key: str, assessment: int | None = None) -> dict[str, Any]:
    access = access_for(request.user, ws)
    pm = get_object_or_404(PolicyModel, workspace=access.workspace, key=key)
    found = (
        get_object_or_404(Assessment, workspace=access.workspace, model=pm, pk=assessment)
        if assessment is not None
        else latest_assessment(pm)
    )
    return pages.report(access.workspace, pm, found)


@router.post("/{ws}/adaptability/models/{key}/assess", response={201: dict[str, Any]}, summary="以最新数据评估")
def assess(request: HttpRequest, ws: str, key: str) -> Status[dict[str, Any]]:
    access = access_for(request.user, ws)
    if not access.can_manage:
        raise HttpError(403, "只有管理员和分析员可以评估 (administrators and analysts only)")
    pm = get_object_or_404(PolicyModel, workspace=access.workspace, key=key)
    try:
        a = run_assessment(access.workspace, pm, request.user if isinstance(request.user, User) else None)
    except ValueError as exc:
        raise HttpError(400, str(exc)) from None
    return Status(201, pages.report(access.workspace, pm, a))
