"""Screens of the stakeholder register (VISD annex 3: the programme managers' register of the
ecosystem's people and contacts). Views check access with ``visd.core.permissions``, parse the form
and call ``visd.stakeholders.actions``; every write is a POST followed by a redirect.

Edits carry the version of the record they were opened with (``visd.core.locking``): a form sent
after someone else saved the record is shown again with the user's input, what is stored now, and
status 409.

Access: anyone not logged in is sent to the login page. A logged-in user who may not see a person's
record gets 404, so whether it exists does not leak; one who may see but not change it gets 403."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from visd.actors.models import Actor
from visd.core import permissions, submission
from visd.core.locking import EditConflict, show_conflict

from . import actions
from .forms import ConfirmErasureForm, ContactForm, DossierForm, InteractionForm
from .models import Contact, Dossier, Interaction


def _visible_or_404(user, record):
    if not permissions.can_view(user, record):
        raise Http404
    return record


def _posted(request):
    """The form data of a POST (even an empty one, which must fail validation), None for a GET."""
    return request.POST if request.method == "POST" else None


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _apply_action_errors(form, error: ValidationError) -> None:
    """Show an action's validation errors on the form, by field where the form has that field."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


def _saved(request, created: bool, record, created_message: str):
    if created:
        messages.success(request, created_message)
    else:
        messages.info(request, submission.ALREADY_SENT)
    return redirect(record)


# --- contacts ----------------------------------------------------------------------------------

@login_required
def contact_detail(request, pk):
    contact = _visible_or_404(request.user, get_object_or_404(Contact.objects.select_related("actor"), pk=pk))
    show_interactions = permissions.can_view_interactions(request.user)
    return render(request, "stakeholders/contact_detail.html", {
        "contact": contact,
        "interactions": contact.interactions.select_related("dossier") if show_interactions else None,
        "can_edit": permissions.can_edit_stakeholder_records(request.user, contact.actor),
        "can_process_gdpr": permissions.can_process_gdpr_request(request.user, contact.actor),
    })


@login_required
def contact_create(request, actor_pk):
    actor = get_object_or_404(Actor, pk=actor_pk)
    _require(permissions.can_edit_stakeholder_records(request.user, actor))
    form = ContactForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            contact, created = actions.create_contact(
                actor, form.values(), acting_user=request.user, submission_key=form.submission_key
            )
        except ValidationError as error:
            _apply_action_errors(form, error)
        else:
            return _saved(request, created, contact, _("Contact %(name)s added.") % {"name": contact})
    return render(request, "stakeholders/form.html", {
        "form": form, "actor": actor, "title": _("New contact at %(actor)s") % {"actor": actor},
        "cancel_url": actor.get_absolute_url(),
    })


@login_required
def contact_edit(request, pk):
    contact = _visible_or_404(request.user, get_object_or_404(Contact.objects.select_related("actor"), pk=pk))
    _require(permissions.can_edit_stakeholder_records(request.user, contact.actor))
    form = ContactForm.for_record(contact, _posted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_contact(contact, form.values(), acting_user=request.user,
                                   expected_version=form.expected_version)
        except EditConflict as conflict:
            status = show_conflict(form, conflict)
        except ValidationError as error:
            _apply_action_errors(form, error)
        else:
            messages.success(request, _("Contact %(name)s saved.") % {"name": contact})
            return redirect(contact)
    return render(request, "stakeholders/form.html", {
        "form": form, "actor": contact.actor, "title": _("Edit contact %(name)s") % {"name": contact},
        "cancel_url": contact.get_absolute_url(),
    }, status=status)


# --- GDPR --------------------------------------------------------------------------------------

def _gdpr_contact(request, pk) -> Contact:
    contact = _visible_or_404(request.user, get_object_or_404(Contact.objects.select_related("actor"), pk=pk))
    _require(permissions.can_process_gdpr_request(request.user, contact.actor))
    return contact


@login_required
def gdpr_export(request, pk):
    """GET explains, POST downloads: the export is itself recorded in the GDPR audit log."""
    contact = _gdpr_contact(request, pk)
    if request.method == "POST":
        data = actions.export_personal_data(contact, acting_user=request.user)
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="visd-contact-{contact.pk}-{stamp}.json"'
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "stakeholders/gdpr_export.html", {"contact": contact})


