from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Sends the Content-Security-Policy from settings; pages carry no inline scripts, so it can forbid them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        return response
