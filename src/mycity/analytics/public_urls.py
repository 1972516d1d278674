from django.urls import path

from mycity.analytics import public_views

app_name = "analytics_public"

urlpatterns = [
    path("<slug:slug>/performance/", public_views.performance, name="performance"),
    path(
        "<slug:slug>/open-data/daily-figures.<str:kind>",
        public_views.daily_figures_file,
        name="daily_figures",
    ),
]
