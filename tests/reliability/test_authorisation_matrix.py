"""Who may do what: every operation of the API (taken from the OpenAPI schema) and every page of registration and
moderation, tried as each role, with the outcome each role must get.

A refused request changes nothing in the database; nobody reads or writes another manager's records. An operation
that appears in the schema, or a registration page that appears in the URLs, without a row here fails the suite:
a new endpoint cannot escape the matrix.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import get_resolver, reverse
from drf_spectacular.generators import SchemaGenerator

from clusters.choices import MembershipRole
from clusters.models import Cluster
from directory import workflow
from directory.choices import PublicationStatus
from directory.models import Revision, RevisionStatus
from directory.tests.factories import OrganisationFactory, RegionFactory, SectorFactory, point_in
from foresight.tests.factories import (
    AreaFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    PriorityListFactory,
    ProfileFactory,
    TrendFactory,
)
from projects.tests.factories import CallFactory, IdeaFactory, ProgrammeFactory, ProjectFactory
from technoparks.models import CommissionReport, DecisionPosition
from technoparks.pool_choices import Position
from technoparks.tests.factories import PoolMembershipFactory
from technoparks.tests.pool_factories import (
    DecisionFactory,
    MeetingFactory,
    PoolCommissionFactory,
    RepresentativeFactory,
)

from .matrix_support import (
    ADMINISTRATOR,
    ANONYMOUS,
    MODERATOR_HOME,
    OTHER_MANAGER,
    OWNER,
    ROLES,
    World,
    _no_throttling,  # noqa: F401
    build_world,
    fingerprint,
)

pytestmark = pytest.mark.django_db


@dataclass
class Request:
    method: str
    url: str
    body: dict | None = None
    # For a list: the id of the record that only some roles may see in it.
    hidden_id: int | None = None
    # For a page: a text that only some roles may see in it.
    hidden_text: str | None = None


@dataclass
class Case:
    build: Callable[[World], Request]
    # role → expected status; for lists and pages with `hidden_*`: the roles that see the hidden record.
    expected: dict[str, int]
    sees: frozenset[str] | None = None


def outcome(anonymous, other, owner, abroad, home, admin) -> dict[str, int]:
    return dict(zip(ROLES, (anonymous, other, owner, abroad, home, admin), strict=True))


EVERYONE = outcome(200, 200, 200, 200, 200, 200)
DRAFT_READ = outcome(404, 404, 200, 404, 404, 200)
SUBMITTED_READ = outcome(404, 404, 200, 404, 200, 200)
DRAFT_SEEN_BY = frozenset({OWNER, ADMINISTRATOR})
SUBMITTED_SEEN_BY = frozenset({OWNER, MODERATOR_HOME, ADMINISTRATOR})


def draft_write(ok: int) -> dict[str, int]:
    """The owner's draft: hidden (404) from everyone but its manager and the administrator."""
    return outcome(401, 404, ok, 404, 404, ok)


# Once submitted, a record changes only through moderation: the API refuses its manager and its moderator too.
SUBMITTED_WRITE = outcome(401, 404, 403, 404, 403, 200)
# A create that names the owner's draft (as specialised organisation, operator, cluster…): only those who see it.
CREATE_WITH_OWNERS_DRAFT = outcome(401, 400, 201, 400, 400, 201)
# Acting for the owner's organisation (projects, applications) or country (the Pool's Commission).
ACT_FOR_OWNER = outcome(401, 403, 201, 403, 403, 201)


# --- Requests --------------------------------------------------------------------------------------
def get(url: str, **kwargs) -> Request:
    return Request("GET", url, **kwargs)


def detail(route: str, make) -> Callable[[World], Request]:
    return lambda world: get(f"/api/v1/{route}/{make(world).pk}/")


def listing(route: str, make) -> Callable[[World], Request]:
    return lambda world: get(f"/api/v1/{route}/", hidden_id=make(world).pk)


