"""A Content-Security-Policy and a Permissions-Policy on every response: pages, the API and the API
docs (issue 18); the API docs load their scripts as files, so the policy needs no inline script."""

import re

import pytest
from django.test import Client


@pytest.mark.parametrize("url", ["/", "/api/actors/", "/api/docs/", "/api/redoc/", "/nowhere/"])
def test_every_response_carries_the_policies(db, url):
    response = Client().get(url)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self';" in policy  # no 'unsafe-inline' for scripts
    assert "frame-ancestors 'none'" in policy
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]


@pytest.mark.parametrize("url", ["/", "/api/docs/", "/api/redoc/", "/admin/login/", "/accounts/login/"])
def test_pages_have_no_inline_script(db, url):
    html = Client().get(url).content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
    assert all("src=" in attributes or not body.strip() or "application/json" in attributes
               for attributes, body in scripts), scripts
