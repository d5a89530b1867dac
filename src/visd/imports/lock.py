"""One lock for every import: two imports never run at the same time.

Every import goes through ``import_lock``, taken by the importer core (``visd.imports.core.run_import``)
for each importer: ``visd.imports.actions.import_cordis`` and ``import_topics`` (so ``visd import``,
``visd load-demo`` and the upload page), ``visd.facilities.importer.import_facilities`` (``visd
import-facilities`` and the facility upload page), ``visd.facilities.meril.import_meril`` (``visd
import-meril``) and ``visd.reference.loader.load_reference`` (``visd load-reference``). The lock covers
the whole import, validation included (validation reads the registry), so a second import never sees a
first one half-way.

* **PostgreSQL**: a transaction-level advisory lock (``pg_try_advisory_xact_lock``) in a transaction
  around the import; PostgreSQL releases it at commit or rollback, also when the process dies. Who
  holds it is read from ``pg_stat_activity``: the holder puts the kind, start time and user of its
  import in its session's ``application_name`` for the length of the transaction (``set_config(...,
  true)``).
* **SQLite** (and any other database): an exclusive ``flock`` on a file in ``VAR_DIR/locks/`` (as
  ``visd.matchmaking.service`` serialises the matching index), one file per database; the holder
  writes who it is into the file. The operating system releases the lock when the process dies.
  The lock is released only after the import's transaction has committed. An in-memory SQLite
  database (the tests') belongs to one process: a lock shared by its threads serves it.

Callers keep their transactions as they were: on PostgreSQL an exception from the import is raised
after the lock's transaction commits, so a refused import's ``ImportRun`` (written outside the
import's own transaction) is kept as it is without the lock, and an aborted import's writes are
undone by its own transaction.

Whoever finds the lock taken either **waits** (``wait=True``, the commands: polling until
``settings.VISD_IMPORT_LOCK_TIMEOUT`` seconds, default 600, have passed) or is **refused at once**
(``wait=False``, the upload pages). Both end, when the lock does not come free, in ``ImportBusy``
whose message says which import is running since when and who started it; nothing has been
changed then, not even an ``ImportRun``. The lock is re-entrant within a thread: a command may take
it around an action that takes it again.
"""

from __future__ import annotations

import datetime
import fcntl
import getpass
import hashlib
import json
import os
import socket
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

# The advisory lock's two keys: "VISD" and the imports' lock number.
PG_LOCK_KEYS = (0x56495344, 1)
POLL_SECONDS = 0.5
DEFAULT_TIMEOUT = 600.0
_TIME_FORMAT = "%Y%m%dT%H%M%SZ"
_local = threading.local()


@dataclass(frozen=True)
class Holder:
    """Who holds the import lock: the kind of import, since when, and who started it."""

    kind: str
    since: datetime.datetime | None
    by: str

    def as_values(self) -> dict:
        since = timezone.localtime(self.since).strftime("%Y-%m-%d %H:%M:%S %Z") if self.since else "?"
        return {"kind": self.kind or "?", "since": since, "by": self.by or "?"}

    def encode(self) -> str:
        """For PostgreSQL's application_name (at most 63 characters)."""
        since = self.since.astimezone(datetime.timezone.utc).strftime(_TIME_FORMAT) if self.since else "-"
        return f"visd-import {self.kind or '-'} {since} {self.by}"[:63]

    @classmethod
    def decode(cls, text: str) -> Holder | None:
        parts = (text or "").split(" ", 3)
        if len(parts) < 3 or parts[0] != "visd-import":
            return None
        try:
            since = datetime.datetime.strptime(parts[2], _TIME_FORMAT).replace(tzinfo=datetime.timezone.utc)
        except ValueError:
            since = None
        return cls(kind=parts[1].strip("-"), since=since, by=parts[3] if len(parts) > 3 else "")


class ImportBusy(Exception):
    """Another import holds the lock; nothing was changed. ``holder`` is None when it could not be
    read (the lock came free just then, or the holder had not written its name yet)."""

    def __init__(self, holder: Holder | None, waited: float | None = None):
        self.holder = holder
        self.waited = waited
        values = holder.as_values() if holder else {}
        if waited is None and holder:
            message = _("Another import (%(kind)s) is running since %(since)s, started by %(by)s. Nothing was "
                        "changed; try again when it has finished.") % values
        elif waited is None:
            message = _("Another import is running. Nothing was changed; try again when it has finished.")
        elif holder:
            message = _("Another import (%(kind)s) is running since %(since)s, started by %(by)s; gave up after "
                        "waiting %(seconds)s seconds. Nothing was changed.") % {**values, "seconds": round(waited)}
        else:
            message = _("Another import is running; gave up after waiting %(seconds)s seconds. Nothing was "
                        "changed.") % {"seconds": round(waited)}
        super().__init__(message)


def waiting_message(holder: Holder | None, timeout: float) -> str:
    """What a command prints when it starts waiting for the lock."""
    if holder is None:
        return _("Another import is running; waiting up to %(seconds)s seconds for it to finish…") % {
            "seconds": round(timeout)}
    return _("Another import (%(kind)s) is running since %(since)s, started by %(by)s; waiting up to %(seconds)s "
             "seconds for it to finish…") % {**holder.as_values(), "seconds": round(timeout)}


def started_by(user=None) -> str:
    """The user's name, or for a command run without one the operating-system user, host and process."""
    if user is not None and getattr(user, "pk", None):
        return user.get_username()
    try:
        os_user = getpass.getuser()
    except Exception:  # noqa: BLE001  (no user name in the environment: the process id still says who)
        os_user = "?"
    return f"{os_user}@{socket.gethostname()}, pid {os.getpid()}"