def organisation_body(world: World) -> dict:
    return {
        "name_original": "Новая организация",
        "original_language": "ru",
        "name_en": "New organisation",
        "kind": "sme",
        "country": world.home.pk,
        "city": "Capital",
    }


def cluster_body(world: World) -> dict:
    return {
        "name_original": "New cluster",
        "original_language": "en",
        "name_en": "New cluster",
        "kind": "innovation",
        "country": world.home.pk,
        "founded_year": 2015,
    }


def technopark_body(world: World) -> dict:
    return {
        "name_original": "New technopark",
        "original_language": "en",
        "name_en": "New technopark",
        "kind": "technopark",
        "country": world.home.pk,
    }


def membership_body(world: World, cluster) -> dict:
    return {
        "cluster": cluster.pk,
        "organisation": world.published_member().pk,
        "role": MembershipRole.PARTICIPANT,
        "joined_on": "2021-01-15",
    }


def residency_body(world: World, technopark) -> dict:
    return {"technopark": technopark.pk, "organisation": world.published_member().pk, "started_on": "2021-03-01"}


def project_body(world: World) -> dict:
    lead = world.organisation(draft=False)
    return {"name_en": "Joint project", "lead_organisation": lead.pk, "trl_start": 2, "trl_target": 5}


def owners_project(world: World, **kwargs):
    return ProjectFactory(lead_organisation=world.organisation(draft=False), created_by=world.owner, **kwargs)


def write(method: str, route: str, make, body=None) -> Callable[[World], Request]:
    def build(world: World) -> Request:
        record = make(world)
        return Request(method, f"/api/v1/{route}/{record.pk}/", body(world, record) if body else None)

    return build


def rename(world, record) -> dict:
    return {"name_en": "Renamed"}


def meeting_with_voice(world: World):
    """A planned Commission meeting presided by the owner's country, whose representative the owner is."""
    meeting = MeetingFactory(presiding_country=world.home, held_on=datetime.date.today() + datetime.timedelta(days=200))
    RepresentativeFactory(commission=meeting.commission, country=world.home, user=world.owner)
    return meeting


def decision_with_consensus(world: World):
    meeting = meeting_with_voice(world)
    decision = DecisionFactory(meeting=meeting)
    for country in (world.home, world.abroad):
        DecisionPosition.objects.create(decision=decision, country=country, position=Position.AGREE)
    return decision


def report(world: World):
    return CommissionReport.objects.create(
        commission=PoolCommissionFactory(), year=2024, title="Report of the Commission for 2024", body="Work done."
    )


def submitted_cluster(world: World):
    return world.submitted(world.cluster())


# --- The API, by operation id ----------------------------------------------------------------------
def _public(route: str, make) -> list[Case]:
    return [Case(detail(route, make), EVERYONE)]


