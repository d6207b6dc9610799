"""Fixtures shared by every app's tests: a real Celery worker process and a clean test Redis."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings

ROOT = Path(__file__).resolve().parent


@pytest.fixture(scope="session", autouse=True)
def _clean_test_redis():
    """Tests own Redis database 15 (or TEST_REDIS_URL): start each run from an empty queue and cache."""
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


@pytest.fixture(autouse=True)
def _english_by_default():
    """A request to a /ru/ page activates Russian for the thread: start and end every test in English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def celery_worker_process(transactional_db, django_db_blocker):
    """A real `celery worker` process on the test broker and the test database; stopped after the test.

    Tests using it must commit their data (transactional_db) so the worker's connection sees it.
    """
    from django.db import connection

    from eaeu_portal.celery import app

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "eaeu_portal.settings.test",
        # The worker reads the test database, not the development one.
        "DATABASE_URL": _database_url(connection.settings_dict),
    }
    hostname = f"test-worker-{os.getpid()}@%h"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "eaeu_portal",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "-Q",
            "default,matching",
            "--hostname",
            hostname,
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Celery worker exited: {process.stdout.read().decode()}")
        if app.control.ping(timeout=0.5):
            break
    else:
        process.kill()
        raise RuntimeError("the Celery worker did not answer a ping within 30 s")
    yield process
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def _database_url(settings_dict: dict) -> str:
    return "postgis://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(**settings_dict)
