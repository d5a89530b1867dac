"""The one importer core: every import of public data runs through ``run_import``.

An importer says only what is its own: how its input is read and checked (``Importer.check``: every
problem, by file, row and column; it may read the registry, it writes nothing) and how the checked
input is written (``Importer.write``: it returns the counts). ``run_import`` does the rest, the
same for every source (CORDIS and EDF results, Funding & Tenders topics, the facility inventory,
MERIL, the reference data):

1. it holds the import lock for the whole import, checking included (``visd.imports.lock``: one
   import at a time; a caller waits, or with ``wait=False`` is refused at once with ``ImportBusy``);
2. a check that found a problem writes nothing but a rejected ``ImportRun`` holding every problem;
3. otherwise the importer writes in one transaction, together with the applied ``ImportRun``: all
   or nothing. A database that refuses a write (``DatabaseError``), or a record someone else saved
   after the import read it (``EditConflict``), undoes the whole import, which is then recorded as
   rejected with the reason;
4. a dry run (``dry_run=True``, the commands' ``--check``) checks and writes as an import would,
   then undoes it all, the ``ImportRun`` included;
5. the result is an ``ImportReport`` of one shape for every importer: the kind, the files, the
   status, the counts (``{record type: {"created", "updated", "unchanged"}, "notes": {note: number}}``),
   the problems and the ``ImportRun``.

Idempotence is the writers' rule, with the helpers here: a record is compared field by field
(``set_changed``, ``changed_fields``) and saved only when a value differs, so importing the same
files again changes nothing and leaves no history row. ``Writer`` saves with the importing user and
a change reason in the history; its bulk path (``visd.imports.bulk``) is the one the full-size CORDIS
import needs, and its updates move a record's optimistic-lock counter (``visd.core.locking``) on, so
that an edit begun before the import is refused as a conflict instead of overwriting it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from visd.core import locking

from . import bulk
from .lock import Holder, import_lock
from .models import ImportRun
from .problems import Problem

# simple_history keeps at most 100 characters of a change reason.
CHANGE_REASON_LENGTH = 100
OUTCOMES = ("created", "updated", "unchanged")


class Importer:
    """One source of data. A subclass sets ``kind`` (recorded on the ``ImportRun`` and shown to whoever
    waits for the lock), fills ``files`` (the names of its input) and implements ``check`` and
    ``write``; ``run_import`` runs it."""

    kind: str = ""
    files: list[str]

    def check(self) -> list:
        """Read and check the whole input; return every problem (objects with ``as_dict()`` and a
        readable ``str``). Runs under the import lock and may read the registry; writes nothing."""
        raise NotImplementedError

    def write(self, user) -> dict:
        """Write the checked input; return the counts. Runs inside the import's transaction."""
        raise NotImplementedError


@dataclass
class ImportReport:
    """What an import did, the same for every importer."""

    kind: str
    files: list[str]
    status: str
    counts: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    run: ImportRun | None = None  # None after a dry run: nothing was kept
    dry_run: bool = False

    @property
    def applied(self) -> bool:
        return self.status == ImportRun.Status.APPLIED

    @property
    def import_run(self) -> ImportRun | None:
        return self.run

    @property
    def changed(self) -> int:
        """Records created or updated, over every record type."""
        return sum(outcomes.get("created", 0) + outcomes.get("updated", 0)
                   for name, outcomes in self.counts.items() if name != "notes")


class _DryRun(Exception):
    def __init__(self, counts: dict):
        self.counts = counts


def run_import(importer: Importer, user=None, *, wait: bool = True,
               on_wait: Callable[[Holder | None, float], None] | None = None, dry_run: bool = False,
               refused_error: Callable[[list, ImportRun | None], Exception] | None = None) -> ImportReport:
    """Run ``importer`` all or nothing under the import lock; see the module docstring. Raises
    ``ImportBusy`` when the lock does not come free (nothing written then, not even an
    ``ImportRun``); an exception from the importer itself undoes the import and is raised. With
    ``refused_error``, a refused import raises ``refused_error(problems, rejected run)`` instead of
    returning its report."""
    report = _run(importer, saved_user(user), wait, on_wait, dry_run)
    if refused_error is not None and not report.applied:
        raise refused_error(report.problems, report.run)
    return report


def _run(importer: Importer, user, wait: bool, on_wait, dry_run: bool) -> ImportReport:
    with import_lock(importer.kind, user, wait=wait, on_wait=on_wait):
        problems = list(importer.check())
        if problems:
            return _refused(importer, problems, user, record=not dry_run)
        try:
            with transaction.atomic():
                counts = importer.write(user)
                if dry_run:
                    raise _DryRun(counts)
                run = ImportRun.objects.create(kind=importer.kind, files=list(importer.files), started_by=user,
                                               status=ImportRun.Status.APPLIED, counts=counts)
        except _DryRun as checked:
            return ImportReport(importer.kind, list(importer.files), ImportRun.Status.APPLIED, checked.counts,
                                dry_run=True)
        except DatabaseError as error:
            # A constraint the checks did not foresee: the transaction undid every write; say why.
            problem = Problem(file=", ".join(importer.files), code="database", message=_(
                "the database refused the import, nothing was written: %(error)s") % {"error": error})
            return _refused(importer, [problem], user, record=not dry_run)
        except locking.EditConflict as conflict:
            # Someone saved a record the import was updating, after the import read it.
            problem = Problem(file=", ".join(importer.files), code="conflict", message=_(
                "someone else changed a %(kind)s (record %(id)s) while the import ran; nothing was written, "
                "import again") % {"kind": conflict.model._meta.verbose_name,
                                   "id": getattr(conflict.record, "pk", "?")})
            return _refused(importer, [problem], user, record=not dry_run)
    return ImportReport(importer.kind, list(importer.files), run.status, counts, run=run)


