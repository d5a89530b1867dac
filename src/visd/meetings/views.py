"""Screens of B2B matchmaking: the event's matchmaking page (organiser overview, joining, the
participants), settings, a participant's page (profile, requests, recommendations, request form), the
agenda (page, PDF, .ics), the table plan and the day's check-in with outcomes. Views check permissions
(``visd.core.permissions``), parse and call ``visd.meetings.actions``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from visd.core import permissions
from visd.core.locking import EditConflict, show_conflict
from visd.core.feedback import report_validation_error
from visd.events.models import ERASED_NAME, Event

from . import actions, agendas, kpis, recommendations, scheduling
from .forms import MatchmakingForm, OrganiserMeetingForm, OutcomeForm, ProfileForm, RequestForm, ScheduleForm
from .models import Matchmaking, Meeting, MeetingRequest, MeetingStatus, Participant

#: Why an accepted request was left out of the schedule (``scheduling.REASONS``), for the overview.
REASON_LABELS = {
    scheduling.REASON_NOT_AVAILABLE_TOGETHER: gettext_lazy("the two have no slot in which both are available"),
    scheduling.REASON_MAXIMUM_REACHED: gettext_lazy("one of them already has its maximum number of meetings"),
    scheduling.REASON_NO_FREE_SLOT: gettext_lazy("every slot both could use is taken by their other meetings or "
                                                 "has no free table"),
}

#: The schedule button's time limit (seconds): a page request should not wait longer; the command
#: ``visd meetings schedule --event`` takes any limit.
PAGE_TIME_LIMIT = 20


def _matchmaking(event_id) -> Matchmaking:
    return get_object_or_404(Matchmaking.objects.select_related("event"), event_id=event_id)


def _organiser_only(request, matchmaking):
    if not permissions.can_organise_matchmaking(request.user, matchmaking.event):
        raise PermissionDenied


def _participant_for(request, pk) -> Participant:
    participant = get_object_or_404(Participant.objects.select_related("matchmaking__event", "registration__organisation"), pk=pk)
    if not permissions.can_act_for_participant(request.user, participant):
        raise PermissionDenied
    return participant


def _own_participant(user, matchmaking):
    own = permissions.own_actor_id(user)
    if own is None:
        return None
    return matchmaking.participants.filter(registration__organisation_id=own).select_related("registration").first()


def detail(request, event_id):
    event = get_object_or_404(Event, pk=event_id)
    organiser = permissions.can_organise_matchmaking(request.user, event)
    matchmaking = Matchmaking.objects.filter(event=event).first()
    if matchmaking is None:
        if organiser:
            return redirect("meetings:open", event_id=event.pk)
        raise Http404(_("This event has no B2B matchmaking."))
    own = _own_participant(request.user, matchmaking)
    can_see_participants = permissions.can_view_matchmaking_participants(request.user, matchmaking)
    participants = None
    query = request.GET.get("q", "").strip()
    if can_see_participants:
        participants = matchmaking.participants.select_related("registration__organisation")
        if query:
            participants = participants.filter(Q(offer__icontains=query) | Q(seek__icontains=query)
                                               | Q(registration__organisation_name__icontains=query)
                                               | Q(registration__name__icontains=query))
    context = {
        "event": event, "matchmaking": matchmaking, "organiser": organiser, "own": own, "query": query,
        "participants": participants, "slots": matchmaking.slots.all(),
        "can_join": own is None and permissions.can_join_matchmaking(request.user)
                    and timezone.now() <= matchmaking.registration_deadline,
        "now": timezone.now(),
    }
    if organiser:
        context.update({
            "figures": kpis.event_figures(matchmaking),
            "report": matchmaking.schedule_report,
            "left_out": _left_out(matchmaking),
            "organiser_form": OrganiserMeetingForm(matchmaking=matchmaking),
            "schedule_form": ScheduleForm(),
            "registrations": event.registrations.filter(matchmaking_participant__isnull=True).exclude(name=ERASED_NAME),
        })
    return render(request, "meetings/detail.html", context)


def _left_out(matchmaking) -> list[tuple]:
    """The accepted requests the last run could not place, with the reason, for the organiser."""
    entries = matchmaking.schedule_report.get("unscheduled_requests", [])
    requests = MeetingRequest.objects.select_related("requester__registration", "recipient__registration").in_bulk(
        [entry["request"] for entry in entries])
    return [(requests[entry["request"]], REASON_LABELS.get(entry["reason"], entry["reason"]))
            for entry in entries if entry["request"] in requests]


def open_matchmaking(request, event_id):
    event = get_object_or_404(Event, pk=event_id)
    if not permissions.can_organise_matchmaking(request.user, event):
        raise PermissionDenied
    if Matchmaking.objects.filter(event=event).exists():
        return redirect("meetings:detail", event_id=event.pk)
    form = MatchmakingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.open_matchmaking(event, form.values(), form.cleaned_data["slots"], acting_user=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("B2B matchmaking is open."))
            return redirect("meetings:detail", event_id=event.pk)
    return render(request, "meetings/form.html", {"form": form, "event": event,
                                                  "title": _("Open B2B matchmaking: %(event)s") % {"event": event.title}})


def _add_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def edit_matchmaking(request, event_id):
    matchmaking = _matchmaking(event_id)
    _organiser_only(request, matchmaking)
    version = request.POST.get("version", matchmaking.version)
    status = 200
    form = MatchmakingForm(request.POST or None, instance=Matchmaking.objects.get(pk=matchmaking.pk),
                           initial={"slots": actions.slots_text(matchmaking)})
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_matchmaking(matchmaking, form.values(), form.cleaned_data["slots"], acting_user=request.user,
                                       expected_version=int(version) if str(version).isdigit() else 0)
        except actions.EditConflict as conflict:
            messages.error(request, str(conflict))
            version, status = conflict.record.version, 409
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Matchmaking saved."))
            return redirect("meetings:detail", event_id=matchmaking.event_id)
    return render(request, "meetings/form.html", {"form": form, "event": matchmaking.event, "version": version,
                                                  "title": _("B2B matchmaking settings: %(event)s") % {"event": matchmaking.event.title}},
                  status=status)


@require_POST
def join(request, event_id):
    matchmaking = _matchmaking(event_id)
    if not permissions.can_join_matchmaking(request.user):
        raise PermissionDenied
    try:
        participant = actions.join(matchmaking, request.user, name=request.POST.get("name", "").strip(),
                                   acting_user=request.user)
    except ValidationError as error:
        report_validation_error(request, error)
        return redirect("meetings:detail", event_id=event_id)
    messages.success(request, _("Your organisation takes part. Check the profile we prefilled and publish it."))
    return redirect("meetings:profile", pk=participant.pk)


@require_POST
def add_participant(request, event_id):
    matchmaking = _matchmaking(event_id)
    _organiser_only(request, matchmaking)
    registration = matchmaking.event.registrations.filter(pk=request.POST.get("registration") or 0).first()
    if registration is None:
        messages.error(request, _("Choose a registration of this event."))
    else:
        try:
            actions.add_participant(matchmaking, registration, acting_user=request.user, organiser=True)
        except ValidationError as error:
            report_validation_error(request, error)
        else:
            messages.success(request, _("%(name)s takes part.") % {"name": registration.name})
    return redirect("meetings:detail", event_id=event_id)


def participant_detail(request, pk):
    participant = get_object_or_404(Participant.objects.select_related("matchmaking__event", "registration__organisation"), pk=pk)
    matchmaking = participant.matchmaking
    if not permissions.can_view_matchmaking_participants(request.user, matchmaking):
        raise PermissionDenied
    acting = permissions.can_act_for_participant(request.user, participant)
    own = _own_participant(request.user, matchmaking)
    context = {"participant": participant, "matchmaking": matchmaking, "event": matchmaking.event, "acting": acting,
               "own": own, "now": timezone.now()}
    if own is not None and own.pk != participant.pk:
        key = MeetingRequest.key_for(own.pk, participant.pk)
        context["existing_request"] = matchmaking.requests.filter(pair_key=key).first()
        context["request_form"] = RequestForm()
    if acting:
        context["received"] = [(r, actions.effective_status(r)) for r in participant.requests_received.select_related("requester__registration")]
        context["sent"] = [(r, actions.effective_status(r)) for r in participant.requests_sent.select_related("recipient__registration")]
        context["recommendations"] = recommendations.recommend(participant)
        context["requested_ids"] = {r.recipient_id for r, _s in context["sent"]} | {r.requester_id for r, _s in context["received"]}
    return render(request, "meetings/participant.html", context)


def profile(request, pk):
    participant = _participant_for(request, pk)
    organiser = permissions.can_organise_matchmaking(request.user, participant.matchmaking.event)
    form = ProfileForm(request.POST or None, instance=Participant.objects.get(pk=participant.pk))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_profile(participant, offer=form.cleaned_data["offer"], seek=form.cleaned_data["seek"],
                                   max_meetings=form.cleaned_data["max_meetings"],
                                   unavailable_slot_ids=[s.pk for s in form.cleaned_data["unavailable"]],
                                   acting_user=request.user, organiser=organiser,
                                   expected_version=form.expected_version)
        except EditConflict as conflict:
            status = show_conflict(form, conflict)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("meetings:participant", pk=participant.pk)
    return render(request, "meetings/form.html", {"form": form, "event": participant.matchmaking.event,
                                                  "title": _("Matchmaking profile of %(participant)s") % {"participant": participant}},
                  status=status)


@require_POST
def request_meeting(request, pk):
    recipient = get_object_or_404(Participant.objects.select_related("matchmaking__event"), pk=pk)
    requester = _own_participant(request.user, recipient.matchmaking)
    if requester is None:
        raise PermissionDenied
    form = RequestForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("meetings:participant", pk=pk)
    try:
        actions.request_meeting(requester, recipient, priority=form.cleaned_data["priority"],
                                message=form.cleaned_data["message"], acting_user=request.user,
                                build_url=request.build_absolute_uri)
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(request, _("Meeting requested from %(name)s.") % {"name": recipient})
    return redirect("meetings:participant", pk=pk)


@require_POST
def answer(request, pk):
    meeting_request = get_object_or_404(MeetingRequest.objects.select_related("recipient__matchmaking__event"), pk=pk)
    if not permissions.can_act_for_participant(request.user, meeting_request.recipient):
        raise PermissionDenied
    accept = request.POST.get("answer") == "accept"
    if request.POST.get("answer") not in ("accept", "decline"):
        messages.error(request, _("Accept or decline the request."))
    else:
        try:
            actions.answer_request(meeting_request, accept=accept, acting_user=request.user,
                                   build_url=request.build_absolute_uri)
        except ValidationError as error:
            report_validation_error(request, error)
        else:
            messages.success(request, _("Request accepted.") if accept else _("Request declined."))
    return redirect("meetings:participant", pk=meeting_request.recipient_id)


@require_POST
def withdraw(request, pk):
    meeting_request = get_object_or_404(MeetingRequest.objects.select_related("requester", "recipient"), pk=pk)
    side = next((p for p in (meeting_request.requester, meeting_request.recipient)
                 if permissions.can_act_for_participant(request.user, p)), None)
    if side is None:
        raise PermissionDenied
    try:
        actions.withdraw_request(meeting_request, acting_user=request.user)
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(request, _("The meeting is cancelled."))
    return redirect("meetings:participant", pk=side.pk)


@require_POST
def organiser_meeting(request, event_id):
    matchmaking = _matchmaking(event_id)
    _organiser_only(request, matchmaking)
    form = OrganiserMeetingForm(request.POST, matchmaking=matchmaking)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    else:
        try:
            actions.request_meeting(form.cleaned_data["first"], form.cleaned_data["second"],
                                    priority=form.cleaned_data["priority"], acting_user=request.user,
                                    by_organiser=True, forced=form.cleaned_data["forced"])
        except ValidationError as error:
            report_validation_error(request, error)
        else:
            messages.success(request, _("Meeting added."))
    return redirect("meetings:detail", event_id=event_id)


@require_POST
def schedule(request, event_id):
    matchmaking = _matchmaking(event_id)
    _organiser_only(request, matchmaking)
    form = ScheduleForm(request.POST)
    form.is_valid()
    try:
        result = actions.compute_schedule(matchmaking, acting_user=request.user, time_limit=PAGE_TIME_LIMIT,
                                          allow_moves=form.cleaned_data.get("allow_moves", False))
    except actions.ScheduleRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Schedule computed: %(meetings)s meetings, weight %(weight)s of at most %(bound)s.")
                         % {"meetings": len(result.schedule.meetings), "weight": result.schedule.scheduled_weight,
                            "bound": result.schedule.upper_bound})
    return redirect("meetings:detail", event_id=event_id)


@require_POST
def publish(request, event_id):
    matchmaking = _matchmaking(event_id)
    _organiser_only(request, matchmaking)
    try:
        count = actions.publish_schedule(matchmaking, acting_user=request.user)
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(request, _("Schedule published (%(count)s meetings newly published).") % {"count": count})
    return redirect("meetings:detail", event_id=event_id)


def _agenda_rows(request, participant):
    organiser = permissions.can_organise_matchmaking(request.user, participant.matchmaking.event)
    return agendas.agenda(participant, include_unpublished=organiser)


def agenda(request, pk):
    participant = _participant_for(request, pk)
    return render(request, "meetings/agenda.html", {"participant": participant, "event": participant.matchmaking.event,
                                                    "rows": _agenda_rows(request, participant)})


def _filename(participant, extension):
    return f"agenda-{slugify(participant.matchmaking.event.title)[:40]}-{participant.pk}.{extension}"


def agenda_pdf(request, pk):
    participant = _participant_for(request, pk)
    response = HttpResponse(agendas.agenda_pdf(participant, _agenda_rows(request, participant)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(participant, "pdf")}"'
    return response


def agenda_ics(request, pk):
    participant = _participant_for(request, pk)
    body = agendas.agenda_ics(participant, _agenda_rows(request, participant), site=request.get_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(participant, "ics")}"'
    return response


def table_plan(request, event_id):
    matchmaking = _matchmaking(event_id)
    _organiser_only(request, matchmaking)
    slots = list(matchmaking.slots.all())
    meetings = (matchmaking.meetings.exclude(status=MeetingStatus.CANCELLED)
                .select_related("slot", "request__requester__registration", "request__recipient__registration"))
    grid = {(m.slot_id, m.table): m for m in meetings}
    used_tables = sorted({m.table for m in grid.values()})
    rows = [{"number": t, "name": matchmaking.table_name(t), "cells": [grid.get((s.pk, t)) for s in slots]} for t in used_tables]
    return render(request, "meetings/tables.html", {"matchmaking": matchmaking, "event": matchmaking.event,
                                                    "slots": slots, "rows": rows})


def day(request, event_id):
    """The organiser's day view: every meeting by slot, with check-in, no-show and outcome."""
    matchmaking = _matchmaking(event_id)
    _organiser_only(request, matchmaking)
    meetings = (matchmaking.meetings.exclude(status=MeetingStatus.CANCELLED)
                .select_related("slot", "request__requester__registration", "request__recipient__registration"))
    return render(request, "meetings/day.html", {"matchmaking": matchmaking, "event": matchmaking.event,
                                                 "meetings": meetings, "outcome_form": OutcomeForm()})


