"""One error format for every 4xx, whatever produced it."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient

from tests.api_mixins import _no_throttling, assert_error  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def user_client():
    client = APIClient()
    client.force_authenticate(get_user_model().objects.create_user("someone", password="x"))
    return client


def test_method_not_allowed(user_client):
    assert_error(user_client.put(reverse("api:sector-list"), {}, format="json"), 405, "method_not_allowed")


def test_unsupported_media_type(user_client):
    response = user_client.post(reverse("api:organisation-list"), "name_en=x", content_type="text/plain")
    assert_error(response, 415, "unsupported_media_type")


def test_not_acceptable():
    assert_error(APIClient().get(reverse("api:country-list"), HTTP_ACCEPT="application/xml"), 406, "not_acceptable")


def test_format_override_is_not_a_back_door():
    assert_error(APIClient().get(reverse("api:country-list") + "?format=api"), 400, "unknown_parameter", "format")


def test_cursor_cannot_be_combined_with_page_or_ordering():
    url = reverse("api:organisation-list")
    assert_error(APIClient().get(url, {"cursor": "", "page": 2}), 400, "invalid", "page")
    assert_error(APIClient().get(url, {"cursor": "", "ordering": "name_en"}), 400, "invalid", "ordering")


def test_session_writes_need_the_csrf_token():
    user = get_user_model().objects.create_user("browser", password="x")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("api:organisation-list"), {"name_en": "x"}, format="json")
    assert_error(response, 403, "permission_denied")
    assert "CSRF" in response.json()["message"]