def _refused(importer: Importer, problems: list, user, *, record: bool) -> ImportReport:
    run = None
    if record:
        run = ImportRun.objects.create(kind=importer.kind, files=list(importer.files), started_by=user,
                                       status=ImportRun.Status.REJECTED,
                                       problems=[problem_record(problem) for problem in problems])
    return ImportReport(importer.kind, list(importer.files), ImportRun.Status.REJECTED, problems=problems, run=run,
                        dry_run=not record)


def problem_record(problem) -> dict:
    """A problem as ``ImportRun.problems`` keeps it, one shape for every importer (the fields of
    ``visd.imports.problems.Problem``)."""
    data = problem.as_dict()
    return {"file": data.get("file") or "", "code": data.get("code") or "", "message": data["message"],
            "row": data.get("row"), "column": data.get("column") or None}


def saved_user(user):
    """The user to record, or None for a command run without one (or an anonymous user)."""
    return user if user is not None and getattr(user, "pk", None) else None


def change_reason(text: str) -> str:
    return text[:CHANGE_REASON_LENGTH]


# --- counting and comparing: what makes a repeated import change nothing ---------------------------

class Tally:
    """created / updated / unchanged per record type, and notes, as ``ImportRun.counts`` holds them."""

    def __init__(self, *record_types: str, notes: Iterable[str] = ()):
        self.counts: dict = {name: dict.fromkeys(OUTCOMES, 0) for name in record_types}
        if notes:
            self.counts["notes"] = dict.fromkeys(notes, 0)

    def add(self, record_type: str, outcome: str, number: int = 1) -> None:
        self.counts[record_type][outcome] += number

    def note(self, name: str, number: int = 1) -> None:
        notes = self.counts.setdefault("notes", {})
        notes[name] = notes.get(name, 0) + number


def set_changed(obj, values: dict) -> list[str]:
    """Assign the values that differ and return the names of those fields."""
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def changed_fields(stored: dict, values: dict) -> set[str]:
    """The names of the fields whose new value differs from the stored one."""
    return {name for name, value in values.items() if stored[name] != value}


# --- writing ------------------------------------------------------------------------------------

@dataclass
class Writer:
    """Saves records with the importing user and a change reason in their history."""

    user: object
    reason: str
    now: object = None  # the import's time: created_at / updated_at and history_date of bulk writes

    def __post_init__(self):
        self.user = saved_user(self.user)
        self.reason = change_reason(self.reason)
        if self.now is None:
            self.now = timezone.now()

    def _mark(self, obj) -> None:
        obj._change_reason = self.reason
        if self.user is not None:
            obj._history_user = self.user

    def save(self, obj) -> None:
        """Save a new record, or an existing one with all its fields (its ``save`` derives fields,
        and moves a lock counter on)."""
        self._mark(obj)
        obj.save()

    def update(self, obj, changed: list[str]) -> None:
        """Save the changed fields of an existing record (its lock counter moves on in ``save``)."""
        self._mark(obj)
        obj.save(update_fields=[*changed, "updated_at"])

    def links_changed(self, obj) -> None:
        """Only the many-to-many links of ``obj`` changed: its lock counter moves on all the same."""
        if locking.is_locked(type(obj)):
            obj.claim_version()

    def create(self, model, objects: list) -> list:
        if not objects:
            return []
        return bulk_create_with_history(objects, model, default_user=self.user, default_change_reason=self.reason)

    def bulk_insert(self, model, records: list[dict]) -> None:
        """New records (attname -> value, complete) through ``visd.imports.bulk``; their history rows
        follow with :meth:`bulk_history` once their ids are known."""
        bulk.insert(model, records, self.now)

    def bulk_history(self, model, records: list[dict]) -> None:
        bulk.insert_history(model, records, self.now, getattr(self.user, "pk", None), self.reason)

    def bulk_update(self, model, objects: list, fields: set[str]) -> None:
        """Changed records in batches, one history row each ("~"). ``bulk_update`` does not set
        ``auto_now``: the time stamp is set here, so that the matching index sees the records as
        changed. A model with an optimistic-lock counter has it moved on from the value the records
        were loaded with (``load_for_update`` holds their rows), so an edit begun before the import
        is refused as a conflict rather than overwriting it."""
        if not objects:
            return
        fields = {*fields, "updated_at"}
        if locking.is_locked(model):
            fields.add(model.lock_field)
            for obj in objects:
                setattr(obj, model.lock_field, locking.lock_value(obj) + 1)
        for obj in objects:
            obj.updated_at = self.now
        bulk_update_with_history(objects, model, sorted(fields), batch_size=500,
                                 default_user=self.user, default_change_reason=self.reason, default_date=self.now)


def load_for_update(model, ids: Iterable[int]) -> Iterator:
    """The records of ``ids``, in chunks; a model with a lock counter has their rows locked until the
    import commits, so that the counter it moves on is the one stored."""
    queryset = model.objects.all()
    if locking.is_locked(model):
        queryset = queryset.select_for_update()
    for chunk in bulk.chunks(sorted(ids)):
        yield from queryset.filter(pk__in=chunk)