API_CASES: dict[str, list[Case]] = {
    # Reference data, foresight and the Commission's records are public.
    "blocs_list": [Case(lambda w: get("/api/v1/blocs/"), EVERYONE)],
    "blocs_retrieve": _public("blocs", lambda w: w.home.bloc_memberships.first().bloc),
    "countries_list": [Case(lambda w: get("/api/v1/countries/"), EVERYONE)],
    "countries_retrieve": _public("countries", lambda w: w.home),
    "countries_geojson_list": [Case(lambda w: get("/api/v1/countries/geojson/"), EVERYONE)],
    "regions_list": [Case(lambda w: get("/api/v1/regions/"), EVERYONE)],
    "regions_retrieve": _public("regions", lambda w: RegionFactory(country=w.home)),
    "regions_geojson_list": [Case(lambda w: get("/api/v1/regions/geojson/"), EVERYONE)],
    "sectors_list": [Case(lambda w: get("/api/v1/sectors/"), EVERYONE)],
    "sectors_retrieve": _public("sectors", lambda w: SectorFactory()),
    "foresight_priorities_list": [Case(lambda w: get("/api/v1/foresight/priorities/"), EVERYONE)],
    "foresight_priorities_retrieve": _public("foresight/priorities", lambda w: AreaFactory()),
    "foresight_priority_lists_list": [Case(lambda w: get("/api/v1/foresight/priority-lists/"), EVERYONE)],
    "foresight_priority_lists_retrieve": _public("foresight/priority-lists", lambda w: PriorityListFactory()),
    "foresight_trends_list": [Case(lambda w: get("/api/v1/foresight/trends/"), EVERYONE)],
    "foresight_trends_retrieve": _public("foresight/trends", lambda w: TrendFactory()),
    "foresight_specialisations_list": [Case(lambda w: get("/api/v1/foresight/specialisations/"), EVERYONE)],
    "foresight_specialisations_retrieve": _public("foresight/specialisations", lambda w: ProfileFactory()),
    "foresight_indicators_list": [Case(lambda w: get("/api/v1/foresight/indicators/"), EVERYONE)],
    "foresight_indicators_retrieve": _public("foresight/indicators", lambda w: IndicatorFactory()),
    "foresight_indicator_values_list": [Case(lambda w: get("/api/v1/foresight/indicator-values/"), EVERYONE)],
    "foresight_indicator_values_retrieve": _public("foresight/indicator-values", lambda w: IndicatorValueFactory()),
    "pool_representatives_list": [Case(lambda w: get("/api/v1/pool/representatives/"), EVERYONE)],
    "pool_representatives_retrieve": _public("pool/representatives", lambda w: RepresentativeFactory()),
    "pool_meetings_list": [Case(lambda w: get("/api/v1/pool/meetings/"), EVERYONE)],
    "pool_meetings_retrieve": _public("pool/meetings", lambda w: MeetingFactory()),
    "pool_decisions_list": [Case(lambda w: get("/api/v1/pool/decisions/"), EVERYONE)],
    "pool_decisions_retrieve": _public("pool/decisions", lambda w: DecisionFactory()),
    "pool_reports_list": [Case(lambda w: get("/api/v1/pool/reports/"), EVERYONE)],
    "pool_reports_retrieve": _public("pool/reports", report),
    # Registry records: a draft is its manager's; a submitted entry is also its country's moderators'.
    "organisations_list": [
        Case(listing("organisations", lambda w: w.organisation()), EVERYONE, DRAFT_SEEN_BY),
        Case(listing("organisations", lambda w: w.submitted(w.organisation())), EVERYONE, SUBMITTED_SEEN_BY),
    ],
    "organisations_geojson_list": [
        Case(listing("organisations/geojson", lambda w: w.organisation()), EVERYONE, DRAFT_SEEN_BY)
    ],
    "organisations_retrieve": [
        Case(detail("organisations", lambda w: w.organisation()), DRAFT_READ),
        Case(detail("organisations", lambda w: w.submitted(w.organisation())), SUBMITTED_READ),
    ],
    "organisations_create": [
        Case(lambda w: Request("POST", "/api/v1/organisations/", organisation_body(w)), outcome(401, *[201] * 5))
    ],
    "organisations_update": [
        Case(
            write("PUT", "organisations", lambda w: w.organisation(), lambda w, r: organisation_body(w)),
            draft_write(200),
        )
    ],
    "organisations_partial_update": [
        Case(write("PATCH", "organisations", lambda w: w.organisation(), rename), draft_write(200)),
        Case(write("PATCH", "organisations", lambda w: w.submitted(w.organisation()), rename), SUBMITTED_WRITE),
    ],
    "organisations_destroy": [Case(write("DELETE", "organisations", lambda w: w.organisation()), draft_write(204))],
    "clusters_list": [
        Case(listing("clusters", lambda w: w.cluster()), EVERYONE, DRAFT_SEEN_BY),
        Case(listing("clusters", submitted_cluster), EVERYONE, SUBMITTED_SEEN_BY),
    ],
    "clusters_geojson_list": [Case(listing("clusters/geojson", lambda w: w.cluster()), EVERYONE, DRAFT_SEEN_BY)],
    "clusters_retrieve": [
        Case(detail("clusters", lambda w: w.cluster()), DRAFT_READ),
        Case(detail("clusters", submitted_cluster), SUBMITTED_READ),
    ],
    "clusters_matches_list": [
        Case(lambda w: get(f"/api/v1/clusters/{w.cluster().pk}/matches/"), DRAFT_READ),
    ],
    "clusters_create": [
        Case(
            lambda w: Request(
                "POST",
                "/api/v1/clusters/",
                {**cluster_body(w), "specialised_organisation": w.organisation().pk},
            ),
            CREATE_WITH_OWNERS_DRAFT,
        )
    ],
    "clusters_update": [
        Case(write("PUT", "clusters", lambda w: w.cluster(), lambda w, r: cluster_body(w)), draft_write(200))
    ],
    "clusters_partial_update": [
        Case(write("PATCH", "clusters", lambda w: w.cluster(), rename), draft_write(200)),
        Case(write("PATCH", "clusters", submitted_cluster, rename), SUBMITTED_WRITE),
    ],
    "clusters_destroy": [Case(write("DELETE", "clusters", lambda w: w.cluster()), draft_write(204))],
    "technoparks_list": [Case(listing("technoparks", lambda w: w.technopark()), EVERYONE, DRAFT_SEEN_BY)],
    "technoparks_geojson_list": [
        Case(listing("technoparks/geojson", lambda w: w.technopark()), EVERYONE, DRAFT_SEEN_BY)
    ],
    "technoparks_retrieve": [
        Case(detail("technoparks", lambda w: w.technopark()), DRAFT_READ),
        Case(detail("technoparks", lambda w: w.submitted(w.technopark())), SUBMITTED_READ),
    ],
    "technoparks_create": [
        Case(
            lambda w: Request("POST", "/api/v1/technoparks/", {**technopark_body(w), "operator": w.organisation().pk}),
            CREATE_WITH_OWNERS_DRAFT,
        )
    ],
    "technoparks_update": [
        Case(write("PUT", "technoparks", lambda w: w.technopark(), lambda w, r: technopark_body(w)), draft_write(200))
    ],
    "technoparks_partial_update": [
        Case(write("PATCH", "technoparks", lambda w: w.technopark(), rename), draft_write(200)),
        Case(write("PATCH", "technoparks", lambda w: w.submitted(w.technopark()), rename), SUBMITTED_WRITE),
    ],
    "technoparks_destroy": [Case(write("DELETE", "technoparks", lambda w: w.technopark()), draft_write(204))],
    # Memberships and residencies follow their cluster and technopark.
    "memberships_list": [Case(listing("memberships", lambda w: w.membership()), EVERYONE, DRAFT_SEEN_BY)],
    "memberships_retrieve": [Case(detail("memberships", lambda w: w.membership()), DRAFT_READ)],
    "memberships_create": [
        Case(
            lambda w: Request("POST", "/api/v1/memberships/", membership_body(w, w.cluster())),
            CREATE_WITH_OWNERS_DRAFT,
        )
    ],
    "memberships_update": [
        Case(
            write("PUT", "memberships", lambda w: w.membership(), lambda w, r: membership_body(w, r.cluster)),
            draft_write(200),
        )
    ],
    "memberships_partial_update": [
        Case(write("PATCH", "memberships", lambda w: w.membership(), lambda w, r: {"role": "anchor"}), draft_write(200))
    ],
    "memberships_destroy": [Case(write("DELETE", "memberships", lambda w: w.membership()), draft_write(204))],
    "residencies_list": [Case(listing("residencies", lambda w: w.residency()), EVERYONE, DRAFT_SEEN_BY)],
    "residencies_retrieve": [Case(detail("residencies", lambda w: w.residency()), DRAFT_READ)],
    "residencies_create": [
        Case(
            lambda w: Request("POST", "/api/v1/residencies/", residency_body(w, w.technopark())),
            CREATE_WITH_OWNERS_DRAFT,
        )
    ],
    "residencies_update": [
        Case(
            write("PUT", "residencies", lambda w: w.residency(), lambda w, r: residency_body(w, r.technopark)),
            draft_write(200),
        )
    ],
    "residencies_partial_update": [
        Case(
            write("PATCH", "residencies", lambda w: w.residency(), lambda w, r: {"started_on": "2022-01-01"}),
            draft_write(200),
        )
    ],
    "residencies_destroy": [Case(write("DELETE", "residencies", lambda w: w.residency()), draft_write(204))],
    "pool_memberships_list": [
        Case(
            listing("pool-memberships", lambda w: PoolMembershipFactory(technopark=w.technopark())),
            EVERYONE,
            DRAFT_SEEN_BY,
        )
    ],
    "pool_memberships_retrieve": [
        Case(detail("pool-memberships", lambda w: PoolMembershipFactory(technopark=w.technopark())), DRAFT_READ)
    ],
    # Projects, ideas, calls and programmes: drafts are their organisation's manager's (and staff's).
    "projects_list": [Case(listing("projects", lambda w: owners_project(w, draft=True)), EVERYONE, DRAFT_SEEN_BY)],
    "projects_retrieve": [Case(detail("projects", lambda w: owners_project(w, draft=True)), DRAFT_READ)],
    "projects_create": [Case(lambda w: Request("POST", "/api/v1/projects/", project_body(w)), ACT_FOR_OWNER)],
    "projects_update": [
        Case(
            write(
                "PUT",
                "projects",
                lambda w: owners_project(w, draft=True),
                lambda w, r: {
                    "name_en": "Renamed",
                    "lead_organisation": r.lead_organisation_id,
                    "trl_start": 2,
                    "trl_target": 5,
                },
            ),
            draft_write(200),
        )
    ],
    "projects_partial_update": [
        Case(write("PATCH", "projects", lambda w: owners_project(w, draft=True), rename), draft_write(200)),
        # A published project is read by everyone but changed only by those acting for its organisation.
        Case(write("PATCH", "projects", owners_project, rename), outcome(401, 403, 200, 403, 403, 200)),
    ],
    "projects_transition_create": [
        Case(
            lambda w: Request(
                "POST", f"/api/v1/projects/{owners_project(w, draft=True).pk}/transition/", {"to_stage": "cancelled"}
            ),
            draft_write(200),
        )
    ],
    "ideas_list": [
        Case(
            listing("ideas", lambda w: IdeaFactory(**draft_of(w), author_organisation=w.organisation(draft=False))),
            EVERYONE,
            DRAFT_SEEN_BY,
        )
    ],
    "ideas_retrieve": [
        Case(
            detail("ideas", lambda w: IdeaFactory(**draft_of(w), author_organisation=w.organisation(draft=False))),
            DRAFT_READ,
        )
    ],
    "calls_list": [
        Case(
            listing("calls", lambda w: CallFactory(**draft_of(w), organiser=w.organisation(draft=False))),
            EVERYONE,
            DRAFT_SEEN_BY,
        )
    ],
    "calls_retrieve": [
        Case(detail("calls", lambda w: CallFactory(**draft_of(w), organiser=w.organisation(draft=False))), DRAFT_READ)
    ],
    "calls_apply_create": [
        Case(
            lambda w: Request(
                "POST",
                f"/api/v1/calls/{CallFactory().pk}/apply/",
                {"organisation": w.organisation(draft=False).pk, "title": "Sensors", "summary": "Cheap sensors."},
            ),
            ACT_FOR_OWNER,
        )
    ],
    "programmes_list": [
        Case(
            listing("programmes", lambda w: ProgrammeFactory(**draft_of(w), owner_body=w.organisation(draft=False))),
            EVERYONE,
            DRAFT_SEEN_BY,
        )
    ],
    "programmes_retrieve": [
        Case(
            detail("programmes", lambda w: ProgrammeFactory(**draft_of(w), owner_body=w.organisation(draft=False))),
            DRAFT_READ,
        )
    ],
    # The Pool's Managing Commission: a member state's representative (here the owner) speaks for it; the
    # secretariat (staff) runs the meeting and adopts decisions.
    "pool_meetings_proposals_create": [
        Case(
            lambda w: Request(
                "POST",
                f"/api/v1/pool/meetings/{meeting_with_voice(w).pk}/proposals/",
                {"country": w.home.iso2, "title": "Joint exhibition"},
            ),
            ACT_FOR_OWNER,
        )
    ],
    "pool_decisions_positions_create": [
        Case(
            lambda w: Request(
                "POST",
                f"/api/v1/pool/decisions/{DecisionFactory(meeting=meeting_with_voice(w)).pk}/positions/",
                {"country": w.home.iso2, "position": Position.AGREE},
            ),
            outcome(401, 403, 200, 403, 403, 200),
        )
    ],
    "pool_decisions_adopt_create": [
        Case(
            lambda w: Request("POST", f"/api/v1/pool/decisions/{decision_with_consensus(w).pk}/adopt/"),
            outcome(401, 403, 403, 403, 403, 200),
        )
    ],
}


