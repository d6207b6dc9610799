"""Request rates per anonymous address and per API key, counted in Redis: 429 with Retry-After."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from eaeu_portal.api.keys import api_key_issue
from tests.api_mixins import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    cache.clear()
    settings.API_THROTTLE_RATES = {"anon": "3/minute", "user": "5/minute", "api_key": "4/minute"}
    yield settings.API_THROTTLE_RATES
    cache.clear()


def test_anonymous_requests_beyond_the_rate_get_429_with_retry_after(rates):
    client = APIClient()
    url = reverse("api:country-list")
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(url)
    assert_error(response, 429, "throttled")
    assert 0 < int(response["Retry-After"]) <= 60


def test_each_key_has_its_own_budget_and_may_carry_its_own_rate(rates):
    user = get_user_model().objects.create_user("partner", password="x")
    _, first = api_key_issue(name="first", user=user)
    second_key, second = api_key_issue(name="second", user=user)
    second_key.throttle_rate = "1/minute"
    second_key.save()
    url = reverse("api:country-list")
    a, b = APIClient(), APIClient()
    a.credentials(HTTP_X_API_KEY=first)
    b.credentials(HTTP_X_API_KEY=second)
    assert [a.get(url).status_code for _ in range(4)] == [200] * 4
    assert a.get(url).status_code == 429
    assert b.get(url).status_code == 200
    assert b.get(url).status_code == 429
    # The anonymous budget is separate from the keys'.
    assert APIClient().get(url).status_code == 200


def test_rate_limits_can_be_switched_off(settings):
    cache.clear()
    settings.API_THROTTLE_RATES = {"anon": None, "user": None, "api_key": None}
    client = APIClient()
    assert {client.get(reverse("api:sector-list")).status_code for _ in range(10)} == {200}
