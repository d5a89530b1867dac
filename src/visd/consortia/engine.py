"""Checks a consortium against the EDF rules (``rules.py``), rule by rule, with no database.

Input is the command contract's JSON (docs/consortia.md): ``{"programme", "action", "members": [...]}``;
``parse_consortium`` refuses bad input with every problem named (``ConsortiumInputError``), ``check``
returns ``{"eligible", "rules", "suggestions"}``. A rule is ``pass``, ``fail`` or ``unknown`` (the data
to judge it is missing); ``eligible`` is ``False`` when a rule fails, ``None`` when none fails but one
is unknown, else ``True``.

Control is three-valued too: a member without the key ``controlled_by`` has an unknown controller;
``"controlled_by": null`` states that nobody controls it.

>>> result = check({"programme": "EDF", "action": "research", "members": [
...     {"id": "a", "country": "BE", "management_country": "BE", "role": "coordinator", "controlled_by": None},
...     {"id": "b", "country": "FR", "management_country": "FR", "role": "beneficiary", "controlled_by": None},
...     {"id": "c", "country": "NO", "management_country": "NO", "role": "beneficiary", "controlled_by": None}]})
>>> result["eligible"], [rule["status"] for rule in result["rules"]]
(True, ['pass', 'pass', 'pass', 'pass', 'pass'])
>>> result = check({"programme": "EDF", "action": "research", "members": [
...     {"id": "a", "country": "BE", "management_country": "BE", "role": "coordinator", "controlled_by": None},
...     {"id": "b", "country": "BE", "management_country": "BE", "role": "beneficiary", "controlled_by": None}]})
>>> result["eligible"], result["rules"][3]["status"], result["suggestions"][0]["need"]["exclude_countries"]
(False, 'fail', ['BE'])
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from visd.screening.countries import COUNTRY_CODES, country_name

from .rules import RuleSet, available_programmes, load_rules

ACTIONS = ("research", "development")
UNKNOWN = object()  # a member whose controller is not stated (the key is absent)


class ConsortiumInputError(ValueError):
    """The consortium cannot be checked; ``problems`` names each reason."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class Member:
    id: str
    name: str
    pic: str
    country: str | None
    role: str
    controlled_by: Any  # None (nobody), a string (member id or outside entity) or UNKNOWN
    controller_country: str | None
    guarantees: bool
    sme: bool | None
    mid_cap: bool | None
    management_country: str | None
    budget: float | None

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass
class Consortium:
    programme: str
    action: str
    members: list[Member]
    derogation: str | None
    rules: RuleSet

    def member(self, member_id: str) -> Member | None:
        return next((m for m in self.members if m.id == member_id), None)


# --- messages: the engine speaks Dutch and English without Django (see docs/consortia.md) ---------

