"""``visd load-site-content [--file FILE] [--check] [--user NAME]``: the first versions of the public
site's pages (``visd/site/data/pages.yaml``, each with its source), all or nothing through the importer
core (``visd.imports.core``: the import lock, an ``ImportRun``). Pages that exist are left as the
programme office edited them."""

from pathlib import Path

from django.core.management.base import BaseCommand

from visd.imports.core import run_import
from visd.imports.management.report import add_import_arguments, import_or_refuse, report, user_named
from visd.site.content import PAGES_FILE, PAGES_KIND, ContentError, PagesImport, content_refused


class Command(BaseCommand):
    help = "Create the public site's content pages that do not exist yet, from the versioned content file."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=PAGES_FILE, help="content file (default: the shipped one)")
        add_import_arguments(parser, "Check the file and load it, then undo it all; write nothing.")

    def handle(self, *args, file: Path, check, user, **options):
        author = user_named(user)
        importer = PagesImport(file)
        result = import_or_refuse(self, PAGES_KIND, author, importer.files,
                                  lambda: run_import(importer, author, dry_run=check, refused_error=content_refused),
                                  ContentError)
        created = importer.created
        report(self, result, closing=f"{len(created)} page(s) created" + (
            f": {', '.join(created)}" if created else " (all pages exist already)"))
