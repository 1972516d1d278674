from django.urls import path

from mycity.console import views

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("demo/", views.demo_sign_in, name="demo"),
    path("<slug:slug>/", views.queue, name="queue"),
    path("<slug:slug>/appeals/<int:appeal_id>/", views.card, name="card"),
    path("<slug:slug>/appeals/<int:appeal_id>/act", views.act, name="act"),
]
