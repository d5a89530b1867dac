"""``visd load-screening-rules [--check] [--user NAME]``

Checks the versioned screening rules (ESAC, export control; every rule, flag and lead time with its
source) and loads the initial, sourced export restrictions and country notes, all or nothing through
the importer core (``visd.imports.core``: the import lock, an ``ImportRun``). Running it again
changes nothing. See docs/guidance.md, "Screening"."""

from django.core.management.base import BaseCommand

from visd.imports.management.report import add_import_arguments, import_or_refuse, report, user_named
from visd.screening.loader import IMPORT_KIND, ScreeningRulesError, ScreeningRulesImport
from visd.imports.core import run_import


class Command(BaseCommand):
    help = "Check the screening rules and load the initial export restrictions and country notes."

    def add_arguments(self, parser):
        add_import_arguments(parser, "Check the files and load them, then undo it all; write nothing.")

    def handle(self, *args, check, user, **options):
        author = user_named(user)
        importer = ScreeningRulesImport()
        result = import_or_refuse(self, IMPORT_KIND, author, importer.files,
                                  lambda: run_import(importer, author, dry_run=check, refused_error=ScreeningRulesError),
                                  ScreeningRulesError)
        report(self, result, closing=None if check else "Screening lists loaded (import run %s)." % result.run.pk)
