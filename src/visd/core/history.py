"""Readable change history of one registry record, from django-simple-history's rows: for each
version who made it, when, and per field the old and the new value as a person reads them (choice
labels, names of related records), not raw database values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _
from simple_history.utils import get_m2m_reverse_field_name

from .models import RegistryModel

#: Bookkeeping that changes on every save and says nothing a reader needs.
NOISE_FIELDS = frozenset({"created_at", "updated_at"})

EMPTY = "–"


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Version:
    when: datetime
    user: object | None
    kind: str  # "+" created, "~" changed, "-" deleted, as simple_history writes it
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return {"+": _("created"), "~": _("changed"), "-": _("deleted")}[self.kind]


def has_history(model: type[models.Model]) -> bool:
    """Registry models keep their history; other models (users, reference data) have no history page."""
    return issubclass(model, RegistryModel) and hasattr(model, "history")


def display_value(model_field: models.Field, value) -> str:
    """A stored value as it reads on screen."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(model_field, models.ManyToManyField):
        target = get_m2m_reverse_field_name(model_field)
        return ", ".join(sorted(str(row[target]) for row in value)) or EMPTY
    if model_field.flatchoices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (date, datetime)):
        return formats.localize(value)
    return str(value)


def _changes_between(model: type[models.Model], older, newer) -> list[FieldChange]:
    delta = newer.diff_against(older, excluded_fields=NOISE_FIELDS, foreign_keys_are_objs=True)
    return [
        FieldChange(
            label=str(model._meta.get_field(change.field).verbose_name),
            old=display_value(model._meta.get_field(change.field), change.old),
            new=display_value(model._meta.get_field(change.field), change.new),
        )
        for change in delta.changes
    ]


def _initial_values(model: type[models.Model], first) -> list[FieldChange]:
    """What a record was created with: its non-empty tracked fields."""
    changes = []
    for tracked in first.tracked_fields:
        if not tracked.editable or tracked.name in NOISE_FIELDS or tracked.name == model._meta.pk.name:
            continue
        model_field = model._meta.get_field(tracked.name)
        try:
            value = getattr(first, tracked.name)
        except ObjectDoesNotExist:  # a related record deleted since
            value = f"#{getattr(first, tracked.attname)}"
        shown = display_value(model_field, value)
        if shown != EMPTY:
            changes.append(FieldChange(label=str(model_field.verbose_name), old=EMPTY, new=shown))
    return changes


def versions_of(record: models.Model, offset: int = 0, limit: int = 50) -> list[Version]:
    """The record's versions from newest to oldest, ``limit`` of them from ``offset``, each with the
    changes against the version before it. One version more than shown is read, to diff the last."""
    model = type(record)
    rows = list(
        record.history.select_related("history_user").order_by("-history_date", "-history_id")[
            offset: offset + limit + 1
        ]
    )
    versions = []
    for index, row in enumerate(rows[:limit]):
        older = rows[index + 1] if index + 1 < len(rows) else None
        changes = _changes_between(model, older, row) if older is not None else _initial_values(model, row)
        versions.append(Version(when=row.history_date, user=row.history_user, kind=row.history_type,
                                changes=changes))
    return versions
