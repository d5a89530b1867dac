"""The yearly report (VISD lines 1501-1503 and 1627): for the programme, a programme manager (one
chapter per focus domain of their portfolios) or one domain: activities, events, projects and their
results, KPIs against targets, budget use and next year's action agenda.

Generated from the data on the active ``ReportTemplate``. Every figure carries the records behind it
(``TracedRecord``); a count equals the number of its records and an amount the sum of its records'
amounts, so each figure ties out (tests/test_yearly_report.py checks that independently). Figures are
numbered (F1, F2, ...) so the XLSX and the HTML point to the same records.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from visd.core.exports import safe_row

from . import budget as budget_module
from . import kpis
from .models import KPI, ActionItem, BudgetAmount, BudgetEntry, BudgetLine, KPITarget, ReportSection, ReportTemplate


@dataclass
class Figure:
    label: str
    value: Decimal | None
    records: list[kpis.TracedRecord] = field(default_factory=list)
    kind: str = "count"  # "count" (number of records), "amount" (sum of record amounts), "kpi", "plan"
    target: Decimal | None = None
    note: str = ""
    number: str = ""


@dataclass
class Section:
    code: str
    title: str
    figures: list[Figure] = field(default_factory=list)


@dataclass
class Chapter:
    title: str
    domain: object  # a focus-domain Concept, or None for the programme
    sections: list[Section] = field(default_factory=list)


@dataclass
class Report:
    title: str
    introduction: str
    year: int
    scope_label: str
    chapters: list[Chapter]

    def figures(self):
        for chapter in self.chapters:
            for section in chapter.sections:
                yield from section.figures


def default_template() -> ReportTemplate:
    """The template used while the programme direction has not activated one of their own."""
    return ReportTemplate(
        name="default", title_nl="Jaarrapport VISD", title_en="VISD yearly report",
        introduction_nl="", introduction_en="", sections=list(ReportSection.values), is_active=True,
    )


def active_template() -> ReportTemplate:
    return ReportTemplate.objects.filter(is_active=True).first() or default_template()


# --- helpers ------------------------------------------------------------------------------------


def _domain_actor_filter(domain, prefix: str = "actor") -> Q:
    return Q() if domain is None else Q(**{f"{prefix}__tags__concept": domain})


def _count(label: str, records: list[kpis.TracedRecord], note: str = "") -> Figure:
    return Figure(label, Decimal(len(records)), records, "count", note=note)


def _amount(label: str, records: list[kpis.TracedRecord]) -> Figure:
    return Figure(label, sum((r.amount for r in records), Decimal(0)), records, "amount")


# --- sections -----------------------------------------------------------------------------------


def activities_section(year: int, domain) -> list[Figure]:
    """Interactions with actors (in the domain) in the year, by kind, and dossiers opened."""
    from visd.stakeholders.models import Dossier, Interaction

    interactions = (Interaction.objects.filter(date__year=year).filter(_domain_actor_filter(domain))
                    .select_related("actor").distinct().order_by("date", "pk"))
    figures = []
    for kind, kind_label in Interaction.Kind.choices:
        records = [kpis.TracedRecord(f"{i.date} {i.subject}", i.get_absolute_url(), i.actor.name)
                   for i in interactions if i.kind == kind]
        figures.append(_count(_("Interactions: %(kind)s") % {"kind": kind_label}, records))
    dossiers = Dossier.objects.filter(created_at__year=year)
    if domain is not None:
        dossiers = dossiers.filter(Q(domain=domain) | Q(actor__tags__concept=domain)).distinct()
    figures.append(_count(_("Dossiers opened"), [
        kpis.TracedRecord(d.title, d.get_absolute_url(),
                          d.get_status_display()) for d in dossiers.order_by("pk")]))
    return figures


def events_section(year: int, domain) -> list[Figure]:
    """Events held in the year (events of the domain, for a domain), per kind, and who attended."""
    from visd.events.models import EventKind, Registration

    events = list(kpis._held_events(year, domain))
    figures = []
    for kind, kind_label in EventKind.choices:
        records = [kpis.TracedRecord(str(e), e.get_absolute_url(), e.location) for e in events if e.kind == kind]
        figures.append(_count(_("Events held: %(kind)s") % {"kind": kind_label}, records))
    attended = (Registration.objects.filter(event__in=events, attended=True)
                .select_related("event", "organisation").order_by("event__date", "pk"))
    figures.append(_count(_("Participants who attended"), [
        kpis.TracedRecord(str(r.event), r.event.get_absolute_url(),
                          r.organisation.name if r.organisation else r.organisation_name) for r in attended]))
    return figures


def projects_section(year: int, domain) -> list[Figure]:
    """EU projects (CORDIS and EDF) started in the year with a Flemish partner (in the domain), and
    the EU contribution those Flemish partners received."""
    from visd.actors.models import Region
    from visd.projects.models import Participation

    participations = (Participation.objects.filter(project__start_date__year=year, actor__region=Region.FLANDERS)
                      .filter(_domain_actor_filter(domain)).select_related("project", "actor")
                      .distinct().order_by("project__source", "project__acronym", "actor__name"))
    projects: dict[int, tuple] = {}
    funding = []
    for participation in participations:
        project, names = projects.setdefault(participation.project_id, (participation.project, []))
        names.append(participation.actor.name)
        if participation.ec_contribution:
            funding.append(kpis.TracedRecord(
                f"{project} · {participation.actor.name}", reverse("projects:detail", args=[project.pk]),
                participation.get_role_display(), amount=participation.ec_contribution))
    records = [kpis.TracedRecord(f"{project} ({project.get_source_display()})",
                                 reverse("projects:detail", args=[project.pk]), ", ".join(names))
               for project, names in projects.values()]
    figures = [
        _count(_("EU projects started with a Flemish partner"), records),
        _amount(_("EU contribution to Flemish partners in those projects (EUR)"), funding),
    ]
    return figures + visd_project_figures(year, domain)


def visd_project_figures(year: int, domain) -> list[Figure]:
    """VISD's own projects: approved in the year, running in the year, their results dated in the
    year, and the funding granted to the projects approved in the year."""
    from visd.projects.models import VisdProject, VisdProjectResult

    projects = kpis._decided_visd_projects(domain)
    approved = list(projects.filter(decided_on__year=year).order_by("decided_on", "pk"))
    running = list(projects.filter(Q(start_date__year__lte=year) & (Q(end_date__isnull=True) | Q(end_date__year__gte=year)))
                   .filter(start_date__isnull=False).order_by("start_date", "pk"))
    results = VisdProjectResult.objects.filter(date__year=year, project__in=VisdProject.objects.filter(
        pk__in=projects.values("pk"))).select_related("project").order_by("date", "pk")

    def record(project, detail, amount=Decimal(0)):
        return kpis.TracedRecord(str(project), project.get_absolute_url(), detail, amount=amount)

    return [
        _count(_("VISD projects approved"), [record(p, f"{p.get_kind_display()} · {p.decided_on}") for p in approved]),
        _amount(_("Funding granted to the VISD projects approved (EUR)"), [
            record(p, p.get_kind_display(), p.funding_granted_eur) for p in approved if p.funding_granted_eur]),
        _count(_("VISD projects running"), [record(p, p.get_status_display()) for p in running]),
        _count(_("Results of VISD projects"), [
            kpis.TracedRecord(f"{r.project} · {r.title}", r.project.get_absolute_url(),
                              f"{r.get_kind_display()} · {r.date}") for r in results]),
    ]


def kpi_section(year: int, domain) -> list[Figure]:
    figures = []
    targets = {t.kpi_id: t.target for t in KPITarget.objects.filter(year=year, domain=domain)}
    for kpi in KPI.objects.all():
        result = kpis.result_for(kpi, year, domain)
        note = _("computed from the data") if result.computed else _("entered with evidence")
        if result.value is None:
            note = _("no value entered")
        figures.append(Figure(kpi.name, result.value, result.records, "kpi", target=targets.get(kpi.pk),
                              note=note))
    return figures


def budget_section(year: int, domain) -> list[Figure]:
    figures = []
    entries = list(budget_module.entries_for(year, domain).order_by("line__order", "date", "pk"))
    for line in BudgetLine.objects.all():
        line_entries = [e for e in entries if e.line_id == line.pk]
        if domain is None:
            amount = BudgetAmount.objects.filter(line=line, year=year).first()
            if amount is None and not line_entries:
                continue  # the line has no plan that year and nothing was recorded against it
            planned = amount.amount_eur if amount is not None else None
            plan_records = [kpis.TracedRecord(f"{line.name} {year}", "", amount.source if amount else "",
                                              amount=Decimal(planned or 0))] if amount is not None else []
            figures.append(Figure(_("Planned: %(line)s (EUR)") % {"line": line.name},
                                  None if planned is None else Decimal(planned), plan_records, "plan",
                                  note=amount.note if amount is not None else ""))
        for kind, kind_label in BudgetEntry.Kind.choices:
            records = [kpis.TracedRecord(f"{e.date} {e.description}",
                                         reverse("programme:budget_entry", args=[e.pk]),
                                         e.reference or (str(e.project) if e.project else ""), amount=e.amount_eur)
                       for e in line_entries if e.kind == kind]
            if records or domain is None:
                figures.append(_amount(f"{kind_label}: {line.name} (EUR)", records))
    return figures


def agenda_section(year: int, domain) -> list[Figure]:
    items = ActionItem.objects.filter(year=year + 1, domain=domain).select_related("budget_line")
    records = [kpis.TracedRecord(item.title, reverse("programme:action_item", args=[item.pk]),
                                 " · ".join(p for p in (item.description, str(item.budget_line or "")) if p))
               for item in items]
    return [_count(_("Actions planned for %(year)s") % {"year": year + 1}, records)]


SECTION_BUILDERS = {
    ReportSection.ACTIVITIES: activities_section,
    ReportSection.EVENTS: events_section,
    ReportSection.PROJECTS: projects_section,
    ReportSection.KPIS: kpi_section,
    ReportSection.BUDGET: budget_section,
    ReportSection.AGENDA: agenda_section,
}


def build_report(year: int, domains=None, scope_label: str = "", template: ReportTemplate | None = None) -> Report:
    """The report for ``year``: one chapter for the programme (``domains`` None) or one per domain."""
    template = template or active_template()
    labels = dict(ReportSection.choices)
    chapters = []
    for domain in ([None] if domains is None else list(domains)):
        chapter = Chapter(domain.label if domain is not None else _("Programme as a whole"), domain)
        for code in template.sections:
            chapter.sections.append(Section(code, str(labels[code]), SECTION_BUILDERS[code](year, domain)))
        chapters.append(chapter)
    report = Report(template.title, template.introduction, year, scope_label or _("Programme"), chapters)
    for number, figure in enumerate(report.figures(), start=1):
        figure.number = f"F{number}"
    return report


# --- XLSX -------------------------------------------------------------------------------------------


def _cell_value(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def report_xlsx(report: Report, base_url: str = "") -> bytes:
    """The report as a workbook: sheet 1 the figures, sheet 2 every record behind each figure."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Report")[:31]
    bold = Font(bold=True)
    sheet.append(safe_row([report.title]))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(safe_row([_("Year"), report.year]))
    sheet.append(safe_row([_("Scope"), report.scope_label]))
    if report.introduction:
        sheet.append(safe_row([report.introduction]))
    sheet.append([])
    header = [_("Figure"), _("Chapter"), _("Section"), _("Indicator"), _("Value"), _("Target"), _("Note"),
              _("Records")]
    sheet.append(safe_row(header))
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for chapter in report.chapters:
        for section in chapter.sections:
            for figure in section.figures:
                sheet.append(safe_row([figure.number, chapter.title, section.title, figure.label,
                                       _cell_value(figure.value), _cell_value(figure.target), figure.note,
                                       len(figure.records)]))
    records = workbook.create_sheet(_("Records")[:31])
    records.append(safe_row([_("Figure"), _("Record"), _("Detail"), _("Amount (EUR)"), _("Link")]))
    for cell in records[1]:
        cell.font = bold
    for figure in report.figures():
        for record in figure.records:
            records.append(safe_row([figure.number, record.label, record.detail,
                                     _cell_value(record.amount) if figure.kind in ("amount", "plan") else None,
                                     (base_url + record.url) if record.url.startswith("/") else record.url]))
    for ws, widths in ((sheet, (8, 24, 24, 60, 14, 12, 24, 10)), (records, (8, 60, 60, 14, 50))):
        for index, width in enumerate(widths):
            ws.column_dimensions[chr(ord("A") + index)].width = width
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def filename(report: Report, suffix: str) -> str:
    from django.utils.text import slugify

    with translation.override("en"):
        return f"visd-report-{report.year}-{slugify(report.scope_label) or 'programme'}.{suffix}"
