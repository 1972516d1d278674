from django.contrib import admin

from mycity.privacy.models import Operator, PrivacyNotice


@admin.register(Operator)
class OperatorAdmin(admin.ModelAdmin):
    list_display = ["city", "name_ru", "email", "retention_years"]
    # The city's administrator edits the operator in the console, which publishes a
    # new version of the notice on each change; an edit here would publish nothing.
    readonly_fields = ["purposes", "processors"]


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    list_display = ["city", "version", "published_at"]
    readonly_fields = ["snapshot"]
