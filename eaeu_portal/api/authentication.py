"""API keys for partners (a header), sessions for the portal's own pages."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .keys import api_key_find

# Recording every use would turn each read into a write; once in this interval is enough to see a key is alive.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=5)


def api_key_header() -> str:
    return settings.API_KEY_HEADER


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`X-API-Key: eaeu_…`: the request acts as the key's user, within the key's scope (request.auth is the key)."""

    def authenticate(self, request):
        key = request.headers.get(api_key_header())
        if key is None:
            return None
        api_key = api_key_find(key)
        if api_key is None:
            raise exceptions.AuthenticationFailed(_("The API key is unknown, revoked or expired."))
        if not api_key.user.is_active:
            raise exceptions.AuthenticationFailed(_("The account this API key belongs to is disabled."))
        now = timezone.now()
        if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_RESOLUTION:
            type(api_key).objects.filter(pk=api_key.pk).update(last_used_at=now)
        return api_key.user, api_key

    def authenticate_header(self, request):
        # A 401 rather than a 403 for a missing or bad key, telling the client where the key goes.
        return f'Api-Key header="{api_key_header()}"'


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "eaeu_portal.api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": api_key_header()}
