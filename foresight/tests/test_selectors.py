"""Matrix computations against small cases computed by hand, and the reads behind the explorer."""

from decimal import Decimal

import pytest

from directory.tests.factories import BlocFactory, CountryFactory, RegionFactory
from foresight.choices import PriorityLevel
from foresight.selectors import (
    Matrix,
    MatrixRow,
    build_matrix,
    country_priority_matrix,
    heat_level,
    indicator_series,
    priority_overview,
    priority_tree,
    region_priority_matrix,
    roll_up,
    series_table,
)

from .factories import (
    AreaFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    PriorityListFactory,
    PriorityNodeFactory,
    ProfileFactory,
    SpecialisationPriorityFactory,
    TechnologyFactory,
    TrendFactory,
)


class Node:
    """A stand-in for a Priority in the pure computations."""

    def __init__(self, pk):
        self.pk = pk


# Tree: area 1 → priorities 10, 11; priority 10 → technologies 100, 101; area 2 → priority 20.
PARENT_OF = {1: None, 2: None, 10: 1, 11: 1, 20: 2, 100: 10, 101: 10}


def test_roll_up_finds_the_column_ancestor_or_nothing_above_the_level():
    columns = {10, 11, 20}
    assert roll_up(101, columns, PARENT_OF) == 10
    assert roll_up(11, columns, PARENT_OF) == 11
    assert roll_up(1, columns, PARENT_OF) is None


def test_count_matrix_matches_the_hand_computed_case():
    rows = [
        MatrixRow("KZ", "Kazakhstan", "country"),
        MatrixRow("BY", "Belarus", "country"),
        MatrixRow("AM", "Armenia", "country"),
    ]
    columns = [Node(10), Node(11), Node(20)]
    # KZ lists priority 10 and technology 100 under it, and 20; BY lists technology 101 and 20; AM lists 11;
    # an area-level entry (1) and a row not in the matrix (CN) count for nothing.
    pairs = [
        ("KZ", 10, 1),
        ("KZ", 100, 1),
        ("KZ", 20, 1),
        ("BY", 101, 1),
        ("BY", 20, 1),
        ("AM", 11, 1),
        ("AM", 1, 1),
        ("CN", 10, 1),
    ]

    matrix = build_matrix(rows=rows, columns=columns, pairs=pairs, parent_of=PARENT_OF)

    assert [[matrix.value(r.key, c.pk) for c in columns] for r in rows] == [[2, 0, 1], [1, 0, 1], [0, 1, 0]]
    assert [matrix.column_total(c.pk) for c in columns] == [2, 1, 2]
    assert [c.pk for c in matrix.shared_columns(["KZ", "BY"])] == [10, 20]
    assert [c.pk for c in matrix.shared_columns(["KZ", "AM"])] == []


def test_max_matrix_keeps_the_strongest_choice_under_a_column():
    rows = [MatrixRow("RU-TA", "Tatarstan", "region")]
    pairs = [("RU-TA", 100, 2), ("RU-TA", 10, 4), ("RU-TA", 101, 3), ("RU-TA", 20, 1)]

    matrix = build_matrix(rows=rows, columns=[Node(10), Node(20)], pairs=pairs, parent_of=PARENT_OF, aggregate="max")

    assert matrix.value("RU-TA", 10) == 4
    assert matrix.value("RU-TA", 20) == 1


def test_area_level_matrix_sums_everything_under_each_area():
    rows = [MatrixRow("KZ", "Kazakhstan", "country")]
    pairs = [("KZ", 10, 1), ("KZ", 100, 1), ("KZ", 11, 1), ("KZ", 20, 1)]
    matrix = build_matrix(rows=rows, columns=[Node(1), Node(2)], pairs=pairs, parent_of=PARENT_OF)
    assert (matrix.value("KZ", 1), matrix.value("KZ", 2)) == (3, 1)


def test_heat_levels_are_the_values_up_to_five_then_proportional():
    assert [heat_level(v, 5) for v in (0, 1, 3, 5)] == [0, 1, 3, 5]
    assert [heat_level(v, 10) for v in (0, 1, 5, 10)] == [0, 1, 2, 5]


def test_without_empty_columns_drops_columns_no_row_has():
    matrix = Matrix(
        rows=[MatrixRow("KZ", "Kazakhstan", "country")], columns=[Node(10), Node(11)], cells={("KZ", 10): 1}
    )
    assert [c.pk for c in matrix.without_empty_columns().columns] == [10]


