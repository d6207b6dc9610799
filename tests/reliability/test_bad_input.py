"""Bad input, one kind at a time, at every write endpoint and every filter of the API (and the portal's own search
and list pages): each is refused with a 4xx in the API's error format that names what is wrong, and the database is
left exactly as it was. The values are in bad_input_cases.py.
"""

import functools
import json

import pytest
from django.conf import settings
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from clusters.tests.factories import MembershipFactory
from directory.tests.factories import OrganisationFactory, RegionFactory, SectorFactory
from foresight.tests.factories import (
    AreaFactory,
    IndicatorValueFactory,
    PriorityListFactory,
    ProfileFactory,
    TrendFactory,
)
from projects.tests.factories import CallFactory, IdeaFactory, ProgrammeFactory, ProjectFactory
from technoparks.models import CommissionReport
from technoparks.tests.factories import PoolMembershipFactory, ResidencyFactory
from technoparks.tests.pool_factories import DecisionFactory, PoolCommissionFactory, RepresentativeFactory

from .bad_input_cases import (
    BAD_BODIES,
    BAD_POINTS,
    CONTROL_CHARACTERS,
    HUGE_NUMBERS,
    READ_ONLY_ATTEMPTS,
    SQL_META,
    WRITE_ENDPOINTS,
    WRONG_CONTENT_TYPES,
)
from .matrix_support import OWNER, World, _no_throttling, build_world, fingerprint  # noqa: F401

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"code", "message", "fields"}


def send(world: World, method: str, url: str, body, content_type: str = "application/json"):
    data = body if isinstance(body, bytes) else json.dumps(body)
    return world.api(OWNER).generic(method, url, data, content_type=content_type)


def assert_refused(response, status: int = 400, field: str | None = None) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == ERROR_KEYS and body["message"], body
    if field is not None:
        assert field in body["fields"], body
    return body


def endpoint_params(select) -> list:
    return [
        pytest.param(endpoint, name, id=f"{endpoint.name}-{name}")
        for endpoint in WRITE_ENDPOINTS
        for name in select(endpoint)
    ]


ENDPOINTS = [pytest.param(endpoint, id=endpoint.name) for endpoint in WRITE_ENDPOINTS]


@pytest.fixture
def world():
    return build_world()


# --- Write endpoints: a sound body first, then one spoilt field at a time --------------------------------
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_catalogue_starts_from_a_body_the_endpoint_accepts(endpoint, world):
    method, url, body = endpoint.build(world)
    response = send(world, method, url, body)
    assert response.status_code in (200, 201), response.content[:500]


@pytest.mark.parametrize(("endpoint", "field"), endpoint_params(lambda e: e.text_fields()))
def test_control_characters_in_a_text_field_are_refused(endpoint, field, world):
    method, url, body = endpoint.build(world)
    before = fingerprint()
    for character in CONTROL_CHARACTERS:
        assert_refused(send(world, method, url, {**body, field: f"Name{character}here"}), field=field)
    assert fingerprint() == before


@pytest.mark.parametrize(("endpoint", "field"), endpoint_params(lambda e: e.text_fields()))
def test_an_overlong_text_is_refused(endpoint, field, world):
    method, url, body = endpoint.build(world)
    before = fingerprint()
    assert_refused(send(world, method, url, {**body, field: "я" * (endpoint.max_length(field) + 1)}), field=field)
    assert fingerprint() == before


@pytest.mark.parametrize(("endpoint", "field"), endpoint_params(lambda e: e.number_fields()))
def test_numbers_beyond_64_bits_are_refused(endpoint, field, world):
    method, url, body = endpoint.build(world)
    many = field in endpoint.fields() and hasattr(endpoint.fields()[field], "child_relation")
    before = fingerprint()
    for number in HUGE_NUMBERS:
        assert_refused(send(world, method, url, {**body, field: [number] if many else number}), field=field)
    assert fingerprint() == before


@pytest.mark.parametrize(("endpoint", "field"), endpoint_params(lambda e: e.point_fields()))
@pytest.mark.parametrize("point", BAD_POINTS)
def test_a_bad_location_is_refused_with_a_reason(endpoint, field, point, world):
    method, url, body = endpoint.build(world)
    before = fingerprint()
    refusal = assert_refused(send(world, method, url, {**body, field: BAD_POINTS[point]}), field=field)
    assert not any("pointer" in message for message in refusal["fields"][field]), refusal
    assert fingerprint() == before


