from django.contrib import admin

from mycity.privacy.models import Operator, PrivacyNotice


@admin.register(Operator)
class OperatorAdmin(admin.ModelAdmin):
    list_display = ["city", "name_ru", "email", "retention_years"]


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    list_display = ["city", "version", "published_at"]
    readonly_fields = ["snapshot"]
