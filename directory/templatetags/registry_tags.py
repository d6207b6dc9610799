"""Pieces every profile page shows for a registry record: its approved logo and, for staff, its history."""

from django import template

from directory.registration.logos import public_logo
from directory.registration.steps import kind_of

register = template.Library()


@register.simple_tag
def record_logo(record):
    """The logo the public sees, or None."""
    return public_logo(record)


@register.simple_tag
def record_kind(record) -> str:
    """The record's kind as the registration URLs name it ("organisation", "cluster", "technopark")."""
    return kind_of(record).slug
