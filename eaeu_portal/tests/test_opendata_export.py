"""Exports: the list pages' filters, published records only, ids and URLs, streaming, and the round trip."""

# ruff: noqa: F811 - `registry` is a fixture imported from opendata_support and requested by name.

import csv
import io
import json

import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse

from clusters.models import Cluster, ClusterIndicator, Membership
from clusters.tests.factories import ClusterFactory, ClusterIndicatorFactory
from directory.models import Organisation
from directory.tests.factories import OrganisationFactory
from eaeu_portal.opendata.importing import Action
from projects.tests.factories import ProjectFactory
from technoparks.models import Technopark

from .opendata_support import DATA, import_file, registry  # noqa: F401

pytestmark = pytest.mark.django_db

IGNORED_ON_ROUND_TRIP = {"id", "url", "updated_at", "source_note"}


def body(response) -> bytes:
    if isinstance(response, StreamingHttpResponse | FileResponse):
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(response) -> list[dict]:
    text = body(response).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def export_url(dataset: str, fmt: str, query: str = "") -> str:
    url = reverse("opendata:export", kwargs={"dataset": dataset, "fmt": fmt})
    return f"{url}?{query}" if query else url


@pytest.fixture
def loaded(registry):
    """The registry filled from the real-looking files, everything published."""
    import_file("organisations", DATA / "organisations_good.csv", publish=True)
    import_file("clusters", DATA / "clusters_decree779.xlsx", publish=True)
    import_file("technoparks", DATA / "technoparks.geojson", publish=True, only_valid=True)
    import_file("cluster-indicators", DATA / "cluster_indicators.csv", only_valid=True)
    return registry


# --- Content ---------------------------------------------------------------------------------------------------
def test_a_csv_export_has_the_id_and_portal_url_of_every_published_record(client, registry, settings):
    settings.SITE_URL = "https://registry.example.org"
    published = OrganisationFactory(country=registry.russia, name_en="Published LLC")
    OrganisationFactory(country=registry.russia, name_en="Draft LLC", draft=True)

    response = client.get(export_url("organisations", "csv"))

    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert [row["name_en"] for row in rows] == ["Published LLC"]
    assert rows[0]["id"] == str(published.pk)
    assert rows[0]["url"] == f"https://registry.example.org/en/organisations/{published.pk}/"


def test_an_export_takes_the_same_filters_as_the_list_page(client, loaded):
    response = client.get(export_url("clusters", "csv", "country_code=KZ&page=3&sort=-name"))

    rows = csv_rows(response)
    assert [row["external_id"] for row in rows] == ["KZ-0001"]
    by_kind = csv_rows(client.get(export_url("technoparks", "csv", "kind=it_park")))
    assert [row["external_id"] for row in by_kind] == ["RU-TP-016-01"]


def test_a_bad_filter_gives_its_message_and_no_file(client, registry):
    response = client.get(export_url("clusters", "csv", "bbox=1,2,3"))

    assert response.status_code == 400
    assert "bounding box" in json.dumps(response.json()).lower()


def test_an_unknown_dataset_or_format_is_not_found(client, registry):
    assert client.get(export_url("projects", "geojson")).status_code == 404
    assert client.get("/en/data/nothing.csv").status_code == 404


def test_geojson_carries_points_and_the_same_properties(client, loaded):
    response = client.get(export_url("technoparks", "geojson"))

    data = json.loads(body(response))
    assert response["Content-Type"] == "application/geo+json"
    assert data["type"] == "FeatureCollection"
    feature = next(f for f in data["features"] if f["properties"]["external_id"] == "RU-TP-016-01")
    assert feature["geometry"] == {"type": "Point", "coordinates": [49.1221, 55.7887]}
    assert feature["properties"]["id"] == feature["id"]
    assert feature["properties"]["url"].endswith(f"/technoparks/{feature['id']}/")
    assert "longitude" not in feature["properties"]


def test_xlsx_has_a_header_a_row_per_record_and_an_about_sheet(client, loaded):
    from openpyxl import load_workbook

    response = client.get(export_url("clusters", "xlsx"))

    assert isinstance(response, FileResponse)
    workbook = load_workbook(io.BytesIO(body(response)), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("id", "url", "external_id")
    assert len(rows) == 1 + Cluster.objects.count()
    assert workbook.sheetnames[1] == "About"


def test_a_name_that_looks_like_a_formula_stays_text(client, registry):
    OrganisationFactory(country=registry.russia, name_en='=HYPERLINK("http://evil.example","Click")')

    text = body(client.get(export_url("organisations", "csv"))).decode("utf-8-sig")
    workbook_bytes = body(client.get(export_url("organisations", "xlsx")))

    assert "'=HYPERLINK" in text
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(workbook_bytes)).worksheets[0]
    name_column = [cell.value for cell in sheet[1]].index("name_en") + 1
    cell = sheet.cell(row=2, column=name_column)
    assert cell.data_type == "s"
    assert cell.value.startswith("=HYPERLINK")


