"""Every write of programme-management records goes through these functions: they check the
permission (``visd.core.permissions``), validate, save (history records who) and return the record.
Views and tests call them; nothing else writes these models."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from visd.core import permissions

from .models import ActionItem, BudgetEntry, KPITarget, KPIValue


UNCHECKED = object()  # set_kpi_target: the caller names no version it saw


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _save(record, user):
    record.full_clean()
    record._history_user = user if getattr(user, "is_authenticated", False) else None
    record.save()
    return record


@transaction.atomic
def enter_kpi_value(user, *, kpi, year, value, evidence, evidence_url="", domain=None) -> KPIValue:
    """Record a KPI value with its evidence. Computed KPIs are not entered: the data decides them."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from . import kpis

    _require(permissions.can_edit_programme_record(user, domain))
    if kpis.is_computed(kpi.code):
        raise ValidationError({"kpi": _("This KPI is computed from the data; it cannot be entered by hand.")})
    return _save(KPIValue(kpi=kpi, year=year, domain=domain, value=value, evidence=evidence,
                          evidence_url=evidence_url, entered_by=user), user)


@transaction.atomic
def set_kpi_target(user, *, kpi, year, target, domain=None, note="", replaces_version=UNCHECKED) -> KPITarget:
    """Set (or change) the target of a KPI for a year and scope: the programme direction.

    ``replaces_version`` is the version of the target the editor saw for this KPI, year and scope
    (None: they saw none). A target set meanwhile, or changed since, is then not replaced but refused
    with ``target_exists`` (``KPITargetForm`` shows it and carries its version, so saving again
    replaces it): two managers setting one target at once no longer lose one of the two silently.
    Callers that name no version (commands, tests) set the target whatever was there."""
    _require(permissions.can_manage_programme_settings(user))
    # (no ordering: the model's joins the nullable domain, and PostgreSQL locks no outer join's side)
    record = KPITarget.objects.select_for_update().filter(kpi=kpi, year=year, domain=domain).order_by().first()
    if record is not None and replaces_version is not UNCHECKED and replaces_version != record.version:
        raise target_exists(record)
    record = record or KPITarget(kpi=kpi, year=year, domain=domain)
    record.target = target
    record.note = note
    record.entered_by = user
    try:
        with transaction.atomic():  # a savepoint: the same target created by another editor at once
            return _save(record, user)
    except IntegrityError:
        raise target_exists(KPITarget.objects.get(kpi=kpi, year=year, domain=domain)) from None


def target_exists(current: KPITarget):
    from django.core.exceptions import ValidationError
    from django.utils.formats import number_format
    from django.utils.translation import gettext as _

    return ValidationError(
        _("A target of %(target)s is already set for this KPI, year and scope. Saving again replaces it.")
        % {"target": number_format(current.target)}, code="target_exists", params={"version": current.version})


@transaction.atomic
def record_budget_entry(user, *, line, year, kind, amount_eur, date, description, project=None, domain=None,
                        reference="") -> BudgetEntry:
    _require(permissions.can_edit_programme_record(user, domain))
    return _save(BudgetEntry(line=line, year=year, kind=kind, amount_eur=amount_eur, date=date,
                             description=description, project=project, domain=domain, reference=reference,
                             entered_by=user), user)


@transaction.atomic
def delete_budget_entry(user, entry: BudgetEntry) -> None:
    _require(permissions.can_edit_programme_record(user, entry.domain))
    entry._history_user = user
    entry.delete()


@transaction.atomic
def add_action_item(user, *, year, title, description="", domain=None, budget_line=None) -> ActionItem:
    _require(permissions.can_edit_programme_record(user, domain))
    return _save(ActionItem(year=year, title=title, description=description, domain=domain,
                            budget_line=budget_line, entered_by=user), user)


@transaction.atomic
def delete_action_item(user, item: ActionItem) -> None:
    _require(permissions.can_edit_programme_record(user, item.domain))
    item._history_user = user
    item.delete()
