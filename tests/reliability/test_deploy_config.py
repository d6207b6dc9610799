"""The deployment examples in deploy/, exercised: systemd units verified, nginx's configuration checked and then
run for real in front of a production-mode gunicorn, whose answers carry the security headers and secure cookies.

The production settings' `check --deploy` is tested in eaeu_portal/tests/test_settings.py.
"""

import os
import shutil
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from .conftest import ROOT, free_port, service_env, wait_for

DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())
INSTALL_PREFIX = "/srv/eaeu-portal"
HOST = "registry.example.org"
PARTNER = "https://partner.example.org"


# --- systemd --------------------------------------------------------------------------------------------
def units_installed_in(directory: Path, checkout: Path) -> list[Path]:
    """The units as they would be installed with the checkout in place of /srv/eaeu-portal."""
    (directory / "env").write_text("")
    installed = []
    for unit in UNITS:
        text = unit.read_text().replace(INSTALL_PREFIX, str(checkout))
        text = text.replace("User=eaeu-portal", "User=root").replace("Group=eaeu-portal", "Group=root")
        text = text.replace("EnvironmentFile=/etc/eaeu-portal/env", f"EnvironmentFile={directory / 'env'}")
        (directory / unit.name).write_text(text)
        installed.append(directory / unit.name)
    return installed


def verify(units: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *map(str, units)], capture_output=True, text=True, timeout=60
    )


def test_the_web_worker_beat_and_backup_units_pass_systemd_verification(tmp_path):
    units = units_installed_in(tmp_path, ROOT)
    assert {unit.name for unit in units} >= {
        "eaeu-portal-web.service",
        "eaeu-portal-worker.service",
        "eaeu-portal-beat.service",
        "eaeu-portal-backup.service",
        "eaeu-portal-backup.timer",
    }
    result = verify(units)
    assert result.returncode == 0, result.stderr
    for unit in units:
        for line in unit.read_text().splitlines():
            if line.startswith("ExecStart="):
                assert os.access(line.removeprefix("ExecStart=").split()[0], os.X_OK), line


def test_systemd_verification_rejects_a_unit_whose_program_is_missing(tmp_path):
    units = units_installed_in(tmp_path, tmp_path / "not-installed")
    result = verify([unit for unit in units if unit.name == "eaeu-portal-web.service"])
    assert result.returncode != 0
    assert "not-installed" in result.stderr


# --- nginx ------------------------------------------------------------------------------------------------
class Nginx:
    """The site configuration inside a minimal main configuration, with a prefix, ports and certificate of its own."""

    def __init__(self, prefix: Path, *, upstream_port: int, static_root: Path):
        self.prefix = prefix
        self.http_port, self.https_port = free_port(), free_port()
        (prefix / "logs").mkdir(parents=True)
        certificate, key = prefix / "fullchain.pem", prefix / "privkey.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOST}",
             "-keyout", str(key), "-out", str(certificate)],
            capture_output=True, check=True, timeout=60,
        )  # fmt: skip
        site = (DEPLOY / "nginx" / "eaeu-portal.conf").read_text()
        for old, new in {
            f"/etc/letsencrypt/live/{HOST}/fullchain.pem": str(certificate),
            f"/etc/letsencrypt/live/{HOST}/privkey.pem": str(key),
            f"{INSTALL_PREFIX}/staticfiles/": f"{static_root}/",
            "/var/www/letsencrypt": str(prefix),
            "127.0.0.1:8000": f"127.0.0.1:{upstream_port}",
            "listen 80;": f"listen 127.0.0.1:{self.http_port};",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{self.https_port} ssl http2;",
        }.items():
            assert old in site, old
            site = site.replace(old, new)
        site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)
        (prefix / "eaeu-portal.conf").write_text(site)
        self.config = prefix / "nginx.conf"
        self.config.write_text(
            f"pid {prefix}/nginx.pid;\nerror_log {prefix}/logs/error.log;\ndaemon off;\n"
            "events { worker_connections 64; }\n"
            f"http {{ include /etc/nginx/mime.types; access_log {prefix}/logs/access.log;\n"
            f"client_body_temp_path {prefix}/body; proxy_temp_path {prefix}/proxy;\n"
            f"fastcgi_temp_path {prefix}/fastcgi; uwsgi_temp_path {prefix}/uwsgi; scgi_temp_path {prefix}/scgi;\n"
            f"include {prefix}/eaeu-portal.conf; }}\n"
        )

    def command(self, *args: str) -> list[str]:
        return [shutil.which("nginx") or "/usr/sbin/nginx", "-p", str(self.prefix), "-c", str(self.config), *args]


@pytest.fixture
def nginx_site(tmp_path):
    static_root = tmp_path / "static"
    static_root.mkdir()
    return Nginx(tmp_path / "nginx", upstream_port=free_port(), static_root=static_root)