def draft_of(world: World) -> dict:
    """Factory arguments for a draft created by the owner (projects' records keep their creator)."""
    return {"status": PublicationStatus.DRAFT, "published_at": None, "created_by": world.owner}


def _ids(body) -> list[int]:
    if isinstance(body, dict) and "features" in body:
        return [feature.get("id") or feature["properties"].get("id") for feature in body["features"]]
    if isinstance(body, dict) and "results" in body:
        return [row["id"] for row in body["results"]]
    raise AssertionError(f"not a list: {body!r:.200}")


API_MATRIX = [
    pytest.param(operation, index, role, id=f"{operation}-{index}-{role.replace(' ', '_')}")
    for operation, cases in API_CASES.items()
    for index in range(len(cases))
    for role in ROLES
]


@pytest.mark.parametrize(("operation", "index", "role"), API_MATRIX)
def test_api_operation_gives_each_role_its_outcome(operation, index, role):
    case = API_CASES[operation][index]
    world = build_world()
    request = case.build(world)
    before = fingerprint()

    response = getattr(world.api(role), request.method.lower())(request.url, request.body, format="json")

    expected = case.expected[role]
    assert response.status_code == expected, f"{role}: {response.status_code} {response.content[:300]!r}"
    if expected >= 400:
        assert fingerprint() == before, "a refused request changed the database"
        assert set(response.json()) == {"code", "message", "fields"}
    elif request.method != "GET":
        assert fingerprint() != before, "an accepted write changed nothing"
    if case.sees is not None:
        assert (request.hidden_id in _ids(response.json())) == (role in case.sees)


