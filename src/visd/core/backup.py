"""Backup and restore of the whole database, every row as it is: history rows, users, tokens and the
GDPR audit log included (docs/operations.md).

* SQLite: SQLite's online backup API (``sqlite3.Connection.backup``) copies the database page by page
  while the server keeps running, into a new file only its owner may read (0600); restore copies a
  backup back the same way, after checking it.
* PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists --single-transaction``,
  with the connection settings of ``DATABASE_URL``.

Never ``dumpdata``/``loaddata``: loading fixtures saves every object again, and the history signals
of django-simple-history then invent a history row per object ("+ created" now, by nobody), so a
restored database would not be the one that was saved.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    """A backup or restore that could not be made; the message says why and what to do."""


def backup(path: Path | str, using: str = "default") -> Path:
    """Write a backup of database ``using`` to ``path`` (a new file, mode 0600) and return it."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} exists already: choose a new file name (a backup never overwrites one).")
    if not path.parent.is_dir():
        raise BackupError(f"The directory {path.parent} does not exist.")
    connection = connections[using]
    _new_private_file(path)
    try:
        if connection.vendor == "sqlite":
            _sqlite_backup(connection, path)
        elif connection.vendor == "postgresql":
            _pg_dump(connection, path)
        else:
            raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def restore(path: Path | str, using: str = "default") -> None:
    """Replace every row of database ``using`` with those of the backup at ``path``."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    connection = connections[using]
    if connection.in_atomic_block:
        raise BackupError("A restore cannot run inside a transaction.")
    if connection.vendor == "sqlite":
        _sqlite_restore(connection, path)
    elif connection.vendor == "postgresql":
        _pg_restore(connection, path)
    else:
        raise BackupError(f"Restoring {connection.vendor} databases is not supported.")


def _new_private_file(path: Path) -> None:
    """Create ``path`` readable and writable by its owner only, before anything is written to it."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


# ---------------------------------------------------------------------------- SQLite
def _sqlite_backup(connection, path: Path) -> None:
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
        if target.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("The copy failed SQLite's integrity check; nothing was kept.")
    finally:
        target.close()


def _sqlite_restore(connection, path: Path) -> None:
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BackupError(f"{path} cannot be opened as an SQLite database: {error}") from None
    try:
        try:
            ok = source.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path} is not an SQLite database: {error}") from None
        if not ok:
            raise BackupError(f"{path} fails SQLite's integrity check: nothing was restored.")
        if "django_migrations" not in tables or "actors_actor" not in tables:
            raise BackupError(f"{path} is not a backup of VISD Hub (its tables are missing): nothing was restored.")
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()


# ---------------------------------------------------------------------------- PostgreSQL
def _pg_environment(connection) -> tuple[dict, str]:
    settings = connection.settings_dict
    env = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if settings.get(key):
            env[variable] = str(settings[key])
    return env, settings["NAME"]


def _run(program: str, arguments: list[str], env: dict) -> None:
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(f"{program} is not installed (Debian: apt-get install postgresql-client).")
    result = subprocess.run([executable, *arguments], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip() or result.returncode}")


def _pg_dump(connection, path: Path) -> None:
    env, name = _pg_environment(connection)
    _run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", f"--file={path}", name], env)


def _pg_restore(connection, path: Path) -> None:
    env, name = _pg_environment(connection)
    connection.close()   # no session of this process holds a lock on the tables being replaced
    _run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
                        "--exit-on-error", f"--dbname={name}", str(path)], env)


# ---------------------------------------------------------------------------- the SQLite file itself
def keep_sqlite_file_private(sender, connection, **kwargs) -> None:
    """On every new SQLite connection (``connection_created``): the database file, and its journal
    files, readable and writable by their owner only. SQLite creates a new file with the process's
    umask (often 0644, readable by every local user) when the connection opens; this runs right after,
    before the first statement writes anything to it. SQLite gives its journal files the database
    file's mode."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name.startswith("file:") or name == ":memory:":   # in-memory (the tests' database)
        return
    for path in (name, f"{name}-journal", f"{name}-wal", f"{name}-shm"):
        try:
            if os.stat(path).st_mode & 0o077:
                os.chmod(path, 0o600)
        except FileNotFoundError:
            continue
