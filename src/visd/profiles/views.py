"""The representative's pages: edit the organisation's profile, its offers and what it seeks. The
profile is shown on the actor's page (``templatetags/visd_profiles.py``), item by item as the
viewer's tier allows."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from visd.actors.models import Actor
from visd.core import permissions, submission
from visd.core.locking import EditConflict, show_conflict

from . import actions, review
from .forms import OfferForm, ProfileForm, SeekForm
from .models import Offer, Review, Seek
from .reminders import reminder_days

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


@_login_required
def profile_edit(request, actor_pk):
    actor = _actor_for(request, actor_pk)
    profile = actions.profile_of(actor)
    statements = {s.item: s for s in profile.statements.all()} if profile.pk else {}
    status = 200
    form = ProfileForm(request.POST or None, instance=profile, statements=statements)
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.update_profile(actor, form.values(), form.tiers(), acting_user=request.user,
                                       expected_version=form.expected_version)
            except EditConflict as conflict:
                status = show_conflict(form, conflict)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Profile saved."))
                return redirect(actor)
    return render(request, "profiles/form.html", {
        "form": form, "actor": actor,
        "title": _("Profile of %(actor)s") % {"actor": actor.name}}, status=status)


@_login_required
def entry_edit(request, actor_pk, kind, pk=None):
    if kind not in ENTRIES:
        raise Http404
    model, form_class, save, _name = ENTRIES[kind]
    actor = _actor_for(request, actor_pk)
    entry = get_object_or_404(model, pk=pk, profile_id=actor.pk) if pk is not None else None
    status = 200
    form = form_class(request.POST or None, instance=entry)
    if request.method == "POST":
        if form.is_valid():
            try:
                sent_before = False
                if entry is None:
                    _entry, created = actions.add_entry(model, actor, form.values(), acting_user=request.user,
                                                        submission_key=form.submission_key)
                    sent_before = not created
                else:
                    save(actor, form.values(), acting_user=request.user,
                         **{model._meta.model_name: model.objects.get(pk=entry.pk)},
                         expected_version=form.expected_version)
            except EditConflict as conflict:
                status = show_conflict(form, conflict)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if sent_before:
                    messages.info(request, submission.ALREADY_SENT)
                else:
                    messages.success(request, _("Saved."))
                return redirect(actor)
    title = (_("New offer") if kind == "offers" else _("Something sought")) if entry is None else str(entry)
    return render(request, "profiles/form.html", {"form": form, "actor": actor, "title": title}, status=status)


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


# --- validation: the programme managers' queue (issue 14 item 4; docs/onboarding.md) ----------------

def _queue_rows(user, status: str) -> list[dict]:
    from .models import ProfileStatement

    rows = []
    for kind, model in actions.ITEM_MODELS.items():
        queryset = model.objects.filter(review=status).select_related("profile__actor", "stated_by", "reviewed_by")
        if model is ProfileStatement:
            queryset = queryset.select_related("profile")
        for item in permissions.reviewable_profile_items(user, queryset).order_by("stated_at")[:300]:
            rows.append({"kind": kind, "item": item, "actor": item.profile.actor,
                         "label": item.get_item_display() if kind == "statement" else model._meta.verbose_name,
                         "differences": review.differences(item),
                         "seen": item.stated_at.isoformat() if item.stated_at else ""})
    rows.sort(key=lambda row: (row["item"].stated_at is None, row["item"].stated_at))
    return rows


@login_required
def review_queue(request):
    """The changes waiting for the viewer's decision (or decided ones, ``?status=``), oldest first, each
    with what it changes against the published version."""
    if not permissions.can_view_review_queue(request.user):
        raise PermissionDenied
    status = request.GET.get("status") or Review.PENDING
    if status not in (Review.PENDING, Review.REJECTED, Review.PUBLISHED):
        status = Review.PENDING
    rows = _queue_rows(request.user, status)
    return render(request, "profiles/review_queue.html", {
        "rows": rows, "status": status, "reminder_days": reminder_days(),
        "statuses": [(Review.PENDING, Review.PENDING.label), (Review.PUBLISHED, Review.PUBLISHED.label),
                     (Review.REJECTED, Review.REJECTED.label)]})


@require_POST
@login_required
def review_decide(request, kind, pk):
    if not permissions.can_view_review_queue(request.user):
        raise PermissionDenied
    decision = request.POST.get("decision")
    try:
        if decision not in ("approve", "reject"):
            raise ValidationError(_("Choose to approve or to reject."))
        item = actions.decide(kind, pk, approve=decision == "approve", acting_user=request.user,
                              reason=request.POST.get("reason", ""),
                              expected_stated_at=request.POST.get("seen", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if decision == "approve":
            messages.success(request, _("Published: %(item)s (%(actor)s).") % {"item": item, "actor": item.profile})
        else:
            messages.success(request, _("Rejected; the organisation sees your reason."))
    return redirect("profiles:review")


@require_POST
@login_required
def mark_trusted(request, actor_pk):
    actor = get_object_or_404(Actor, pk=actor_pk)
    if not permissions.can_mark_trusted(request.user):
        raise PermissionDenied
    trusted = request.POST.get("trusted") == "1"
    actions.set_trusted(actor, trusted, acting_user=request.user)
    messages.success(request, _("%(actor)s is now trusted: its changes are published at once.") % {"actor": actor.name}
                     if trusted else _("%(actor)s is no longer trusted: its changes wait for validation.")
                     % {"actor": actor.name})
    return redirect(actor)
