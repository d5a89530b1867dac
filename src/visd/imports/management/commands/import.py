"""``visd import``: import public data files into the registry.

    visd import cordis --projects P.csv --organizations O.csv [--source-label "CORDIS H2020 3.7"]
    visd import topics F.jsonl [F2.jsonl ...] [--source-label "..."]

Every problem is printed (file, row, column) and nothing is written when there is one; the exit
status is then 1. While another import runs, the command waits for it (VISD_IMPORT_LOCK_TIMEOUT). Formats and rules: docs/data.md.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from visd.imports import actions
from visd.imports.management.report import report, waiting_for_other_imports
from visd.imports.readers import InputFile


def read_input(path: str | None) -> InputFile | None:
    if path is None:
        return None
    file = Path(path)
    if not file.is_file():
        raise CommandError(_("No such file: %(path)s") % {"path": path})
    return InputFile.from_path(file)


class Command(BaseCommand):
    help = "Import CORDIS / EDF results projects and organisations, or Funding & Tenders topics."

    def add_arguments(self, parser):
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="{cordis,topics}")
        cordis = kinds.add_parser("cordis", help="CORDIS or EDF results projects and organisations (CSV)")
        cordis.add_argument("--projects", metavar="P.csv", help="projects file")
        cordis.add_argument("--organizations", "--organisations", dest="organisations", metavar="O.csv",
                            help="organisations (participations) file")
        cordis.add_argument("--source-label", default="", help="data source recorded on the records")
        topics = kinds.add_parser("topics", help="Funding & Tenders topics (JSON Lines)")
        topics.add_argument("files", nargs="+", metavar="F.jsonl")
        topics.add_argument("--source-label", default="", help="data source recorded on the calls")

    def handle(self, *args, kind, source_label, **options):
        if kind == "cordis":
            if not options["projects"] and not options["organisations"]:
                raise CommandError(_("Give --projects, --organizations or both."))
            projects, organisations = read_input(options["projects"]), read_input(options["organisations"])
            with waiting_for_other_imports(self, kind):
                run = actions.import_cordis(projects, organisations, source_label=source_label)
        else:
            files = [read_input(path) for path in options["files"]]
            with waiting_for_other_imports(self, kind):
                run = actions.import_topics(files, source_label=source_label)
        report(self, run)
