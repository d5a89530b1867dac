"""Profile changes that wait too long for validation (issue 14 item 4). ``visd send-reminders``
(``visd.programme.reminders``) mails each reviewer the changes in their scope that have waited longer
than ``VISD_PROFILE_REVIEW_REMINDER_DAYS`` days."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone


def reminder_days() -> int:
    return int(getattr(settings, "VISD_PROFILE_REVIEW_REMINDER_DAYS", 7))


def overdue_reviews(user, today: datetime.date) -> list[tuple[object, datetime.date]]:
    """(item, day it became overdue) of the pending changes ``user`` may decide that were stated more
    than ``reminder_days()`` days before ``today``."""
    from visd.core import permissions

    from .actions import ITEM_MODELS
    from .models import Review

    days = reminder_days()
    cutoff = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=days),
                                                           datetime.time.min))
    out = []
    for model in ITEM_MODELS.values():
        queryset = model.objects.filter(review=Review.PENDING, stated_at__lt=cutoff).select_related("profile__actor")
        for item in permissions.reviewable_profile_items(user, queryset):
            out.append((item, timezone.localdate(item.stated_at) + datetime.timedelta(days=days)))
    return out
