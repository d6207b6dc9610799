"""The read-only foresight API: lists, details, filters, query counts and the OpenAPI schema."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from directory.tests.factories import CountryFactory, RegionFactory
from foresight.filtersets import (
    IndicatorFilterSet,
    IndicatorValueFilterSet,
    PriorityFilterSet,
    PriorityListFilterSet,
    SpecialisationProfileFilterSet,
    TrendFilterSet,
)

from .factories import (
    AreaFactory,
    GoalFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    PriorityListFactory,
    PriorityNodeFactory,
    ProfileFactory,
    SpecialisationPriorityFactory,
    StakeholderFactory,
    SwotItemFactory,
    TechnologyFactory,
    TrendFactory,
    TrendSignalFactory,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/foresight/"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def data():
    area = AreaFactory(code="DIG")
    ai = PriorityNodeFactory(code="DIG.AI", parent=area)
    hpc = TechnologyFactory(code="DIG.AI.HPC", parent=ai)
    kz = CountryFactory(iso2="XK", iso3="XKZ", name_en="Kazakhstan")
    by = CountryFactory(iso2="XB", iso3="XBY", name_en="Belarus")
    PriorityListFactory(code="kz-list", country=kz, priorities=[ai])
    PriorityListFactory(code="by-list", country=by, priorities=[hpc])
    PriorityListFactory(code="eaeu-list", common=True, priorities=[ai])
    trend = TrendFactory(code="ai", priorities=[ai])
    TrendSignalFactory(trend=trend)
    profile = ProfileFactory(region=RegionFactory(country=kz, iso_code="XK-75"))
    SpecialisationPriorityFactory(profile=profile, priority=hpc, strength=4)
    StakeholderFactory(profile=profile, is_leader=True)
    GoalFactory(profile=profile)
    SwotItemFactory(profile=profile)
    indicator = IndicatorFactory(code="gerd-gdp")
    for year in (2019, 2020, 2021):
        IndicatorValueFactory(indicator=indicator, country=kz, year=year, value=Decimal("0.13"))
    IndicatorValueFactory(indicator=indicator, country=None, region=profile.region, year=2020)
    return {"ai": ai, "hpc": hpc, "kz": kz, "profile": profile}


@pytest.mark.parametrize(
    ("endpoint", "count", "max_queries"),
    [
        ("priorities/", 3, 4),
        ("priority-lists/", 3, 5),
        ("trends/", 1, 5),
        ("specialisations/", 1, 10),
        ("indicators/", 1, 3),
        ("indicator-values/", 4, 3),
    ],
)
def test_list_endpoints_answer_in_a_bounded_number_of_queries(
    api, data, endpoint, count, max_queries, django_assert_max_num_queries
):
    with django_assert_max_num_queries(max_queries):
        response = api.get(API + endpoint)
    assert response.status_code == 200
    assert response.json()["count"] == count


def test_priority_detail_names_its_parent(api, data):
    body = api.get(f"{API}priorities/{data['hpc'].pk}/").json()
    assert body["code"] == "DIG.AI.HPC"
    assert body["parent"]["code"] == "DIG.AI"
    assert body["level"] == "technology"


def test_priority_filters(api, data):
    codes = lambda query: [p["code"] for p in api.get(API + "priorities/", query).json()["results"]]  # noqa: E731
    assert codes({"level": "priority"}) == ["DIG.AI"]
    assert codes({"parent_code": "DIG.AI"}) == ["DIG.AI.HPC"]
    assert codes({"listed_by_country": "xb"}) == ["DIG.AI.HPC"]
    assert codes({"q": "hpc"}) == ["DIG.AI.HPC"]


def test_priority_list_filters_and_entries(api, data):
    body = api.get(API + "priority-lists/", {"country_iso2": "XK"}).json()
    assert [item["code"] for item in body["results"]] == ["kz-list"]
    assert body["results"][0]["entries"][0]["priority"]["code"] == "DIG.AI"
    common = api.get(API + "priority-lists/", {"scope": "common"}).json()
    assert [item["code"] for item in common["results"]] == ["eaeu-list"]
    assert api.get(API + "priority-lists/", {"priority_code": "DIG.AI.HPC"}).json()["count"] == 1


def test_specialisation_has_its_parts_and_filters_by_priority_subtree(api, data):
    body = api.get(API + "specialisations/", {"priority_code": "DIG", "min_strength": 4}).json()
    assert body["count"] == 1
    profile = body["results"][0]
    assert profile["region"] == "XK-75"
    assert profile["priorities"][0]["strength"] == 4
    assert [s["is_leader"] for s in profile["stakeholders"]] == [True]
    assert profile["goals"] and profile["swot"]
    assert api.get(API + "specialisations/", {"priority_code": "DIG", "min_strength": 5}).json()["count"] == 0


def test_indicator_values_filter_by_area_and_years(api, data):
    body = api.get(
        API + "indicator-values/", {"indicator_code": "gerd-gdp", "country_iso2": "xk", "year_min": 2020}
    ).json()
    assert [(v["country"], v["year"], v["value"]) for v in body["results"]] == [("XK", 2020, 0.13), ("XK", 2021, 0.13)]
    regional = api.get(API + "indicator-values/", {"region_code": "XK-75"}).json()
    assert [v["region"] for v in regional["results"]] == ["XK-75"]


def test_trend_filter_by_priority_code(api, data):
    assert api.get(API + "trends/", {"priority_code": "DIG.AI"}).json()["count"] == 1
    assert api.get(API + "trends/", {"priority_code": "DIG.AI.HPC"}).json()["count"] == 0


def test_the_api_is_read_only_even_for_signed_in_users(api, data):
    api.force_authenticate(User.objects.create_superuser("admin", "admin@example.org", "pw-123456789"))
    assert api.post(API + "priorities/", {"code": "X"}).status_code == 405
    assert api.delete(f"{API}priorities/{data['ai'].pk}/").status_code == 405


def test_anonymous_writes_are_refused(api, data):
    assert api.post(API + "indicator-values/", {}).status_code in (401, 403)


def test_every_endpoint_is_in_the_openapi_schema(api, db):
    schema = api.get("/api/schema/").content.decode()
    for endpoint in ("priorities", "priority-lists", "trends", "specialisations", "indicators", "indicator-values"):
        assert f"/api/v1/foresight/{endpoint}/:" in schema
        assert f"/api/v1/foresight/{endpoint}/{{id}}/:" in schema


@pytest.mark.parametrize(
    ("filterset", "exempt"),
    [
        (
            PriorityFilterSet,
            {
                "id",
                "name_original",
                "original_language",
                "name_en",
                "name_ru",
                "name_zh",
                "description_original",
                "description_en",
                "description_ru",
                "description_zh",
                "source_note",
            },
        ),
        (
            PriorityListFilterSet,
            {
                "id",
                "name_original",
                "original_language",
                "name_en",
                "name_ru",
                "name_zh",
                "source_document",
                "source_url",
                "priorities",
            },
        ),
        (
            TrendFilterSet,
            {
                "id",
                "name_original",
                "original_language",
                "name_en",
                "name_ru",
                "name_zh",
                "description_original",
                "description_en",
                "description_ru",
                "description_zh",
                "source_note",
                "priorities",
            },
        ),
        (
            SpecialisationProfileFilterSet,
            {"id", "summary_en", "summary_ru", "strategy_document", "source_note", "priorities", "sectors"},
        ),
        (
            IndicatorFilterSet,
            {
                "id",
                "name_original",
                "original_language",
                "name_en",
                "name_ru",
                "name_zh",
                "description_original",
                "description_en",
                "description_ru",
                "description_zh",
                "source",
                "sort_order",
            },
        ),
        (IndicatorValueFilterSet, {"id", "value"}),
    ],
)
def test_every_model_field_has_a_filter_or_is_free_text(filterset, exempt):
    model = filterset._meta.model
    fields = {f.name for f in model._meta.get_fields() if f.concrete and not f.auto_created or f.name == "id"}
    missing = fields - set(filterset.base_filters) - exempt
    assert missing == set()
