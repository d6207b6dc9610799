"""manage.py load_foresight: loads the seed data, is idempotent, and reports what it could not load."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.tests.factories import (
    BlocFactory,
    CountryFactory,
    DivisionFactory,
    RegionFactory,
    SectorFactory,
    belarus,
    kazakhstan,
    russia,
)
from foresight.choices import PriorityLevel
from foresight.management.commands.load_foresight import DATA_DIR
from foresight.models import (
    IndicatorValue,
    Priority,
    PriorityList,
    SpecialisationProfile,
    Stakeholder,
    Trend,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference():
    """The reference data the seed refers to, as load_reference would provide it."""
    ru, kz, by = russia(), kazakhstan(), belarus()
    others = {
        code: CountryFactory(iso2=code, iso3=iso3, name_en=name)
        for code, iso3, name in (
            ("CN", "CHN", "China"),
            ("UZ", "UZB", "Uzbekistan"),
            ("AM", "ARM", "Armenia"),
            ("KG", "KGZ", "Kyrgyzstan"),
        )
    }
    BlocFactory(code="eaeu", abbreviation_en="EAEU")
    BlocFactory(code="union-state", abbreviation_en="Union State")
    for country, code in ((ru, "RU-TA"), (ru, "RU-NVS"), (by, "BY-HM"), (kz, "KZ-75"), (others["UZ"], "UZ-TK")):
        RegionFactory(country=country, iso_code=code)
    section_c, section_j, section_m = SectorFactory(code="C"), SectorFactory(code="J"), SectorFactory(code="M")
    for code in ("10", "13", "20", "21", "26", "28", "29", "30"):
        DivisionFactory(code=code, parent=section_c)
    DivisionFactory(code="62", parent=section_j)
    DivisionFactory(code="72", parent=section_m)


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("load_foresight", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_load_foresight_loads_the_taxonomy_lists_trends_profiles_and_statistics(reference):
    out, err = run()

    assert "updated" in out and err == ""
    assert Priority.objects.filter(level=PriorityLevel.TECHNOLOGY).count() == 27
    assert Priority.objects.get(code="TRS.AERO").name_ru == "Авиакосмическая промышленность и двигателестроение"
    assert set(PriorityList.objects.filter(country__isnull=False).values_list("country__iso2", flat=True)) >= {
        "RU",
        "BY",
        "KZ",
        "CN",
        "UZ",
        "AM",
    }
    eaeu = PriorityList.objects.get(bloc__code="eaeu")
    assert set(eaeu.priorities.values_list("code", flat=True)) == {
        "TRS.AERO",
        "LIF.PHARM",
        "MAN.EM",
        "DIG.EL",
        "MAN.MT",
    }
    assert all(p.source_note for p in Priority.objects.all())
    assert Trend.objects.filter(signals__isnull=False).distinct().count() >= 3
    assert SpecialisationProfile.objects.count() == 5
    assert all(
        Stakeholder.objects.filter(profile=profile, is_leader=True).count() == 1
        for profile in SpecialisationProfile.objects.all()
    )
    assert IndicatorValue.objects.filter(country__iso2="KZ", indicator__code="gerd-gdp").count() >= 5
    assert IndicatorValue.objects.filter(region__iso_code="RU-TA").exists()


def test_a_second_run_changes_nothing(reference):
    run()
    counts = (Priority.objects.count(), PriorityList.objects.count(), IndicatorValue.objects.count())

    with CaptureQueriesContext(connection) as queries:
        out, _err = run()

    assert "0 created, 0 updated" in out
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []
    assert (Priority.objects.count(), PriorityList.objects.count(), IndicatorValue.objects.count()) == counts


def test_without_reference_data_it_loads_the_taxonomy_and_warns_about_the_rest():
    out, err = run()

    assert Priority.objects.count() > 60
    assert not PriorityList.objects.exists()
    assert "Skipped the list ru-sstd-2016: country RU is not loaded" in err
    assert "Skipped the smart specialisation of RU-TA" in err
    assert not IndicatorValue.objects.exists()


def test_the_seed_files_name_a_source_for_every_list_and_node():
    taxonomy = json.loads((DATA_DIR / "taxonomy.json").read_text(encoding="utf-8"))
    assert all(node["sources"] for node in taxonomy["nodes"])
    assert all(key in taxonomy["sources"] for node in taxonomy["nodes"] for key in node["sources"])
    lists = json.loads((DATA_DIR / "priority_lists.json").read_text(encoding="utf-8"))
    assert all(item["source_document"] for item in lists)


def test_a_user_csv_loads_through_the_same_loader(reference, tmp_path: Path):
    run()
    path = tmp_path / "values.csv"
    path.write_text(
        "indicator,area,year,value,unit,source,approximate\ngerd-gdp,KG,2021,0.1,pct_gdp,NSC,yes\n", encoding="utf-8"
    )

    out, _err = run("--indicator-csv", str(path))

    assert "1 created" in out
    assert IndicatorValue.objects.get(country__iso2="KG", year=2021).source == "NSC"


def test_a_bad_user_csv_loads_nothing_and_names_the_line(reference, tmp_path: Path):
    run()
    before = IndicatorValue.objects.count()
    path = tmp_path / "values.csv"
    path.write_text("indicator,area,year,value\ngerd-gdp,KG,2021,0.1\ngerd-gdp,KG,2022,lots\n", encoding="utf-8")

    with pytest.raises(CommandError) as error:
        run("--indicator-csv", str(path))

    assert "Line 3" in str(error.value)
    assert IndicatorValue.objects.count() == before


def test_a_missing_csv_is_a_clear_error(tmp_path: Path):
    with pytest.raises(CommandError, match="No file at"):
        run("--indicator-csv", str(tmp_path / "missing.csv"))