# --- Against the database ----------------------------------------------------------------------------
@pytest.fixture
def small_world(db):
    area = AreaFactory(code="DIG")
    ai = PriorityNodeFactory(code="DIG.AI", parent=area)
    ict = PriorityNodeFactory(code="DIG.ICT", parent=area)
    hpc = TechnologyFactory(code="DIG.AI.HPC", parent=ai)
    kz = CountryFactory(iso2="XK", iso3="XKZ", name_en="Kazakhstan")
    by = CountryFactory(iso2="XB", iso3="XBY", name_en="Belarus")
    bloc = BlocFactory(code="eaeu", abbreviation_en="EAEU")
    PriorityListFactory(country=kz, priorities=[ai, ict])
    PriorityListFactory(country=by, priorities=[hpc])
    PriorityListFactory(country=by, priorities=[ai], is_current=False)
    PriorityListFactory(common=True, bloc=bloc, priorities=[ict])
    return {"area": area, "ai": ai, "ict": ict, "hpc": hpc, "kz": kz, "by": by, "bloc": bloc}


def test_country_matrix_counts_current_lists_and_rolls_technologies_up(small_world):
    w = small_world
    matrix = country_priority_matrix(level=PriorityLevel.PRIORITY)

    assert [r.key for r in matrix.rows] == ["XB", "XK", "bloc:eaeu"]
    assert [c.code for c in matrix.columns] == ["DIG.AI", "DIG.ICT"]
    # Belarus: the superseded list naming DIG.AI is ignored; its technology DIG.AI.HPC counts for DIG.AI.
    assert matrix.value("XB", w["ai"].pk) == 1
    assert matrix.value("XK", w["ai"].pk) == 1
    assert matrix.value("XB", w["ict"].pk) == 0
    assert matrix.value("bloc:eaeu", w["ict"].pk) == 1
    assert matrix.column_total(w["ict"].pk, {"country"}) == 1
    assert [c.code for c in matrix.shared_columns(["XK", "XB"])] == ["DIG.AI"]


def test_country_matrix_at_area_level_and_restricted_to_chosen_countries(small_world):
    w = small_world
    matrix = country_priority_matrix(countries=[w["kz"]], blocs=[], level=PriorityLevel.AREA)
    assert [r.key for r in matrix.rows] == ["XK"]
    assert matrix.value("XK", w["area"].pk) == 2


def test_region_matrix_takes_the_strongest_choice(small_world):
    w = small_world
    region = RegionFactory(country=w["kz"], name_en="Almaty")
    profile = ProfileFactory(region=region)
    SpecialisationPriorityFactory(profile=profile, priority=w["ai"], strength=2)
    SpecialisationPriorityFactory(profile=profile, priority=w["hpc"], strength=5)
    SpecialisationPriorityFactory(profile=ProfileFactory(), priority=w["ict"], strength=3)

    matrix = region_priority_matrix(countries=[w["kz"]])

    assert [r.key for r in matrix.rows] == [region.iso_code]
    assert matrix.value(region.iso_code, w["ai"].pk) == 5
    assert matrix.value(region.iso_code, w["ict"].pk) == 0


def test_priority_tree_nests_levels_and_counts_list_owners(small_world, django_assert_num_queries):
    with django_assert_num_queries(1):
        tree = priority_tree()
    area = tree[0]
    assert [n.code for n in area.nodes] == ["DIG.AI", "DIG.ICT"]
    ai = area.nodes[0]
    assert [t.code for t in ai.nodes] == ["DIG.AI.HPC"]
    assert ai.list_count == 2  # Kazakhstan and Belarus (its superseded list)
    assert area.nodes[1].list_count == 2  # Kazakhstan and the EAEU


def test_priority_overview_gathers_lists_regions_trends_and_serving_records(
    small_world, clusters_registered, make_cluster
):
    w = small_world
    profile = ProfileFactory(region=RegionFactory(country=w["by"]))
    SpecialisationPriorityFactory(profile=profile, priority=w["hpc"], strength=4)
    trend = TrendFactory(priorities=[w["hpc"]])
    cluster = make_cluster(country=w["by"], name="Supercomputing cluster", priorities=[w["hpc"]])
    make_cluster(country=w["by"], name="Draft cluster", priorities=[w["ai"]], status="draft")

    overview = priority_overview(w["ai"])

    assert {c.iso2 for c in overview.countries} == {"XK", "XB"}
    assert [s.profile for s in overview.specialisations] == [profile]
    assert overview.trends == [trend]
    group = next(g for g in overview.serving if g.key == "test-clusters")
    assert group.items == [cluster]
    assert group.total == 1


@pytest.mark.django_db
def test_indicator_series_and_table_align_years_with_gaps():
    indicator = IndicatorFactory()
    a, b = CountryFactory(name_en="A"), CountryFactory(name_en="B")
    IndicatorValueFactory(indicator=indicator, country=a, year=2019, value=Decimal("1.5"))
    IndicatorValueFactory(indicator=indicator, country=a, year=2020, value=Decimal("1.6"))
    IndicatorValueFactory(indicator=indicator, country=b, year=2020, value=Decimal("0.5"))

    series = indicator_series(indicator=indicator, countries=[b, a, CountryFactory()])
    years, table = series_table(series)

    assert [s.label for s in series] == ["B", "A"]
    assert years == [2019, 2020]
    assert table == [[2019, None, Decimal("1.5")], [2020, Decimal("0.5"), Decimal("1.6")]]
