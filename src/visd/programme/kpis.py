"""KPI computation: a registry of small pure functions keyed by KPI code (VISD 7.1, fig. 13).

Each computation takes a year and an optional focus domain and returns a ``KPIResult``: the value and
the records behind it (the drill-down), so every figure can be traced. A KPI with no computation in
the registry is entered by hand with evidence (``KPIValue``); ``result_for`` gives either.

The registry only reads the database; it never writes. Add a KPI computation with::

    @computation("code-in-visd_kpis.yaml", _("How it is computed."))
    def my_kpi(year, domain=None) -> KPIResult: ...

What "a year" means per KPI is said in its description: for EDF projects, the year the project
started (CORDIS ``startDate``), since the EDF results give no signature date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Min
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class TracedRecord:
    """One record behind a figure: what it is, where to see it, and why it counts."""

    label: str
    url: str = ""
    detail: str = ""
    amount: Decimal = Decimal(0)


@dataclass
class KPIResult:
    """A KPI's value for one year and scope, and the records it was computed from."""

    value: Decimal | None
    records: list[TracedRecord] = field(default_factory=list)
    computed: bool = True


@dataclass(frozen=True)
class Computation:
    code: str
    description: object  # lazy translation
    function: Callable[..., KPIResult]


REGISTRY: dict[str, Computation] = {}


def computation(code: str, description) -> Callable:
    """Register ``function`` as the computation of KPI ``code``."""

    def register(function):
        REGISTRY[code] = Computation(code, description, function)
        return function

    return register


def is_computed(code: str) -> bool:
    return code in REGISTRY


def compute(code: str, year: int, domain=None) -> KPIResult:
    """The computed value of KPI ``code`` in ``year`` for the programme (``domain`` None) or a domain."""
    return REGISTRY[code].function(year, domain)


def entered_value(kpi, year: int, domain=None) -> KPIResult:
    """The newest value entered by hand for this KPI, year and scope, with its evidence."""
    from .models import KPIValue

    value = (KPIValue.objects.filter(kpi=kpi, year=year, domain=domain)
             .select_related("entered_by").order_by("-created_at", "-pk").first())
    if value is None:
        return KPIResult(None, [], computed=False)
    who = value.entered_by.get_username() if value.entered_by else ""
    detail = " · ".join(part for part in (value.evidence, value.evidence_url, who) if part)
    return KPIResult(value.value, [TracedRecord(str(_("Entered value")), value.evidence_url, detail)],
                     computed=False)


def result_for(kpi, year: int, domain=None) -> KPIResult:
    """The KPI's computed value where the registry has a computation, else its entered value."""
    if is_computed(kpi.code):
        return compute(kpi.code, year, domain)
    return entered_value(kpi, year, domain)


# --- the computations ---------------------------------------------------------------------------


def _flemish_participations(year: int, domain=None):
    """Participations of Flemish actors in EDF projects that started in ``year``; for a domain, only
    actors tagged with it."""
    from visd.actors.models import Region
    from visd.projects.models import Participation, ProjectSource

    participations = Participation.objects.filter(
        project__source=ProjectSource.EDF, project__start_date__year=year, actor__region=Region.FLANDERS,
    )
    if domain is not None:
        participations = participations.filter(actor__tags__concept=domain).distinct()
    return participations.select_related("project", "actor").order_by("project__acronym", "actor__name")


def _projects_with(participations) -> KPIResult:
    """One record per project, naming the Flemish partners that make it count."""
    by_project: dict[int, tuple] = {}
    for participation in participations:
        project, partners = by_project.setdefault(participation.project_id, (participation.project, []))
        partners.append(f"{participation.actor.name} ({participation.get_role_display()})")
    records = [
        TracedRecord(str(project), reverse("projects:detail", args=[project.pk]), "; ".join(partners))
        for project, partners in by_project.values()
    ]
    return KPIResult(Decimal(len(records)), records)


@computation("edf-met-vlaamse-partner", _(
    "Number of imported EDF projects (source EDF) that started in the year with at least one partner "
    "in Flanders (any role); for a domain, a Flemish partner tagged with that domain."))
def edf_with_flemish_partner(year: int, domain=None) -> KPIResult:
    return _projects_with(_flemish_participations(year, domain))


@computation("edf-met-vlaamse-coordinator", _(
    "Number of imported EDF projects (source EDF) that started in the year whose coordinator is in "
    "Flanders; for a domain, a coordinator tagged with that domain."))
