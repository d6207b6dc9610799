"""The catalogue of bad input, as data: every write endpoint of the API with a body it accepts, and the values that
must be refused. test_bad_input.py spoils one field at a time and expects a 4xx naming it and an unchanged database.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from rest_framework import serializers

from clusters.api.serializers import ClusterWriteSerializer, MembershipWriteSerializer
from clusters.choices import MembershipRole
from directory.api.serializers import OrganisationWriteSerializer
from eaeu_portal.api.serializers import TEXT_MAX_LENGTH, PointField
from projects.api.serializers import CallApplicationSerializer, ProjectTransitionSerializer, ProjectWriteSerializer
from projects.tests.factories import CallFactory, ProjectFactory
from technoparks.api.pool import RecordPositionSerializer, WorkPlanProposalSerializer
from technoparks.api.serializers import ResidencyWriteSerializer, TechnoparkWriteSerializer
from technoparks.pool_choices import Position
from technoparks.tests.pool_factories import DecisionFactory, MeetingFactory, RepresentativeFactory

from .matrix_support import World


@dataclass(frozen=True)
class WriteEndpoint:
    name: str
    serializer: type[serializers.Serializer]
    # world → (method, url, a body the endpoint accepts from the owner)
    build: Callable[[World], tuple[str, str, dict]]

    def fields(self) -> dict[str, serializers.Field]:
        return {name: field for name, field in self.serializer().fields.items() if not field.read_only}

    def text_fields(self) -> list[str]:
        return [name for name, field in self.fields().items() if isinstance(field, serializers.CharField)]

    def number_fields(self) -> list[str]:
        kinds = (
            serializers.IntegerField,
            serializers.DecimalField,
            serializers.FloatField,
            serializers.PrimaryKeyRelatedField,
            serializers.ManyRelatedField,
        )
        return [name for name, field in self.fields().items() if isinstance(field, kinds)]

    def point_fields(self) -> list[str]:
        return [name for name, field in self.fields().items() if isinstance(field, PointField)]

    def max_length(self, name: str) -> int:
        return self.fields()[name].max_length or TEXT_MAX_LENGTH


# --- Bodies each endpoint accepts --------------------------------------------------------------------
def organisation_create(world: World):
    body = {
        "name_original": "Организация",
        "original_language": "ru",
        "name_en": "Organisation",
        "kind": "sme",
        "country": world.home.pk,
        "city": "Capital",
    }
    return "POST", "/api/v1/organisations/", body


def organisation_update(world: World):
    return "PATCH", f"/api/v1/organisations/{world.organisation().pk}/", {"name_en": "Renamed", "city": "Capital"}


def cluster_create(world: World):
    body = {
        "name_original": "Кластер",
        "original_language": "ru",
        "name_en": "Cluster",
        "kind": "innovation",
        "country": world.home.pk,
        "founded_year": 2015,
    }
    return "POST", "/api/v1/clusters/", body


def cluster_update(world: World):
    return "PATCH", f"/api/v1/clusters/{world.cluster().pk}/", {"name_en": "Renamed", "founded_year": 2016}


def technopark_create(world: World):
    body = {
        "name_original": "Технопарк",
        "original_language": "ru",
        "name_en": "Technopark",
        "kind": "technopark",
        "country": world.home.pk,
    }
    return "POST", "/api/v1/technoparks/", body


def technopark_update(world: World):
    return "PATCH", f"/api/v1/technoparks/{world.technopark().pk}/", {"name_en": "Renamed"}


def membership_create(world: World):
    body = {
        "cluster": world.cluster().pk,
        "organisation": world.published_member().pk,
        "role": MembershipRole.PARTICIPANT,
        "joined_on": "2021-01-15",
    }
    return "POST", "/api/v1/memberships/", body


def membership_update(world: World):
    return "PATCH", f"/api/v1/memberships/{world.membership().pk}/", {"joined_on": "2021-02-01"}


def residency_create(world: World):
    body = {
        "technopark": world.technopark().pk,
        "organisation": world.published_member().pk,
        "started_on": "2021-03-01",
    }
    return "POST", "/api/v1/residencies/", body


def residency_update(world: World):
    return "PATCH", f"/api/v1/residencies/{world.residency().pk}/", {"started_on": "2021-04-01"}


def project_create(world: World):
    body = {
        "name_en": "Joint project",
        "lead_organisation": world.organisation(draft=False).pk,
        "trl_start": 2,
        "trl_target": 5,
        "budget": "1000.00",
        "currency": "EUR",
    }
    return "POST", "/api/v1/projects/", body


def _project(world: World):
    return ProjectFactory(lead_organisation=world.organisation(draft=False), created_by=world.owner)


def project_update(world: World):
    return "PATCH", f"/api/v1/projects/{_project(world).pk}/", {"name_en": "Renamed", "trl_target": 6}


def project_transition(world: World):
    return "POST", f"/api/v1/projects/{_project(world).pk}/transition/", {"to_stage": "cancelled", "note": "Ended."}


def call_apply(world: World):
    body = {"organisation": world.organisation(draft=False).pk, "title": "Sensors", "summary": "Cheap sensors."}
    return "POST", f"/api/v1/calls/{CallFactory().pk}/apply/", body


def _meeting(world: World):
    meeting = MeetingFactory(presiding_country=world.home, held_on=datetime.date.today() + datetime.timedelta(days=200))
    RepresentativeFactory(commission=meeting.commission, country=world.home, user=world.owner)
    return meeting


def pool_proposal(world: World):
    body = {"country": world.home.iso2, "title": "Joint exhibition", "description": "Of technoparks."}
    return "POST", f"/api/v1/pool/meetings/{_meeting(world).pk}/proposals/", body


def pool_position(world: World):
    decision = DecisionFactory(meeting=_meeting(world))
    return (
        "POST",
        f"/api/v1/pool/decisions/{decision.pk}/positions/",
        {"country": world.home.iso2, "position": Position.AGREE},
    )


WRITE_ENDPOINTS = [
    WriteEndpoint("organisation create", OrganisationWriteSerializer, organisation_create),
    WriteEndpoint("organisation update", OrganisationWriteSerializer, organisation_update),
    WriteEndpoint("cluster create", ClusterWriteSerializer, cluster_create),
    WriteEndpoint("cluster update", ClusterWriteSerializer, cluster_update),
    WriteEndpoint("technopark create", TechnoparkWriteSerializer, technopark_create),
    WriteEndpoint("technopark update", TechnoparkWriteSerializer, technopark_update),
    WriteEndpoint("membership create", MembershipWriteSerializer, membership_create),
    WriteEndpoint("membership update", MembershipWriteSerializer, membership_update),
    WriteEndpoint("residency create", ResidencyWriteSerializer, residency_create),
    WriteEndpoint("residency update", ResidencyWriteSerializer, residency_update),
    WriteEndpoint("project create", ProjectWriteSerializer, project_create),
    WriteEndpoint("project update", ProjectWriteSerializer, project_update),
    WriteEndpoint("project transition", ProjectTransitionSerializer, project_transition),
    WriteEndpoint("call application", CallApplicationSerializer, call_apply),
    WriteEndpoint("pool proposal", WorkPlanProposalSerializer, pool_proposal),
    WriteEndpoint("pool position", RecordPositionSerializer, pool_position),
]

# --- Values that must be refused ---------------------------------------------------------------------
# NUL, bell, escape, delete and a C1 control (CSI): each alone inside an otherwise fine text.
CONTROL_CHARACTERS = ["\x00", "\x07", "\x1b", "\x7f", "\x9b"]
# Beyond 64 bits, either sign, and far beyond any money field.
HUGE_NUMBERS = [2**64, -(2**63) - 1, 10**30]
# Read-only fields somebody might try to set: the workflow, ownership, moderation and the record's identity.
READ_ONLY_ATTEMPTS = {
    "id": 987654,
    "status": "published",
    "published_at": "2020-01-01T00:00:00Z",
    "status_changed_at": "2020-01-01T00:00:00Z",
    "status_changed_by": 1,
    "created_by": 1,
    "created_at": "2020-01-01T00:00:00Z",
    "updated_at": "2020-01-01T00:00:00Z",
    "is_demo": True,
}
BAD_POINTS = {
    "longitude beyond 180": {"type": "Point", "coordinates": [200.0, 10.0]},
    "latitude beyond 90": {"type": "Point", "coordinates": [10.0, 95.0]},
    "outside the country": {"type": "Point", "coordinates": [0.0, 0.0]},
    "not a number": {"type": "Point", "coordinates": ["NaN", 1]},
    "missing coordinates": {"type": "Point"},
    "three coordinates": {"type": "Point", "coordinates": [1.0, 2.0, 3.0]},
    "self-intersecting polygon": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
    "another reference system": {
        "type": "Point",
        "coordinates": [4000000, 7000000],
        "crs": {"type": "name", "properties": {"name": "EPSG:3857"}},
    },
    "broken text": "POINT(1 2",
    "a list": [1, 2],
    "a number": 42,
    "empty point": "POINT EMPTY",
}
# Bodies that are not a JSON object.
BAD_BODIES = {
    "malformed JSON": b'{"name_en": ',
    "null": b"null",
    "a list": b"[]",
    "a string": b'"text"',
    "a number": b"42",
    "NaN": b'{"name_en": NaN}',
    "nested too deeply": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "invalid UTF-8": b'{"name_en": "\xff\xfe"}',
    "a lone surrogate": b'{"name_en": "\\ud800"}',
}
WRONG_CONTENT_TYPES = {
    "form": ("application/x-www-form-urlencoded", b"name_en=X"),
    "multipart": (
        "multipart/form-data; boundary=x",
        b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--',
    ),
    "plain text": ("text/plain", b'{"name_en": "X"}'),
    "XML": ("application/xml", b"<name_en>X</name_en>"),
    "no type": ("", b'{"name_en": "X"}'),
}
# SQL and LIKE meta-characters: searched for literally, never interpreted.
SQL_META = ["' OR '1'='1", "1; DROP TABLE directory_organisation; --", "%", "_", "\\", '")', "*", "' UNION SELECT 1 --"]
