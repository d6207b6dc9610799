"""`manage.py load_demo`: real demo clusters, technoparks and organisations on top of the reference data."""

import json
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F

from clusters.models import Cluster, ClusterIndicator, Membership
from directory.choices import PublicationStatus
from directory.models import Organisation
from projects.management.commands.load_demo import default_fixtures_dir
from technoparks.models import PoolMembership, Residency, Technopark

MUST_HAVE = {
    Cluster: ["demo-ru-kama-itpc"],
    Technopark: [
        "demo-by-htp",
        "demo-kz-astana-hub",
        "demo-uz-it-park",
        "demo-cn-zhongguancun",
        "demo-ru-skolkovo",
        "demo-ru-innopolis",
        "demo-ru-technopolis-moscow",
        "demo-ru-alabuga",
        "demo-by-great-stone",
        "demo-kg-htp",
        "demo-ir-pardis",
        "demo-pk-nstp",
        "demo-cn-zhangjiang",
    ],
}


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """Reference and demo data loaded once for the module, inside a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_reference", verbosity=0)
        call_command("load_demo", "--force", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Organisation, Cluster, Technopark, Membership, Residency, ClusterIndicator, PoolMembership)
    }


def copy_fixtures(tmp_path):
    target = tmp_path / "demo"
    shutil.copytree(default_fixtures_dir(), target)
    return target


def edit(path, list_key, external_id, **changes):
    data = json.loads(path.read_text(encoding="utf-8"))
    record = next(r for r in data[list_key] if r.get("external_id", r.get("key")) == external_id)
    record.update(changes)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.mark.django_db
def test_load_demo_publishes_at_least_60_clusters_and_technoparks_in_8_countries(demo_loaded):
    clusters = Cluster.objects.filter(is_demo=True, status=PublicationStatus.PUBLISHED, published_at__isnull=False)
    technoparks = Technopark.objects.filter(
        is_demo=True, status=PublicationStatus.PUBLISHED, published_at__isnull=False
    )
    countries = set(clusters.values_list("country__iso2", flat=True)) | set(
        technoparks.values_list("country__iso2", flat=True)
    )
    assert clusters.count() + technoparks.count() >= 60
    assert clusters.count() >= 35 and technoparks.count() >= 30
    assert len(countries) >= 8
    assert {"RU", "KZ", "BY", "AM", "KG", "UZ", "TJ", "CN", "IN", "IR", "PK"} <= countries


@pytest.mark.django_db
def test_load_demo_includes_the_named_must_haves(demo_loaded):
    for model, external_ids in MUST_HAVE.items():
        found = set(model.objects.filter(external_id__in=external_ids).values_list("external_id", flat=True))
        assert found == set(external_ids)
    kama = Cluster.objects.get(external_id="demo-ru-kama-itpc")
    assert kama.kind == "territorial_production"
    assert kama.country.iso2 == "RU" and list(kama.regions.values_list("iso_code", flat=True)) == ["RU-TA"]
    assert {"KAMAZ", "TAIF Group", "Kazan Federal University"} <= set(kama.members.values_list("name_en", flat=True))
    zgc = Technopark.objects.get(external_id="demo-cn-zhongguancun")
    assert zgc.name_zh == "中关村科技园区" and zgc.original_language == "zh"
    assert zgc.pool_memberships.get().nominated_by.iso2 == "CN"
    htp = Technopark.objects.get(external_id="demo-by-htp")
    assert htp.sandbox_available and htp.operator.name_en == "Administration of the High-Tech Park"


@pytest.mark.django_db
def test_every_specialised_organisation_is_a_current_member(demo_loaded):
    with_specialised = Cluster.objects.filter(is_demo=True, specialised_organisation__isnull=False)
    assert with_specialised.count() >= 15
    for cluster in with_specialised:
        assert cluster.memberships.filter(
            organisation=cluster.specialised_organisation, left_on__isnull=True, role="specialised_organisation"
        ).exists(), cluster.external_id
    assert all(2 <= c.memberships.count() <= 6 for c in Cluster.objects.filter(is_demo=True))


@pytest.mark.django_db
def test_every_demo_record_has_a_source_note_and_a_point_in_its_region_country(demo_loaded):
    for model in (Organisation, Cluster, Technopark):
        records = model.objects.filter(is_demo=True)
        assert records.exists()
        assert not records.filter(source_note="").exists()
        assert not records.filter(location__isnull=True).exists()
        assert all(note.startswith("Source: ") for note in records.values_list("source_note", flat=True))
    assert not Technopark.objects.filter(is_demo=True).exclude(region__country=F("country")).exists()
    assert not Organisation.objects.filter(is_demo=True).exclude(region__country=F("country")).exists()


@pytest.mark.django_db
def test_a_second_run_creates_nothing(demo_loaded):
    before = counts()
    out = StringIO()
    call_command("load_demo", "--force", stdout=out)
    assert counts() == before
    assert "Organisations: 0 created, 0 updated" in out.getvalue()
    assert "Clusters: 0 created, 0 updated" in out.getvalue()
    assert "Technoparks: 0 created, 0 updated" in out.getvalue()


@pytest.mark.django_db
def test_an_unchanged_fixture_is_skipped_in_a_few_queries(demo_loaded, django_assert_max_num_queries):
    call_command("load_demo", "--force", stdout=StringIO())
    out = StringIO()
    with django_assert_max_num_queries(3):
        call_command("load_demo", stdout=out)
    assert "up to date" in out.getvalue()


@pytest.mark.django_db
def test_a_changed_fixture_updates_records_in_place(demo_loaded, tmp_path):
    fixtures = copy_fixtures(tmp_path)
    edit(
        fixtures / "clusters.json",
        "clusters",
        "demo-ru-kama-itpc",
        description_en="Changed description.",
        members=[
            {"organisation": "ru-kama-centre", "role": "specialised_organisation"},
            {"organisation": "ru-kamaz", "role": "anchor"},
        ],
    )
    before = counts()
    call_command("load_demo", "--fixtures-dir", str(fixtures), stdout=StringIO())
    kama = Cluster.objects.get(external_id="demo-ru-kama-itpc")
    assert kama.description_en == "Changed description."
    assert set(kama.members.values_list("name_en", flat=True)) == {"Kama Cluster Development Centre", "KAMAZ"}
    assert counts()["Cluster"] == before["Cluster"]
    assert counts()["Organisation"] == before["Organisation"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("file", "list_key", "external_id", "changes", "message"),
    [
        # Minsk's coordinates given to a record in Kazakhstan.
        ("technoparks.json", "technoparks", "demo-kz-astana-hub", {"lat": 53.9, "lon": 27.56}, "lies outside"),
        ("clusters.json", "clusters", "demo-ru-sarov", {"regions": ["RU-XXX"]}, "region «RU-XXX»"),
        ("clusters.json", "clusters", "demo-ru-sarov", {"primary_sector": "00"}, "sector «00»"),
        (
            "clusters.json",
            "clusters",
            "demo-ru-zelenograd",
            {"specialised_organisation": "ru-kamaz"},
            "among the members",
        ),
        ("technoparks.json", "technoparks", "demo-by-htp", {"services": ["teleportation"]}, "services"),
        ("technoparks.json", "technoparks", "demo-by-htp", {"operator": "nobody"}, "«nobody» is not in"),
    ],
)
def test_a_bad_fixture_is_refused_with_a_clear_message_and_changes_nothing(
    demo_loaded, tmp_path, file, list_key, external_id, changes, message
):
    fixtures = copy_fixtures(tmp_path)
    # A valid change earlier in the files must not survive the failure either.
    edit(fixtures / "organisations.json", "organisations", "ru-kamaz", website="https://example.org")
    edit(fixtures / file, list_key, external_id, **changes)
    before = counts()
    with pytest.raises(CommandError) as error:
        call_command("load_demo", "--fixtures-dir", str(fixtures), stdout=StringIO())
    assert external_id in str(error.value)
    assert message in str(error.value)
    assert "nothing was changed" in str(error.value)
    assert counts() == before
    assert Organisation.objects.get(is_demo=True, name_en="KAMAZ").website == "https://kamaz.ru"


@pytest.mark.django_db
def test_a_missing_fixture_file_is_reported(demo_loaded, tmp_path):
    fixtures = copy_fixtures(tmp_path)
    (fixtures / "technoparks.json").unlink()
    with pytest.raises(CommandError, match="technoparks.json: the file does not exist"):
        call_command("load_demo", "--fixtures-dir", str(fixtures), stdout=StringIO())
