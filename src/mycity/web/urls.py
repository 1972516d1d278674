from django.urls import include, path

from mycity.web import (
    collective_views,
    e_appeal_views,
    map_views,
    open_data_views,
    public_report_views,
    pwa,
    report_alert_views,
    report_feeds,
    report_views,
    resident_views,
    subscription_views,
    views,
)

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("cities/", views.city_chooser, name="city_chooser"),
    path("language/", views.set_language, name="set_language"),
    path("settings/", views.personal_settings, name="settings"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    path("robots.txt", pwa.robots, name="robots"),
    path("open-data/", open_data_views.open_data_home, name="open_data_home"),
    path("my/appeals/", resident_views.my_appeals, name="my_appeals"),
    path("my/appeals/<int:appeal_id>/", resident_views.my_appeal, name="my_appeal"),
    path("my/notifications/", resident_views.my_notifications, name="my_notifications"),
    path("my/subscriptions/", subscription_views.subscriptions, name="subscriptions"),
    path("my/alerts/", report_alert_views.report_alerts, name="report_alerts"),
    path(
        "my/alerts/<int:alert_id>/stop",
        report_alert_views.stop_report_alert,
        name="stop_report_alert",
    ),
    path("unsubscribe/<str:token>/", subscription_views.unsubscribe, name="unsubscribe"),
    path("", include("mycity.privacy.urls")),
    path("<slug:slug>/appeals/<int:appeal_id>/", resident_views.appeal_link),
    path("<slug:slug>/reception/", include("mycity.reception.urls")),
    path("<slug:slug>/", views.city_home, name="city_home"),
    path("<slug:slug>/report/", report_views.report, name="report"),
    path("<slug:slug>/open-data/", open_data_views.open_data, name="open_data"),
    path("<slug:slug>/map/", map_views.report_map, name="report_map"),
    path("<slug:slug>/e-appeal/", e_appeal_views.e_appeal, name="e_appeal"),
    path("<slug:slug>/answers/", collective_views.collective_answers, name="collective_answers"),
    path(
        "<slug:slug>/answers/<int:answer_id>/",
        collective_views.collective_answer,
        name="collective_answer",
    ),
    path("<slug:slug>/report/nearby", report_views.nearby, name="report_nearby"),
    path("<slug:slug>/reports/<int:appeal_id>/me-too", report_views.me_too, name="me_too"),
    path(
        "<slug:slug>/reports/<int:appeal_id>/",
        public_report_views.public_report,
        name="public_report",
    ),
    path("<slug:slug>/reports/feed/", report_feeds.area_feed, name="area_feed"),
    path("<slug:slug>/reports/<int:appeal_id>/feed/", report_feeds.report_feed, name="report_feed"),
    path(
        "<slug:slug>/reports/<int:appeal_id>/follow",
        report_alert_views.follow_report,
        name="follow_report",
    ),
]
