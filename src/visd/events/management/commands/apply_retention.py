"""``visd apply-retention [--days N] [--dry-run]``: anonymise the event registrations of people who
are not contacts of the stakeholder register once their event ended more than N days ago (GDPR
storage limitation, art. 5(1)(e)). N is ``--days`` or the setting ``VISD_REGISTRATION_RETENTION_DAYS``;
the VISD documents name no period, so without either the command refuses and changes nothing. Run it
daily (cron, systemd timer). Each anonymised registration gets a GDPR audit entry."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from visd.events import actions


class Command(BaseCommand):
    help = "Anonymise event registrations of non-contacts whose retention period has ended (GDPR)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help="Retention period in days after the event's last day "
                                 "(default: the setting VISD_REGISTRATION_RETENTION_DAYS).")
        parser.add_argument("--dry-run", action="store_true", help="List what would be anonymised; change nothing.")

    def handle(self, *args, days, dry_run, **options):
        if days is None:
            days = getattr(settings, "VISD_REGISTRATION_RETENTION_DAYS", None)
        if days is None:
            raise CommandError("No retention period is set: pass --days N or set VISD_REGISTRATION_RETENTION_DAYS "
                               "(the VISD documents name none; choose it with the data protection officer). "
                               "Nothing was changed.")
        if days < 1:
            raise CommandError(f"The retention period must be at least one day, not {days}. Nothing was changed.")
        cutoff = timezone.localdate() - datetime.timedelta(days=days)
        if dry_run:
            due = list(actions.registrations_past_retention(days))
            self.stdout.write(f"{len(due)} registration(s) of events that ended before {cutoff:%Y-%m-%d} would be "
                              f"anonymised (dry run, nothing was changed)"
                              + (f": ids {', '.join(str(r.pk) for r in due)}." if due else "."))
            return
        entries = actions.apply_registration_retention(days)
        self.stdout.write(self.style.SUCCESS(
            f"{len(entries)} registration(s) of events that ended before {cutoff:%Y-%m-%d} anonymised"
            + (f"; audit entries {', '.join(str(e.pk) for e in entries)}." if entries else ".")))