def edf_with_flemish_coordinator(year: int, domain=None) -> KPIResult:
    from visd.projects.models import ParticipationRole

    return _projects_with(_flemish_participations(year, domain).filter(role=ParticipationRole.COORDINATOR))


@computation("bedrijven-actief-in-defensie", _(
    "Number of Flemish companies whose first participation in an imported EDF project falls in the "
    "year (project start); for a domain, companies tagged with that domain."))
def companies_newly_active(year: int, domain=None) -> KPIResult:
    from visd.actors.models import Actor, ActorKind, Region
    from visd.projects.models import ProjectSource

    actors = Actor.objects.filter(region=Region.FLANDERS, kind=ActorKind.COMPANY)
    if domain is not None:
        actors = actors.filter(tags__concept=domain)
    actors = (actors.filter(participations__project__source=ProjectSource.EDF)
              .annotate(first_start=Min("participations__project__start_date"))
              .filter(first_start__year=year).distinct().order_by("name"))
    records = []
    for actor in actors:
        first = (actor.participations.filter(project__source=ProjectSource.EDF, project__start_date=actor.first_start)
                 .select_related("project").order_by("project__acronym"))
        records.append(TracedRecord(actor.name, reverse("actors:detail", args=[actor.pk]),
                                    ", ".join(str(p.project) for p in first)))
    return KPIResult(Decimal(len(records)), records)


def _held_events(year: int, domain=None):
    """Events that took place in ``year`` (up to today: a planned event is not held yet)."""
    from django.utils import timezone

    from visd.events.models import Event

    events = Event.objects.filter(date__year=year, date__lte=timezone.localdate())
    if domain is not None:
        events = events.filter(domain=domain)
    return events.order_by("date", "pk")


@computation("matchmaking-events", _(
    "Number of matchmaking events held in the year (event date, up to today); for a domain, the "
    "events of that domain."))
def matchmaking_events(year: int, domain=None) -> KPIResult:
    from visd.events.models import EventKind

    events = _held_events(year, domain).filter(kind=EventKind.MATCHMAKING)
    records = [TracedRecord(str(event), event.get_absolute_url(), event.location) for event in events]
    return KPIResult(Decimal(len(records)), records)


@computation("tevredenheid-thematische-events", _(
    "Share (%) of survey answers scoring 4 or 5 out of 5 after the thematic deep dives held in the "
    "year; for a domain, the deep dives of that domain. Empty when no answer was given."))
def thematic_event_satisfaction(year: int, domain=None) -> KPIResult:
    from visd.events.kpis import survey_summary
    from visd.events.models import EventKind, SurveyResponse

    events = list(_held_events(year, domain).filter(kind=EventKind.DEEP_DIVE))
    summary = survey_summary(SurveyResponse.objects.filter(event__in=events))
    records = []
    for event in events:
        answers = survey_summary(SurveyResponse.objects.filter(event=event))
        if answers.responses:
            records.append(TracedRecord(str(event), event.get_absolute_url(), str(_(
                "%(n)d answers, %(share)s%% satisfied") % {"n": answers.responses, "share": answers.satisfied_share})))
    return KPIResult(summary.satisfied_share, records)


def _decided_visd_projects(domain=None):
    from visd.projects.models import DECIDED_STATUSES, VisdProject

    projects = VisdProject.objects.filter(status__in=DECIDED_STATUSES)
    if domain is not None:
        projects = projects.filter(domain=domain)
    return projects.select_related("domain")


@computation("opgezette-flagships", _(
    "Number of approved VISD flagship projects that started in the year (start date); for a domain, "
    "the flagships of that domain."))
def flagships_started(year: int, domain=None) -> KPIResult:
    projects = _decided_visd_projects(domain).filter(flagship=True, start_date__year=year).order_by("start_date", "pk")
    records = [TracedRecord(str(p), p.get_absolute_url(), f"{p.start_date} · {p.domain.label}") for p in projects]
    return KPIResult(Decimal(len(records)), records)


@computation("projecten-onderzoeksfonds", _(
    "Number of research-fund (FSDB) projects approved in the year (decision date); for a domain, the "
    "projects of that domain."))
def research_fund_projects(year: int, domain=None) -> KPIResult:
    from visd.projects.models import VisdProjectKind

    projects = (_decided_visd_projects(domain).filter(kind=VisdProjectKind.RESEARCH_FUND, decided_on__year=year)
                .order_by("decided_on", "pk"))
    records = [TracedRecord(str(p), p.get_absolute_url(), f"{p.decided_on} · {p.domain.label}") for p in projects]
    return KPIResult(Decimal(len(records)), records)
