"""Screens of joining the ecosystem: the public application (search, claim, new organisation, confirm)
and the claim queue of the programme office. Public forms are rate-limited per client address
(``visd.core.throttle``) and carry a honeypot field; every state change is a POST."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from visd.actors import identifiers
from visd.actors.models import Actor, Region
from visd.core import permissions, submission, throttle

from . import actions
from .forms import ApplicationForm, DecisionForm, NewOrganisationForm, SearchForm
from .models import Claim, ClaimStatus


def _rate_limited(request) -> bool:
    """True when this client sent more public forms than ``VISD_ONBOARDING_RATE_LIMIT`` in the window."""
    return not throttle.allow(request, "onboarding", settings.VISD_ONBOARDING_RATE_LIMIT,
                              settings.VISD_ONBOARDING_RATE_WINDOW)


def _too_many(request, template, context):
    context["rate_limited"] = True
    return render(request, template, context, status=429)


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


def join(request):
    """Step 1: find the organisation in the registry, or choose to register a new one."""
    form = SearchForm(request.GET or None)
    actors, message = [], ""
    if form.is_bound and form.is_valid():
        actors, message = actions.find_actors(form.cleaned_data["q"])
    return render(request, "onboarding/join.html", {
        "form": form, "actors": actors, "message": message,
    })


def _apply(request, form, *, actor=None, template, context):
    if request.method == "POST":
        if _rate_limited(request):
            return _too_many(request, template, context)
        if form.is_valid():
            try:
                claim, created = actions.submit_claim(
                    form.values(), actor=actor, language=get_language() or settings.LANGUAGE_CODE,
                    submission_key=form.submission_key, build_url=request.build_absolute_uri)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                if not created:
                    messages.info(request, submission.ALREADY_SENT)
                request.session["onboarding_sent_to"] = claim.email
                return redirect("onboarding:sent")
    return render(request, template, context)


def join_claim(request, actor_pk):
    """Step 2a: claim an existing record."""
    actor = get_object_or_404(Actor, pk=actor_pk)
    form = ApplicationForm(request.POST if request.method == "POST" else None)
    return _apply(request, form, actor=actor, template="onboarding/apply.html", context={
        "form": form, "actor": actor, "consent": actions.consent_statement(),
    })


def join_new(request):
    """Step 2b: register an organisation that is not in the registry yet."""
    form = NewOrganisationForm(request.POST if request.method == "POST" else None)
    region = ""
    if form.is_bound and form.data.get("org_postcode"):
        region = Region(identifiers.region_for("BE", form.data.get("org_postcode"))).label
    return _apply(request, form, template="onboarding/apply.html", context={
        "form": form, "actor": None, "consent": actions.consent_statement(), "region": region,
    })


def sent(request):
    return render(request, "onboarding/sent.html", {
        "email": request.session.get("onboarding_sent_to", ""), "days": actions.confirm_days(),
    })


def confirm(request, token):
    """Step 3: the link in the e-mail. GET shows what will be confirmed; the button POSTs (a link
    opened by a mail scanner confirms nothing)."""
    try:
        claim = actions.claim_for_token(token)
    except ValidationError as error:
        return render(request, "onboarding/confirm.html", {"error": error.messages[0]}, status=400)
    context = {"claim": claim}
    if request.method == "POST":
        if _rate_limited(request):
            return _too_many(request, "onboarding/confirm.html", context)
        claim, _confirmed = actions.confirm_claim(token, build_url=request.build_absolute_uri)
        context["claim"] = claim
    return render(request, "onboarding/confirm.html", context)


# --- the programme office's queue -----------------------------------------------------------------

@login_required
def queue(request):
    if not permissions.can_view_claim_queue(request.user):
        raise PermissionDenied
    claims = permissions.decidable_claims(request.user).select_related("actor")
    status = request.GET.get("status") or ClaimStatus.PENDING
    if status not in ClaimStatus.values:
        status = ClaimStatus.PENDING
    rows = [(claim, actions.is_contested(claim)) for claim in claims.filter(status=status)[:200]]
    return render(request, "onboarding/queue.html", {
        "rows": rows, "status": status, "statuses": ClaimStatus.choices,
    })


@login_required
def claim_detail(request, pk):
    """One claim, with the approve and reject buttons. A claim the user may not decide answers 404."""
    if not permissions.can_view_claim_queue(request.user):
        raise PermissionDenied
    claim = get_object_or_404(Claim.objects.select_related("actor", "decided_by"), pk=pk)
    if not permissions.can_decide_claim(request.user, claim):
        raise Http404
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        decision = request.POST.get("decision")
        try:
            if decision == "approve":
                actions.approve_claim(claim.pk, acting_user=request.user, reason=form.cleaned_data["reason"],
                                      confirm_contested=form.cleaned_data["confirm_contested"],
                                      build_url=request.build_absolute_uri)
                messages.success(request, _("Claim approved: %(name)s now represents %(org)s.")
                                 % {"name": claim.applicant_name, "org": claim.organisation_name})
            elif decision == "reject":
                actions.reject_claim(claim.pk, acting_user=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("Claim rejected; the applicant has been told."))
            else:
                raise ValidationError(_("Choose to approve or to reject."))
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return redirect("onboarding:queue")
    others = Claim.objects.none()
    if claim.actor_id:
        others = Claim.objects.filter(actor_id=claim.actor_id, status=ClaimStatus.PENDING).exclude(pk=claim.pk)
    representatives = actions.representatives_of(claim.actor) if claim.actor_id else []
    return render(request, "onboarding/claim_detail.html", {
        "claim": claim, "form": form, "contested": actions.is_contested(claim),
        "representatives": representatives, "other_claims": others,
        "region": Region(identifiers.region_for("BE", claim.org_postcode)).label if claim.new_organisation else "",
    })
