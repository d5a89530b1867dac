"""Every change to B2B matchmaking goes through these functions; pages, the API and ``visd meetings``
check permissions (``visd.core.permissions``), parse and call them. Each refuses bad input with a
``ValidationError`` naming the field and changes nothing. Once a request or its answer commits, the
other side is told by e-mail (``visd.core.notices``)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from visd.core import notices
from visd.core.locking import EditConflict  # noqa: F401 (raised by the saves below; views catch it here)
from visd.events import actions as event_actions

from . import scheduling
from .models import (Matchmaking, Meeting, MeetingRequest, MeetingStatus, Outcome, Participant, RequestStatus,
                     Slot)

MATCHMAKING_FIELDS = ("tables", "table_names", "max_meetings", "registration_deadline", "request_deadline",
                      "response_days")
MAX_SLOTS = 100


class ScheduleRefused(Exception):
    """The schedule could not be computed or written; nothing was changed."""


def _save(record, acting_user, reason: str = ""):
    record._history_user = acting_user
    if reason:
        record._change_reason = reason
    record.save()
    return record


# --- the organiser's settings -------------------------------------------------------------------

_SLOT_LINE = re.compile(r"^(?:(\d{4}-\d{2}-\d{2})\s+)?(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})$")


def parse_slots(text: str, event) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """Slots from lines ``HH:MM-HH:MM`` (on the event's first day) or ``YYYY-MM-DD HH:MM-HH:MM``;
    a break is simply a time without a line. Every bad line is named."""
    errors, slots = [], []
    zone = timezone.get_current_timezone()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _SLOT_LINE.match(line)
        if not match:
            errors.append(_("Line %(n)s (%(line)s): write a slot as 09:00-09:30, or 2026-05-12 09:00-09:30.")
                          % {"n": number, "line": line})
            continue
        day_text, h1, m1, h2, m2 = match.groups()
        try:
            day = datetime.date.fromisoformat(day_text) if day_text else event.date
            start = datetime.datetime.combine(day, datetime.time(int(h1), int(m1)), zone)
            end = datetime.datetime.combine(day, datetime.time(int(h2), int(m2)), zone)
        except ValueError:
            errors.append(_("Line %(n)s (%(line)s): not a real date or time.") % {"n": number, "line": line})
            continue
        if not event.date <= day <= event.last_day:
            errors.append(_("Line %(n)s (%(line)s): the day is not a day of the event.") % {"n": number, "line": line})
        elif end <= start:
            errors.append(_("Line %(n)s (%(line)s): the slot ends before it starts.") % {"n": number, "line": line})
        elif slots and start < slots[-1][1]:
            errors.append(_("Line %(n)s (%(line)s): slots must be in time order and may not overlap.")
                          % {"n": number, "line": line})
        else:
            slots.append((start, end))
    if not slots and not errors:
        errors.append(_("Give at least one slot."))
    if len(slots) > MAX_SLOTS:
        errors.append(_("At most %(max)s slots.") % {"max": MAX_SLOTS})
    if errors:
        raise ValidationError({"slots": errors})
    return slots


def slots_text(matchmaking: Matchmaking) -> str:
    lines = []
    several_days = matchmaking.event.end_date not in (None, matchmaking.event.date)
    for slot in matchmaking.slots.all():
        start, end = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
        lines.append(f"{start:%Y-%m-%d} {start:%H:%M}-{end:%H:%M}" if several_days else f"{start:%H:%M}-{end:%H:%M}")
    return "\n".join(lines)


def _check_settings(matchmaking: Matchmaking) -> None:
    matchmaking.full_clean(exclude=["event"])
    errors = {}
    if matchmaking.registration_deadline > matchmaking.request_deadline:
        errors["request_deadline"] = [_("The request deadline cannot be before the registration deadline.")]
    if errors:
        raise ValidationError(errors)


def open_matchmaking(event, values: dict, slots: str, *, acting_user) -> Matchmaking:
    """Open B2B matchmaking on ``event`` with its settings and slots (all or nothing)."""
    unknown = set(values) - set(MATCHMAKING_FIELDS)
    if unknown:
        raise ValueError(f"Matchmaking has no editable field(s) {sorted(unknown)}")
    if Matchmaking.objects.filter(event=event).exists():
        raise ValidationError({"__all__": [_("This event already has B2B matchmaking.")]})
    parsed = parse_slots(slots, event)
    matchmaking = Matchmaking(event=event, **values)
    _check_settings(matchmaking)
    with transaction.atomic():
        try:
            _save(matchmaking, acting_user)
        except IntegrityError:  # opened at the same moment by someone else
            raise ValidationError({"__all__": [_("This event already has B2B matchmaking.")]}) from None
        for start, end in parsed:
            _save(Slot(matchmaking=matchmaking, starts_at=start, ends_at=end), acting_user)
    return matchmaking


def update_matchmaking(matchmaking: Matchmaking, values: dict, slots: str | None, *, acting_user,
                       expected_version: int | None) -> Matchmaking:
    """Change the settings and, while no meeting is scheduled, the slots."""
    unknown = set(values) - set(MATCHMAKING_FIELDS)
    if unknown:
        raise ValueError(f"Matchmaking has no editable field(s) {sorted(unknown)}")
    for name, value in values.items():
        setattr(matchmaking, name, value)
    _check_settings(matchmaking)
    parsed = parse_slots(slots, matchmaking.event) if slots is not None else None
    with transaction.atomic():
        # the save claims the next version: EditConflict if someone else saved since (visd.core.locking)
        _save(matchmaking.expect_version(expected_version), acting_user)
        if parsed is not None:
            current = [(s.starts_at, s.ends_at) for s in matchmaking.slots.all()]
            if current != parsed:
                if matchmaking.meetings.exists():
                    raise ValidationError({"slots": [_("Meetings are scheduled in these slots: the slots can no "
                                                       "longer change. Cancel the meetings first.")]})
                for slot in matchmaking.slots.all():
                    slot._history_user = acting_user
                    slot.delete()
                for start, end in parsed:
                    _save(Slot(matchmaking=matchmaking, starts_at=start, ends_at=end), acting_user)
    return matchmaking


# --- participants -----------------------------------------------------------------------------

def prefilled_profile(actor) -> tuple[str, str]:
    """What the organisation offers and seeks, from its capability profile (``visd.profiles``): the
    items every member of the ecosystem may read (public and members tiers), as lines of text. The
    participant reviews it before it is saved; restricted items are never copied."""
    if actor is None:
        return "", ""
    from visd.profiles.models import CapabilityProfile, Tier

    profile = CapabilityProfile.objects.filter(actor=actor).first()
    if profile is None:
        return "", ""
    shown = [Tier.PUBLIC, Tier.MEMBERS]
    offers = [o.text for o in profile.offers.filter(visibility__in=shown) if o.text]
    seeks = [f"{s.get_kind_display()}: {s.text}" if s.text else str(s.get_kind_display())
             for s in profile.seeks.filter(visibility__in=shown)]
    return "\n".join(offers)[:2000], "\n".join(seeks)[:2000]


def _require_registration_open(matchmaking: Matchmaking, field: str = "__all__") -> None:
    if timezone.now() > matchmaking.registration_deadline:
        raise ValidationError({field: [_("The registration deadline of this matchmaking has passed.")]})


def add_participant(matchmaking: Matchmaking, registration, *, user=None, acting_user,
                    offer: str | None = None, seek: str | None = None, organiser: bool = False) -> Participant:
    """Let a registration of the event take part; its profile is prefilled from its organisation's
    capability profile unless given. Organisers may add one after the registration deadline."""
    if registration.event_id != matchmaking.event_id:
        raise ValidationError({"registration": [_("This registration is for another event.")]})
    if registration.erased:
        raise ValidationError({"registration": [_("This registration has been erased.")]})
    if not organiser:
        _require_registration_open(matchmaking, "registration")
    if Participant.objects.filter(registration=registration).exists():
        raise ValidationError({"registration": [_("This registration already takes part in the matchmaking.")]})
    prefilled = prefilled_profile(registration.organisation)
    participant = Participant(matchmaking=matchmaking, registration=registration, user=user,
                              offer=prefilled[0] if offer is None else offer.strip(),
                              seek=prefilled[1] if seek is None else seek.strip())
    participant.full_clean()
    return _save(participant, acting_user)


def join(matchmaking: Matchmaking, user, *, name: str, acting_user) -> Participant:
    """An organisation's representative (actor user) joins: registers for the event as their
    organisation (linked to their contact record when one of the organisation's contacts has their
    e-mail address) and takes part in the matchmaking, in one transaction."""
    from visd.core import permissions
    from visd.stakeholders.models import Contact

    actor_id = permissions.own_actor_id(user)
    if actor_id is None:
        raise ValidationError({"__all__": [_("Only an organisation's representative can join as that organisation.")]})
    _require_registration_open(matchmaking)
    existing = Participant.objects.filter(matchmaking=matchmaking, registration__organisation_id=actor_id).first()
    if existing is not None:
        raise ValidationError({"__all__": [_("Your organisation already takes part (as %(name)s).")
                                           % {"name": existing.registration.name}]})
    contact = (Contact.objects.filter(actor_id=actor_id, email__iexact=user.email).first() if user.email else None)
    with transaction.atomic():
        registration = event_actions.register(matchmaking.event, name or user.get_full_name() or user.get_username(),
                                              organisation=user.profile.actor, contact=contact, acting_user=acting_user)
        return add_participant(matchmaking, registration, user=user, acting_user=acting_user)


def update_profile(participant: Participant, *, offer: str, seek: str, max_meetings: int | None,
                   unavailable_slot_ids, acting_user, organiser: bool = False,
                   expected_version: int | None = None) -> Participant:
    """Change a participant's profile; ``expected_version`` is the version the editor's form was
    opened with (``visd.core.locking``: the participant and the organiser may both edit it)."""
    if not organiser:
        _require_registration_open(participant.matchmaking)
    slots = list(participant.matchmaking.slots.filter(pk__in=list(unavailable_slot_ids)))
    if len(slots) != len(set(unavailable_slot_ids)):
        raise ValidationError({"unavailable": [_("Some slots are not slots of this matchmaking.")]})
    participant.offer, participant.seek, participant.max_meetings = offer.strip(), seek.strip(), max_meetings
    participant.full_clean()
    with transaction.atomic():
        _save(participant.expect_version(expected_version), acting_user)
        participant.unavailable.set(slots)
    return participant


# --- requests -------------------------------------------------------------------------------------

def effective_status(request: MeetingRequest, now=None) -> str:
    """A pending request past its expiry is expired, whether or not that was written yet."""
    now = now or timezone.now()
    if request.status == RequestStatus.PENDING and request.expires_at is not None and request.expires_at <= now:
        return RequestStatus.EXPIRED
    return request.status


def expire_requests(matchmaking: Matchmaking, *, acting_user=None) -> int:
    """Write the expiry of the pending requests past their time (the schedule only reads accepted ones,
    so this is for the record); returns how many."""
    count = 0
    for request in matchmaking.requests.filter(status=RequestStatus.PENDING, expires_at__lte=timezone.now()):
        request.status = RequestStatus.EXPIRED
        _save(request, acting_user, "expired")
        count += 1
    return count


def request_meeting(requester: Participant, recipient: Participant, *, priority: int = 1, message: str = "",
                    acting_user, by_organiser: bool = False, forced: bool = False,
                    build_url: notices.UrlBuilder | None = None) -> MeetingRequest:
    """Ask ``recipient`` for a meeting; its contact is told, with the link to answer. By the organiser,
    the meeting is accepted at once (and with ``forced`` must be scheduled): there is nothing to answer,
    so nobody is mailed."""
    matchmaking = requester.matchmaking
    now = timezone.now()
    if recipient.matchmaking_id != matchmaking.pk:
        raise ValidationError({"recipient": [_("This participant is not part of the same matchmaking.")]})
    if recipient.pk == requester.pk:
        raise ValidationError({"recipient": [_("A participant cannot request a meeting with itself.")]})
    if (requester.registration.organisation_id is not None
            and requester.registration.organisation_id == recipient.registration.organisation_id):
        raise ValidationError({"recipient": [_("Both participants are of the same organisation.")]})
    if priority not in (1, 2, 3):
        raise ValidationError({"priority": [_("A priority is 1, 2 or 3.")]})
    if not by_organiser and now > matchmaking.request_deadline:
        raise ValidationError({"__all__": [_("The request deadline has passed.")]})
    key = MeetingRequest.key_for(requester.pk, recipient.pk)
    existing = MeetingRequest.objects.filter(matchmaking=matchmaking, pair_key=key).first()
    if existing is not None:
        raise ValidationError({"recipient": [_("A meeting between these two participants was already requested "
                                               "(%(status)s).") % {"status": existing.get_status_display()}]})
    expires = matchmaking.request_deadline
    if matchmaking.response_days:
        expires = min(expires, now + datetime.timedelta(days=matchmaking.response_days))
    request = MeetingRequest(matchmaking=matchmaking, requester=requester, recipient=recipient, pair_key=key,
                             priority=priority, message=message.strip(), by_organiser=by_organiser, forced=forced,
                             status=RequestStatus.ACCEPTED if by_organiser else RequestStatus.PENDING,
                             expires_at=None if by_organiser else expires, answered_at=now if by_organiser else None)
    request.full_clean()
    try:
        with transaction.atomic():
            _save(request, acting_user)
            if not by_organiser:
                _notify(request, recipient, "meetings/mail/new_request", build_url)
            return request
    except IntegrityError:  # the other side asked at the same moment
        raise ValidationError({"recipient": [_("A meeting between these two participants was already requested.")]}) from None


def answer_request(request: MeetingRequest, *, accept: bool, acting_user,
                   build_url: notices.UrlBuilder | None = None) -> MeetingRequest:
    """The recipient accepts or declines; the requester is told."""
    expired = False
    with transaction.atomic():
        request = MeetingRequest.objects.select_for_update().get(pk=request.pk)
        status = effective_status(request)
        if status == RequestStatus.EXPIRED:
            if request.status != RequestStatus.EXPIRED:  # recorded, then refused (outside the transaction)
                request.status = RequestStatus.EXPIRED
                _save(request, acting_user, "expired")
            expired = True
    if expired:
        raise ValidationError({"__all__": [_("This request has expired: it was not answered in time.")]})
    with transaction.atomic():
        request = MeetingRequest.objects.select_for_update().get(pk=request.pk)
        status = effective_status(request)
        if status != RequestStatus.PENDING:
            raise ValidationError({"__all__": [_("This request was already answered (%(status)s).")
                                               % {"status": request.get_status_display()}]})
        request.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
        request.answered_at = timezone.now()
        _save(request, acting_user)
        _notify(request, request.requester, "meetings/mail/answered", build_url)
        return request


def withdraw_request(request: MeetingRequest, *, acting_user) -> MeetingRequest:
    """Either side cancels a request or an accepted meeting; a scheduled meeting of it is cancelled
    (the next schedule run frees its slot)."""
    with transaction.atomic():
        request = MeetingRequest.objects.select_for_update().get(pk=request.pk)
        if request.status in (RequestStatus.DECLINED, RequestStatus.WITHDRAWN, RequestStatus.EXPIRED):
            raise ValidationError({"__all__": [_("This request is no longer open.")]})
        meeting = Meeting.objects.filter(request=request).first()
        if meeting is not None and meeting.status in (MeetingStatus.HELD, MeetingStatus.NO_SHOW):
            raise ValidationError({"__all__": [_("This meeting has taken place; it can no longer be cancelled.")]})
        request.status = RequestStatus.WITHDRAWN
        _save(request, acting_user)
        if meeting is not None:
            meeting.status = MeetingStatus.CANCELLED
            _save(meeting, acting_user)
        return request


def notice_address(participant: Participant) -> str:
    """Where a participant's notices go: the e-mail address of its registration's contact, else that of
    the account acting for it; none for an erased registration."""
    registration = participant.registration
    if registration.erased:
        return ""
    contact = registration.contact
    if contact is not None and contact.email:
        return contact.email
    user = participant.user
    return user.email if user is not None and user.is_active and user.email else ""


def notice_language(participant: Participant) -> str:
    """The first of the contact's languages the site has, else the language of the acting
    representative's claim, else the site's default."""
    from visd.onboarding.actions import language_of

    contact = participant.registration.contact
    for code in (contact.languages if contact is not None else "").replace(";", ",").split(","):
        if notices.language_or_default(code) == code.strip().lower()[:2]:
            return code.strip().lower()[:2]
    return language_of(participant.user)


def _notify(request: MeetingRequest, to: Participant, template: str, build_url) -> None:
    """Tell ``to`` of ``request`` once it commits. The message names the other participant as the
    participants list shows it (organisation and the person who comes) and nothing more of them."""
    address = notice_address(to)
    if not address:
        return
    other = request.recipient if to.pk == request.requester_id else request.requester
    context = {"request": request, "other": str(other), "event": request.matchmaking.event,
               "accepted": request.status == RequestStatus.ACCEPTED,
               "link": notices.link(reverse("meetings:participant", args=[to.pk]), build_url)}
    notices.send_on_commit(notice_language(to), [address], template, context)


# --- the schedule ---------------------------------------------------------------------------------

@dataclass
class ScheduleResult:
    schedule: scheduling.Schedule
    created: int = 0
    moved: int = 0
    kept: int = 0
    removed: int = 0


def build_instance(matchmaking: Matchmaking, requests: list[MeetingRequest]) -> scheduling.Instance:
    """The solver's instance of a matchmaking: participants ``p<pk>``, slots ``slot<pk>``, the accepted
    requests with their priority as weight."""
    slots = list(matchmaking.slots.all())
    participants = []
    for participant in matchmaking.participants.prefetch_related("unavailable"):
        entry = {"id": f"p{participant.pk}", "unavailable": [s.key for s in participant.unavailable.all()]}
        if participant.limit() is not None:
            entry["max_meetings"] = participant.limit()
        participants.append(entry)
    return scheduling.parse_instance({
        "slots": [s.key for s in slots], "tables": matchmaking.tables, "participants": participants,
        "requests": [{"a": f"p{r.requester_id}", "b": f"p{r.recipient_id}", "weight": r.priority} for r in requests]})


def compute_schedule(matchmaking: Matchmaking, *, acting_user, time_limit: float = 30.0, allow_moves: bool = False,
                     reason: str = "") -> ScheduleResult:
    """Compute the schedule from the accepted requests and write it, all or nothing. Meetings already
    published keep their slot and table unless ``allow_moves``; forced meetings must fit. Refused
    once a meeting was checked in (the day has begun)."""
    with transaction.atomic():
        matchmaking = Matchmaking.objects.select_for_update().get(pk=matchmaking.pk)
        if matchmaking.meetings.filter(status__in=[MeetingStatus.HELD, MeetingStatus.NO_SHOW]).exists():
            raise ScheduleRefused(_("Meetings have been checked in: the schedule can no longer be recomputed."))
        if not matchmaking.slots.exists():
            raise ScheduleRefused(_("The matchmaking has no slots."))
        expire_requests(matchmaking, acting_user=acting_user)  # recorded now, in the same all-or-nothing run
        requests = list(matchmaking.requests.filter(status=RequestStatus.ACCEPTED).order_by("answered_at", "pk"))
        meetings = {m.request_id: m for m in matchmaking.meetings.select_related("slot")}
        try:
            instance = build_instance(matchmaking, requests)
        except scheduling.InstanceError as error:
            raise ScheduleRefused("; ".join(error.problems)) from None
        slot_index = {s.pk: i for i, s in enumerate(matchmaking.slots.all())}
        slots = list(matchmaking.slots.all())
        fixed = {}
        if not allow_moves:
            for index, request in enumerate(requests):
                meeting = meetings.get(request.pk)
                if meeting is not None and meeting.published and meeting.status == MeetingStatus.SCHEDULED:
                    fixed[index] = slot_index[meeting.slot_id]
        required = {index for index, request in enumerate(requests) if request.forced}
        try:
            schedule = scheduling.solve(instance, time_limit=time_limit, fixed=fixed, required=required)
        except scheduling.InstanceError as error:
            raise ScheduleRefused(_("No schedule is possible: %(problems)s.") % {"problems": "; ".join(error.problems)}) from None
        target = {}  # request pk -> slot
        request_of = {frozenset((f"p{r.requester_id}", f"p{r.recipient_id}")): r for r in requests}
        for meeting in schedule.meetings:
            target[request_of[frozenset((meeting.a, meeting.b))].pk] = slots[instance.slots.index(meeting.slot)]
        result = ScheduleResult(schedule)
        # meetings that are no longer part of the schedule (a cancelled request, a request not placed)
        for request_id, meeting in meetings.items():
            if request_id not in target:
                meeting._history_user = acting_user
                meeting.delete()
                result.removed += 1
        # tables: a meeting that stays in its slot keeps its table; the others take the free ones
        staying, placing = {}, []
        for request_id, slot in target.items():
            meeting = meetings.get(request_id)
            if meeting is not None and meeting.slot_id == slot.pk:
                staying[request_id] = meeting
            else:
                placing.append(request_id)
        used = {(m.slot_id, m.table) for m in staying.values()}
        moved = [meetings[r] for r in placing if r in meetings]
        for meeting in moved:  # out of the way first: (slot, table) is unique
            Meeting.objects.filter(pk=meeting.pk).update(table=100000 + meeting.pk)
        for request_id in placing:
            slot = target[request_id]
            table = next(n for n in range(1, matchmaking.tables + 1) if (slot.pk, n) not in used)
            used.add((slot.pk, table))
            meeting = meetings.get(request_id)
            if meeting is None:
                meeting = Meeting(matchmaking=matchmaking, request_id=request_id, slot=slot, table=table)
                result.created += 1
            else:
                meeting.slot, meeting.table, meeting.published = slot, table, False
                meeting.status = MeetingStatus.SCHEDULED
                result.moved += 1
            _save(meeting, acting_user, reason)
        for meeting in staying.values():
            if meeting.status == MeetingStatus.CANCELLED:  # a withdrawn request accepted again cannot happen,
                meeting.status = MeetingStatus.SCHEDULED  # but a cancelled meeting never stays scheduled
                _save(meeting, acting_user, reason)
            result.kept += 1
        matchmaking.scheduled_at = timezone.now()
        matchmaking.schedule_report = {
            "scheduled_weight": schedule.scheduled_weight, "upper_bound": schedule.upper_bound,
            "status": schedule.status, "meetings": len(schedule.meetings), "unscheduled": len(schedule.unscheduled),
            "idle_gaps": schedule.idle_gaps, "seconds": round(schedule.seconds, 1),
            "kept": result.kept, "moved": result.moved, "created": result.created, "removed": result.removed,
            "unscheduled_requests": [
                {"request": request_of[frozenset((u["a"], u["b"]))].pk, "reason": u["reason"]}
                for u in schedule.unscheduled],
        }
        _save(matchmaking, acting_user, reason)
    return result


def publish_schedule(matchmaking: Matchmaking, *, acting_user) -> int:
    """Publish the computed schedule: participants see their meetings; later runs keep them in place
    unless the organiser allows moves. Returns the number of meetings newly published."""
    with transaction.atomic():
        matchmaking = Matchmaking.objects.select_for_update().get(pk=matchmaking.pk)
        count = 0
        for meeting in matchmaking.meetings.filter(published=False, status=MeetingStatus.SCHEDULED):
            meeting.published = True
            _save(meeting, acting_user)
            count += 1
        if not matchmaking.meetings.exists():
            raise ValidationError({"__all__": [_("There is no schedule to publish yet.")]})
        matchmaking.published_at = timezone.now()
        _save(matchmaking, acting_user)
    return count


# --- on the day and after ------------------------------------------------------------------------

def check_in(meeting: Meeting, *, held: bool, absent: Participant | None = None, acting_user) -> Meeting:
    """Record that the meeting took place (``held``) or not (a no-show of ``absent``, or of both when
    ``absent`` is None)."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError({"__all__": [_("This meeting was cancelled.")]})
    if timezone.localdate(meeting.slot.starts_at) > timezone.localdate():
        raise ValidationError({"__all__": [_("The meeting's day has not come yet.")]})
    if absent is not None and absent.pk not in (meeting.request.requester_id, meeting.request.recipient_id):
        raise ValidationError({"absent": [_("Only one of the two participants can be absent.")]})
    meeting.status = MeetingStatus.HELD if held else MeetingStatus.NO_SHOW
    meeting.absent = None if held else absent
    return _save(meeting, acting_user)


def record_outcome(meeting: Meeting, *, outcome: str, note: str = "", acting_user) -> Meeting:
    """The outcome of a held meeting. It lands in the stakeholder register as one interaction with each
    participating organisation (kind: meeting; its contact when the registration is linked to one;
    a follow-up to do when one was agreed)."""
    from visd.core import permissions
    from visd.stakeholders import actions as stakeholder_actions

    if outcome not in Outcome.values:
        raise ValidationError({"outcome": [_("Choose an outcome.")]})
    if meeting.status != MeetingStatus.HELD:
        raise ValidationError({"outcome": [_("Only a meeting that was held can have an outcome.")]})
    if meeting.outcome:
        raise ValidationError({"outcome": [_("This meeting already has an outcome.")]})
    request = meeting.request
    event = meeting.matchmaking.event
    date = timezone.localdate(meeting.slot.starts_at)
    with transaction.atomic():
        meeting.outcome, meeting.outcome_note = outcome, note.strip()
        meeting.full_clean()
        _save(meeting, acting_user)
        staff = [acting_user] if acting_user is not None and permissions.is_visd_staff(acting_user) else []
        for participant, other in ((request.requester, request.recipient), (request.recipient, request.requester)):
            actor = participant.registration.organisation
            if actor is None:  # a registrant outside the registry: nothing to log it on
                continue
            contacts = [participant.registration.contact] if participant.registration.contact_id else []
            label = str(Outcome(outcome).label)
            values = {"date": date, "kind": "meeting",
                      "subject": (_("B2B meeting with %(other)s at %(event)s: %(outcome)s")
                                  % {"other": other, "event": event.title, "outcome": label})[:300],
                      "notes": meeting.outcome_note}
            if outcome != Outcome.NONE:
                values["follow_up"] = meeting.outcome_note or label
            interaction, _created = stakeholder_actions.log_interaction(actor, values, contacts=contacts, staff=staff,
                                                                        acting_user=acting_user)
            meeting.outcome_interactions.add(interaction)
    return meeting
