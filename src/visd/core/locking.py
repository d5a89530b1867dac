"""Optimistic locking: the one guard against lost updates for every record people edit, on the
pages, in the admin and through the API.

A locked record has a counter (``version``; a model may name it otherwise with ``lock_field``, as
roadmaps do with ``revision`` because their ``version`` is the roadmap's version number). Every save
of an existing record moves the counter on in the database, in one statement that only succeeds
while the stored counter still is the one the editor read::

    UPDATE ... SET version = version + 1 WHERE id = %s AND version = <the version read>

No row means someone else saved in between: ``EditConflict`` is raised, the surrounding
transaction undoes whatever it began, and nothing is written. On PostgreSQL the UPDATE's row lock
makes a second writer wait for the first to commit and then find the new counter; the embedded
SQLite default serialises writers (``transaction_mode`` IMMEDIATE, ``settings.py``).

The version read comes from the editor: a page's form carries it in a hidden field
(``VersionedFormMixin``), the admin's change form too (``VersionedAdminMixin``), an API client sends
the ``version`` every answer shows (``visd.core.api.serializers.RegistrySerializer``). Code that
names no expected version (commands, importers) is checked against the version it loaded the
record with. A refused page edit keeps the user's input and lists what is stored now
(``show_conflict``); the API answers 409 (``visd.core.api.views.StaleVersion``).

The counter is bookkeeping: record histories never show it (``visd.core.history.shown_fields``).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, router, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: The largest counter a client may send (the database column is a 32-bit integer).
MAX_VERSION = 2**31 - 1
EMPTY = "–"
KEEP_OR_REPLACE = gettext_lazy("The form still holds your changes: saving it again replaces what is stored now.")


class EditConflict(Exception):
    """Someone else saved (or deleted) the record after the editor read it. ``record`` is the
    record as stored now (None once deleted), ``model`` its class."""

    def __init__(self, model: type[models.Model], record: models.Model | None, expected: int | None = None):
        self.model, self.record, self.expected = model, record, expected
        kind = model._meta.verbose_name
        if record is None:
            message = _("Someone else deleted this %(kind)s while you were editing it. Your changes were not "
                        "saved.") % {"kind": kind}
        else:
            message = _("Someone else changed this %(kind)s while you were editing it. Your changes were not "
                        "saved: review the current version and make your change again.") % {"kind": kind}
        super().__init__(message)

    @property
    def current_version(self) -> int | None:
        return None if self.record is None else lock_value(self.record)


def lock_value(record) -> int:
    return getattr(record, record.lock_field)


class OptimisticLock:
    """Model mixin: every save of an existing record claims the next version (see the module's
    docstring). The model declares the counter field, or inherits it from ``Versioned``."""

    lock_field = "version"
    _expected_version: int | None = None

    def expect_version(self, version: int | None):
        """The version the editor read: the next save succeeds only if it is still the stored one.
        None keeps the default, the version this instance was loaded with."""
        self._expected_version = version
        return self

    def claim_version(self, using: str | None = None) -> None:
        """Move the stored counter on, if it still is the expected one; else ``EditConflict``. The
        save does this itself; call it alone for a change that saves no field of the record (its
        many-to-many links, say). Call inside a transaction."""
        model = type(self)
        using = using or router.db_for_write(model, instance=self)
        field = self.lock_field
        expected = lock_value(self) if self._expected_version is None else self._expected_version
        rows = model._base_manager.using(using).filter(pk=self.pk)
        if not rows.filter(**{field: expected}).update(**{field: F(field) + 1}):
            raise EditConflict(model, rows.first(), expected)
        setattr(self, field, expected + 1)
        self._expected_version = None

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if self._state.adding or self.pk is None or kwargs.get("force_insert") or (
                update_fields is not None and not update_fields):
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            self.claim_version(using)
            # the counter is already stored; a save of some fields leaves it out
            return super().save(*args, **kwargs)


class Versioned(OptimisticLock, models.Model):
    """Abstract base of a locked record whose counter is called ``version``."""

    version = models.PositiveIntegerField(gettext_lazy("version"), default=1, editable=False)

    class Meta:
        abstract = True


def is_locked(model) -> bool:
    return isinstance(model, type) and issubclass(model, OptimisticLock)


# --- forms: pages and admin ------------------------------------------------------------------------

def version_form_field() -> forms.IntegerField:
    return forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=MAX_VERSION,
        error_messages={
            "required": gettext_lazy("This form is incomplete (the version of the record it was opened with is "
                                     "missing); reload the page and make your change again."),
            "invalid": gettext_lazy("This form was changed outside the page; reload the page and make your change "
                                    "again."),
            "min_value": gettext_lazy("This form was changed outside the page; reload the page and make your "
                                      "change again."),
            "max_value": gettext_lazy("This form was changed outside the page; reload the page and make your "
                                      "change again."),
        })


class VersionedFormMixin:
    """A form that edits an existing record carries the version it was opened with, in a hidden field
    named after the model's ``lock_field``. Call ``carry_version(record)`` from ``__init__`` (a
    ModelForm does it for its instance); a form for a new record carries none."""

    version_field_name: str | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and is_locked(type(instance)):
            self.carry_version(instance)

    def carry_version(self, record) -> None:
        name = record.lock_field
        if record.pk is None:
            self.fields.pop(name, None)
            return
        self.fields[name] = version_form_field()
        self.initial[name] = lock_value(record)
        self.version_field_name = name

    @property
    def expected_version(self) -> int | None:
        """The version the form was opened with (after ``is_valid``); None for a new record."""
        if self.version_field_name is None:
            return None
        return self.cleaned_data.get(self.version_field_name)


def _shown(record, field) -> str:
    if field.many_to_many:
        return ", ".join(sorted(str(item) for item in getattr(record, field.name).all())) or EMPTY
    value = getattr(record, field.name)
    if value is None or value == "":
        return EMPTY
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _same(field, stored, submitted) -> bool:
    if field.many_to_many:
        return {item.pk for item in stored.all()} == {getattr(item, "pk", item) for item in submitted or ()}
    if field.is_relation:
        return (stored.pk if stored is not None else None) == getattr(submitted, "pk", submitted)
    return (stored in (None, "")) and (submitted in (None, "")) or stored == submitted


def differences(form, current) -> list[str]:
    """'label: value' for each field of ``form`` whose stored value (in ``current``) differs from
    what the user submitted: what the other editor changed, or what this one is about to."""
    lines = []
    cleaned = getattr(form, "cleaned_data", {}) or {}
    for name, form_field in form.fields.items():
        if name == form.version_field_name or name not in cleaned:
            continue
        try:
            field = current._meta.get_field(name)
        except FieldDoesNotExist:  # a form field that is no model field (a profile's tiers): nothing to compare
            continue
        stored = getattr(current, name)
        if not _same(field, stored, cleaned[name]):
            lines.append(_("Now stored, %(field)s: %(value)s") % {
                "field": form_field.label or field.verbose_name, "value": _shown(current, field)})
    return lines


def _move_to_current(form, version: int) -> None:
    """The hidden version of the re-shown form becomes the stored one: sending the form again is
    then a deliberate choice to replace what is stored, made after seeing it."""
    data = form.data.copy()
    data[form.add_prefix(form.version_field_name)] = str(version)
    form.data = data


def show_conflict(form, conflict: EditConflict) -> int:
    """The one way a page view reports a refused stale edit: the form keeps the user's input, gains
    the conflict message and the fields stored differently now, and its hidden version moves to the
    stored one. Returns the status of the answer, 409."""
    form.add_error(None, str(conflict))
    if conflict.record is not None:
        for line in differences(form, conflict.record):
            form.add_error(None, line)
        if form.version_field_name is not None:
            _move_to_current(form, conflict.current_version)
            form.add_error(None, KEEP_OR_REPLACE)
    return 409


class VersionedAdminFormMixin(VersionedFormMixin):
    """The admin's change form: a stale version is a form error before anything is saved (the
    common case, two editors one after the other); the save itself checks again (two at once)."""

    def clean(self):
        cleaned = super().clean()
        name = self.version_field_name
        if name is None or self.errors.get(name) or name not in cleaned:
            return cleaned
        stored = type(self.instance)._base_manager.filter(pk=self.instance.pk).first()
        if stored is None:
            raise ValidationError(str(EditConflict(type(self.instance), None)))
        if lock_value(stored) != cleaned[name]:
            conflict = EditConflict(type(self.instance), stored, cleaned[name])
            messages = [str(conflict), *differences(self, stored), str(KEEP_OR_REPLACE)]
            _move_to_current(self, lock_value(stored))
            raise ValidationError(messages)
        return cleaned


class VersionedInlineFormMixin(VersionedAdminFormMixin):
    """A row of an inline of the admin's change form (an instrument's aid rates, say): a stored row
    carries its version like the change form itself; a new row, and the blank template row, has none
    to carry. The row's save expects the version it carried. A stored row changed meanwhile is
    refused even when this editor left it alone: the form sends back the values it showed, which
    cannot be told apart from an edit, and saving them would undo the other change."""

    def carry_version(self, record) -> None:
        if record.pk is None:
            self.fields[record.lock_field].required = False
            return
        super().carry_version(record)

    def save(self, commit=True):
        if self.version_field_name is not None:
            self.instance.expect_version(self.expected_version)
        return super().save(commit)


class _VersionedFieldsMixin:
    """The hidden version row shared by a locked model's change form and its inline rows."""

    form_mixin: type = VersionedAdminFormMixin

    def _lock_field(self) -> str:
        return self.model.lock_field

    def get_fields(self, request, obj=None):
        # the counter is no visible field: get_fieldsets adds it as a hidden row
        return [name for name in super().get_fields(request, obj) if name != self._lock_field()]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and self.has_change_permission(request, obj):
            fieldsets.append((None, {"fields": [self._lock_field()], "classes": ["hidden"]}))
        return fieldsets

    def _versioned_form(self):
        base = self.form
        if not issubclass(base, self.form_mixin):
            base = type(base.__name__, (self.form_mixin, base), {})
        # declared on the class, so the admin may list the (non-editable) counter among the fields
        return type(base.__name__, (base,), {self._lock_field(): version_form_field()})

    def _without_counter(self, request, obj, kwargs) -> dict:
        from django.contrib.admin.utils import flatten_fieldsets

        kwargs.setdefault("form", self._versioned_form())
        # The counter is the form's own declared field; a model form may not list it (non-editable).
        fields = kwargs["fields"] if "fields" in kwargs else flatten_fieldsets(self.get_fieldsets(request, obj))
        if fields is not None:
            kwargs["fields"] = [name for name in fields if name != self._lock_field()]
        return kwargs


class VersionedInlineMixin(_VersionedFieldsMixin):
    """InlineModelAdmin mixin for a locked model edited as rows of another record's change form:
    each stored row carries its version, so a row changed meanwhile (by a reference-data load, the
    API, another editor) is refused with the row's message instead of being overwritten. Use it in
    the admin of a locked parent (``VersionedAdminMixin``), which turns a race into a message."""

    form_mixin = VersionedInlineFormMixin

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, **self._without_counter(request, obj, kwargs))


class VersionedAdminMixin(_VersionedFieldsMixin):
    """ModelAdmin mixin for a locked model: the change form carries the version (a hidden row) and
    the save expects it; two editors saving at the same moment get a message, not a server error."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        return super().get_form(request, obj, change, **self._without_counter(request, obj, kwargs))

    def save_model(self, request, obj, form, change):
        if change:
            obj.expect_version(getattr(form, "expected_version", None))
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict as conflict:
            # Both editors passed the form's check at once; the later save lost the race. Its
            # transaction is undone; the change page shows what is stored now.
            from django.contrib import messages
            from django.http import HttpResponseRedirect

            messages.error(request, str(conflict))
            return HttpResponseRedirect(request.get_full_path())
