from django.urls import path

from mycity.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_page, name="page"),
    path("appeals.csv", views.report_csv, name="csv"),
    path("appeals.xlsx", views.report_xlsx, name="xlsx"),
]
