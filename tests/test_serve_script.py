"""The production start (scripts/serve), which `make serve` and the container image (Containerfile)
both run: it refuses an unsafe configuration before serving anything, and otherwise migrates, collects
the static files and serves the site through gunicorn with WhiteNoise's long-lived static files.

The container image itself cannot be built on the test machine (no container engine runs there); what
it adds to this script is the installation steps of .ci/run and the Makefile."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SERVE = REPO / "scripts" / "serve"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(tmp_path, **extra) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("VISD_", "DJANGO_")) and key != "DATABASE_URL"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["VISD_VAR_DIR"] = str(tmp_path / "var")
    env["VISD_WEB_WORKERS"] = "1"
    env["VISD_ACCESS_LOG"] = ""
    env.update(extra)
    return env


def get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Accept-Language": "nl"})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_refuses_to_serve_over_https_without_a_secret_key(tmp_path):
    port = free_port()
    run = subprocess.run([str(SERVE)], env=environment(tmp_path, VISD_BIND=f"127.0.0.1:{port}"),
                         capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert run.returncode != 0
    assert "VISD_SECRET_KEY must be set" in run.stderr
    assert not (tmp_path / "var" / "visd.sqlite3").exists()  # stopped before migrating anything


def test_serves_the_site_and_static_files_through_gunicorn(tmp_path):
    port = free_port()
    env = environment(tmp_path, VISD_BIND=f"127.0.0.1:{port}", VISD_HTTPS="0",
                      VISD_SECRET_KEY=secrets.token_urlsafe(50))
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen([str(SERVE)], env=env, stdout=log, stderr=subprocess.STDOUT,
                              cwd=tmp_path, start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        status = None
        while time.monotonic() < deadline:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                status, headers, body = get(port, "/")
                break
            except OSError:
                time.sleep(0.5)
        assert status == 200, (tmp_path / "serve.log").read_text()
        assert "gunicorn" in (tmp_path / "serve.log").read_text().lower()
        page = body.decode()
        assert '<html lang="nl"' in page
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page)
        assert stylesheet, "the home page links a stylesheet"
        assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet.group(1)), "a hashed name (collectstatic)"
        status, headers, _ = get(port, stylesheet.group(1))
        assert status == 200
        assert "immutable" in headers["cache-control"]
        # Only the hashed copies are kept (WHITENOISE_KEEP_ONLY_HASHED_FILES): every static file the
        # pages name, the admin's and the API documentation's bundled Swagger UI and ReDoc included,
        # must be there under the name the page gives.
        named = set()
        for path in ("/", "/admin/login/", "/api/docs/", "/api/docs/?script=", "/api/redoc/"):
            status, headers, body = get(port, path)
            if status == 302:  # the admin sends a visitor to the sign-in page
                status, headers, body = get(port, headers["location"])
            assert status == 200, path
            named |= set(re.findall(r'/static/[^"\'\s)>]+', body.decode()))
        assert len(named) >= 8, named
        for static_path in sorted(named):
            status, headers, _ = get(port, static_path)
            assert status == 200, static_path
            assert "immutable" in headers["cache-control"], static_path
        assert (tmp_path / "var" / "visd.sqlite3").exists()  # migrated into the configured var dir
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


def test_the_container_runs_the_same_start():
    recipe = (REPO / "Containerfile").read_text()
    assert 'CMD ["/app/scripts/serve"]' in recipe
    assert "USER visd" in recipe
    assert "scripts/serve" in (REPO / "Makefile").read_text()
