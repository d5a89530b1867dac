"""Every change to the central project database (VISD's own projects) goes through these
functions; views (the pages in ``visd_views.py`` and the API in ``api/visd.py``) parse and check who
may act (``visd.core.permissions``), then call one of them.
The CORDIS/EDF importers write ``Project`` and ``Participation`` in ``visd.imports.actions``; nothing
here touches those.

The lifecycle is a state machine (``TRANSITIONS``): idea → proposal → submitted → approved or
rejected; approved → running → closed; a rejected proposal may be reworked (→ proposal); an idea
or proposal may be dropped (→ closed). Each step has a date with its own rules.

Lost updates: every write takes the ``expected_version`` the user's form was built from. If
someone else saved the project in between, ``EditConflict`` is raised and nothing is written
(``visd.core.locking``: the project's save claims the next version).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from visd.core.locking import EditConflict
from visd.core.submission import create_once

from .models import (
    VisdPartnerRole,
    VisdProject,
    VisdProjectPartner,
    VisdProjectResult,
    VisdProjectStatus as S,
)

PROJECT_FIELDS = frozenset({
    "acronym", "title", "summary", "kind", "flagship", "domain", "instrument", "programme", "start_date",
    "end_date", "total_budget_eur", "funding_requested_eur", "funding_granted_eur", "fris_registered_on",
    "fris_id",
})
RESULT_FIELDS = frozenset({"kind", "title", "date", "reference", "amount_eur"})

TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.IDEA: (S.PROPOSAL, S.CLOSED),
    S.PROPOSAL: (S.SUBMITTED, S.IDEA, S.CLOSED),
    S.SUBMITTED: (S.APPROVED, S.REJECTED),
    S.APPROVED: (S.RUNNING, S.CLOSED),
    S.REJECTED: (S.PROPOSAL, S.CLOSED),
    S.RUNNING: (S.CLOSED,),
    S.CLOSED: (),
}


def allowed_transitions(project: VisdProject) -> tuple[str, ...]:
    return TRANSITIONS[project.status]


def _today() -> datetime.date:
    return timezone.localdate()


def _validate(project: VisdProject) -> None:
    project.full_clean(exclude=["eu_projects"])


def linkable_eu_projects():
    """The EU projects a VISD project may link to: those imported from CORDIS or the EDF results."""
    from .models import Project

    return Project.objects.exclude(source="visd")


def resolve_eu_projects(external_ids: Iterable[str]) -> list:
    """The linkable EU projects with these CORDIS/EDF ids; an unknown id is a ValidationError."""
    ids = [part.strip() for part in external_ids if part and part.strip()]
    found = list(linkable_eu_projects().filter(external_id__in=ids))
    missing = sorted(set(ids) - {p.external_id for p in found})
    if missing:
        raise ValidationError({"eu_projects": [_("No imported EU project with id %(ids)s.") % {
            "ids": ", ".join(missing)}]})
    return found


def _check_eu_projects(eu_projects: Iterable) -> list:
    eu_projects = list(eu_projects)
    if any(getattr(p, "source", None) == "visd" for p in eu_projects):
        raise ValidationError({"eu_projects": [_("Only projects imported from CORDIS or the EDF results can be "
                                                 "linked.")]})
    return eu_projects


def eligible_partner_actors():
    """The organisations that may be a partner of a VISD project: Flemish and Brussels actors."""
    from visd.actors.models import Actor

    return Actor.objects.filter(region__in=["flanders", "brussels"])


def create_project(values: Mapping[str, Any], *, acting_user, eu_projects: Iterable = (),
                   submission_key: uuid.UUID | None = None) -> VisdProject:
    """A new project starts as an idea. It stores the ``submission_key`` it is created under (see
    ``create_project_once``)."""
    unknown = set(values) - PROJECT_FIELDS
    if unknown:
        raise ValueError(f"VisdProject has no editable field(s) {sorted(unknown)}")
    project = VisdProject(**values, submission_key=submission_key)
    if project.fris_registered_on:
        raise ValidationError({"fris_registered_on": _("Only an approved project is registered in FRIS.")})
    eu_projects = _check_eu_projects(eu_projects)
    _validate(project)
    project._history_user = acting_user
    with transaction.atomic():
        project.save()
        project.eu_projects.set(eu_projects)
    return project


def create_project_once(values: Mapping[str, Any], *, acting_user, eu_projects: Iterable = (),
                        submission_key: uuid.UUID | None) -> tuple[VisdProject, bool]:
    """``create_project`` from the create form or the API; returns ``(project, created)``. The same
    ``submission_key`` sent again (a double click, a retried request) records nothing and returns the
    project it created the first time (``visd.core.submission``)."""
    return create_once(VisdProject, submission_key, lambda: create_project(
        values, acting_user=acting_user, eu_projects=eu_projects, submission_key=submission_key))


def update_project(project: VisdProject, values: Mapping[str, Any], *, acting_user,
                   expected_version: int | None, eu_projects: Iterable | None = None) -> VisdProject:
    unknown = set(values) - PROJECT_FIELDS
    if unknown:
        raise ValueError(f"VisdProject has no editable field(s) {sorted(unknown)}")
    if eu_projects is not None:
        eu_projects = _check_eu_projects(eu_projects)
    for name, value in values.items():
        setattr(project, name, value)
    _validate(project)
    with transaction.atomic():
        project._history_user = acting_user
        project.expect_version(expected_version).save()  # EditConflict if someone else saved since
        if eu_projects is not None:
            project.eu_projects.set(eu_projects)
    return project


def _transition_errors(project: VisdProject, target: str, on: datetime.date | None) -> dict[str, list[str]]:
    today = _today()
    if target == project.status:
        if target == S.APPROVED:
            return {"status": [_("This project is already approved (on %(date)s).") % {"date": project.decided_on}]}
        return {"status": [_("The project already has this status.")]}
    if target not in TRANSITIONS[project.status]:
        return {"status": [_("A project cannot go from '%(current)s' to '%(target)s'.") % {
            "current": S(project.status).label, "target": S(target).label}]}
    if target in (S.PROPOSAL, S.IDEA):
        return {}
    if on is None:
        return {"date": [_("Give the date of this step.")]}
    if target != S.RUNNING and on > today:
        return {"date": [_("This date is in the future; record the step when it has happened.")]}
    if target == S.SUBMITTED:
        return {}
    if target in (S.APPROVED, S.REJECTED) and project.submitted_on and on < project.submitted_on:
        return {"date": [_("The decision cannot precede the submission (%(date)s).") % {"date": project.submitted_on}]}
    if target == S.APPROVED and not project.partners.exists():
        return {"status": [_("Add at least one partner before recording the approval.")]}
    if target == S.RUNNING and project.decided_on and on < project.decided_on:
        return {"date": [_("The project cannot start before its approval (%(date)s).") % {"date": project.decided_on}]}
    if target == S.CLOSED:
        earliest = project.start_date if project.status == S.RUNNING else project.decided_on
        if earliest and on < earliest:
            return {"date": [_("The closing date cannot precede %(date)s.") % {"date": earliest}]}
    return {}


def change_status(project: VisdProject, target: str, *, on: datetime.date | None = None, acting_user,
                  expected_version: int | None) -> VisdProject:
    """Move a project to ``target`` on date ``on``. Raises ``ValidationError`` (keys 'status' or
    'date') if the step is not allowed, ``EditConflict`` if the project changed meanwhile."""
    if target not in S.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    with transaction.atomic():
        # The current state from the database, not from the user's page: a project approved by a
        # colleague a second ago cannot be approved again.
        current = VisdProject.objects.select_for_update().get(pk=project.pk)
        if expected_version is not None and current.version != expected_version:
            raise EditConflict(VisdProject, current, expected_version)
        errors = _transition_errors(current, target, on)
        if errors:
            raise ValidationError(errors)
        if target == S.SUBMITTED:
            current.submitted_on = on
        elif target in (S.APPROVED, S.REJECTED):
            current.decided_on = on
        elif target == S.RUNNING:
            current.start_date = on
            if current.end_date and current.end_date < on:
                raise ValidationError({"date": [_("The project cannot start after its planned end date (%(date)s).")
                                                % {"date": current.end_date}]})
        elif target == S.CLOSED:
            current.closed_on = on
        elif target == S.PROPOSAL and current.status == S.REJECTED:
            current.submitted_on = None
            current.decided_on = None
        current.status = target
        current._history_user = acting_user
        current.save()  # claims the next version (the row is locked: nobody saved in between)
    project.refresh_from_db()
    return project


def add_partner(project: VisdProject, actor, role: str, budget_eur=None, *, acting_user) -> VisdProjectPartner:
    if role not in VisdPartnerRole.values:
        raise ValidationError({"role": [_("Unknown role.")]})
    if project.partners.filter(actor=actor).exists():
        raise ValidationError({"actor": [_("%(actor)s is already a partner of this project.") % {"actor": actor}]})
    if budget_eur is not None and budget_eur < 0:
        raise ValidationError({"budget_eur": [_("An amount cannot be negative.")]})
    if role == VisdPartnerRole.LEAD and project.partners.filter(role=VisdPartnerRole.LEAD).exists():
        raise ValidationError({"role": [_("This project already has a lead partner.")]})
    partner = VisdProjectPartner(project=project, actor=actor, role=role, budget_eur=budget_eur)
    partner._history_user = acting_user
    try:
        with transaction.atomic():
            partner.save()
    except IntegrityError as error:
        raise ValidationError({"actor": [_("%(actor)s is already a partner of this project.") % {"actor": actor}]}
                              ) from error
    return partner


def remove_partner(project: VisdProject, partner_id: int, *, acting_user) -> None:
    """Remove a partner. A partner someone else already removed is reported, not ignored; an
    approved project keeps at least one partner."""
    partner = project.partners.filter(pk=partner_id).first()
    if partner is None:
        raise ValidationError({"partner": [_("This partner is no longer part of the project (removed meanwhile).")]})
    if project.status in (S.APPROVED, S.RUNNING) and project.partners.count() == 1:
        raise ValidationError({"partner": [_("An approved project keeps at least one partner.")]})
    partner._history_user = acting_user
    partner.delete()


def add_result(project: VisdProject, values: Mapping[str, Any], *, acting_user) -> VisdProjectResult:
    unknown = set(values) - RESULT_FIELDS
    if unknown:
        raise ValueError(f"VisdProjectResult has no editable field(s) {sorted(unknown)}")
    if project.status not in (S.APPROVED, S.RUNNING, S.CLOSED):
        raise ValidationError({"kind": [_("Results are recorded for approved projects only.")]})
    result = VisdProjectResult(project=project, **values)
    result.full_clean()
    result._history_user = acting_user
    with transaction.atomic():
        # the same result sent twice (a resent form, a retried API call) is recorded once; the
        # project's row lock makes two simultaneous requests wait for each other
        VisdProject.objects.select_for_update().filter(pk=project.pk).first()
        if project.results.filter(kind=result.kind, title__iexact=result.title.strip(), date=result.date).exists():
            raise ValidationError({"title": [_("This result is already recorded for this project.")]})
        result.save()
    return result
