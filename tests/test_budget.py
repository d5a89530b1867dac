"""Budget (VISD chapter 6, fig. 12): the plan is the reference data, execution the commitments and
payments recorded against its lines; the plan-against-execution table adds up, per year and line,
to figures computed here independently from the YAML and from the entries made in the test."""

import datetime
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from visd.programme import actions
from visd.programme.budget import YEARS, execution_table
from visd.programme.models import BudgetEntry, BudgetLine
from visd.taxonomy.models import Concept, Scheme

BUDGET_YAML = Path(__file__).resolve().parents[1] / "src" / "visd" / "reference" / "data" / "visd_budget.yaml"


@pytest.fixture
def reference(db):
    from visd.reference.loader import load_reference

    load_reference()


def plan_from_yaml() -> dict[tuple[str, int], int | None]:
    data = yaml.safe_load(BUDGET_YAML.read_text(encoding="utf-8"))
    return {(line["code"], a["year"]): a["amount"] for line in data["lines"] for a in line["amounts"]}


def test_the_plan_is_the_reference_data_with_its_source(reference):
    plan = plan_from_yaml()
    rows, total = execution_table()
    for row in rows:
        assert row.line.source
        for year in YEARS:
            cell = row.cells[year]
            expected = plan.get((row.line.code, year))
            assert cell.planned == (None if expected is None else Decimal(expected)), (row.line.code, year)
            if (row.line.code, year) in plan and expected is None:
                assert cell.plan_note, "a 'Zie **' cell keeps its footnote"
    totals = yaml.safe_load(BUDGET_YAML.read_text(encoding="utf-8"))["totals"]["amounts"]
    for year in YEARS:
        assert total.cells[year].planned == Decimal(totals[year])
    assert total.total.planned == sum(Decimal(v) for v in totals.values())


def test_commitments_and_payments_add_up_per_year_and_line(reference, make_user):
    director = make_user("director")
    lines = {line.code: line for line in BudgetLine.objects.all()}
    made = [
        ("flagships", 2026, "commitment", "1200000.00"), ("flagships", 2026, "commitment", "800000.50"),
        ("flagships", 2026, "payment", "400000.00"), ("flagships", 2027, "payment", "250000.00"),
        ("onderzoeksfonds-fsdb", 2026, "commitment", "4500000.00"), ("communicatie-event-top", 2027, "payment", "12345.67"),
    ]
    expected = defaultdict(Decimal)
    for code, year, kind, amount in made:
        actions.record_budget_entry(director, line=lines[code], year=year, kind=kind, amount_eur=Decimal(amount),
                                    date=datetime.date(year, 3, 1), description=f"{code} {kind}")
        expected[(code, year, kind)] += Decimal(amount)
    rows, total = execution_table()
    for row in rows:
        for year in YEARS:
            cell = row.cells[year]
            assert cell.committed == expected[(row.line.code, year, "commitment")]
            assert cell.paid == expected[(row.line.code, year, "payment")]
            assert len(cell.entries) == sum(1 for c, y, _k, _a in made if c == row.line.code and y == year)
    flagships = next(row for row in rows if row.line.code == "flagships")
    assert flagships.cells[2026].remaining == Decimal("5000000") - Decimal("2000000.50")
    assert total.cells[2026].committed == Decimal("6500000.50")
    assert total.total.paid == Decimal("662345.67")


def test_entries_are_positive_and_need_a_description(reference, make_user):
    director = make_user("director")
    line = BudgetLine.objects.get(code="flagships")
    for amount, description in ((Decimal("0"), "zero"), (Decimal("-5"), "negative"), (Decimal("5"), "")):
        with pytest.raises(ValidationError):
            actions.record_budget_entry(director, line=line, year=2026, kind="payment", amount_eur=amount,
                                        date=datetime.date(2026, 1, 1), description=description)
    assert not BudgetEntry.objects.exists()


def test_a_domain_view_shows_only_that_domains_execution(reference, make_user):
    director = make_user("director")
    domains = list(Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN)[:2])
    line = BudgetLine.objects.get(code="communicatie-event-ted")
    for domain, amount in zip(domains, ("1000", "2500"), strict=True):
        actions.record_budget_entry(director, line=line, year=2027, kind="payment", amount_eur=Decimal(amount),
                                    date=datetime.date(2027, 5, 1), description="event", domain=domain)
    rows, total = execution_table(domain=domains[1])
    assert total.cells[2027].paid == Decimal("2500")
    assert all(cell.planned is None for row in rows for cell in row.cells.values())


def test_a_programme_manager_records_only_for_their_domains(reference, make_user):
    domain = Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN, portfolio__isnull=False).first()
    other = Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN).exclude(portfolio=domain.portfolio).first()
    pm = make_user("programme_manager", portfolios=[domain.portfolio.code])
    line = BudgetLine.objects.get(code="communicatie-event-top")
    entry = actions.record_budget_entry(pm, line=line, year=2027, kind="commitment", amount_eur=Decimal("900"),
                                        date=datetime.date(2027, 2, 1), description="deep dive", domain=domain)
    for scope in (other, None):
        with pytest.raises(PermissionDenied):
            actions.record_budget_entry(pm, line=line, year=2027, kind="commitment", amount_eur=Decimal("1"),
                                        date=datetime.date(2027, 2, 1), description="x", domain=scope)
    assert entry.history.first().history_user == pm
    other_pm = make_user("programme_manager", username="pm-other", portfolios=[other.portfolio.code])
    with pytest.raises(PermissionDenied):
        actions.delete_budget_entry(other_pm, entry)
    actions.delete_budget_entry(pm, entry)
    assert not BudgetEntry.objects.exists()


def test_budget_page_shows_table_and_chart(reference, make_user, client):
    director = make_user("director")
    actions.record_budget_entry(director, line=BudgetLine.objects.get(code="flagships"), year=2026, kind="commitment",
                                amount_eur=Decimal("1234567"), date=datetime.date(2026, 4, 1), description="Flagship A")
    client.force_login(director)
    response = client.get(reverse("programme:budget"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html
    assert "Flagship A" in html
    assert "1.234.567" in html or "1,234,567" in html or "1\xa0234\xa0567" in html
    assert "15.000.000" in html or "15,000,000" in html or "15\xa0000\xa0000" in html  # the 2026 planned total


def test_budget_entry_form_records_an_entry(reference, make_user, client):
    director = make_user("director")
    client.force_login(director)
    line = BudgetLine.objects.get(code="flagships")
    response = client.post(reverse("programme:budget_entry_create"), {
        "line": line.pk, "year": 2026, "kind": "payment", "amount_eur": "1000.50", "date": "2026-06-30",
        "description": "First instalment", "reference": "BS-2026-01", "project": "", "domain": "",
    })
    entry = BudgetEntry.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("programme:budget_entry", args=[entry.pk])
    assert entry.entered_by == director and entry.amount_eur == Decimal("1000.50")
