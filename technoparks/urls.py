from django.urls import path

from . import views

app_name = "technoparks"

urlpatterns = [
    path("", views.technopark_list_view, name="list"),
    path("<int:pk>/", views.technopark_detail, name="detail"),
    path("<int:pk>/popup.json", views.technopark_popup, name="popup"),
    path("map/features.geojson", views.technopark_features, name="features"),
    path("map/counts.json", views.technopark_counts, name="counts"),
    path("map/export.csv", views.technopark_export, {"fmt": "csv"}, name="export-csv"),
    path("map/export.geojson", views.technopark_export, {"fmt": "geojson"}, name="export-geojson"),
]
