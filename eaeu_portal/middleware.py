import logging
import secrets
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# What Django raises when PostgreSQL cannot be reached or a connection broke mid-request.
DATABASE_OUTAGE_ERRORS = (OperationalError, InterfaceError)


class ContentSecurityPolicyMiddleware:
    """Sends the Content-Security-Policy from settings, with a fresh nonce per request in script-src.

    The portal's own pages carry no inline scripts. The nonce exists for third-party templates that need one
    inline block (django-leaflet's admin map widget reads `request.csp_nonce`); nothing else can run inline.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        policy = getattr(response, "content_security_policy", None) or settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy.replace(
                "script-src 'self'", f"script-src 'self' 'nonce-{request.csp_nonce}'", 1
            )
        return response


# Seconds a client is asked to wait before retrying while the database is unreachable; a restart takes about this.
DATABASE_RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    """Answers 503 with Retry-After, not 500, while PostgreSQL is unreachable (restart, failover, network).

    Views' errors arrive in process_exception. A failure in a middleware further in (sessions, authentication,
    history) has already been turned into a 500 when it comes back here; the got_request_exception receiver marks
    such requests so that their 500 is replaced too. The answer is built without the database or templates that
    might need it. Persistent connections are health-checked (CONN_HEALTH_CHECKS), so the first request after the
    database is back is served normally, with no restart of the portal.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "_database_unavailable", False):
            return database_unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_OUTAGE_ERRORS):
            logger.warning("Database unavailable for %s: %s", request.path, exception.__class__.__name__)
            return database_unavailable_response(request)
        return None


def database_unavailable_response(request) -> HttpResponse:
    message = _("The registry's database is unavailable for a moment. Please try again in a minute.")
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        # The API's one error body: a code, a message, and no fields.
        response = JsonResponse({"code": "service_unavailable", "message": str(message), "fields": {}}, status=503)
    else:
        title = _("Service temporarily unavailable")
        response = HttpResponse(
            f'<!DOCTYPE html><html lang="{escape(get_language() or "en")}"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title></head><body><h1>{escape(title)}</h1><p>{escape(message)}</p>"
            "</body></html>",
            status=503,
            content_type="text/html; charset=utf-8",
        )
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


@receiver(got_request_exception)
def _mark_database_outage(sender, request=None, **kwargs) -> None:
    exception = sys.exc_info()[1]
    if request is not None and isinstance(exception, DATABASE_OUTAGE_ERRORS):
        request._database_unavailable = True
