"""The portal's URLs with the Pool mounted at /<lang>/pool/, whether or not the root URLconf mounts it yet."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import URLResolver, include, path

from eaeu_portal.urls import urlpatterns as root_patterns


def _namespaces(patterns) -> set[str]:
    found = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace:
                found.add(pattern.namespace)
            found |= _namespaces(pattern.url_patterns)
    return found


urlpatterns = list(root_patterns)
if "pool" not in _namespaces(root_patterns):
    urlpatterns += i18n_patterns(path("pool/", include("technoparks.pool_urls")))
