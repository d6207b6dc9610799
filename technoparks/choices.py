from django.db import models
from django.utils.translation import gettext_lazy as _


class TechnoparkKind(models.TextChoices):
    TECHNOPARK = "technopark", _("Technopark")
    INDUSTRIAL_TECHNOPARK = "industrial_technopark", _("Industrial technopark")
    SCIENCE_PARK = "science_park", _("Science park")
    IT_PARK = "it_park", _("IT park")
    BUSINESS_INCUBATOR = "business_incubator", _("Business incubator")
    ENGINEERING_CENTRE = "engineering_centre", _("Engineering centre")
    SHARED_USE_CENTRE = "shared_use_centre", _("Shared-use research centre")
    PILOT_PRODUCTION = "pilot_production", _("Pilot production")
    SPECIAL_ECONOMIC_ZONE = "special_economic_zone", _("Special economic zone")


class TechnoparkService(models.TextChoices):
    OFFICES = "offices", _("Office space")
    PRODUCTION_PREMISES = "production_premises", _("Production premises")
    LABORATORIES = "laboratories", _("Laboratories")
    PROTOTYPING = "prototyping", _("Prototyping and pilot production")
    COWORKING = "coworking", _("Coworking")
    ACCELERATION = "acceleration", _("Acceleration and incubation")
    INVESTMENT = "investment", _("Investment attraction")
    IP_SUPPORT = "ip_support", _("Intellectual property support")
    CERTIFICATION = "certification", _("Testing and certification")
    EXPORT_SUPPORT = "export_support", _("Export support")
    TRAINING = "training", _("Training")
    SOFT_LANDING = "soft_landing", _("Soft landing for foreign startups")


class PoolStatus(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    ADMITTED = "admitted", _("Admitted")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")
