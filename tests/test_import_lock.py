"""Imports run one at a time (visd.imports.lock): a second import waits (commands) or is refused at
once (upload pages) with who runs the first one since when, and changes nothing; two imports started
together are serialised and both complete. Runs on SQLite (file lock) and, in the PostgreSQL pass of
``make test`` (DATABASE_URL=$VISD_TEST_DATABASE_URL), on PostgreSQL (advisory transaction lock)."""

import json
import threading
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation

from visd.core.models import Role
from visd.facilities.importer import EXAMPLE_FILE
from visd.facilities.models import Infrastructure
from visd.funding.models import Call
from visd.imports import actions, lock
from visd.imports.lock import ImportBusy, import_lock
from visd.imports.models import ImportRun
from visd.imports.readers import InputFile


def topics_file(prefix: str, count: int = 3) -> InputFile:
    lines = [json.dumps({"topicId": f"{prefix}-{n}", "title": f"Topic {prefix} {n}", "callStatus": "open"})
             for n in range(count)]
    return InputFile(name=f"{prefix}.jsonl", content="\n".join(lines).encode())


@pytest.fixture(autouse=True)
def quick_lock(settings, tmp_path, monkeypatch):
    """A private lock file (SQLite) and short polling, so the tests neither meet other test runs nor
    wait long."""
    settings.VISD_IMPORT_LOCK_FILE = str(tmp_path / "import.lock")
    monkeypatch.setattr(lock, "POLL_SECONDS", 0.05)


@pytest.fixture(autouse=True)
def english():
    """The messages are asserted in English (the platform's default language is Dutch, and the
    Dutch catalogue translates them)."""
    with translation.override("en"):
        yield


class HeldLock:
    """Another import, in another thread (with its own database connection), holding the lock until
    ``release()``."""

    def __init__(self, kind="cordis", user=None):
        self.taken, self.released = threading.Event(), threading.Event()
        self.errors = []
        self.thread = threading.Thread(target=self._hold, args=(kind, user), daemon=True)

    def _hold(self, kind, user):
        try:
            with import_lock(kind, user, wait=False):
                self.taken.set()
                self.released.wait(30)
        except Exception as error:  # noqa: BLE001  (reported by the test)
            self.errors.append(error)
            self.taken.set()
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        assert self.taken.wait(10) and not self.errors, self.errors
        return self

    def release(self):
        self.released.set()

    def __exit__(self, *exc):
        self.release()
        self.thread.join(10)


def nothing_written():
    return not Call.objects.exists() and not ImportRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_import_refused_at_once_says_who_runs_since_when_and_writes_nothing(django_user_model):
    holder = django_user_model.objects.create_user(username="first-importer", password="a-Long-test-passw0rd")
    with HeldLock("facilities", holder):
        with pytest.raises(ImportBusy) as refused, import_lock("topics", wait=False):
            actions.import_topics([topics_file("A")])
    message = str(refused.value)
    assert message.startswith("Another import (facilities) is running since ")
    assert "started by first-importer" in message and "Nothing was changed" in message
    assert refused.value.holder.kind == "facilities" and refused.value.holder.since is not None
    assert nothing_written()


@pytest.mark.django_db(transaction=True)
def test_a_waiting_import_gives_up_after_the_timeout_and_writes_nothing(settings):
    settings.VISD_IMPORT_LOCK_TIMEOUT = 0.4
    with HeldLock("cordis"):
        started = time.monotonic()
        with pytest.raises(ImportBusy) as gave_up:
            actions.import_topics([topics_file("A")])
        assert time.monotonic() - started >= 0.4
    assert "gave up after waiting" in str(gave_up.value) and "(cordis)" in str(gave_up.value)
    assert nothing_written()


@pytest.mark.django_db(transaction=True)
def test_a_command_waits_for_the_running_import_then_imports(settings, tmp_path):
    settings.VISD_IMPORT_LOCK_TIMEOUT = 20
    path = tmp_path / "B.jsonl"
    path.write_bytes(topics_file("B").content)
    stdout, stderr = StringIO(), StringIO()
    with HeldLock("facilities") as held:
        threading.Timer(0.6, held.release).start()
        started = time.monotonic()
        call_command("import", "topics", str(path), stdout=stdout, stderr=stderr)
        waited = time.monotonic() - started
    assert waited >= 0.5
    assert "Another import (facilities) is running since" in stderr.getvalue()
    assert "waiting up to 20 seconds" in stderr.getvalue()
    assert Call.objects.filter(topic_id__startswith="B-").count() == 3
    assert ImportRun.objects.get().status == ImportRun.Status.APPLIED


@pytest.mark.django_db(transaction=True)
def test_a_command_that_gives_up_exits_with_the_message(settings, tmp_path):
    settings.VISD_IMPORT_LOCK_TIMEOUT = 0.2
    path = tmp_path / "C.jsonl"
    path.write_bytes(topics_file("C").content)
    with HeldLock("reference"), pytest.raises(CommandError) as failed:
        call_command("import", "topics", str(path), stdout=StringIO(), stderr=StringIO())
    assert failed.value.returncode == 1
    assert "Another import (reference) is running since" in str(failed.value)
    assert nothing_written()


