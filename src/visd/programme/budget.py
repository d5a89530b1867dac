"""Plan against execution of the VISD multi-year budget (VISD chapter 6, fig. 12).

The plan is the reference data (``BudgetAmount``); execution is the commitments and payments
recorded against the lines (``BudgetEntry``). ``execution_table`` gives one row per line with, for
every year, the planned amount, the committed and the paid total, and the entries behind them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .models import BudgetAmount, BudgetEntry, BudgetLine

YEARS = (2025, 2026, 2027, 2028, 2029)


@dataclass
class Cell:
    planned: Decimal | None = None
    plan_note: str = ""
    committed: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)
    entries: list = field(default_factory=list)

    @property
    def remaining(self) -> Decimal | None:
        """Planned minus committed; None where the source gives no planned figure."""
        return None if self.planned is None else self.planned - self.committed


@dataclass
class Row:
    line: BudgetLine | None
    cells: dict[int, Cell]

    @property
    def total(self) -> Cell:
        return _sum_cells(self.cells.values())


def _sum_cells(cells) -> Cell:
    total = Cell()
    for cell in cells:
        if cell.planned is not None:
            total.planned = (total.planned or Decimal(0)) + cell.planned
        total.committed += cell.committed
        total.paid += cell.paid
        total.entries.extend(cell.entries)
    return total


def entries_for(year: int | None = None, domain=None, *, domain_only: bool = False):
    """Budget entries of a year (all years if None); for a domain, those recorded for it."""
    entries = BudgetEntry.objects.select_related("line", "project", "domain")
    if year is not None:
        entries = entries.filter(year=year)
    if domain is not None or domain_only:
        entries = entries.filter(domain=domain)
    return entries


def execution_table(years=YEARS, domain=None) -> tuple[list[Row], Row]:
    """Rows per budget line and a total row. For a domain, the plan is not split by domain in the
    source, so only the execution of that domain is shown and planned amounts are left out."""
    lines = list(BudgetLine.objects.all())
    rows = {line.pk: Row(line, {year: Cell() for year in years}) for line in lines}
    if domain is None:
        for amount in BudgetAmount.objects.filter(year__in=years):
            cell = rows[amount.line_id].cells[amount.year]
            cell.planned = None if amount.amount_eur is None else Decimal(amount.amount_eur)
            cell.plan_note = amount.note
    for entry in entries_for(None, domain).filter(year__in=years):
        cell = rows[entry.line_id].cells[entry.year]
        if entry.kind == BudgetEntry.Kind.COMMITMENT:
            cell.committed += entry.amount_eur
        else:
            cell.paid += entry.amount_eur
        cell.entries.append(entry)
    ordered = [rows[line.pk] for line in lines]
    total = Row(None, {year: _sum_cells(row.cells[year] for row in ordered) for year in years})
    return ordered, total
