"""Shared fixtures: users of every role, and paths to the public datasets copied into the repo."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PUBLIC_DATA = REPO / "data" / "public"


def pytest_configure(config):
    """Tests create many users: a fast hasher keeps the suite quick. Production keeps Django's
    default (PBKDF2); nothing here weakens what the tests check about permissions."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def public_data() -> Path:
    return PUBLIC_DATA


@pytest.fixture
def make_user(db, django_user_model):
    """make_user(role, portfolios=[...codes], actor=Actor) -> a user with that profile."""

    def make(role: str, username: str | None = None, portfolios=(), actor=None, password="a-Long-test-passw0rd"):
        from visd.taxonomy.models import Portfolio

        user = django_user_model.objects.create_user(username=username or f"{role}-user", password=password)
        profile = user.profile
        profile.role = role
        profile.actor = actor
        profile.save()
        if portfolios:
            profile.portfolios.set(Portfolio.objects.filter(code__in=portfolios))
        return user

    return make


@pytest.fixture(autouse=True)
def _own_matching_index_dir(tmp_path_factory):
    """Pages that read the matching index (the actor list's search, the match pages) read the
    test's own, empty, directory unless the test or its module points to another one: never the
    index a developer built in ``var/matching`` for the demo."""
    from django.conf import settings
    from django.test import override_settings

    if getattr(settings, "VISD_MATCHING_DIR", None):
        yield
        return
    with override_settings(VISD_MATCHING_DIR=tmp_path_factory.mktemp("matching-index")):
        yield


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """The throttles (``visd.core.throttle``: logins, onboarding forms) count in the cache, per process:
    each test starts with no attempt counted, whatever the tests before it did."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True, scope="session")
def _own_matching_cache(tmp_path_factory):
    """The matching pages' cache (``visd.matchmaking.page_cache``, file based) lives in the session's
    own directory, not in the ``var/cache`` a developer's server uses."""
    from django.conf import settings
    from django.test import override_settings

    caches = {**settings.CACHES, "matching": {**settings.CACHES["matching"],
                                              "LOCATION": str(tmp_path_factory.mktemp("matching-cache"))}}
    with override_settings(CACHES=caches):
        yield