def test_cluster_indicators_follow_the_clusters_filters_and_link_to_the_cluster(client, loaded):
    rows = csv_rows(client.get(export_url("cluster-indicators", "csv", "country_code=RU")))

    assert {row["cluster"] for row in rows} == {"779-0001", "779-0002"}
    kama = Cluster.objects.get(external_id="779-0001")
    assert any(row["url"].endswith(f"/clusters/{kama.pk}/") for row in rows)


def test_projects_are_exported_with_status_and_integration_component(client, registry):
    project = ProjectFactory()

    rows = csv_rows(client.get(export_url("projects", "csv")))

    assert [row["id"] for row in rows] == [str(project.pk)]
    assert rows[0]["stage"] == project.stage
    assert rows[0]["integration_component"] == str(project.member_state_count)


# --- Streaming -------------------------------------------------------------------------------------------------
def test_the_number_of_queries_does_not_grow_with_the_rows(client, registry, django_assert_max_num_queries):
    for n in range(30):
        cluster = ClusterFactory(country=registry.russia, name_en=f"Cluster {n}")
        ClusterIndicatorFactory(cluster=cluster, year=2020)

    # A chunk's prefetches (regions, sectors, technologies, members) run once per chunk, not once per row.
    with django_assert_max_num_queries(12):
        rows = csv_rows(client.get(export_url("clusters", "csv")))
    assert len(rows) == 30


# --- Round trip --------------------------------------------------------------------------------------------------
def _export_files(client, tmp_path, fmt: str) -> dict:
    files = {}
    for dataset in ("organisations", "clusters", "technoparks", "cluster-indicators"):
        ext = fmt if dataset != "cluster-indicators" or fmt != "geojson" else "csv"
        path = tmp_path / f"{dataset}.{ext}"
        path.write_bytes(body(client.get(export_url(dataset, ext))))
        files[dataset] = path
    return files


def _comparable(path) -> list[dict]:
    """The rows of an exported file without what a new record necessarily changes (its id, URL, dates, source)."""
    if path.suffix == ".csv":
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    elif path.suffix == ".geojson":
        rows = [
            {**f["properties"], "geometry": json.dumps(f["geometry"])}
            for f in json.loads(path.read_text(encoding="utf-8"))["features"]
        ]
    else:
        from openpyxl import load_workbook

        values = list(load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
        rows = [dict(zip(values[0], row, strict=True)) for row in values[1:]]
    kept = [{k: v for k, v in row.items() if k not in IGNORED_ON_ROUND_TRIP} for row in rows]
    return sorted(kept, key=lambda row: json.dumps(row, sort_keys=True, default=str))


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson"])
def test_an_export_re_imported_reproduces_the_same_records(client, loaded, tmp_path, fmt):
    (tmp_path / "first").mkdir()
    first = _export_files(client, tmp_path / "first", fmt)

    # Re-imported over the registry it came from, the export changes nothing.
    for kind in ("organisations", "clusters", "technoparks", "cluster-indicators"):
        report = import_file(kind, first[kind], dry_run=True)
        assert report.counts[Action.REFUSE] == 0, report.rows
        assert report.counts[Action.UNCHANGED] == report.total, (kind, report.counts)

    # Re-imported into an empty registry, it rebuilds the same records.
    ClusterIndicator.objects.all().delete()
    # Members first: removing them marks their cluster for the matching index, which must still exist then.
    Membership.objects.all().delete()
    Cluster.objects.all().delete()
    Technopark.objects.all().delete()
    Organisation.objects.all().delete()
    for kind in ("organisations", "clusters", "technoparks", "cluster-indicators"):
        report = import_file(kind, first[kind], publish=True)
        assert report.committed and report.counts[Action.CREATE] == report.total, (kind, report.rows)

    (tmp_path / "second").mkdir()
    second = _export_files(client, tmp_path / "second", fmt)
    for dataset in first:
        assert _comparable(second[dataset]) == _comparable(first[dataset]), dataset


def test_science_statistics_are_exported_with_a_link_to_their_area(client, registry):
    from foresight.tests.factories import IndicatorValueFactory

    value = IndicatorValueFactory(country=registry.kazakhstan, region=None, year=2022)

    rows = csv_rows(client.get(export_url("st-indicators", "csv", "country_iso2=KZ")))

    assert [row["id"] for row in rows] == [str(value.pk)]
    assert rows[0]["country"] == "KZ"
    assert rows[0]["year"] == "2022"
    assert f"/foresight/indicators/KZ/?indicator={value.indicator.code}" in rows[0]["url"]
