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

from . import locking
from .models import RegistryModel

#: Bookkeeping that changes on every save and says nothing a reader needs. A model adds its own
#: (an optimistic-lock counter, say) in ``history_hidden_fields``.
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


def hidden_fields(model: type[models.Model]) -> set[str]:
    """The fields of ``model`` no history shows: its ``history_hidden_fields``, those of every base
    class too (a submission key and a lost-update counter come from different bases), and the
    counter of optimistic locking (``visd.core.locking``)."""
    hidden = {model.lock_field} if locking.is_locked(model) else set()
    for klass in model.__mro__:
        hidden.update(vars(klass).get("history_hidden_fields", ()))
    return hidden


def shown_fields(model: type[models.Model], row) -> set[str]:
    """The fields a history shows, of ``row`` (a historical row of ``model``): every tracked field
    and many-to-many link, also those no form edits (a lifecycle status, a publication date, who
    entered a figure), which is where the actions record their decisions; not the primary key, the
    timestamps or the model's ``history_hidden_fields``."""
    hidden = NOISE_FIELDS | {model._meta.pk.name} | hidden_fields(model)
    names = {f.name for f in row.tracked_fields} | {f.name for f in row._history_m2m_fields}
    return names - hidden


def stored_changes(model: type[models.Model], older, newer, linked_records: bool = False
                   ) -> list[tuple[str, object, object]]:
    """(field, old, new) for each shown field whose stored value differs between two historical
    rows: foreign keys as ids, many-to-many links as simple_history's link rows (holding the linked
    records themselves with ``linked_records``, else their ids). The plain fields are compared here
    because simple_history's ``diff_against`` only sees the editable ones."""
    shown = shown_fields(model, newer)
    links = {f.name for f in newer._history_m2m_fields} & shown
    changes = []
    for tracked in newer.tracked_fields:
        if tracked.name in shown:
            old, new = tracked.value_from_object(older), tracked.value_from_object(newer)
            if old != new:
                changes.append((tracked.name, old, new))
    if links:
        delta = newer.diff_against(older, included_fields=links, foreign_keys_are_objs=linked_records)
        changes += [(c.field, c.old, c.new) for c in delta.changes]
    return changes


def _readable(model: type[models.Model], row, name: str, stored) -> str:
    """A stored value of ``row`` as it reads on screen; a foreign key as the record's name."""
    model_field = model._meta.get_field(name)
    if isinstance(model_field, models.ForeignKey) and stored is not None:
        try:
            stored = getattr(row, name)
        except ObjectDoesNotExist:  # a related record deleted since
            stored = f"#{stored}"
    return display_value(model_field, stored)


def _changes_between(model: type[models.Model], older, newer) -> list[FieldChange]:
    return [
        FieldChange(label=str(model._meta.get_field(name).verbose_name),
                    old=_readable(model, older, name, old), new=_readable(model, newer, name, new))
        for name, old, new in stored_changes(model, older, newer, linked_records=True)
    ]


def _initial_values(model: type[models.Model], first) -> list[FieldChange]:
    """What a record was created with: its non-empty shown fields."""
    changes = []
    shown = shown_fields(model, first)
    for tracked in first.tracked_fields:
        if tracked.name not in shown:
            continue
        shown_value = _readable(model, first, tracked.name, tracked.value_from_object(first))
        if shown_value != EMPTY:
            changes.append(FieldChange(label=str(model._meta.get_field(tracked.name).verbose_name), old=EMPTY,
                                       new=shown_value))
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
