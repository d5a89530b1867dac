"""Request bodies are sized per endpoint (visd.core.middleware.RequestBodyLimitMiddleware): anonymous
pages and the API refuse a body above VISD_REQUEST_BODY_LIMIT (1 MiB) with a 413 and a message saying
the limit, before reading it, and change nothing; the upload pages of management accept up to
VISD_UPLOAD_BODY_LIMIT."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from visd.imports.models import ImportRun

pytestmark = pytest.mark.django_db

TOO_LARGE = settings.VISD_REQUEST_BODY_LIMIT + 1


class UnreadableBody:
    """A request body that fails the test when anything reads it: a refused body is never read."""

    def read(self, *args):
        raise AssertionError("the body of a refused request was read")

    readline = read


def post_declaring(client: Client, path: str, length: int, content_type: str, **extra):
    """POST to ``path`` declaring a body of ``length`` bytes, without sending (or building) one."""
    return client.generic("POST", path, b"", content_type=content_type, CONTENT_LENGTH=str(length),
                          **{"wsgi.input": UnreadableBody()}, **extra)


@pytest.mark.parametrize("path, content_type", [
    ("/accounts/login/", "application/x-www-form-urlencoded"),
    ("/api/auth/token/", "application/json"),
    ("/api/actors/", "application/json"),
    ("/join/", "application/x-www-form-urlencoded"),
    ("/i18n/setlang/", "application/x-www-form-urlencoded"),
    ("/no/such/page/", "application/octet-stream"),
])
def test_an_anonymous_40_mb_body_is_refused_unread(path, content_type):
    response = post_declaring(Client(enforce_csrf_checks=True), path, 40 * 1024 * 1024, content_type)
    assert response.status_code == 413
    assert response["Connection"] == "close"


def test_the_message_says_the_limit_in_the_api_as_json_and_on_pages_as_text():
    api = post_declaring(Client(), "/api/actors/", TOO_LARGE, "application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert api.json() == {"detail": "The request is too large: this address accepts at most 1.0\xa0MB. "
                                    "Nothing was saved."}
    page = post_declaring(Client(), "/accounts/login/", TOO_LARGE, "application/x-www-form-urlencoded",
                          HTTP_ACCEPT_LANGUAGE="nl")
    assert page["Content-Type"].startswith("text/plain")
    assert "te groot" in page.content.decode() and "1,0\xa0MB" in page.content.decode()


def test_a_body_within_the_limit_reaches_the_view():
    response = Client().post("/api/auth/token/", {"username": "nobody", "password": "x" * 1000},
                             content_type="application/json")
    assert response.status_code == 400   # wrong credentials: the view read and answered it


def test_a_body_just_over_the_limit_is_refused_just_under_accepted():
    client = Client()
    under = client.post("/api/auth/token/", b"{" + b" " * (settings.VISD_REQUEST_BODY_LIMIT - 2) + b"}",
                        content_type="application/json")
    assert under.status_code != 413
    over = client.post("/api/auth/token/", b"{" + b" " * (settings.VISD_REQUEST_BODY_LIMIT - 1) + b"}",
                       content_type="application/json")
    assert over.status_code == 413


def test_the_upload_pages_accept_large_files_for_management_only(make_user, client):
    """A 3 MB upload passes the size check on the import page (and is then validated as a file); the
    same body elsewhere, and beyond the upload limit there, is refused."""
    admin = make_user("administrator", username="uploader")
    client.force_login(admin)
    big_csv = ("projectID;acronym\n" + "1;x\n" * 800_000).encode()   # about 3.2 MB, a broken CORDIS file
    assert settings.VISD_REQUEST_BODY_LIMIT < len(big_csv) < settings.VISD_UPLOAD_BODY_LIMIT
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("imports:index"), {
        "kind": "cordis", "projects": SimpleUploadedFile("projects.csv", big_csv, "text/csv")})
    assert response.status_code != 413
    assert not ImportRun.objects.filter(status=ImportRun.Status.APPLIED).exists()
    elsewhere = client.post(reverse("actors:list"), {"file": SimpleUploadedFile("p.csv", big_csv, "text/csv")})
    assert elsewhere.status_code == 413
    beyond = post_declaring(client, reverse("imports:index"), settings.VISD_UPLOAD_BODY_LIMIT + 1,
                            "multipart/form-data; boundary=x")
    assert beyond.status_code == 413


def test_nothing_is_changed_by_a_refused_request():
    users = get_user_model().objects.count()
    response = post_declaring(Client(), "/join/", TOO_LARGE, "application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert get_user_model().objects.count() == users
