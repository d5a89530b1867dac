"""Screens of the consortium workspaces. Views check the permission, parse the form and call
``actions``; every change redirects to the workspace, which recomputes the verdict (what-if edits)."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from visd.actors.models import Actor
from visd.core import permissions, submission
from visd.core.feedback import report_validation_error
from visd.core.locking import EditConflict, show_conflict
from visd.taxonomy.models import Concept, Scheme

from . import actions, exports
from .forms import ConsortiumForm, MemberAddForm, MemberForm
from .models import Consortium, ConsortiumMember, ConsortiumStatus, MemberRole
from .rules import load_rules


def _allowed(request):
    if not request.user.is_authenticated:
        return False
    if not permissions.can_use_consortia(request.user):
        raise PermissionDenied
    return True


def _consortium(request, pk) -> Consortium:
    if not _allowed(request):
        raise PermissionDenied
    return get_object_or_404(Consortium.objects.select_related("call", "project"), pk=pk)


def consortium_list(request):
    if not _allowed(request):
        return redirect_to_login(request.get_full_path())
    consortia = Consortium.objects.select_related("call").prefetch_related("members")
    return render(request, "consortia/list.html", {"consortia": consortia})


def consortium_create(request):
    if not _allowed(request):
        return redirect_to_login(request.get_full_path())
    initial = {}
    if request.GET.get("call"):
        initial["call"] = request.GET["call"]
    form = ConsortiumForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            consortium, created = actions.create_consortium(form.values(), acting_user=request.user,
                                                            submission_key=form.submission_key)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if not created:
                messages.info(request, submission.ALREADY_SENT)
            return redirect(consortium)
    return render(request, "consortia/form.html", {"form": form, "title": _("New consortium")})


def consortium_edit(request, pk):
    consortium = _consortium(request, pk)
    form = ConsortiumForm(request.POST or None, instance=consortium)
    status = 200
    if request.method == "POST" and form.is_valid():
        consortium = form.save(commit=False)
        consortium._history_user = request.user
        try:
            consortium.expect_version(form.expected_version).save()
        except EditConflict as conflict:
            status = show_conflict(form, conflict)
        else:
            return redirect(consortium)
    return render(request, "consortia/form.html", {"form": form, "title": _("Edit consortium"), "consortium": consortium},
                  status=status)


def consortium_detail(request, pk):
    consortium = _consortium(request, pk)
    members = list(consortium.members.select_related("actor", "controlled_by_member"))
    result = actions.evaluate(consortium)
    suggestions = result["suggestions"]
    for suggestion in suggestions:
        if suggestion["kind"] == "add_member":
            suggestion["candidates"] = actions.candidates(consortium, suggestion)
            for row in suggestion["candidates"]["rows"]:
                row["add_form"] = MemberAddForm()  # each add form its own one-time key
    query = request.GET.get("q", "").strip()
    found = []
    if query:
        found = [(actor, MemberAddForm()) for actor in
                 Actor.objects.filter(Q(name__icontains=query) | Q(short_name__icontains=query) | Q(pic=query))
                 .exclude(pk__in=[m.actor_id for m in members if m.actor_id]).order_by("name")[:20]]
    rules = load_rules(consortium.programme)
    return render(request, "consortia/detail.html", {
        "consortium": consortium, "members": members, "result": result, "suggestions": suggestions,
        "query": query, "found": found, "new_member_form": MemberAddForm(), "roles": MemberRole.choices, "estimate": actions.estimate(consortium),
        "flemish_support": actions.flemish_support(consortium), "rules": rules,
        "unconfirmed": [(code, entry) for code, entry in rules.associated.items() if entry["status"] != "associated"],
        "domains": Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN).order_by("order", "code"),
        "can_convert": permissions.can_create_programme_records(request.user),
    })


@require_POST
def member_add(request, pk):
    consortium = _consortium(request, pk)
    form = MemberAddForm(request.POST)
    if not form.is_valid():  # no key or a damaged one: an old page or a hand-made request
        for message in form.non_field_errors():
            messages.error(request, message)
        return redirect(consortium)
    actor = None
    if request.POST.get("actor"):
        actor = get_object_or_404(Actor, pk=request.POST["actor"])
    values = {"role": request.POST.get("role") or MemberRole.BENEFICIARY}
    if actor is None:
        values.update(name=request.POST.get("name", "").strip(), pic=request.POST.get("pic", "").strip(),
                      country=request.POST.get("country", "").strip())
    try:
        member, created = actions.add_member_once(consortium, values, acting_user=request.user, actor=actor,
                                                  submission_key=form.submission_key)
        if created:
            messages.success(request, _("%(name)s added.") % {"name": member.name})
        else:
            messages.info(request, submission.ALREADY_SENT)
    except ValidationError as error:
        report_validation_error(request, error)
    return redirect(consortium)


def member_edit(request, pk, member_pk):
    consortium = _consortium(request, pk)
    member = get_object_or_404(ConsortiumMember, pk=member_pk, consortium=consortium)
    form = MemberForm(request.POST or None, consortium=consortium, member=member,
                      initial=None if request.method == "POST" else MemberForm.initial_for(member))
    status = 200
    if request.method == "POST" and form.is_valid():
        values = form.values()
        if form.is_valid():
            try:
                actions.update_member(member.expect_version(form.expected_version), values,
                                      acting_user=request.user)
                return redirect(consortium)
            except EditConflict as conflict:
                status = show_conflict(form, conflict)
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
    return render(request, "consortia/member_form.html", {"form": form, "consortium": consortium, "member": member},
                  status=status)


@require_POST
def member_remove(request, pk, member_pk):
    consortium = _consortium(request, pk)
    member = get_object_or_404(ConsortiumMember, pk=member_pk, consortium=consortium)
    actions.remove_member(member, acting_user=request.user)
    messages.success(request, _("%(name)s removed.") % {"name": member.name})
    return redirect(consortium)


@require_POST
def approve(request, pk):
    consortium = _consortium(request, pk)
    try:
        actions.approve(consortium, acting_user=request.user)
        messages.success(request, _("Consortium approved."))
    except ValidationError as error:
        report_validation_error(request, error)
    return redirect(consortium)


@require_POST
def convert(request, pk):
    consortium = _consortium(request, pk)
    if not permissions.can_create_programme_records(request.user):
        raise PermissionDenied
    domain = Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN, pk=request.POST.get("domain") or 0).first()
    if domain is None:
        messages.error(request, _("Choose the focus domain of the VISD project."))
        return redirect(consortium)
    try:
        project = actions.convert_to_project(consortium, domain=domain, acting_user=request.user)
    except ValidationError as error:
        report_validation_error(request, error)
        return redirect(consortium)
    messages.success(request, _("VISD project created from the consortium."))
    return redirect(project)


def export_xlsx(request, pk):
    consortium = _consortium(request, pk)
    response = HttpResponse(exports.note_xlsx(consortium),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="eligibility-{slugify(consortium.title) or consortium.pk}.xlsx"'
    return response


def export_pdf(request, pk):
    consortium = _consortium(request, pk)
    response = HttpResponse(exports.note_pdf(consortium), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="eligibility-{slugify(consortium.title) or consortium.pk}.pdf"'
    return response


def status_label(consortium):
    return ConsortiumStatus(consortium.status).label
