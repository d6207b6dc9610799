"""API keys: issued by staff, named, scoped, revocable; only a digest is stored."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from directory.models import ApiKey, ApiKeyScope
from directory.tests.factories import OrganisationFactory
from eaeu_portal.api.keys import api_key_find, api_key_issue, api_key_revoke
from tests.api_mixins import _no_throttling, assert_error  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner():
    return get_user_model().objects.create_user("partner-bank", password="x")


def keyed(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=key)
    return client


def test_issued_key_is_stored_only_as_a_digest(partner):
    api_key, key = api_key_issue(name="Development bank", user=partner, scope=ApiKeyScope.READ)
    assert key.startswith(f"eaeu_{api_key.prefix}_")
    stored = ApiKey.objects.get(pk=api_key.pk)
    assert key not in {stored.prefix, stored.key_digest}
    assert api_key_find(key) == api_key


def test_request_with_a_key_acts_as_its_user_and_records_use(partner):
    draft = OrganisationFactory(draft=True, created_by=partner)
    api_key, key = api_key_issue(name="Partner portal", user=partner)
    response = keyed(key).get(reverse("api:organisation-detail", kwargs={"pk": draft.pk}))
    assert response.status_code == 200
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None


@pytest.mark.parametrize("key", ["eaeu_00000000_nonsense", "not-a-key", "eaeu__", ""])
def test_unknown_or_malformed_key_is_a_401(key):
    response = keyed(key).get(reverse("api:country-list"))
    assert_error(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"] == 'Api-Key header="X-API-Key"'


def test_revoked_key_stops_working_at_once(partner):
    api_key, key = api_key_issue(name="Analyst", user=partner)
    assert keyed(key).get(reverse("api:country-list")).status_code == 200
    api_key_revoke(api_key=api_key)
    assert_error(keyed(key).get(reverse("api:country-list")), 401, "authentication_failed")


def test_expired_key_is_refused(partner):
    _, key = api_key_issue(name="Old", user=partner, expires_at=timezone.now() - datetime.timedelta(days=1))
    assert_error(keyed(key).get(reverse("api:country-list")), 401)


def test_key_of_a_disabled_account_is_refused(partner):
    _, key = api_key_issue(name="Former partner", user=partner)
    partner.is_active = False
    partner.save()
    assert_error(keyed(key).get(reverse("api:country-list")), 401)


def test_a_malformed_rate_is_refused_by_the_model(partner):
    api_key, _ = api_key_issue(name="Rate", user=partner)
    api_key.throttle_rate = "lots"
    with pytest.raises(Exception, match="requests per second, minute, hour or day"):
        api_key.full_clean()


def test_staff_issue_a_key_in_the_admin_and_see_it_once(client, partner):
    staff = get_user_model().objects.create_superuser("admin", password="x")
    client.force_login(staff)
    response = client.post(
        reverse("admin:directory_apikey_add"),
        {"name": "Registry of Kazakhstan", "user": partner.pk, "scope": "read_write", "throttle_rate": "100/minute"},
        follow=True,
    )
    assert response.status_code == 200
    api_key = ApiKey.objects.get(name="Registry of Kazakhstan")
    assert api_key.created_by == staff and api_key.throttle_rate == "100/minute"
    shown = [str(m) for m in response.context["messages"] if "copy it now" in str(m)]
    assert len(shown) == 1
    key = shown[0].split(" is ")[1].split(" ")[0]
    assert api_key_find(key) == api_key
    client.post(
        reverse("admin:directory_apikey_changelist"),
        {"action": "revoke", "_selected_action": [api_key.pk]},
    )
    assert api_key_find(key) is None
