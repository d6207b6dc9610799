"""Choices of the SCO Pool's Managing Commission (SCO decision no. 136, 2021)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("Regular meeting")
    EXTRAORDINARY = "extraordinary", _("Extraordinary meeting")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    INCLUDED = "included", _("Included in the draft plan")
    NOT_INCLUDED = "not_included", _("Not included")


class WorkPlanStatus(models.TextChoices):
    DRAFT = "draft", _("Chair's draft")
    APPROVED = "approved", _("Approved by consensus")
    NOT_APPROVED = "not_approved", _("Not approved")


class DocumentKind(models.TextChoices):
    DRAFT_WORK_PLAN = "draft_work_plan", _("Draft work plan")
    DRAFT_AGENDA = "draft_agenda", _("Draft agenda")
    DRAFT_PROTOCOL = "draft_protocol", _("Draft protocol")
    PROTOCOL = "protocol", _("Protocol")
    OTHER = "other", _("Other document")


class Position(models.TextChoices):
    AGREE = "agree", _("Agrees")
    OBJECT = "object", _("Objects")
    ABSTAIN = "abstain", _("Abstains")


class DecisionOutcome(models.TextChoices):
    PENDING = "pending", _("Under consideration")
    ADOPTED = "adopted", _("Adopted by consensus")
    NOT_ADOPTED = "not_adopted", _("Not adopted")
