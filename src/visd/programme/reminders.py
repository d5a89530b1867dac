"""Reminders by e-mail (issue part 3): call deadlines, interaction follow-ups and programme deadlines
(FRIS and reporting deadlines), sent through Django's e-mail framework (``EMAIL_BACKEND``: the demo
writes to the console, ``VISD_EMAIL_BACKEND`` chooses another).

Who gets what:

* call deadlines within the horizon: every VISD staff member (calls carry no domain);
* open follow-ups due within the horizon, or overdue: the staff who took part in the interaction or
  logged it (``Interaction.objects.open_follow_ups_of``);
* programme deadlines not done: management, and for a domain's deadline the programme managers of
  that domain (a programme-wide deadline goes to every programme manager as well);
* FRIS registrations due (approved VISD projects not yet in FRIS, due four months after approval):
  management and the programme managers of the project's domain.

Each reminder is sent once per user (``ReminderSent``); its key includes the due date, so a moved
deadline is reminded again. ``visd send-reminders`` runs this, typically once a day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from visd.core import permissions

DEFAULT_HORIZON_DAYS = 14


@dataclass(frozen=True)
class Reminder:
    key: str
    due: datetime.date
    text: str
    url: str = ""


def _call_reminders(today, until) -> list[Reminder]:
    from visd.funding.models import Call

    calls = Call.objects.filter(deadline__gte=today, deadline__lte=until).order_by("deadline", "topic_id")
    return [Reminder(f"call:{call.pk}:{call.deadline}", call.deadline,
                     _("Call deadline: %(call)s") % {"call": f"{call.topic_id} {call.title}"},
                     reverse("funding:call_detail", args=[call.topic_id])) for call in calls]


def _follow_up_reminders(user, until) -> list[Reminder]:
    from visd.stakeholders.models import Interaction

    interactions = (Interaction.objects.open_follow_ups_of(user).filter(follow_up_due__lte=until)
                    .select_related("actor"))
    return [Reminder(f"follow-up:{i.pk}:{i.follow_up_due}", i.follow_up_due,
                     _("Follow-up for %(actor)s: %(follow_up)s") % {"actor": i.actor.name, "follow_up": i.follow_up},
                     i.get_absolute_url()) for i in interactions]


def _deadline_reminders(user, today, until) -> list[Reminder]:
    from .models import Deadline

    deadlines = Deadline.objects.filter(done=False, due__lte=until).select_related("domain")
    if not permissions.is_management(user):
        domain_ids = permissions.portfolio_domain_ids(user)
        deadlines = [d for d in deadlines if d.domain_id is None or d.domain_id in domain_ids]
    return [Reminder(f"deadline:{d.pk}:{d.due}", d.due, f"{d.get_kind_display()}: {d.title}"
                     + (f" ({d.domain.label})" if d.domain else "")) for d in deadlines]


def _fris_reminders(user, until) -> list[Reminder]:
    """Approved VISD projects not yet registered in FRIS, whose registration deadline (four months
    after approval, ``VisdProject.fris_deadline``) falls within the horizon or has passed."""
    from visd.projects.models import DECIDED_STATUSES, VisdProject

    projects = VisdProject.objects.filter(status__in=DECIDED_STATUSES, fris_registered_on__isnull=True,
                                          decided_on__isnull=False).select_related("domain")
    if not permissions.is_management(user):
        projects = projects.filter(domain_id__in=permissions.portfolio_domain_ids(user))
    items = []
    for project in projects:
        deadline = project.fris_deadline
        if deadline is not None and deadline <= until:
            items.append(Reminder(f"fris:{project.pk}:{deadline}", deadline,
                                  _("FRIS registration of %(project)s") % {"project": project},
                                  project.get_absolute_url()))
    return items


def _profile_review_reminders(user, today) -> list[Reminder]:
    """Profile changes waiting for this reviewer's validation longer than the configured days."""
    from visd.profiles.reminders import overdue_reviews

    if not (permissions.is_management(user) or permissions.is_programme_manager(user)):
        return []
    return [Reminder(f"profile-review:{type(item)._meta.model_name}:{item.pk}:{item.stated_at:%Y-%m-%dT%H:%M:%S}",
                     due, _("Profile change of %(actor)s waits for validation: %(item)s")
                     % {"actor": item.profile.actor.name, "item": item},
                     reverse("profiles:review")) for item, due in overdue_reviews(user, today)]


def reminders_for(user, today: datetime.date, horizon_days: int = DEFAULT_HORIZON_DAYS) -> list[Reminder]:
    """Everything due for ``user`` from ``today`` to ``today + horizon_days`` (follow-ups and
    programme deadlines also when overdue), soonest first. Nothing for anyone outside VISD staff."""
    if not permissions.is_visd_staff(user):
        return []
    until = today + datetime.timedelta(days=horizon_days)
    items = (_call_reminders(today, until) + _follow_up_reminders(user, until)
             + _deadline_reminders(user, today, until) + _fris_reminders(user, until)
             + _profile_review_reminders(user, today))
    return sorted(items, key=lambda r: (r.due, r.key))


def _message(user, items: list[Reminder], base_url: str) -> str:
    lines = [_("Hello %(name)s,") % {"name": user.get_full_name() or user.get_username()}, "",
             _("These deadlines of VISD Hub are coming up or overdue:"), ""]
    for item in items:
        lines.append(f"- {item.due:%d/%m/%Y}: {item.text}")
        if item.url:
            lines.append(f"  {base_url}{item.url}")
    lines += ["", _("You receive this reminder once per deadline.")]
    return "\n".join(lines)


def send_reminders(today: datetime.date | None = None, horizon_days: int = DEFAULT_HORIZON_DAYS,
                   base_url: str = "", dry_run: bool = False) -> dict[str, int]:
    """Send each staff member with an e-mail address one message listing their new reminders.
    Returns counts: users e-mailed and reminders sent."""
    from .models import ReminderSent

    today = today or timezone.localdate()
    counts = {"users": 0, "reminders": 0}
    with translation.override(settings.LANGUAGE_CODE):
        for user in permissions.visd_staff_users().exclude(email="").order_by("pk"):
            already = set(ReminderSent.objects.filter(user=user).values_list("key", flat=True))
            items = [item for item in reminders_for(user, today, horizon_days) if item.key not in already]
            if not items:
                continue
            counts["users"] += 1
            counts["reminders"] += len(items)
            if dry_run:
                continue
            with transaction.atomic():
                ReminderSent.objects.bulk_create([ReminderSent(user=user, key=item.key) for item in items])
                send_mail(
                    _("VISD Hub: %(count)d reminder(s)") % {"count": len(items)},
                    _message(user, items, base_url), None, [user.email],
                )
    return counts
