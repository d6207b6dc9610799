"""Standard checks for an API endpoint, written once and applied to each one (after NetBox's APIViewTestCases).

A test class sets `basename` and implements `make_record(owner=..., draft=...)`; write checks also need
`create_payload()` and `update_payload()`. Users: anonymous, a manager (owns the record), another manager, staff.
"""

import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from directory.choices import PublicationStatus
from directory.models import ApiKeyScope
from eaeu_portal.api.keys import api_key_issue

ERROR_KEYS = {"code", "message", "fields"}


def assert_error(response, status: int, code: str | None = None, field: str | None = None) -> dict:
    """The response is a 4xx in the one error format, with the expected code and offending field."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert body["message"], body
    if code is not None:
        assert body["code"] == code, body
    if field is not None:
        assert field in body["fields"], body
    return body


def results_ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture(autouse=True)
def _no_throttling(settings):
    """Request rates are tested on their own (eaeu_portal/tests/test_api_throttling.py); here they would only
    make unrelated checks depend on how many requests came before."""
    settings.API_THROTTLE_RATES = {"anon": None, "user": None, "api_key": None}


@pytest.fixture
def manager(db):
    return get_user_model().objects.create_user("manager", password="x")


@pytest.fixture
def other_manager(db):
    return get_user_model().objects.create_user("other-manager", password="x")


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("staff", password="x", is_staff=True)


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def key_client(user, scope=ApiKeyScope.READ) -> APIClient:
    _, key = api_key_issue(name=f"{user.username} {scope}", user=user, scope=scope)
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=key)
    return client


@pytest.mark.django_db
class ReadEndpointChecks:
    """List and detail: visibility per user, unknown parameters, page caps, ETags, query counts, cursor mode."""

    basename: str = ""
    publishable: bool = True

    def make_record(self, *, owner=None, draft=False):
        raise AssertionError("a test class using the API checks defines make_record()")

    def list_url(self, **params) -> str:
        url = reverse(f"api:{self.basename}-list")
        if params:
            url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
        return url

    def detail_url(self, record) -> str:
        return reverse(f"api:{self.basename}-detail", kwargs={"pk": record.pk})

    # --- Visibility ------------------------------------------------------------------------------
    def test_list_shows_the_public_only_published_records(self, manager):
        published = self.make_record(owner=manager)
        draft = self.make_record(owner=manager, draft=True)
        ids = results_ids(client_for().get(self.list_url()))
        assert published.pk in ids
        assert draft.pk not in ids

    def test_draft_is_seen_by_its_manager_and_staff_only(self, manager, other_manager, staff):
        draft = self.make_record(owner=manager, draft=True)
        assert client_for().get(self.detail_url(draft)).status_code == 404
        assert_error(client_for(other_manager).get(self.detail_url(draft)), 404, "not_found")
        assert draft.pk not in results_ids(client_for(other_manager).get(self.list_url()))
        assert client_for(manager).get(self.detail_url(draft)).status_code == 200
        assert draft.pk in results_ids(client_for(manager).get(self.list_url()))
        assert client_for(staff).get(self.detail_url(draft)).status_code == 200

    def test_detail_answers_with_the_list_row_fields_and_a_self_link(self, manager):
        record = self.make_record(owner=manager)
        body = client_for().get(self.detail_url(record)).json()
        assert body["id"] == record.pk
        assert body["url"].endswith(self.detail_url(record))

    # --- Bad requests ----------------------------------------------------------------------------
    def test_unknown_query_parameter_is_a_400_naming_it(self):
        body = assert_error(client_for().get(self.list_url(contry="KZ")), 400, "unknown_parameter", "contry")
        assert "contry" in body["message"]

    def test_unknown_parameter_on_a_detail_is_a_400(self, manager):
        record = self.make_record(owner=manager)
        assert_error(client_for().get(self.detail_url(record) + "?verbose=1"), 400, "unknown_parameter", "verbose")

    def test_oversized_page_is_a_400(self):
        assert_error(client_for().get(self.list_url(page_size=100000)), 400, "page_size_too_large", "page_size")

    def test_malformed_page_is_a_400_and_a_page_past_the_end_a_404(self):
        assert_error(client_for().get(self.list_url(page="abc")), 400, "invalid", "page")
        assert_error(client_for().get(self.list_url(page=999)), 404, "not_found", "page")

    def test_unknown_ordering_field_is_a_400(self):
        assert_error(client_for().get(self.list_url(ordering="password")), 400, "invalid", "ordering")

    def test_missing_record_is_a_404_in_the_error_format(self):
        url = reverse(f"api:{self.basename}-detail", kwargs={"pk": 987654321})
        assert_error(client_for().get(url), 404, "not_found")

    # --- Pagination and performance ----------------------------------------------------------------
    def test_query_count_does_not_grow_with_page_size(self, manager):
        for _ in range(6):
            self.make_record(owner=manager)
        counts = []
        for size in (2, 6):
            with CaptureQueriesContext(connection) as queries:
                response = client_for().get(self.list_url(page_size=size))
            assert len(response.json()["results"]) == size
            counts.append(len(queries))
        assert counts[0] == counts[1], counts

    def test_cursor_mode_returns_every_record_once_in_a_stable_order(self, manager):
        records = {self.make_record(owner=manager).pk for _ in range(5)}
        seen, url, pages = [], self.list_url(cursor="", page_size=2), 0
        while url:
            response = client_for().get(url)
            assert response.status_code == 200, response.content
            body = response.json()
            assert "count" not in body
            seen.extend(row["id"] for row in body["results"])
            url, pages = body["next"], pages + 1
            assert pages < 20
        assert records <= set(seen)
        assert len(seen) == len(set(seen))

    def test_malformed_cursor_is_a_400(self):
        assert_error(client_for().get(self.list_url(cursor="not-a-cursor")), 400, "invalid_cursor", "cursor")

    # --- Conditional GET -----------------------------------------------------------------------------
    def test_etag_gives_304_until_the_body_changes(self, manager):
        record = self.make_record(owner=manager)
        client = client_for()
        for url in (self.list_url(), self.detail_url(record)):
            first = client.get(url)
            etag = first["ETag"]
            assert etag == f'"{hashlib.blake2b(first.content, digest_size=16).hexdigest()}"'
            again = client.get(url, HTTP_IF_NONE_MATCH=etag)
            assert again.status_code == 304
            assert again["ETag"] == etag
            assert client.get(url, HTTP_IF_NONE_MATCH='"stale"').status_code == 200


@pytest.mark.django_db
class WriteEndpointChecks:
    """Create, update, delete: who may, what they may not set, and clear 400s. Needs ReadEndpointChecks' helpers."""

    def create_payload(self, owner) -> dict:
        raise AssertionError("a test class using the write checks defines create_payload()")

    def update_payload(self) -> dict:
        raise AssertionError("a test class using the write checks defines update_payload()")

    def test_anonymous_cannot_create(self, manager):
        response = client_for().post(self.list_url(), self.create_payload(manager), format="json")
        assert_error(response, 401, "not_authenticated")
        assert response["WWW-Authenticate"] == 'Api-Key header="X-API-Key"'

    def test_manager_creates_a_draft_they_own(self, manager):
        response = client_for(manager).post(self.list_url(), self.create_payload(manager), format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert response["Location"] == body["url"]
        record = self.model.objects.get(pk=body["id"])
        if self.publishable:
            assert body["status"] == PublicationStatus.DRAFT
            assert record.created_by == manager
            assert record.status == PublicationStatus.DRAFT
        assert client_for(manager).get(body["url"]).json() == body

    def test_status_and_ownership_cannot_be_set(self, manager, other_manager):
        count = self.model.objects.count()
        payload = {**self.create_payload(manager), "status": "published", "created_by": other_manager.pk}
        body = assert_error(client_for(manager).post(self.list_url(), payload, format="json"), 400, "invalid")
        assert "status" in body["fields"] and "created_by" in body["fields"]
        assert self.model.objects.count() == count

    def test_unknown_field_is_a_400_not_silently_dropped(self, manager):
        count = self.model.objects.count()
        payload = {**self.create_payload(manager), "nmae_en": "Typo"}
        body = assert_error(client_for(manager).post(self.list_url(), payload, format="json"), 400, "invalid")
        assert body["fields"] == {"nmae_en": ["Unknown field."]}
        assert self.model.objects.count() == count

    def test_wrong_type_is_a_400(self, manager):
        assert_error(client_for(manager).post(self.list_url(), ["not", "an", "object"], format="json"), 400)
        response = client_for(manager).generic("POST", self.list_url(), "{not json", content_type="application/json")
        assert_error(response, 400, "parse_error")

    def test_manager_updates_their_draft(self, manager):
        draft = self.make_record(owner=manager, draft=True)
        response = client_for(manager).patch(self.detail_url(draft), self.update_payload(), format="json")
        assert response.status_code == 200, response.content
        draft.refresh_from_db()
        for field, value in self.update_payload().items():
            assert getattr(draft, field) == value

    def test_other_manager_can_neither_read_nor_change_a_draft(self, manager, other_manager):
        draft = self.make_record(owner=manager, draft=True)
        before = {f: getattr(draft, f) for f in self.update_payload()}
        client = client_for(other_manager)
        assert_error(client.patch(self.detail_url(draft), self.update_payload(), format="json"), 404)
        assert_error(client.delete(self.detail_url(draft)), 404)
        draft.refresh_from_db()
        assert {f: getattr(draft, f) for f in self.update_payload()} == before

    def test_other_manager_cannot_change_a_published_record(self, manager, other_manager):
        record = self.make_record(owner=manager)
        response = client_for(other_manager).patch(self.detail_url(record), self.update_payload(), format="json")
        assert_error(response, 403, "permission_denied")

    def test_staff_change_any_record(self, manager, staff):
        record = self.make_record(owner=manager)
        response = client_for(staff).patch(self.detail_url(record), self.update_payload(), format="json")
        assert response.status_code == 200, response.content

    def test_manager_deletes_their_draft_but_not_someone_elses_record(self, manager, other_manager):
        draft = self.make_record(owner=manager, draft=True)
        published = self.make_record(owner=other_manager)
        assert client_for(manager).delete(self.detail_url(draft)).status_code == 204
        assert not self.model.objects.filter(pk=draft.pk).exists()
        assert_error(client_for(manager).delete(self.detail_url(published)), 403)
        assert self.model.objects.filter(pk=published.pk).exists()

    def test_read_key_cannot_write_and_read_write_key_can(self, manager):
        draft = self.make_record(owner=manager, draft=True)
        read_only = key_client(manager, ApiKeyScope.READ)
        assert read_only.get(self.detail_url(draft)).status_code == 200
        assert_error(read_only.patch(self.detail_url(draft), self.update_payload(), format="json"), 403)
        read_write = key_client(manager, ApiKeyScope.READ_WRITE)
        assert read_write.patch(self.detail_url(draft), self.update_payload(), format="json").status_code == 200
