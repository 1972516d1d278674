"""The notify router on an API of its own, so its tests do not depend on where the
project's API mounts it."""

from django.urls import path
from ninja import NinjaAPI

from mycity.core.api_errors import install_error_handlers
from mycity.core.api_formats import ObjectBodyParser
from mycity.notify.api import router

api = NinjaAPI(urls_namespace="notify-test", parser=ObjectBodyParser())
install_error_handlers(api)
api.add_router("/me/notifications", router)

urlpatterns = [path("api/v1/", api.urls)]