MESSAGES = {
    "established_ok": {
        "en": "Every recipient and subcontractor is established in a Member State or associated country.",
        "nl": "Elke ontvanger en onderaannemer is gevestigd in een lidstaat of geassocieerd land."},
    "established_fail": {
        "en": "{members} established outside the Member States and associated countries ({countries}): not eligible as recipient or subcontractor.",
        "nl": "{members} gevestigd buiten de lidstaten en geassocieerde landen ({countries}): niet subsidiabel als ontvanger of onderaannemer."},
    "established_unknown": {
        "en": "Country of establishment unknown or its association to the Fund not confirmed by a source for {members}.",
        "nl": "Land van vestiging onbekend of de associatie met het Fonds niet door een bron bevestigd voor {members}."},
    "management_ok": {
        "en": "Every recipient and subcontractor has its executive management structures in a Member State or associated country.",
        "nl": "Elke ontvanger en onderaannemer heeft zijn uitvoerende beheersstructuren in een lidstaat of geassocieerd land."},
    "management_fail": {
        "en": "{members} executive management structures outside the Member States and associated countries ({countries}).",
        "nl": "{members} uitvoerende beheersstructuren buiten de lidstaten en geassocieerde landen ({countries})."},
    "management_unknown": {
        "en": "Where the executive management structures are is not stated for {members}.",
        "nl": "Waar de uitvoerende beheersstructuren zijn, is niet opgegeven voor {members}."},
    "control_ok": {
        "en": "No recipient or subcontractor is controlled from a non-associated third country.",
        "nl": "Geen ontvanger of onderaannemer staat onder zeggenschap vanuit een niet-geassocieerd derde land."},
    "control_guarantees": {
        "en": " {members} controlled from a non-associated third country ({countries}) but eligible with guarantees approved by the country of establishment; the Commission assesses them.",
        "nl": " {members} onder zeggenschap vanuit een niet-geassocieerd derde land ({countries}) maar subsidiabel met garanties goedgekeurd door het land van vestiging; de Commissie beoordeelt ze."},
    "control_fail": {
        "en": "{members} controlled from a non-associated third country ({countries}) without guarantees: not eligible.",
        "nl": "{members} onder zeggenschap vanuit een niet-geassocieerd derde land ({countries}) zonder garanties: niet subsidiabel."},
    "control_unknown": {
        "en": "Who controls {members}, or the country of the controlling entity, is not known.",
        "nl": "Wie zeggenschap heeft over {members}, of het land van die entiteit, is niet bekend."},
    "consortium_ok": {
        "en": "{count} eligible entities established in {ncountries} countries ({countries}); at least {min_entities} in {min_countries} are required.",
        "nl": "{count} subsidiabele entiteiten gevestigd in {ncountries} landen ({countries}); minstens {min_entities} in {min_countries} zijn vereist."},
    "consortium_fail": {
        "en": "Only {count} entities that are or may be eligible, in {ncountries} countries ({countries}); at least {min_entities} entities in {min_countries} different Member States or associated countries are required.",
        "nl": "Slechts {count} entiteiten die subsidiabel zijn of kunnen zijn, in {ncountries} landen ({countries}); minstens {min_entities} entiteiten in {min_countries} verschillende lidstaten of geassocieerde landen zijn vereist."},
    "consortium_unknown": {
        "en": "The condition is met only if the eligibility of {members} is confirmed ({count} entities in {ncountries} countries counting them).",
        "nl": "De voorwaarde is alleen vervuld als de subsidiabiliteit van {members} bevestigd wordt ({count} entiteiten in {ncountries} landen als ze meetellen)."},
    "independence_ok": {
        "en": "{members} are not controlled by the same entity and do not control each other ({ncountries} countries).",
        "nl": "{members} staan niet onder zeggenschap van dezelfde entiteit en hebben geen zeggenschap over elkaar ({ncountries} landen)."},
    "independence_fail": {
        "en": "Only {groups} independent groups among the eligible entities ({detail}); at least {min_entities} independent entities in {min_countries} countries are required.",
        "nl": "Slechts {groups} onafhankelijke groepen onder de subsidiabele entiteiten ({detail}); minstens {min_entities} onafhankelijke entiteiten in {min_countries} landen zijn vereist."},
    "independence_unknown": {
        "en": "The condition is met only if the control of {members} is as assumed; state who controls them.",
        "nl": "De voorwaarde is alleen vervuld als de zeggenschap over {members} is zoals verondersteld; geef op wie zeggenschap heeft."},
    "group_controlled": {"en": "{members} controlled by {controller}", "nl": "{members} onder zeggenschap van {controller}"},
    "not_checked_role": {
        "en": " Not checked: {members} (associated partners receive no funding).",
        "nl": " Niet getoetst: {members} (geassocieerde partners ontvangen geen financiering)."},
    "derogation": {"en": " Derogation applied: {title}.", "nl": " Afwijking toegepast: {title}."},
    "unverified": {
        "en": " The figures of this rule were not read from the regulation's text; they are configurable.",
        "nl": " De cijfers van deze regel zijn niet uit de tekst van de verordening gelezen; ze zijn instelbaar."},
    "suggest_add": {
        "en": "Add {count} eligible {entity} established in {where}{not_controlled}, with executive management in a Member State or associated country.",
        "nl": "Voeg {count} subsidiabele {entity} toe, gevestigd in {where}{not_controlled}, met uitvoerend beheer in een lidstaat of geassocieerd land."},
    "entity_one": {"en": "entity", "nl": "entiteit"},
    "entity_many": {"en": "entities", "nl": "entiteiten"},
    "where_other": {"en": "another Member State or associated country than {countries}",
                    "nl": "een andere lidstaat of geassocieerd land dan {countries}"},
    "where_others": {"en": "{count} different Member States or associated countries other than {countries}",
                     "nl": "{count} verschillende lidstaten of geassocieerde landen buiten {countries}"},
    "where_any": {"en": "a Member State or associated country", "nl": "een lidstaat of geassocieerd land"},
    "not_controlled": {"en": ", not controlled by {controllers}", "nl": ", niet onder zeggenschap van {controllers}"},
    "suggest_replace": {
        "en": "Replace {member} by an entity established in a Member State or associated country, or remove it.",
        "nl": "Vervang {member} door een entiteit gevestigd in een lidstaat of geassocieerd land, of verwijder ze."},
    "suggest_management": {
        "en": "{member} needs its executive management structures in a Member State or associated country, or a replacement.",
        "nl": "{member} moet zijn uitvoerende beheersstructuren in een lidstaat of geassocieerd land hebben, of vervangen worden."},
    "suggest_guarantees": {
        "en": "{member} can only take part if {country} approves guarantees given to the Commission (Article 9(4)); otherwise replace it.",
        "nl": "{member} kan alleen deelnemen als {country} garanties goedkeurt die aan de Commissie worden gegeven (artikel 9, lid 4); anders vervangen."},
    "suggest_data": {
        "en": "State {what} for {member}.",
        "nl": "Geef {what} op voor {member}."},
    "what_country": {"en": "the country of establishment", "nl": "het land van vestiging"},
    "what_management": {"en": "where the executive management structures are", "nl": "waar de uitvoerende beheersstructuren zijn"},
    "what_control": {"en": "who controls it (or that nobody does) and that entity's country",
                     "nl": "wie er zeggenschap over heeft (of dat niemand dat heeft) en het land van die entiteit"},
    "what_association": {"en": "a source confirming that {country} is associated to the Fund",
                         "nl": "een bron die bevestigt dat {country} met het Fonds geassocieerd is"},
    "none": {"en": "none", "nl": "geen"},
}


