from django.urls import path

from mycity.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.home, name="home"),
    path("cities/", views.cities_page, name="cities"),
    path("cities/table.<str:kind>", views.cities_export, name="cities_export"),
    path("<slug:slug>/", views.city_page, name="city"),
    path("<slug:slug>/table.<str:kind>", views.city_export, name="city_export"),
    path("<slug:slug>/heat.json", views.heat, name="heat"),
    path("<slug:slug>/appeals/", views.appeals, name="appeals"),
]
