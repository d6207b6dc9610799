"""The API's JSON renderer gives DRF's bytes, whatever the data (numbers below 1e-4 aside: 1e-7, not 1e-07)."""

import datetime
import decimal
import json
import uuid

import pytest
from django.urls import reverse
from django.utils.translation import gettext_lazy
from rest_framework import renderers
from rest_framework.test import APIClient

from clusters.tests.factories import ClusterFactory, MembershipFactory
from eaeu_portal.api.renderers import JSONRenderer
from technoparks.tests.factories import ResidencyFactory, TechnoparkFactory
from tests.api_mixins import _no_throttling  # noqa: F401 - fixture

DRF = renderers.JSONRenderer()
OURS = JSONRenderer()

AWKWARD = {
    "ascii": "plain",
    "cyrillic": "Кластер «Фотоника»",
    "chinese": "创新集群",
    "line separators": "a\u2028b\u2029c",
    "escapes": 'quote " backslash \\ tab \t newline \n nul \x00',
    "floats": [0.1, 1 / 3, 1e16, 1e-7, -0.0, 123456789.125],
    "integers": [0, -1, 2**53, 2**63 - 1],
    "lazy": gettext_lazy("Industrial cluster"),
    "decimal": decimal.Decimal("12.50"),
    "datetime": datetime.datetime(2026, 11, 24, 10, 30, 15, 123456, tzinfo=datetime.UTC),
    "naive": datetime.datetime(2026, 11, 24, 10, 30),
    "date": datetime.date(2026, 11, 24),
    "time": datetime.time(9, 5),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "nested": {"list": [None, True, False, {"deep": []}], 1: "an integer key"},
    "tuple": (1, "two"),
}


@pytest.mark.parametrize("key", sorted(key for key in AWKWARD if key != "floats"))
def test_each_kind_of_value_renders_as_drf_renders_it(key):
    data = {key: AWKWARD[key]}
    assert OURS.render(data, "application/json", {}) == DRF.render(data, "application/json", {})


def test_floats_read_back_the_same():
    ours = OURS.render({"floats": AWKWARD["floats"]}, "application/json", {})
    assert json.loads(ours) == json.loads(DRF.render({"floats": AWKWARD["floats"]}, "application/json", {}))
    assert json.loads(ours)["floats"] == AWKWARD["floats"]
    # The shortest form that reads back the same, with the exponent unpadded.
    assert b"1e-7" in ours and b"1e+16" in ours


def test_everything_at_once_and_the_edge_cases():
    data = {key: value for key, value in AWKWARD.items() if key != "floats"}
    assert OURS.render(data, "application/json", {}) == DRF.render(data, "application/json", {})
    assert OURS.render(None) == b""
    # Beyond 64 bits orjson refuses; DRF's renderer takes over.
    assert OURS.render({"big": 2**70}, "application/json", {}) == b'{"big":1180591620717411303424}'
    # Indented output is DRF's.
    indented = OURS.render({"a": [1]}, "application/json; indent=2", {})
    assert indented == DRF.render({"a": [1]}, "application/json; indent=2", {})
    assert b"\n" in indented


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route",
    ["api:cluster-list", "api:technopark-list", "api:organisation-list", "api:membership-list", "api:country-list"],
)
def test_api_pages_carry_the_bytes_drf_would_have_sent(route):
    cluster = ClusterFactory(name_en="Photonics\u2028Cluster", name_ru="Кластер фотоники", name_zh="光子集群")
    MembershipFactory.create_batch(3, cluster=cluster)
    ResidencyFactory(technopark=TechnoparkFactory(name_en='Tech "park"'))
    response = APIClient().get(reverse(route))
    assert response.status_code == 200
    assert response.content == DRF.render(response.data, "application/json", {})
    assert b"\\u2028" in response.content or route != "api:cluster-list"
