"""Load the shipped region list (``regions/data/regions.csv``) into the database, idempotently."""

from __future__ import annotations

from django.db import transaction

from kaifang.regions.matching import load_regions
from kaifang.regions.models import Region


@transaction.atomic
def sync_regions() -> int:
    """Create or update every shipped region; returns how many rows changed."""
    existing = {r.code: r for r in Region.objects.all()}
    changed = 0
    # parents first: provinces (and foreign areas, which have none), then prefectures, then counties
    depth = {"world": 0, "country": 0, "province": 0, "prefecture": 1, "county": 2}
    for rec in sorted(load_regions(), key=lambda r: (depth[r.level], r.code)):
        fields = {
            "name_zh": rec.name_zh,
            "name_en": rec.name_en,
            "level": rec.level,
            "parent": existing.get(rec.parent_code) if rec.parent_code else None,
            "aliases": list(rec.aliases),
            "former_codes": list(rec.former_codes),
        }
        obj = existing.get(rec.code)
        if obj is None:
            obj = Region.objects.create(code=rec.code, **fields)
            existing[rec.code] = obj
            changed += 1
        elif any(getattr(obj, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(obj, k, v)
            obj.save()
            changed += 1
    return changed
