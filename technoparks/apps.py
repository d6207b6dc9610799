from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TechnoparksConfig(AppConfig):
    name = "technoparks"
    verbose_name = _("Technoparks and infrastructure")

    def ready(self):
        from foresight.registry import serving_registry

        serving_registry.register(self.get_model("Technopark"), "technologies", label=_("Technoparks"), order=20)
