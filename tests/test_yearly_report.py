"""The yearly report ties out: every figure equals its records (a count their number, an amount their
sum), and the figures equal what this test computes on its own from the records it made. The XLSX
carries the same figures and the same records; the HTML report lists them with the same numbers."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from visd.actors.models import Actor, ActorKind, ActorTag, TagOrigin
from visd.events.models import Event, EventKind, Registration, SurveyResponse
from visd.programme import actions, reports
from visd.programme.models import KPI, BudgetLine, ReportSection, ReportTemplate
from visd.projects.models import Participation, Project, VisdProject, VisdProjectResult
from visd.stakeholders.models import Interaction
from visd.taxonomy.models import Concept, Scheme

YEAR = 2026
TODAY = datetime.date.today()
# Events must have been held (dated up to today) to count; the report year is the year of these dates.
EVENT_DAY = datetime.date(YEAR, 3, 10)


class World:
    pass


@pytest.fixture
def world(db, make_user):
    from visd.reference.loader import load_reference

    load_reference()
    w = World()
    w.director = make_user("director")
    w.domain = Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN, portfolio__isnull=False).order_by("order").first()
    w.other = Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN).exclude(portfolio=w.domain.portfolio).first()
    w.pm = make_user("programme_manager", username="pm", portfolios=[w.domain.portfolio.code])
    w.pm_domains = list(Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN, portfolio=w.domain.portfolio))
    w.in_domain = Actor.objects.create(name="Gentse Sensoren NV", kind=ActorKind.COMPANY, country="BE", postcode="9000")
    w.elsewhere = Actor.objects.create(name="Brugse Kust BV", kind=ActorKind.COMPANY, country="BE", postcode="8000")
    w.walloon = Actor.objects.create(name="Namur Systèmes SA", kind=ActorKind.COMPANY, country="BE", postcode="5000")
    ActorTag.objects.create(actor=w.in_domain, concept=w.domain, origin=TagOrigin.CURATED)
    ActorTag.objects.create(actor=w.elsewhere, concept=w.other, origin=TagOrigin.CURATED)

    def project(source, pid, start, partners):
        p = Project.objects.create(source=source, external_id=pid, acronym=f"P{pid}", title=f"Project {pid}",
                                   start_date=start)
        for actor, role, contribution in partners:
            Participation.objects.create(project=p, actor=actor, role=role,
                                         ec_contribution=None if contribution is None else Decimal(contribution))
        return p

    d = datetime.date(YEAR, 2, 1)
    project("edf", "1", d, [(w.in_domain, "coordinator", "1500000.00"), (w.walloon, "participant", "10")])
    project("edf", "2", d, [(w.elsewhere, "participant", "250000.25"), (w.walloon, "coordinator", None)])
    project("cordis", "3", d, [(w.in_domain, "participant", "99.99")])
    project("edf", "4", datetime.date(YEAR - 1, 6, 1), [(w.elsewhere, "coordinator", "7")])
    project("edf", "5", d, [(w.walloon, "coordinator", "5")])

    for day, kind, actor in ((5, "meeting", w.in_domain), (6, "meeting", w.elsewhere), (7, "visit", w.in_domain)):
        Interaction.objects.create(date=datetime.date(YEAR, 1, day), kind=kind, actor=actor, subject=f"talk {day}")
    Interaction.objects.create(date=datetime.date(YEAR - 1, 12, 1), kind="meeting", actor=w.in_domain, subject="old")

    w.matchmaking = Event.objects.create(title="Matchmaking maritiem", kind=EventKind.MATCHMAKING, date=EVENT_DAY,
                                         domain=w.domain)
    w.deep_dive = Event.objects.create(title="Deep dive sensoren", kind=EventKind.DEEP_DIVE, date=EVENT_DAY,
                                       domain=w.domain)
    Event.objects.create(title="DIF-Day", kind=EventKind.DIF_DAY, date=EVENT_DAY)
    for name, attended in (("A", True), ("B", True), ("C", False)):
        Registration.objects.create(event=w.deep_dive, name=name, organisation=w.in_domain, attended=attended)
    for score in (5, 4, 2, 5):
        SurveyResponse.objects.create(event=w.deep_dive, score=score)

    def visd_project(title, kind, status, flagship, domain, decided, start, granted):
        return VisdProject.objects.create(title=title, kind=kind, status=status, flagship=flagship, domain=domain,
                                          decided_on=decided, start_date=start, funding_granted_eur=granted,
                                          total_budget_eur=Decimal("9000000"))

    w.flagship = visd_project("Flagship Noord", "innovation_support", "running", True, w.domain,
                              datetime.date(YEAR - 1, 11, 1), datetime.date(YEAR, 1, 15), Decimal("3000000"))
    w.fund = visd_project("FSDB-1", "research_fund", "approved", False, w.domain, datetime.date(YEAR, 4, 1),
                          datetime.date(YEAR, 9, 1), Decimal("400000.40"))
    visd_project("Idee", "research_fund", "idea", False, w.domain, None, None, None)
    visd_project("FSDB-2", "research_fund", "approved", False, w.other, datetime.date(YEAR, 5, 1), None,
                 Decimal("250000"))
    VisdProjectResult.objects.create(project=w.flagship, kind=VisdProjectResult._meta.get_field("kind").choices[0][0],
                                     title="Prototype", date=datetime.date(YEAR, 6, 1))

    lines = {line.code: line for line in BudgetLine.objects.all()}
    w.entries = [
        ("flagships", "commitment", "3000000.00", None), ("flagships", "payment", "1000000.00", None),
        ("flagships", "payment", "500000.50", None), ("onderzoeksfonds-fsdb", "commitment", "400000.40", w.domain),
        ("communicatie-event-top", "payment", "8765.43", w.domain), ("communicatie-event-top", "payment", "111.11", w.other),
    ]
    for code, kind, amount, domain in w.entries:
        actions.record_budget_entry(w.director, line=lines[code], year=YEAR, kind=kind, amount_eur=Decimal(amount),
                                    date=datetime.date(YEAR, 2, 2), description=f"{code} {kind} {amount}", domain=domain)
    actions.record_budget_entry(w.director, line=lines["flagships"], year=YEAR + 1, kind="payment",
                                amount_eur=Decimal("1"), date=datetime.date(YEAR + 1, 1, 2), description="next year")

    kpis = {k.code: k for k in KPI.objects.all()}
    actions.set_kpi_target(w.director, kpi=kpis["edf-met-vlaamse-partner"], year=YEAR, target=Decimal("5"))
    actions.set_kpi_target(w.director, kpi=kpis["matchmaking-events"], year=YEAR, target=Decimal("2"),
                           domain=w.domain)
    actions.enter_kpi_value(w.director, kpi=kpis["deelnames-defra"], year=YEAR, value=Decimal("4"),
                            evidence="DEFRA results")
    actions.add_action_item(w.director, year=YEAR + 1, title="Tweede matchmaking", domain=w.domain)
    actions.add_action_item(w.director, year=YEAR + 1, title="Programma-evaluatie")
    actions.add_action_item(w.director, year=YEAR, title="Dit jaar, niet volgend jaar")
    return w


def figures_by_label(chapter) -> dict[str, reports.Figure]:
    return {figure.label: figure for section in chapter.sections for figure in section.figures}


def assert_ties_out(report):
    for figure in report.figures():
        if figure.kind == "count":
            assert figure.value == len(figure.records), figure.label
        elif figure.kind in ("amount", "plan") and figure.value is not None:
            assert figure.value == sum(r.amount for r in figure.records), figure.label


def test_every_figure_ties_out_to_its_records(world):
    for domains in (None, [world.domain], world.pm_domains):
        report = reports.build_report(YEAR, domains)
        assert list(report.figures())
        assert_ties_out(report)
        numbers = [figure.number for figure in report.figures()]
        assert numbers == [f"F{i}" for i in range(1, len(numbers) + 1)]


@pytest.mark.skipif(EVENT_DAY > TODAY, reason="events count once they are held")
def test_programme_figures_match_an_independent_count(world):
    from django.utils import translation

    with translation.override("en"):
        report = reports.build_report(YEAR)
        f = figures_by_label(report.chapters[0])
        assert f["Interactions: Meeting"].value == 2
        assert f["Interactions: Company visit"].value == 1
        assert f["Events held: Matchmaking event"].value == 1
        assert f["Events held: DIF-Day"].value == 1
        assert f["Participants who attended"].value == 2
        # EU projects started in YEAR with a Flemish partner: 1 (EDF), 2 (EDF), 3 (CORDIS); not 4 (year
        # before) nor 5 (Walloon only).
        assert {r.label.split(" (")[0] for r in f["EU projects started with a Flemish partner"].records} == {"P1", "P2", "P3"}
        assert f["EU contribution to Flemish partners in those projects (EUR)"].value == Decimal("1750100.24")
        assert f["VISD projects approved"].value == 2  # FSDB-1 and FSDB-2; the flagship was approved the year before
        assert f["Funding granted to the VISD projects approved (EUR)"].value == Decimal("650000.40")
        assert f["VISD projects running"].value == 2  # the flagship and FSDB-1 (started); FSDB-2 has no start
        assert f["Results of VISD projects"].value == 1
        kpi = {k.code: k.name for k in KPI.objects.all()}
        assert f[kpi["edf-met-vlaamse-partner"]].value == 2 and f[kpi["edf-met-vlaamse-partner"]].target == 5
        assert f[kpi["edf-met-vlaamse-coordinator"]].value == 1
        assert f[kpi["bedrijven-actief-in-defensie"]].value == 1  # Gentse Sensoren; Brugse Kust started the year before
        assert f[kpi["matchmaking-events"]].value == 1
        assert f[kpi["tevredenheid-thematische-events"]].value == Decimal("75.0")  # 3 of 4 answers score 4 or 5
        assert f[kpi["opgezette-flagships"]].value == 1
        assert f[kpi["projecten-onderzoeksfonds"]].value == 2
        assert f[kpi["deelnames-defra"]].value == 4
        assert f[kpi["domeinspecifieke-targets"]].value is None
        line = {l.code: l.name for l in BudgetLine.objects.all()}
        assert f[f"Commitment: {line['flagships']} (EUR)"].value == Decimal("3000000.00")
        assert f[f"Payment: {line['flagships']} (EUR)"].value == Decimal("1500000.50")
        assert f[f"Payment: {line['communicatie-event-top']} (EUR)"].value == Decimal("8876.54")
        assert f[f"Planned: {line['flagships']} (EUR)"].value == Decimal("5000000")
        assert f[f"Actions planned for {YEAR + 1}"].value == 1  # the programme-wide one


@pytest.mark.skipif(EVENT_DAY > TODAY, reason="events count once they are held")
def test_domain_figures_match_an_independent_count(world):
    from django.utils import translation

    with translation.override("en"):
        f = figures_by_label(reports.build_report(YEAR, [world.domain]).chapters[0])
        kpi = {k.code: k.name for k in KPI.objects.all()}
        line = {l.code: l.name for l in BudgetLine.objects.all()}
        assert f["Interactions: Meeting"].value == 1
        assert f["Events held: DIF-Day"].value == 0  # across all domains, not this one
        assert {r.label.split(" (")[0] for r in f["EU projects started with a Flemish partner"].records} == {"P1", "P3"}
        assert f["EU contribution to Flemish partners in those projects (EUR)"].value == Decimal("1500099.99")
        assert f[kpi["edf-met-vlaamse-partner"]].value == 1
        assert f[kpi["matchmaking-events"]].target == 2
        assert f[kpi["projecten-onderzoeksfonds"]].value == 1
        assert f[f"Commitment: {line['onderzoeksfonds-fsdb']} (EUR)"].value == Decimal("400000.40")
        assert f[f"Payment: {line['communicatie-event-top']} (EUR)"].value == Decimal("8765.43")
        assert not any(label.startswith("Planned") for label in f)
        assert [r.label for r in f[f"Actions planned for {YEAR + 1}"].records] == ["Tweede matchmaking"]


def test_the_template_chooses_and_orders_the_sections(world):
    template = ReportTemplate.objects.create(name="kort", title_nl="Kort verslag", title_en="Short report",
                                             sections=[ReportSection.BUDGET, ReportSection.KPIS], is_active=True)
    report = reports.build_report(YEAR)
    assert report.title in {"Kort verslag", "Short report"}
    assert [s.code for s in report.chapters[0].sections] == ["budget", "kpis"]
    template.sections = ["nonsense"]
    with pytest.raises(ValidationError):
        template.full_clean()


def test_xlsx_carries_the_same_figures_and_records(world, client):
    client.force_login(world.director)
    response = client.get(reverse("programme:report"), {"year": YEAR, "scope": "programme", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"visd-report-{YEAR}-" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    report_sheet, records_sheet = workbook.worksheets
    report = reports.build_report(YEAR)
    rows = {row[0]: row for row in report_sheet.iter_rows(values_only=True) if row and str(row[0] or "").startswith("F")}
    records_per_figure = {}
    amount_per_figure = {}
    for number, _label, _detail, amount, _link in records_sheet.iter_rows(min_row=2, values_only=True):
        records_per_figure[number] = records_per_figure.get(number, 0) + 1
        amount_per_figure[number] = amount_per_figure.get(number, Decimal(0)) + Decimal(str(amount or 0))
    for figure in report.figures():
        row = rows[figure.number]
        value = row[4]
        assert (value is None) == (figure.value is None), figure.number
        if value is not None:
            assert Decimal(str(value)) == figure.value, figure.number
        assert row[7] == len(figure.records) == records_per_figure.get(figure.number, 0), figure.number
        if figure.kind == "amount":
            assert amount_per_figure.get(figure.number, Decimal(0)) == figure.value, figure.number


def test_html_report_for_a_programme_manager(world, client):
    client.force_login(world.pm)
    response = client.get(reverse("programme:report"), {"year": YEAR, "scope": f"pm:{world.pm.pk}"})
    assert response.status_code == 200
    html = response.content.decode()
    for domain in world.pm_domains:
        assert domain.label in html
    assert "F1" in html and "@media print" in html
    assert client.get(reverse("programme:report"), {"year": YEAR, "scope": "pm:999999"}).status_code == 404
    assert client.get(reverse("programme:report"), {"year": "x"}).status_code == 404


def test_activating_a_template_replaces_the_active_one(world, client):
    client.force_login(world.director)
    first = ReportTemplate.objects.create(name="oud", title_nl="Oud", title_en="Old",
                                          sections=["budget", "kpis"], is_active=True)
    response = client.post(reverse("programme:template_create"), {
        "name": "nieuw", "title_nl": "Jaarverslag VISD", "title_en": "VISD annual report", "introduction_nl": "Inleiding",
        "introduction_en": "Introduction", "sections": ["agenda", "kpis"], "is_active": "on"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert not first.is_active
    active = ReportTemplate.objects.get(is_active=True)
    assert active.name == "nieuw" and active.sections == ["kpis", "agenda"]
    # Editing keeps the order set before (e.g. in the admin) for the sections kept.
    active.sections = ["agenda", "kpis"]
    active.save()
    client.post(reverse("programme:template_edit", args=[active.pk]), {
        "name": "nieuw", "title_nl": "Jaarverslag VISD", "title_en": "VISD annual report", "introduction_nl": "",
        "introduction_en": "", "sections": ["kpis", "agenda", "budget"], "is_active": "on",
        "version": active.version})  # the version the edit page carries (optimistic locking)
    active.refresh_from_db()
    assert active.sections == ["agenda", "kpis", "budget"]
    html = client.get(reverse("programme:report"), {"year": YEAR}).content.decode()
    assert "Jaarverslag VISD" in html or "VISD annual report" in html
