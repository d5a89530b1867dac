"""``visd load-programme-demo``: the programme side of the demo from ``visd/site/data/programme_demo.yaml``:
a starting draft of each focus domain's orientation roadmap and the events the VISD strategy announces,
each with its source. Nothing is invented: the strategy gives no event dates, so the events stay
announced until ``--schedule CODE=YYYY-MM-DD`` (or the events page) gives one. VISD-funded projects
and the stakeholder register are left empty (their pages say how to start). Needs ``visd load-reference``.
All or nothing through the importer core (``visd.imports.core``): a date that cannot be given
undoes the whole run; ``--check`` loads and undoes it all."""

import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from visd.imports.core import run_import
from visd.imports.management.report import add_import_arguments, import_or_refuse, report, user_named
from visd.site.content import PROGRAMME_FILE, PROGRAMME_KIND, ContentError, ProgrammeImport, content_refused


class Command(BaseCommand):
    help = "Load the roadmap drafts and announced events of the demo (each with its source)."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=PROGRAMME_FILE)
        parser.add_argument("--schedule", action="append", default=[], metavar="CODE=YYYY-MM-DD", dest="dates",
                            help="give an announced event its date (creates the event); may be repeated")
        parser.add_argument("--location", default="", help="location of the events scheduled with --schedule")
        add_import_arguments(parser, "Check the file and load it, then undo it all; write nothing.")

    def handle(self, *args, file: Path, dates: list[str], location: str, check, user, **options):
        author = user_named(user)
        to_schedule = []
        for value in dates:
            code, _, day = value.partition("=")
            try:
                to_schedule.append((code.strip(), datetime.date.fromisoformat(day.strip())))
            except ValueError as error:
                raise CommandError(f"--schedule {value!r}: give CODE=YYYY-MM-DD ({error}). Nothing was loaded.") from error
        importer = ProgrammeImport(file, to_schedule, location)
        try:
            result = import_or_refuse(self, PROGRAMME_KIND, author, importer.files,
                                      lambda: run_import(importer, author, dry_run=check, refused_error=content_refused),
                                      ContentError)
        except ValidationError as error:  # an event the events app refuses (the import was undone)
            raise CommandError(f"Nothing was loaded: {'; '.join(error.messages)}") from error
        if not check:
            for code, event in importer.scheduled:
                self.stdout.write(f"{code}: scheduled on {event.date:%Y-%m-%d} (event {event.pk})")
        counts = result.counts
        report(self, result, closing=(
            f"{counts['roadmaps']['created']} roadmap draft(s) with {counts['roadmap_items']['created']} item(s), "
            f"{counts['announcements']['created']} announced event(s) created"))
