"""The synthetic registry generator: sizes, rules, determinism, clearing, and refusal of bad arguments."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from clusters.models import Cluster, Membership
from clusters.tests.factories import ClusterFactory, MembershipFactory
from directory.models import Organisation
from directory.tests.factories import (
    BlocMembershipFactory,
    CountryFactory,
    DivisionFactory,
    OrganisationFactory,
    RegionFactory,
)
from technoparks.models import Residency, Technopark
from technoparks.synthetic import MAX_MEMBERS, MIN_MEMBERS, SYNTHETIC_NOTE
from technoparks.tests.factories import ResidencyFactory, TechnoparkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference_data():
    """Two countries with two regions each, and one without regions; three NACE divisions."""
    with_regions = CountryFactory.create_batch(2)
    for country in with_regions:
        RegionFactory.create_batch(2, country=country)
    bare = CountryFactory()
    divisions = [DivisionFactory(code=code) for code in ("26", "62", "72")]
    return {"countries": [*with_regions, bare], "bare": bare, "divisions": divisions}


def generate(*args, **kwargs):
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_registry", *args, stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


def synthetic_names(model):
    return list(
        model.objects.filter(source_note=SYNTHETIC_NOTE).order_by("external_id").values_list("name_en", flat=True)
    )


# --- What a run creates ------------------------------------------------------------------------
def test_a_small_run_creates_the_numbers_asked(reference_data):
    out, err = generate("--clusters", "6", "--organisations", "90", "--technoparks", "4", "--seed", "1")
    assert Organisation.objects.count() == 90
    assert Cluster.objects.count() == 6
    assert Technopark.objects.count() == 4
    assert "Generated 90 organisations, 6 clusters" in out
    assert "organisations" in err and "100.0%" in err


def test_every_cluster_has_5_to_30_members_led_by_its_specialised_organisation(reference_data):
    generate("--clusters", "8", "--organisations", "120", "--technoparks", "0", "--seed", "2")
    sizes = Cluster.objects.annotate(n=Count("memberships")).values_list("n", flat=True)
    assert all(MIN_MEMBERS <= n <= MAX_MEMBERS for n in sizes)
    for cluster in Cluster.objects.all():
        assert cluster.memberships.filter(organisation=cluster.specialised_organisation_id, left_on=None).exists()


def test_every_technopark_has_residents_and_an_operator(reference_data):
    generate("--clusters", "0", "--organisations", "60", "--technoparks", "5", "--seed", "3")
    assert Residency.objects.count() >= 5 * 2
    assert not Technopark.objects.filter(operator=None).exists()
    assert not Technopark.objects.annotate(n=Count("residencies")).filter(n=0).exists()


def test_generated_records_are_marked_synthetic_and_published(reference_data):
    generate("--clusters", "3", "--organisations", "40", "--technoparks", "3", "--seed", "4")
    for model in (Organisation, Cluster, Technopark):
        assert not model.objects.exclude(is_demo=True, source_note=SYNTHETIC_NOTE, status="published").exists()
    assert not Cluster.objects.exclude(external_id__startswith="syn-").exists()
    assert not Technopark.objects.exclude(external_id__startswith="syn-").exists()


def test_generated_records_pass_every_registry_rule(reference_data):
    generate("--clusters", "4", "--organisations", "50", "--technoparks", "4", "--seed", "5")
    for model in (Organisation, Cluster, Technopark, Membership, Residency):
        for record in model.objects.all()[:40]:
            record.full_clean()


def test_points_lie_in_a_region_of_their_country_or_in_a_country_without_regions(reference_data):
    generate("--clusters", "5", "--organisations", "80", "--technoparks", "5", "--seed", "6")
    bare = reference_data["bare"]
    for organisation in Organisation.objects.select_related("country", "region"):
        assert organisation.country.boundary.buffer(0.05).contains(organisation.location)
        if organisation.country_id == bare.pk:
            assert organisation.region is None
        else:
            assert organisation.region.country_id == organisation.country_id
            assert organisation.region.boundary.buffer(0.05).contains(organisation.location)


def test_sectors_come_from_the_loaded_divisions(reference_data):
    generate("--clusters", "4", "--organisations", "30", "--technoparks", "2", "--seed", "7")
    division_ids = {d.pk for d in reference_data["divisions"]}
    assert set(Cluster.objects.values_list("primary_sector", flat=True)) <= division_ids
    assert set(Organisation.sectors.through.objects.values_list("sector_id", flat=True)) <= division_ids


def test_only_the_countries_asked_for_are_used(reference_data):
    wanted = reference_data["countries"][0]
    generate("--clusters", "2", "--organisations", "20", "--technoparks", "1", "--countries", wanted.iso2.lower())
    assert set(Organisation.objects.values_list("country", flat=True)) == {wanted.pk}


def test_the_blocs_members_are_preferred_to_other_loaded_countries(reference_data):
    member = reference_data["countries"][1]
    BlocMembershipFactory(country=member)
    generate("--clusters", "2", "--organisations", "20", "--technoparks", "1")
    assert set(Cluster.objects.values_list("country", flat=True)) == {member.pk}


# --- Determinism --------------------------------------------------------------------------------------
def test_the_same_seed_gives_the_same_registry(reference_data):
    arguments = ["--clusters", "5", "--organisations", "60", "--technoparks", "3", "--seed", "42"]
    generate(*arguments)
    first = (
        synthetic_names(Cluster),
        synthetic_names(Technopark),
        Membership.objects.count(),
        sorted(Organisation.objects.values_list("name_en", flat=True)),
    )
    generate(*arguments, "--clear")
    second = (
        synthetic_names(Cluster),
        synthetic_names(Technopark),
        Membership.objects.count(),
        sorted(Organisation.objects.values_list("name_en", flat=True)),
    )
    assert first == second


def test_another_seed_gives_another_registry(reference_data):
    generate("--clusters", "5", "--organisations", "60", "--technoparks", "0", "--seed", "1")
    first = synthetic_names(Cluster)
    generate("--clusters", "5", "--organisations", "60", "--technoparks", "0", "--seed", "2", "--clear")
    assert synthetic_names(Cluster) != first


# --- Clearing ----------------------------------------------------------------------------------------------
def test_clear_removes_only_synthetic_records(reference_data):
    country = reference_data["countries"][0]
    real_member = MembershipFactory(cluster=ClusterFactory(country=country))
    real_residency = ResidencyFactory(technopark=TechnoparkFactory(country=country))
    demo_but_compiled = OrganisationFactory(is_demo=True, source_note="Official site, 2024")
    generate("--clusters", "3", "--organisations", "30", "--technoparks", "2", "--seed", "9")
    assert Cluster.objects.count() == 4

    out, _ = generate("--clear")

    assert "Removed synthetic records" in out
    assert list(Cluster.objects.all()) == [real_member.cluster]
    assert list(Technopark.objects.all()) == [real_residency.technopark]
    assert set(Organisation.objects.all()) == {
        real_member.organisation,
        real_residency.organisation,
        demo_but_compiled,
    }
    assert list(Membership.objects.all()) == [real_member]
    assert list(Residency.objects.all()) == [real_residency]


def test_a_second_run_with_the_same_seed_needs_clear(reference_data):
    generate("--clusters", "2", "--organisations", "10", "--technoparks", "0", "--seed", "5")
    with pytest.raises(CommandError, match="add --clear"):
        generate("--clusters", "2", "--organisations", "10", "--technoparks", "0", "--seed", "5")
    assert Cluster.objects.count() == 2


# --- Bad arguments --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--clusters", "-1"], "--clusters must be zero or more, not -1"),
        (["--organisations", "-5"], "--organisations must be zero or more"),
        (["--technoparks", "-2"], "--technoparks must be zero or more"),
        (["--seed", "-1"], "--seed must be zero or more"),
        (["--clusters", "3", "--organisations", "2"], "at least 5 organisations"),
        (["--clusters", "0", "--organisations", "0", "--technoparks", "1"], "need an operator"),
        (["--countries", "ZZ,QQ"], "Unknown country codes: QQ, ZZ"),
    ],
)
def test_bad_arguments_are_refused_with_a_clear_message_and_change_nothing(reference_data, arguments, message):
    OrganisationFactory()
    with pytest.raises(CommandError, match=message):
        generate(*arguments)
    assert Organisation.objects.count() == 1
    assert not Cluster.objects.exists()
    assert not Technopark.objects.exists()


def test_bad_arguments_with_clear_keep_the_earlier_synthetic_records(reference_data):
    generate("--clusters", "2", "--organisations", "10", "--technoparks", "0", "--seed", "5")
    with pytest.raises(CommandError):
        generate("--clear", "--clusters", "-3")
    assert Cluster.objects.count() == 2


def test_without_reference_data_the_command_says_what_to_load():
    with pytest.raises(CommandError, match="load the reference data first"):
        generate("--clusters", "1", "--organisations", "5", "--technoparks", "0")


def test_synthetic_rows_leave_no_history_and_later_edits_still_do(reference_data):
    generate("--clusters", "3", "--organisations", "40", "--technoparks", "2", "--seed", "5")
    organisation = Organisation.objects.first()
    assert organisation.events.count() == 0
    assert Cluster.objects.first().events.count() == 0
    # The ignore list is local to the generator's transaction: an ordinary edit afterwards is recorded.
    organisation.name_en = "Renamed by an editor"
    organisation.save()
    assert list(organisation.events.values_list("pgh_label", "name_en")) == [("update", "Renamed by an editor")]
