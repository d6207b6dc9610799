from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("organisations/", views.organisation_list_view, name="organisation-list"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("boundaries/countries.geojson", views.boundaries, {"level": "country"}, name="country-boundaries"),
    path("boundaries/regions.geojson", views.boundaries, {"level": "region"}, name="region-boundaries"),
]