def _m(key: str, language: str, **values) -> str:
    template = MESSAGES[key].get(language) or MESSAGES[key]["en"]
    return template.format(**values)


def _names(members: list[Member]) -> str:
    return ", ".join(m.label for m in members)


def _countries(codes, language: str) -> str:
    return ", ".join(f"{country_name(code, language)} ({code})" for code in sorted(set(codes)) if code)


# --- input ------------------------------------------------------------------------------------------

def _country(value, field_name: str, member_id: str, rules: RuleSet, problems: list[str]) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        problems.append(f"member {member_id}: {field_name} must be a two-letter country code, not {value!r}")
        return None
    code = rules.normalise_country(value)
    if code not in COUNTRY_CODES:
        problems.append(f"member {member_id}: unknown country code {value!r} in {field_name}")
        return None
    return code


def _flag(value, field_name: str, member_id: str, problems: list[str], default=None):
    if value is None:
        return default
    if not isinstance(value, bool):
        problems.append(f"member {member_id}: {field_name} must be true, false or null, not {value!r}")
        return default
    return value


def parse_consortium(data: Any) -> Consortium:
    """The contract's JSON (a dict or a JSON string) as a Consortium; every problem at once."""
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as error:
            raise ConsortiumInputError([f"malformed JSON: {error.msg} at line {error.lineno} column {error.colno}"]
                                       ) from error
    if not isinstance(data, dict):
        raise ConsortiumInputError(["the consortium must be a JSON object with programme, action and members"])
    problems: list[str] = []
    programme = data.get("programme") or "EDF"
    # only the rule files that exist: the name never becomes a path of its own
    if not isinstance(programme, str) or programme.upper() not in available_programmes():
        raise ConsortiumInputError([f"unknown programme {programme!r}: rule sets exist for {', '.join(available_programmes())}"])
    programme = programme.upper()
    rules = load_rules(programme)
    action = data.get("action")
    if not isinstance(action, str) or action not in ACTIONS:
        problems.append(f"action must be 'research' or 'development', not {action!r}")
    derogation = data.get("derogation")
    if derogation is not None and (not isinstance(derogation, str) or derogation not in rules.derogations):
        problems.append(f"unknown derogation {derogation!r}; known: {', '.join(sorted(rules.derogations))}")
    raw_members = data.get("members")
    if not isinstance(raw_members, list):
        raise ConsortiumInputError(problems + ["members must be a list"])
    members: list[Member] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_members, start=1):
        if not isinstance(raw, dict):
            problems.append(f"member {index}: must be an object")
            continue
        member_id = raw.get("id")
        if not isinstance(member_id, str) or not member_id.strip():
            problems.append(f"member {index}: id is missing")
            continue
        if member_id in seen:
            problems.append(f"duplicate member id {member_id!r}")
            continue
        seen.add(member_id)
        role = raw.get("role") or "beneficiary"
        if not isinstance(role, str) or role not in rules.roles:
            problems.append(f"member {member_id}: unknown role {role!r}; known: {', '.join(rules.roles)}")
        controlled_by = raw["controlled_by"] if "controlled_by" in raw else UNKNOWN
        if controlled_by is not UNKNOWN and controlled_by is not None:
            if not isinstance(controlled_by, str) or not controlled_by.strip():
                problems.append(f"member {member_id}: controlled_by must be an id, a name or null")
                controlled_by = UNKNOWN
            elif controlled_by == member_id:
                problems.append(f"member {member_id} is controlled by itself")
        budget = raw.get("budget")
        if budget is not None and (isinstance(budget, bool) or not isinstance(budget, (int, float)) or budget < 0):
            problems.append(f"member {member_id}: budget must be a non-negative number of euro")
            budget = None
        members.append(Member(
            id=member_id, name=str(raw.get("name") or ""), pic=str(raw.get("pic") or ""),
            country=_country(raw.get("country"), "country", member_id, rules, problems),
            role=role, controlled_by=controlled_by,
            controller_country=_country(raw.get("controller_country"), "controller_country", member_id, rules, problems),
            guarantees=_flag(raw.get("guarantees"), "guarantees", member_id, problems, default=False),
            sme=_flag(raw.get("sme"), "sme", member_id, problems),
            mid_cap=_flag(raw.get("mid_cap"), "mid_cap", member_id, problems),
            management_country=_country(raw.get("management_country"), "management_country", member_id, rules, problems),
            budget=budget))
    by_id = {m.id: m for m in members}
    reported: set[frozenset] = set()
    for member in members:
        # a control cycle among members (a controls b controls a) leaves no ultimate controller
        visited: list[str] = []
        current = member
        while current is not None and isinstance(current.controlled_by, str):
            if current.id in visited:
                cycle = visited[visited.index(current.id):]
                if frozenset(cycle) not in reported and len(cycle) > 1:
                    reported.add(frozenset(cycle))
                    problems.append("control cycle: " + " -> ".join(cycle + [cycle[0]]))
                break
            visited.append(current.id)
            current = by_id.get(current.controlled_by)
    if problems:
        raise ConsortiumInputError(problems)
    return Consortium(programme=programme, action=action, members=members, derogation=derogation, rules=rules)


