from django.urls import path

from mycity.web import pwa, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("cities/", views.city_chooser, name="city_chooser"),
    path("language/", views.set_language, name="set_language"),
    path("settings/", views.personal_settings, name="settings"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    path("<slug:slug>/", views.city_home, name="city_home"),
]