@login_required
def gdpr_erase(request, pk):
    contact = _gdpr_contact(request, pk)
    form = ConfirmErasureForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        actor = contact.actor
        entry = actions.erase_personal_data(contact, acting_user=request.user)
        messages.success(request, _("The data of contact #%(id)s have been erased.") % {"id": entry.contact_id})
        return redirect(actor)
    from visd.events.actions import registrations_possibly_of

    return render(request, "stakeholders/gdpr_erase.html", {
        "contact": contact, "form": form,
        "interaction_count": contact.interactions.count(),
        "history_count": contact.history.count(),
        "registration_count": contact.event_registrations.count(),
        "mentions": actions.interactions_mentioning(contact),
        "namesake_registrations": registrations_possibly_of(contact),
    })


# --- interactions ------------------------------------------------------------------------------

def _interactions_visible(request) -> None:
    """Interactions are the programme office's notes: to anyone else they do not exist."""
    if not permissions.can_view_interactions(request.user):
        raise Http404


@login_required
def actor_interactions(request, actor_pk):
    _interactions_visible(request)
    actor = get_object_or_404(Actor, pk=actor_pk)
    interactions = actor.interactions.select_related("dossier").prefetch_related("contacts", "staff")
    return render(request, "stakeholders/actor_interactions.html", {
        "actor": actor, "interactions": interactions,
        "can_edit": permissions.can_edit_stakeholder_records(request.user, actor),
    })


@login_required
def interaction_detail(request, pk):
    _interactions_visible(request)
    interaction = get_object_or_404(
        Interaction.objects.select_related("actor", "dossier", "created_by").prefetch_related("contacts", "staff"),
        pk=pk,
    )
    return render(request, "stakeholders/interaction_detail.html", {
        "interaction": interaction,
        "can_edit": permissions.can_edit_stakeholder_records(request.user, interaction.actor),
    })


def _interaction_participants(form):
    return form.cleaned_data.get("contacts", []), form.cleaned_data.get("staff", [])


