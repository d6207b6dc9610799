"""The staff page that starts a rebuild and reports its progress, and the suggested-partners partial."""

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse

from clusters.matching import selectors, services
from clusters.models import MatchingIndexVersion
from clusters.tests.factories import ClusterFactory
from directory.tests.factories import DivisionFactory

pytestmark = pytest.mark.django_db
REBUILD = "/en/clusters/matching/rebuild/"
PROGRESS = "/en/clusters/matching/rebuild/progress.json"


def test_the_routes_are_mounted_under_clusters():
    assert reverse("matching:rebuild") == REBUILD
    assert reverse("matching:progress") == PROGRESS


@pytest.fixture
def staff(client):
    user = get_user_model().objects.create_user("staff", password="pw", is_staff=True)
    client.force_login(user)
    return user


def test_the_rebuild_page_is_for_staff_only(client):
    response = client.get(REBUILD)
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert client.get(PROGRESS).status_code == 302


def test_the_rebuild_button_starts_one_rebuild_and_refuses_a_second(client, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        first = client.post(REBUILD, follow=True)
        second = client.post(REBUILD, follow=True)
    assert "The rebuild has started." in first.content.decode()
    assert "already running" in second.content.decode()
    assert MatchingIndexVersion.objects.count() == 1
    assert MatchingIndexVersion.objects.get().requested_by == staff


def test_progress_json_reports_chunks_done_of_total(client, staff):
    ClusterFactory.create_batch(3)
    version = services.matching_rebuild_start(dispatch=False)
    services.matching_version_prepare(version_id=version.pk)
    data = client.get(PROGRESS).json()
    assert data["running"] is True
    assert (data["chunks_done"], data["chunks_total"]) == (0, 1)
    page = client.get(REBUILD).content.decode()
    assert f'data-url="{PROGRESS}"' in page
    assert "<script>" not in page


def test_the_partial_lists_partners_with_their_reasons(settings):
    division = DivisionFactory(code="26")
    cluster = ClusterFactory(primary_sector=division)
    partner = ClusterFactory(primary_sector=division, name_en="Zelenograd electronics")
    services.matching_rebuild_inline()
    html = render_to_string(
        "clusters/includes/suggested_partners.html", {"suggestions": selectors.cluster_suggestions(cluster=cluster)}
    )
    assert "Zelenograd electronics" in html
    assert f'href="/en/clusters/{partner.pk}/"' in html
    assert "Shared sectors" in html and "Division 26" in html
    empty = render_to_string("clusters/includes/suggested_partners.html", {"suggestions": []})
    assert "No partner suggestions yet" in empty
