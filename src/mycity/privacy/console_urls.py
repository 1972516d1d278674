"""The personal-data officer's console pages (included by mycity.console.urls under
`<slug>/privacy/`: `console:privacy:…`)."""

from django.urls import path

from mycity.privacy import console_views

app_name = "privacy"

urlpatterns = [
    path("", console_views.requests, name="requests"),
    path("requests/<int:request_id>/", console_views.request_card, name="request"),
    path("incidents/", console_views.incidents, name="incidents"),
    path("incidents/new", console_views.incident, name="new_incident"),
    path("incidents/<int:incident_id>/", console_views.incident, name="incident"),
]
