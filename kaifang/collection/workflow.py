"""The 月度调度 workflow: upload → (preview) → submit → approve or reject → new vintages.

Nothing reaches the observation store before a reviewer approves, and then all of a submission's
rows are written in one transaction by :func:`kaifang.observations.ingest.submit` (so a killed
process leaves nothing partial). Errors refuse rows and block submission; warnings (plausibility)
only ask the reviewer to look. The same file uploaded twice is recognised by its SHA-256 and changes
nothing. Every step leaves an audit entry.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kaifang.accounts.access import Access
from kaifang.accounts.models import Role, Workspace
from kaifang.audit.log import record
from kaifang.catalog.models import Indicator
from kaifang.collection.forms import read_long_sheet
from kaifang.collection.longcsv import LongFormatError, read_long_csv
from kaifang.collection.models import MappingTemplate, State, Submission
from kaifang.collection.plausibility import check as plausibility_check
from kaifang.core.periods import PeriodError, parse_period
from kaifang.observations import ingest
from kaifang.observations.query import panel
from kaifang.observations.validate import Problem, validate

LONG_SUFFIXES = {".csv", ".tsv", ".txt"}
STAGED_COLUMNS = ["indicator", "ref_area", "time_period", "basis", "obs_value", "unit", "obs_status", "source", "note"]


class WorkflowError(ValueError):
    """A step that is not allowed now (wrong state, wrong role, same reviewer as uploader …)."""


def upload_dir() -> Path:
    return Path(settings.DATA_DIR) / "uploads"


def stored_file(sha256: str) -> Path:
    return upload_dir() / sha256[:2] / sha256


def keep_file(content: bytes, sha256: str) -> Path:
    """Content-addressed storage of the uploaded evidence (written once, never changed)."""
    path = stored_file(sha256)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(content)
        tmp.replace(path)
    return path


def read_rows(content: bytes, filename: str, template: MappingTemplate | None) -> tuple[pd.DataFrame, list[Problem]]:
    """The file as long-format rows labelled by location, or the problems that stop reading it."""
    suffix = Path(filename).suffix.lower()
    if template is None:
        try:
            if suffix in LONG_SUFFIXES:
                return read_long_csv(content, filename), []
            return read_long_sheet(content, filename), []  # a generated form, or any long-layout sheet
        except LongFormatError as exc:
            return pd.DataFrame(), [Problem(filename, "file", str(exc))]

    from kaifang.collection.mapping_templates import apply_template

    return apply_template(template, content, filename)


def history_for(workspace: Workspace, rows: pd.DataFrame) -> pd.DataFrame:
    """The values in force for the indicators and regions a submission touches (for warnings)."""
    if rows.empty:
        return pd.DataFrame(columns=["indicator", "ref_area", "time_period", "basis", "obs_value"])
    return panel(workspace, indicators=rows["indicator"].unique().tolist(),
                 regions=rows["ref_area"].unique().tolist(), basis=None)  # fmt: skip


def as_codes(clean: pd.DataFrame, original: bool = False) -> pd.DataFrame:
    """Validated rows (ids, converted values) back in the long layout with codes.

    ``original=True`` keeps the figures as the department wrote them (万元 stays 万元): staged rows
    are converted again on approval, so the stored vintage keeps its original value and unit.
    """
    from kaifang.regions.models import Region

    codes = dict(Indicator.objects.values_list("id", "code"))
    regions = dict(Region.objects.values_list("id", "code"))
    return pd.DataFrame({
        "indicator": clean["indicator_id"].map(codes), "ref_area": clean["region_id"].map(regions),
        "time_period": clean["period"], "basis": clean["basis"],
        "obs_value": clean["original_value" if original else "value"],
        "unit": clean["original_unit" if original else "unit"],
        "obs_status": clean["status"], "source": clean["source"], "note": clean["note"],
    }, index=clean.index)  # fmt: skip


def warnings_for(workspace: Workspace, clean: pd.DataFrame, partitions: Any = ()) -> list[Any]:
    """Plausibility warnings (同比/环比 bounds, own history, peers, 合计 = 分项之和) for validated rows."""
    converted = as_codes(clean)
    if converted.empty:
        return []
    units = dict(Indicator.objects.values_list("code", "unit"))
    return plausibility_check(converted, history_for(workspace, converted), units=units, partitions=partitions)


def partitions_of(raw: pd.DataFrame) -> list[tuple[str, list[str], bool]]:
    """The 合计/分项 groups a mapped workbook carries (none for long files)."""
    if "part_of" not in raw.columns:
        return []
    from kaifang.collection.readers.mapping import partitions

    return partitions(raw)


def stage(workspace: Workspace, access: Access, raw: pd.DataFrame) -> tuple[list[dict[str, Any]], list, list]:
    """Validate rows; returns (clean rows to stage, errors, warnings) — all JSON-safe."""
    clean, problems, denied = validate(raw, access)
    errors = [asdict(p) for p in [*denied, *problems]]
    ok = clean[~clean.index.isin({p["row"] for p in errors})]
    warnings = [{"row": w.row, "column": w.column, "kind": w.kind, "message": w.message}
                for w in warnings_for(workspace, ok, partitions_of(raw))]  # fmt: skip
    staged = as_codes(ok, original=True)
    rows = [{"row": label, **{k: _json(v) for k, v in r.items()}} for label, r in staged.iterrows()]
    return rows, errors, warnings


def printable(obj: Any) -> Any:
    """JSON-safe and storable everywhere: PostgreSQL refuses NUL characters in text and jsonb."""
    if isinstance(obj, str):
        return obj.replace("\x00", "\\x00")
    if isinstance(obj, list):
        return [printable(v) for v in obj]
    if isinstance(obj, dict):
        return {k: printable(v) for k, v in obj.items()}
    return obj


def _json(v: Any) -> Any:
    if v is None or (isinstance(v, float) and v != v):
        return None
    return v.item() if hasattr(v, "item") else v


@transaction.atomic
def upload(
    workspace: Workspace, access: Access, user: Any, filename: str, content: bytes,
    *, template: MappingTemplate | None = None, period: str = "",
) -> Submission:  # fmt: skip
    """Read and check a file; keep it and its verdict as a Submission (state 已上传)."""
    if not access.can_write:
        raise WorkflowError(f"角色「{Role(access.role).label}」只读，不能上传 (read-only role)")
    filename = printable(filename)
    if period:
        try:
            parsed = parse_period(period)
        except PeriodError as exc:
            raise WorkflowError(f"报送月份格式错误：{exc}") from None
        if parsed.freq != "M":
            raise WorkflowError(f"报送月份应为月份（如 2025-10），而不是 {period}")
        period = f"{parsed.year}-{parsed.last_month:02d}"  # 2025-01/02 is reported as February
    digest = hashlib.sha256(content).hexdigest()
    dept = Q(department_id=access.department_id) if access.department_id else Q(department__isnull=True)
    same = (
        Submission.objects.filter(dept, workspace=workspace, sha256=digest, template=template)
        .exclude(state=State.REJECTED)
        .first()
    )
    if same is not None:
        return same  # the same bytes again: nothing changes, the earlier submission is the answer
    keep_file(content, digest)
    raw, read_problems = read_rows(content, filename, template)
    staged, errors, warnings = stage(workspace, access, raw) if not raw.empty else ([], [], [])
    errors = printable([asdict(p) for p in read_problems] + errors)
    warnings, staged = printable(warnings), printable(staged)
    if raw.empty and not errors:
        errors = [{"row": filename, "column": "file", "message": "文件中没有数据行 (no data rows)"}]
    months = sorted({r["time_period"][:5] + r["time_period"][-2:] for r in staged if "-" in r["time_period"]})
    sub = Submission.objects.create(
        workspace=workspace, department_id=access.department_id, period=period or (months[-1] if months else ""),
        filename=filename[:255], sha256=digest, size=len(content), template=template, rows=len(staged),
        errors=errors, warnings=warnings, staged=staged, uploaded_by=user, uploaded_at=timezone.now(),
    )  # fmt: skip
    record("create", object_type="collection.Submission", object_id=sub.pk, object_repr=str(sub),
           after={"file": filename, "sha256": digest, "rows": len(staged), "errors": len(errors),
                  "warnings": len(warnings)}, workspace=workspace, actor=user)  # fmt: skip
    return sub


@transaction.atomic
def submit(sub: Submission, access: Access, user: Any) -> Submission:
    """The department sends its checked file for review (only without errors)."""
    sub = Submission.objects.select_for_update().get(pk=sub.pk)
    if sub.state not in {State.UPLOADED, State.REJECTED} or not access.can_write:
        raise WorkflowError(f"报送 #{sub.pk} 当前状态为「{sub.get_state_display()}」，不能提交")
    if sub.errors:
        raise WorkflowError(f"报送 #{sub.pk} 有 {len(sub.errors)} 处错误，请修正后重新上传")
    before = sub.state
    sub.state, sub.submitted_at = State.SUBMITTED, timezone.now()
    sub.save(update_fields=["state", "submitted_at"])
    record("update", object_type="collection.Submission", object_id=sub.pk, object_repr=str(sub),
           before={"state": before}, after={"state": sub.state}, workspace=sub.workspace, actor=user)  # fmt: skip
    return sub


@transaction.atomic
def review(
    sub: Submission, access: Access, user: Any, *, approve: bool, comment: str = "", accept_warnings: bool = False
) -> Submission:
    """A reviewer (管理员/分析员, not the uploader) approves — rows become vintages — or rejects."""
    sub = Submission.objects.select_for_update().get(pk=sub.pk)
    if not access.can_manage:
        raise WorkflowError("只有管理员或分析员可以审核 (reviewers are administrators or analysts)")
    if sub.state != State.SUBMITTED:
        raise WorkflowError(f"报送 #{sub.pk} 当前状态为「{sub.get_state_display()}」，不能审核")
    if sub.uploaded_by_id == getattr(user, "pk", None):
        raise WorkflowError("上传人不能审核自己的报送（四眼原则） (the uploader cannot review)")
    if not approve and not comment.strip():
        raise WorkflowError("退回时请填写审核意见 (a rejection needs a comment)")
    if approve and sub.warnings and not accept_warnings:
        raise WorkflowError(f"报送 #{sub.pk} 有 {len(sub.warnings)} 条警告：请逐条核对并勾选“已核对警告”后再通过")
    if approve:
        rows = pd.DataFrame(sub.staged).set_index("row")[STAGED_COLUMNS]
        try:  # the rows are written in the uploader's name; the approval is the reviewer's (audited below)
            done = ingest.submit(sub.workspace, rows, access=access, user=sub.uploaded_by, kind="upload",
                                 label=f"{sub.filename}（审核：{user.get_username()}）")  # fmt: skip
        except (ingest.SubmissionRejected, ingest.PermissionDenied) as exc:
            raise WorkflowError(f"报送 #{sub.pk} 已不能写入（目录或数据在上传后有变化）：{exc}") from None
        sub.batch = done.batch
    sub.state = State.APPROVED if approve else State.REJECTED
    sub.reviewed_by, sub.reviewed_at, sub.review_comment = user, timezone.now(), comment
    sub.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_comment", "batch"])
    record("update", object_type="collection.Submission", object_id=sub.pk, object_repr=str(sub),
           before={"state": State.SUBMITTED}, after={"state": sub.state, "comment": comment,
           "batch": sub.batch_id, "warnings_accepted": len(sub.warnings) if approve else 0},
           workspace=sub.workspace, actor=user)  # fmt: skip
    return sub


__all__ = ["WorkflowError", "read_rows", "review", "submit", "upload"]
