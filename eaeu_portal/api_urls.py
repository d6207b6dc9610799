"""/api/v1/: each app contributes its routes from its own api/urls.py."""

from django.urls import include, path

app_name = "api"

urlpatterns = [
    path("", include("directory.api.urls")),
    path("", include("clusters.api.urls")),
    path("", include("technoparks.api.urls")),
    path("", include("foresight.api.urls")),
    path("", include("projects.api.urls")),
]
