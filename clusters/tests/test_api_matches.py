"""/api/v1/clusters/{id}/matches/: a cluster's suggested partners with their reasons."""

import pytest
from rest_framework.test import APIClient

from clusters.matching import services
from clusters.tests.factories import ClusterFactory
from directory.tests.factories import DivisionFactory, kazakhstan, russia

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed():
    electronics = DivisionFactory(code="26")
    cluster = ClusterFactory(name_en="Zelenograd", country=russia(), primary_sector=electronics)
    abroad = ClusterFactory(name_en="Almaty electronics", country=kazakhstan(), primary_sector=electronics)
    at_home = ClusterFactory(name_en="Tomsk electronics", country=cluster.country, primary_sector=electronics)
    services.matching_rebuild_inline()
    return cluster, abroad, at_home


def matches(cluster, **params):
    return APIClient().get(f"/api/v1/clusters/{cluster.pk}/matches/", params)


def test_matches_list_partners_with_scores_and_reasons(indexed, django_assert_max_num_queries):
    cluster, abroad, at_home = indexed
    with django_assert_max_num_queries(12):
        response = matches(cluster)
    assert response.status_code == 200
    body = response.json()
    names = [row["partner"]["name"] for row in body]
    assert set(names) == {"Almaty electronics", "Tomsk electronics"}
    # Partners abroad come first: a partner at home is discounted.
    assert names[0] == "Almaty electronics"
    first = body[0]
    assert 0 < first["score"] <= 1
    assert first["partner"]["country"] == "KZ"
    assert first["components"]["sector"] > 0
    assert [reason["kind"] for reason in first["reasons"]][0] == "shared_sector"
    assert first["reasons_text"]


def test_matches_filter_by_country_and_min_score(indexed):
    cluster, abroad, _ = indexed
    assert [row["partner"]["id"] for row in matches(cluster, country="KZ").json()] == [abroad.pk]
    assert matches(cluster, min_score="1").json() == []


@pytest.mark.parametrize("params", [{"min_score": "high"}, {"min_score": "2"}, {"colour": "red"}])
def test_bad_match_parameters_are_400_naming_the_parameter(indexed, params):
    response = matches(indexed[0], **params)
    assert response.status_code == 400
    assert set(response.json()["fields"]) == set(params)


def test_a_draft_clusters_matches_are_not_public():
    draft = ClusterFactory(draft=True)
    assert matches(draft).status_code == 404
