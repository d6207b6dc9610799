"""DRF's side of the registry's access rule; the rule itself is directory.permissions, used everywhere."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from directory import permissions as rules
from directory.models import ApiKey


def key_allows_writes(request) -> bool:
    return not isinstance(request.auth, ApiKey) or request.auth.can_write


class RegistryPermission(permissions.BasePermission):
    """Anyone reads what they may see; writes need a signed-in user (or a read-write key) who may change the record.

    Records a user may not see never reach this check: view sets filter them out, so they answer 404, not 403,
    and do not reveal that a draft exists.
    """

    message = _("You may not change this record.")

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        if not request.user.is_authenticated:
            return False
        if not key_allows_writes(request):
            self.message = _("This API key is read-only: ask for a read-write key to make changes.")
            return False
        if view.action == "create" and not rules.can_create(request.user):
            return False
        return True

    def has_object_permission(self, request, view, obj):
        if rules.registry_record(obj) is None:
            # Not a registry record: the view set's queryset decides what is read; only staff write.
            return request.method in permissions.SAFE_METHODS or rules.is_staff(request.user)
        if request.method in permissions.SAFE_METHODS:
            return rules.can_view(request.user, obj)
        if request.method == "DELETE":
            return rules.can_delete(request.user, obj)
        return rules.can_change(request.user, obj)
