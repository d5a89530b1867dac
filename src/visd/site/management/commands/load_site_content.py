"""``visd load-site-content``: the first versions of the public site's pages (``visd/site/data/pages.yaml``,
each with its source). Pages that exist are left as the programme office edited them."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from visd.site.content import PAGES_FILE, ContentError, load_pages


class Command(BaseCommand):
    help = "Create the public site's content pages that do not exist yet, from the versioned content file."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=PAGES_FILE, help="content file (default: the shipped one)")

    def handle(self, *args, file: Path, **options):
        try:
            created = load_pages(file)
        except ContentError as error:
            raise CommandError("Nothing was loaded: " + "; ".join(error.problems)) from error
        self.stdout.write(f"{len(created)} page(s) created" + (f": {', '.join(created)}" if created else
                                                               " (all pages exist already)"))
