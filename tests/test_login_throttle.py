"""Logging in is throttled (``visd.core.throttle``), on the login page and at the API's token endpoint
alike, per user name and per client address; the client address is REMOTE_ADDR unless a trusted proxy
(``VISD_TRUSTED_PROXIES``) forwarded the request."""

import types

import pytest
from django.test import Client
from rest_framework.test import APIClient

from visd.core import throttle
from visd.core.models import Role

PASSWORD = "a-Long-test-passw0rd"
LIMIT = 5


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.VISD_LOGIN_RATE_LIMIT = LIMIT
    settings.VISD_LOGIN_RATE_WINDOW = 60
    settings.VISD_TRUSTED_PROXIES = []


@pytest.fixture
def clock(monkeypatch):
    """A clock for the throttle only, which the test moves on."""
    now = [60 * 16_667 + 20.0]  # 20 s into a window
    monkeypatch.setattr(throttle, "time", types.SimpleNamespace(time=lambda: now[0]))
    return now


def login(client, username, password, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def token(client, username, password, **extra):
    return client.post("/api/auth/token/", {"username": username, "password": password}, format="json", **extra)


def test_wrong_passwords_then_the_right_one_is_refused_until_the_window_passes(make_user, clock):
    user = make_user(Role.ADMINISTRATOR)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for attempt in range(LIMIT):
        response = login(client, user.username, f"guess-{attempt}")
        assert response.status_code == 200 and "_auth_user_id" not in client.session
    refused = login(client, user.username, PASSWORD)
    assert refused.status_code == 429
    assert "Too many login attempts. Try again in 40 seconds." in refused.content.decode()
    assert "_auth_user_id" not in client.session
    clock[0] += 41
    assert login(client, user.username, PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_refusal_is_in_dutch_on_the_dutch_page(make_user, clock):
    user = make_user(Role.ADMINISTRATOR)
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    for attempt in range(LIMIT):
        login(client, user.username, f"guess-{attempt}")
    refused = login(client, user.username, PASSWORD)
    assert "Te veel aanmeldpogingen. Probeer het over 40 seconden opnieuw." in refused.content.decode()


def test_the_login_page_and_the_token_endpoint_share_the_count(make_user, clock):
    user = make_user(Role.ADMINISTRATOR)
    for attempt in range(LIMIT):
        login(Client(), user.username, f"guess-{attempt}")
    refused = token(APIClient(), user.username, PASSWORD)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"


def test_a_forged_forwarded_address_does_not_reset_the_count_without_a_trusted_proxy(make_user, clock):
    """Other user names each time: only the client address's count can refuse the last attempt."""
    make_user(Role.ADMINISTRATOR, username="victim")
    for attempt in range(LIMIT):
        login(Client(), f"someone-{attempt}", "guess", HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}")
    assert login(Client(), "victim", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429
    assert token(APIClient(), "victim", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.98").status_code == 429


def test_the_token_endpoint_counts_by_address_whatever_address_is_claimed(make_user, clock):
    make_user(Role.ADMINISTRATOR, username="victim")
    for attempt in range(LIMIT):
        assert token(APIClient(), f"someone-{attempt}", "guess",
                     HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}").status_code == 400
    assert token(APIClient(), "victim", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_counts(make_user, settings, clock):
    settings.VISD_TRUSTED_PROXIES = ["10.0.0.0/8"]
    make_user(Role.ADMINISTRATOR, username="victim")
    via_proxy = {"REMOTE_ADDR": "10.1.2.3"}
    for attempt in range(LIMIT):
        login(Client(), f"someone-{attempt}", "guess", HTTP_X_FORWARDED_FOR="203.0.113.7", **via_proxy)
    # the attacker's address is refused, even with a forged entry in front of the proxy's
    assert login(Client(), "victim", PASSWORD, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", **via_proxy).status_code == 429
    assert token(APIClient(), "victim", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7", **via_proxy).status_code == 429
    # another client behind the same proxy is not
    assert login(Client(), "victim", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8", **via_proxy).status_code == 302
    # a request that did not come through the proxy is counted by its own address, its header ignored
    assert throttle.client_address(types.SimpleNamespace(
        META={"REMOTE_ADDR": "192.0.2.1", "HTTP_X_FORWARDED_FOR": "203.0.113.8"})) == "192.0.2.1"


@pytest.mark.parametrize("forwarded, expected", [
    ("", "10.1.2.3"),
    ("203.0.113.7", "203.0.113.7"),
    ("6.6.6.6, 203.0.113.7", "203.0.113.7"),
    ("6.6.6.6, 203.0.113.7, 10.9.9.9", "203.0.113.7"),
    ("203.0.113.7:4711", "203.0.113.7"),
    ("10.9.9.9, 10.8.8.8", "10.9.9.9"),
])
def test_the_client_address_is_the_right_most_untrusted_forwarded_entry(settings, forwarded, expected):
    settings.VISD_TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = types.SimpleNamespace(META={"REMOTE_ADDR": "10.1.2.3", "HTTP_X_FORWARDED_FOR": forwarded})
    assert throttle.client_address(request) == expected


def test_the_onboarding_forms_count_by_the_same_client_address(settings):
    settings.VISD_TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = types.SimpleNamespace(META={"REMOTE_ADDR": "10.1.2.3", "HTTP_X_FORWARDED_FOR": "203.0.113.7"})
    assert throttle.allow(request, "onboarding", 1, 3600)
    assert not throttle.allow(request, "onboarding", 1, 3600)
    other = types.SimpleNamespace(META={"REMOTE_ADDR": "10.1.2.3", "HTTP_X_FORWARDED_FOR": "203.0.113.8"})
    assert throttle.allow(other, "onboarding", 1, 3600)


def test_a_limit_of_zero_turns_the_login_limit_off(make_user, settings, clock):
    settings.VISD_LOGIN_RATE_LIMIT = 0
    user = make_user(Role.ADMINISTRATOR)
    for attempt in range(LIMIT * 3):
        login(Client(), user.username, f"guess-{attempt}")
    assert login(Client(), user.username, PASSWORD).status_code == 302