def test_nginx_accepts_the_site_configuration(nginx_site):
    result = subprocess.run(nginx_site.command("-t"), capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


def fetch(url: str, *, headers: dict | None = None):
    """One request that follows no redirect and accepts the test certificate; returns (status, headers, body)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(context=context))
    request = urllib.request.Request(url, headers={"Host": HOST, **(headers or {})})
    try:
        with opener.open(request, timeout=20) as answer:
            return answer.status, answer.headers, answer.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode(errors="replace")


@pytest.mark.faults
def test_behind_nginx_the_production_portal_answers_over_https_with_hsts_csp_and_secure_cookies(
    postgres, redis_server, processes, fault_dir
):
    # nginx's workers run as an unprivileged user: the files they serve must not sit in a private tmp dir.
    tmp_path = fault_dir / f"deploy-{free_port()}"
    tmp_path.mkdir(mode=0o755)
    static_root = tmp_path / "static"
    env = service_env(
        database_url=postgres.url("registry"),
        redis_url=redis_server.url,
        DJANGO_SETTINGS_MODULE="eaeu_portal.settings.production",
        SECRET_KEY="a-long-random-production-secret-" + "q" * 40,
        ALLOWED_HOSTS=HOST,
        REDIS_URL=redis_server.url,
        STATIC_ROOT=str(static_root),
        CORS_ALLOWED_ORIGINS=PARTNER,
    )
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert collected.returncode == 0, collected.stderr
    gunicorn_port = free_port()
    processes.start(
        "portal",
        [sys.executable, "-m", "gunicorn", "eaeu_portal.wsgi:application", "--bind", f"127.0.0.1:{gunicorn_port}",
         "--workers", "2", "--timeout", "30"],
        env,
    )  # fmt: skip
    site = Nginx(tmp_path / "nginx", upstream_port=gunicorn_port, static_root=static_root)
    processes.start("nginx", site.command(), os.environ.copy())
    https = f"https://127.0.0.1:{site.https_port}"
    wait_for(lambda: _answers(f"{https}/healthz"), timeout=45, interval=0.3, message="the portal behind nginx")

    status, headers, _ = fetch(f"http://127.0.0.1:{site.http_port}/en/clusters/")
    assert status == 301
    assert headers["Location"] == f"https://{HOST}/en/clusters/"

    status, headers, body = fetch(f"{https}/en/accounts/sign-in/")
    assert status == 200, body[:500]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    script_src = next(part for part in headers["Content-Security-Policy"].split(";") if "script-src" in part)
    assert "'self'" in script_src and "unsafe-inline" not in script_src
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    csrf_cookie = next(c for c in headers.get_all("Set-Cookie") if c.startswith("csrftoken="))
    assert "Secure" in csrf_cookie and "SameSite=Lax" in csrf_cookie
    assert "<script>" not in body and " onclick=" not in body

    # The same request straight to gunicorn, not marked as HTTPS by the proxy, is sent to HTTPS.
    status, headers, _ = fetch(f"http://127.0.0.1:{gunicorn_port}/en/clusters/")
    assert status == 301 and headers["Location"].startswith("https://")

    status, headers, _ = fetch(f"{https}/static/portal/css/portal.css")
    assert status == 200
    assert headers.get_all("Cache-Control") == ["public, max-age=2592000, immutable"]
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "gunicorn" not in headers.get("Server", "")
    assert fetch(f"{https}/media/logos/cluster/1/x.png")[0] == 404

    status, headers, _ = fetch(f"{https}/api/v1/clusters/", headers={"Origin": PARTNER})
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == PARTNER
    status, headers, _ = fetch(f"{https}/api/v1/clusters/", headers={"Origin": "https://elsewhere.example.com"})
    assert status == 200
    assert "Access-Control-Allow-Origin" not in headers


def _answers(url: str) -> bool:
    try:
        return fetch(url)[0] in (200, 503)
    except OSError:
        return False


# --- The admin ----------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_admin_locks_a_staff_account_out_after_five_wrong_passwords(client):
    get_user_model().objects.create_user(username="curator", password="Right-Password-2026", is_staff=True)
    assert client.get("/en/admin/").status_code == 302
    for _ in range(5):
        client.post("/en/admin/login/", {"username": "curator", "password": "wrong"}, REMOTE_ADDR="10.1.2.3")
    locked = client.post(
        "/en/admin/login/", {"username": "curator", "password": "Right-Password-2026"}, REMOTE_ADDR="10.1.2.3"
    )
    assert locked.status_code == 429
    assert client.get("/en/admin/").status_code == 302


@pytest.mark.django_db
def test_the_admin_admits_staff_only(client):
    manager = get_user_model().objects.create_user(username="manager", password="Right-Password-2026")
    client.force_login(manager, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/en/admin/").status_code == 302
    refused = client.post("/en/admin/login/", {"username": "manager", "password": "Right-Password-2026"})
    assert refused.status_code == 200
    assert "staff account" in refused.content.decode()
