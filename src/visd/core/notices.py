"""E-mail notices: one plain-text message per event, rendered in the recipient's language and sent
through Django's e-mail framework (``settings.EMAIL_BACKEND``). Used by onboarding claims, facility
proposals and B2B meeting requests (what each notice holds: docs/onboarding.md "Facility providers",
docs/meetings.md "Requests and their expiry").

A notice reports on a write, so ``send_on_commit`` sends it only once the write's transaction has
committed: a rolled-back write sends nothing. A failing mail server is logged, not raised: the write
is stored, and the recipient still sees it on the site.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

log = logging.getLogger(__name__)

UrlBuilder = Callable[[str], str]


def language_or_default(code: str | None) -> str:
    """``code`` when the site has that language, else the site's default.

    >>> language_or_default("en"), language_or_default("fr"), language_or_default(None)
    ('en', 'nl', 'nl')
    """
    code = (code or "").strip().lower()[:2]
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def addresses(users: Iterable) -> list[str]:
    """The distinct e-mail addresses of ``users``, in order (a user without one is skipped)."""
    out: list[str] = []
    for user in users:
        email = (getattr(user, "email", "") or "").strip()
        if email and email.lower() not in {a.lower() for a in out}:
            out.append(email)
    return out


def link(path: str, build_url: UrlBuilder | None = None) -> str:
    """The absolute address of ``path``: ``build_url`` (a request's ``build_absolute_uri``) when the
    write comes from a page or the API, else ``settings.VISD_SITE_URL`` (default empty) before it."""
    if build_url is not None:
        return build_url(path)
    return getattr(settings, "VISD_SITE_URL", "").rstrip("/") + path


def send(language: str, recipients: list[str], template: str, context: dict) -> None:
    """Send one message now: ``template``\\ ``_subject.txt`` and ``template``\\ ``.txt`` rendered in
    ``language``, one message to all ``recipients`` (who see each other's address: use it only for
    recipients who may, e.g. the reviewers of one queue)."""
    if not recipients:
        return
    with translation.override(language):
        subject = " ".join(render_to_string(template + "_subject.txt", context).split())
        body = render_to_string(template + ".txt", context)
    try:
        send_mail(subject, body, None, recipients)
    except Exception:  # noqa: BLE001 (any backend error: the write is stored, the mail is retried by hand)
        log.exception("Could not send the e-mail %s to %d recipient(s)", template, len(recipients))


def send_on_commit(language: str, recipients: list[str], template: str, context: dict) -> None:
    """``send`` once the current transaction commits (at once outside a transaction); nothing when it
    rolls back."""
    if recipients:
        transaction.on_commit(lambda: send(language, list(recipients), template, context))
