"""Observations in the admin are read-only: a figure changes only through a new, audited vintage."""

from django.contrib import admin

from kaifang.audit.admin import ReadOnlyAdmin
from kaifang.observations.models import ImportBatch, Observation


@admin.register(Observation)
class ObservationAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "region", "period", "basis", "value", "unit", "status", "submitted_at",
                    "superseded_at", "is_sample")  # fmt: skip
    list_filter = ("workspace", "basis", "status", "is_sample")
    search_fields = ("indicator__code", "region__code", "period")
    list_select_related = ("indicator", "region")


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ("id", "workspace", "kind", "label", "submitted_by", "submitted_at", "rows", "revised")
    list_filter = ("workspace", "kind")
