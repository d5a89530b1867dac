"""``visd import-facilities FILE.csv [--user NAME] [--check]``: import the Dual Use Infrastructure
Network inventory, all rows or none (format: docs/guidance.md; example: facilities/data/facilities_example.csv)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from visd.facilities.importer import IMPORT_KIND, FacilityImportError, decode, import_facilities
from visd.imports.management.report import add_import_arguments, import_or_refuse, read_bytes, report, user_named


class Command(BaseCommand):
    help = "Import test and research facilities from CSV (all rows or none; idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        add_import_arguments(parser)

    def handle(self, *args, file: Path, user, check, **options):
        author = user_named(user)
        try:
            text = decode(read_bytes(file))
        except FacilityImportError as error:
            raise CommandError(str(error)) from None
        result = import_or_refuse(self, IMPORT_KIND, author, [file.name],
                                  lambda: import_facilities(text, author, file.name, dry_run=check), FacilityImportError)
        counts = ", ".join(f"{kind}: {number}" for kind, number in result.counts.items())
        # The inventory's short summary closes the report, as the upload page states it.
        report(self, result.report, closing=f"{file.name} imported. {counts}.")
