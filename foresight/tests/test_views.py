"""Pages: explorer, priority, matrices (HTML and CSV), profiles, lists, trends, statistics and the CSV upload."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from directory.tests.factories import BlocFactory, CountryFactory, RegionFactory
from foresight.models import IndicatorValue

from .factories import (
    AreaFactory,
    GoalFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    PriorityListFactory,
    PriorityNodeFactory,
    ProfileFactory,
    SpecialisationPriorityFactory,
    StakeholderFactory,
    SwotItemFactory,
    TechnologyFactory,
    TrendFactory,
    TrendSignalFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Kazakhstan and Belarus share ICT; only Belarus lists machine tools; the EAEU list names machine tools."""
    area = AreaFactory(code="DIG", name_en="Digital technologies")
    ict = PriorityNodeFactory(code="DIG.ICT", parent=area, name_en="Information and telecommunication systems")
    ai = PriorityNodeFactory(code="DIG.AI", parent=area, name_en="Artificial intelligence")
    hpc = TechnologyFactory(code="DIG.AI.HPC", parent=ai, name_en="High-performance computing")
    man = AreaFactory(code="MAN", name_en="Manufacturing")
    tools = PriorityNodeFactory(code="MAN.MT", parent=man, name_en="Machine tools")
    kz = CountryFactory(iso2="XK", iso3="XKZ", name_en="Kazakhstan")
    by = CountryFactory(iso2="XB", iso3="XBY", name_en="Belarus")
    PriorityListFactory(code="kz-list", country=kz, priorities=[ict, hpc], name_en="Kazakh priorities")
    PriorityListFactory(code="by-list", country=by, priorities=[ict, tools], name_en="Belarusian priorities")
    PriorityListFactory(
        code="eaeu-list", common=True, bloc=BlocFactory(code="eaeu", abbreviation_en="EAEU"), priorities=[tools]
    )
    almaty = ProfileFactory(region=RegionFactory(country=kz, iso_code="XK-75", name_en="Almaty"))
    SpecialisationPriorityFactory(profile=almaty, priority=ict, strength=4)
    minsk = ProfileFactory(region=RegionFactory(country=by, iso_code="XB-HM", name_en="Minsk"))
    SpecialisationPriorityFactory(profile=minsk, priority=ict, strength=5)
    SpecialisationPriorityFactory(profile=minsk, priority=tools, strength=3)
    return {"ict": ict, "ai": ai, "hpc": hpc, "tools": tools, "kz": kz, "by": by, "almaty": almaty, "minsk": minsk}


