"""Event figures for the programme KPIs (VISD fig. 13: participation and satisfaction). Plain
queries returning plain numbers; the KPI and yearly-report pages call these."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q

#: A score of 4 or 5 counts as satisfied.
SATISFIED_FROM = 4


@dataclass(frozen=True)
class SurveySummary:
    responses: int
    average: Decimal | None  # mean score, 1 decimal
    satisfied_share: Decimal | None  # percentage of scores >= 4, 1 decimal
    per_score: dict[int, int]


def survey_summary(responses) -> SurveySummary:
    """Summary of a queryset of ``SurveyResponse``."""
    figures = responses.aggregate(n=Count("pk"), avg=Avg("score"),
                                  satisfied=Count("pk", filter=Q(score__gte=SATISFIED_FROM)))
    per_score = {score: 0 for score in range(1, 6)}
    for row in responses.values("score").annotate(n=Count("pk")):
        per_score[row["score"]] = row["n"]
    n = figures["n"]
    if not n:
        return SurveySummary(0, None, None, per_score)
    one = Decimal("0.1")
    return SurveySummary(
        n,
        Decimal(str(figures["avg"])).quantize(one, ROUND_HALF_UP),
        (Decimal(100 * figures["satisfied"]) / n).quantize(one, ROUND_HALF_UP),
        per_score,
    )


def year_figures(year: int) -> dict:
    """Events held in ``year``: how many (per kind), registrations, attendance and satisfaction."""
    from .models import Event, Registration, SurveyResponse

    events = Event.objects.filter(date__year=year)
    registrations = Registration.objects.filter(event__in=events)
    return {
        "events": events.count(),
        "per_kind": dict(events.values_list("kind").annotate(n=Count("pk")).order_by()),
        "registrations": registrations.count(),
        "attended": registrations.filter(attended=True).count(),
        "survey": survey_summary(SurveyResponse.objects.filter(event__in=events)),
    }
