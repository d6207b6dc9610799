from django.urls import path

from . import views

app_name = "clusters"

urlpatterns = [
    path("", views.cluster_list_view, name="list"),
    path("<int:pk>/", views.cluster_detail, name="detail"),
    path("<int:pk>/popup.json", views.cluster_popup, name="popup"),
    path("map/features.geojson", views.cluster_features, name="features"),
    path("map/counts.json", views.cluster_counts, name="counts"),
    path("map/export.csv", views.cluster_export, {"fmt": "csv"}, name="export-csv"),
    path("map/export.geojson", views.cluster_export, {"fmt": "geojson"}, name="export-geojson"),
]
