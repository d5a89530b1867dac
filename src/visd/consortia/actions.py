"""Every write of a consortium workspace (pages and API use these), and what is read from it: the
engine's input, the verdict, partner candidates and the funding estimate."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from visd.core.submission import create_once
from visd.screening.countries import COUNTRY_CODES

from . import engine, funding
from .models import Consortium, ConsortiumMember, ConsortiumStatus, ControlRelation, MemberRole
from .rules import load_rules

CONSORTIUM_FIELDS = frozenset({"title", "call", "action", "derogation", "description", "funding_base", "pesco"})
MEMBER_FIELDS = frozenset({"name", "pic", "role", "country", "management_country", "sme", "mid_cap", "control_stated",
                           "controlled_by_member", "controlled_by_name", "controller_country", "guarantees",
                           "control_source", "budget_eur"})
SME_SIZES = ("micro", "small", "medium")


def language() -> str:
    return (get_language() or "nl")[:2]


def engine_input(consortium: Consortium, members=None) -> dict[str, Any]:
    """The workspace as the command contract's JSON (what `visd consortium check` reads)."""
    members = list(consortium.members.all()) if members is None else members
    rows = []
    for m in members:
        row = {"id": m.engine_id, "name": m.name, "pic": m.pic, "country": m.country or None, "role": m.role,
               "management_country": m.management_country or None, "sme": m.sme, "mid_cap": m.mid_cap,
               "guarantees": m.guarantees, "budget": float(m.budget_eur) if m.budget_eur is not None else None}
        if m.control_stated:
            row["controlled_by"] = (f"m{m.controlled_by_member_id}" if m.controlled_by_member_id
                                    else (m.controlled_by_name or None))
            row["controller_country"] = m.controller_country or None
        rows.append(row)
    return {"programme": consortium.programme, "action": consortium.action,
            "derogation": consortium.derogation or None, "members": rows}


def evaluate(consortium: Consortium) -> dict[str, Any]:
    """The verdict rule by rule in the active language, with member names next to their ids."""
    members = list(consortium.members.all())
    result = engine.check(engine_input(consortium, members), language=language())
    by_id = {m.engine_id: m for m in members}
    for row in result["rules"] + result["suggestions"]:
        row["member_objects"] = [by_id[i] for i in row["members"] if i in by_id]
    return result


def create_consortium(values: dict[str, Any], *, acting_user,
                      submission_key: uuid.UUID | None = None) -> tuple[Consortium, bool]:
    """A new workspace (a draft) from the create form; returns ``(consortium, created)``. The same
    ``submission_key`` sent again (a double click, back and resend) makes nothing and returns the
    workspace it made the first time (``visd.core.submission``)."""
    unknown = set(values) - CONSORTIUM_FIELDS
    if unknown:
        raise ValueError(f"Consortium has no editable field(s) {sorted(unknown)}")

    def create() -> Consortium:
        consortium = Consortium(**values, created_by=acting_user, submission_key=submission_key)
        consortium.full_clean()
        consortium._history_user = acting_user
        consortium.save()
        return consortium

    return create_once(Consortium, submission_key, create)


