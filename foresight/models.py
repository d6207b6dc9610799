"""The S&T priority taxonomy that clusters, technoparks and projects are linked to."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.models import MultilingualDescriptionModel, MultilingualNameModel

from .choices import PriorityLevel

# A node's level and the level its parent must have.
PARENT_LEVEL = {
    PriorityLevel.AREA: None,
    PriorityLevel.PRIORITY: PriorityLevel.AREA,
    PriorityLevel.TECHNOLOGY: PriorityLevel.PRIORITY,
}


class Priority(MultilingualNameModel, MultilingualDescriptionModel):
    """A node of the taxonomy tree: area → priority → critical technology."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    level = models.CharField(_("level"), max_length=12, choices=PriorityLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("priority or technology")
        verbose_name_plural = _("priorities and technologies")
        constraints = [
            MultilingualNameModel.name_required_constraint("priority"),
            models.CheckConstraint(
                condition=models.Q(level=PriorityLevel.AREA, parent__isnull=True)
                | (~models.Q(level=PriorityLevel.AREA) & models.Q(parent__isnull=False)),
                name="priority_parent_matches_level",
                violation_error_message=_("An area has no parent; a priority or technology has one."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self):
        expected = PARENT_LEVEL.get(self.level)
        if self.parent is not None and self.parent.level != expected:
            raise ValidationError(
                {
                    "parent": _("A %(level)s must sit under a %(parent)s.")
                    % {"level": self.get_level_display(), "parent": PriorityLevel(expected).label if expected else "—"}
                }
            )
