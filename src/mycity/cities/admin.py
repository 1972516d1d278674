"""The Django admin is the platform operators' back door for data fixes; saves go
through the services so bounding boxes and search words stay right."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from mycity.cities import services
from mycity.cities.models import Building, CalendarDay, City, District, Organisation, Street


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_ru", "region", "population", "is_active"]
    list_filter = ["region", "is_active"]
    search_fields = ["slug", "name_ru", "name_be", "name_en"]

    def save_model(self, request: HttpRequest, obj: City, form: Any, change: bool) -> None:
        services.save_area(obj, obj.boundary)


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_ru", "city"]
    list_filter = ["city"]
    search_fields = ["slug", "name_ru", "name_be"]

    def save_model(self, request: HttpRequest, obj: District, form: Any, change: bool) -> None:
        services.save_area(obj, obj.boundary)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_ru", "kind", "city", "phone", "is_active"]
    list_filter = ["city", "kind", "is_active"]
    search_fields = ["slug", "name_ru", "name_be", "short_name_ru"]

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        services.save_area(obj, obj.service_area)


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ["name_ru", "name_be", "kind", "city"]
    list_filter = ["city", "kind"]
    search_fields = ["name_ru", "name_be"]

    def save_model(self, request: HttpRequest, obj: Street, form: Any, change: bool) -> None:
        services.save_street(obj)


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ["street", "number", "lat", "lon", "district"]
    list_filter = ["city"]
    search_fields = ["street__name_ru", "number"]
    raw_id_fields = ["street", "district"]

    def save_model(self, request: HttpRequest, obj: Building, form: Any, change: bool) -> None:
        services.upsert_building(
            street=obj.street,
            number=obj.number,
            lat=obj.lat,
            lon=obj.lon,
            district=obj.district,
            postcode=obj.postcode,
        )


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_working", "city", "note"]
    list_filter = ["is_working", "city"]
    date_hierarchy = "date"
