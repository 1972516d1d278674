"""The operators' back door: categories are edited through the service; appeals, their
events and files are read-only here (they change only through the lifecycle)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from mycity.appeals.actions.catalogue import upsert_category
from mycity.appeals.extra_fields import check_definitions
from mycity.appeals.models import ApiClient, Appeal, AppealEvent, AppealPolicy, Category


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = [
            "city",
            "parent",
            "slug",
            "kind",
            "name_ru",
            "name_be",
            "name_en",
            "synonyms",
            "icon",
            "activity",
            "is_public",
            "needs_moderation",
            "default_organisation",
            "service_time_value",
            "service_time_unit",
            "extra_fields",
            "display_order",
            "is_active",
        ]

    def clean_extra_fields(self) -> Any:
        definitions = self.cleaned_data.get("extra_fields") or []
        try:
            check_definitions(definitions)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        return definitions


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryForm
    list_display = [
        "slug",
        "name_ru",
        "city",
        "kind",
        "parent",
        "default_organisation",
        "is_public",
        "needs_moderation",
        "is_active",
    ]
    list_filter = ["city", "kind", "is_public", "needs_moderation", "is_active"]
    search_fields = ["slug", "name_ru", "name_be", "name_en", "synonyms"]
    raw_id_fields = ["parent", "default_organisation"]

    def save_model(self, request: HttpRequest, obj: Category, form: Any, change: bool) -> None:
        saved = upsert_category(
            city=obj.city,
            slug=obj.slug,
            names=obj.names,
            kind=obj.kind,
            parent=obj.parent,
            icon=obj.icon,
            synonyms=obj.synonyms,
            activity=obj.activity,
            is_public=obj.is_public,
            needs_moderation=obj.needs_moderation,
            default_organisation=obj.default_organisation,
            service_time=(obj.service_time_value, obj.service_time_unit),
            extra_fields=obj.extra_fields,
            display_order=obj.display_order,
        )
        obj.pk = saved.pk


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = AppealEvent
    fields = ("created_at", "kind", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["number", "city", "kind", "category", "status", "organisation", "deadline"]
    list_filter = ["city", "kind", "status"]
    search_fields = ["number", "description"]
    list_select_related = ["city", "category", "organisation"]
    inlines = [EventInline]


@admin.register(AppealPolicy)
class AppealPolicyAdmin(admin.ModelAdmin):
    list_display = ["city", "disagreement_window_days"]


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "user", "scopes", "expires_at", "is_active", "created_at"]
    list_filter = ["city", "is_active"]
    readonly_fields = ["key_hash"]
    raw_id_fields = ["user"]
