"""Open311 GeoReport v2, mounted at /open311/v2/ (docs/open311.md).

Every resource takes its format as an extension: .json or .xml."""

from django.urls import re_path

from mycity.appeals import open311

app_name = "open311"

_FORMAT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(rf"^services{_FORMAT}", open311.service_list, name="services"),
    re_path(
        rf"^services/(?P<service_code>[^/]+){_FORMAT}",
        open311.service_definition,
        name="service",
    ),
    re_path(rf"^requests{_FORMAT}", open311.service_requests, name="requests"),
    re_path(
        rf"^requests/(?P<service_request_id>[^/]+){_FORMAT}",
        open311.service_request,
        name="request",
    ),
    re_path(
        rf"^servicerequestupdates{_FORMAT}",
        open311.service_request_updates,
        name="updates",
    ),
    re_path(rf"^tokens/(?P<token>[^/]+){_FORMAT}", open311.token, name="token"),
    re_path(r"^(?P<path>.*)$", open311.unknown, name="unknown"),
]
