"""The B2B figures of an event: meetings requested (and how they were answered), scheduled, held,
no-shows and follow-ups. Plain queries returning plain numbers, shown in the organiser overview.

They are not entries of the programme's KPI registry (``visd.programme.kpis``): the VISD KPI list
(VISD fig. 13, ``visd_kpis.yaml``) names matchmaking events, not meetings, so there is no KPI code to
register them under; a meeting KPI would first be added to that list with its source."""

from django.db.models import Count, Q
from django.utils import timezone

from .models import Matchmaking, MeetingStatus, Outcome, RequestStatus

#: The outcomes that count as a follow-up (everything but "no follow-up").
FOLLOW_UP_OUTCOMES = [value for value in Outcome.values if value != Outcome.NONE]


def event_figures(matchmaking: Matchmaking) -> dict[str, int]:
    now = timezone.now()
    requests = matchmaking.requests.aggregate(
        requested=Count("pk"),
        accepted=Count("pk", filter=Q(status=RequestStatus.ACCEPTED)),
        pending=Count("pk", filter=Q(status=RequestStatus.PENDING) & ~Q(expires_at__lte=now)),
        declined=Count("pk", filter=Q(status=RequestStatus.DECLINED)),
        expired=Count("pk", filter=Q(status=RequestStatus.EXPIRED) | Q(status=RequestStatus.PENDING, expires_at__lte=now)),
    )
    meetings = matchmaking.meetings.aggregate(
        scheduled=Count("pk", filter=~Q(status=MeetingStatus.CANCELLED)),
        published=Count("pk", filter=Q(published=True) & ~Q(status=MeetingStatus.CANCELLED)),
        held=Count("pk", filter=Q(status=MeetingStatus.HELD)),
        no_show=Count("pk", filter=Q(status=MeetingStatus.NO_SHOW)),
        follow_ups=Count("pk", filter=Q(outcome__in=FOLLOW_UP_OUTCOMES)),
    )
    return {"participants": matchmaking.participants.count(), **requests, **meetings}