def lock_timeout() -> float:
    return float(getattr(settings, "VISD_IMPORT_LOCK_TIMEOUT", DEFAULT_TIMEOUT))


@contextmanager
def import_lock(kind: str, user=None, *, wait: bool = True, timeout: float | None = None,
                on_wait: Callable[[Holder | None, float], None] | None = None):
    """Hold the import lock for the block (see the module docstring). ``on_wait(holder, timeout)`` is
    called once when the lock is taken and the caller is about to wait. Raises ``ImportBusy``."""
    if getattr(_local, "depth", 0):
        _local.depth += 1
        try:
            yield
        finally:
            _local.depth -= 1
        return
    holder = Holder(kind=kind, since=None, by=started_by(user))  # since: set when the lock is taken
    timeout = lock_timeout() if timeout is None else timeout
    with _backend()(holder, wait, timeout, on_wait):
        _local.depth = 1
        try:
            yield
        finally:
            _local.depth = 0


def _backend():
    if connection.vendor == "postgresql":
        return _postgres_lock
    if not getattr(settings, "VISD_IMPORT_LOCK_FILE", None) and _in_memory_database():
        return _process_lock
    return _file_lock


def _in_memory_database() -> bool:
    name = str(connection.settings_dict.get("NAME") or "")
    return name == ":memory:" or "mode=memory" in name


def _taken(holder: Holder) -> Holder:
    return replace(holder, since=timezone.now().replace(microsecond=0))


def _acquire(try_lock, read_holder, wait, timeout, on_wait) -> None:
    if try_lock():
        return
    holder = read_holder()
    if not wait:
        raise ImportBusy(holder)
    if on_wait is not None:
        on_wait(holder, timeout)
    started = time.monotonic()
    deadline = started + timeout
    while True:
        time.sleep(max(0.0, min(POLL_SECONDS, deadline - time.monotonic())))
        if try_lock():
            return
        if time.monotonic() >= deadline:
            raise ImportBusy(read_holder() or holder, waited=time.monotonic() - started)


# --- PostgreSQL: a transaction-level advisory lock -------------------------------------------------

_PG_HOLDER = """
    SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s AND l.objid = %s AND l.objsubid = 2
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
"""


@contextmanager
def _postgres_lock(holder: Holder, wait: bool, timeout: float, on_wait):
    with transaction.atomic():
        with connection.cursor() as cursor:
            # A server-wide idle_in_transaction_session_timeout (common on managed PostgreSQL) would
            # end this session while an import parses or validates between two queries, or while
            # the lock is awaited; off for this transaction only.
            cursor.execute("SET LOCAL idle_in_transaction_session_timeout = 0")

            def try_lock() -> bool:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", PG_LOCK_KEYS)
                return bool(cursor.fetchone()[0])

            def read_holder() -> Holder | None:
                cursor.execute("SELECT pg_stat_clear_snapshot()")  # pg_stat_activity as it is now
                cursor.execute(_PG_HOLDER, PG_LOCK_KEYS)
                row = cursor.fetchone()
                return Holder.decode(row[0]) if row else None

            _acquire(try_lock, read_holder, wait, timeout, on_wait)
            cursor.execute("SELECT set_config('application_name', %s, true)", [_taken(holder).encode()])
        # The lock is PostgreSQL's until this transaction ends. An exception from the import is
        # raised after the commit: the import's own transaction (a savepoint here) has undone its
        # writes already, and what it wrote outside it on purpose (the ImportRun of a refused
        # import) is kept, as it would be without the lock.
        try:
            yield
        except Exception as exc:  # noqa: BLE001  (re-raised below, after the commit)
            error = exc
        else:
            error = None
    if error is not None:
        raise error


# --- SQLite and others: a file lock in VAR_DIR ----------------------------------------------------

def lock_file() -> Path:
    """``settings.VISD_IMPORT_LOCK_FILE``, else one file per database under ``VAR_DIR/locks/``."""
    configured = getattr(settings, "VISD_IMPORT_LOCK_FILE", None)
    if configured:
        return Path(configured)
    name = str(connection.settings_dict.get("NAME") or "")
    digest = hashlib.sha256(name.encode()).hexdigest()[:16]
    return Path(settings.VAR_DIR) / "locks" / f"import-{digest}.lock"


def _read_file_holder(path: Path) -> Holder | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "null")
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    try:
        since = datetime.datetime.fromisoformat(data["since"]) if data.get("since") else None
    except (TypeError, ValueError):
        since = None
    return Holder(kind=str(data.get("kind", "")), since=since, by=str(data.get("by", "")))


@contextmanager
def _file_lock(holder: Holder, wait: bool, timeout: float, on_wait):
    path = lock_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        def try_lock() -> bool:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True

        _acquire(try_lock, lambda: _read_file_holder(path), wait, timeout, on_wait)
        try:
            holder = _taken(holder)
            record = {"kind": holder.kind, "since": holder.since.isoformat(), "by": holder.by}
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(record).encode("utf-8"), 0)
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# --- an in-memory SQLite database (the tests'): a lock shared by the process's threads -----------

_thread_lock = threading.Lock()
_thread_lock_holder: Holder | None = None


@contextmanager
def _process_lock(holder: Holder, wait: bool, timeout: float, on_wait):
    """An in-memory database belongs to one process, so a lock shared by its threads serialises all
    its imports, and leaves no file behind."""
    global _thread_lock_holder
    _acquire(lambda: _thread_lock.acquire(blocking=False), lambda: _thread_lock_holder, wait, timeout, on_wait)
    try:
        _thread_lock_holder = _taken(holder)
        yield
    finally:
        _thread_lock_holder = None
        _thread_lock.release()
