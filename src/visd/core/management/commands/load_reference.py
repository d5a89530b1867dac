"""``visd load-reference [--check] [--data-dir DIR] [--user NAME]``

Checks every reference-data file (taxonomies, Strategic Vision 2025 capabilities and budget
trajectory, VISD budget and KPIs, instrument catalogue) and loads them in one transaction, or refuses
them all with every problem by file, row and field. Running it again changes nothing. See
docs/reference-data.md and ``visd.reference``.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from visd.imports.management.report import add_import_arguments, import_or_refuse, user_named
from visd.reference.loader import IMPORT_KIND, OUTCOMES, load_reference
from visd.reference.validation import ReferenceDataError


class Command(BaseCommand):
    help = "Check and load the reference data (taxonomies, capabilities, budgets, KPIs, instruments)."

    def add_arguments(self, parser):
        add_import_arguments(parser, "Only check the files; write nothing.")
        parser.add_argument("--data-dir", type=Path, default=None,
                            help="Directory with the reference files (default: the files shipped with VISD Hub).")

    def handle(self, *args, check, data_dir, user, **options):
        author = user_named(user)
        if data_dir is not None and not data_dir.is_dir():
            raise CommandError(f"{data_dir} is not a directory.")
        report = import_or_refuse(self, IMPORT_KIND, author, ["reference data"],
                                  lambda: load_reference(data_dir, author, check_only=check), ReferenceDataError)
        if check:
            self.stdout.write(self.style.SUCCESS("Reference data checked: no problems."))
            return
        width = max(len(kind) for kind in report.counts)
        self.stdout.write(f"{'':{width}}  " + "  ".join(f"{o:>12}" for o in OUTCOMES))
        for kind, counter in report.counts.items():
            self.stdout.write(f"{kind:{width}}  " + "  ".join(f"{counter[o]:>12}" for o in OUTCOMES))
        verdict = f"{report.changed} record(s) created or updated" if report.changed else "nothing changed"
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded: {verdict}."))

