"""Error pages of the project's own (issue 17, item 5): 400, 403, 404 and 500 in Dutch and English
that reveal nothing internal (no URL patterns, no exception text, no settings), a 403 for an
anonymous visitor that offers the login; and a bad filter value that is said, not a silently empty
list."""

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views import defaults

from stakeholder_world import users, world  # noqa: F401

pytestmark = pytest.mark.django_db

INTERNAL = ("urlpatterns", "URLconf", "Traceback", "DEBUG", "visd.urls", "Using the URLconf", "settings.py",
            "PermissionDenied", "Screening is open to users")


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def get(client, url, language, **extra):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(url, **extra)


@pytest.mark.parametrize("language, heading", [("nl", "Pagina niet gevonden"), ("en", "Page not found")])
def test_404_in_both_languages_reveals_nothing(client, language, heading):
    response = get(client, "/no/such/page/", language)
    html = response.content.decode()
    assert response.status_code == 404 and f"<h1>{heading}</h1>" in html
    assert f'<html lang="{language}">' in html
    assert not [word for word in INTERNAL if word in html]


@pytest.mark.parametrize("language, heading, login", [("nl", "Geen toegang", "Aanmelden"), ("en", "No access", "Log in")])
def test_403_for_a_user_without_role_and_for_anonymous(client, users, language, heading, login):  # noqa: F811
    client.force_login(users["no_role"])
    response = get(client, reverse("screening:index"), language)
    html = response.content.decode()
    assert response.status_code == 403 and f"<h1>{heading}</h1>" in html
    assert not [word for word in INTERNAL if word in html]
    client.logout()
    with translation.override(language):
        request = RequestFactory().get("/programme/")
        from django.contrib.auth.models import AnonymousUser
        request.user = AnonymousUser()
        anonymous = defaults.permission_denied(request, PermissionDenied("internal detail"))
    page = anonymous.content.decode()
    assert anonymous.status_code == 403 and heading in page and login in page and "?next=/programme/" in page
    assert "internal detail" not in page


@pytest.mark.parametrize("language, heading", [("nl", "Ongeldig verzoek"), ("en", "Bad request")])
def test_400_in_both_languages(language, heading):
    with translation.override(language):
        request = RequestFactory().get("/")
        from django.contrib.auth.models import AnonymousUser
        request.user = AnonymousUser()
        response = defaults.bad_request(request, SuspiciousOperation("Invalid HTTP_HOST header: 'evil'"))
    html = response.content.decode()
    assert response.status_code == 400 and heading in html and "evil" not in html


@pytest.mark.parametrize("language, heading", [("nl", "Serverfout"), ("en", "Server error")])
def test_500_in_both_languages_needs_no_request(language, heading):
    with translation.override(language):
        response = defaults.server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500 and f"<h1>{heading}</h1>" in html and "Traceback" not in html


@pytest.mark.parametrize("language, message", [
    ("nl", "Sommige criteria konden niet gelezen worden"), ("en", "Some criteria could not be read")])
def test_a_bad_filter_value_is_said(client, language, message):
    from visd.funding.models import Call

    Call.objects.create(topic_id="EDF-2026-X", title="Sensors", programme="EDF")
    html = get(client, reverse("funding:call_list") + "?deadline_after=notadate", language).content.decode()
    assert message in html and 'role="alert"' in html and "notadate" in html
    assert "EDF-2026-X" not in html
    assert ("Geen oproepen" not in html) and ("No calls match" not in html)
    # a readable date filters as before
    html = get(client, reverse("funding:call_list") + "?deadline_after=2020-01-01", language).content.decode()
    assert message not in html
