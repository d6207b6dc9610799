from django.db import models
from django.utils.translation import gettext_lazy as _


class PriorityLevel(models.TextChoices):
    AREA = "area", _("Area")
    PRIORITY = "priority", _("Priority")
    TECHNOLOGY = "technology", _("Critical technology")
