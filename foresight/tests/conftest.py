import pytest
from django.apps import apps

from foresight.registry import serving_registry


@pytest.fixture
def clusters_registered():
    """Clusters registered as serving priorities, as the clusters app does from its AppConfig.ready()."""
    cluster_model = apps.get_model("clusters", "Cluster")
    kind = serving_registry.register(cluster_model, "technologies", label="Clusters", key="test-clusters")
    yield kind
    serving_registry.unregister("test-clusters")


@pytest.fixture
def make_cluster():
    """A published cluster of a country linked to taxonomy nodes (built without importing the clusters app)."""
    from directory.choices import PublicationStatus

    cluster_model = apps.get_model("clusters", "Cluster")

    def make(*, country, name: str, priorities=(), status=PublicationStatus.PUBLISHED):
        cluster = cluster_model.objects.create(country=country, name_en=name, status=status)
        cluster.technologies.set(priorities)
        return cluster

    return make
