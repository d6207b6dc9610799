"""The hook through which upper apps declare what serves a priority."""

import pytest
from django.apps import apps

from directory.tests.factories import CountryFactory
from foresight.registry import ServingRegistry

from .factories import PriorityNodeFactory

pytestmark = pytest.mark.django_db


def test_register_refuses_a_field_that_is_not_a_link_to_priorities():
    registry = ServingRegistry()
    with pytest.raises(ValueError, match="not a many-to-many field to foresight.Priority"):
        registry.register(apps.get_model("clusters", "Cluster"), "regions", label="Clusters")


def test_kinds_come_in_order_and_registering_twice_replaces():
    registry = ServingRegistry()
    cluster = apps.get_model("clusters", "Cluster")
    technopark = apps.get_model("technoparks", "Technopark")
    registry.register(technopark, "technologies", label="Technoparks", order=20)
    registry.register(cluster, "technologies", label="Clusters", order=10)
    registry.register(cluster, "technologies", label="Clusters again", order=10)

    assert [(kind.key, kind.label) for kind in registry.kinds()] == [
        ("cluster", "Clusters again"),
        ("technopark", "Technoparks"),
    ]
    registry.unregister("cluster")
    assert [kind.key for kind in registry.kinds()] == ["technopark"]


def test_a_kind_returns_only_published_records_of_the_given_countries(make_cluster):
    registry = ServingRegistry()
    kind = registry.register(apps.get_model("clusters", "Cluster"), "technologies", label="Clusters")
    priority = PriorityNodeFactory()
    here, abroad = CountryFactory(), CountryFactory()
    published = make_cluster(country=here, name="Published", priorities=[priority])
    make_cluster(country=here, name="Draft", priorities=[priority], status="draft")
    make_cluster(country=abroad, name="Abroad", priorities=[priority])
    make_cluster(country=here, name="Unrelated")

    assert list(kind.queryset([priority.pk], countries=[here])) == [published]
    assert kind.queryset([priority.pk]).count() == 2
