from django.contrib import admin

from kaifang.audit.models import AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that change only through an audited path (the audit log itself, observations)."""

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_name", "workspace", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type", "workspace")
    search_fields = ("object_repr", "actor_name", "object_id")
