"""Screens of the central project database (VISD's own projects). Views check the permission,
parse the form and call ``visd.projects.actions``."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from visd.core import permissions, submission
from visd.core.feedback import report_validation_error
from visd.core.locking import EditConflict, show_conflict
from visd.taxonomy.models import Concept, Scheme

from . import actions, fris
from .forms import PartnerForm, ResultForm, StatusForm, VisdProjectForm
from .models import DECIDED_STATUSES, VisdProject, VisdProjectStatus


def _project_for(request, pk, *, change=False) -> VisdProject:
    project = get_object_or_404(VisdProject.objects.select_related("domain", "instrument"), pk=pk)
    if not permissions.can_view_visd_project(request.user, project):
        raise Http404
    if change and not permissions.can_change(request.user, project):
        raise PermissionDenied
    return project



def visd_list(request, flagships=False):
    projects = permissions.visible_visd_projects(request.user).select_related("domain", "instrument")
    status = request.GET.get("status", "")
    domain = request.GET.get("domain", "")
    if flagships:
        projects = projects.filter(flagship=True)
    if status in VisdProjectStatus.values:
        projects = projects.filter(status=status)
    if domain.isdigit():
        projects = projects.filter(domain_id=int(domain))
    query = request.GET.get("q", "").strip()
    if query:
        projects = projects.filter(Q(title__icontains=query) | Q(acronym__icontains=query))
    return render(request, "projects/visd_list.html", {
        "projects": projects.order_by("domain__order", "title"),
        "flagships": flagships,
        "statuses": VisdProjectStatus.choices,
        "domains": Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN),
        "selected_status": status, "selected_domain": domain, "query": query,
        "can_create": permissions.can_create_programme_records(request.user),
    })


def visd_fris_due(request):
    """Approved projects whose FRIS registration is overdue or due within 30 days (staff only)."""
    if not permissions.is_visd_staff(request.user):
        raise PermissionDenied
    projects = VisdProject.objects.filter(status__in=DECIDED_STATUSES, fris_registered_on__isnull=True,
                                          decided_on__isnull=False).select_related("domain")
    rows = [p for p in projects if p.fris_state() in ("overdue", "due_soon")]
    rows.sort(key=lambda p: p.fris_deadline)
    return render(request, "projects/visd_fris_due.html", {"projects": rows})


def visd_create(request):
    if not permissions.can_create_programme_records(request.user):
        raise PermissionDenied
    form = VisdProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        if not permissions.can_edit_programme_domain(request.user, form.cleaned_data["domain"]):
            raise PermissionDenied
        try:
            project, created = actions.create_project_once(form.values(), acting_user=request.user,
                                                           eu_projects=form.cleaned_data["eu_projects"],
                                                           submission_key=form.submission_key)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if created:
                messages.success(request, _("Project recorded as an idea."))
            else:
                messages.info(request, submission.ALREADY_SENT)
            return redirect(project)
    return render(request, "projects/visd_form.html", {"form": form, "title": _("New VISD project")})


def visd_edit(request, pk):
    project = _project_for(request, pk, change=True)
    status = 200
    if request.method == "POST":
        form = VisdProjectForm(request.POST, instance=VisdProject.objects.get(pk=pk), user=request.user)
        if form.is_valid():
            if not permissions.can_edit_programme_domain(request.user, form.cleaned_data["domain"]):
                raise PermissionDenied
            try:
                actions.update_project(project, form.values(), acting_user=request.user,
                                       expected_version=form.expected_version,
                                       eu_projects=form.cleaned_data["eu_projects"])
            except EditConflict as conflict:
                status = show_conflict(form, conflict)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Project saved."))
                return redirect(project)
    else:
        form = VisdProjectForm(instance=project, user=request.user)
    return render(request, "projects/visd_form.html", {
        "form": form, "title": _("Edit %(project)s") % {"project": project}, "project": project,
    }, status=status)


def visd_detail(request, pk):
    project = _project_for(request, pk)
    can_change = permissions.can_change(request.user, project)
    allowed = actions.allowed_transitions(project)
    return render(request, "projects/visd_detail.html", {
        "project": project,
        "partners": project.partners.select_related("actor"),
        "results": project.results.all(),
        "eu_projects": project.eu_projects.all(),
        "can_change": can_change,
        "status_form": StatusForm(allowed=allowed, initial={"version": project.version}) if allowed else None,
        "partner_form": PartnerForm(),
        "result_form": ResultForm(),
        "fris_state": project.fris_state(),
        "is_staff": permissions.is_visd_staff(request.user),
    })


@require_POST
def visd_status(request, pk):
    project = _project_for(request, pk, change=True)
    form = StatusForm(request.POST, allowed=VisdProjectStatus.values)
    if not form.is_valid():
        messages.error(request, _("Choose a status and a valid date."))
        return redirect(project)
    try:
        actions.change_status(project, form.cleaned_data["status"], on=form.cleaned_data["date"],
                              acting_user=request.user, expected_version=form.cleaned_data["version"])
    except EditConflict as conflict:
        messages.error(request, str(conflict))
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(request, _("Status changed to %(status)s.") % {"status": project.get_status_display()})
    return redirect(project)


@require_POST
def visd_partner_add(request, pk):
    project = _project_for(request, pk, change=True)
    form = PartnerForm(request.POST)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
        return redirect(project)
    try:
        actions.add_partner(project, form.cleaned_data["actor"], form.cleaned_data["role"],
                            form.cleaned_data["budget_eur"], acting_user=request.user)
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(request, _("Partner added."))
    return redirect(project)


@require_POST
def visd_partner_remove(request, pk, partner_pk):
    project = _project_for(request, pk, change=True)
    try:
        actions.remove_partner(project, partner_pk, acting_user=request.user)
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(request, _("Partner removed."))
    return redirect(project)


@require_POST
def visd_result_add(request, pk):
    project = _project_for(request, pk, change=True)
    form = ResultForm(request.POST)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
        return redirect(project)
    try:
        actions.add_result(project, form.cleaned_data, acting_user=request.user)
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(request, _("Result added."))
    return redirect(project)


def visd_fris_record(request, pk):
    """The project's FRIS record (CERIF-shaped JSON), for staff and only once approved."""
    project = _project_for(request, pk)
    if not permissions.is_visd_staff(request.user):
        raise PermissionDenied
    if project.approved_on is None:
        raise Http404
    response = HttpResponse(json.dumps(fris.cerif_record(project), indent=2, ensure_ascii=False),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="fris-visd-{project.pk}.json"'
    return response
