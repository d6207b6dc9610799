"""The catalogue, the statistics dashboard and the import pages."""

# ruff: noqa: F811 - `registry` is a fixture imported from opendata_support and requested by name.

import csv
import io
import json
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusters.models import Membership
from clusters.tests.factories import ClusterFactory, MembershipFactory
from directory.choices import PublicationStatus
from directory.models import Organisation
from directory.tests.factories import OrganisationFactory
from eaeu_portal.opendata import jobs
from eaeu_portal.opendata.importing import can_import
from projects.models import Project
from projects.tests.factories import ProjectFactory
from technoparks.models import Residency
from technoparks.tests.factories import ResidencyFactory, TechnoparkFactory

from .opendata_support import DATA, registry  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = get_user_model().objects.create_user("ministry", password="x", is_staff=True)
    client.force_login(user)
    return user


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# --- Catalogue -------------------------------------------------------------------------------------------------
def test_the_catalogue_lists_each_dataset_with_its_count_fields_and_licence(
    client, registry, django_assert_max_num_queries
):
    OrganisationFactory.create_batch(3, country=registry.russia)
    OrganisationFactory(country=registry.russia, draft=True)

    with django_assert_max_num_queries(20):
        response = client.get(reverse("opendata:catalogue"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="organisations"' in html and 'id="clusters"' in html and 'id="projects"' in html
    assert re.search(r'id="organisations".*?data-count="3"', html, re.S)
    assert "CC BY 4.0" in html
    assert "<code>registration_number</code>" in html
    assert reverse("opendata:export", kwargs={"dataset": "organisations", "fmt": "geojson"}) in html


def test_the_machine_readable_catalogue_is_dcat(client, registry):
    OrganisationFactory.create_batch(2, country=registry.kazakhstan)

    data = client.get(reverse("opendata:catalogue-json")).json()

    assert data["@type"] == "dcat:Catalog"
    datasets = {d["dct:identifier"]: d for d in data["dcat:dataset"]}
    assert datasets["organisations"]["portal:recordCount"] == 2
    formats = {d["dct:format"] for d in datasets["organisations"]["dcat:distribution"]}
    assert formats == {"CSV", "XLSX", "GEOJSON"}
    assert datasets["organisations"]["dct:license"].startswith("https://creativecommons.org/licenses/by/4.0")
    assert datasets["organisations"]["dct:modified"]
    assert {"name": "id", "title": "Stable id of the record in the portal", "type": "integer"} in datasets[
        "organisations"
    ]["portal:fields"]


# --- Statistics --------------------------------------------------------------------------------------------------
@pytest.fixture
def counted(registry):
    ru_clusters = ClusterFactory.create_batch(2, country=registry.russia, founded_year=2015)
    kz_cluster = ClusterFactory(country=registry.kazakhstan, kind="industrial", founded_year=2019)
    ClusterFactory(country=registry.russia, draft=True)
    for cluster in (*ru_clusters, kz_cluster):
        MembershipFactory(cluster=cluster, organisation=OrganisationFactory(country=cluster.country))
    MembershipFactory(cluster=ru_clusters[0], organisation=OrganisationFactory(country=registry.russia))
    park = TechnoparkFactory(country=registry.kazakhstan, kind="it_park", founded_year=2019)
    ResidencyFactory(technopark=park, organisation=OrganisationFactory(country=registry.kazakhstan))
    ProjectFactory(lead_organisation=OrganisationFactory(country=registry.russia))
    ProjectFactory(lead_organisation=OrganisationFactory(country=registry.kazakhstan), stage="in_progress")
    return registry


def _chart(response, key):
    html = response.content.decode()
    data = json.loads(re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S)[1])
    return next(chart for chart in data if chart["key"] == key)


def test_the_dashboard_counts_match_the_database(client, counted, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        response = client.get(reverse("opendata:dashboard"))

    assert response.status_code == 200
    by_country = _chart(response, "by-country")
    numbers = dict(
        zip(by_country["labels"], zip(*(d["data"] for d in by_country["datasets"]), strict=True), strict=True)
    )
    published = PublicationStatus.PUBLISHED
    for country in (counted.russia, counted.kazakhstan):
        assert numbers[country.name] == (
            country.clusters.filter(status=published).count(),
            country.technoparks.filter(status=published).count(),
            Membership.objects.filter(cluster__country=country, cluster__status=published, left_on=None).count(),
            Residency.objects.filter(technopark__country=country, technopark__status=published).count(),
        )
    eaeu = _chart(response, "by-bloc")
    assert eaeu["datasets"][0]["data"][eaeu["labels"].index("EAEU")] == 3
    years = _chart(response, "founding-years")
    assert dict(zip(years["labels"], years["datasets"][0]["data"], strict=True)) == {"2015": 2, "2019": 1}
    status = _chart(response, "project-status")
    assert sum(status["datasets"][0]["data"]) == Project.objects.filter(status=published).count()


def test_the_dashboard_narrows_to_a_country(client, counted):
    response = client.get(reverse("opendata:dashboard"), {"country": "KZ"})

    kinds = _chart(response, "cluster-kinds")
    assert sum(kinds["datasets"][0]["data"]) == 1
    status = _chart(response, "project-status")
    assert sum(status["datasets"][0]["data"]) == 1
    assert "vendor/chart.js/chart.umd.min.js" in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_each_chart_downloads_its_numbers(client, counted):
    response = client.get(reverse("opendata:dashboard-data", args=["technopark-kinds"]), {"bloc": "eaeu"})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["", "Technoparks", "Technopark residents"]
    assert ["IT park", "1", "1"] in rows
    assert client.get(reverse("opendata:dashboard-data", args=["nothing"])).status_code == 404


# --- Import pages: who may ---------------------------------------------------------------------------------------
def test_only_staff_may_import(client, registry):
    anonymous = client.get(reverse("opendata:import-upload"))
    assert anonymous.status_code == 302
    user = get_user_model().objects.create_user("manager")
    client.force_login(user)
    assert client.get(reverse("opendata:import-upload")).status_code == 403
    assert not can_import(user)


# --- Import pages: the steps -------------------------------------------------------------------------------------
def _upload(client, name, kind="organisations", encoding="utf-8", content=None):
    data = content if content is not None else (DATA / name).read_bytes()
    return client.post(
        reverse("opendata:import-upload"),
        {"kind": kind, "encoding": encoding, "file": SimpleUploadedFile(name, data)},
    )


def _job_id(response) -> str:
    return re.search(r"/import/([0-9a-f-]{36})/", response["Location"])[1]


def test_upload_mapping_dry_run_and_import(client, staff, registry, media, django_assert_max_num_queries):
    uploaded = _upload(client, "organisations_good.csv")
    assert uploaded.status_code == 302
    job_id = _job_id(uploaded)
    assert (media / "imports" / job_id / "organisations_good.csv").exists()

    mapping_page = client.get(reverse("opendata:import-mapping", args=[job_id]))
    assert mapping_page.status_code == 200
    assert '<option value="ИНН" selected>' in mapping_page.content.decode()

    post = {f: c for f, c in jobs.get_job(job_id)["mapping"].items()}
    dry_run = client.post(reverse("opendata:import-mapping", args=[job_id]), post)
    assert dry_run.status_code == 302
    assert Organisation.objects.count() == 0
    with django_assert_max_num_queries(6):
        report_page = client.get(reverse("opendata:import-job", args=[job_id]))
    html = report_page.content.decode()
    assert 'data-action="create">5<' in html
    assert "KAMAZ (RU)" in html

    done = client.post(reverse("opendata:import-confirm", args=[job_id]), {"publish": "on"})
    assert done.status_code == 302
    assert Organisation.objects.filter(status=PublicationStatus.PUBLISHED).count() == 5
    result = client.get(reverse("opendata:import-job", args=[job_id])).content.decode()
    assert "The file is imported" in result


def test_confirming_a_file_with_refused_rows_needs_only_valid(client, staff, registry):
    job_id = _job_id(_upload(client, "organisations_bad_rows.csv"))
    client.post(reverse("opendata:import-mapping", args=[job_id]), jobs.get_job(job_id)["mapping"])

    refused = client.post(reverse("opendata:import-confirm", args=[job_id]), {})
    assert refused.status_code == 400
    assert "6 rows are refused" in refused.content.decode()
    assert Organisation.objects.count() == 0

    client.post(reverse("opendata:import-confirm", args=[job_id]), {"only_valid": "on"})
    assert list(Organisation.objects.values_list("name_en", flat=True)) == ["Sberbank"]


def test_a_broken_file_is_refused_at_upload_and_not_kept(client, staff, registry, media):
    response = _upload(client, "organisations_broken_quote.csv")

    assert response.status_code == 400
    assert "broken quote" in response.content.decode()
    assert not any((media / "imports").glob("*/*"))


def test_a_file_in_the_wrong_encoding_says_so_at_upload(client, staff, registry):
    response = _upload(client, "organisations_cp1251.csv")

    assert response.status_code == 400
    assert "Windows-1251" in response.content.decode()


def test_a_zip_bomb_is_refused_at_upload(client, staff, registry):
    response = _upload(client, "zip_bomb.xlsx", kind="clusters")

    assert response.status_code == 400
    assert "ZIP bomb" in response.content.decode()


def test_an_upload_over_the_limit_is_refused_before_it_is_read(client, staff, registry, settings, media):
    settings.OPENDATA_IMPORT_MAX_BYTES = 1024

    response = _upload(client, "big.csv", content=b"country,name_en\n" + b"RU,Big Company\n" * 5000)

    assert response.status_code == 413
    assert "at most" in response.content.decode()
    assert not (media / "imports").exists()


def test_a_large_file_goes_to_celery_with_a_progress_bar(client, staff, registry, settings, monkeypatch):
    settings.OPENDATA_INLINE_MAX_ROWS = 2
    from eaeu_portal.opendata import tasks

    sent = []

    def delay(job_id):
        sent.append(job_id)
        return SimpleNamespace(id="task-1")

    monkeypatch.setattr(tasks.import_dry_run, "delay", delay)
    job_id = _job_id(_upload(client, "organisations_good.csv"))
    client.post(reverse("opendata:import-mapping", args=[job_id]), jobs.get_job(job_id)["mapping"])

    assert sent == [job_id]
    page = client.get(reverse("opendata:import-job", args=[job_id])).content.decode()
    assert "data-status-url" in page and "opendata/js/import.js" in page
    status = client.get(reverse("opendata:import-status", args=[job_id])).json()
    assert status == {"phase": "dry_run", "state": "PENDING", "done": 0, "total": 5, "finished": False, "failed": False}


def test_another_users_job_is_not_found(client, staff, registry):
    job_id = _job_id(_upload(client, "organisations_good.csv"))
    other = get_user_model().objects.create_user("other", is_staff=True)
    client.force_login(other)

    assert client.get(reverse("opendata:import-mapping", args=[job_id])).status_code == 404


def test_the_upload_handler_stops_reading_at_the_limit(settings):
    from django.core.files.uploadhandler import StopUpload

    from eaeu_portal.opendata.views import LimitedUploadHandler

    settings.OPENDATA_IMPORT_MAX_BYTES = 100
    handler = LimitedUploadHandler()

    assert handler.receive_data_chunk(b"x" * 60, 0) == b"x" * 60
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x" * 60, 60)
    assert handler.exceeded
