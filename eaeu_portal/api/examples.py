"""Builds drf-spectacular examples for a view set from plain example records, so each endpoint's documentation
shows a realistic body for every operation it has."""

from drf_spectacular.utils import OpenApiExample, extend_schema


def schema_for_viewset(
    *, record: dict, name: str, request: dict | None = None, geojson: dict | None = None, geo_serializer=None
) -> dict:
    """Keyword arguments for extend_schema_view: examples for list, retrieve and, when given, the writes."""
    response = OpenApiExample(name, value=record, response_only=True, status_codes=["200", "201"])
    views = {
        "list": extend_schema(examples=[response]),
        "retrieve": extend_schema(examples=[response]),
    }
    if request is not None:
        body = OpenApiExample(f"{name} (input)", value=request, request_only=True)
        for action in ("create", "update", "partial_update"):
            views[action] = extend_schema(examples=[body, response])
    if geo_serializer is not None:
        views["geojson"] = extend_schema(
            responses=geo_serializer(many=True),
            examples=[
                # One feature: the documentation wraps it in the FeatureCollection page.
                OpenApiExample(f"{name} (GeoJSON)", value=geojson, response_only=True, status_codes=["200"])
            ],
        )
    return views
