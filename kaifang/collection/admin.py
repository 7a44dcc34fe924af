from django.contrib import admin

from kaifang.collection.models import MappingTemplate, ReportingDuty, Submission


@admin.register(MappingTemplate)
class MappingTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "department", "updated_at")
    list_filter = ("workspace", "department")


@admin.register(ReportingDuty)
class ReportingDutyAdmin(admin.ModelAdmin):
    list_display = ("department", "workspace", "due_day")
    list_filter = ("workspace",)
    filter_horizontal = ("indicators",)


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("id", "filename", "workspace", "department", "period", "state", "rows", "uploaded_by",
                    "uploaded_at")  # fmt: skip
    list_filter = ("workspace", "state", "department")
    readonly_fields = [f.name for f in Submission._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
