from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from mycity.accounts.models import Role, User


class RoleInline(admin.TabularInline):
    model = Role
    fk_name = "user"
    extra = 0
    raw_id_fields = ["city", "organisation", "granted_by"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "home_city", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "language"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name", "language", "home_city", "home_building")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    raw_id_fields = ["home_city", "home_building"]
    filter_horizontal = ()
    inlines = [RoleInline]