def test_a_point_outside_the_country_is_refused_with_the_country_named(world):
    method, url, body = WRITE_ENDPOINTS[0].build(world)
    refusal = assert_refused(send(world, method, url, {**body, "location": BAD_POINTS["outside the country"]}))
    assert str(world.home) in refusal["fields"]["location"][0]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("kind", BAD_BODIES)
def test_a_body_that_is_not_a_json_object_is_refused(endpoint, kind, world):
    method, url, _body = endpoint.build(world)
    before = fingerprint()
    refusal = assert_refused(send(world, method, url, BAD_BODIES[kind]))
    assert refusal["code"] in ("parse_error", "invalid")
    assert fingerprint() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("kind", WRONG_CONTENT_TYPES)
def test_a_wrong_content_type_is_refused(endpoint, kind, world):
    method, url, _body = endpoint.build(world)
    content_type, data = WRONG_CONTENT_TYPES[kind]
    before = fingerprint()
    assert assert_refused(send(world, method, url, data, content_type), status=415)["code"] == "unsupported_media_type"
    assert fingerprint() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_oversized_body_is_refused(endpoint, world):
    method, url, body = endpoint.build(world)
    padding = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    before = fingerprint()
    refusal = assert_refused(send(world, method, url, {**body, "padding": padding}), status=413)
    assert refusal["code"] == "too_large"
    assert fingerprint() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_unknown_field_is_refused_by_name_not_dropped(endpoint, world):
    method, url, body = endpoint.build(world)
    before = fingerprint()
    refusal = assert_refused(send(world, method, url, {**body, "colour": "red"}), field="colour")
    assert refusal["fields"]["colour"] == ["Unknown field."]
    assert fingerprint() == before


READ_ONLY_PARAMS = [
    pytest.param(endpoint, name, id=f"{endpoint.name}-{name}")
    for endpoint in WRITE_ENDPOINTS
    for name in [*READ_ONLY_ATTEMPTS, *(["stage"] if endpoint.name.startswith("project") else [])]
]


@pytest.mark.parametrize(("endpoint", "name"), READ_ONLY_PARAMS)
def test_a_read_only_field_cannot_be_set(endpoint, name, world):
    method, url, body = endpoint.build(world)
    value = READ_ONLY_ATTEMPTS.get(name, "completed")
    if name in ("created_by", "status_changed_by"):
        value = world.other.pk
    before = fingerprint()
    assert_refused(send(world, method, url, {**body, name: value}), field=name)
    assert fingerprint() == before


def test_adopting_a_decision_refuses_any_field(world):
    from .test_authorisation_matrix import decision_with_consensus

    decision = decision_with_consensus(world)
    before = fingerprint()
    client = world.api("administrator")
    response = client.post(f"/api/v1/pool/decisions/{decision.pk}/adopt/", {"outcome": "adopted"}, format="json")
    assert_refused(response, field="outcome")
    assert fingerprint() == before


