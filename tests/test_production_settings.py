"""The settings of the three ways to run VISD Hub (docs/operations.md), read from the environment in a
fresh interpreter each: development (the default), the demo (`make demo`: no debug pages, plain HTTP)
and production (`make serve`: HTTPS settings, a required secret key, WhiteNoise with hashed files)."""

import json
import os
import subprocess
import sys

READ = """
import json, visd.settings as s
print(json.dumps({"debug": s.DEBUG, "https": s.HTTPS, "secure_cookie": getattr(s, "SESSION_COOKIE_SECURE", False),
                  "hsts": getattr(s, "SECURE_HSTS_SECONDS", 0), "ssl_redirect": getattr(s, "SECURE_SSL_REDIRECT", False),
                  "whitenoise": "whitenoise.middleware.WhiteNoiseMiddleware" in s.MIDDLEWARE,
                  "static_storage": s.STORAGES["staticfiles"]["BACKEND"], "cache": s.CACHES["default"]["BACKEND"],
                  "matching_cache": s.CACHES["matching"]["BACKEND"], "body_limit": s.DATA_UPLOAD_MAX_MEMORY_SIZE}))
"""


def settings_with(tmp_path, **environment) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VISD_") and k != "DATABASE_URL"}
    env.update(VISD_VAR_DIR=str(tmp_path), **environment)
    return subprocess.run([sys.executable, "-c", READ], env=env, capture_output=True, text=True, timeout=120)


def read(tmp_path, **environment) -> dict:
    result = settings_with(tmp_path, **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_development_by_default(tmp_path):
    s = read(tmp_path)
    assert s["debug"] and not s["https"] and not s["secure_cookie"] and not s["whitenoise"]
    assert s["static_storage"].endswith("StaticFilesStorage") and "Manifest" not in s["static_storage"]
    assert s["cache"].endswith("LocMemCache")


def test_the_demo_has_no_debug_pages_and_serves_plain_http(tmp_path):
    s = read(tmp_path, VISD_DEBUG="0", VISD_HTTPS="0")
    assert not s["debug"] and not s["https"]
    assert not s["secure_cookie"] and not s["ssl_redirect"] and not s["hsts"]   # logging in over http://127.0.0.1
    assert s["whitenoise"] and s["static_storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert s["cache"].endswith("FileBasedCache")   # the throttles count across processes
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_production_needs_a_secret_key(tmp_path):
    result = settings_with(tmp_path, VISD_DEBUG="0")
    assert result.returncode != 0
    assert "VISD_SECRET_KEY must be set when the site is served over HTTPS" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_turns_the_https_settings_on(tmp_path):
    s = read(tmp_path, VISD_DEBUG="0", VISD_SECRET_KEY="x" * 50)
    assert not s["debug"] and s["https"] and s["secure_cookie"] and s["ssl_redirect"] and s["hsts"] >= 31536000
    assert s["whitenoise"] and s["matching_cache"].endswith("FileBasedCache")
    assert s["body_limit"] == 1024 * 1024


def test_the_matching_cache_can_be_turned_off(tmp_path):
    assert read(tmp_path, VISD_MATCHING_CACHE="off")["matching_cache"].endswith("DummyCache")
