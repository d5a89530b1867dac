"""The navigator: which instruments, contact points, obligations and test facilities fit a situation.

A pure-Python engine in the manner of a scikit-learn estimator: no web, no database, no translation.
The Django layer (``guidance.services``) turns records into the plain facts below, and the pages turn
the reason codes into sentences. Everything the engine concludes carries the source it rests on: a
fact's source from the reference data, or the source of the rule below.

Example, from a Python shell::

    >>> from visd.guidance.navigator import Profile, InstrumentFacts, recommend
    >>> grant = InstrumentFacts(code="g", level="flemish", phases=("research", "test"),
    ...                         offer_kinds=("grant",), applicant_kinds=("company",),
    ...                         sources={"phases": "doc, line 1", "applicants": "doc, line 2"})
    >>> result = recommend(Profile(goal="develop", kind="company", trl=4), [grant])
    >>> [m.code for m in result.matches]
    ['g']

The rules (versions and reasons: docs/guidance.md):

* **Goal to phases and kinds of support** (``GOAL_RULES``): what someone wants to do next selects the
  phases of the product development cycle (VISD fig. 7 and 4.3.1.1) and the kinds of support that fit.
* **TRL to phase** (``TRL_PHASES``): TRL 1-4 research, concept and prototyping; 5-7 test, evaluation,
  validation and verification; 8-9 production and launch (TRL definitions of Horizon Europe).
* **Eligibility**: an instrument whose sources name who may apply (actor kind, enterprise size,
  region, start-ups only) excludes whoever is outside it, with the reason; where the sources do not
  say, the instrument stays in with a caveat rather than being guessed away. A TRL range, where an
  administrator records one, excludes a TRL outside it.
* **Aid intensity**: ``maximum aid = eligible cost x (rate + collaboration bonus)``, only with the
  rates the sources give; where a rate is unknown the answer says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

RULES_VERSION = "2025-11"

GOALS = ("research", "develop", "test", "finance", "export", "partners")
PHASES = ("needs", "research", "test", "production", "internationalisation")
FINANCE_KINDS = frozenset({"loan", "guarantee", "equity"})
LEVEL_ORDER = {"flemish": 0, "federal": 1, "eu": 2, "nato": 3}


@dataclass(frozen=True)
class Rule:
    """A navigator rule, with the source it rests on."""

    code: str
    source: str


@dataclass(frozen=True)
class GoalRule:
    goal: str
    phases: frozenset[str]
    offer_kinds: frozenset[str] | None  # None: any kind of support
    partner_search: bool = False
    project_kind: str = ""  # the kind of project an aid rate is looked up for
    facilities: bool = False
    source: str = ""


PHASE_SOURCE = "VISD (003_27119044b2e4ee18.txt), 4.3.1.1 and fig. 7, lines 861-911; annex 2 line 1956"
GOAL_RULES: dict[str, GoalRule] = {
    "research": GoalRule("research", frozenset({"research"}),
                         frozenset({"grant", "mandate", "procurement", "service", "network"}),
                         project_kind="research", source=PHASE_SOURCE),
    "develop": GoalRule("develop", frozenset({"research", "test"}),
                        frozenset({"grant", "procurement", "service"}), project_kind="development",
                        facilities=True, source=PHASE_SOURCE),
    "test": GoalRule("test", frozenset({"test"}), frozenset({"grant", "procurement", "service", "network"}),
                     facilities=True, source=PHASE_SOURCE),
    "finance": GoalRule("finance", frozenset({"production"}), FINANCE_KINDS,
                        source=f"{PHASE_SOURCE}; PMV 4.3.1.1 lines 902-905"),
    "export": GoalRule("export", frozenset({"internationalisation"}), None,
                       source=f"{PHASE_SOURCE}; export control 4.3.1.1 lines 913-922"),
    "partners": GoalRule("partners", frozenset({"needs"}), None, partner_search=True,
                         source="VISD (003_27119044b2e4ee18.txt), 4.3.1.1 lines 869-872; annex 2 lines 1841-1843, "
                                "1860-1863, 1889-1890, 1969-1970"),
}

TRL_SOURCE = ("REFERENCE.md (TRL 1-9 as used by Horizon Europe, General Annex B); phases: VISD "
              "(003_27119044b2e4ee18.txt) 4.3.1.1 lines 869-905")
TRL_PHASES = ((1, 4, "research"), (5, 7, "test"), (8, 9, "production"))
AID_RULE = Rule("aid-intensity", "Flemish Defence Plan (002_c0eedb6b69a6960d.txt), 2.1, lines 279-294 "
                                 "('steunpercentages', 'toeslag voor samenwerking')")
ELIGIBILITY_RULE = Rule("eligibility", "the applicant facts of each instrument (instrument_guidance.yaml)")
RULES = (
    Rule("goal-phases", PHASE_SOURCE),
    Rule("trl-phase", TRL_SOURCE),
    ELIGIBILITY_RULE,
    AID_RULE,
)


def trl_phase(trl: int | None) -> str:
    """The phase of the product development cycle a TRL belongs to ('' when the TRL is unknown)."""
    if trl is None:
        return ""
    for low, high, phase in TRL_PHASES:
        if low <= trl <= high:
            return phase
    raise ValueError(f"TRL must be between 1 and 9, not {trl}")


# --- plain facts in ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Profile:
    """Who asks and what they want next. Empty strings and None mean 'not given'."""

    goal: str
    kind: str = ""
    size: str = ""  # micro, small, medium, large
    region: str = ""
    startup: bool = False
    domains: tuple[str, ...] = ()
    trl: int | None = None
    destination: str = ""  # eu, non_eu (export)
    project_cost: Decimal | None = None
    collaboration: bool = False

    def __post_init__(self):
        if self.goal not in GOAL_RULES:
            raise ValueError(f"unknown goal {self.goal!r}; one of {', '.join(GOALS)}")
        trl_phase(self.trl)  # checks the range
        if self.project_cost is not None and self.project_cost < 0:
            raise ValueError("the project cost cannot be negative")


@dataclass(frozen=True)
class RateFacts:
    project_kind: str  # research, development, any
    size: str  # micro, small, medium, large, any
    component: str  # base, collaboration_bonus
    max_percent: Decimal | None
    source: str
    regime: str = ""


@dataclass(frozen=True)
class InstrumentFacts:
    code: str
    level: str
    phases: tuple[str, ...] = ()
    offer_kinds: tuple[str, ...] = ()
    partner_search: bool = False
    applicant_kinds: tuple[str, ...] = ()
    applicant_sizes: tuple[str, ...] = ()
    applicant_regions: tuple[str, ...] = ()
    startups_only: bool = False
    trl_min: int | None = None
    trl_max: int | None = None
    domains: tuple[str, ...] = ()
    rates: tuple[RateFacts, ...] = ()
    # Sources per group of facts: phases, applicants, trl, domains, record (what it gives).
    sources: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ContactFacts:
    code: str
    goals: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    instruments: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class ObligationFacts:
    code: str
    goals: tuple[str, ...] = ()
    instruments: tuple[str, ...] = ()
    destinations: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class FacilityFacts:
    id: int
    phases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()


# --- answers out -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Reason:
    """Why something fits, or what to check. ``code`` names the sentence (the pages translate it),
    ``values`` fill it in, ``source`` is what it rests on."""

    code: str
    source: str
    values: tuple[tuple[str, object], ...] = ()

    def value(self, name: str, default=None):
        return dict(self.values).get(name, default)


@dataclass(frozen=True)
class AidCalculation:
    project_kind: str
    size: str
    base_percent: Decimal | None
    bonus_percent: Decimal | None
    project_cost: Decimal | None
    sources: tuple[str, ...]
    regime: str = ""
    problem: str = ""  # size-unknown, rate-unknown, no-rate-for-case

    @property
    def total_percent(self) -> Decimal | None:
        if self.base_percent is None:
            return None
        return self.base_percent + (self.bonus_percent or Decimal(0))

    @property
    def base_amount(self) -> Decimal | None:
        return _amount(self.project_cost, self.base_percent)

    @property
    def total_amount(self) -> Decimal | None:
        return _amount(self.project_cost, self.total_percent)


def _amount(cost: Decimal | None, percent: Decimal | None) -> Decimal | None:
    if cost is None or percent is None:
        return None
    return (cost * percent / 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


@dataclass
class Match:
    code: str
    score: int
    reasons: list[Reason]
    caveats: list[Reason]
    aid: AidCalculation | None = None


@dataclass
class Exclusion:
    code: str
    reasons: list[Reason]


@dataclass
class ContactMatch:
    code: str
    reasons: list[Reason]


@dataclass
class Result:
    profile: Profile
    phases: tuple[str, ...]
    trl_phase: str
    matches: list[Match]
    excluded: list[Exclusion]
    contacts: list[ContactMatch] = field(default_factory=list)
    obligations: list[str] = field(default_factory=list)
    facilities: list[int] = field(default_factory=list)
    rules: tuple[Rule, ...] = RULES

    @property
    def codes(self) -> list[str]:
        return [m.code for m in self.matches]


# --- the engine -------------------------------------------------------------------------------------

def _serves_goal(rule: GoalRule, facts: InstrumentFacts) -> Reason | None:
    if rule.partner_search and facts.partner_search:
        return Reason("partner-search", facts.sources.get("record", ""))
    phases = [p for p in PHASES if p in rule.phases and p in facts.phases]
    kinds_fit = rule.offer_kinds is None or bool(set(facts.offer_kinds) & rule.offer_kinds)
    if rule.goal == "finance":
        financing = [k for k in facts.offer_kinds if k in FINANCE_KINDS]
        if financing:
            return Reason("finance", facts.sources.get("record", ""), (("kinds", tuple(financing)),))
        return None
    if phases and kinds_fit:
        return Reason("phase", facts.sources.get("phases", ""), (("phases", tuple(phases)),))
    return None


def _eligibility(profile: Profile, facts: InstrumentFacts) -> tuple[list[Reason], list[Reason], list[Reason], int]:
    """(reasons it fits, caveats, reasons it does not, score) for who may apply."""
    source = facts.sources.get("applicants", "")
    fits, caveats, fails, score = [], [], [], 0
    if facts.applicant_kinds:
        if not profile.kind:
            caveats.append(Reason("kind-unanswered", source, (("kinds", facts.applicant_kinds),)))
        elif profile.kind in facts.applicant_kinds:
            fits.append(Reason("kind", source, (("kind", profile.kind),)))
            score += 2
        else:
            fails.append(Reason("kind-excluded", source, (("kinds", facts.applicant_kinds),)))
    else:
        caveats.append(Reason("applicants-unknown", facts.sources.get("record", "")))
    if facts.applicant_sizes:
        if not profile.size:
            caveats.append(Reason("size-unanswered", source, (("sizes", facts.applicant_sizes),)))
        elif profile.size in facts.applicant_sizes:
            fits.append(Reason("size", source, (("size", profile.size),)))
            score += 1
        else:
            fails.append(Reason("size-excluded", source, (("sizes", facts.applicant_sizes),)))
    if facts.applicant_regions:
        if not profile.region:
            caveats.append(Reason("region-unanswered", source, (("regions", facts.applicant_regions),)))
        elif profile.region in facts.applicant_regions:
            fits.append(Reason("region", source, (("region", profile.region),)))
            score += 1
        else:
            fails.append(Reason("region-excluded", source, (("regions", facts.applicant_regions),)))
    if facts.startups_only:
        if profile.startup:
            fits.append(Reason("startup", source))
            score += 2
        else:
            fails.append(Reason("startups-only", source))
    return fits, caveats, fails, score


def aid_calculation(profile: Profile, facts: InstrumentFacts, project_kind: str) -> AidCalculation | None:
    """The maximum aid for ``project_kind`` from the instrument's known rates, or None when the
    instrument has no rate for that kind of project. A missing size or an unknown rate is reported in
    ``problem`` rather than guessed."""
    cases = [r for r in facts.rates if r.component == "base" and r.project_kind in (project_kind, "any")]
    if not cases:
        return None
    bonus = next((r for r in facts.rates if r.component == "collaboration_bonus"
                  and r.project_kind in (project_kind, "any") and r.size in (profile.size, "any")), None)
    bonus_percent = bonus.max_percent if (bonus and profile.collaboration) else None
    bonus_sources = (bonus.source,) if (bonus and profile.collaboration) else ()
    common = {"project_kind": project_kind, "project_cost": profile.project_cost, "size": profile.size}
    if not profile.size:
        return AidCalculation(base_percent=None, bonus_percent=None, sources=tuple(r.source for r in cases),
                              problem="size-unknown", **common)
    rate = next((r for r in cases if r.size == profile.size), None) or next((r for r in cases if r.size == "any"), None)
    if rate is None:
        return AidCalculation(base_percent=None, bonus_percent=None, sources=tuple(r.source for r in cases),
                              problem="no-rate-for-case", **common)
    if rate.max_percent is None:
        return AidCalculation(base_percent=None, bonus_percent=None, sources=(rate.source,), regime=rate.regime,
                              problem="rate-unknown", **common)
    return AidCalculation(base_percent=rate.max_percent, bonus_percent=bonus_percent,
                          sources=(rate.source, *bonus_sources), regime=rate.regime, **common)


def recommend(profile: Profile, instruments, contacts=(), obligations=(), facilities=()) -> Result:
    """The instruments that fit ``profile`` (best first), those left out with the reason, and the
    contact points, obligations and facilities that go with them.

    ``instruments`` are ``InstrumentFacts``; ``contacts`` ``ContactFacts``; ``obligations``
    ``ObligationFacts``; ``facilities`` ``FacilityFacts``. Returns a ``Result``.
    """
    rule = GOAL_RULES[profile.goal]
    current_phase = trl_phase(profile.trl)
    matches, excluded = [], []
    for facts in instruments:
        serves = _serves_goal(rule, facts)
        if serves is None:
            continue
        fits, caveats, fails, score = _eligibility(profile, facts)
        trl_source = facts.sources.get("trl", "")
        if profile.trl is not None and (facts.trl_min is not None or facts.trl_max is not None):
            low, high = facts.trl_min or 1, facts.trl_max or 9
            if low <= profile.trl <= high:
                fits.append(Reason("trl-range", trl_source, (("low", low), ("high", high))))
                score += 2
            else:
                fails.append(Reason("trl-excluded", trl_source, (("low", low), ("high", high))))
        if fails:
            excluded.append(Exclusion(facts.code, fails))
            continue
        reasons = [serves, *fits]
        if current_phase and current_phase in facts.phases and current_phase in rule.phases:
            reasons.append(Reason("trl-phase", TRL_SOURCE, (("trl", profile.trl), ("phase", current_phase))))
            score += 3
        shared = tuple(d for d in profile.domains if d in facts.domains)
        if shared:
            reasons.append(Reason("domain", facts.sources.get("domains", ""), (("domains", shared),)))
            score += 2
        aid = aid_calculation(profile, facts, rule.project_kind) if rule.project_kind else None
        if aid is not None:
            score += 1
        matches.append(Match(facts.code, score, reasons, caveats, aid))
    level = {f.code: LEVEL_ORDER.get(f.level, 9) for f in instruments}
    matches.sort(key=lambda m: (-m.score, level[m.code], m.code))
    matched = {m.code for m in matches}
    phases = tuple(p for p in PHASES if p in rule.phases)
    target_phases = set(phases) | ({current_phase} if current_phase else set())

    contact_matches = []
    for contact in contacts:
        reasons = []
        if profile.goal in contact.goals:
            reasons.append(Reason("contact-goal", contact.source, (("goal", profile.goal),)))
        phase_hits = tuple(p for p in PHASES if p in contact.phases and p in target_phases)
        if phase_hits:
            reasons.append(Reason("contact-phase", contact.source, (("phases", phase_hits),)))
        advises = tuple(code for code in contact.instruments if code in matched)
        if advises:
            reasons.append(Reason("contact-instruments", contact.source, (("instruments", advises),)))
        if reasons:
            contact_matches.append(ContactMatch(contact.code, reasons))
    contact_matches.sort(key=lambda c: -len(c.reasons))

    shown_obligations = []
    for obligation in obligations:
        by_goal = profile.goal in obligation.goals
        if by_goal and obligation.destinations and "any" not in obligation.destinations:
            by_goal = profile.destination in obligation.destinations
        if by_goal or any(code in matched for code in obligation.instruments):
            shown_obligations.append(obligation.code)

    chosen_facilities = []
    if rule.facilities:
        ranked = []
        for facility in facilities:
            if not facility.phases:
                continue
            shared = set(profile.domains) & set(facility.domains)
            if profile.domains and facility.domains and not shared:
                continue
            ranked.append((0 if shared else 1, facility.id))
        chosen_facilities = [facility_id for _, facility_id in sorted(ranked)]

    return Result(profile=profile, phases=phases, trl_phase=current_phase, matches=matches, excluded=excluded,
                  contacts=contact_matches, obligations=shown_obligations, facilities=chosen_facilities)
