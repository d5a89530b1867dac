"""What every import command does around the importer core (``visd.imports.core``): find the user
named to author the changes, wait for another import and say so, and print the report: the counts
of an applied import, or every problem of a refused one (exit status 1)."""

from contextlib import contextmanager
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from visd.imports.core import ImportReport
from visd.imports.lock import ImportBusy, import_lock, waiting_message
from visd.imports.models import ImportRun
from visd.imports.problems import Problem, count_label


def add_import_arguments(parser, check_help: str = "Check the file and report; write nothing.") -> None:
    """``--user NAME`` and ``--check``, as every import command takes them."""
    parser.add_argument("--user", default=None, help="User name recorded as the author of the changes.")
    parser.add_argument("--check", action="store_true", help=check_help)


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}") from None


def user_named(name: str | None):
    """The user a command's ``--user NAME`` names (None without one), or CommandError."""
    if not name:
        return None
    user = get_user_model().objects.filter(username=name).first()
    if user is None:
        raise CommandError(f"No user named {name!r}.")
    return user


def report(command: BaseCommand, result: ImportRun | ImportReport, *, closing: str | None = None) -> None:
    """Print what an import did, or every problem and raise CommandError (exit status 1). ``result``
    is the import's report, or its ``ImportRun``; ``closing`` replaces the last line of an applied
    import."""
    if isinstance(result, ImportRun):
        problems = [Problem(**problem) for problem in result.problems]
        result = ImportReport(result.kind, result.files, result.status, result.counts, problems, run=result)
    if result.status == ImportRun.Status.REJECTED:
        raise refused(command, result.files, result.problems, result.run)
    if result.dry_run:
        command.stdout.write(command.style.SUCCESS(
            _("%(files)s: no problems; nothing written (--check).") % {"files": ", ".join(result.files)}))
        return
    for record_type, outcomes in result.counts.items():
        if record_type == "notes":
            continue
        command.stdout.write(
            _("%(records)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged")
            % {"records": count_label(record_type), **outcomes}
        )
    for note, number in result.counts.get("notes", {}).items():
        command.stdout.write(f"  {count_label(note)}: {number}")
    command.stdout.write(command.style.SUCCESS(closing or (
        _("Import run %(run)s applied (%(files)s).") % {"run": result.run.pk, "files": ", ".join(result.files)})))


def refused(command: BaseCommand, files: list[str], problems: list, run: ImportRun | None = None) -> CommandError:
    """Print every problem on stderr; the CommandError (exit status 1) that ends a refused import."""
    for problem in problems:
        command.stderr.write(str(problem))
    values = {"count": len(problems), "files": ", ".join(files) or "-"}
    if run is None:  # a check (--check), or an import refused before it began: nothing recorded
        message = _("Import refused: %(count)s problem(s) in %(files)s; nothing was imported.") % values
    else:
        message = _("Import refused: %(count)s problem(s) in %(files)s; nothing was imported (import run "
                    "%(run)s).") % {**values, "run": run.pk}
    return CommandError(message, returncode=1)


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


def import_or_refuse(command: BaseCommand, kind: str, author, files: list[str], run_it, refused_error: type[Exception]):
    """``run_it()`` under the import lock, waiting as ``waiting_for_other_imports`` does; an importer's
    refusal (``refused_error``, with its ``problems`` and rejected ``run``) is printed and ends the
    command (exit status 1)."""
    try:
        with waiting_for_other_imports(command, kind, author):
            return run_it()
    except refused_error as error:
        raise refused(command, files, error.problems, getattr(error, "run", None)) from None
