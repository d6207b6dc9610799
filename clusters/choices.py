from django.db import models
from django.utils.translation import gettext_lazy as _


class ClusterKind(models.TextChoices):
    INNOVATION = "innovation", _("Innovation cluster")
    # In Russia, the industrial clusters of the Decree 779 registry; elsewhere, the national equivalent.
    INDUSTRIAL = "industrial", _("Industrial cluster")
    TERRITORIAL_PRODUCTION = "territorial_production", _("Innovative territorial-production cluster")
    OTHER = "other", _("Other cluster")


class MembershipRole(models.TextChoices):
    ANCHOR = "anchor", _("Anchor company")
    PARTICIPANT = "participant", _("Participant")
    SPECIALISED_ORGANISATION = "specialised_organisation", _("Specialised organisation")
    EDUCATION = "education", _("Education organisation")
    RESEARCH = "research", _("Research organisation")
    FINANCE = "finance", _("Finance institution")
    DEVELOPMENT_INSTITUTION = "development_institution", _("Development institution")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")


class AssessmentScheme(models.TextChoices):
    RU_OBSERVATORY = "ru_observatory", _("Russian cluster observatory development level")
    ESCA_LABEL = "esca_label", _("Cluster management excellence label")
    NATIONAL_REGISTRY = "national_registry", _("National registry status")
    OTHER = "other", _("Other")
