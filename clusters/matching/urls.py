from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("rebuild/", views.matching_rebuild_view, name="rebuild"),
    path("rebuild/progress.json", views.matching_progress_view, name="progress"),
    path("network/", views.matching_network_view, name="network"),
    path("find/", views.find_partners_view, name="find"),
    path("lines/<int:pk>.geojson", views.partner_lines_view, name="partner-lines"),
]
