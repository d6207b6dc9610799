from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    ARCHIVED = "archived", _("Archived")


class BlocMembershipStatus(models.TextChoices):
    MEMBER = "member", _("Member state")
    OBSERVER = "observer", _("Observer")
    DIALOGUE_PARTNER = "dialogue_partner", _("Dialogue partner")


class SectorLevel(models.TextChoices):
    SECTION = "section", _("Section")
    DIVISION = "division", _("Division")


class OrganisationKind(models.TextChoices):
    LARGE_ENTERPRISE = "large_enterprise", _("Large enterprise")
    SME = "sme", _("Small or medium enterprise")
    STARTUP = "startup", _("Startup")
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    DEVELOPMENT_INSTITUTION = "development_institution", _("Development institution")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure organisation")
    GOVERNMENT_BODY = "government_body", _("Government body")
    ASSOCIATION = "association", _("Association")
    OTHER = "other", _("Other")
