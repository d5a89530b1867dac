"""``visd import-facilities FILE.csv [--user NAME] [--check]``: import the Dual Use Infrastructure
Network inventory, all rows or none (format: docs/guidance.md; example: facilities/data/facilities_example.csv)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from visd.facilities.importer import IMPORT_KIND, FacilityImportError, decode, import_facilities
from visd.imports.management.report import waiting_for_other_imports


class _CheckOnly(Exception):
    pass


class Command(BaseCommand):
    help = "Import test and research facilities from CSV (all rows or none; idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", default=None, help="User name recorded as the author of the changes.")
        parser.add_argument("--check", action="store_true", help="Check the file and report; write nothing.")

    def handle(self, *args, file: Path, user, check, **options):
        author = None
        if user:
            author = get_user_model().objects.filter(username=user).first()
            if author is None:
                raise CommandError(f"No user named {user!r}.")
        try:
            text = decode(file.read_bytes())
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        except FacilityImportError as error:
            raise CommandError(str(error)) from None
        try:
            # The lock outside the transaction: on SQLite it is released only after the commit.
            with waiting_for_other_imports(self, IMPORT_KIND, author), transaction.atomic():
                report = import_facilities(text, author, file.name)
                if check:
                    raise _CheckOnly
        except _CheckOnly:
            self.stdout.write(self.style.SUCCESS(f"{file.name}: no problems; nothing written (--check)."))
            return
        except FacilityImportError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{file.name} refused ({len(error.problems)} problem(s)); nothing was imported.") from None
        counts = ", ".join(f"{kind}: {number}" for kind, number in report.counts.items())
        self.stdout.write(self.style.SUCCESS(f"{file.name} imported. {counts}."))
