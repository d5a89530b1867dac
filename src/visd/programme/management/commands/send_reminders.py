"""``visd send-reminders [--date YYYY-MM-DD] [--days N] [--base-url URL] [--dry-run]``: e-mail VISD
staff their coming call deadlines, follow-ups and programme (FRIS, reporting) deadlines, each once.
Run it daily (cron, systemd timer). The e-mail goes through ``EMAIL_BACKEND``."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from visd.programme import reminders


class Command(BaseCommand):
    help = "E-mail VISD staff their coming deadlines and follow-ups (each reminder once)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day to remind from (default: today), YYYY-MM-DD.")
        parser.add_argument("--days", type=int, default=reminders.DEFAULT_HORIZON_DAYS,
                            help="How many days ahead to look (default: %(default)s).")
        parser.add_argument("--base-url", default="", help="Site address put before links, e.g. https://visd.example.")
        parser.add_argument("--dry-run", action="store_true", help="Count, send nothing, record nothing.")

    def handle(self, *args, date, days, base_url, dry_run, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"Not a date (YYYY-MM-DD): {date}") from None
        if days < 0:
            raise CommandError("--days cannot be negative.")
        counts = reminders.send_reminders(today, days, base_url.rstrip("/"), dry_run=dry_run)
        verb = "would send" if dry_run else "sent"
        self.stdout.write(self.style.SUCCESS(
            f"Reminders {verb}: {counts['reminders']} to {counts['users']} user(s)."))
