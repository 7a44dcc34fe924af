from django.contrib import admin

from kaifang.catalog.models import Indicator


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "unit", "frequency", "dimension", "direction", "department")
    list_filter = ("dimension", "frequency", "direction", "department")
    search_fields = ("code", "name_zh", "name_en")
