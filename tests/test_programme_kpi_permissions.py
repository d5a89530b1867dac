"""Rows of the permission matrix for programme management (KPIs, budget, yearly report): every role
against every screen and write, through the web screens. Dashboards and reports are read by management
and programme managers (every domain); KPI values, budget entries and agenda items are written by
management for any scope and by a programme manager for the domains of their portfolio only; targets
and the report template by management only. A refused write must change nothing."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from stakeholder_world import *  # noqa: F403 (fixtures)

from visd.programme import actions
from visd.programme.models import KPI, ActionItem, BudgetEntry, BudgetLine, KPITarget, KPIValue, ReportTemplate

ROLES = ["anonymous", "no_role", "actor_user_a", "pm_of_a", "pm_other", "coordinator", "director",
         "administrator"]
MANAGEMENT = {"coordinator", "director", "administrator"}
STAFF = MANAGEMENT | {"pm_of_a", "pm_other"}

MATRIX = {
    "programme dashboard": STAFF,
    "domain dashboard of A": STAFF,
    "KPI drill-down": STAFF,
    "budget page": STAFF,
    "budget entry page": STAFF,
    "budget entry history": STAFF,
    "yearly report": STAFF,
    "yearly report XLSX": STAFF,
    "yearly report PDF": STAFF,
    "enter KPI value for A's domain": MANAGEMENT | {"pm_of_a"},
    "enter KPI value for the programme": MANAGEMENT,
    "set KPI target": MANAGEMENT,
    "record budget entry for A's domain": MANAGEMENT | {"pm_of_a"},
    "record budget entry for the programme": MANAGEMENT,
    "delete budget entry of A's domain": MANAGEMENT | {"pm_of_a"},
    "add agenda item for A's domain": MANAGEMENT | {"pm_of_a"},
    "edit report template": MANAGEMENT,
}


@pytest.fixture
def programme(world, users):
    """A KPI entered by hand, a computed KPI, a budget line and one budget entry of A's domain."""
    entered = KPI.objects.create(code="deelnames-defra", kpa="Samenwerking", name_nl="DEFRA", name_en="DEFRA",
                                 source="test")
    KPI.objects.create(code="edf-met-vlaamse-partner", kpa="Samenwerking", name_nl="EDF", name_en="EDF", source="test")
    line = BudgetLine.objects.create(code="communicatie-event-top", name_nl="Communicatie", name_en="Communication",
                                     category="staff_operating", source="test")
    entry = actions.record_budget_entry(users["director"], line=line, year=2026, kind="payment",
                                        amount_eur=Decimal("100"), date=datetime.date(2026, 1, 1),
                                        description="Zaalhuur", domain=world.maritime)
    return {"kpi": entered, "line": line, "entry": entry}


def counts():
    return (KPIValue.objects.count(), KPITarget.objects.count(), BudgetEntry.objects.count(),
            ActionItem.objects.count(), ReportTemplate.objects.count())


class Probe:
    def __init__(self, client, world, users, programme, role):
        self.client, self.world, self.programme, self.role = client, world, programme, role
        if role != "anonymous":
            client.force_login(users[role])

    def read(self, url, params=None) -> bool:
        response = self.client.get(url, params or {})
        if response.status_code == 200:
            return True
        if self.role == "anonymous" and response.status_code == 302:
            assert response["Location"].startswith(reverse("login"))
        else:
            assert response.status_code in {403, 404}, response.status_code
        return False

    def write(self, url, data) -> bool:
        before = counts()
        response = self.client.post(url, data)
        if response.status_code == 302 and not response["Location"].startswith(reverse("login")):
            assert counts() != before
            return True
        # Refused: to the login page, 403, or the form again with the scope refused; nothing changed.
        assert response.status_code in {200, 302, 403, 404}, response.status_code
        assert counts() == before
        return False

    # --- the resources ------------------------------------------------------------------------

    def check(self, name) -> bool:
        w, p = self.world, self.programme
        entry = p["entry"]
        if name == "programme dashboard":
            return self.read(reverse("programme:dashboard"))
        if name == "domain dashboard of A":
            return self.read(reverse("programme:domain_dashboard", args=[w.maritime.code]))
        if name == "KPI drill-down":
            return self.read(reverse("programme:kpi_detail", args=["edf-met-vlaamse-partner", 2026]))
        if name == "budget page":
            return self.read(reverse("programme:budget"))
        if name == "budget entry page":
            return self.read(reverse("programme:budget_entry", args=[entry.pk]))
        if name == "budget entry history":
            response = self.client.get(reverse("history:record", args=["programme", "budgetentry", entry.pk]))
            assert response.status_code in {200, 404}
            return response.status_code == 200
        if name == "yearly report":
            return self.read(reverse("programme:report"), {"year": 2026})
        if name == "yearly report XLSX":
            return self.read(reverse("programme:report"), {"year": 2026, "format": "xlsx"})
        if name == "yearly report PDF":
            return self.read(reverse("programme:report"), {"year": 2026, "format": "pdf"})
        if name in ("enter KPI value for A's domain", "enter KPI value for the programme"):
            domain = w.maritime.pk if "A's" in name else ""
            return self.write(reverse("programme:kpi_value_create"), {
                "kpi": p["kpi"].pk, "year": 2026, "domain": domain, "value": "3", "evidence": "DEFRA-besluit"})
        if name == "set KPI target":
            return self.write(reverse("programme:kpi_target_set"), {
                "kpi": p["kpi"].pk, "year": 2026, "domain": "", "target": "5"})
        if name in ("record budget entry for A's domain", "record budget entry for the programme"):
            domain = w.maritime.pk if "A's" in name else ""
            return self.write(reverse("programme:budget_entry_create"), {
                "line": p["line"].pk, "year": 2026, "kind": "commitment", "amount_eur": "50", "date": "2026-02-01",
                "description": "Catering", "reference": "", "project": "", "domain": domain})
        if name == "delete budget entry of A's domain":
            return self.write(reverse("programme:budget_entry_delete", args=[entry.pk]), {})
        if name == "add agenda item for A's domain":
            return self.write(reverse("programme:action_item_create"), {
                "year": 2027, "domain": w.maritime.pk, "title": "Matchmaking", "description": "", "budget_line": ""})
        if name == "edit report template":
            return self.write(reverse("programme:template_create"), {
                "name": "kort", "title_nl": "Jaarverslag", "title_en": "Yearly report", "introduction_nl": "",
                "introduction_en": "", "sections": ["kpis", "budget"], "is_active": "on"})
        raise AssertionError(name)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource", list(MATRIX))
def test_programme_permission_matrix(client, world, users, programme, role, resource):
    granted = Probe(client, world, users, programme, role).check(resource)
    assert granted == (role in MATRIX[resource]), f"{role} on {resource}: granted={granted}"


def test_director_sees_every_domain_on_the_dashboards(client, world, users, programme):
    client.force_login(users["director"])
    html = client.get(reverse("programme:dashboard")).content.decode()
    for domain in (world.maritime, world.cyber):
        assert reverse("programme:domain_dashboard", args=[domain.code]) in html
        assert client.get(reverse("programme:domain_dashboard", args=[domain.code])).status_code == 200


def test_a_programme_manager_is_offered_only_their_domains(client, world, users, programme):
    client.force_login(users["pm_of_a"])
    form = client.get(reverse("programme:budget_entry_create")).context["form"]
    assert list(form.fields["domain"].queryset) == [world.maritime]
    assert form.fields["domain"].required
