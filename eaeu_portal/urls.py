from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from . import health, views
from .api.views import RedocView, SwaggerView

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("eaeu_portal.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", RedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("directory.accounts.urls")),
    path("register/", include("directory.registration.urls")),
    path("", include("directory.urls")),
    path("clusters/matching/", include("clusters.matching.urls")),
    path("clusters/", include("clusters.urls")),
    path("technoparks/", include("technoparks.urls")),
    path("foresight/", include("foresight.urls")),
    path("projects/", include("projects.urls")),
    path("pool/", include("technoparks.pool_urls")),
    path("data/", include("eaeu_portal.opendata.urls")),
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
