from django.urls import path

from mycity.reception import views

app_name = "reception"

urlpatterns = [
    path("", views.reception, name="page"),
    path("sessions/<int:session_id>/", views.book, name="book"),
    path("appointments/<int:appointment_id>/cancel", views.cancel, name="cancel"),
]