def _clean_member(values: dict[str, Any], consortium: Consortium, member: ConsortiumMember | None = None) -> dict:
    unknown = set(values) - MEMBER_FIELDS
    if unknown:
        raise ValueError(f"ConsortiumMember has no editable field(s) {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    for field in ("country", "management_country", "controller_country"):
        if field in values:
            code = load_rules(consortium.programme).normalise_country(values[field] or "") or ""
            if code and code not in COUNTRY_CODES:
                errors.setdefault(field, []).append(_("Unknown country code %(code)s.") % {"code": values[field]})
            values[field] = code
    if "role" in values and values["role"] not in MemberRole.values:
        errors.setdefault("role", []).append(_("Unknown role."))
    parent = values.get("controlled_by_member")
    if parent is not None:
        if parent.consortium_id != consortium.pk:
            errors.setdefault("controlled_by_member", []).append(_("The controlling member is not in this consortium."))
        elif member is not None and parent.pk == member.pk:
            errors.setdefault("controlled_by_member", []).append(_("A member cannot control itself."))
        elif member is not None:
            # refuse a cycle: walking up from the new parent must not reach this member
            seen, current = set(), parent
            while current is not None and current.pk not in seen:
                if current.pk == member.pk:
                    errors.setdefault("controlled_by_member", []).append(_("This would make a control cycle."))
                    break
                seen.add(current.pk)
                current = current.controlled_by_member
    if values.get("budget_eur") is not None and Decimal(values["budget_eur"]) < 0:
        errors.setdefault("budget_eur", []).append(_("An amount cannot be negative."))
    if errors:
        raise ValidationError(errors)
    return values


def registry_control(actor) -> dict[str, Any]:
    """The actor's latest control relation as member values (control unknown when none is recorded)."""
    relation = ControlRelation.objects.filter(controlled=actor).select_related("controller").order_by("-as_of", "-pk").first()
    if relation is None:
        return {}
    return {"control_stated": True, "controlled_by_name": relation.controller_label,
            "controller_country": relation.controller_country,
            "control_source": f"{relation.source} ({relation.as_of.isoformat()})"}


@transaction.atomic
def add_member(consortium: Consortium, values: dict[str, Any], *, acting_user, actor=None,
               submission_key: uuid.UUID | None = None) -> ConsortiumMember:
    """Add a member: from the registry (its name, PIC, country, size and recorded control are taken
    over; the management country is taken as the country of establishment only when stated so) or by
    name and PIC. The member stores the ``submission_key`` it is added under (see ``add_member_once``)."""
    with transaction.atomic():
        # Two people adding the same organisation at once: the consortium's row lock makes the second
        # wait for the first and then find it a member (the embedded SQLite serialises writers anyway).
        locked = Consortium.objects.select_for_update().get(pk=consortium.pk)
        return _add_member(consortium, values, acting_user=acting_user, actor=actor, submission_key=submission_key,
                           locked=locked)


def _add_member(consortium: Consortium, values: dict[str, Any], *, acting_user, actor,
                submission_key: uuid.UUID | None, locked: Consortium) -> ConsortiumMember:
    values = dict(values)
    if actor is not None:
        if consortium.members.filter(actor=actor).exists():
            raise ValidationError({"actor": [_("%(actor)s is already a member.") % {"actor": actor.display_name}]})
        defaults = {"name": actor.display_name, "pic": actor.pic or "", "country": actor.country or ""}
        if actor.size_class:
            defaults["sme"] = actor.size_class in SME_SIZES
        defaults.update(registry_control(actor))
        values = {**defaults, **{k: v for k, v in values.items() if v not in (None, "")}}
    if not values.get("name"):
        raise ValidationError({"name": [_("Give the member's name or choose it from the registry.")]})
    values = _clean_member(values, consortium)
    member = ConsortiumMember(consortium=consortium, actor=actor, submission_key=submission_key, **values)
    member._history_user = acting_user
    member.save()
    _touch(consortium, acting_user, current=locked)
    return member


def add_member_once(consortium: Consortium, values: dict[str, Any], *, acting_user, actor=None,
                    submission_key: uuid.UUID | None) -> tuple[ConsortiumMember, bool]:
    """``add_member`` from an add form of the workspace; returns ``(member, created)``. The same
    ``submission_key`` sent again adds nothing and returns the member it added the first time
    (``visd.core.submission``): nothing else stops a member added by name from being added twice."""
    return create_once(ConsortiumMember, submission_key, lambda: add_member(
        consortium, values, acting_user=acting_user, actor=actor, submission_key=submission_key))


@transaction.atomic
def update_member(member: ConsortiumMember, values: dict[str, Any], *, acting_user) -> ConsortiumMember:
    values = _clean_member(dict(values), member.consortium, member)
    for field, value in values.items():
        setattr(member, field, value)
    member._history_user = acting_user
    member.save()
    _touch(member.consortium, acting_user)
    return member


@transaction.atomic
def remove_member(member: ConsortiumMember, *, acting_user) -> None:
    consortium = member.consortium
    for child in member.controls.all():
        # a member controlled by the removed one stays controlled by it, now an outside entity
        child.controlled_by_member = None
        child.controlled_by_name = member.name
        child.controller_country = child.controller_country or member.country
        child._history_user = acting_user
        child.save()
    member._history_user = acting_user
    member.delete()
    _touch(consortium, acting_user)


def _touch(consortium: Consortium, acting_user, current: Consortium | None = None) -> None:
    """A changed membership makes an approval stale: the consortium is a draft again. The record is
    read again under its row lock, so this save neither overwrites nor conflicts with an edit of the
    consortium made since ``consortium`` was read (``visd.core.locking``); the caller's instance
    follows the stored status and version. ``current``: the record the caller already read under
    that lock in this transaction."""
    current = current or Consortium.objects.select_for_update().get(pk=consortium.pk)
    if current.status == ConsortiumStatus.APPROVED:
        current.status = ConsortiumStatus.DRAFT
    current._history_user = acting_user
    current.save()
    consortium.status, consortium.version, consortium.updated_at = current.status, current.version, current.updated_at


def approve(consortium: Consortium, *, acting_user) -> Consortium:
    if consortium.status != ConsortiumStatus.DRAFT:
        raise ValidationError({"status": [_("Only a draft consortium can be approved.")]})
    if evaluate(consortium)["eligible"] is not True:
        raise ValidationError({"status": [_("Only an eligible consortium can be approved: every rule must pass.")]})
    consortium.status = ConsortiumStatus.APPROVED
    consortium._history_user = acting_user
    consortium.save()
    return consortium


def candidates(consortium: Consortium, suggestion: dict[str, Any], top: int = 5) -> dict[str, Any]:
    """Registry organisations that would satisfy an "add a member" suggestion: ranked by the matching
    engine's partner search on the draft text and the current members when the index exists, else
    (said so on the page) the registry's organisations in the needed countries by name."""
    from visd.actors.models import Actor
    from visd.matchmaking import lifecycle
    from visd.matchmaking.matches import partners_for_draft

    need = suggestion.get("need") or {}
    countries = set(need.get("countries") or [])
    excluded_pics = set(need.get("exclude_pics") or [])
    controllers = {name.lower() for name in need.get("not_controlled_by") or []}
    member_actor_ids = set(consortium.members.exclude(actor=None).values_list("actor_id", flat=True))

    def acceptable(actor) -> bool:
        if actor.pk in member_actor_ids or (actor.pic and actor.pic in excluded_pics):
            return False
        if load_rules(consortium.programme).normalise_country(actor.country) not in countries:
            return False
        control = registry_control(actor)
        if control and control["controlled_by_name"].lower() in controllers:
            return False
        country = control.get("controller_country")
        if country and load_rules(consortium.programme).country_status(country) == "third_country":
            return False  # would fail Article 9(3) without guarantees
        return True

    text = (consortium.description or (consortium.call.description if consortium.call else "") or consortium.title)[:4000]
    status = lifecycle.read_index(check_current=False)
    rows, ranked = [], False
    if status.available and text.strip():
        try:
            found = partners_for_draft(text, sorted(member_actor_ids), None, top=60, index=status.index)
            actors = Actor.objects.in_bulk([row["id"] for row in found])
            for row in found:
                actor = actors.get(row["id"])
                if actor is not None and acceptable(actor):
                    rows.append({"actor": actor, "score": row["score"], "explanation": row["explanation"]})
            ranked = True
        except Exception:  # the engine refuses a text (too long, empty after analysis): fall back below
            rows, ranked = [], False
    if not rows:
        for actor in Actor.objects.filter(country__in=countries | {"EL"} if "GR" in countries else countries).order_by("name")[:200]:
            if acceptable(actor):
                rows.append({"actor": actor, "score": None, "explanation": {}})
            if len(rows) >= top:
                break
    return {"rows": rows[:top], "ranked": ranked}


def estimate(consortium: Consortium) -> dict[str, Any]:
    return funding.estimate(engine.parse_consortium(engine_input(consortium)), consortium.funding_base,
                            pesco=consortium.pesco, language=language())


def flemish_support(consortium: Consortium):
    from visd.funding.models import Instrument

    codes = load_rules(consortium.programme).flemish_support.get("instrument_codes", [])
    return list(Instrument.objects.filter(code__in=codes).select_related("guidance"))


@transaction.atomic
def convert_to_project(consortium: Consortium, *, domain, acting_user):
    """An approved consortium becomes a VISD project (kind EDF, status proposal) with its registry
    members from Flanders and Brussels as partners; the consortium keeps the link."""
    from visd.projects import actions as project_actions
    from visd.projects.models import VisdPartnerRole, VisdProjectKind

    consortium = Consortium.objects.select_for_update().get(pk=consortium.pk)
    if consortium.status != ConsortiumStatus.APPROVED:
        raise ValidationError({"status": [_("Only an approved consortium becomes a VISD project.")]})
    members = list(consortium.members.select_related("actor"))
    others = ", ".join(f"{m.name} ({m.country})" for m in members if m.actor is None or m.actor.region not in ("flanders", "brussels"))
    budget = sum((m.budget_eur or Decimal(0)) for m in members)
    project = project_actions.create_project({
        "title": consortium.title[:400], "kind": VisdProjectKind.EDF, "domain": domain,
        "programme": (consortium.call.topic_id if consortium.call else consortium.programme)[:300],
        "summary": (consortium.description + ("\n\n" if consortium.description else "")
                    + _("Consortium partners outside Flanders and Brussels: %(names)s") % {"names": others or "-"}),
        "total_budget_eur": budget or None,
    }, acting_user=acting_user)
    project_actions.change_status(project, "proposal", acting_user=acting_user, expected_version=project.version)
    project.refresh_from_db()
    role_of = {MemberRole.COORDINATOR: VisdPartnerRole.LEAD, MemberRole.SUBCONTRACTOR: VisdPartnerRole.SUBCONTRACTOR}
    for m in members:
        if m.actor is not None and m.actor.region in ("flanders", "brussels"):
            project_actions.add_partner(project, m.actor, role_of.get(m.role, VisdPartnerRole.PARTNER), m.budget_eur,
                                        acting_user=acting_user)
    consortium.project = project
    consortium.status = ConsortiumStatus.CONVERTED
    consortium._history_user = acting_user
    consortium.save()
    return project
