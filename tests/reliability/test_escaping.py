"""Markup typed into a name or a description is shown as text everywhere: on profiles and lists, in the moderators'
pages and the admin, in the map's JSON and in exports. Records are written through the API, as a manager would.
"""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from clusters.models import Cluster
from directory.choices import PublicationStatus
from directory.models import Organisation
from projects.models import Project
from technoparks.models import Technopark

from .bad_input_cases import cluster_create, organisation_create, project_create, technopark_create
from .matrix_support import (
    ADMINISTRATOR,
    ANONYMOUS,
    MODERATOR_HOME,
    OWNER,
    World,
    _no_throttling,  # noqa: F401
    build_world,
)

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE_BREAK = '"><img src=x onerror=alert(1)>'
RAW = (SCRIPT, ATTRIBUTE_BREAK, "<img src=x", "<script>alert")
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def hostile(label: str) -> dict:
    return {
        "name_en": f"{SCRIPT} {label}",
        "name_original": f"{ATTRIBUTE_BREAK} {label}",
        "description_en": f"{ATTRIBUTE_BREAK} {SCRIPT}",
    }


def create(world: World, build, label: str, extra=None) -> int:
    method, url, body = build(world)
    body = {**body, **hostile(label), **(extra or {})}
    response = world.api(OWNER).generic(method, url, json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content[:300]
    return response.json()["id"]


def publish(model, pk: int) -> None:
    model.objects.filter(pk=pk).update(status=PublicationStatus.PUBLISHED, published_at=timezone.now())


@pytest.fixture
def hostile_registry():
    world = build_world()
    organisation = create(world, organisation_create, "organisation", {"city": f"{SCRIPT} city"})
    cluster = create(world, cluster_create, "cluster")
    technopark = create(world, technopark_create, "technopark")
    project = create(world, project_create, "project")
    for model, pk in ((Organisation, organisation), (Cluster, cluster), (Technopark, technopark), (Project, project)):
        publish(model, pk)
    # A second cluster waits for the moderators, so that their queue and review page show it too.
    submitted = create(world, cluster_create, "submitted cluster")
    Cluster.objects.filter(pk=submitted).update(status=PublicationStatus.SUBMITTED, status_changed_at=timezone.now())
    ids = {"organisation": organisation, "cluster": cluster, "technopark": technopark, "project": project}
    return world, ids, submitted


def assert_escaped(response, *, shown: bool = False) -> str:
    assert response.status_code == 200, response.status_code
    text = response.content.decode()
    for raw in RAW:
        assert raw not in text, f"{raw!r} appears unescaped in {response.request['PATH_INFO']}"
    if shown:
        assert ESCAPED in text or "\\u003Cscript\\u003E" in text, "the hostile name is not shown at all"
    return text


def public_pages(ids: dict) -> list[tuple[str, bool]]:
    """(url, whether the hostile name must be on it)."""
    return [
        (reverse("home"), False),
        (reverse("directory:organisation-list"), True),
        (reverse("directory:organisation-detail", args=[ids["organisation"]]), True),
        (reverse("clusters:list"), True),
        (reverse("clusters:detail", args=[ids["cluster"]]), True),
        (reverse("technoparks:list"), True),
        (reverse("technoparks:detail", args=[ids["technopark"]]), True),
        (reverse("projects:project_list"), True),
        (reverse("projects:project_detail", args=[ids["project"]]), True),
        (reverse("matching:find"), False),
        (reverse("matching:network"), False),
    ]


def test_public_pages_show_markup_as_text(hostile_registry):
    world, ids, _submitted = hostile_registry
    client = world.browser(ANONYMOUS)
    for url, shown in public_pages(ids):
        assert_escaped(client.get(url), shown=shown)


def test_the_owner_and_the_moderator_see_markup_as_text(hostile_registry):
    world, ids, submitted = hostile_registry
    owner = world.browser(OWNER)
    assert_escaped(owner.get(reverse("registration:my-entries")), shown=True)
    assert_escaped(owner.get(reverse("registration:step", args=["cluster", submitted, "review"])), shown=True)
    moderator = world.browser(MODERATOR_HOME)
    assert_escaped(moderator.get(reverse("registration:moderation")), shown=True)
    assert_escaped(moderator.get(reverse("registration:review", args=["cluster", submitted])), shown=True)


@pytest.mark.parametrize(
    ("model", "key"),
    [
        ("directory/organisation", "organisation"),
        ("clusters/cluster", "cluster"),
        ("technoparks/technopark", "technopark"),
    ],
)
def test_the_admin_shows_markup_as_text(hostile_registry, model, key):
    world, ids, _submitted = hostile_registry
    admin = world.browser(ADMINISTRATOR)
    assert_escaped(admin.get(f"/en/admin/{model}/"), shown=True)
    assert_escaped(admin.get(f"/en/admin/{model}/{ids[key]}/change/"))


def test_map_json_and_exports_are_never_served_as_html(hostile_registry):
    world, ids, _submitted = hostile_registry
    client = world.browser(ANONYMOUS)
    urls = [
        reverse("clusters:popup", args=[ids["cluster"]]),
        reverse("technoparks:popup", args=[ids["technopark"]]),
        reverse("clusters:features"),
        reverse("technoparks:features"),
        reverse("clusters:export-csv"),
        reverse("clusters:export-geojson"),
        reverse("technoparks:export-csv"),
        f"/api/v1/clusters/{ids['cluster']}/",
        "/api/v1/organisations/",
        "/api/v1/clusters/geojson/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        content_type = response["Content-Type"]
        assert "html" not in content_type, (url, content_type)
        assert response["X-Content-Type-Options"] == "nosniff", url
    popup = client.get(reverse("clusters:popup", args=[ids["cluster"]])).json()
    # The popup's JavaScript puts the name in with textContent: it arrives as the text that was typed.
    assert popup["name"].startswith(SCRIPT)


STATIC = Path(settings.BASE_DIR) / "static"
# Leaflet and the DOM parse a string given to these as HTML.
HTML_SINKS = re.compile(r"\.(bindTooltip|bindPopup|setContent)\(\s*[`'\"]|\.(innerHTML|outerHTML)\s*=|document\.write")


def test_no_page_script_passes_registry_text_to_an_html_sink():
    offenders = []
    for path in STATIC.rglob("*.js"):
        if "vendor" in path.parts or ".min." in path.name:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if HTML_SINKS.search(line):
                offenders.append(f"{path.relative_to(STATIC)}:{number}: {line.strip()}")
    assert offenders == []
