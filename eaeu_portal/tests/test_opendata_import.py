"""The import engine with good and bad files: the rules of each row, idempotence, all or nothing, safe reading."""

# ruff: noqa: F811 - `registry` is a fixture imported from opendata_support and requested by name.

import shutil
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from clusters.models import Cluster, ClusterIndicator, Membership
from directory.choices import PublicationStatus
from directory.models import Organisation
from eaeu_portal.opendata.catalogue import import_kinds
from eaeu_portal.opendata.importing import Action, check_mapping, suggest_mapping
from eaeu_portal.opendata.readers import ImportFileError, inspect_file
from technoparks.models import Technopark

from .opendata_support import DATA, import_file, outcomes, registry  # noqa: F401

pytestmark = pytest.mark.django_db


# --- Reading files ----------------------------------------------------------------------------------------------
def test_a_russian_excel_csv_maps_its_russian_headers_by_name():
    kind = import_kinds()["organisations"]
    summary = inspect_file(DATA / "organisations_good.csv", declared_format="csv")

    mapping = suggest_mapping(kind, summary.header)

    assert summary.rows == 5
    assert mapping["country"] == "Страна"
    assert mapping["registration_number"] == "ИНН"
    assert mapping["name_original"] == "Наименование"
    assert mapping["sectors"] == "ОКВЭД"
    assert check_mapping(kind, mapping, summary.header) == []


def test_a_file_in_the_wrong_encoding_is_refused_with_what_to_do():
    with pytest.raises(ImportFileError) as error:
        inspect_file(DATA / "organisations_cp1251.csv", declared_format="csv", encoding="utf-8")

    assert "not UTF-8" in str(error.value)
    assert "Windows-1251" in str(error.value)


def test_the_same_file_reads_when_its_encoding_is_chosen():
    summary = inspect_file(DATA / "organisations_cp1251.csv", declared_format="csv", encoding="windows-1251")

    assert summary.rows == 5
    assert "Наименование" in summary.header


def test_a_csv_with_a_broken_quote_is_refused_with_its_line():
    with pytest.raises(ImportFileError) as error:
        inspect_file(DATA / "organisations_broken_quote.csv", declared_format="csv")

    assert "broken quote" in str(error.value)
    assert "line" in str(error.value)


def test_a_zip_bomb_dressed_as_a_workbook_is_refused_before_it_is_unpacked():
    with pytest.raises(ImportFileError) as error:
        inspect_file(DATA / "zip_bomb.xlsx", declared_format="xlsx")

    assert "ZIP bomb" in str(error.value)


def test_a_file_named_xlsx_that_is_no_workbook_is_refused():
    with pytest.raises(ImportFileError) as error:
        inspect_file(DATA / "not_a_workbook.xlsx", declared_format="xlsx")

    assert "not a valid XLSX" in str(error.value)


def test_geojson_in_another_coordinate_system_is_refused():
    with pytest.raises(ImportFileError) as error:
        inspect_file(DATA / "technoparks_web_mercator.geojson", declared_format="geojson")

    assert "EPSG:4326" in str(error.value)


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.OPENDATA_IMPORT_MAX_BYTES = 100

    with pytest.raises(ImportFileError) as error:
        inspect_file(DATA / "organisations_good.csv", declared_format="csv")

    assert "at most" in str(error.value)


def test_a_file_over_the_row_limit_is_refused(settings):
    settings.OPENDATA_IMPORT_MAX_ROWS = 3

    with pytest.raises(ImportFileError) as error:
        inspect_file(DATA / "organisations_good.csv", declared_format="csv")

    assert "more than 3 rows" in str(error.value)