def _schema_operations() -> set[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        operation["operationId"]
        for methods in schema["paths"].values()
        for method, operation in methods.items()
        if method in ("get", "post", "put", "patch", "delete")
    }


def test_every_operation_in_the_api_schema_is_in_the_matrix():
    operations = _schema_operations()
    assert operations - set(API_CASES) == set(), "operations without a row in the matrix"
    assert set(API_CASES) - operations == set(), "rows for operations the API no longer has"


def test_a_project_cannot_link_another_managers_draft_cluster():
    world = build_world()
    hidden = world.cluster(name_en="Hidden draft cluster")
    lead = OrganisationFactory(created_by=world.other, country=world.abroad)
    before = fingerprint()

    response = world.api(OTHER_MANAGER).post(
        "/api/v1/projects/",
        {
            "name_en": "Borrowing",
            "lead_organisation": lead.pk,
            "trl_start": 2,
            "trl_target": 5,
            "clusters": [hidden.pk],
        },
        format="json",
    )

    assert response.status_code == 400 and "clusters" in response.json()["fields"]
    assert "Hidden draft cluster" not in response.content.decode()
    assert fingerprint() == before


# --- The pages of registration and moderation ---------------------------------------------------------
LOGIN = 302  # anonymous visitors are sent to sign in


def step_url(record, step: str) -> str:
    return reverse("registration:step", args=["cluster", record.pk, step])


