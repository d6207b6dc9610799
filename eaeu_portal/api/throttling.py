"""Request rates per API key, per signed-in user and per anonymous address, counted in the Django cache (Redis).

Rates are read from settings at each request (not frozen at import), so a deployment or a test can change them.
A throttled request gets 429 with Retry-After.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from directory.models import ApiKey


class _SettingsRateThrottle(SimpleRateThrottle):
    def __init__(self):
        # The rate depends on the request (a key may carry its own), so it is resolved in allow_request.
        pass

    def get_rate(self):
        return settings.API_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        self.rate = self.rate_for(request)
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def rate_for(self, request):
        return self.get_rate()


class ApiKeyRateThrottle(_SettingsRateThrottle):
    scope = "api_key"

    def rate_for(self, request):
        return request.auth.throttle_rate or self.get_rate()

    def allow_request(self, request, view):
        if not isinstance(request.auth, ApiKey):
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class UserRateThrottle(_SettingsRateThrottle):
    """Signed-in users of the portal's pages (sessions); key holders are counted per key instead."""

    scope = "user"

    def allow_request(self, request, view):
        if isinstance(request.auth, ApiKey) or not request.user.is_authenticated:
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class AnonRateThrottle(_SettingsRateThrottle):
    scope = "anon"

    def allow_request(self, request, view):
        if request.user.is_authenticated:
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
