"""Every change to events, registrations and survey results goes through these functions; views
check permissions (``visd.core.permissions``), parse and call them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Event, Registration, SurveyResponse

EVENT_FIELDS = frozenset({"title", "kind", "date", "end_date", "domain", "location", "description", "capacity"})
MAX_RESPONSES_AT_ONCE = 1000


class EditConflict(Exception):
    def __init__(self, record):
        super().__init__(_("Someone else changed this event while you were editing it. Your changes were not "
                           "saved: review the current version and make your change again."))
        self.record = record


def _check_fields(values):
    unknown = set(values) - EVENT_FIELDS
    if unknown:
        raise ValueError(f"Event has no editable field(s) {sorted(unknown)}")


def create_event(values: Mapping[str, Any], *, acting_user) -> Event:
    _check_fields(values)
    event = Event(**values)
    event.full_clean()
    event._history_user = acting_user
    event.save()
    return event


def update_event(event: Event, values: Mapping[str, Any], *, acting_user, expected_version: int | None) -> Event:
    _check_fields(values)
    for name, value in values.items():
        setattr(event, name, value)
    event.full_clean()
    if event.capacity is not None and event.registrations.count() > event.capacity:
        raise ValidationError({"capacity": [_("More people are registered than this capacity.")]})
    with transaction.atomic():
        expected = event.version if expected_version is None else expected_version
        if not Event.objects.filter(pk=event.pk, version=expected).update(version=F("version") + 1):
            raise EditConflict(Event.objects.get(pk=event.pk))
        event.version = expected + 1
        event._history_user = acting_user
        event.save()
    return event


def register(event: Event, name: str, *, organisation=None, organisation_name: str = "", acting_user) -> Registration:
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("Give the participant's name.")]})
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.capacity is not None and locked.registrations.count() >= locked.capacity:
            raise ValidationError({"name": [_("The event is full (%(capacity)s places).") % {"capacity": locked.capacity}]})
        registration = Registration(event=event, name=name, organisation=organisation,
                                    organisation_name=organisation_name.strip() or (organisation.name if organisation else ""))
        registration.full_clean()
        registration._history_user = acting_user
        registration.save()
    return registration


def _require_held(event: Event, what: str) -> None:
    if event.date > timezone.localdate():
        raise ValidationError({what: [_("The event has not taken place yet.")]})


def set_attendance(event: Event, attended_ids: Iterable[int], *, acting_user) -> int:
    """Mark who attended (the given registration ids) and who did not (the others); returns the
    number attended. Ids of other events' registrations are refused."""
    _require_held(event, "attended")
    attended_ids = set(attended_ids)
    registrations = list(event.registrations.all())
    foreign = attended_ids - {r.pk for r in registrations}
    if foreign:
        raise ValidationError({"attended": [_("Some registrations are not (or no longer) part of this event.")]})
    with transaction.atomic():
        for registration in registrations:
            attended = registration.pk in attended_ids
            if registration.attended != attended:
                registration.attended = attended
                registration._history_user = acting_user
                registration.save()
    return len(attended_ids)


def record_survey_responses(event: Event, score: int, number: int = 1, comment: str = "", *,
                            acting_user) -> list[SurveyResponse]:
    """Record ``number`` answers with ``score`` (e.g. tallied from paper forms)."""
    _require_held(event, "score")
    if score not in range(1, 6):
        raise ValidationError({"score": [_("A score is between 1 and 5.")]})
    if not 1 <= number <= MAX_RESPONSES_AT_ONCE:
        raise ValidationError({"number": [_("Give a number of answers between 1 and %(max)s.") % {
            "max": MAX_RESPONSES_AT_ONCE}]})
    responses = []
    with transaction.atomic():
        for _index in range(number):
            response = SurveyResponse(event=event, score=score, comment=comment.strip() if _index == 0 else "")
            response._history_user = acting_user
            response.save()
            responses.append(response)
    return responses
