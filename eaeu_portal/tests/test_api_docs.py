"""The OpenAPI schema, the documentation pages served without a CDN, versioning and CORS."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.api_mixins import _no_throttling  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema():
    response = APIClient().get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_schema_documents_every_endpoint_with_examples_and_errors(schema):
    for resource in ("countries", "blocs", "regions", "sectors", "organisations", "clusters", "memberships"):
        assert f"/api/v1/{resource}/" in schema["paths"]
    for resource in ("technoparks", "residencies", "pool-memberships"):
        assert f"/api/v1/{resource}/{{id}}/" in schema["paths"]
    for geo in ("countries", "regions", "organisations", "clusters", "technoparks"):
        assert f"/api/v1/{geo}/geojson/" in schema["paths"]
    mine = ("countries", "blocs", "regions", "sectors", "organisations", "clusters", "memberships", "technoparks")
    mine += ("residencies", "pool-memberships")
    for path, operations in schema["paths"].items():
        if path.split("/")[3] not in mine:
            continue
        for method, operation in operations.items():
            responses = operation["responses"]
            assert responses["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
            assert "Retry-After" in responses["429"]["headers"]
            success = responses.get("200") or responses.get("201")
            if success and "content" in success:
                assert success["content"]["application/json"].get("examples"), (path, method)


def test_write_bodies_admit_no_unknown_fields(schema):
    cluster_input = schema["components"]["schemas"]["ClusterWriteRequest"]
    assert cluster_input["additionalProperties"] is False
    assert "status" not in cluster_input["properties"] and "created_by" not in cluster_input["properties"]


def test_schema_states_the_deprecation_policy_and_the_key_header(schema):
    assert "/api/v2/" in schema["info"]["description"] and "Sunset" in schema["info"]["description"]
    assert schema["components"]["securitySchemes"]["ApiKey"] == {"type": "apiKey", "in": "header", "name": "X-API-Key"}


def test_docs_pages_load_scripts_from_the_portal_only(client):
    for name in ("api-docs", "api-redoc"):
        html = client.get(reverse(name)).content.decode()
        sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
        assert sources, name
        assert all(src.startswith("/") for src in sources), sources
        assert not re.search(r"<script>\s*\S", html), "inline script"


def test_swagger_init_script_is_served_from_the_same_origin(client):
    response = client.get(reverse("api-docs") + "?script=")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()


def test_cors_allows_configured_partner_origins_and_exposes_the_etag(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://partner.example.org"]
    allowed = client.get(reverse("api:country-list"), HTTP_ORIGIN="https://partner.example.org")
    assert allowed["Access-Control-Allow-Origin"] == "https://partner.example.org"
    assert "ETag" in allowed["Access-Control-Expose-Headers"]
    other = client.get(reverse("api:country-list"), HTTP_ORIGIN="https://elsewhere.example.org")
    assert "Access-Control-Allow-Origin" not in other
    preflight = client.options(
        reverse("api:country-list"),
        HTTP_ORIGIN="https://partner.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-api-key",
    )
    assert "x-api-key" in preflight["Access-Control-Allow-Headers"]


def test_responses_vary_by_language_and_credentials(client):
    vary = client.get(reverse("api:country-list"))["Vary"]
    for header in ("Accept-Language", "Cookie", "X-API-Key"):
        assert header in vary
