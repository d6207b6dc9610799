"""The manager's guided forms, "My entries", organisation search and logos, through the pages."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from clusters.models import Cluster
from clusters.tests.factories import ClusterFactory, MembershipFactory
from directory import workflow
from directory.access import grant_create
from directory.choices import PublicationStatus
from directory.models import Organisation, RecordLogo, Revision
from directory.tests.factories import CountryFactory, OrganisationFactory, point_in
from directory.tests.registration_support import manager, moderator
from technoparks.tests.factories import TechnoparkFactory

pytestmark = pytest.mark.django_db


def step_url(kind, record, step):
    return reverse("registration:step", args=[kind, record.pk, step])


def version_of(record):
    record = type(record).objects.get(pk=record.pk)
    return workflow.record_version(record, workflow.open_revision(record))


def png(size=(32, 32), image_format="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(buffer, image_format)
    return buffer.getvalue()


@pytest.fixture
def owner(client):
    user = manager()
    client.force_login(user)
    return user


# --- Access ----------------------------------------------------------------------------
def test_the_registration_pages_ask_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("registration:start"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_manager_cannot_open_someone_elses_entry(client, owner):
    cluster = ClusterFactory(draft=True, created_by=manager())
    assert client.get(step_url("cluster", cluster, "basics")).status_code == 403
    response = client.post(step_url("cluster", cluster, "basics"), {"version": version_of(cluster), "name_en": "X"})
    assert response.status_code == 403
    assert Cluster.objects.get(pk=cluster.pk).name_en != "X"


def test_an_unknown_kind_or_step_is_not_found(client, owner):
    cluster = ClusterFactory(draft=True, created_by=owner)
    assert client.get(reverse("registration:create", args=["spaceship"])).status_code == 404
    assert client.get(step_url("cluster", cluster, "nowhere")).status_code == 404


# --- The guided form, step by step ----------------------------------------------------------
def test_the_first_step_saves_a_draft_and_moves_on(client, owner):
    country = CountryFactory()
    response = client.post(
        reverse("registration:create", args=["cluster"]),
        {
            "version": "new",
            "name_en": "Kama Cluster",
            "name_ru": "Камский кластер",
            "kind": "innovation",
            "country": country.pk,
            "go": "next",
        },
    )
    cluster = Cluster.objects.get()
    assert response.status_code == 302 and response["Location"] == step_url("cluster", cluster, "location")
    assert cluster.status == PublicationStatus.DRAFT and cluster.created_by == owner
    assert cluster.name_ru == "Камский кластер"


def test_the_first_step_without_any_name_shows_the_error_and_saves_nothing(client, owner):
    response = client.post(
        reverse("registration:create", args=["cluster"]),
        {"version": "new", "kind": "innovation", "country": CountryFactory().pk},
    )
    assert response.status_code == 200
    assert "Give a name in at least one language." in response.content.decode()
    assert not Cluster.objects.exists()


def test_the_location_step_takes_typed_coordinates(client, owner):
    cluster = ClusterFactory(draft=True, created_by=owner, location=None)
    point = point_in(cluster.country, 0.25, 0.75)
    response = client.post(
        step_url("cluster", cluster, "location"),
        {"version": version_of(cluster), "longitude": point.x, "latitude": point.y, "go": "next"},
    )
    assert response.status_code == 302
    saved = Cluster.objects.get(pk=cluster.pk).location
    assert abs(saved.x - point.x) < 1e-6 and abs(saved.y - point.y) < 1e-6


def test_coordinates_outside_the_country_are_refused_with_a_clear_message(client, owner):
    cluster = ClusterFactory(draft=True, created_by=owner)
    elsewhere = point_in(CountryFactory())
    response = client.post(
        step_url("cluster", cluster, "location"),
        {"version": version_of(cluster), "longitude": elsewhere.x, "latitude": elsewhere.y, "go": "next"},
    )
    assert response.status_code == 200
    assert "lies outside" in response.content.decode()
    assert Cluster.objects.get(pk=cluster.pk).location == cluster.location


def test_only_one_coordinate_is_refused(client, owner):
    cluster = ClusterFactory(draft=True, created_by=owner)
    response = client.post(step_url("cluster", cluster, "location"), {"version": version_of(cluster), "longitude": 50})
    assert "Give both the longitude and the latitude" in response.content.decode()


def test_the_location_page_has_the_point_picker_and_no_inline_script(client, owner):
    cluster = ClusterFactory(draft=True, created_by=owner)
    html = client.get(step_url("cluster", cluster, "location")).content.decode()
    assert 'id="point-picker"' in html and "point-picker.js" in html
    assert "<script>" not in html.replace('<script id="point-picker-config" type="application/json">', "")


def members_post(cluster, rows, **extra):
    data = {
        "version": version_of(cluster),
        "rows-TOTAL_FORMS": len(rows),
        "rows-INITIAL_FORMS": 0,
        "rows-MIN_NUM_FORMS": 0,
        "rows-MAX_NUM_FORMS": 1000,
        **extra,
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"rows-{index}-{key}"] = value
    return data


def test_the_members_step_saves_two_members(client, owner):
    cluster = ClusterFactory(draft=True, created_by=owner)
    first, second = OrganisationFactory(country=cluster.country), OrganisationFactory(country=cluster.country)
    response = client.post(
        step_url("cluster", cluster, "members"),
        members_post(
            cluster,
            [{"organisation": first.pk, "role": "anchor"}, {"organisation": second.pk, "role": "research"}],
            go="next",
        ),
    )
    assert response.status_code == 302
    assert dict(cluster.memberships.values_list("organisation_id", "role")) == {
        first.pk: "anchor",
        second.pk: "research",
    }


def test_someone_elses_draft_organisation_cannot_be_added_as_a_member(client, owner):
    cluster = ClusterFactory(draft=True, created_by=owner)
    hidden = OrganisationFactory(country=cluster.country, draft=True)
    response = client.post(
        step_url("cluster", cluster, "members"), members_post(cluster, [{"organisation": hidden.pk, "role": "anchor"}])
    )
    assert response.status_code == 200
    assert not cluster.memberships.exists()


def test_a_member_can_be_created_on_the_spot(client, owner):
    cluster = ClusterFactory(draft=True, created_by=owner)
    response = client.post(
        step_url("cluster", cluster, "members"),
        members_post(
            cluster,
            [],
            go="create",
            **{"new-name_en": "Fresh Startup", "new-country": cluster.country.pk, "new-kind": "startup"},
        ),
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name_en="Fresh Startup")
    assert organisation.status == PublicationStatus.DRAFT and organisation.created_by == owner
    assert cluster.memberships.get().organisation == organisation


def test_the_members_page_lists_current_members_with_their_names(client, owner, django_assert_max_num_queries):
    cluster = ClusterFactory(draft=True, created_by=owner)
    for _ in range(5):
        MembershipFactory(cluster=cluster)
    with django_assert_max_num_queries(25):
        html = client.get(step_url("cluster", cluster, "members")).content.decode()
    for membership in cluster.memberships.select_related("organisation"):
        assert str(membership.organisation) in html


def test_the_indicators_step_saves_a_year_and_refuses_revenue_without_currency(client, owner):
    cluster = ClusterFactory(draft=True, created_by=owner)
    row = {"year": 2023, "employees": 1500, "revenue": "1000000"}
    response = client.post(step_url("cluster", cluster, "indicators"), members_post(cluster, [row]))
    assert response.status_code == 200
    assert "Give the currency" in response.content.decode()
    assert not cluster.indicators.exists()

    response = client.post(
        step_url("cluster", cluster, "indicators"), members_post(cluster, [{**row, "currency": "RUB"}])
    )
    assert response.status_code == 302
    assert cluster.indicators.get().employees == 1500


def test_the_technopark_steps_save_services_and_residents(client, owner):
    technopark = TechnoparkFactory(draft=True, created_by=owner, services=[])
    resident = OrganisationFactory(country=technopark.country)
    client.post(
        step_url("technopark", technopark, "activity"),
        {"version": version_of(technopark), "services": ["offices", "coworking"], "founded_year": 2015},
    )
    client.post(
        step_url("technopark", technopark, "residents"), members_post(technopark, [{"organisation": resident.pk}])
    )
    technopark.refresh_from_db()
    assert technopark.services == ["offices", "coworking"]
    assert technopark.residencies.get().organisation == resident


# --- Concurrent edits -----------------------------------------------------------------------
def test_a_stale_save_is_refused_and_shows_the_other_persons_values(client, owner):
    cluster = ClusterFactory(draft=True, created_by=owner, name_en="Original")
    colleague = manager()
    grant_create(record=cluster, user=colleague)
    opened = version_of(cluster)
    workflow.record_edit(record=cluster, user=colleague, version=opened, changes={"name_en": "Colleague's name"})

    response = client.post(
        step_url("cluster", cluster, "basics"),
        {"version": opened, "name_en": "My name", "kind": "innovation", "country": cluster.country.pk},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this entry after you opened it" in html
    assert "Colleague&#x27;s name" in html
    assert Cluster.objects.get(pk=cluster.pk).name_en == "Colleague's name"
    assert f'value="{version_of(cluster)}"' in html


# --- Published entries and revisions -------------------------------------------------------------
def test_editing_a_published_entry_keeps_the_public_version(client, owner):
    cluster = ClusterFactory(created_by=owner, name_en="Public name")
    response = client.post(
        step_url("cluster", cluster, "basics"),
        {"version": version_of(cluster), "name_en": "New name", "kind": "innovation", "country": cluster.country.pk},
    )
    assert response.status_code == 302
    assert Cluster.objects.get(pk=cluster.pk).name_en == "Public name"
    assert Revision.objects.get().data["proposed"]["name_en"] == "New name"
    public = client.get(reverse("clusters:detail", args=[cluster.pk])).content.decode()
    assert "Public name" in public and "New name" not in public
    form = client.get(step_url("cluster", cluster, "basics")).content.decode()
    assert 'value="New name"' in form


# --- Review, submit, archive ---------------------------------------------------------------------
def test_a_script_in_the_description_is_shown_escaped(client, owner):
    cluster = ClusterFactory(draft=True, created_by=owner, description_en="<script>alert('x')</script>")
    html = client.get(step_url("cluster", cluster, "review")).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_the_review_lists_what_is_missing_before_submission(client, owner):
    cluster = ClusterFactory(draft=True, created_by=owner, location=None)
    html = client.get(step_url("cluster", cluster, "review")).content.decode()
    assert "Place the entry on the map" in html
    assert "Submit for moderation" not in html


def test_submitting_from_the_review_sends_the_entry_to_the_moderators(client, owner):
    cluster = ClusterFactory(draft=True, created_by=owner)
    response = client.post(
        reverse("registration:submit", args=["cluster", cluster.pk]), {"version": version_of(cluster)}
    )
    assert response.status_code == 302 and response["Location"] == reverse("registration:my-entries")
    assert Cluster.objects.get(pk=cluster.pk).status == PublicationStatus.SUBMITTED


def test_archiving_from_my_entries(client, owner):
    cluster = ClusterFactory(created_by=owner)
    client.post(reverse("registration:archive", args=["cluster", cluster.pk]))
    assert Cluster.objects.get(pk=cluster.pk).status == PublicationStatus.ARCHIVED


def test_a_stranger_cannot_archive(client, owner):
    cluster = ClusterFactory(created_by=manager())
    assert client.post(reverse("registration:archive", args=["cluster", cluster.pk])).status_code == 403
    assert Cluster.objects.get(pk=cluster.pk).status == PublicationStatus.PUBLISHED


# --- My entries ---------------------------------------------------------------------------------
def test_my_entries_lists_mine_with_the_moderators_reason(client, owner, django_assert_max_num_queries):
    draft = ClusterFactory(draft=True, created_by=owner, name_en="My draft")
    rejected = ClusterFactory(draft=True, created_by=owner, name_en="My rejected")
    workflow.record_submit(record=rejected, user=owner)
    workflow.record_reject(record=rejected, moderator=moderator(rejected.country), reason="Members are missing.")
    for _ in range(5):
        OrganisationFactory(created_by=owner)
    ClusterFactory(name_en="Not mine")

    with django_assert_max_num_queries(20):
        html = client.get(reverse("registration:my-entries")).content.decode()

    assert "My draft" in html and "My rejected" in html and "Not mine" not in html
    assert "Members are missing." in html
    assert step_url("cluster", draft, "basics") in html


# --- Organisation search ------------------------------------------------------------------------
def test_the_search_finds_published_organisations_and_my_drafts_only(client, owner):
    published = OrganisationFactory(name_en="Volga Robotics")
    mine = OrganisationFactory(name_en="Volga Motors", draft=True, created_by=owner)
    OrganisationFactory(name_en="Volga Secret", draft=True)
    results = client.get(reverse("registration:organisation-search"), {"q": "volga"}).json()["results"]
    assert {item["id"] for item in results} == {published.pk, mine.pk}
    assert client.get(reverse("registration:organisation-search"), {"q": "v"}).json() == {"results": []}


# --- Logos --------------------------------------------------------------------------------------
def test_a_png_logo_is_stored_pending_and_shown_to_its_manager(client, owner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cluster = ClusterFactory(draft=True, created_by=owner)
    response = client.post(
        step_url("cluster", cluster, "logo"), {"logo": SimpleUploadedFile("x.png", png(), "image/png"), "go": "next"}
    )
    assert response.status_code == 302
    logo = RecordLogo.objects.get()
    assert logo.approved_at is None and logo.extension == "png" and logo.image.name.endswith(".png")
    assert client.get(reverse("registration:logo", args=[logo.pk]))["Content-Type"] == "image/png"
    client.logout()
    assert client.get(reverse("registration:logo", args=[logo.pk])).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("huge.png", b"\x89PNG" + b"0" * (20 * 1024 * 1024), "the limit is 2.0 MB"),
        ("logo.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>', "SVG"),
        ("logo.png", b"this is not an image at all", "not an image the portal accepts"),
        ("logo.gif", None, "GIF images are not accepted"),
    ],
)
def test_bad_logos_are_refused_with_a_clear_message(client, owner, settings, tmp_path, name, content, message):
    settings.MEDIA_ROOT = tmp_path
    cluster = ClusterFactory(draft=True, created_by=owner)
    if content is None:
        content = png(image_format="GIF")
    response = client.post(step_url("cluster", cluster, "logo"), {"logo": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RecordLogo.objects.exists()
