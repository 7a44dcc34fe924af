"""Synchronise the database with a validated catalog file.

The file is the source of truth and lives in version control; loading it is idempotent and each
changed indicator leaves an audit entry (through the model signals).
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from kaifang.accounts.models import Department
from kaifang.catalog.models import Indicator
from kaifang.catalog.schema import Catalog, CatalogIssue, load_catalog

SHIPPED_CATALOG = Path(__file__).with_name("catalog.yaml")


class CatalogInvalid(ValueError):
    def __init__(self, issues: list[CatalogIssue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


def read_catalog(path: Path | str = SHIPPED_CATALOG) -> Catalog:
    catalog, issues = load_catalog(Path(path))
    if issues or catalog is None:
        raise CatalogInvalid(issues)
    return catalog


@transaction.atomic
def sync_catalog(path: Path | str = SHIPPED_CATALOG) -> dict[str, int]:
    """Create or update departments and indicators from the file; returns counts."""
    catalog = read_catalog(path)
    depts = {d.code: d for d in Department.objects.all()}
    for d in catalog.departments:
        dept = depts.get(d.code)
        if dept is None:
            depts[d.code] = Department.objects.create(code=d.code, name_zh=d.name_zh, name_en=d.name_en)
        elif (dept.name_zh, dept.name_en) != (d.name_zh, d.name_en):
            dept.name_zh, dept.name_en = d.name_zh, d.name_en
            dept.save()
    existing = {i.code: i for i in Indicator.objects.all()}
    created = updated = 0
    for pos, spec in enumerate(catalog.indicators):
        fields = {
            "name_zh": spec.name_zh,
            "name_en": spec.name_en,
            "unit": spec.unit,
            "frequency": spec.frequency,
            "dimension": spec.dimension,
            "direction": spec.direction,
            "department": depts[spec.department],
            "source": spec.source or "",
            "formula": spec.formula or "",
            "notes": spec.notes or "",
            "catalog_version": catalog.version,
            "position": pos,
        }
        obj = existing.get(spec.code)
        if obj is None:
            existing[spec.code] = Indicator.objects.create(code=spec.code, **fields)
            created += 1
        elif any(getattr(obj, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(obj, k, v)
            obj.save()
            updated += 1
    for spec in catalog.indicators:  # parents after every indicator exists
        obj = existing[spec.code]
        parent = existing[spec.parent] if spec.parent else None
        if obj.parent_id != (parent.pk if parent else None):
            obj.parent = parent
            obj.save()
    return {"created": created, "updated": updated, "total": len(catalog.indicators)}
