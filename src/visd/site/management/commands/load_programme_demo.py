"""``visd load-programme-demo``: the programme side of the demo from ``visd/site/data/programme_demo.yaml``:
a starting draft of each focus domain's orientation roadmap and the events the VISD strategy announces,
each with its source. Nothing is invented: the strategy gives no event dates, so the events stay
announced until ``--schedule CODE=YYYY-MM-DD`` (or the events page) gives one. VISD-funded projects
and the stakeholder register are left empty (their pages say how to start). Needs ``visd load-reference``."""

import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from visd.site.content import PROGRAMME_FILE, ContentError, load_programme, schedule


class Command(BaseCommand):
    help = "Load the roadmap drafts and announced events of the demo (each with its source)."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=PROGRAMME_FILE)
        parser.add_argument("--schedule", action="append", default=[], metavar="CODE=YYYY-MM-DD", dest="dates",
                            help="give an announced event its date (creates the event); may be repeated")
        parser.add_argument("--location", default="", help="location of the events scheduled with --schedule")

    def handle(self, *args, file: Path, dates: list[str], location: str, **options):
        to_schedule = []
        for value in dates:
            code, _, day = value.partition("=")
            try:
                to_schedule.append((code.strip(), datetime.date.fromisoformat(day.strip())))
            except ValueError as error:
                raise CommandError(f"--schedule {value!r}: give CODE=YYYY-MM-DD ({error}). Nothing was loaded.") from error
        try:
            with transaction.atomic():  # a date that cannot be given undoes the whole run
                counts = load_programme(file)
                for code, day in to_schedule:
                    event = schedule(code, day, location=location)
                    self.stdout.write(f"{code}: scheduled on {event.date:%Y-%m-%d} (event {event.pk})")
        except ContentError as error:
            raise CommandError("Nothing was loaded: " + "; ".join(error.problems)) from error
        except ValidationError as error:
            raise CommandError(f"Nothing was loaded: {'; '.join(error.messages)}") from error
        self.stdout.write(f"{counts['roadmaps']} roadmap draft(s) with {counts['items']} item(s), "
                          f"{counts['announcements']} announced event(s) created")

