from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Programmes and projects")

    def ready(self):
        from foresight.registry import serving_registry

        serving_registry.register(self.get_model("Project"), "priorities", label=_("Projects"), order=30)
