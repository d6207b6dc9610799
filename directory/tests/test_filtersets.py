"""The shared FilterSets: the same parameters filter the map, the list pages and the API."""

import pytest
from django.contrib.gis.geos import Point

from clusters.filtersets import ClusterFilterSet
from clusters.models import Cluster
from clusters.tests.factories import ClusterFactory, PriorityFactory
from directory.choices import BlocMembershipStatus
from directory.tests.factories import BlocFactory, BlocMembershipFactory, DivisionFactory, SectorFactory, russia
from technoparks.filtersets import TechnoparkFilterSet
from technoparks.models import Technopark
from technoparks.tests.factories import PoolMembershipFactory, TechnoparkFactory

pytestmark = pytest.mark.django_db


def filtered(params: dict, filterset=ClusterFilterSet, model=Cluster) -> set[str]:
    fs = filterset(params, queryset=model.objects.all())
    assert fs.is_valid(), fs.errors
    return set(fs.qs.values_list("name_en", flat=True))


def test_a_section_includes_its_divisions_and_secondary_sectors_count():
    section = SectorFactory(code="C")
    electronics = DivisionFactory(code="26", parent=section)
    software = DivisionFactory(code="62", parent=SectorFactory(code="J"))
    ClusterFactory(name_en="Chips", primary_sector=electronics)
    ClusterFactory(name_en="Code", primary_sector=software, secondary_sectors=[electronics])
    ClusterFactory(name_en="Apps", primary_sector=software)

    assert filtered({"sector": "C"}) == {"Chips", "Code"}
    assert filtered({"sector": "26"}) == {"Chips", "Code"}
    assert filtered({"sector": "j"}) == {"Code", "Apps"}


def test_bloc_means_its_current_members_only():
    eaeu = BlocFactory(code="eaeu")
    member = ClusterFactory(name_en="Member cluster").country
    former = ClusterFactory(name_en="Former member cluster").country
    ClusterFactory(name_en="Outsider cluster")
    BlocMembershipFactory(bloc=eaeu, country=member, status=BlocMembershipStatus.MEMBER)
    BlocMembershipFactory(
        bloc=eaeu, country=former, status=BlocMembershipStatus.MEMBER, joined_on="2015-01-01", left_on="2016-01-01"
    )
    assert filtered({"bloc": "eaeu"}) == {"Member cluster"}


def test_technology_includes_the_nodes_below_it():
    area = PriorityFactory(code="A1")
    priority = PriorityFactory(code="A1.1", priority=True, parent=area)
    ClusterFactory(name_en="Under the area", technologies=[priority])
    ClusterFactory(name_en="Elsewhere", technologies=[PriorityFactory(code="B1")])
    assert filtered({"technology": "A1"}) == {"Under the area"}
    assert filtered({"technology": str(priority.pk)}) == {"Under the area"}
    assert filtered({"technology": "no-such-code"}) == set()


def test_search_finds_names_in_every_script_and_descriptions_by_stem():
    ClusterFactory(name_en="Kama innovative cluster", name_ru="Камский инновационный кластер")
    ClusterFactory(name_en="Zhongguancun Science Park", name_zh="中关村科技园区", name_original="中关村科技园区")
    ClusterFactory(name_en="Quiet cluster", description_en="", description_ru="Производство станков и оборудования")

    assert filtered({"q": "Камский"}) == {"Kama innovative cluster"}
    assert filtered({"q": "中关村"}) == {"Zhongguancun Science Park"}
    assert filtered({"q": "оборудование"}) == {"Quiet cluster"}  # Russian stemming: оборудования → оборудован
    assert filtered({"q": "kama"}) == {"Kama innovative cluster"}


def test_a_malformed_bounding_box_is_reported_under_its_name():
    for bad in ["1,2,3", "a,b,c,d", "10,10,5,5", "0,0,200,10"]:
        fs = ClusterFilterSet({"bbox": bad}, queryset=Cluster.objects.all())
        assert not fs.is_valid()
        assert "bbox" in fs.errors


def test_bbox_and_near_select_by_location():
    country = russia()
    ClusterFactory(name_en="Moscow cluster", country=country, location=Point(37.62, 55.75, srid=4326))
    ClusterFactory(name_en="Novosibirsk cluster", country=country, location=Point(82.93, 55.03, srid=4326))

    assert filtered({"bbox": "30,50,40,60"}) == {"Moscow cluster"}
    assert filtered({"near": "37.0,55.5,100"}) == {"Moscow cluster"}
    assert filtered({"near": "37.0,55.5,3000"}) == {"Moscow cluster", "Novosibirsk cluster"}
    fs = ClusterFilterSet({"near": "37,55,0"}, queryset=Cluster.objects.all())
    assert not fs.is_valid() and "near" in fs.errors


def test_sco_pool_and_services_filter_technoparks():
    in_pool = TechnoparkFactory(name_en="Pool park", services=["coworking", "laboratories"])
    PoolMembershipFactory(technopark=in_pool, nominated_by=in_pool.country)
    TechnoparkFactory(name_en="Other park", services=["coworking"])

    assert filtered({"sco_pool": "true"}, TechnoparkFilterSet, Technopark) == {"Pool park"}
    assert filtered({"sco_pool": "false"}, TechnoparkFilterSet, Technopark) == {"Other park"}
    assert filtered({"service": ["coworking", "laboratories"]}, TechnoparkFilterSet, Technopark) == {"Pool park"}
