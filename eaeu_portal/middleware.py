import secrets

from django.conf import settings


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
