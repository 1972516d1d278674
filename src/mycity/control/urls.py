"""Control's console pages, included by the console under /console/<city>/control/."""

from django.urls import path

from mycity.control import views

app_name = "control"

urlpatterns = [
    path("", views.controlled, name="list"),
    path("appeals/<int:appeal_id>/set", views.set_control, name="set"),
    path("appeals/<int:appeal_id>/lift", views.lift_control, name="lift"),
    path("appeals/<int:appeal_id>/subtasks", views.open_subtask, name="open_subtask"),
    path("subtasks/<int:subtask_id>/done", views.complete_subtask, name="complete_subtask"),
    path("subtasks/<int:subtask_id>/reported", views.report_subtask, name="report_subtask"),
]