# --- Filters: every query parameter of every list in the schema ---------------------------------------------
@functools.cache
def list_operations() -> dict[str, tuple[str, list[str]]]:
    """operationId → (path, query parameters) for every GET of the API whose path has no other parameter than the
    cluster of /matches/."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {}
    for path, methods in schema["paths"].items():
        operation = methods.get("get")
        if operation is None:
            continue
        params = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        if "{" in path and not path.endswith("/matches/"):
            continue
        operations[operation["operationId"]] = (path, params)
    return operations


def populate(world: World) -> dict[str, int]:
    """One published record in every list, so that a filter that matched everything would show."""
    cluster = world.cluster(draft=False)
    MembershipFactory(cluster=cluster, organisation=world.published_member())
    technopark = world.technopark(draft=False)
    ResidencyFactory(technopark=technopark, organisation=world.published_member())
    PoolMembershipFactory(technopark=technopark)
    OrganisationFactory(country=world.home)
    RegionFactory(country=world.home)
    SectorFactory()
    ProjectFactory()
    IdeaFactory()
    CallFactory()
    ProgrammeFactory()
    decision = DecisionFactory()
    RepresentativeFactory(commission=decision.meeting.commission)
    CommissionReport.objects.create(commission=PoolCommissionFactory(), year=2024, title="Report", body="Work.")
    for factory in (AreaFactory, PriorityListFactory, TrendFactory, ProfileFactory, IndicatorValueFactory):
        factory()
    return {"id": cluster.pk}


def operation_params(with_page: bool = False) -> list:
    return [
        pytest.param(operation_id, id=operation_id)
        for operation_id, (_path, params) in sorted(list_operations().items())
        if params and (not with_page or "page" in params)
    ]


def url_of(world: World, operation_id: str, ids: dict) -> str:
    path, _params = list_operations()[operation_id]
    return path.replace("{id}", str(ids["id"]))


def result_count(body) -> int:
    if isinstance(body, list):
        return len(body)
    if "features" in body:
        return len(body["features"])
    return len(body["results"])


@pytest.mark.parametrize("operation_id", operation_params())
def test_control_characters_in_any_filter_are_refused_by_name(operation_id, world):
    ids = populate(world)
    url = url_of(world, operation_id, ids)
    client = world.api(OWNER)
    for param in list_operations()[operation_id][1]:
        for character in ("\x00", "\x07", "\x1b", "\x9b"):
            assert_refused(client.get(url, {param: f"a{character}b"}), field=param)


@pytest.mark.parametrize("operation_id", operation_params())
def test_sql_meta_characters_in_any_filter_are_data_not_code(operation_id, world):
    ids = populate(world)
    url = url_of(world, operation_id, ids)
    client = world.api(OWNER)
    before = fingerprint()
    for param in list_operations()[operation_id][1]:
        for value in SQL_META:
            response = client.get(url, {param: value})
            assert response.status_code in (200, 400), (param, value, response.content[:300])
            if response.status_code == 400:
                assert_refused(response, field=param)
            elif param not in ("lang",):
                # Nothing is named with these characters: a match would mean they were read as a pattern.
                assert result_count(response.json()) == 0, (param, value)
    assert fingerprint() == before


@pytest.mark.parametrize("operation_id", operation_params(with_page=True))
def test_pages_far_past_the_end_and_impossible_pages_are_refused(operation_id, world):
    url = url_of(world, operation_id, populate(world))
    client = world.api(OWNER)
    for page in (10**6, 2**70):
        refusal = assert_refused(client.get(url, {"page": page}), status=404, field="page")
        assert str(page) in refusal["message"]
    for page in (0, -1, "x", "1.5"):
        assert_refused(client.get(url, {"page": page}), field="page")
    assert_refused(client.get(url, {"page_size": 2**70}), field="page_size")


@pytest.mark.parametrize("route", ["organisations", "clusters", "technoparks", "memberships", "projects", "calls"])
def test_an_id_beyond_64_bits_is_not_found(route, world):
    assert_refused(world.api(OWNER).get(f"/api/v1/{route}/{2**70}/"), status=404)


@pytest.mark.parametrize(
    "bbox", ["1,2,3", "-200,-100,200,100", "NaN,NaN,NaN,NaN", "1,1,1,1", "10,10,5,5", "a,b,c,d", "1e400,0,1,1"]
)
@pytest.mark.parametrize("path", ["/api/v1/clusters/", "/api/v1/clusters/geojson/", "/api/v1/technoparks/geojson/"])
def test_an_impossible_bounding_box_is_refused(path, bbox, world):
    assert_refused(world.api(OWNER).get(path, {"bbox": bbox}), field="bbox")


# --- The portal's own pages and their JSON -----------------------------------------------------------------
PAGES = [
    "clusters:list",
    "technoparks:list",
    "directory:organisation-list",
    "clusters:features",
    "clusters:counts",
    "clusters:export-csv",
    "technoparks:features",
    "technoparks:export-geojson",
]


@pytest.mark.parametrize("name", PAGES)
def test_nul_in_a_page_filter_is_a_400_and_other_bad_values_never_a_server_error(name, world):
    url = reverse(name)
    client = world.browser(OWNER)
    assert client.get(url, {"q": "a\x00b"}).status_code == 400
    assert client.get(url, {"country": "\x00"}).status_code == 400
    for value in [*SQL_META, "\x07", "9" * 30, "²"]:
        for param in ("q", "country", "sector", "page", "bbox"):
            response = client.get(url, {param: value})
            assert response.status_code in (200, 400), (param, value, response.status_code)


def test_the_organisation_search_refuses_nul_and_odd_digits(world):
    client = world.browser(OWNER)
    url = reverse("registration:organisation-search")
    response = client.get(url, {"q": "Org\x00"})
    assert response.status_code == 400 and "Null characters" in response.json()["error"]
    assert client.get(url, {"q": "Organisation", "country": "²"}).status_code == 200
    assert client.get(url, {"q": "Organisation", "country": "9" * 30}).json() == {"results": []}
    assert client.get(url, {"q": "%"}).json() == {"results": []}
