"""Health of the portal's parts: database, Redis and at least one Celery worker."""

import redis
from django.conf import settings
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .celery import app as celery_app

TIMEOUT_SECONDS = 1.0


def database_connection():
    return connections["default"]


def check_database() -> tuple[bool, str]:
    try:
        with database_connection().cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure is the answer, not an error of the check
        return False, exc.__class__.__name__
    return True, "ok"


def check_redis() -> tuple[bool, str]:
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
        )
        client.ping()
    except Exception as exc:
        return False, exc.__class__.__name__
    return True, "ok"


def check_worker() -> tuple[bool, str]:
    try:
        # A fresh connection that fails fast: the shared pool would retry a dead broker for a long time.
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)
            replies = celery_app.control.ping(timeout=TIMEOUT_SECONDS, connection=conn)
    except Exception as exc:
        return False, exc.__class__.__name__
    if not replies:
        return False, "no worker answered"
    return True, f"{len(replies)} worker(s)"


@never_cache
def healthz(request):
    checks = {"database": check_database(), "redis": check_redis(), "worker": check_worker()}
    healthy = all(ok for ok, _ in checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()},
    }
    response = JsonResponse(body, status=200 if healthy else 503)
    if not healthy:
        response["Retry-After"] = "30"
    return response
