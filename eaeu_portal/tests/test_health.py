import pytest
from django.db import connections
from django.urls import reverse

from eaeu_portal import health


@pytest.fixture
def unreachable_database(monkeypatch):
    """A real connection to a port nothing listens on."""
    wrapper_class = connections["default"].__class__
    settings_dict = {**connections["default"].settings_dict, "PORT": "1", "NAME": "nowhere"}
    wrapper = wrapper_class(settings_dict, alias="unreachable")
    monkeypatch.setattr(health, "database_connection", lambda: wrapper)
    yield
    wrapper.close()


@pytest.mark.django_db
def test_healthz_reports_a_missing_worker_with_503(client):
    # given no worker consumes the test broker
    response = client.get(reverse("healthz"))
    body = response.json()
    assert response.status_code == 503
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is True
    assert body["checks"]["worker"] == {"ok": False, "detail": "no worker answered"}
    assert response["Retry-After"] == "30"


@pytest.mark.worker
def test_healthz_answers_200_when_database_redis_and_worker_are_up(client, celery_worker_process):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ok"
    assert response.json()["checks"]["worker"]["ok"] is True


@pytest.mark.django_db
def test_healthz_reports_redis_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False
    assert response.json()["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_healthz_reports_database_down(client, unreachable_database):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "detail": "OperationalError"}
    assert response.json()["checks"]["redis"]["ok"] is True


@pytest.mark.django_db
def test_healthz_reports_broker_down_without_hanging(client, monkeypatch):
    from eaeu_portal.celery import app

    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False
