"""Names in Chinese, Kazakh, Russian and Persian (Arabic script, with its zero-width non-joiner) are stored exactly
as typed, come back unchanged from the API and the pages, and are found by search in any letter case."""

import json
import unicodedata

import pytest
from django.urls import reverse
from django.utils import timezone

from clusters.models import Cluster
from directory.choices import PublicationStatus

from .bad_input_cases import cluster_create
from .matrix_support import ANONYMOUS, OWNER, _no_throttling, build_world  # noqa: F401

pytestmark = pytest.mark.django_db

# (language, original name, a search term from inside it in another letter case where the script has case)
NAMES = [
    ("zh", "中关村科技园区创新集群", "科技园"),
    ("kk", "Қазақстан ғарыш және ұлттық өңдеу кластері", "ҒАРЫШ"),
    ("ru", "Инновационный территориальный кластер «Камский»", "камский"),
    # "پارک علم و فناوری پردیس می‌شود": the non-joiner (U+200C) between می and شود is part of the spelling.
    ("fa", "پارک علم و فناوری پردیس می\u200cشود", "فناوری پردیس"),
]


@pytest.fixture
def registry():
    world = build_world()
    ids = {}
    for language, name, _term in NAMES:
        method, url, body = cluster_create(world)
        body = {
            **body,
            "name_original": name,
            "original_language": language,
            "name_en": "",
            "description_original": name,
        }
        response = world.api(OWNER).generic(method, url, json.dumps(body), content_type="application/json")
        assert response.status_code == 201, response.content[:300]
        ids[language] = response.json()["id"]
    Cluster.objects.filter(pk__in=ids.values()).update(status=PublicationStatus.PUBLISHED, published_at=timezone.now())
    return world, ids


@pytest.mark.parametrize(("language", "name", "term"), NAMES, ids=[n[0] for n in NAMES])
def test_a_name_is_stored_and_returned_exactly(registry, language, name, term):
    world, ids = registry
    stored = Cluster.objects.get(pk=ids[language]).name_original
    assert stored == name
    assert unicodedata.is_normalized("NFC", stored)
    body = world.api(ANONYMOUS).get(f"/api/v1/clusters/{ids[language]}/").json()
    assert body["name_original"] == name
    assert body["name"] == name  # no English name: the original stands in


@pytest.mark.parametrize(("language", "name", "term"), NAMES, ids=[n[0] for n in NAMES])
def test_the_api_search_finds_a_name_by_part_in_any_case(registry, language, name, term):
    world, ids = registry
    response = world.api(ANONYMOUS).get("/api/v1/clusters/", {"q": term})
    assert [row["id"] for row in response.json()["results"]] == [ids[language]]


@pytest.mark.parametrize(("language", "name", "term"), NAMES, ids=[n[0] for n in NAMES])
def test_the_list_page_finds_and_shows_the_name(registry, language, name, term):
    world, ids = registry
    html = world.browser(ANONYMOUS).get(reverse("clusters:list"), {"q": term}).content.decode()
    assert name in html
    assert [other for lang, other, _t in NAMES if lang != language and other in html] == []


def test_the_persian_non_joiner_is_kept_and_searchable(registry):
    world, ids = registry
    response = world.api(ANONYMOUS).get("/api/v1/clusters/", {"q": "می\u200cشود"})
    assert [row["id"] for row in response.json()["results"]] == [ids["fa"]]
    assert "\u200c" in Cluster.objects.get(pk=ids["fa"]).name_original


def test_the_profile_page_shows_each_name(registry):
    world, ids = registry
    client = world.browser(ANONYMOUS)
    for language, name, _term in NAMES:
        assert name in client.get(reverse("clusters:detail", args=[ids[language]])).content.decode()
