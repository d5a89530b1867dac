"""``visd import-meril [FILE.geojson] [--user NAME] [--check]``: import the MERIL list of European research
infrastructures (default: data/public/facilities/meril_2018_research_infrastructures.geojson), all
features or none, idempotent (docs/guidance.md, "The test-facility finder")."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from visd.facilities.meril import DEFAULT_FILE_NAME, IMPORT_KIND, NOTE_LABELS, MerilImportError, import_meril
from visd.imports.management.report import waiting_for_other_imports

DEFAULT_FILE = Path(settings.PACKAGE_DIR).parents[1] / "data" / "public" / "facilities" / DEFAULT_FILE_NAME


class _CheckOnly(Exception):
    pass


class Command(BaseCommand):
    help = "Import the MERIL European research infrastructures (GeoJSON; all features or none; idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, nargs="?", default=DEFAULT_FILE)
        parser.add_argument("--user", default=None, help="User name recorded as the author of the changes.")
        parser.add_argument("--check", action="store_true", help="Check the file and report; write nothing.")

    def handle(self, *args, file: Path, user, check, **options):
        author = None
        if user:
            author = get_user_model().objects.filter(username=user).first()
            if author is None:
                raise CommandError(f"No user named {user!r}.")
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        try:
            # The lock outside the transaction: on SQLite it is released only after the commit.
            with waiting_for_other_imports(self, IMPORT_KIND, author), transaction.atomic():
                report = import_meril(data, author, file.name)
                if check:
                    raise _CheckOnly
        except _CheckOnly:
            self.stdout.write(self.style.SUCCESS(f"{file.name}: no problems; nothing written (--check)."))
            return
        except MerilImportError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{file.name} refused ({len(error.problems)} problem(s)); nothing was imported.") from None
        outcomes = report.counts["facilities"]
        self.stdout.write(f"Facilities: {outcomes['created']} created, {outcomes['updated']} updated, "
                          f"{outcomes['unchanged']} unchanged")
        for key, number in report.counts["notes"].items():
            self.stdout.write(f"  {NOTE_LABELS[key]}: {number}")
        self.stdout.write(self.style.SUCCESS(f"{file.name} imported (import run {report.import_run.pk})."))
