"""``visd import-meril [FILE.geojson] [--user NAME] [--check]``: import the MERIL list of European research
infrastructures (default: data/public/facilities/meril_2018_research_infrastructures.geojson), all
features or none, idempotent (docs/guidance.md, "The test-facility finder")."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from visd.facilities.meril import DEFAULT_FILE_NAME, IMPORT_KIND, MerilImportError, import_meril
from visd.imports.management.report import add_import_arguments, import_or_refuse, read_bytes, report, user_named

DEFAULT_FILE = Path(settings.PACKAGE_DIR).parents[1] / "data" / "public" / "facilities" / DEFAULT_FILE_NAME


class Command(BaseCommand):
    help = "Import the MERIL European research infrastructures (GeoJSON; all features or none; idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, nargs="?", default=DEFAULT_FILE)
        add_import_arguments(parser)

    def handle(self, *args, file: Path, user, check, **options):
        author = user_named(user)
        data = read_bytes(file)
        result = import_or_refuse(self, IMPORT_KIND, author, [file.name],
                                  lambda: import_meril(data, author, file.name, dry_run=check), MerilImportError)
        report(self, result)
