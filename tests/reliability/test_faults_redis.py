"""Redis stopped under a running portal: reads fall back to the database, and no follow-up task is lost.

The portal (gunicorn), a Celery worker and Celery beat run as separate processes on the tests' own Redis and mail
server, against the test database, the way they run in production.
"""

import json
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from clusters.tests.factories import ClusterFactory
from directory.models import OutboxTask

from .conftest import database_url, service_env, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

SIGN_UP = {"email": "new.manager@example.org", "password1": "Cluster-Registry-77", "password2": "Cluster-Registry-77"}


def test_with_redis_down_pages_and_the_api_keep_serving_and_a_sign_up_is_mailed_once_redis_is_back(
    redis_server, smtp_sink, processes
):
    cluster = ClusterFactory(name_en="Kama Photonics Cluster")
    env = service_env(
        database_url=database_url(connection.settings_dict),
        redis_url=redis_server.url,
        smtp_port=smtp_sink.port,
        OUTBOX_DRAIN_SECONDS="1",
    )
    portal = processes.portal(env)
    processes.worker(env)
    processes.beat(env)
    assert portal.get("/en/clusters/").status == 200
    assert portal.get("/en/accounts/sign-up/").status == 200

    redis_server.stop()

    health = portal.get("/healthz")
    assert health.status == 503
    assert json.loads(health.body)["checks"]["redis"]["ok"] is False
    for path in ("/en/", "/en/clusters/", f"/en/clusters/{cluster.pk}/", "/api/v1/clusters/"):
        answer = portal.get(path)
        assert answer.status == 200, (path, answer.body[:500])
        assert answer.seconds < 3, (path, answer.seconds)
    assert "Kama Photonics Cluster" in portal.get("/api/v1/clusters/").body

    signed_up = portal.post("/en/accounts/sign-up/", SIGN_UP)
    assert signed_up.status == 200, signed_up.body[:1000]
    assert signed_up.seconds < 5
    assert get_user_model().objects.filter(email=SIGN_UP["email"], is_active=False).exists()
    kept = OutboxTask.objects.get()
    assert kept.task_name == "directory.send_email"
    assert kept.kwargs["to"] == [SIGN_UP["email"]]
    assert smtp_sink.messages == []

    redis_server.start()

    wait_for(lambda: SIGN_UP["email"] in smtp_sink.recipients(), timeout=45, message="the confirmation e-mail")
    wait_for(lambda: not OutboxTask.objects.exists(), timeout=10, message="an empty outbox")
    # Beat keeps draining every second: a second copy would arrive within this pause.
    time.sleep(3)
    assert smtp_sink.recipients() == [SIGN_UP["email"]]
    assert "/en/accounts/confirm/" in smtp_sink.messages[0].get_payload()
    wait_for(lambda: portal.get("/healthz").status == 200, timeout=30, message="a healthy portal")
