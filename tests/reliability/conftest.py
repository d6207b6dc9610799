"""Throwaway services for the fault tests: PostgreSQL/PostGIS, Redis, a mail server, and portal processes.

Every server here is the tests' own, on a free loopback port with its data in a temporary directory, so stopping,
restarting or killing one never touches the shared development servers. Each start and wait is bounded in time,
and every process started is stopped by its pid when the test (or, for PostgreSQL, the session) ends.
"""

from __future__ import annotations

import email
import http.cookiejar
import os
import select
import shutil
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("PORTAL_PG_BIN", "/usr/lib/postgresql/15/bin"))
FAULT_SETTINGS = "tests.reliability.fault_settings"
RUNNING_AS_ROOT = os.geteuid() == 0


# --- Small tools -------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, *, timeout: float, interval: float = 0.1, message: str = "condition"):
    """Poll until condition() is truthy and return its value; fail the test after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} not met within {timeout} s")
        time.sleep(interval)


def as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: its programs then run as the postgres system user."""
    return ["runuser", "-u", "postgres", "--", *command] if RUNNING_AS_ROOT else command


def database_url(settings_dict: dict) -> str:
    return "postgis://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(**settings_dict)


@pytest.fixture(scope="session")
def fault_dir():
    """A directory the postgres system user may write in (pytest's own tmp dirs are private to root)."""
    path = Path(tempfile.mkdtemp(prefix="eaeu-faults-"))
    path.chmod(0o755)
    if RUNNING_AS_ROOT:
        shutil.chown(path, "postgres")
    yield path
    shutil.rmtree(path, ignore_errors=True)


# --- PostgreSQL --------------------------------------------------------------------------------
class PostgresServer:
    """A PostgreSQL 15 cluster of the tests' own: initdb, start, stop and restart by pg_ctl."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.data = directory / "pgdata"
        self.port = free_port()

    def _pg(self, program: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(
            as_postgres([str(PG_BIN / program), *args]), capture_output=True, text=True, timeout=timeout, check=True
        )

    def init(self) -> None:
        self._pg("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--locale=C.UTF-8")

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data} -c fsync=off -c max_connections=60"
        self._pg("pg_ctl", "-D", str(self.data), "-l", str(self.directory / "postgres.log"), "-w", "-t", "30",
                 "-o", options, "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._pg("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    @property
    def running(self) -> bool:
        result = subprocess.run(
            as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "status"]), capture_output=True, timeout=10
        )
        return result.returncode == 0

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database, "-v",
             "ON_ERROR_STOP=1", "-qAt", "-c", sql],
            capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        return result.stdout.strip()

    def create_database(self, name: str, template: str | None = None) -> None:
        self.psql(f'CREATE DATABASE "{name}" OWNER portal' + (f' TEMPLATE "{template}"' if template else ""))
        if template is None:
            self.psql("CREATE EXTENSION postgis; CREATE EXTENSION pg_trgm", database=name)

    def url(self, database: str) -> str:
        return f"postgis://portal:portal@127.0.0.1:{self.port}/{database}"


@pytest.fixture(scope="session")
def postgres_cluster(fault_dir):
    """A throwaway cluster with the portal's schema migrated into `registry` (about 40 s, once per session)."""
    server = PostgresServer(fault_dir)
    server.init()
    server.start()
    try:
        server.psql("CREATE ROLE portal LOGIN SUPERUSER PASSWORD 'portal'")
        server.create_database("registry")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": FAULT_SETTINGS, "DATABASE_URL": server.url("registry")}
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=True,
        )  # fmt: skip
        yield server
    finally:
        if server.running:
            server.stop(mode="immediate")


@pytest.fixture
def postgres(postgres_cluster):
    """The session's cluster, running at the start of the test whatever the previous test did to it."""
    if not postgres_cluster.running:
        postgres_cluster.start()
    return postgres_cluster