def version(record, revision=None) -> str:
    record = type(record).objects.get(pk=record.pk)
    return workflow.record_version(record, revision if revision is not None else workflow.open_revision(record))


def location_step(world: World) -> Request:
    cluster = world.cluster()
    point = point_in(world.home, 0.3, 0.3)
    body = {"version": version(cluster), "longitude": point.x, "latitude": point.y, "go": "next"}
    return Request("POST", step_url(cluster, "location"), body)


def review_approve(world: World) -> Request:
    cluster = submitted_cluster(world)
    return Request(
        "POST",
        reverse("registration:review", args=["cluster", cluster.pk]),
        {"decision": "approve", "version": version(cluster)},
    )


def pending_revision(world: World) -> Revision:
    cluster = world.cluster(draft=False)
    workflow.revision_create(
        record=cluster,
        user=world.owner,
        version=workflow.record_version(cluster),
        changes={"website": "https://example.org"},
    )
    workflow.record_submit(record=cluster, user=world.owner)
    return Revision.objects.get(object_id=cluster.pk, status=RevisionStatus.PENDING)


def revision_approve(world: World) -> Request:
    revision = pending_revision(world)
    return Request(
        "POST",
        reverse("registration:review-revision", args=[revision.pk]),
        {"decision": "approve", "version": version(revision.target, revision)},
    )


