"""Backup and restore (visd.core.backup, `visd backup` / `visd restore`; docs/operations.md): a round
trip gives back every row of every table, history included, with no invented history row; a backup is
a new file only its owner may read; a bad backup file is refused with nothing changed; the SQLite
database file is created readable by its owner only. On SQLite always; on PostgreSQL (pg_dump and
pg_restore) when the tests run there (DATABASE_URL=postgres://...)."""

import os
import sqlite3

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper as SqliteWrapper

from visd.actors.models import Actor
from visd.core.backup import BackupError, backup, restore
from visd.stakeholders.models import Contact

pytestmark = pytest.mark.django_db(transaction=True)


def every_row() -> dict[str, list[str]]:
    """Every row of every table of the database, as comparable text, table by table."""
    rows = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows[table] = sorted(repr(row) for row in cursor.fetchall())
    return rows


@pytest.fixture
def registry(make_user):
    """A few records with a history of several rows each, a user and a contact (personal data)."""
    make_user("programme_manager", username="pm")
    actor = Actor.objects.create(name="Scheldt Drone Systems", kind="company", country="BE", postcode="9000")
    actor.description_en = "Counter-drone radars."
    actor.save()
    actor.city = "Gent"
    actor.save()
    Contact.objects.create(first_name="An", last_name="Peeters", email="an@example.org", actor=actor,
                           legal_basis="legitimate_interest")
    return actor


def test_round_trip_gives_identical_rows_history_included(registry, tmp_path):
    before = every_row()
    assert registry.history.count() == 3
    path = backup(tmp_path / "visd.backup")
    assert path.stat().st_mode & 0o777 == 0o600

    # the database moves on after the backup: a deletion, a new record, an edit (each with history)
    Contact.objects.all().delete()
    Actor.objects.create(name="Kempen Cyber", kind="company", country="BE")
    registry.name = "Renamed"
    registry.save()
    assert every_row() != before

    restore(path)
    assert every_row() == before
    assert Actor.objects.get(pk=registry.pk).history.count() == 3   # no history row invented by the restore


def test_the_commands_do_the_same(registry, tmp_path):
    before = every_row()
    call_command("backup", str(tmp_path / "cmd.backup"))
    Actor.objects.all().delete()
    call_command("restore", str(tmp_path / "cmd.backup"), "--noinput")
    assert every_row() == before


def test_a_backup_never_overwrites_a_file(registry, tmp_path):
    existing = tmp_path / "existing"
    existing.write_text("keep me")
    with pytest.raises(BackupError, match="exists already"):
        backup(existing)
    assert existing.read_text() == "keep me"
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(existing))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite files")
def test_a_file_that_is_no_backup_is_refused_and_nothing_changes(registry, tmp_path):
    before = every_row()
    text = tmp_path / "notes.txt"
    text.write_text("not a database " * 100)
    with pytest.raises(BackupError, match="not an SQLite database"):
        restore(text)
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE notes (text)")
    with pytest.raises(BackupError, match="not a backup of VISD Hub"):
        restore(other)
    with pytest.raises(BackupError, match="is not a file"):
        restore(tmp_path / "missing")
    assert every_row() == before


def test_the_sqlite_database_file_is_created_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "visd.sqlite3"
    wrapper = SqliteWrapper({**connection.settings_dict, "ENGINE": "django.db.backends.sqlite3", "NAME": str(path),
                             "OPTIONS": {}}, alias="file-mode-test")
    umask = os.umask(0o022)   # the usual umask: new files readable by everyone
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("CREATE TABLE t (x INTEGER)")
            cursor.execute("INSERT INTO t VALUES (1)")
    finally:
        os.umask(umask)
        wrapper.close()
    assert path.stat().st_mode & 0o777 == 0o600
    # an existing file made readable by others (an older version, a copy) is closed again on connection
    path.chmod(0o644)
    wrapper.ensure_connection()
    wrapper.close()
    assert path.stat().st_mode & 0o777 == 0o600


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL: set DATABASE_URL=postgres://...")
def test_postgresql_dump_is_custom_format(registry, tmp_path):
    path = backup(tmp_path / "visd.dump")
    assert path.read_bytes()[:5] == b"PGDMP"   # pg_dump's custom format, which pg_restore reads
