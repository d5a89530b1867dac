"""``visd load-demo``: fill the registry with the real public data shipped in data/public.

Imports the CORDIS H2020 "Secure societies" and FP7 "Security" projects with their participants,
the European Defence Fund results (calls 2021-2022, and calls 2023 with ASAP and EDIRPA) and the
Funding & Tenders topics, through the same import actions as ``visd import`` and the upload page;
then the facilities: the MERIL European research infrastructures (``visd import-meril``) and the
facilities the VISD document names (DronePort and Thor Park, ``visd import-facilities`` with the example
inventory; their focus domains need ``visd load-reference`` first), each with its source; and the
public site's pages and the programme side (``visd load-site-content``, ``visd load-programme-demo``:
roadmap drafts and announced events from the VISD strategy, each with its source).
Idempotent: a second run changes nothing. Each dataset is one import: it waits for another import
that is running (docs/data.md, "Concurrent imports").
It does not need the reference data (``visd load-reference``).
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from visd.imports import actions
from visd.imports.management.report import report, waiting_for_other_imports
from visd.imports.readers import InputFile

# The repository's data/public folder (src/visd -> repository root).
DEFAULT_DATA_DIR = Path(settings.PACKAGE_DIR).parents[1] / "data" / "public"

# (source label, projects file, organisations file), relative to the data folder. Provenance and
# licence of each dataset: data/public/PROVENANCE.md.
CORDIS_DATASETS = [
    ("CORDIS H2020 Secure societies (3.7)", "cordis_security/h2020_secure_societies_projects.csv",
     "cordis_security/h2020_secure_societies_organizations.csv"),
    ("CORDIS FP7 Security", "cordis_security/fp7_security_projects.csv",
     "cordis_security/fp7_security_organizations.csv"),
    ("EU Funding & Tenders, EDF 2021-2022 results", "edf/edf_2021_2022_projects.csv",
     "edf/edf_2021_2022_organizations.csv"),
    ("EU Funding & Tenders, EDF 2023, ASAP and EDIRPA results", "edf/edf_2023_asap_edirpa_projects.csv",
     "edf/edf_2023_asap_edirpa_organizations.csv"),
]
TOPIC_FILES = ["calls/edf_2026_topics.jsonl", "calls/horizon_cl3_topics.jsonl"]
TOPICS_LABEL = "EU Funding & Tenders portal"


class Command(BaseCommand):
    help = "Load the public demo data (CORDIS security projects, EDF results, Funding & Tenders topics)."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR,
                            help="folder holding cordis_security/, edf/ and calls/ (default: the repository's data/public)")

    def handle(self, *args, data_dir: Path, **options):
        for label, projects, organisations in CORDIS_DATASETS:
            self.stdout.write(self.style.MIGRATE_HEADING(label))
            with waiting_for_other_imports(self, "cordis"):
                run = actions.import_cordis(InputFile.from_path(data_dir / projects),
                                            InputFile.from_path(data_dir / organisations), source_label=label)
            report(self, run)
        self.stdout.write(self.style.MIGRATE_HEADING(TOPICS_LABEL))
        with waiting_for_other_imports(self, "topics"):
            run = actions.import_topics([InputFile.from_path(data_dir / name) for name in TOPIC_FILES],
                                        source_label=TOPICS_LABEL)
        report(self, run)
        self._load_facilities(data_dir)
        self._load_programme()

    def _load_programme(self):
        """The public site's pages and the programme side: roadmap drafts and announced events from
        the VISD strategy, each with its source (visd.site, docs/site.md)."""
        from django.core.management import CommandError, call_command

        self.stdout.write(self.style.MIGRATE_HEADING("Public site and programme (VISD strategy)"))
        call_command("load_site_content", stdout=self.stdout, stderr=self.stderr)
        try:
            call_command("load_programme_demo", stdout=self.stdout, stderr=self.stderr)
        except CommandError as error:
            self.stderr.write(f"{error} Run visd load-reference first, then visd load-demo again.")

    def _load_facilities(self, data_dir: Path):
        from django.core.management import CommandError, call_command

        from visd.facilities.importer import EXAMPLE_FILE

        self.stdout.write(self.style.MIGRATE_HEADING("MERIL"))
        call_command("import_meril", data_dir / "facilities" / "meril_2018_research_infrastructures.geojson",
                     stdout=self.stdout, stderr=self.stderr)
        self.stdout.write(self.style.MIGRATE_HEADING("VISD annex 2 (DronePort, Thor Park)"))
        try:
            call_command("import_facilities", EXAMPLE_FILE, stdout=self.stdout, stderr=self.stderr)
        except CommandError as error:
            # Without the focus domains (visd load-reference) the rows cannot be checked: say so, go on.
            self.stderr.write(f"{error} Run visd load-reference first, then visd load-demo again.")