def kind_url(name: str, make, *extra) -> Callable[[World], Request]:
    return lambda world: get(reverse(f"registration:{name}", args=["cluster", make(world).pk, *extra]))


def post_kind(name: str, make, body=None) -> Callable[[World], Request]:
    def build(world: World) -> Request:
        record = make(world)
        data = body(record) if body else {"version": version(record)}
        return Request("POST", reverse(f"registration:{name}", args=["cluster", record.pk]), data)

    return build


def queue(world: World) -> Request:
    cluster = world.submitted(world.cluster(name_en="Queued cluster"))
    return get(reverse("registration:moderation"), hidden_text=cluster.name_en)


PAGE_WRITE = outcome(LOGIN, 403, 302, 403, 403, 302)
MODERATION_WRITE = outcome(LOGIN, 403, 403, 403, 302, 302)

PAGE_CASES: dict[str, list[Case]] = {
    "registration:moderation": [
        Case(queue, outcome(LOGIN, 403, 403, 200, 200, 200), frozenset({MODERATOR_HOME, ADMINISTRATOR}))
    ],
    "registration:review": [
        Case(kind_url("review", submitted_cluster), outcome(LOGIN, 403, 403, 403, 200, 200)),
        Case(review_approve, MODERATION_WRITE),
    ],
    "registration:review-revision": [
        Case(
            lambda w: get(reverse("registration:review-revision", args=[pending_revision(w).pk])),
            outcome(LOGIN, 403, 403, 403, 200, 200),
        ),
        Case(revision_approve, MODERATION_WRITE),
    ],
    "registration:step": [
        Case(kind_url("step", lambda w: w.cluster(), "basics"), outcome(LOGIN, 403, 200, 403, 403, 200)),
        Case(location_step, PAGE_WRITE),
    ],
    "registration:submit": [Case(post_kind("submit", lambda w: w.cluster()), PAGE_WRITE)],
    "registration:archive": [Case(post_kind("archive", lambda w: w.cluster(draft=False)), PAGE_WRITE)],
    "registration:invite": [
        Case(kind_url("invite", lambda w: w.cluster()), outcome(LOGIN, 403, 200, 403, 403, 403)),
        Case(
            post_kind("invite", lambda w: w.cluster(), lambda r: {"email": "friend@example.org"}),
            outcome(LOGIN, 403, 302, 403, 403, 403),
        ),
    ],
    "registration:history": [
        Case(kind_url("history", lambda w: w.cluster(draft=False)), outcome(LOGIN, 403, 403, 403, 200, 200))
    ],
    # Profiles and the map's popups of a draft: only its manager and the administrator.
    "directory:organisation-detail": [
        Case(lambda w: get(reverse("directory:organisation-detail", args=[w.organisation().pk])), DRAFT_READ)
    ],
    "clusters:detail": [Case(lambda w: get(reverse("clusters:detail", args=[w.cluster().pk])), DRAFT_READ)],
    "clusters:popup": [Case(lambda w: get(reverse("clusters:popup", args=[w.cluster().pk])), DRAFT_READ)],
    "technoparks:detail": [Case(lambda w: get(reverse("technoparks:detail", args=[w.technopark().pk])), DRAFT_READ)],
    "technoparks:popup": [Case(lambda w: get(reverse("technoparks:popup", args=[w.technopark().pk])), DRAFT_READ)],
}