# --- control ----------------------------------------------------------------------------------------

def ultimate_controller(member: Member, consortium: Consortium):
    """The root of the member's control chain: a member (nobody controls it), an outside entity's
    name, or UNKNOWN where a link of the chain is not stated."""
    current = member
    while True:
        if current.controlled_by is UNKNOWN:
            return UNKNOWN
        if current.controlled_by is None:
            return current
        parent = consortium.member(current.controlled_by)
        if parent is None:
            return current.controlled_by
        current = parent


def controller_country(member: Member, consortium: Consortium):
    """The country of the member's ultimate controlling entity; None if nobody controls it; UNKNOWN.
    A member's own ``controller_country`` wins; else the one stated by the member nearest to the root
    of its chain (the outside controller's country), else the country of a controlling member."""
    root = ultimate_controller(member, consortium)
    if root is UNKNOWN:
        return UNKNOWN
    if root is member:
        return None
    if member.controller_country:
        return member.controller_country
    if isinstance(root, Member):
        return root.country or UNKNOWN
    stated, current = None, member
    while isinstance(current, Member) and isinstance(current.controlled_by, str):
        stated = current.controller_country or stated
        current = consortium.member(current.controlled_by)
    return stated or UNKNOWN


def _root_key(member: Member, consortium: Consortium):
    root = ultimate_controller(member, consortium)
    if root is UNKNOWN:
        return UNKNOWN
    return ("member", root.id) if isinstance(root, Member) else ("outside", root)


