from django.contrib import admin

from kaifang.roadmap.models import (
    Assessment,
    ExploratoryMeasure,
    Kpi,
    KpiTarget,
    Policy,
    ProgressReport,
    RoadmapConfig,
    Task,
)


@admin.register(RoadmapConfig)
class RoadmapConfigAdmin(admin.ModelAdmin):
    list_display = ("workspace", "yellow_pts", "red_pts", "missed_reports", "due_day", "score_method")


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ("title", "doc_number", "workspace", "valid_until", "transition_start", "transition_end")
    list_filter = ("workspace",)


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("title", "policy", "lead_department", "start_month", "end_month", "weight")
    list_filter = ("workspace", "lead_department")


@admin.register(Kpi)
class KpiAdmin(admin.ModelAdmin):
    list_display = ("name", "task", "indicator", "baseline", "baseline_period", "weight", "lead_department")
    list_filter = ("workspace", "lead_department")


class ReadOnly(admin.ModelAdmin):
    """History is changed only through the roadmap's own workflow (requests, approvals, filings)."""

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(KpiTarget)
class KpiTargetAdmin(ReadOnly):
    list_display = ("kpi", "value", "deadline", "effective_from", "state", "requested_by", "decided_by")
    list_filter = ("workspace", "state")


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnly):
    list_display = ("task", "month", "department", "state", "filed_by", "filed_at")
    list_filter = ("workspace", "state", "department")


@admin.register(Assessment)
class AssessmentAdmin(ReadOnly):
    list_display = ("label", "month", "workspace", "created_by", "created_at")


@admin.register(ExploratoryMeasure)
class ExploratoryMeasureAdmin(ReadOnly):
    list_display = ("title", "department", "status", "outcome", "filed_on")
    list_filter = ("workspace", "status")
