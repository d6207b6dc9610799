from django.db import models
from django.utils.translation import gettext_lazy as _


class PriorityLevel(models.TextChoices):
    AREA = "area", _("Area")
    PRIORITY = "priority", _("Priority")
    TECHNOLOGY = "technology", _("Critical technology")


class PriorityListScope(models.TextChoices):
    NATIONAL = "national", _("National list")
    COMMON = "common", _("Common list of a bloc")


class TrendImpact(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    TRANSFORMATIVE = "transformative", _("Transformative")


class StakeholderHelix(models.TextChoices):
    """The sides of the quadruple helix a regional stakeholder belongs to."""

    GOVERNMENT = "government", _("Government")
    INDUSTRY = "industry", _("Industry")
    ACADEMIA = "academia", _("Science and education")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    INTERMEDIARY = "intermediary", _("Cluster or development institution")


class GoalStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class SwotKind(models.TextChoices):
    STRENGTH = "strength", _("Strength")
    WEAKNESS = "weakness", _("Weakness")
    OPPORTUNITY = "opportunity", _("Opportunity")
    THREAT = "threat", _("Threat")


class IndicatorManual(models.TextChoices):
    FRASCATI = "frascati", _("Frascati Manual (R&D)")
    OSLO = "oslo", _("Oslo Manual (innovation)")
    PATENT = "patent", _("OECD Patent Statistics Manual")
    TRADE = "trade", _("High-technology trade (OECD/Eurostat)")
    OTHER = "other", _("Other")


class IndicatorUnit(models.TextChoices):
    # xgettext:no-python-format
    PERCENT_GDP = "pct_gdp", _("% of GDP")
    PER_10K_EMPLOYED = "per_10k_employed", _("per 10,000 employed")
    # xgettext:no-python-format
    PERCENT_ENTERPRISES = "pct_enterprises", _("% of enterprises")
    # xgettext:no-python-format
    PERCENT_EXPORTS = "pct_exports", _("% of manufactured exports")
    COUNT = "count", _("number")
    PER_MILLION = "per_million", _("per million population")
    MILLION_USD_PPP = "musd_ppp", _("million USD at PPP")
    PERSONS = "persons", _("persons")
