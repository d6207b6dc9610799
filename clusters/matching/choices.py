from django.db import models
from django.utils.translation import gettext_lazy as _


class MatchingIndexStatus(models.TextChoices):
    BUILDING = "building", _("Building")
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")
    FAILED = "failed", _("Failed")


class ReasonKind(models.TextChoices):
    SHARED_SECTOR = "shared_sector", _("Shared sector")
    ADJACENT_SECTOR = "adjacent_sector", _("Same section")
    COMPLEMENTARY = "complementary", _("Complementary value chain")
    SHARED_PRIORITY = "shared_priority", _("Shared priority")
    MEMBERS = "members", _("Members' activities")
    TEXT = "text", _("Similar description")
