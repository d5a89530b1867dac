"""The test-facility finder (public), the inventory upload (management only), the provider's pages
(claim, add, change: proposals) and the programme office's queue of proposals."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from visd.actors.models import Actor
from visd.core import permissions, submission
from visd.core.locking import EditConflict, show_conflict
from visd.core.listing import filtered_page
from visd.core.permissions import can_manage_reference_data
from visd.imports.lock import ImportBusy

from . import actions, meril
from .filtersets import FacilityFinderFilterSet
from .forms import ClaimSearchForm, FacilityDecisionForm, FacilityProposalForm, FacilityUploadForm
from .importer import COLUMNS, EXAMPLE_FILE, FacilityImportError, decode, import_facilities
from .models import ChangeStatus, FacilityChange, Infrastructure, Origin, ValidationStatus


# Where the network's access rules (market terms, training, the provider decides) are written: shown as
# the document's title and section, linking to the passage (visd.sources).
ACCESS_RULES_SOURCE = "VISD (003_27119044b2e4ee18.txt), 4.4, lines 1052-1065"


def _meril_credit() -> dict:
    return {"credit": meril.MERIL_CREDIT, "licence": meril.MERIL_LICENCE, "licence_url": meril.MERIL_LICENCE_URL,
            "portal_url": meril.MERIL_PORTAL_URL}


def facility_list(request):
    facilities = Infrastructure.objects.select_related("operator").prefetch_related("domains")
    context = filtered_page(request, FacilityFinderFilterSet, facilities)
    context["can_import"] = can_manage_reference_data(request.user)
    context["is_provider"] = permissions.own_actor_id(request.user) is not None
    context["can_review"] = permissions.can_view_claim_queue(request.user)
    context["meril"] = _meril_credit() if Infrastructure.objects.filter(origin=Origin.MERIL).exists() else None
    return render(request, "facilities/facility_list.html", context)


def facility_detail(request, pk):
    facility = get_object_or_404(Infrastructure.objects.select_related("operator", "contact_person")
                                 .prefetch_related("domains"), pk=pk)
    own = permissions.own_actor_id(request.user)
    can_propose = permissions.can_propose_facility_change(request.user, facility)
    return render(request, "facilities/facility_detail.html", {
        "facility": facility, "meril": _meril_credit() if facility.origin == Origin.MERIL else None,
        "access_rules_source": ACCESS_RULES_SOURCE,
        "can_propose": can_propose,
        "propose_kind": actions.kind_of(facility, Actor(pk=own)) if can_propose else "",
        "pending": facility.changes.filter(status=ChangeStatus.PENDING).exists() if can_propose else False,
    })


# --- facility providers --------------------------------------------------------------------------

def _own_actor(request) -> Actor:
    own = permissions.own_actor_id(request.user)
    if own is None:
        raise PermissionDenied
    return get_object_or_404(Actor, pk=own)


@login_required
def provider(request):
    """The representative's page: their organisation's facilities, their proposals, and a search of
    the unvalidated imported facilities they may claim."""
    actor = _own_actor(request)
    form = ClaimSearchForm(request.GET or None)
    claimable = []
    if form.is_valid() and form.cleaned_data["q"].strip():
        claimable = list(Infrastructure.objects.filter(
            Q(operator__isnull=True) | Q(operator=actor), name__icontains=form.cleaned_data["q"].strip(),
            validation=ValidationStatus.UNVALIDATED).order_by("name")[:50])
    return render(request, "facilities/provider.html", {
        "actor": actor, "form": form, "claimable": claimable,
        "facilities": Infrastructure.objects.filter(operator=actor).order_by("name"),
        "changes": FacilityChange.objects.filter(actor=actor).select_related("facility")[:100],
    })


def _proposal_page(request, facility):
    actor = _own_actor(request)
    if not permissions.can_propose_facility_change(request.user, facility):
        raise PermissionDenied
    initial = FacilityProposalForm.initial_for(facility) if facility is not None else {}
    form = FacilityProposalForm(request.POST if request.method == "POST" else None, instance=Infrastructure(),
                                initial=initial, actor=actor)
    if facility is not None:
        form.carry_version(facility)
    if request.method == "POST" and form.is_valid():
        try:
            change, created = actions.propose_once(facility, form.values(), actor=actor, user=request.user,
                                                   facility_version=form.expected_version,
                                                   submission_key=form.submission_key,
                                                   build_url=request.build_absolute_uri)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            if created:
                messages.success(request, _("Thank you. Your proposal waits for validation by the programme "
                                            "office; the finder shows it once it is approved."))
            else:
                messages.info(request, submission.ALREADY_SENT)
            return redirect(change.get_absolute_url())
    return render(request, "facilities/propose.html", {
        "form": form, "facility": facility, "actor": actor,
        "kind": actions.kind_of(facility, actor),
    })


@login_required
@require_http_methods(["GET", "POST"])
def propose(request, pk):
    return _proposal_page(request, get_object_or_404(Infrastructure, pk=pk))


@login_required
@require_http_methods(["GET", "POST"])
def propose_new(request):
    return _proposal_page(request, None)


# --- the programme office's queue ------------------------------------------------------------------

@login_required
def change_queue(request):
    if not permissions.can_view_claim_queue(request.user):
        raise PermissionDenied
    status = request.GET.get("status") or ChangeStatus.PENDING
    if status not in ChangeStatus.values:
        status = ChangeStatus.PENDING
    changes = permissions.decidable_facility_changes(request.user).filter(status=status) \
        .select_related("actor", "facility")[:200]
    return render(request, "facilities/change_queue.html", {
        "changes": changes, "status": status, "statuses": ChangeStatus.choices,
    })


@login_required
@require_http_methods(["GET", "POST"])
def change_detail(request, pk):
    """One proposal with its differences; the deciders see the approve and reject buttons. Others
    than its deciders and its organisation get a 404."""
    change = get_object_or_404(FacilityChange.objects.select_related("actor", "facility", "decided_by"), pk=pk)
    if not permissions.can_view_facility_change(request.user, change):
        raise Http404
    can_decide = permissions.can_decide_facility_change(request.user, change)
    form = FacilityDecisionForm(request.POST if request.method == "POST" else None)
    if change.facility is not None:
        form.carry_version(change.facility)
    status = 200
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        if form.is_valid():
            decision = request.POST.get("decision")
            try:
                if decision == "approve":
                    facility = actions.approve_change(change.pk, acting_user=request.user,
                                                      reason=form.cleaned_data["reason"],
                                                      expected_version=form.expected_version,
                                                      build_url=request.build_absolute_uri)
                    messages.success(request, _("Approved: %(name)s is validated.") % {"name": facility.name})
                elif decision == "reject":
                    actions.reject_change(change.pk, acting_user=request.user, reason=form.cleaned_data["reason"],
                                          build_url=request.build_absolute_uri)
                    messages.success(request, _("Rejected; the provider sees the reason."))
                else:
                    raise ValidationError(_("Choose to approve or to reject."))
            except EditConflict as conflict:
                # the facility was saved since this page was shown: show the differences against it now
                change.facility.refresh_from_db()
                status = show_conflict(form, conflict)
            except ValidationError as error:
                for field, errors in getattr(error, "error_dict", {None: error.error_list}).items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                return redirect("facilities:changes")
    return render(request, "facilities/change_detail.html", {
        "change": change, "form": form, "can_decide": can_decide and change.status == ChangeStatus.PENDING,
        "differences": actions.differences(change), "changed_since_proposal": actions.changed_since_proposal(change),
    }, status=status)


@require_http_methods(["GET", "POST"])
def facility_import(request):
    if not can_manage_reference_data(request.user):
        raise PermissionDenied
    problems = []
    status = 200
    form = FacilityUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # Another import running: say so at once rather than keep the browser waiting.
            report = import_facilities(decode(upload.read()), request.user, upload.name, wait=False)
        except FacilityImportError as error:
            problems = error.problems
        except ImportBusy as busy:
            form.add_error(None, str(busy))
            status = 409
        else:
            counts = ", ".join(f"{_(kind)}: {number}" for kind, number in report.counts.items())
            messages.success(request, _("Inventory imported. %(counts)s.") % {"counts": counts})
            return redirect("facilities:list")
    return render(request, "facilities/facility_import.html", {
        "form": form, "problems": problems, "columns": COLUMNS,
        "example": EXAMPLE_FILE.read_text(encoding="utf-8"),
    }, status=status)