def _max_distinct_countries(groups: dict[Any, list[Member]]) -> tuple[int, list[Member]]:
    """Pick one member per control group so that as many countries as possible differ: a maximum
    bipartite matching of groups to countries (augmenting paths; consortia are small)."""
    country_owner: dict[str, Any] = {}
    chosen: dict[Any, Member] = {}

    def assign(group, visited) -> bool:
        for member in groups[group]:
            country = member.country
            if country is None or country in visited:
                continue
            visited.add(country)
            if country not in country_owner or assign(country_owner[country], visited):
                country_owner[country] = group
                chosen[group] = member
                return True
        return False

    for group in groups:
        assign(group, set())
    return len(chosen), list(chosen.values())


# --- the rules --------------------------------------------------------------------------------------

def _result(rules: RuleSet, code: str, status: str, members: list[Member], explanation: str, language: str,
            derogation: str | None = None) -> dict[str, Any]:
    rule = rules.rules[code]
    if derogation and code in rules.derogations[derogation].get("replaces", {}):
        explanation += _m("derogation", language, title=rules.derogations[derogation]["title"][language])
        source = f"{rule.source}; {rules.derogations[derogation]['source']}"
        verified = rule.verified and bool(rules.derogations[derogation].get("verified"))
    else:
        source, verified = rule.source, rule.verified
    if not verified:
        explanation += _m("unverified", language)
    return {"rule": code, "title": rule.title[language], "status": status, "members": [m.id for m in members],
            "explanation": explanation, "source": source, "verified": verified}


