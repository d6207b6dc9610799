from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeKind(models.TextChoices):
    INTERSTATE = "interstate", _("Interstate programme")
    UNION_STATE = "union_state", _("Union State programme")
    EAEU = "eaeu", _("EAEU programme")
    SCO = "sco", _("SCO programme")


class ProjectStage(models.TextChoices):
    """Where a project is in its life; the allowed moves are in services.STAGE_TRANSITIONS."""

    IDEA = "idea", _("Idea")
    PROPOSAL = "proposal", _("Proposal")
    APPROVED = "approved", _("Approved")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class ParticipantRole(models.TextChoices):
    LEAD = "lead", _("Lead organisation")
    CO_EXECUTOR = "co_executor", _("Co-executor")
    RESEARCH_PARTNER = "research_partner", _("Research partner")
    INDUSTRIAL_PARTNER = "industrial_partner", _("Industrial partner")
    FUNDER = "funder", _("Funder")
    PARTNER = "partner", _("Partner")


class FundingSource(models.TextChoices):
    STATE_BUDGET = "state_budget", _("State budget")
    DEVELOPMENT_INSTITUTION = "development_institution", _("Development institution")
    PRIVATE = "private", _("Private funds")
    OTHER = "other", _("Other")


class TeamRole(models.TextChoices):
    LEADER = "leader", _("Leader")
    COORDINATOR = "coordinator", _("Coordinator")
    RESEARCHER = "researcher", _("Researcher")
    ENGINEER = "engineer", _("Engineer")
    EXPERT = "expert", _("Expert")
    MANAGER = "manager", _("Manager")
    OTHER = "other", _("Other")


class IdeaKind(models.TextChoices):
    IDEA = "idea", _("Innovative idea")
    BEST_PRACTICE = "best_practice", _("Best practice")


class CallKind(models.TextChoices):
    STARTUP_CONTEST = "startup_contest", _("Startup contest")
    GRANT = "grant", _("Grant call")
    SCHOLARSHIP = "scholarship", _("Scholarship call")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    AWARDED = "awarded", _("Awarded")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
