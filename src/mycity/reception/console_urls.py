from django.urls import path

from mycity.reception import console_views as views

app_name = "reception"

urlpatterns = [
    path("", views.schedule, name="schedule"),
    path("officials/new", views.add_official, name="add_official"),
    path("officials/<int:official_id>/retire", views.retire_official, name="retire_official"),
    path("officials/<int:official_id>/rules/new", views.add_rule, name="add_rule"),
    path("rules/<int:rule_id>/retire", views.retire_rule, name="retire_rule"),
    path("generate", views.generate, name="generate"),
    path("sessions/<int:session_id>/", views.session, name="session"),
    path("appointments/<int:appointment_id>/record", views.record, name="record"),
]
