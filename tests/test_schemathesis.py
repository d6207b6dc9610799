"""Property-based run of the registry endpoints against the portal's own OpenAPI schema (schemathesis).

Each operation gets a bounded number of generated requests, anonymous and with a read-write API key: no answer may
be a 5xx, and every answer must match what the schema says (status code, headers, body).
"""

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from clusters.tests.factories import ClusterFactory, MembershipFactory
from directory.models import ApiKeyScope
from directory.tests.factories import BlocMembershipFactory, OrganisationFactory, RegionFactory
from eaeu_portal.api.keys import api_key_issue
from technoparks.tests.factories import PoolMembershipFactory, ResidencyFactory
from tests.api_mixins import _no_throttling  # noqa: F401 - fixture

# The registry's endpoints; programmes, projects and other later additions bring their own runs.
REGISTRY_PATHS = (
    r"^/api/v1/(countries|blocs|regions|sectors|organisations|clusters|memberships|technoparks|residencies"
    r"|pool-memberships)/"
)
MAX_EXAMPLES = 8
# A filter's value can be schema-valid and still be refused with a clear 400 (a bounding box whose minimum is
# above its maximum, an opaque cursor the API never gave out): JSON Schema cannot say it, so "every schema-valid
# request is accepted" is not checked. Every other check is: no 5xx, documented status codes, content types,
# headers and bodies that match the schema.
EXCLUDED_CHECKS = [positive_data_acceptance]


@pytest.fixture
def api_schema(db):
    # As Django's test client does: the WSGI handler must not close the connection that holds the test's
    # transaction at the end of each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    yield schema.include(path_regex=REGISTRY_PATHS)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def registry(db):
    """A few records of every kind, so generated ids and filters sometimes hit real rows."""
    region = RegionFactory()
    cluster = ClusterFactory(country=region.country)
    MembershipFactory(cluster=cluster)
    ResidencyFactory()
    PoolMembershipFactory()
    BlocMembershipFactory(country=region.country)
    OrganisationFactory(country=region.country, region=region)


@pytest.fixture
def key_headers(db):
    user = get_user_model().objects.create_user("schemathesis-partner", password="x")
    _, key = api_key_issue(name="schemathesis", user=user, scope=ApiKeyScope.READ_WRITE)
    return {"X-API-Key": key}


HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def run_every_operation(schema, headers=None) -> dict[str, str]:
    """Generated requests for each operation; the failures found, by operation."""
    failures, operations = {}, 0
    for result in schema.get_all_operations():
        operations += 1
        operation = result.ok()

        @HYPOTHESIS
        @given(case=operation.as_strategy())
        def check(case):
            case.call_and_validate(headers=headers, excluded_checks=EXCLUDED_CHECKS)

        try:
            check()
        except Exception as exc:  # noqa: BLE001 - every kind of failure is reported, by operation
            failures[operation.label] = str(exc)[:2000]
    # Reads and writes of ten resources, and five GeoJSON layers: a shrunken schema would pass vacuously.
    assert operations >= 40, operations
    return failures


@pytest.mark.django_db
def test_anonymous_requests_get_no_5xx_and_match_the_schema(api_schema, registry):
    assert run_every_operation(api_schema) == {}


@pytest.mark.django_db
def test_requests_with_a_key_get_no_5xx_and_match_the_schema(api_schema, registry, key_headers):
    assert run_every_operation(api_schema, headers=key_headers) == {}