@login_required
def interaction_create(request, actor_pk):
    actor = get_object_or_404(Actor, pk=actor_pk)
    _require(permissions.can_edit_stakeholder_records(request.user, actor))
    initial = {"date": timezone.localdate(), "staff": [request.user.pk]}
    form = InteractionForm(_posted(request), actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        contacts, staff = _interaction_participants(form)
        try:
            interaction, created = actions.log_interaction(
                actor, form.values(), contacts=contacts, staff=staff, acting_user=request.user,
                submission_key=form.submission_key,
            )
        except ValidationError as error:
            _apply_action_errors(form, error)
        else:
            return _saved(request, created, interaction, _("Interaction logged."))
    return render(request, "stakeholders/form.html", {
        "form": form, "actor": actor, "title": _("Log an interaction with %(actor)s") % {"actor": actor},
        "cancel_url": actor.get_absolute_url(),
    })


@login_required
def interaction_edit(request, pk):
    _interactions_visible(request)
    interaction = get_object_or_404(Interaction.objects.select_related("actor"), pk=pk)
    _require(permissions.can_edit_stakeholder_records(request.user, interaction.actor))
    form = InteractionForm.for_record(interaction, _posted(request), actor=interaction.actor)
    status = 200
    if request.method == "POST" and form.is_valid():
        contacts, staff = _interaction_participants(form)
        try:
            actions.update_interaction(interaction, form.values(), contacts=contacts, staff=staff,
                                       acting_user=request.user, expected_version=form.expected_version)
        except EditConflict as conflict:
            status = show_conflict(form, conflict)
        except ValidationError as error:
            _apply_action_errors(form, error)
        else:
            messages.success(request, _("Interaction saved."))
            return redirect(interaction)
    return render(request, "stakeholders/form.html", {
        "form": form, "actor": interaction.actor, "title": _("Edit interaction"),
        "cancel_url": interaction.get_absolute_url(),
    }, status=status)


@login_required
@require_POST
def follow_up_done(request, pk):
    _interactions_visible(request)
    interaction = get_object_or_404(Interaction.objects.select_related("actor"), pk=pk)
    _require(permissions.can_edit_stakeholder_records(request.user, interaction.actor))
    try:
        actions.complete_follow_up(interaction, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Follow-up marked as done."))
    return redirect("stakeholders:index")


@login_required
def follow_ups(request):
    _require(permissions.is_visd_staff(request.user))
    items = Interaction.objects.open_follow_ups_of(request.user).select_related("actor", "dossier")
    return render(request, "stakeholders/follow_ups.html", {"follow_ups": items, "today": timezone.localdate()})


# --- dossiers ----------------------------------------------------------------------------------

@login_required
def dossier_list(request):
    _interactions_visible(request)
    status = request.GET.get("status", Dossier.Status.OPEN)
    dossiers = Dossier.objects.select_related("actor", "domain", "owner")
    if status in Dossier.Status.values:
        dossiers = dossiers.filter(status=status)
    return render(request, "stakeholders/dossier_list.html", {
        "dossiers": dossiers, "status": status, "statuses": Dossier.Status.choices,
        "can_create": permissions.can_create_dossier(request.user, None),
    })


@login_required
def dossier_detail(request, pk):
    _interactions_visible(request)
    dossier = get_object_or_404(Dossier.objects.select_related("actor", "domain", "owner"), pk=pk)
    return render(request, "stakeholders/dossier_detail.html", {
        "dossier": dossier,
        "interactions": dossier.interactions.select_related("actor").prefetch_related("contacts"),
        "can_edit": permissions.can_change(request.user, dossier),
    })


@login_required
def dossier_create(request):
    """``?actor=<id>`` opens a dossier about that organisation; without it, about a theme or event."""
    actor_pk = request.GET.get("actor")
    actor = get_object_or_404(Actor, pk=actor_pk) if actor_pk and actor_pk.isdigit() else None
    if actor_pk and actor is None:
        raise Http404
    _require(permissions.can_create_dossier(request.user, actor))
    form = DossierForm(_posted(request), initial={"owner": request.user.pk})
    if request.method == "POST" and form.is_valid():
        try:
            dossier, created = actions.create_dossier(
                actor, form.values(), acting_user=request.user, submission_key=form.submission_key
            )
        except ValidationError as error:
            _apply_action_errors(form, error)
        else:
            return _saved(request, created, dossier, _("Dossier opened."))
    title = _("New dossier about %(actor)s") % {"actor": actor} if actor else _("New dossier")
    return render(request, "stakeholders/form.html", {
        "form": form, "actor": actor, "title": title,
        "cancel_url": actor.get_absolute_url() if actor else reverse("stakeholders:dossiers"),
    })


@login_required
def dossier_edit(request, pk):
    _interactions_visible(request)
    dossier = get_object_or_404(Dossier.objects.select_related("actor"), pk=pk)
    _require(permissions.can_change(request.user, dossier))
    form = DossierForm.for_record(dossier, _posted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_dossier(dossier, form.values(), acting_user=request.user,
                                   expected_version=form.expected_version)
        except EditConflict as conflict:
            status = show_conflict(form, conflict)
        except ValidationError as error:
            _apply_action_errors(form, error)
        else:
            messages.success(request, _("Dossier saved."))
            return redirect(dossier)
    return render(request, "stakeholders/form.html", {
        "form": form, "actor": dossier.actor, "title": _("Edit dossier %(title)s") % {"title": dossier},
        "cancel_url": dossier.get_absolute_url(),
    }, status=status)
