"""Screens of programme management: KPI dashboards (programme and per domain), KPI drill-down,
budget plan against execution, the yearly report (HTML, print-ready, XLSX and PDF) and the forms that
enter KPI values, targets, budget entries, agenda items and the report template.

Every screen is for the programme office (``permissions.can_view_programme_dashboards``); anyone
else logged in gets 403, anyone not logged in the login page. Writes are POSTs that call
``visd.programme.actions`` and redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Min
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from visd.core import permissions
from visd.core.locking import EditConflict, show_conflict
from visd.core.models import Role
from visd.taxonomy.models import Concept, Scheme

from . import actions, charts, kpis, report_pdf, reports
from .budget import YEARS, execution_table
from .forms import ActionItemForm, BudgetEntryForm, KPITargetForm, KPIValueForm, ReportTemplateForm
from .models import KPI, ActionItem, BudgetEntry, KPITarget, ReportTemplate


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _staff_only(view):
    """Login required, then the programme-office check."""

    @login_required
    def wrapped(request, *args, **kwargs):
        _require(permissions.can_view_programme_dashboards(request.user))
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _domains():
    return Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN).select_related("portfolio").order_by("order", "code")


def _domain_or_404(code: str | None):
    if not code:
        return None
    return get_object_or_404(Concept, scheme=Scheme.FOCUS_DOMAIN, code=code)


def dashboard_years() -> list[int]:
    """The programme years (2025-2029), extended back to the first imported EDF project start, at
    most to 2021 (the first EDF work programme)."""
    from visd.projects.models import Project, ProjectSource

    first = Project.objects.filter(source=ProjectSource.EDF).aggregate(first=Min("start_date"))["first"]
    start = max(2021, min(YEARS[0], first.year)) if first else YEARS[0]
    return list(range(start, YEARS[-1] + 1))


def _fmt(value) -> str:
    if value is None:
        return ""
    return charts._number(value)


def _kpi_rows(years: list[int], domain):
    targets = {(t.kpi_id, t.year): t.target for t in KPITarget.objects.filter(domain=domain, year__in=years)}
    rows = []
    for kpi in KPI.objects.all():
        results = [kpis.result_for(kpi, year, domain) for year in years]
        year_targets = [targets.get((kpi.pk, year)) for year in years]
        computation = kpis.REGISTRY.get(kpi.code)
        rows.append({
            "kpi": kpi,
            "computed": computation is not None,
            "how": computation.description if computation else (kpi.computation or _("Entered with evidence.")),
            "cells": [{"year": year, "value": r.value, "target": t, "count": len(r.records)}
                      for year, r, t in zip(years, results, year_targets, strict=True)],
            "chart": charts.bar_chart(
                kpi.name, years, [(_("Value"), [r.value for r in results])], year_targets, _("Target"),
            ),
        })
    return rows


@_staff_only
def dashboard(request, domain_code=None):
    """KPIs over the years for the programme, or for one focus domain."""
    domain = _domain_or_404(domain_code)
    years = dashboard_years()
    user = request.user
    return render(request, "programme/dashboard.html", {
        "domain": domain,
        "domains": _domains(),
        "years": years,
        "rows": _kpi_rows(years, domain),
        "can_enter": permissions.can_edit_programme_record(user, domain),
        "can_set_targets": permissions.can_manage_programme_settings(user),
    })


@_staff_only
def kpi_detail(request, code, year):
    """The value of one KPI in one year and scope, with the records behind it (the drill-down)."""
    kpi = get_object_or_404(KPI, code=code)
    domain = _domain_or_404(request.GET.get("domain"))
    result = kpis.result_for(kpi, year, domain)
    target = KPITarget.objects.filter(kpi=kpi, year=year, domain=domain).first()
    values = kpi.values.filter(year=year, domain=domain).select_related("entered_by")
    computation = kpis.REGISTRY.get(kpi.code)
    return render(request, "programme/kpi_detail.html", {
        "kpi": kpi, "year": year, "domain": domain, "result": result, "target": target,
        "entered_values": values, "computation": computation,
    })


def _form_view(request, form_class, template_title, save, initial=None):
    form = form_class(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record = save(form.cleaned_data)
        except PermissionDenied:
            form.add_error("domain", _("You may not enter records for this scope."))
        except ValidationError as error:
            form.add_error(None, error)
            if hasattr(form, "refused"):  # a form that carries something of the refusal (KPITargetForm)
                form.refused(error)
        else:
            messages.success(request, _("Saved."))
            return record
    return render(request, "programme/form.html", {"form": form, "title": template_title})


def _initial_from_query(request, *names):
    return {name: request.GET[name] for name in names if request.GET.get(name)}


@_staff_only
def kpi_value_create(request):
    _require(permissions.can_enter_programme_records(request.user))
    initial = _initial_from_query(request, "year")
    if request.GET.get("kpi"):
        initial["kpi"] = KPI.objects.filter(code=request.GET["kpi"]).first()
    if request.GET.get("domain"):
        initial["domain"] = Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN, code=request.GET["domain"]).first()
    result = _form_view(request, KPIValueForm, _("Enter a KPI value with evidence"),
                        lambda data: actions.enter_kpi_value(request.user, **data), initial)
    if isinstance(result, HttpResponse):
        return result
    query = f"?domain={result.domain.code}" if result.domain else ""
    return redirect(reverse("programme:kpi_detail", args=[result.kpi.code, result.year]) + query)


@_staff_only
def kpi_target_set(request):
    _require(permissions.can_manage_programme_settings(request.user))
    result = _form_view(request, KPITargetForm, _("Set a KPI target"),
                        lambda data: actions.set_kpi_target(request.user, **data))
    if isinstance(result, HttpResponse):
        return result
    return redirect("programme:domain_dashboard", result.domain.code) if result.domain else redirect(
        "programme:dashboard")


@_staff_only
def budget(request):
    """Plan against execution per year and line, as a table and a chart."""
    domain = _domain_or_404(request.GET.get("domain"))
    rows, total = execution_table(YEARS, domain)
    series = [(_("Committed"), [total.cells[y].committed for y in YEARS]),
              (_("Paid"), [total.cells[y].paid for y in YEARS])]
    if domain is None:
        series.insert(0, (_("Planned"), [total.cells[y].planned for y in YEARS]))
    return render(request, "programme/budget.html", {
        "domain": domain, "domains": _domains(), "years": YEARS, "rows": rows, "total": total,
        "chart": charts.bar_chart(_("Budget: plan against execution"), list(YEARS), series),
        "can_enter": permissions.can_enter_programme_records(request.user),
    })


@_staff_only
def budget_entry_create(request):
    _require(permissions.can_enter_programme_records(request.user))
    result = _form_view(request, BudgetEntryForm, _("Record a commitment or payment"),
                        lambda data: actions.record_budget_entry(request.user, **data),
                        _initial_from_query(request, "year", "kind"))
    if isinstance(result, HttpResponse):
        return result
    return redirect("programme:budget_entry", result.pk)


@_staff_only
def budget_entry(request, pk):
    entry = get_object_or_404(BudgetEntry.objects.select_related("line", "project", "domain", "entered_by"), pk=pk)
    return render(request, "programme/budget_entry.html", {
        "entry": entry, "can_change": permissions.can_edit_programme_record(request.user, entry.domain)})


@require_POST
@_staff_only
def budget_entry_delete(request, pk):
    entry = get_object_or_404(BudgetEntry, pk=pk)
    actions.delete_budget_entry(request.user, entry)
    messages.success(request, _("The entry was deleted."))
    return redirect("programme:budget")


@_staff_only
def action_item_create(request):
    _require(permissions.can_enter_programme_records(request.user))
    result = _form_view(request, ActionItemForm, _("Add an item to the action agenda"),
                        lambda data: actions.add_action_item(request.user, **data),
                        _initial_from_query(request, "year"))
    if isinstance(result, HttpResponse):
        return result
    return redirect("programme:action_item", result.pk)


@_staff_only
def action_item(request, pk):
    item = get_object_or_404(ActionItem.objects.select_related("domain", "budget_line", "entered_by"), pk=pk)
    return render(request, "programme/action_item.html", {
        "item": item, "can_change": permissions.can_edit_programme_record(request.user, item.domain)})


@require_POST
@_staff_only
def action_item_delete(request, pk):
    item = get_object_or_404(ActionItem, pk=pk)
    actions.delete_action_item(request.user, item)
    messages.success(request, _("The action was deleted."))
    return redirect("programme:report")


# --- yearly report ------------------------------------------------------------------------------


def programme_managers():
    return (get_user_model().objects.filter(is_active=True, profile__role=Role.PROGRAMME_MANAGER)
            .order_by("username"))


def _report_scope(request):
    """(domains or None, label) from ?scope=programme | domain:<code> | pm:<user id>."""
    scope = request.GET.get("scope", "programme")
    if scope == "programme":
        return None, _("Programme")
    kind, _sep, key = scope.partition(":")
    if kind == "domain":
        domain = _domain_or_404(key)
        return [domain], domain.label
    if kind == "pm" and key.isdigit():
        manager = get_object_or_404(programme_managers(), pk=int(key))
        domains = _domains().filter(portfolio__in=manager.profile.portfolios.all())
        name = manager.get_full_name() or manager.get_username()
        return list(domains), _("Programme manager %(name)s") % {"name": name}
    raise Http404


@_staff_only
def report(request):
    """The yearly report for the programme, a programme manager or a domain; ?format=xlsx or ?format=pdf
    downloads it (the same ``reports.build_report`` figures, the PDF in the active language)."""
    try:
        year = int(request.GET.get("year", YEARS[0]))
    except ValueError:
        raise Http404 from None
    if not 2000 <= year <= 2100:
        raise Http404
    domains, label = _report_scope(request)
    built = reports.build_report(year, domains, label)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            reports.report_xlsx(built, request.build_absolute_uri("/")[:-1]),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{reports.filename(built, "xlsx")}"'
        return response
    if request.GET.get("format") == "pdf":
        page = request.GET.copy()
        page.pop("format")
        response = HttpResponse(
            report_pdf.report_pdf(built, request.build_absolute_uri("/")[:-1],
                                  request.build_absolute_uri(f"{request.path}?{page.urlencode()}")),
            content_type="application/pdf",
        )
        name = report_pdf.filename(year, None if domains is None else label)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    query = request.GET.copy()
    query["format"] = "xlsx"
    pdf_query = request.GET.copy()
    pdf_query["format"] = "pdf"
    return render(request, "programme/report.html", {
        "report": built, "years": list(range(YEARS[0] - 4, YEARS[-1] + 1)), "year": year,
        "scope": request.GET.get("scope", "programme"),
        "manager_options": [(f"pm:{m.pk}", m.get_full_name() or m.get_username()) for m in programme_managers()],
        "domain_options": [(f"domain:{d.code}", d.label) for d in _domains()],
        "xlsx_query": query.urlencode(), "pdf_query": pdf_query.urlencode(),
        "can_edit_template": permissions.can_manage_programme_settings(request.user),
    })


@_staff_only
def template_list(request):
    _require(permissions.can_manage_programme_settings(request.user))
    return render(request, "programme/template_list.html", {"templates": ReportTemplate.objects.all()})


@_staff_only
def template_edit(request, pk=None):
    _require(permissions.can_manage_programme_settings(request.user))
    template = get_object_or_404(ReportTemplate, pk=pk) if pk else None
    form = ReportTemplateForm(request.POST or None, instance=template,
                              initial=None if template else {"sections": reports.default_template().sections})
    status = 200
    if request.method == "POST" and form.is_valid():
        from django.db import transaction

        try:
            with transaction.atomic():
                if form.cleaned_data["is_active"]:
                    for other in ReportTemplate.objects.filter(is_active=True).exclude(
                            pk=template.pk if template else None):
                        other.is_active = False
                        other.save(update_fields=["is_active", "updated_at"])
                form.instance.expect_version(form.expected_version)
                form.save()
        except EditConflict as conflict:
            status = show_conflict(form, conflict)
        else:
            messages.success(request, _("Saved."))
            return redirect("programme:templates")
    return render(request, "programme/form.html", {"form": form, "title": _("Report template")}, status=status)

