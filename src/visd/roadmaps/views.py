"""Screens of the orientation roadmaps. Views check permissions, parse, and call
``visd.roadmaps.actions``; the mapping and timeline come from ``visd.roadmaps.mapping``."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from visd.core import permissions
from visd.core.exports import safe_row
from visd.core.feedback import report_validation_error
from visd.core.locking import EditConflict, show_conflict
from visd.projects.forms import focus_domains_for
from visd.taxonomy.models import Concept, Scheme

from . import actions, mapping
from .forms import ItemForm, NewVersionForm, RoadmapForm
from .models import Roadmap, RoadmapStatus


def _roadmap_for(request, pk, *, change=False) -> Roadmap:
    roadmap = get_object_or_404(Roadmap.objects.select_related("domain"), pk=pk)
    if not permissions.can_view_roadmap(request.user, roadmap):
        raise Http404
    if change and not permissions.can_change(request.user, roadmap):
        raise PermissionDenied
    return roadmap



def roadmap_index(request):
    current = mapping.current_roadmaps(request.user)
    domains = Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN)
    rows = [(domain, current.get(domain.pk)) for domain in domains]
    can_create = permissions.can_create_programme_records(request.user)
    return render(request, "roadmaps/index.html", {
        "rows": rows,
        "new_form": NewVersionForm(domains=focus_domains_for(request.user)) if can_create else None,
        "versions": mapping.visible_roadmaps(request.user).select_related("domain"),
    })


def roadmap_detail(request, pk):
    roadmap = _roadmap_for(request, pk)
    items = list(roadmap.items.prefetch_related("related_domains"))
    years, rows = mapping.timeline(items)
    can_change = permissions.can_change(request.user, roadmap) and roadmap.status == RoadmapStatus.DRAFT
    return render(request, "roadmaps/detail.html", {
        "roadmap": roadmap,
        "map": mapping.flemish_mapping(roadmap, request.user),
        "years": years, "rows": rows,
        "can_change": can_change,
        "can_start_version": permissions.can_change(request.user, roadmap),
        "item_form": ItemForm() if can_change else None,
        "other_versions": mapping.visible_roadmaps(request.user).filter(domain=roadmap.domain).exclude(pk=pk),
    })


@require_POST
def roadmap_start(request):
    if not permissions.can_create_programme_records(request.user):
        raise PermissionDenied
    form = NewVersionForm(request.POST, domains=focus_domains_for(request.user))
    if not form.is_valid():
        messages.error(request, _("Choose one of your focus domains."))
        return redirect("roadmaps:index")
    domain = form.cleaned_data["domain"]
    if not permissions.can_edit_programme_domain(request.user, domain):
        raise PermissionDenied
    try:
        roadmap = actions.start_version(domain, acting_user=request.user)
    except ValidationError as error:
        report_validation_error(request, error)
        return redirect("roadmaps:index")
    messages.success(request, _("Draft version %(version)s started.") % {"version": roadmap.version})
    return redirect(roadmap)


def roadmap_edit(request, pk):
    roadmap = _roadmap_for(request, pk, change=True)
    if roadmap.status != RoadmapStatus.DRAFT:
        messages.error(request, _("A published roadmap is not changed; start a new version."))
        return redirect(roadmap)
    form = RoadmapForm(request.POST or None, instance=Roadmap.objects.get(pk=pk))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_roadmap(
                roadmap, {name: form.cleaned_data[name] for name in actions.TEXT_FIELDS},
                acting_user=request.user, expected_revision=form.expected_version,
                calls=form.cleaned_data["calls"], needs=form.cleaned_data["needs"])
        except EditConflict as conflict:
            status = show_conflict(form, conflict)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Roadmap saved."))
            return redirect(roadmap)
    return render(request, "roadmaps/form.html", {"form": form, "roadmap": roadmap}, status=status)


@require_POST
def roadmap_publish(request, pk):
    roadmap = _roadmap_for(request, pk, change=True)
    try:
        actions.publish(roadmap, acting_user=request.user)
    except EditConflict as conflict:
        messages.error(request, str(conflict))
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(request, _("Roadmap published."))
    return redirect(roadmap)


@require_POST
def item_add(request, pk):
    roadmap = _roadmap_for(request, pk, change=True)
    form = ItemForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(roadmap)
    try:
        actions.add_item(roadmap, form.values(), acting_user=request.user,
                         related_domains=form.cleaned_data["related_domains"])
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(request, _("Roadmap item added."))
    return redirect(roadmap)


@require_POST
def item_remove(request, pk, item_pk):
    roadmap = _roadmap_for(request, pk, change=True)
    try:
        actions.remove_item(roadmap, item_pk, acting_user=request.user)
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(request, _("Roadmap item removed."))
    return redirect(roadmap)


def roadmap_csv(request, pk):
    """The roadmap's items as CSV (one row per item), for spreadsheets and slides. Both languages:
    ``title`` and ``description`` are the Dutch texts, ``title_en`` and ``description_en`` the English
    ones (empty where none is written), whatever the language of the page it was asked from."""
    roadmap = _roadmap_for(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="roadmap-{roadmap.domain.code}-v{roadmap.version}.csv"'
    writer = csv.writer(response)
    writer.writerow(["domain", "version", "status", "kind", "title", "start_year", "end_year", "related_domains",
                     "description", "title_en", "description_en"])
    for item in roadmap.items.prefetch_related("related_domains"):
        writer.writerow(safe_row([roadmap.domain.code, roadmap.version, roadmap.status, item.kind, item.title,
                                  item.start_year, item.end_year,
                                  ";".join(d.code for d in item.related_domains.all()), item.description,
                                  item.title_en, item.description_en]))
    return response


def roadmap_svg(request, pk):
    """The visual roadmap as an SVG image, for slides and reports."""
    roadmap = _roadmap_for(request, pk)
    title = _("Orientation roadmap %(domain)s, version %(version)s") % {"domain": roadmap.domain.label,
                                                                         "version": roadmap.version}
    response = HttpResponse(mapping.timeline_svg(title, list(roadmap.items.all())),
                            content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="roadmap-{roadmap.domain.code}-v{roadmap.version}.svg"'
    # An SVG opened from our domain must not run anything, whatever text it holds.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def cross_domain(request):
    teds, rows = mapping.cross_domain_matrix(request.user)
    return render(request, "roadmaps/cross_domain.html", {"teds": teds, "rows": rows})
