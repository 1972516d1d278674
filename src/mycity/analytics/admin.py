"""Observers (a mayor, an oblast's or a ministry's official) and a city's sectors of
categories are granted and set by the platform's operators here; the daily figures are
written only by the nightly run and the backfill, so they are not editable."""

from django.contrib import admin

from mycity.analytics.models import CategorySector, Observer


@admin.register(Observer)
class ObserverAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "city", "region", "granted_at"]
    list_filter = ["kind", "region"]
    search_fields = ["user__email", "user__full_name"]
    raw_id_fields = ["user"]


@admin.register(CategorySector)
class CategorySectorAdmin(admin.ModelAdmin):
    list_display = ["category", "sector"]
    list_filter = ["sector", "category__city"]
    raw_id_fields = ["category"]