def test_explorer_shows_the_tree_in_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get(reverse("foresight:explorer"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "DIG.AI.HPC" in content and "Machine tools" in content
    assert 'value="XK"' in content  # the compare form offers countries that have lists


def test_priority_page_lists_owners_regions_and_serving_clusters(client, world, clusters_registered, make_cluster):
    make_cluster(country=world["by"], name="Minsk IT cluster", priorities=[world["ict"]])

    response = client.get(reverse("foresight:priority-detail", args=["DIG.ICT"]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Kazakh priorities" in content and "Belarusian priorities" in content
    assert "Almaty" in content and "Minsk" in content
    assert "Minsk IT cluster" in content


def test_unknown_priority_is_a_404(client, db):
    assert client.get(reverse("foresight:priority-detail", args=["NOPE"])).status_code == 404


def test_country_matrix_answers_which_priorities_two_countries_share(
    client, world, clusters_registered, make_cluster, django_assert_max_num_queries
):
    make_cluster(country=world["kz"], name="Almaty ICT cluster", priorities=[world["ict"]])
    make_cluster(country=CountryFactory(), name="Foreign ICT cluster", priorities=[world["ict"]])

    with django_assert_max_num_queries(25):
        response = client.get(reverse("foresight:country-matrix"), {"country": ["XK", "XB"]})

    shared = response.context["shared"]
    assert [item["priority"].code for item in shared] == ["DIG.ICT"]
    assert {choice.profile.region.name_en for choice in shared[0]["regions"]} == {"Almaty", "Minsk"}
    serving = next(group for group in shared[0]["serving"] if group["label"] == "Clusters")
    assert [c.name_en for c in serving["items"]] == ["Almaty ICT cluster"]
    content = response.content.decode()
    assert 'id="country-heatmap"' in content and 'class="heat heat-' in content


def test_country_matrix_marks_shared_and_unique_columns(client, world):
    response = client.get(reverse("foresight:country-matrix"), {"columns": "all"})

    columns = dict((c.code, total) for c, total in response.context["grid"]["columns"])
    assert columns == {"DIG.AI": 1, "DIG.ICT": 2, "MAN.MT": 1}
    content = response.content.decode()
    assert "col-shared" in content and "col-unique" in content


def test_country_matrix_csv_has_one_line_per_row_and_the_cell_values(client, world):
    response = client.get(reverse("foresight:country-matrix"), {"format": "csv", "columns": "all"})

    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0][2:] == [
        "DIG.AI Artificial intelligence",
        "DIG.ICT Information and telecommunication systems",
        "MAN.MT Machine tools",
    ]
    rows = {line[0]: line[2:] for line in lines[1:]}
    assert rows["Kazakhstan"] == ["1", "1", "0"]
    assert rows["Belarus"] == ["0", "1", "1"]
    assert rows["EAEU"] == ["0", "0", "1"]


def test_country_matrix_by_bloc_shows_its_member_states_and_its_common_list(client, world):
    from directory.models import Bloc, BlocMembership

    bloc = Bloc.objects.get(code="eaeu")
    BlocMembership.objects.create(bloc=bloc, country=world["kz"], status="member", joined_on="2015-01-01")

    response = client.get(reverse("foresight:country-matrix"), {"bloc": "eaeu"})

    assert [row.key for row in response.context["matrix"].rows] == ["XK", "bloc:eaeu"]


def test_country_matrix_ignores_a_bad_level_and_keeps_working(client, world):
    response = client.get(reverse("foresight:country-matrix"), {"level": "galaxy"})
    assert response.status_code == 200
    assert response.context["level"] == "priority"


def test_region_matrix_shows_strengths_and_downloads_csv(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = client.get(reverse("foresight:region-matrix"))
    grid = response.context["grid"]
    minsk = next(line for line in grid["rows"] if line["row"].key == "XB-HM")
    assert [cell["value"] for cell in minsk["cells"]] == [5, 3]

    csv_response = client.get(reverse("foresight:region-matrix"), {"format": "csv", "country": "XK"})
    lines = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert [line[0] for line in lines[1:]] == ["Almaty (XK)"]


def test_profile_page_shows_swot_stakeholders_goals_and_map_data(client, world, django_assert_max_num_queries):
    profile = world["minsk"]
    StakeholderFactory(profile=profile, name="City executive committee", is_leader=True)
    GoalFactory(profile=profile, title_en="Digitise three plants", year=2025)
    SwotItemFactory(profile=profile, kind="threat", text_en="Outflow of specialists")

    with django_assert_max_num_queries(15):
        response = client.get(reverse("foresight:profile-detail", args=["XB-HM"]))

    content = response.content.decode()
    assert "City executive committee" in content and "leader" in content
    assert "Digitise three plants" in content and "Outflow of specialists" in content
    assert 'id="profile-map-data"' in content and '"boundary"' in content


def test_profile_list_and_unknown_profile(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert client.get(reverse("foresight:profile-list")).status_code == 200
    assert client.get(reverse("foresight:profile-detail", args=["ZZ-00"])).status_code == 404


def test_lists_and_trends_pages(client, world, django_assert_max_num_queries):
    trend = TrendFactory(name_en="Hydrogen economy", priorities=[world["ict"]])
    TrendSignalFactory(trend=trend, title="Strategy adopted")
    with django_assert_max_num_queries(8):
        assert "Kazakh priorities" in client.get(reverse("foresight:list-index")).content.decode()
    assert "DIG.AI.HPC" in client.get(reverse("foresight:list-detail", args=["kz-list"])).content.decode()
    with django_assert_max_num_queries(8):
        assert "Hydrogen economy" in client.get(reverse("foresight:trend-list")).content.decode()
    assert "Strategy adopted" in client.get(trend.get_absolute_url()).content.decode()
    assert client.get(reverse("foresight:list-detail", args=["missing"])).status_code == 404


@pytest.fixture
def statistics(world):
    indicator = IndicatorFactory(code="gerd-gdp", name_en="GERD, % of GDP")
    for year, value in ((2019, "0.12"), (2020, "0.13")):
        IndicatorValueFactory(indicator=indicator, country=world["kz"], year=year, value=Decimal(value))
    IndicatorValueFactory(indicator=indicator, country=world["by"], year=2020, value=Decimal("0.55"))
    IndicatorValueFactory(
        indicator=indicator, country=None, region=world["almaty"].region, year=2020, value=Decimal("0.4")
    )
    return indicator


def test_comparison_chart_of_several_countries_and_its_csv(client, statistics, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = client.get(
            reverse("foresight:indicator-compare"), {"indicator": "gerd-gdp", "country": ["XK", "XB"]}
        )
    chart = response.context["chart"]
    assert chart["labels"] == [2019, 2020]
    # Series come in the order of the country names.
    assert chart["datasets"] == [
        {"label": "Belarus", "data": [None, 0.55]},
        {"label": "Kazakhstan", "data": [0.12, 0.13]},
    ]
    assert 'id="chart-data"' in response.content.decode()

    csv_response = client.get(
        reverse("foresight:indicator-compare"), {"indicator": "gerd-gdp", "country": ["XK", "XB"], "format": "csv"}
    )
    lines = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert lines[0] == ["Year", "Belarus (XB), % of GDP", "Kazakhstan (XK), % of GDP"]
    assert lines[1:] == [["2019", "", "0.1200"], ["2020", "0.5500", "0.1300"]]


def test_area_pages_for_a_country_and_a_region_with_csv(client, statistics):
    response = client.get(reverse("foresight:indicator-area", args=["XK"]))
    assert [item["indicator"].code for item in response.context["items"]] == ["gerd-gdp"]
    assert 'data-chart="chart-data-gerd-gdp"' in response.content.decode()

    region_csv = client.get(
        reverse("foresight:indicator-area", args=["XK-75"]), {"format": "csv", "indicator": "gerd-gdp"}
    )
    lines = list(csv.reader(io.StringIO(region_csv.content.decode("utf-8-sig"))))
    assert lines[1] == ["2020", "0.4000"]

    all_csv = client.get(reverse("foresight:indicator-area", args=["XK"]), {"format": "csv"})
    assert len(list(csv.reader(io.StringIO(all_csv.content.decode("utf-8-sig"))))) == 3
    assert client.get(reverse("foresight:indicator-area", args=["QQ"])).status_code == 404
    assert (
        client.get(
            reverse("foresight:indicator-area", args=["XK"]), {"format": "csv", "indicator": "nothing"}
        ).status_code
        == 404
    )


def test_statistics_page_without_any_indicator(client, db):
    response = client.get(reverse("foresight:indicator-compare"))
    assert response.status_code == 200
    assert "No indicators loaded yet" in response.content.decode()


# --- CSV upload -------------------------------------------------------------------------------------------
@pytest.fixture
def editor(statistics):
    user = User.objects.create_user("editor", password="secret-password-1")
    user.user_permissions.add(Permission.objects.get(codename="add_indicatorvalue"))
    return user


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("values.csv", text.encode("utf-8"), content_type="text/csv")


def test_upload_needs_the_permission(client, statistics):
    assert client.get(reverse("foresight:indicator-import")).status_code == 403
    client.force_login(User.objects.create_user("reader"))
    assert client.post(reverse("foresight:indicator-import"), {"file": upload("x")}).status_code == 403


def test_upload_loads_values_and_reports_counts(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("foresight:indicator-import"),
        {"file": upload("indicator,area,year,value\ngerd-gdp,XB,2021,0.47\n")},
        follow=True,
    )
    assert "1 new" in response.content.decode()
    assert IndicatorValue.objects.filter(country__iso2="XB", year=2021).exists()


def test_upload_of_a_bad_file_shows_the_lines_and_changes_nothing(client, editor):
    client.force_login(editor)
    before = IndicatorValue.objects.count()

    response = client.post(
        reverse("foresight:indicator-import"),
        {"file": upload("indicator,area,year,value\ngerd-gdp,XB,2021,0.47\ngerd-gdp,XB,2022,x\n")},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Line 3" in content and "is not a number" in content
    assert IndicatorValue.objects.count() == before


def test_upload_refuses_a_file_that_is_not_utf8(client, editor):
    client.force_login(editor)
    bad = SimpleUploadedFile("values.csv", "indicator,area\nВВП".encode("cp1251"), content_type="text/csv")
    response = client.post(reverse("foresight:indicator-import"), {"file": bad})
    assert "not UTF-8" in response.content.decode()


def test_nav_entry_links_to_the_explorer(rf):
    from django.template.loader import render_to_string

    html = render_to_string("includes/nav_foresight.html", {"request": rf.get("/en/foresight/")})
    assert 'class="nav-item"' in html and reverse("foresight:explorer") in html and "active" in html
