"""Applying a saved mapping template (by labels, not positions) to an uploaded workbook."""

from __future__ import annotations

import pandas as pd

from kaifang.collection.models import MappingTemplate
from kaifang.observations.validate import Problem


def apply_template(template: MappingTemplate, content: bytes, filename: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Read the workbook and map it to long-format rows labelled ``file!sheet!R<row>C<col>``."""
    from kaifang.catalog.models import Indicator
    from kaifang.collection.readers import mapping
    from kaifang.collection.readers.grid import ReadError, read_workbook

    try:
        sheets = read_workbook(content, filename=filename)
    except ReadError as exc:
        return pd.DataFrame(), [Problem(filename, "file", str(exc))]
    names = {**dict(Indicator.objects.values_list("name_zh", "code")),
             **{c: c for c in Indicator.objects.values_list("code", flat=True)}}  # fmt: skip
    spec = mapping.Template.from_dict(template.spec)
    rows, problems = mapping.apply(spec, sheets, names=names, filename=filename)
    return rows, [Problem(p.location, p.column_letter or "file", p.message) for p in problems if p.level == "error"]
