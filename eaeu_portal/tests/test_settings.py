import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def test_production_settings_pass_the_deploy_check_without_warnings():
    # Browser tests allow async-unsafe calls in this process; a deployment must not inherit that.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "eaeu_portal.settings.production",
        "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "registry.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({"DJANGO_SETTINGS_MODULE": "eaeu_portal.settings.production", "ALLOWED_HOSTS": "registry.example.org"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_geometry_uses_one_srid_and_tests_reach_no_tile_server():
    assert settings.PORTAL_SRID == 4326
    assert settings.MAP_TILES_URL == ""
    assert settings.LEAFLET_CONFIG["TILES"] == []


def test_every_page_response_carries_the_security_headers(client, db):
    response = client.get("/healthz")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_each_response_gets_its_own_script_nonce_and_no_unsafe_inline(client, db):
    first = client.get("/healthz")["Content-Security-Policy"]
    second = client.get("/healthz")["Content-Security-Policy"]
    assert "'nonce-" in first and "'nonce-" in second
    assert first != second
    script_src = next(part for part in first.split(";") if part.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src