@pytest.mark.django_db(transaction=True)
def test_two_imports_started_together_run_one_after_the_other(monkeypatch, settings):
    """Both threads import at once; the apply step of each is slowed down and timed: the two never
    overlap, and both imports are complete."""
    settings.VISD_IMPORT_LOCK_TIMEOUT = 30
    spans, apply_topics = [], actions.apply_topics

    def slow_apply(*args, **kwargs):
        begin = time.monotonic()
        counts = apply_topics(*args, **kwargs)
        time.sleep(0.5)
        spans.append((begin, time.monotonic()))
        return counts

    monkeypatch.setattr(actions, "apply_topics", slow_apply)
    start, errors = threading.Barrier(2), []

    def run(prefix):
        try:
            start.wait(5)
            actions.import_topics([topics_file(prefix, 5)], source_label=prefix)
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(prefix,)) for prefix in ("X", "Y")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    (first, second) = sorted(spans)
    assert first[1] <= second[0], "the second import started before the first had finished"
    assert Call.objects.filter(topic_id__startswith="X-").count() == 5
    assert Call.objects.filter(topic_id__startswith="Y-").count() == 5
    assert list(ImportRun.objects.values_list("status", flat=True)) == [ImportRun.Status.APPLIED] * 2


@pytest.mark.django_db(transaction=True)
def test_an_import_that_fails_while_holding_the_lock_leaves_nothing_and_frees_the_lock(monkeypatch):
    def broken_apply(batch, source_label="", user=None):
        Call.objects.create(topic_id="HALF-1", title="half written")
        raise RuntimeError("disk full")

    monkeypatch.setattr(actions, "apply_topics", broken_apply)
    with pytest.raises(RuntimeError):
        actions.import_topics([topics_file("H")])
    assert nothing_written()
    monkeypatch.undo()
    actions.import_topics([topics_file("H")])  # the lock is free again
    assert Call.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_refused_import_keeps_its_import_run_under_the_lock():
    run = actions.import_topics([InputFile(name="bad.jsonl", content=b"not json\n")])
    assert run.status == ImportRun.Status.REJECTED
    assert ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.REJECTED).exists()
    assert not Call.objects.exists()


def test_the_lock_is_reentrant_in_one_thread(db):
    with import_lock("demo", wait=False), import_lock("topics", wait=False):
        run = actions.import_topics([topics_file("R")])
    assert run.status == ImportRun.Status.APPLIED


@pytest.mark.django_db(transaction=True)
def test_the_holder_is_recorded_where_waiting_imports_look(django_user_model):
    user = django_user_model.objects.create_user(username="holder", password="a-Long-test-passw0rd")
    with HeldLock("topics", user):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT application_name FROM pg_stat_activity WHERE application_name LIKE %s",
                               ["visd-import %"])
                (name,) = cursor.fetchone()
            assert name.startswith("visd-import topics ") and name.endswith(" holder")
        else:
            record = json.loads(lock.lock_file().read_text())
            assert record["kind"] == "topics" and record["by"] == "holder" and record["since"]
    if connection.vendor != "postgresql":
        assert lock.lock_file().read_text() == ""  # released: no holder any more


@pytest.mark.django_db(transaction=True)
def test_an_idle_in_transaction_timeout_does_not_end_an_import_that_pauses():
    """A server's idle_in_transaction_session_timeout must not cut an import off while it works in
    Python between two queries (PostgreSQL only; the file lock has no such timeout)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's idle_in_transaction_session_timeout")
    import time

    with connection.cursor() as cursor:
        cursor.execute("SET idle_in_transaction_session_timeout = 300")   # 0.3 s, as a strict server might
    try:
        with import_lock("topics", wait=False):
            time.sleep(0.8)                                            # parsing a file, say
            run = actions.import_topics([topics_file("I")])
        assert run.status == ImportRun.Status.APPLIED
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET idle_in_transaction_session_timeout = 0")


# --- the upload pages refuse at once --------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_the_upload_page_refuses_while_another_import_runs(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR, username="uploader"))
    upload = StringIO(topics_file("U").content.decode())
    upload.name = "U.jsonl"
    with HeldLock("cordis"):
        response = client.post("/imports/", {"kind": "topics", "topics": upload, "source_label": ""},
                               HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    html = response.content.decode()
    assert "Another import (cordis) is running since" in html and "Nothing was changed" in html
    assert nothing_written()


@pytest.mark.django_db(transaction=True)
def test_the_facility_upload_page_refuses_while_another_import_runs(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR, username="facility-uploader"))
    with HeldLock("topics"), EXAMPLE_FILE.open("rb") as upload:
        response = client.post("/facilities/import/", {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert "Another import (topics) is running since" in response.content.decode()
    assert not Infrastructure.objects.exists() and not ImportRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_facility_command_waits_too(settings):
    settings.VISD_IMPORT_LOCK_TIMEOUT = 0.2
    with HeldLock("cordis"), pytest.raises(CommandError) as failed:
        call_command("import_facilities", str(EXAMPLE_FILE), stdout=StringIO(), stderr=StringIO())
    assert "Another import (cordis) is running since" in str(failed.value)
    assert not Infrastructure.objects.exists() and not ImportRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_in_memory_database_is_served_by_a_lock_of_the_process(settings):
    if connection.vendor == "postgresql" or not lock._in_memory_database():
        pytest.skip("only for the tests' in-memory SQLite database")
    del settings.VISD_IMPORT_LOCK_FILE
    with HeldLock("cordis"):
        with pytest.raises(ImportBusy) as refused, import_lock("topics", wait=False):
            actions.import_topics([topics_file("M")])
    assert "Another import (cordis) is running since" in str(refused.value)
    assert not Call.objects.exists() and lock._backend() is lock._process_lock
    actions.import_topics([topics_file("M")])  # free again
    assert Call.objects.count() == 3
