"""PostgreSQL stopped and started under a running portal: a clean 503 with Retry-After meanwhile, then by itself well.

The portal runs as gunicorn with two worker processes against the tests' own PostgreSQL cluster, which is stopped
(fast: sessions ended cleanly; immediate: a crash, connections cut) and started again on the same port.
"""

import json

import pytest
from django.core.handlers.exception import convert_exception_to_response
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.test import RequestFactory

from eaeu_portal.middleware import DATABASE_RETRY_AFTER_SECONDS, DatabaseUnavailableMiddleware

from .conftest import service_env

READS = ("/api/v1/clusters/", "/en/clusters/", "/en/")


@pytest.mark.faults
@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_requests_during_a_postgres_restart_get_a_503_with_retry_after_and_the_portal_recovers_by_itself(
    postgres, redis_server, processes, mode
):
    env = service_env(database_url=postgres.url("registry"), redis_url=redis_server.url)
    portal = processes.portal(env)
    gunicorn = processes.started["portal"]
    # Several rounds, so both gunicorn workers hold a persistent connection when the server goes away.
    for _ in range(3):
        for path in READS:
            assert portal.get(path).status == 200, path
    portal.get("/en/accounts/sign-up/")

    postgres.stop(mode=mode)

    for _ in range(3):
        api = portal.get("/api/v1/clusters/")
        assert api.status == 503, api.body[:500]
        assert api.headers["Retry-After"] == str(DATABASE_RETRY_AFTER_SECONDS)
        assert json.loads(api.body)["code"] == "service_unavailable"
        assert api.seconds < 5
        page = portal.get("/en/clusters/")
        assert page.status == 503, page.body[:500]
        assert page.headers["Content-Type"].startswith("text/html")
        assert "Service temporarily unavailable" in page.body
        assert page.headers["Retry-After"] == str(DATABASE_RETRY_AFTER_SECONDS)
    password = "Cluster-Registry-77"
    sign_up = {"email": "x@example.org", "password1": password, "password2": password}
    write = portal.post("/en/accounts/sign-up/", sign_up)
    assert write.status == 503, write.body[:500]
    health = portal.get("/healthz")
    assert health.status == 503
    assert json.loads(health.body)["checks"]["database"]["ok"] is False

    postgres.start()

    # No restart of the portal: the first requests after the database is back are served.
    for _ in range(3):
        for path in READS:
            answer = portal.get(path)
            assert answer.status == 200, (path, answer.body[:500])
    assert gunicorn.poll() is None
    assert processes.log("portal").count("Booting worker") == 2


# --- The answer itself, without a real outage ----------------------------------------------------------
def _failing(exception):
    def view(request):
        raise exception

    return view


@pytest.mark.parametrize("error", [OperationalError("connection refused"), InterfaceError("connection already closed")])
def test_a_view_that_loses_the_database_answers_503_json_for_the_api(error):
    middleware = DatabaseUnavailableMiddleware(convert_exception_to_response(_failing(error)))
    request = RequestFactory().get("/api/v1/clusters/")
    response = middleware.process_exception(request, error)
    assert response.status_code == 503
    assert response["Retry-After"] == str(DATABASE_RETRY_AFTER_SECONDS)
    assert json.loads(response.content)["code"] == "service_unavailable"


def test_a_failure_inside_another_middleware_is_turned_from_500_into_503_html(settings):
    settings.DEBUG = False
    chain = DatabaseUnavailableMiddleware(convert_exception_to_response(_failing(OperationalError("gone"))))
    response = chain(RequestFactory().get("/en/clusters/"))
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Cache-Control"] == "no-store"


def test_other_errors_stay_500_and_healthy_answers_pass_through(settings):
    settings.DEBUG = False
    assert (
        DatabaseUnavailableMiddleware(convert_exception_to_response(_failing(ValueError("bug"))))(
            RequestFactory().get("/en/")
        ).status_code
        == 500
    )
    assert DatabaseUnavailableMiddleware(lambda request: HttpResponse("ok"))(RequestFactory().get("/")).status_code == (
        200
    )
