"""Background job of the roadmap: the quarterly report rendered as PDF and Word (``roadmap.report``).

Optionally finalises (定稿) the quarter first, so the files and the stored assessment agree. The files are kept
content-addressed under ``KAIFANG_DATA_DIR/uploads`` like evidence; the job's result lists them and links the PDF
(``roadmap:job-report``).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.urls import reverse

from kaifang.collection.workflow import keep_file
from kaifang.jobs.models import Job
from kaifang.jobs.runner import Progress, register
from kaifang.roadmap.assess import finalise, quarter_month, stored
from kaifang.roadmap.report import render, report_data


@register("roadmap.report")
def report_job(job: Job, progress: Progress) -> dict[str, Any]:
    quarter = str(job.params["quarter"]).upper()
    month = quarter_month(quarter)
    if job.params.get("finalise") and stored(job.workspace, month) is None:
        finalise(job.workspace, month, job.created_by, quarter)
    progress(0.1, "汇总评估结果")
    data = report_data(job.workspace, quarter)
    files = {}
    for i, kind in enumerate(("pdf", "docx")):
        progress(0.2 + 0.4 * i, f"生成 {kind.upper()}")
        content = render(data, kind)
        digest = hashlib.sha256(content).hexdigest()
        keep_file(content, digest)
        files[kind] = {
            "sha256": digest,
            "size": len(content),
            "name": f"{job.workspace.name_zh}{quarter}季度评估报告.{kind}",
        }
    url = reverse("roadmap:job-report", kwargs={"ws": job.workspace.code, "pk": job.pk, "kind": "pdf"})
    return {"quarter": quarter, "files": files, "url": url, "stored": data["stored"]}
