from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClustersConfig(AppConfig):
    name = "clusters"
    verbose_name = _("Clusters")

    def ready(self):
        from foresight.registry import serving_registry

        # Changes to published clusters, their members, sectors and technologies update the matching index.
        from . import signals  # noqa: F401

        serving_registry.register(self.get_model("Cluster"), "technologies", label=_("Clusters"), order=10)