def _article_9(consortium: Consortium, language: str):
    rules = consortium.rules
    checked = [m for m in consortium.members if rules.roles[m.role]["article_9"]]
    skipped = [m for m in consortium.members if not rules.roles[m.role]["article_9"]]
    skipped_note = _m("not_checked_role", language, members=_names(skipped)) if skipped else ""
    status_of: dict[str, dict[str, str]] = {m.id: {} for m in checked}
    results, suggestions = [], []

    # Article 9(1): establishment
    failing = [m for m in checked if rules.country_status(m.country) == "third_country"]
    unknown = [m for m in checked if rules.country_status(m.country) in ("unknown", "unconfirmed")]
    for m in checked:
        status_of[m.id]["establishment"] = ("fail" if m in failing else "unknown" if m in unknown else "pass")
    if failing:
        text = _m("established_fail", language, members=_names(failing), countries=_countries([m.country for m in failing], language))
        results.append(_result(rules, "art9_establishment", "fail", failing, text + skipped_note, language))
        suggestions += [_suggestion("art9_establishment", "replace_member", [m], _m("suggest_replace", language, member=m.label)) for m in failing]
    elif unknown:
        results.append(_result(rules, "art9_establishment", "unknown", unknown,
                               _m("established_unknown", language, members=_names(unknown)) + skipped_note, language))
        for m in unknown:
            what = (_m("what_association", language, country=country_name(m.country, language))
                    if m.country else _m("what_country", language))
            suggestions.append(_suggestion("art9_establishment", "provide_data", [m], _m("suggest_data", language, what=what, member=m.label)))
    else:
        results.append(_result(rules, "art9_establishment", "pass", checked, _m("established_ok", language) + skipped_note, language))

    # Article 9(2): executive management structures
    failing = [m for m in checked if m.management_country and rules.country_status(m.management_country) == "third_country"]
    unknown = [m for m in checked if m not in failing and rules.country_status(m.management_country) in ("unknown", "unconfirmed")]
    for m in checked:
        status_of[m.id]["management"] = ("fail" if m in failing else "unknown" if m in unknown else "pass")
    if failing:
        text = _m("management_fail", language, members=_names(failing), countries=_countries([m.management_country for m in failing], language))
        results.append(_result(rules, "art9_management", "fail", failing, text + skipped_note, language))
        suggestions += [_suggestion("art9_management", "change_member", [m], _m("suggest_management", language, member=m.label)) for m in failing]
    elif unknown:
        results.append(_result(rules, "art9_management", "unknown", unknown,
                               _m("management_unknown", language, members=_names(unknown)) + skipped_note, language))
        suggestions += [_suggestion("art9_management", "provide_data", [m], _m("suggest_data", language, what=_m("what_management", language), member=m.label)) for m in unknown]
    else:
        results.append(_result(rules, "art9_management", "pass", checked, _m("management_ok", language) + skipped_note, language))

    # Article 9(3) and (4): control from a non-associated third country, guarantees
    failing, unknown, guaranteed = [], [], []
    for m in checked:
        country = controller_country(m, consortium)
        state = "unknown" if country is UNKNOWN else "none" if country is None else rules.country_status(country)
        if state in ("none", "member_state", "associated"):
            status_of[m.id]["control"] = "pass"
        elif state in ("unknown", "unconfirmed"):
            status_of[m.id]["control"] = "unknown"
            unknown.append(m)
        elif m.guarantees:
            status_of[m.id]["control"] = "pass"
            guaranteed.append((m, country))
        else:
            status_of[m.id]["control"] = "fail"
            failing.append((m, country))
    guarantee_note = (_m("control_guarantees", language, members=_names([m for m, _ in guaranteed]),
                         countries=_countries([c for _, c in guaranteed], language)) if guaranteed else "")
    if failing:
        text = _m("control_fail", language, members=_names([m for m, _ in failing]), countries=_countries([c for _, c in failing], language))
        results.append(_result(rules, "art9_control", "fail", [m for m, _ in failing], text + guarantee_note + skipped_note, language))
        suggestions += [_suggestion("art9_control", "guarantees_or_replace", [m],
                                    _m("suggest_guarantees", language, member=m.label, country=country_name(m.country, language)))
                        for m, _ in failing]
    elif unknown:
        results.append(_result(rules, "art9_control", "unknown", unknown,
                               _m("control_unknown", language, members=_names(unknown)) + guarantee_note + skipped_note, language))
        suggestions += [_suggestion("art9_control", "provide_data", [m], _m("suggest_data", language, what=_m("what_control", language), member=m.label)) for m in unknown]
    else:
        results.append(_result(rules, "art9_control", "pass", checked, (_m("control_ok", language) if not guaranteed else guarantee_note.strip()) + skipped_note, language))
    return results, suggestions, status_of


def _suggestion(rule: str, kind: str, members: list[Member], text: str, need: dict | None = None) -> dict[str, Any]:
    return {"rule": rule, "kind": kind, "members": [m.id for m in members], "text": text, "need": need or {}}


