"""The API's documentation pages, served from the portal's own static files under its Content-Security-Policy."""

from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI whose start-up script is a separate same-origin file (`?script`), not an inline block."""


class RedocView(SpectacularRedocView):
    """Redoc without the web fonts the stock page loads from a CDN. Its policy lets Redoc run its search index
    in a worker it builds from a blob, and keeps images on the portal: the vendor logo it links from its own CDN
    is not loaded."""

    template_name = "api/redoc.html"

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self'; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; object-src 'none'; "
            "base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
        )
        return response
