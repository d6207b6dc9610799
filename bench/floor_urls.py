"""The portal's URLs plus /bench/floor: a view with a constant body, through the same middleware, the floor any
page of the portal stands on. It exists only in the benchmark's settings (bench/settings.py)."""

from django.http import HttpResponse
from django.urls import path

from eaeu_portal.urls import urlpatterns as portal_urlpatterns

FLOOR_BODY = b'{"status": "ok"}'


def floor(request):
    return HttpResponse(FLOOR_BODY, content_type="application/json")


urlpatterns = [path("bench/floor", floor, name="bench-floor"), *portal_urlpatterns]
