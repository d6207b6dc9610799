"""Reads shared by pages, the map, the API and tasks."""

from django.db.models import QuerySet

from .choices import PublicationStatus
from .models import Bloc, BlocMembership, Country, Organisation, Region, Sector


def visible_records(qs: QuerySet, user=None) -> QuerySet:
    """Registry records a user may read: the public sees published ones only; staff see every state."""
    if user is not None and user.is_authenticated and user.is_staff:
        return qs
    return qs.filter(status=PublicationStatus.PUBLISHED)


def organisation_list(*, user=None) -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("country", "region").prefetch_related("sectors")
    return visible_records(qs, user)


def country_list() -> QuerySet[Country]:
    return Country.objects.defer("boundary")


def region_list() -> QuerySet[Region]:
    return Region.objects.select_related("country").defer("boundary", "country__boundary")


def sector_list() -> QuerySet[Sector]:
    return Sector.objects.select_related("parent")


def bloc_list() -> QuerySet[Bloc]:
    return Bloc.objects.prefetch_related("memberships__country")


def current_bloc_codes_by_country() -> dict[int, list[str]]:
    codes: dict[int, list[str]] = {}
    for country_id, code in BlocMembership.objects.current().values_list("country_id", "bloc__code"):
        codes.setdefault(country_id, []).append(code)
    return codes
