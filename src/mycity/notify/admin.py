"""Read-only views of the outbox for platform operators: what was sent, what failed."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from mycity.notify.models import Delivery, Notification


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeliveryInline(ReadOnly, admin.TabularInline):
    model = Delivery
    extra = 0
    fields = ["channel", "state", "attempts", "due_at", "claimed_at", "sent_at", "last_error"]


@admin.register(Notification)
class NotificationAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["id", "recipient", "topic", "subject", "in_app", "created_at", "read_at"]
    list_filter = ["topic", "in_app", "created_at"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__email", "subject", "dedupe_key"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["id", "notification", "channel", "state", "attempts", "due_at", "sent_at"]
    list_filter = ["channel", "state"]
    list_select_related = ["notification"]
    search_fields = ["notification__recipient__email", "last_error"]
    show_full_result_count = False
