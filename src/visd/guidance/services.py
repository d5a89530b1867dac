"""Feeds the navigator engine with plain facts from the database and collects what the pages show.

The navigator page (``views.navigator_page``, via ``forms.NavigatorForm``) and the API
(``guidance.api``) both turn their validated answers into a ``navigator.Profile`` with
``profile_from_answers`` and call ``navigate(profile)``; it reads the instruments with their guidance and rates, the contact
points, obligations and facilities, runs ``navigator.recommend`` and returns the records that go with
the engine's answer (in the engine's order) together with the open calls of the matched instruments.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone

from visd.facilities.models import Infrastructure
from visd.funding.models import AidRate, Call, Instrument, InstrumentGuidance
from visd.taxonomy.models import Concept, Scheme

from . import navigator
from .models import ContactPoint, Obligation

OPEN_STATUSES = ("open", "forthcoming")
CALLS_PER_INSTRUMENT = 5


def focus_domains():
    """The focus domains a navigator answer may name (by code), in their order."""
    return Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN).order_by("order")


def actor_answers(actor) -> dict:
    """The answers the registry already knows about an actor: kind, size, region and its first focus
    domain (by code; '' when it has none)."""
    tag = actor.tags.filter(concept__scheme=Scheme.FOCUS_DOMAIN).select_related("concept").first()
    return {"kind": actor.kind, "size": actor.size_class, "region": actor.region,
            "domain": tag.concept.code if tag else ""}


def profile_from_answers(answers: dict) -> navigator.Profile:
    """A ``navigator.Profile`` from validated answers (the form's or the API serializer's cleaned
    data): ``domain`` is a focus-domain ``Concept`` or None, ``trl`` an int or None, ``project_cost``
    a Decimal or None; absent or empty answers mean "not given"."""
    domain = answers.get("domain")
    return navigator.Profile(
        goal=answers["goal"], kind=answers.get("kind") or "", size=answers.get("size") or "",
        region=answers.get("region") or "", startup=bool(answers.get("startup")),
        domains=(domain.code,) if domain else (), trl=answers.get("trl"),
        destination=answers.get("destination") or "", project_cost=answers.get("project_cost"),
        collaboration=bool(answers.get("collaboration")),
    )


def instrument_facts(instrument: Instrument) -> navigator.InstrumentFacts:
    guidance: InstrumentGuidance | None = getattr(instrument, "guidance", None)
    rates = tuple(
        navigator.RateFacts(project_kind=r.project_kind, size=r.size, component=r.component,
                            max_percent=r.max_percent, source=r.source, regime=r.regime)
        for r in instrument.aid_rates.all()
    )
    if guidance is None:
        return navigator.InstrumentFacts(code=instrument.code, level=instrument.level, rates=rates,
                                         sources={"record": instrument.source})
    return navigator.InstrumentFacts(
        code=instrument.code, level=instrument.level,
        phases=tuple(guidance.phases), offer_kinds=tuple(guidance.offer_kinds),
        partner_search=guidance.partner_search,
        applicant_kinds=tuple(guidance.applicant_kinds), applicant_sizes=tuple(guidance.applicant_sizes),
        applicant_regions=tuple(guidance.applicant_regions), startups_only=guidance.startups_only,
        trl_min=guidance.trl_min, trl_max=guidance.trl_max, domains=tuple(guidance.domains), rates=rates,
        sources={"record": instrument.source, "phases": guidance.phases_source,
                 "applicants": guidance.applicants_source, "trl": guidance.trl_source,
                 "domains": guidance.domains_source},
    )


def catalogue():
    """Every instrument with what the navigator and the pages need, in as few queries as possible."""
    return (Instrument.objects.select_related("guidance", "owner_actor")
            .prefetch_related(Prefetch("aid_rates", queryset=AidRate.objects.order_by("component", "project_kind", "size")))
            .order_by("level", "code"))


@dataclass
class MatchView:
    """An engine match with its records, ready for a template."""

    match: navigator.Match
    instrument: Instrument
    calls: list[Call] = field(default_factory=list)

    @property
    def guidance(self):
        return getattr(self.instrument, "guidance", None)


@dataclass
class Answer:
    result: navigator.Result
    matches: list[MatchView]
    excluded: list[tuple[navigator.Exclusion, Instrument]]
    contacts: list[tuple[navigator.ContactMatch, ContactPoint]]
    obligations: list[Obligation]
    facilities: list[Infrastructure]
    instruments_by_code: dict[str, Instrument]


def open_calls(programmes: list[str], today: datetime.date | None = None) -> list[Call]:
    today = today or timezone.localdate()
    if not programmes:
        return []
    return list(Call.objects.filter(programme__in=programmes, status__in=OPEN_STATUSES)
                .filter(Q(deadline__gte=today) | Q(deadline__isnull=True))
                .order_by("deadline", "topic_id")[:CALLS_PER_INSTRUMENT])


def navigate(profile: navigator.Profile, *, facility_limit: int = 10) -> Answer:
    instruments = list(catalogue())
    by_code = {i.code: i for i in instruments}
    contacts = list(ContactPoint.objects.prefetch_related("instruments"))
    obligations = list(Obligation.objects.prefetch_related("instruments"))
    facilities = list(Infrastructure.objects.select_related("operator").prefetch_related("domains"))
    result = navigator.recommend(
        profile,
        [instrument_facts(i) for i in instruments],
        contacts=[navigator.ContactFacts(code=c.code, goals=tuple(c.goals), phases=tuple(c.phases),
                                         instruments=tuple(i.code for i in c.instruments.all()), source=c.source)
                  for c in contacts],
        obligations=[navigator.ObligationFacts(code=o.code, goals=tuple(o.goals),
                                               instruments=tuple(i.code for i in o.instruments.all()),
                                               destinations=tuple(o.destinations), source=o.source)
                     for o in obligations],
        facilities=[navigator.FacilityFacts(id=f.pk, phases=tuple(f.phases),
                                            domains=tuple(d.code for d in f.domains.all())) for f in facilities],
    )
    matches = []
    for match in result.matches:
        instrument = by_code[match.code]
        guidance = getattr(instrument, "guidance", None)
        calls = open_calls(list(guidance.call_programmes)) if guidance else []
        matches.append(MatchView(match, instrument, calls))
    contact_by_code = {c.code: c for c in contacts}
    obligation_by_code = {o.code: o for o in obligations}
    facility_by_id = {f.pk: f for f in facilities}
    return Answer(
        result=result, matches=matches,
        excluded=[(e, by_code[e.code]) for e in result.excluded],
        contacts=[(c, contact_by_code[c.code]) for c in result.contacts],
        obligations=[obligation_by_code[code] for code in result.obligations],
        facilities=[facility_by_id[i] for i in result.facilities[:facility_limit]],
        instruments_by_code=by_code,
    )
