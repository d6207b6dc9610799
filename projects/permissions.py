"""Who may change what in the projects app: the one place the rule lives."""

from directory.models import Organisation


def can_manage(user, organisation: Organisation | None) -> bool:
    """Staff, or the user who registered the organisation, may act for it: create and edit its projects,
    apply to calls in its name, offer its ideas."""
    if user is None or not user.is_authenticated or organisation is None:
        return False
    return bool(user.is_staff or (organisation.created_by_id and organisation.created_by_id == user.pk))


def managed_organisations(user):
    """The organisations a user may act for."""
    if user is None or not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_staff:
        return Organisation.objects.all()
    return Organisation.objects.filter(created_by=user)