# Registration pages that act on no one else's record, each with the reason it needs no row above.
PAGES_WITHOUT_TARGET = {
    "registration:start": "the choice of what to register",
    "registration:my-entries": "lists only the user's own entries (directory/tests/test_registration_views.py)",
    "registration:organisation-search": "searches only organisations the user may see (test_bad_input.py)",
    "registration:create": "creates a new draft of the user's own",
    "registration:logo": "serves only approved logos (directory/tests/test_registration_views.py)",
    "registration:restore": "restores history for staff; refused to others by the workflow service",
}

PAGE_MATRIX = [
    pytest.param(name, index, role, id=f"{name}-{index}-{role.replace(' ', '_')}")
    for name, cases in PAGE_CASES.items()
    for index in range(len(cases))
    for role in ROLES
]


@pytest.mark.parametrize(("name", "index", "role"), PAGE_MATRIX)
def test_page_gives_each_role_its_outcome(name, index, role, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    case = PAGE_CASES[name][index]
    world = build_world()
    request = case.build(world)
    before = fingerprint()

    client = world.browser(role)
    response = client.get(request.url) if request.method == "GET" else client.post(request.url, request.body)

    expected = case.expected[role]
    assert response.status_code == expected, f"{role}: {response.status_code}"
    if role == ANONYMOUS and expected == LOGIN:
        assert reverse("accounts:login") in response["Location"]
    if expected >= 400 or role == ANONYMOUS:
        assert fingerprint() == before, "a refused request changed the database"
    elif request.method == "POST":
        assert fingerprint() != before, "an accepted write changed nothing"
    if case.sees is not None:
        assert (request.hidden_text in response.content.decode()) == (role in case.sees)


def test_approval_by_the_countrys_moderator_publishes_the_entry():
    world = build_world()
    request = review_approve(world)
    cluster_id = int(request.url.rstrip("/").split("/")[-1])

    world.browser(MODERATOR_HOME).post(request.url, request.body)

    assert Cluster.objects.get(pk=cluster_id).status == PublicationStatus.PUBLISHED


def test_every_registration_page_is_in_the_matrix():
    resolver = get_resolver()
    names = set()
    for language_patterns in resolver.url_patterns:
        for pattern in getattr(language_patterns, "url_patterns", []):
            if getattr(pattern, "namespace", None) == "registration":
                names |= {f"registration:{p.name}" for p in pattern.url_patterns}
    classified = {name for name in PAGE_CASES if name.startswith("registration:")} | set(PAGES_WITHOUT_TARGET)
    assert names, "the registration pages were not found"
    assert names - classified == set(), "registration pages without a row in the matrix"
    assert classified - names == set(), "rows for pages that no longer exist"