def test_a_header_with_a_column_twice_is_refused(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("country,name_en,name_en\nRU,A,B\n", encoding="utf-8")

    with pytest.raises(ImportFileError) as error:
        inspect_file(path, declared_format="csv")

    assert "appears twice" in str(error.value)


def test_a_mapping_without_a_required_field_is_refused():
    kind = import_kinds()["organisations"]

    problems = check_mapping(kind, {"name_en": "Name"}, ["Name"])

    assert any("required" in problem for problem in problems)


# --- Organisations ------------------------------------------------------------------------------------------------
def test_the_dry_run_reports_every_row_and_changes_nothing(registry):
    report = import_file("organisations", DATA / "organisations_good.csv", dry_run=True)

    assert report.counts == {Action.CREATE: 5, Action.UPDATE: 0, Action.UNCHANGED: 0, Action.REFUSE: 0}
    assert not report.committed
    assert Organisation.objects.count() == 0


def test_a_good_file_creates_submitted_records_that_name_their_file(registry):
    user = get_user_model().objects.create_user("importer", is_staff=True)

    report = import_file("organisations", DATA / "organisations_good.csv", user=user)

    assert report.committed
    assert report.counts[Action.CREATE] == 5
    kamaz = Organisation.objects.get(country=registry.russia, registration_number="1650032058")
    assert kamaz.name_original == "ПАО «КАМАЗ»"
    assert kamaz.status == PublicationStatus.SUBMITTED
    assert kamaz.created_by == user
    assert kamaz.region == registry.tatarstan
    assert [s.code for s in kamaz.sectors.all()] == ["29"]
    assert kamaz.location.x == pytest.approx(52.41961)
    assert kamaz.source_note.startswith("Imported from organisations_good.csv on ")
    # A decimal comma is read as one.
    telecom = Organisation.objects.get(registration_number="050540004455")
    assert telecom.location.x == pytest.approx(76.9286)


def test_staff_may_publish_the_new_records_directly(registry):
    import_file("organisations", DATA / "organisations_good.csv", publish=True)

    assert set(Organisation.objects.values_list("status", flat=True)) == {PublicationStatus.PUBLISHED}
    assert Organisation.objects.filter(published_at__isnull=True).count() == 0


def test_importing_the_same_file_twice_changes_nothing(registry):
    import_file("organisations", DATA / "organisations_good.csv")
    stamps = dict(Organisation.objects.values_list("pk", "updated_at"))

    again = import_file("organisations", DATA / "organisations_good.csv")

    assert again.counts == {Action.CREATE: 0, Action.UPDATE: 0, Action.UNCHANGED: 5, Action.REFUSE: 0}
    assert Organisation.objects.count() == 5
    assert dict(Organisation.objects.values_list("pk", "updated_at")) == stamps


def test_a_row_without_a_registration_number_is_matched_by_country_and_name(registry):
    import_file("organisations", DATA / "organisations_good.csv")

    again = import_file("organisations", DATA / "organisations_good.csv", dry_run=True)

    hub_row = next(row for row in again.rows if "Astana Hub" in row.label)
    assert hub_row.action == Action.UNCHANGED
    assert Organisation.objects.filter(name_en="Astana Hub").count() == 1


def test_a_changed_cell_updates_the_record_and_a_missing_column_keeps_its_value(registry, tmp_path):
    import_file("organisations", DATA / "organisations_good.csv")
    path = tmp_path / "kamaz.csv"
    path.write_text("country,registration_number,city\nRU,1650032058,Naberezhnye Chelny\n", encoding="utf-8")

    report = import_file("organisations", path)

    assert outcomes(report)[2][0] == Action.UPDATE
    kamaz = Organisation.objects.get(registration_number="1650032058")
    assert kamaz.city == "Naberezhnye Chelny"
    assert kamaz.name_en == "KAMAZ"
    assert kamaz.website == "https://kamaz.ru"


def test_each_bad_row_is_refused_with_its_reason(registry):
    report = import_file("organisations", DATA / "organisations_bad_rows.csv", dry_run=True)
    rows = outcomes(report)

    assert rows[2][0] == Action.CREATE
    assert rows[3][0] == Action.REFUSE and "check digit" in " ".join(rows[3][1])
    assert rows[4][0] == Action.REFUSE and "outside Russia" in " ".join(rows[4][1])
    assert rows[5][0] == Action.REFUSE and "is not a region of Russia" in " ".join(rows[5][1])
    assert rows[6][0] == Action.REFUSE and "not a country of the registry" in " ".join(rows[6][1])
    assert rows[7][0] == Action.REFUSE and "“planet” is not one of" in " ".join(rows[7][1])
    assert rows[8][0] == Action.REFUSE and "both the longitude and the latitude" in " ".join(rows[8][1])
    assert report.counts[Action.REFUSE] == 6


def test_a_file_with_a_refused_row_imports_nothing(registry):
    report = import_file("organisations", DATA / "organisations_bad_rows.csv")

    assert not report.committed
    assert report.counts[Action.CREATE] == 1
    assert Organisation.objects.count() == 0


def test_staff_may_import_only_the_valid_rows(registry):
    report = import_file("organisations", DATA / "organisations_bad_rows.csv", only_valid=True)

    assert report.committed
    assert list(Organisation.objects.values_list("name_en", flat=True)) == ["Sberbank"]


def test_a_file_giving_one_organisation_twice_refuses_the_second_row(registry, tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text(
        "country,registration_number,name_en\nRU,1650032058,KAMAZ\nRU,1650032058,KAMAZ PJSC\n", encoding="utf-8"
    )

    report = import_file("organisations", path, dry_run=True)

    assert outcomes(report)[3][0] == Action.REFUSE
    assert "Row 2 already has" in outcomes(report)[3][1][0]


def test_the_history_of_an_imported_record_names_the_file(registry):
    from directory.models import OrganisationEvent

    import_file("organisations", DATA / "organisations_good.csv", job_id="job-42")

    kamaz = Organisation.objects.get(registration_number="1650032058")
    event = OrganisationEvent.objects.filter(pgh_obj_id=kamaz.pk).select_related("pgh_context").get()
    assert event.pgh_context.metadata["import_file"] == "organisations_good.csv"
    assert event.pgh_context.metadata["import_job"] == "job-42"


# --- Clusters with members, technoparks with residents, indicators -------------------------------------------
@pytest.fixture
def organisations(registry):
    import_file("organisations", DATA / "organisations_good.csv", publish=True)
    return registry


def test_a_decree_779_workbook_creates_clusters_with_their_members(organisations):
    report = import_file("clusters", DATA / "clusters_decree779.xlsx", publish=True)

    assert report.counts == {Action.CREATE: 3, Action.UPDATE: 0, Action.UNCHANGED: 0, Action.REFUSE: 0}
    kama = Cluster.objects.get(external_id="779-0001")
    assert kama.specialised_organisation.registration_number == "1650032058"
    assert {(m.organisation.name_en, m.role) for m in kama.memberships.all()} == {
        ("KAMAZ", "specialised_organisation"),
        ("Nizhnekamskneftekhim", "anchor"),
    }
    assert [r.iso_code for r in kama.regions.all()] == ["RU-TA"]
    assert kama.founded_year == 2012
    almaty = Cluster.objects.get(external_id="KZ-0001")
    # A member named without a role joins as a participant.
    assert set(almaty.memberships.values_list("role", flat=True)) == {"participant"}


def test_importing_the_workbook_twice_changes_nothing(organisations):
    import_file("clusters", DATA / "clusters_decree779.xlsx")

    again = import_file("clusters", DATA / "clusters_decree779.xlsx")

    assert again.counts[Action.UNCHANGED] == 3
    assert Membership.objects.count() == 5


def test_a_member_that_is_not_registered_refuses_the_cluster(organisations, tmp_path):
    path = tmp_path / "clusters.csv"
    path.write_text(
        "external_id,country,name_en,members\nRU-X,RU,Ghost Cluster,RU/7707083893=anchor\n", encoding="utf-8"
    )

    report = import_file("clusters", path, dry_run=True)

    assert outcomes(report)[2][0] == Action.REFUSE
    assert "import the organisations first" in outcomes(report)[2][1][0]


def test_a_specialised_organisation_that_is_not_a_member_is_refused(organisations, tmp_path):
    path = tmp_path / "clusters.csv"
    path.write_text(
        "external_id,country,name_en,specialised_organisation\nRU-Y,RU,Lonely Cluster,RU/1650032058\n",
        encoding="utf-8",
    )

    report = import_file("clusters", path, dry_run=True)

    assert outcomes(report)[2][0] == Action.REFUSE
    assert "current member" in " ".join(outcomes(report)[2][1])


def test_geojson_technoparks_come_with_residents_and_a_polygon_is_refused(organisations):
    report = import_file("technoparks", DATA / "technoparks.geojson", only_valid=True)

    rows = outcomes(report)
    assert rows[1][0] == Action.CREATE and rows[2][0] == Action.CREATE
    assert rows[3][0] == Action.REFUSE and "Point" in rows[3][1][0]
    park = Technopark.objects.get(external_id="RU-TP-016-01")
    assert park.operator.registration_number == "1651000010"
    assert sorted(park.services) == ["acceleration", "coworking", "offices"]
    assert park.land_total_ha == Decimal("10.50")
    assert park.location.coords == pytest.approx((49.1221, 55.7887))
    assert set(park.residencies.values_list("organisation__registration_number", flat=True)) == {
        "7736207543",
        "1650032058",
    }


def test_indicators_are_matched_by_cluster_and_year_with_the_models_rules(organisations):
    import_file("clusters", DATA / "clusters_decree779.xlsx", publish=True)

    report = import_file("cluster-indicators", DATA / "cluster_indicators.csv", only_valid=True)

    rows = outcomes(report)
    assert [rows[n][0] for n in (2, 3, 4)] == [Action.CREATE] * 3
    assert rows[5][0] == Action.REFUSE and "currency" in " ".join(rows[5][1]).lower()
    assert rows[6][0] == Action.REFUSE and "100" in " ".join(rows[6][1])
    first = ClusterIndicator.objects.get(cluster__external_id="779-0001", year=2021)
    assert first.revenue == Decimal("1234567890.50")
    assert first.rd_spending == Decimal("4500000")
    again = import_file("cluster-indicators", DATA / "cluster_indicators.csv", only_valid=True)
    assert again.counts[Action.UNCHANGED] == 3


def test_the_management_command_imports_with_the_same_rules(registry, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("import_registry", "organisations", str(DATA / "organisations_good.csv"), "--publish", stdout=out)
    assert "5 were created" in out.getvalue()
    assert Organisation.objects.filter(status=PublicationStatus.PUBLISHED).count() == 5

    bad = tmp_path / "bad.csv"
    shutil.copy(DATA / "organisations_bad_rows.csv", bad)
    with pytest.raises(CommandError) as error:
        call_command("import_registry", "organisations", str(bad), stdout=StringIO())
    assert "Nothing was imported" in str(error.value)
    assert Organisation.objects.count() == 5


def test_the_management_command_reports_a_broken_file():
    from io import StringIO

    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError) as error:
        call_command(
            "import_registry", "organisations", str(DATA / "organisations_broken_quote.csv"), stdout=StringIO()
        )
    assert "broken quote" in str(error.value)