# --- Redis -------------------------------------------------------------------------------------
class RedisServer:
    """A redis-server process of the tests' own; stop() is a real outage (the process exits)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.directory),
             "--save", "", "--appendonly", "no", "--logfile", str(self.directory / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self.answers, timeout=10, message="Redis answering")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def redis_server(fault_dir):
    server = RedisServer(fault_dir / f"redis-{free_port()}")
    server.start()
    yield server
    server.stop()


# --- A mail server -----------------------------------------------------------------------------
@dataclass
class SmtpSink:
    """A minimal SMTP server that records the messages it accepted (answered 250 to).

    With `hold` set, it receives a message's data and then waits before answering, so a test can kill the sender
    mid-send: a sender that disappears before the answer has not delivered, as SMTP defines it.
    """

    port: int = field(default_factory=free_port)
    messages: list = field(default_factory=list)
    hold: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    holding: threading.Event = field(default_factory=threading.Event)

    def recipients(self) -> list[str]:
        return [address for message in self.messages for address in message["X-Rcpt"].split(",")]


def _smtp_handler(sink: SmtpSink):
    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write(line.encode() + b"\r\n")
            self.wfile.flush()

        def handle(self):
            self.reply("220 faults.test ESMTP")
            recipients = []
            while line := self.rfile.readline():
                command = line.decode(errors="replace").strip().upper()
                if command.startswith(("EHLO", "HELO")):
                    self.reply("250 faults.test")
                elif command.startswith("RCPT TO:"):
                    recipients.append(line.decode().strip()[8:].strip(" <>"))
                    self.reply("250 OK")
                elif command.startswith(("MAIL FROM:", "RSET", "NOOP")):
                    self.reply("250 OK")
                elif command == "DATA":
                    self.reply("354 End data with <CR><LF>.<CR><LF>")
                    data = self.read_data()
                    if sink.hold.is_set() and not self.wait_for_release():
                        return
                    message = email.message_from_bytes(data)
                    message["X-Rcpt"] = ",".join(recipients)
                    self.reply("250 OK queued")
                    sink.messages.append(message)
                    recipients = []
                elif command == "QUIT":
                    self.reply("221 Bye")
                    return
                else:
                    self.reply("502 Command not implemented")

        def read_data(self) -> bytes:
            lines = []
            while (line := self.rfile.readline()) not in (b".\r\n", b""):
                lines.append(line[1:] if line.startswith(b"..") else line)
            return b"".join(lines)

        def wait_for_release(self) -> bool:
            """Hold the answer; False when the sender went away meanwhile (the message is then not delivered)."""
            sink.holding.set()
            while not sink.release.wait(0.05):
                if self.sender_gone():
                    return False
            return not self.sender_gone()

        def sender_gone(self) -> bool:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and not self.connection.recv(1, socket.MSG_PEEK)

    return Handler


@pytest.fixture
def smtp_sink():
    sink = SmtpSink()
    server = socketserver.ThreadingTCPServer(("127.0.0.1", sink.port), _smtp_handler(sink))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield sink
    sink.release.set()
    server.shutdown()
    server.server_close()


# --- Portal processes --------------------------------------------------------------------------
def service_env(*, database_url: str, redis_url: str, smtp_port: int | None = None, **extra: str) -> dict:
    """The environment of a portal, worker or beat process pointed at the given servers."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": FAULT_SETTINGS,
        "DATABASE_URL": database_url,
        "TEST_REDIS_URL": redis_url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port or 25),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


class Processes:
    """Processes a test starts; each is stopped by its own pid at the end, killed if it does not stop."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.started: dict[str, subprocess.Popen] = {}

    def start(self, name: str, argv: list[str], env: dict) -> subprocess.Popen:
        log = open(self.directory / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.started[name] = process
        return process

    def log(self, name: str) -> str:
        path = self.directory / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self, name: str) -> None:
        process = self.started.pop(name, None)
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def kill(self, name: str) -> None:
        """kill -9: no clean-up, no acknowledgement, exactly what a crash or the OOM killer does."""
        process = self.started.pop(name)
        process.kill()
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for name in list(self.started):
            self.stop(name)

    def portal(self, env: dict, name: str = "portal") -> PortalClient:
        """gunicorn serving the portal, as in production; returns a client once it answers."""
        port = free_port()
        self.start(
            name,
            [sys.executable, "-m", "gunicorn", "eaeu_portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "--timeout", "30", "--graceful-timeout", "5", "--access-logfile", "-"],
            env,
        )  # fmt: skip
        client = PortalClient(f"http://127.0.0.1:{port}")
        wait_for(lambda: self._alive(name) and client.answers(), timeout=45, interval=0.2, message=f"{name} answering")
        return client

    def worker(self, env: dict, name: str = "worker") -> subprocess.Popen:
        hostname = f"{name}-{os.getpid()}-{free_port()}@faults"
        process = self.start(
            name,
            [sys.executable, "-m", "celery", "-A", "eaeu_portal", "worker", "--pool", "solo", "--loglevel", "INFO",
             "-Q", "default,matching", "--hostname", hostname, "--without-gossip", "--without-mingle",
             "--without-heartbeat"],
            env,
        )  # fmt: skip
        wait_for(lambda: self._alive(name) and " ready." in self.log(name), timeout=45, message=f"{name} ready")
        return process

    def beat(self, env: dict, name: str = "beat") -> subprocess.Popen:
        schedule = self.directory / f"{name}-schedule-{free_port()}"
        return self.start(
            name,
            [sys.executable, "-m", "celery", "-A", "eaeu_portal", "beat", "--loglevel", "INFO", "--schedule",
             str(schedule)],
            env,
        )  # fmt: skip

    def _alive(self, name: str) -> bool:
        if self.started[name].poll() is not None:
            raise AssertionError(f"{name} exited:\n{self.log(name)[-3000:]}")
        return True


@pytest.fixture
def processes(fault_dir):
    directory = fault_dir / f"processes-{free_port()}"
    directory.mkdir()
    group = Processes(directory)
    yield group
    group.stop_all()


# --- HTTP --------------------------------------------------------------------------------------
@dataclass
class Response:
    status: int
    headers: dict
    body: str
    seconds: float


class PortalClient:
    """An HTTP client with cookies, over the standard library: what a browser or a partner's script does."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, method: str, path: str, *, data: dict | None = None, headers: dict | None = None,
                timeout: float = 30) -> Response:  # fmt: skip
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, method=method, headers=headers or {})
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=timeout) as answer:
                status, answer_headers, content = answer.status, dict(answer.headers), answer.read()
        except urllib.error.HTTPError as error:
            status, answer_headers, content = error.code, dict(error.headers), error.read()
        return Response(status, answer_headers, content.decode(errors="replace"), time.monotonic() - started)

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> Response:
        token = self.cookie("csrftoken")
        headers = {"Referer": self.base + path, **kwargs.pop("headers", {})}
        return self.request("POST", path, data={"csrfmiddlewaretoken": token, **data}, headers=headers, **kwargs)

    def cookie(self, name: str) -> str:
        return next((cookie.value for cookie in self.cookies if cookie.name == name), "")

    def answers(self) -> bool:
        try:
            return self.get("/healthz", timeout=5).status in (200, 503)
        except OSError:
            return False