def _article_10(consortium: Consortium, status_of: dict[str, dict[str, str]], language: str):
    rules = consortium.rules
    applicants = [m for m in consortium.members if rules.roles[m.role]["applicant"]]

    def eligibility(m: Member) -> str:
        states = status_of.get(m.id, {}).values()
        return "fail" if "fail" in states else "unknown" if "unknown" in states else "pass"

    sure = [m for m in applicants if eligibility(m) == "pass"]
    possible = [m for m in applicants if eligibility(m) in ("pass", "unknown")]
    doubtful = [m for m in possible if m not in sure]
    results, suggestions = [], []

    # the consortium condition: entities and countries
    params = rules.parameters("art10_consortium", consortium.derogation)
    min_entities, min_countries = params["min_entities"], params["min_countries"]

    def meets(members):
        return len(members) >= min_entities and len({m.country for m in members}) >= min_countries

    sure_countries = sorted({m.country for m in sure})
    values = dict(min_entities=min_entities, min_countries=min_countries)
    if meets(sure):
        text = _m("consortium_ok", language, count=len(sure), ncountries=len(sure_countries),
                  countries=_countries(sure_countries, language), **values)
        results.append(_result(rules, "art10_consortium", "pass", sure, text, language, consortium.derogation))
    elif meets(possible):
        text = _m("consortium_unknown", language, members=_names(doubtful), count=len(possible),
                  ncountries=len({m.country for m in possible}))
        results.append(_result(rules, "art10_consortium", "unknown", doubtful, text, language, consortium.derogation))
    else:
        possible_countries = sorted({m.country for m in possible})
        text = _m("consortium_fail", language, count=len(possible), ncountries=len(possible_countries),
                  countries=_countries(possible_countries, language) or _m("none", language), **values)
        results.append(_result(rules, "art10_consortium", "fail", possible, text, language, consortium.derogation))
        missing_countries = max(0, min_countries - len(possible_countries))
        missing_entities = max(0, min_entities - len(possible), missing_countries)
        suggestions.append(_add_suggestion("art10_consortium", consortium, possible, missing_entities,
                                           possible_countries if missing_countries else [], language,
                                           new_countries=missing_countries))

    # independence: entities not controlled by the same entity and not controlling each other
    params = rules.parameters("art10_independence", consortium.derogation)
    min_entities, min_countries = params["min_entities"], params["min_countries"]

    def groups_of(members, optimistic: bool):
        groups: dict[Any, list[Member]] = {}
        for m in members:
            key = _root_key(m, consortium)
            if key is UNKNOWN:
                if not optimistic:
                    continue
                key = ("unknown", m.id)  # assume, optimistically, that nobody else controls it
            groups.setdefault(key, []).append(m)
        return groups

    def independent(members, optimistic):
        groups = groups_of(members, optimistic)
        ncountries, picked = _max_distinct_countries(groups)
        ok = len(groups) >= min_entities and ncountries >= min_countries
        if ok:
            rest = [g[0] for key, g in groups.items() if not any(p in g for p in picked)]
            picked = picked + rest[: max(0, min_entities - len(picked))]
        return ok, groups, picked, ncountries

    ok, groups, picked, ncountries = independent(sure, optimistic=False)
    values = dict(min_entities=min_entities, min_countries=min_countries)
    if ok:
        text = _m("independence_ok", language, members=_names(picked), ncountries=len({m.country for m in picked}))
        results.append(_result(rules, "art10_independence", "pass", picked, text, language, consortium.derogation))
    else:
        ok_possible, groups, _, ncountries = independent(possible, optimistic=True)
        unknown_control = [m for m in possible if _root_key(m, consortium) is UNKNOWN or m in doubtful]
        if ok_possible:
            text = _m("independence_unknown", language, members=_names(unknown_control))
            results.append(_result(rules, "art10_independence", "unknown", unknown_control, text, language, consortium.derogation))
            suggestions += [_suggestion("art10_independence", "provide_data", [m], _m("suggest_data", language, what=_m("what_control", language), member=m.label))
                            for m in unknown_control if _root_key(m, consortium) is UNKNOWN]
        else:
            detail = "; ".join(_group_text(key, members, consortium, language) for key, members in groups.items()) or _m("none", language)
            text = _m("independence_fail", language, groups=len(groups), detail=detail, **values)
            dependent = [m for members in groups.values() if len(members) > 1 for m in members]
            results.append(_result(rules, "art10_independence", "fail", dependent or possible, text, language, consortium.derogation))
            missing = max(min_entities - len(groups), min_countries - ncountries, 1)
            exclude = sorted({m.country for m in possible}) if ncountries < min_countries else []
            adding = next((s for s in suggestions if s["kind"] == "add_member"), None)
            # one request to add partners: the consortium condition's already asks for enough of them
            if adding is None or adding["need"]["count"] < missing:
                suggestions.append(_add_suggestion("art10_independence", consortium, possible, missing, exclude, language))
    return results, suggestions


