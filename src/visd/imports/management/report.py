"""What the import commands print: the counts of an applied run, or every problem of a refused one;
and how they wait for the import lock."""

from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from visd.imports.lock import ImportBusy, import_lock, waiting_message
from visd.imports.models import ImportRun
from visd.imports.problems import Problem, count_label


def report(command: BaseCommand, run: ImportRun) -> None:
    """Print what an import did, or every problem and raise CommandError (exit status 1)."""
    if run.status == ImportRun.Status.REJECTED:
        for problem in run.problems:
            command.stderr.write(str(Problem(**problem)))
        raise CommandError(
            _("Import refused: %(count)s problem(s) in %(files)s; nothing was written (import run %(run)s).")
            % {"count": len(run.problems), "files": ", ".join(run.files), "run": run.pk},
            returncode=1,
        )
    for record_type, outcomes in run.counts.items():
        if record_type == "notes":
            continue
        command.stdout.write(
            _("%(records)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged")
            % {"records": count_label(record_type), **outcomes}
        )
    for note, number in run.counts.get("notes", {}).items():
        command.stdout.write(f"  {count_label(note)}: {number}")
    command.stdout.write(command.style.SUCCESS(
        _("Import run %(run)s applied (%(files)s).") % {"run": run.pk, "files": ", ".join(run.files)}
    ))


@contextmanager
def waiting_for_other_imports(command: BaseCommand, kind: str, user=None):
    """Hold the import lock for the block, waiting for another import to finish (up to
    ``settings.VISD_IMPORT_LOCK_TIMEOUT`` seconds) and saying so on stderr; when it does not finish in
    time, a CommandError (exit status 1) says which import is running, since when and by whom."""
    try:
        with import_lock(kind, user, on_wait=lambda holder, timeout: command.stderr.write(
                waiting_message(holder, timeout))):
            yield
    except ImportBusy as error:
        raise CommandError(str(error), returncode=1) from None
