"""Database reads of the screening app, for views, template tags and other apps (e.g. the partner
search): ``country_notes(country_code, on_date)`` and ``export_restrictions(country_code, on_date)``."""

from __future__ import annotations

import datetime

from django.utils import timezone

from .models import CountryNote, ExportRestriction


def country_notes(country_code: str, on_date: datetime.date | None = None) -> list[CountryNote]:
    """The knowledge-security notes on ``country_code`` (ISO alpha-2) in force on ``on_date``
    (today by default), each with its flag, source and review date."""
    if not country_code:
        return []
    on_date = on_date or timezone.localdate()
    return list(CountryNote.objects.in_force(on_date).filter(country=country_code.upper()))


def export_restrictions(country_code: str, on_date: datetime.date | None = None) -> list[ExportRestriction]:
    """The export restrictions (embargoes, bans) on ``country_code`` in force on ``on_date``."""
    if not country_code:
        return []
    on_date = on_date or timezone.localdate()
    return list(ExportRestriction.objects.in_force(on_date).filter(country=country_code.upper()))


def countries_with_records(on_date: datetime.date | None = None) -> dict[str, dict[str, int]]:
    """{country: {"notes": n, "restrictions": m}} for the countries with records in force."""
    on_date = on_date or timezone.localdate()
    table: dict[str, dict[str, int]] = {}
    for model, key in ((CountryNote, "notes"), (ExportRestriction, "restrictions")):
        for code in model.objects.in_force(on_date).values_list("country", flat=True):
            table.setdefault(code, {"notes": 0, "restrictions": 0})[key] += 1
    return table
