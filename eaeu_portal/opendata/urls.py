from django.urls import path, register_converter

from . import views


class FormatConverter:
    regex = "csv|xlsx|geojson"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FormatConverter, "exportformat")

app_name = "opendata"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("catalogue.json", views.catalogue_json, name="catalogue-json"),
    path("statistics/", views.statistics, name="dashboard"),
    path("statistics/<slug:chart>.csv", views.statistics_data, name="dashboard-data"),
    path("import/", views.upload, name="import-upload"),
    path("import/<uuid:job_id>/", views.job_detail, name="import-job"),
    path("import/<uuid:job_id>/mapping/", views.mapping, name="import-mapping"),
    path("import/<uuid:job_id>/status.json", views.job_status, name="import-status"),
    path("import/<uuid:job_id>/confirm/", views.confirm, name="import-confirm"),
    path("<slug:dataset>.<exportformat:fmt>", views.export, name="export"),
]
