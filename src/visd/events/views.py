"""Screens of events: list, detail with registrations, attendance and survey, create and edit.
Views check permissions, parse and call ``visd.events.actions``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from visd.core import permissions, submission
from visd.core.feedback import report_validation_error
from visd.core.locking import EditConflict, show_conflict
from visd.stakeholders.forms import ConfirmErasureForm

from . import actions, kpis
from .forms import EventForm, LinkContactForm, RegistrationForm, SurveyForm
from .models import Event, EventKind, Registration


def _event_for(request, pk, *, change=False) -> Event:
    event = get_object_or_404(Event.objects.select_related("domain"), pk=pk)
    if change and not permissions.can_change(request.user, event):
        raise PermissionDenied
    return event



def _form_messages(request, form):
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


def event_list(request):
    events = Event.objects.select_related("domain")
    kind = request.GET.get("kind", "")
    if kind in EventKind.values:
        events = events.filter(kind=kind)
    today = timezone.localdate()
    return render(request, "events/list.html", {
        "upcoming": events.filter(date__gte=today).order_by("date"),
        "past": events.filter(date__lt=today),
        "kinds": EventKind.choices, "selected_kind": kind,
        "can_create": permissions.can_create_programme_records(request.user),
        "this_year": kpis.year_figures(today.year) if permissions.is_visd_staff(request.user) else None,
        "year": today.year,
    })


def event_detail(request, pk):
    event = _event_for(request, pk)
    staff = permissions.can_view_event_registrations(request.user)
    can_change = permissions.can_change(request.user, event)
    held = event.date <= timezone.localdate()
    return render(request, "events/detail.html", {
        "event": event,
        "registrations": event.registrations.select_related("organisation", "contact") if staff else None,
        "registration_count": event.registrations.count(),
        "attended_count": event.registrations.filter(attended=True).count(),
        "survey": kpis.survey_summary(event.survey_responses.all()),
        "comments": event.survey_responses.exclude(comment="") if staff else None,
        "can_change": can_change, "held": held,
        "registration_form": RegistrationForm() if can_change else None,
        "survey_form": SurveyForm() if can_change and held else None,
    })


def event_create(request):
    if not permissions.can_create_programme_records(request.user):
        raise PermissionDenied
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        if not permissions.can_edit_programme_domain(request.user, form.cleaned_data["domain"]):
            raise PermissionDenied
        try:
            event = actions.create_event(form.values(), acting_user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Event recorded."))
            return redirect(event)
    return render(request, "events/form.html", {"form": form, "title": _("New event")})


def event_edit(request, pk):
    event = _event_for(request, pk, change=True)
    status = 200
    form = EventForm(request.POST or None, instance=Event.objects.get(pk=pk), user=request.user)
    if request.method == "POST" and form.is_valid():
        if not permissions.can_edit_programme_domain(request.user, form.cleaned_data["domain"]):
            raise PermissionDenied
        try:
            actions.update_event(event, form.values(), acting_user=request.user,
                                 expected_version=form.expected_version)
        except EditConflict as conflict:
            status = show_conflict(form, conflict)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Event saved."))
            return redirect(event)
    return render(request, "events/form.html", {"form": form, "title": _("Edit %(event)s") % {"event": event.title},
                                                "event": event}, status=status)


@require_POST
def registration_add(request, pk):
    event = _event_for(request, pk, change=True)
    form = RegistrationForm(request.POST)
    if not form.is_valid():
        _form_messages(request, form)
        return redirect(event)
    try:
        registration, created = actions.register_once(
            event, form.cleaned_data["name"], organisation=form.cleaned_data["organisation"],
            organisation_name=form.cleaned_data["organisation_name"], contact=form.cleaned_data["contact"],
            acting_user=request.user, submission_key=form.submission_key)
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        if not created:
            messages.info(request, submission.ALREADY_SENT)
            return redirect(event)
        messages.success(request, _("Registration added."))
        suggestion = actions.suggested_contact(registration)
        if suggestion is not None:
            messages.info(request, _(
                "%(name)s has the name of %(contact)s, a contact of %(organisation)s. If it is the same person, "
                "link the registration to the contact on the registration's page.") % {
                "name": registration.name, "contact": suggestion, "organisation": suggestion.actor})
    return redirect(event)


# --- one registration: link to a contact, GDPR erasure ---------------------------------------------

def _registration_for(request, pk) -> Registration:
    """Registrations are VISD staff only: to anyone else they do not exist."""
    if not permissions.can_view_event_registrations(request.user):
        raise Http404
    return get_object_or_404(Registration.objects.select_related("event", "organisation", "contact__actor"), pk=pk)


def registration_detail(request, pk):
    """A registration with its link to the stakeholder register; POST links or unlinks a contact."""
    registration = _registration_for(request, pk)
    can_change = permissions.can_change(request.user, registration.event)
    form = None
    if can_change and not registration.erased:
        suggestion = actions.suggested_contact(registration)
        form = LinkContactForm(request.POST if request.method == "POST" else None, registration=registration,
                               initial={"contact": registration.contact_id or (suggestion.pk if suggestion else None)})
    else:
        suggestion = None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.link_contact(registration, form.cleaned_data["contact"], acting_user=request.user)
            except ValidationError as error:
                report_validation_error(request, error)
            else:
                messages.success(request, _("Contact link saved."))
            return redirect("events:registration", registration.pk)
    return render(request, "events/registration.html", {
        "registration": registration, "event": registration.event, "link_form": form, "suggestion": suggestion,
        "can_erase": (permissions.can_erase_event_registration(request.user, registration)
                      and registration.contact_id is None and not registration.erased),
    })


def registration_erase(request, pk):
    """Erase a registration of a person who is not a contact (GDPR art. 17): GET asks, POST erases."""
    registration = _registration_for(request, pk)
    if not permissions.can_erase_event_registration(request.user, registration):
        raise PermissionDenied
    form = ConfirmErasureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = actions.erase_registration(registration, acting_user=request.user)
        except ValidationError as error:
            report_validation_error(request, error)
            return redirect("events:registration", registration.pk)
        if entry is None:
            messages.info(request, _("This registration had already been erased; nothing was changed."))
        else:
            messages.success(request, _("The registration has been erased; the event's figures are unchanged."))
        return redirect(registration.event)
    return render(request, "events/registration_erase.html", {
        "registration": registration, "event": registration.event, "form": form,
        "history_count": registration.history.count(),
    })


@require_POST
def attendance(request, pk):
    event = _event_for(request, pk, change=True)
    ids = [int(value) for value in request.POST.getlist("attended") if value.isdigit()]
    try:
        number = actions.set_attendance(event, ids, acting_user=request.user)
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(request, _("Attendance saved: %(number)s present.") % {"number": number})
    return redirect(event)


@require_POST
def survey_add(request, pk):
    event = _event_for(request, pk, change=True)
    form = SurveyForm(request.POST)
    if not form.is_valid():
        _form_messages(request, form)
        return redirect(event)
    try:
        _responses, created = actions.record_survey_responses(
            event, form.cleaned_data["score"], form.cleaned_data["number"], form.cleaned_data["comment"],
            acting_user=request.user, submission_key=form.submission_key)
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        if created:
            messages.success(request, _("Survey answers recorded."))
        else:
            messages.info(request, submission.ALREADY_SENT)
    return redirect(event)