def _meeting_for_organiser(request, pk) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("matchmaking__event", "slot", "request"), pk=pk)
    _organiser_only(request, meeting.matchmaking)
    return meeting


@require_POST
def check_in(request, pk):
    meeting = _meeting_for_organiser(request, pk)
    state = request.POST.get("state")
    absent = None
    if state in ("no_show_requester", "no_show_recipient"):
        absent = meeting.request.requester if state == "no_show_requester" else meeting.request.recipient
    if state not in ("held", "no_show", "no_show_requester", "no_show_recipient"):
        messages.error(request, _("Say whether the meeting was held."))
    else:
        try:
            actions.check_in(meeting, held=state == "held", absent=absent, acting_user=request.user)
        except ValidationError as error:
            report_validation_error(request, error)
        else:
            messages.success(request, _("Checked in."))
    return redirect(reverse("meetings:day", args=[meeting.matchmaking.event_id]) + f"#meeting-{meeting.pk}")


@require_POST
def outcome(request, pk):
    meeting = _meeting_for_organiser(request, pk)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    else:
        try:
            actions.record_outcome(meeting, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"],
                                   acting_user=request.user)
        except ValidationError as error:
            report_validation_error(request, error)
        else:
            messages.success(request, _("Outcome recorded in the stakeholder register."))
    return redirect(reverse("meetings:day", args=[meeting.matchmaking.event_id]) + f"#meeting-{meeting.pk}")
