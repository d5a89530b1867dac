"""FRIS (Flanders Research Information Space): the registration deadline of a VISD project and its
record in the shape of CERIF (the Common European Research Information Format FRIS uses). Pure
functions: no database beyond the project passed in."""

from __future__ import annotations

import calendar
import datetime

#: A registration due within this many days is flagged as 'due soon'.
DUE_SOON_DAYS = 30


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months; the 31st becomes the month's last day.

    >>> add_months(datetime.date(2026, 10, 31), 4)
    datetime.date(2027, 2, 28)
    """
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def fris_state(project, today: datetime.date | None = None) -> str:
    deadline = project.fris_deadline
    if deadline is None:
        return ""
    if project.fris_registered_on:
        return "registered"
    today = today or datetime.date.today()
    if today > deadline:
        return "overdue"
    if (deadline - today).days <= DUE_SOON_DAYS:
        return "due_soon"
    return "open"


def _amount(value):
    return None if value is None else f"{value:.2f}"


def cerif_record(project) -> dict:
    """The project as a CERIF-shaped record: cfProj with its titles and abstract, the
    organisations linked through cfProj_OrgUnit with their roles, the funding through cfProj_Fund
    and the classification (focus domain) through cfProj_Class."""
    partners = project.partners.select_related("actor").order_by("role", "actor__name")
    return {
        "cfProj": {
            "cfProjId": project.fris_id or f"visd-{project.pk}",
            "cfAcro": project.acronym,
            "cfStartDate": project.start_date.isoformat() if project.start_date else None,
            "cfEndDate": project.end_date.isoformat() if project.end_date else None,
            "cfTitle": [{"cfLangCode": "nl", "cfTrans": "o", "value": project.title}],
            "cfAbstr": [{"cfLangCode": "nl", "cfTrans": "o", "value": project.summary}],
        },
        "cfProj_OrgUnit": [
            {
                "cfOrgUnitName": partner.actor.name,
                "cfOrgUnitId": partner.actor.kbo or partner.actor.pic or f"visd-actor-{partner.actor.pk}",
                "cfClassId": partner.role,
                "cfFraction": _amount(partner.budget_eur),
            }
            for partner in partners
        ],
        "cfProj_Fund": {
            "cfFundId": project.instrument.code if project.instrument else project.programme,
            "cfAmount": _amount(project.funding_granted_eur),
            "cfCurrCode": "EUR",
            "cfStartDate": project.approved_on.isoformat() if project.approved_on else None,
        },
        "cfProj_Class": [
            {"cfClassSchemeId": "visd-focus-domain", "cfClassId": project.domain.code},
            {"cfClassSchemeId": "visd-project-kind", "cfClassId": project.kind},
        ],
        "registration": {
            "deadline": project.fris_deadline.isoformat() if project.fris_deadline else None,
            "registeredOn": project.fris_registered_on.isoformat() if project.fris_registered_on else None,
        },
    }
