"""One-time submission keys: the one guard against recording a create form or request twice.

A create form carries a key (a random UUID) made when the empty form is shown. Sending that form
again (a double click, the browser's back button and resend, a reload of the answer page) or
repeating an API request after a lost answer sends the same key, and records nothing the second
time: the action returns the record the key created the first time, and the page or the API says
so. Each keyed model stores the key of the form that created the record in a unique column
(``SubmissionKeyed``), so the database itself refuses a second record with the same key.

The pieces, each used by every keyed create form and API:

* models: ``SubmissionKeyed`` (the column) and ``keyed_history`` (the record's history without it:
  the key is bookkeeping no reader of the history needs);
* forms: ``SubmissionKeyFormMixin`` (makes, carries and checks the hidden key);
* actions: ``create_once(model, key, create)``: the record this key already created, or the one
  ``create`` makes now; safe under two simultaneous submissions (see there);
* API: ``visd.core.api.submission`` (the optional ``submission_key`` field, 201 or 200).

A request without a key (a command, an API client that sends none) is recorded every time.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, router, transaction
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

SUBMISSION_KEY = "submission_key"

#: The one message for a create form whose key is missing or damaged (an old page, a hand-made request).
INCOMPLETE = _("This form is incomplete; reload the page and try again.")
#: The one message for a page whose form was recorded before.
ALREADY_SENT = _("This form had already been sent; nothing was added a second time.")

Record = TypeVar("Record", bound=models.Model)


# --- models ---------------------------------------------------------------------------------------

class SubmissionKeyed(models.Model):
    """A record created through a form or an API request stores that submission's one-time key,
    unique, so the same submission sent twice creates one record (``create_once``). Records made
    otherwise (commands, imports, requests without a key) have none."""

    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    history_hidden_fields = (SUBMISSION_KEY,)  # a form's one-time key: nothing a reader of the history needs

    class Meta:
        abstract = True

    def validate_unique(self, exclude=None):
        # The key's uniqueness is not a validation error of the record: ``create_once`` answers a
        # key used before with the record it created.
        super().validate_unique(exclude={*(exclude or ()), SUBMISSION_KEY})


def keyed_history(**options) -> HistoricalRecords:
    """The ``history`` of a ``SubmissionKeyed`` model: its historical rows leave the key out."""
    excluded = list(options.pop("excluded_fields", ()))
    return HistoricalRecords(excluded_fields=[*excluded, SUBMISSION_KEY], **options)


def is_keyed(model) -> bool:
    return isinstance(model, type) and issubclass(model, SubmissionKeyed)


# --- actions --------------------------------------------------------------------------------------

def recorded_by(model: type[Record], submission_key: uuid.UUID | None) -> Record | None:
    """The record of ``model`` that the submission with this key created, if any."""
    if submission_key is None:
        return None
    return model._base_manager.filter(**{SUBMISSION_KEY: submission_key}).first()


def create_once(model: type[Record], submission_key: uuid.UUID | None,
                create: Callable[[], Record]) -> tuple[Record, bool]:
    """Return ``(record, created)``: the record of ``model`` this ``submission_key`` created before
    (``created`` False, nothing is written), else the record ``create()`` validates and saves now,
    with the key set on it (``created`` True). Without a key, ``create()`` always runs.

    ``create`` runs in a savepoint, so a refusal (``ValidationError``) or a failed insert leaves
    nothing behind, also inside a caller's transaction. Two submissions with the same key at the
    same moment both find no record at first; the database's unique column lets one insert and
    refuses the other (``IntegrityError``; PostgreSQL makes the second wait until the first
    commits, SQLite's IMMEDIATE transactions run them one after the other). The refused one then
    finds the winner's record and returns it. The same holds when the second is refused by a check
    the first one's record now fails (a full event, an application already made): whatever made
    ``create`` fail, if the key names a record by then, the submission was recorded and that record
    is the answer. Any other failure is raised as it is."""
    existing = recorded_by(model, submission_key)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic(using=router.db_for_write(model)):
            record = create()
    except (IntegrityError, ValidationError):
        existing = recorded_by(model, submission_key)
        if existing is None:
            raise
        return existing, False
    if submission_key is not None and getattr(record, SUBMISSION_KEY) != submission_key:
        raise ValueError(f"create() saved a {model.__name__} without the submission key it was given")
    return record, True


# --- forms ----------------------------------------------------------------------------------------

def submission_key_field() -> forms.UUIDField:
    return forms.UUIDField(widget=forms.HiddenInput, error_messages={"required": INCOMPLETE, "invalid": INCOMPLETE})


class SubmissionKeyFormMixin:
    """A create form carries a hidden ``submission_key``: a new random one when the empty form is
    shown, the one sent back when it is filled in. A form sent without it, or with a damaged one,
    is refused with ``INCOMPLETE`` among the form's own messages (a hidden field has no place of
    its own on the page). A form that also edits (``creating`` False) removes the field with
    ``drop_submission_key``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[SUBMISSION_KEY] = submission_key_field()
        if not self.is_bound:
            self.initial[SUBMISSION_KEY] = uuid.uuid4()

    def drop_submission_key(self) -> None:
        self.fields.pop(SUBMISSION_KEY, None)

    @property
    def carries_submission_key(self) -> bool:
        return SUBMISSION_KEY in self.fields

    @property
    def submission_key(self) -> uuid.UUID | None:
        """The key sent (after ``is_valid()``); None for a form without one."""
        return self.cleaned_data.get(SUBMISSION_KEY) if self.carries_submission_key else None

    def full_clean(self):
        super().full_clean()
        if self.is_bound and SUBMISSION_KEY in self._errors:
            self.add_error(None, self._errors.pop(SUBMISSION_KEY).as_data())
