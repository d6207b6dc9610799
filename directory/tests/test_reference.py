"""The committed reference data and its loader: counts, dates, the written policies, idempotence, bad input."""

import importlib.util
import json
import shutil
from datetime import date

import pycountry
import pytest
from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db.models import F

from directory.choices import BlocMembershipStatus, SectorLevel
from directory.models import Bloc, BlocMembership, Country, Region, Sector
from directory.reference import REFERENCE_DIR, ReferenceDataError, reference_load
from directory.validators import point_in_country

pytestmark = pytest.mark.django_db

MEMBER_STATES = ("AM", "BY", "CN", "IN", "IR", "KG", "KZ", "PK", "RU", "TJ", "UZ")
MOSCOW = Point(37.6173, 55.7558, srid=4326)


@pytest.fixture
def loaded():
    return reference_load()


@pytest.fixture
def fixture_copy(tmp_path):
    """A writable copy of the reference files, for tests that spoil one of them."""
    target = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, target)
    return target


def _edit_json(path, change):
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def _region(code: str) -> Region:
    return Region.objects.get(iso_code=code)


def _build_script():
    spec = importlib.util.spec_from_file_location(
        "build_reference_fixtures", settings.BASE_DIR / "scripts" / "build_reference_fixtures.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- Countries and regions --------------------------------------------------------------------------------------
def test_first_load_creates_every_record(loaded):
    assert {entity: c.created for entity, c in loaded.counts.items()} == {
        "countries": 13,
        "blocs": 3,
        "bloc memberships": 24,
        "regions": 257,
        "sectors": 109,
    }
    assert loaded.updated == 0


def test_each_member_state_has_its_current_iso_regions(loaded):
    for iso2 in MEMBER_STATES:
        expected = {s.code for s in pycountry.subdivisions.get(country_code=iso2) if s.parent_code is None}
        listed = set(Region.objects.filter(country__iso2=iso2).values_list("iso_code", flat=True))
        assert listed == expected, iso2
    counts = {iso2: Region.objects.filter(country__iso2=iso2).count() for iso2 in ("RU", "KZ", "CN", "IN", "IR")}
    assert counts == {"RU": 83, "KZ": 20, "CN": 34, "IN": 36, "IR": 31}


def test_every_region_has_a_label_point_inside_its_boundary(loaded):
    assert not Region.objects.filter(label_point__isnull=True).exists()
    assert not Region.objects.filter(boundary__isnull=False).exclude(boundary__contains=F("label_point")).exists()
    assert not Region.objects.filter(boundary__isvalid=False).exists()


def test_countries_have_codes_names_and_valid_boundaries(loaded):
    russia = Country.objects.get(iso2="RU")
    assert (russia.iso3, russia.iso_numeric, russia.name_ru, russia.name_zh) == ("RUS", "643", "Россия", "俄罗斯")
    assert Country.objects.get(iso2="IR").original_language == "fa"
    assert not Country.objects.filter(boundary__isnull=True).exists()
    assert not Country.objects.filter(boundary__isvalid=False).exists()


def test_a_point_in_moscow_lies_within_russia_and_not_kazakhstan(loaded):
    assert point_in_country(MOSCOW, Country.objects.get(iso2="RU").pk)
    assert not point_in_country(MOSCOW, Country.objects.get(iso2="KZ").pk)


def test_moscow_city_and_moscow_oblast_codes_are_not_swapped(loaded):
    city, oblast = _region("RU-MOW"), _region("RU-MOS")
    assert city.boundary.contains(MOSCOW)
    assert not oblast.boundary.contains(MOSCOW)
    assert (city.name_en, oblast.name_ru) == ("Moscow", "Московская область")
    assert city.boundary.area < oblast.boundary.area


def test_kazakhstan_uses_current_codes_and_leaves_unknown_shapes_empty(loaded):
    assert not Region.objects.filter(iso_code__regex=r"^KZ-[A-Z]").exists()
    kyzylorda = _region("KZ-43")
    assert kyzylorda.source_code == "KZ-KZY"
    # The Baikonur lease lies in Kyzylorda Region: its polygon was merged in.
    assert kyzylorda.boundary.contains(Point(63.31, 45.62, srid=4326))
    for code in ("KZ-10", "KZ-33", "KZ-62", "KZ-79", "KZ-19", "KZ-35", "KZ-63"):
        region = _region(code)
        assert region.boundary is None, code
        assert region.label_point is not None, code
    assert _region("KZ-71").name_en == "Astana"
    assert _region("KZ-75").name_ru == "Алматы"
    assert _region("KZ-79").name_en == "Shymkent"


def test_no_region_carries_a_ukrainian_or_non_iso_code(loaded):
    codes = list(Region.objects.values_list("iso_code", flat=True))
    assert not [c for c in codes if c.startswith(("UA-", "-99")) or "~" in c]
    assert all(pycountry.subdivisions.get(code=c) is not None for c in codes)
    assert not Region.objects.filter(source_code__startswith="UA-").exists()


def test_indian_regions_use_current_codes(loaded):
    current = {"IN-OD": "IN-OR", "IN-CG": "IN-CT", "IN-TS": "IN-TG", "IN-UK": "IN-UT"}
    for code, old in current.items():
        assert _region(code).source_code == old
    assert not Region.objects.filter(iso_code__in=list(current.values())).exists()


def test_iranian_regions_follow_the_renumbered_codes(loaded):
    tehran, alborz, markazi = _region("IR-23"), _region("IR-30"), _region("IR-00")
    assert (tehran.name_en, alborz.name_en, markazi.name_en) == ("Tehran", "Alborz", "Markazi")
    assert tehran.boundary.contains(Point(51.389, 35.689, srid=4326))
    assert tehran.original_language == "fa"


def test_merged_and_renamed_source_features(loaded):
    assert _region("TJ-RA").source_code == "TJ-X01~"
    assert not Region.objects.filter(iso_code="PK-TA").exists()
    # Former FATA (Miranshah) now lies within Khyber Pakhtunkhwa.
    assert _region("PK-KP").boundary.contains(Point(70.07, 33.0, srid=4326))
    assert _region("RU-ALT").name_en == "Altai Krai"


# --- Blocs ------------------------------------------------------------------------------------------------------
def test_blocs_have_their_founding_dates(loaded):
    founded = dict(Bloc.objects.values_list("code", "founded_on"))
    assert founded == {"eaeu": date(2015, 1, 1), "sco": date(2001, 6, 15), "union-state": date(2000, 1, 26)}


def test_membership_dates(loaded):
    def joined(bloc, iso2, status=BlocMembershipStatus.MEMBER):
        return BlocMembership.objects.get(bloc__code=bloc, country__iso2=iso2, status=status).joined_on

    assert joined("eaeu", "AM") == date(2015, 1, 2)
    assert joined("eaeu", "KG") == date(2015, 8, 12)
    assert joined("sco", "IN") == date(2017, 6, 9)
    assert joined("sco", "IR") == date(2023, 7, 4)
    assert joined("sco", "BY") == date(2024, 7, 4)
    assert joined("sco", "MN", BlocMembershipStatus.OBSERVER) == date(2004, 6, 17)
    assert joined("eaeu", "CU", BlocMembershipStatus.OBSERVER) == date(2020, 12, 11)
    assert joined("union-state", "BY") == joined("union-state", "RU") == date(2000, 1, 26)


def test_current_members_of_each_bloc(loaded):
    def members(bloc, on):
        return set(
            BlocMembership.objects.current(on=on)
            .filter(bloc__code=bloc, status=BlocMembershipStatus.MEMBER)
            .values_list("country__iso2", flat=True)
        )

    assert members("eaeu", date(2025, 1, 1)) == {"AM", "BY", "KZ", "KG", "RU"}
    assert members("sco", date(2025, 1, 1)) == {"CN", "IN", "IR", "KZ", "KG", "PK", "RU", "TJ", "UZ", "BY"}
    assert "BY" not in members("sco", date(2024, 7, 3))
    belarus_then = BlocMembership.objects.current(on=date(2024, 7, 3)).get(bloc__code="sco", country__iso2="BY")
    assert belarus_then.status == BlocMembershipStatus.OBSERVER


# --- Sectors ----------------------------------------------------------------------------------------------------
def test_nace_sections_and_divisions(loaded):
    sections = Sector.objects.filter(level=SectorLevel.SECTION)
    divisions = Sector.objects.filter(level=SectorLevel.DIVISION)
    assert sorted(sections.values_list("code", flat=True)) == [chr(c) for c in range(ord("A"), ord("U") + 1)]
    assert divisions.count() == 88
    assert not divisions.filter(parent__isnull=True).exists()
    assert not divisions.exclude(parent__level=SectorLevel.SECTION).exists()
    assert not divisions.exclude(section_code=F("parent__code")).exists()
    assert not Sector.objects.filter(name_ru="").exists()
    assert Sector.objects.get(code="72").name_ru == "Научные исследования и разработки"
    assert Sector.objects.get(code="62").parent.code == "J"


# --- Idempotence and updates ------------------------------------------------------------------------------------
def test_second_load_changes_nothing_and_reads_little(loaded, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        summary = reference_load()
    assert (summary.created, summary.updated) == (0, 0)
    assert summary.counts["regions"].unchanged == 257


def test_a_changed_record_is_restored_and_only_it_is_written(loaded):
    Region.objects.filter(iso_code="RU-TA").update(
        name_en="Tatarstan (edited)", boundary=MultiPolygon(Polygon.from_bbox((49, 55, 50, 56)), srid=4326)
    )
    Country.objects.filter(iso2="AM").update(name_zh="")

    summary = reference_load()

    assert summary.counts["regions"].updated == 1
    assert summary.counts["countries"].updated == 1
    assert summary.updated == 2
    tatarstan = _region("RU-TA")
    assert tatarstan.name_en == "Republic of Tatarstan"
    assert tatarstan.boundary.num_coords > 5
    assert Country.objects.get(iso2="AM").name_zh == "亚美尼亚"


# --- Bad input --------------------------------------------------------------------------------------------------
def test_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(ReferenceDataError, match="does not exist"):
        reference_load(path=tmp_path / "nowhere")
    assert not Country.objects.exists()


def test_a_missing_file_is_refused_and_nothing_is_written(fixture_copy):
    (fixture_copy / "sectors.json").unlink()
    with pytest.raises(ReferenceDataError, match="sectors.json is missing"):
        reference_load(path=fixture_copy)
    assert not Country.objects.exists()


def test_invalid_json_is_refused(fixture_copy):
    (fixture_copy / "blocs.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="blocs.json is not valid JSON"):
        reference_load(path=fixture_copy)
    assert not Bloc.objects.exists()


def test_a_region_of_an_unknown_country_is_refused(fixture_copy):
    def spoil(document):
        document["features"][0]["properties"]["country"] = "XX"

    _edit_json(fixture_copy / "regions.geojson", spoil)
    with pytest.raises(ReferenceDataError, match="names the country XX"):
        reference_load(path=fixture_copy)
    assert not Region.objects.exists()
    assert not Country.objects.exists()


def test_a_bad_date_is_refused(fixture_copy):
    def spoil(document):
        document["blocs"][1]["memberships"][0]["joined_on"] = "15.06.2001"

    _edit_json(fixture_copy / "blocs.json", spoil)
    with pytest.raises(ReferenceDataError, match="15.06.2001"):
        reference_load(path=fixture_copy)
    assert not BlocMembership.objects.exists()


def test_a_geometry_of_the_wrong_kind_is_refused(fixture_copy):
    def spoil(document):
        document["features"][0]["geometry"] = {"type": "Point", "coordinates": [44.5, 40.2]}

    _edit_json(fixture_copy / "countries.geojson", spoil)
    with pytest.raises(ReferenceDataError, match="Point where a"):
        reference_load(path=fixture_copy)
    assert not Country.objects.exists()


def test_a_value_the_database_refuses_rolls_everything_back(fixture_copy):
    def spoil(document):
        document["sectors"][-1]["code"] = "X9"

    _edit_json(fixture_copy / "sectors.json", spoil)
    with pytest.raises(ReferenceDataError, match="not loaded"):
        reference_load(path=fixture_copy)
    assert not Country.objects.exists()
    assert not Sector.objects.exists()


def test_a_division_without_its_section_is_refused(fixture_copy):
    def spoil(document):
        document["sectors"] = [s for s in document["sectors"] if s["code"] != "C"]

    _edit_json(fixture_copy / "sectors.json", spoil)
    with pytest.raises(ReferenceDataError, match="parent section “C”"):
        reference_load(path=fixture_copy)
    assert not Sector.objects.exists()


# --- The files and the build script -----------------------------------------------------------------------------
def test_region_file_stays_light():
    assert (REFERENCE_DIR / "regions.geojson").stat().st_size < 4_000_000
    assert (REFERENCE_DIR / "countries.geojson").stat().st_size < 1_000_000


def test_country_outlines_have_no_edge_across_the_map():
    """An outline edge spanning over 20° of longitude is a ring wrongly joined across the antimeridian."""
    import json

    collection = json.loads((REFERENCE_DIR / "countries.geojson").read_text())
    for feature in collection["features"]:
        for polygon in feature["geometry"]["coordinates"]:
            for ring in polygon:
                long_edges = [(a, b) for a, b in zip(ring, ring[1:], strict=False) if abs(a[0] - b[0]) > 20]
                assert not long_edges, f"{feature['properties']['iso2']}: {long_edges[:2]}"


def test_build_script_maps_ambiguous_source_codes_by_wikidata():
    region_code = _build_script()._region_code
    assert region_code({"iso_3166_2": "KZ-ALA", "wikidataid": "Q35493", "iso_a2": "KZ"}) == "KZ-75"
    assert region_code({"iso_3166_2": "KZ-ALA", "wikidataid": "Q186466", "iso_a2": "KZ"}) == "KZ-19"
    assert region_code({"iso_3166_2": "RU-MOS", "wikidataid": "Q649", "iso_a2": "RU"}) == "RU-MOW"
    assert region_code({"iso_3166_2": "IR-07", "wikidataid": "Q392522", "iso_a2": "IR"}) == "IR-30"
    assert region_code({"iso_3166_2": "IN-OR", "wikidataid": "Q22048", "iso_a2": "IN"}) == "IN-OD"


def test_build_script_keeps_simplified_shapes_valid():
    build = _build_script()
    jagged = Polygon([(0, 0), (1, 0.00001), (2, 0), (2, 2), (0, 2), (0, 0)], srid=4326)
    compact = build.compact_multipolygon(jagged, 0.01)
    shape = MultiPolygon(*[Polygon(*rings) for rings in compact["coordinates"]], srid=4326)
    assert shape.valid
    assert build.vertex_count(compact) == 5
