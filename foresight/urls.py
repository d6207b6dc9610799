from django.urls import path

from . import views

app_name = "foresight"

urlpatterns = [
    path("", views.explorer, name="explorer"),
    path("priorities/<str:code>/", views.priority_detail, name="priority-detail"),
    path("matrix/countries/", views.country_matrix, name="country-matrix"),
    path("matrix/regions/", views.region_matrix, name="region-matrix"),
    path("regions/", views.profile_list, name="profile-list"),
    path("regions/<str:iso_code>/", views.profile_detail, name="profile-detail"),
    path("lists/", views.list_index, name="list-index"),
    path("lists/<slug:code>/", views.list_detail, name="list-detail"),
    path("trends/", views.trend_list, name="trend-list"),
    path("trends/<slug:code>/", views.trend_detail, name="trend-detail"),
    path("indicators/", views.indicator_compare, name="indicator-compare"),
    path("indicators/import/", views.indicator_import, name="indicator-import"),
    path("indicators/<str:code>/", views.indicator_area, name="indicator-area"),
]
