"""The resident's pages (included by mycity.web.urls: `web:privacy:…`)."""

from django.urls import path

from mycity.privacy import views

app_name = "privacy"

urlpatterns = [
    path("my/data/", views.my_data, name="my_data"),
    path("my/data/download", views.download, name="download"),
    path("my/data/requests/<int:request_id>/", views.my_request, name="my_request"),
    path("<slug:slug>/privacy/", views.notice, name="notice"),
]
