from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TechnoparksConfig(AppConfig):
    name = "technoparks"
    verbose_name = _("Technoparks and infrastructure")
