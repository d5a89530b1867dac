"""The representative's pages: edit the organisation's profile, its offers and what it seeks. The
profile is shown on the actor's page (``templatetags/visd_profiles.py``), item by item as the
viewer's tier allows."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from visd.actors.models import Actor
from visd.core import permissions

from . import actions
from .forms import OfferForm, ProfileForm, SeekForm
from .models import Offer, Seek

ENTRIES = {"offers": (Offer, OfferForm, actions.save_offer, "offer"),
           "seeks": (Seek, SeekForm, actions.save_seek, "seek")}


def _actor_for(request, actor_pk) -> Actor:
    if not request.user.is_authenticated:
        raise _LoginRequired
    actor = get_object_or_404(Actor, pk=actor_pk)
    if not permissions.can_edit_profile(request.user, actor):
        raise PermissionDenied
    return actor


class _LoginRequired(Exception):
    pass


def _login_required(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _LoginRequired:
            return redirect_to_login(request.get_full_path())
    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _version(request, default) -> int:
    version = request.POST.get("version", "")
    return int(version) if version.isdigit() else default


@_login_required
def profile_edit(request, actor_pk):
    actor = _actor_for(request, actor_pk)
    profile = actions.profile_of(actor)
    statements = {s.item: s for s in profile.statements.all()} if profile.pk else {}
    version, status = profile.version, 200
    form = ProfileForm(request.POST or None, instance=profile, statements=statements)
    if request.method == "POST":
        version = _version(request, 0)
        if form.is_valid():
            try:
                actions.update_profile(actor, form.values(), form.tiers(), acting_user=request.user,
                                       expected_version=version if profile.pk else None)
            except actions.EditConflict as conflict:
                messages.error(request, str(conflict))
                version, status = conflict.record.version, 409
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Profile saved."))
                return redirect(actor)
    return render(request, "profiles/form.html", {
        "form": form, "actor": actor, "version": version,
        "title": _("Profile of %(actor)s") % {"actor": actor.name}}, status=status)


@_login_required
def entry_edit(request, actor_pk, kind, pk=None):
    if kind not in ENTRIES:
        raise Http404
    model, form_class, save, _name = ENTRIES[kind]
    actor = _actor_for(request, actor_pk)
    entry = get_object_or_404(model, pk=pk, profile_id=actor.pk) if pk is not None else None
    version, status = (entry.version if entry else None), 200
    form = form_class(request.POST or None, instance=entry)
    if request.method == "POST":
        version = _version(request, 0) if entry else None
        if form.is_valid():
            try:
                save(actor, form.values(), acting_user=request.user,
                     **({model._meta.model_name: model.objects.get(pk=entry.pk)} if entry else {}),
                     expected_version=version)
            except actions.EditConflict as conflict:
                messages.error(request, str(conflict))
                version, status = conflict.record.version, 409
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(actor)
    title = (_("New offer") if kind == "offers" else _("Something sought")) if entry is None else str(entry)
    return render(request, "profiles/form.html", {"form": form, "actor": actor, "version": version,
                                                  "title": title}, status=status)


@require_POST
@_login_required
def entry_delete(request, actor_pk, kind, pk):
    if kind not in ENTRIES:
        raise Http404
    actor = _actor_for(request, actor_pk)
    entry = get_object_or_404(ENTRIES[kind][0], pk=pk, profile_id=actor.pk)
    actions.delete_entry(entry, acting_user=request.user)
    messages.success(request, _("Deleted."))
    return redirect(actor)