def _group_text(key, members: list[Member], consortium: Consortium, language: str) -> str:
    if len(members) == 1:
        return members[0].label
    controller = key[1]
    if key[0] == "member":
        controller = consortium.member(controller).label
    return _m("group_controlled", language, members=_names(members), controller=controller)


def _controllers(consortium: Consortium, members: list[Member], controlling_only: bool = False) -> list[str]:
    """The ultimate controllers present: a new partner must not be controlled by any of them. With
    ``controlling_only``, only those that control a member (the ones worth naming to a reader)."""
    names = []
    for m in members:
        root = ultimate_controller(m, consortium)
        if root is UNKNOWN or (controlling_only and root is m):
            continue
        name = root.label if isinstance(root, Member) else root
        if name not in names:
            names.append(name)
    return names


def _add_suggestion(rule: str, consortium: Consortium, present: list[Member], count: int, exclude_countries: list[str],
                    language: str, new_countries: int = 1) -> dict[str, Any]:
    controllers = _controllers(consortium, present)
    if exclude_countries and new_countries > 1:
        where = _m("where_others", language, count=new_countries, countries=_countries(exclude_countries, language))
    elif exclude_countries:
        where = _m("where_other", language, countries=_countries(exclude_countries, language))
    else:
        where = _m("where_any", language)
    named = _controllers(consortium, present, controlling_only=True)
    not_controlled = _m("not_controlled", language, controllers=", ".join(named)) if named else ""
    text = _m("suggest_add", language, count=count, entity=_m("entity_one" if count == 1 else "entity_many", language),
              where=where, not_controlled=not_controlled)
    allowed = sorted(consortium.rules.member_states | {c for c, e in consortium.rules.associated.items() if e["status"] == "associated"})
    return _suggestion(rule, "add_member", [], text, need={
        "count": count, "new_countries": new_countries if exclude_countries else 0, "exclude_countries": exclude_countries,
        "countries": [c for c in allowed if c not in exclude_countries],
        "not_controlled_by": controllers, "exclude_pics": [m.pic for m in consortium.members if m.pic]})


def check(data: Any, language: str = "en") -> dict[str, Any]:
    """The contract's output for a consortium (dict, JSON string or Consortium)."""
    consortium = data if isinstance(data, Consortium) else parse_consortium(data)
    language = language if language in ("en", "nl") else "en"
    results, suggestions, status_of = _article_9(consortium, language)
    more_results, more_suggestions = _article_10(consortium, status_of, language)
    results += more_results
    suggestions = more_suggestions + suggestions  # what to add first, then what to fix
    statuses = {r["status"] for r in results}
    eligible = False if "fail" in statuses else None if "unknown" in statuses else True
    return {"eligible": eligible, "rules": results, "suggestions": suggestions,
            "programme": consortium.programme, "rule_set_version": consortium.rules.version}


CONTRACT_RULE_KEYS = ("rule", "status", "members", "explanation", "source")


def contract_output(result: dict[str, Any]) -> dict[str, Any]:
    """Exactly the command contract's keys (issue 15): other tooling parses this shape."""
    return {"eligible": result["eligible"],
            "rules": [{key: rule[key] for key in CONTRACT_RULE_KEYS} for rule in result["rules"]],
            "suggestions": result["suggestions"]}
