"""The bulk write path of the CORDIS import (``visd.imports.bulk``: COPY on PostgreSQL, executemany on
SQLite) keeps the rules of the ORM path it replaced: one creation history row per new record with
the record's values, the importing user and the change reason; a re-import that changes nothing
writes nothing; a newer file updates in place with one history row per changed record; one bad row
refuses the whole import. The chunk and batch sizes are made small here so that real files of a
few dozen projects cross many chunk and batch boundaries. Also the fast path of the mojibake repair:
it must give exactly what ``ftfy.fix_encoding`` gives."""

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import ftfy
import pytest
from ftfy.badness import MOJIBAKE_CATEGORIES

from visd.actors.models import Actor
from visd.imports import actions, bulk
from visd.imports.models import ImportRun
from visd.imports.readers import InputFile, clean_text, may_hold_mojibake
from visd.projects.models import Participation, Project

DATA = Path(__file__).resolve().parents[1] / "data" / "public"
PROJECTS = DATA / "cordis_security" / "h2020_secure_societies_projects.csv"
ORGANISATIONS = DATA / "cordis_security" / "h2020_secure_societies_organizations.csv"
NUMBER_OF_PROJECTS = 25
LABEL = "bulk sample"


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def sample() -> tuple[list[dict], list[dict]]:
    projects = read_rows(PROJECTS)[:NUMBER_OF_PROJECTS]
    ids = {project["id"] for project in projects}
    return projects, [row for row in read_rows(ORGANISATIONS) if row["projectID"] in ids]


def to_csv(records: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(records[0]), delimiter=";", lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue().encode("utf-8")


def import_rows(projects, organisations, user=None) -> ImportRun:
    return actions.import_cordis(InputFile("projects.csv", to_csv(projects)),
                                 InputFile("organizations.csv", to_csv(organisations)), source_label=LABEL, user=user)


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    monkeypatch.setattr(bulk, "KEY_CHUNK", 7)
    monkeypatch.setattr(bulk, "SQLITE_BATCH", 11)


def history_counts() -> tuple[int, int, int]:
    return Project.history.count(), Actor.history.count(), Participation.history.count()


@pytest.mark.django_db
def test_every_new_record_has_one_creation_history_row_with_its_values(django_user_model):
    user = django_user_model.objects.create_user("importer", password="not-used-here-123")
    projects, organisations = sample()
    run = import_rows(projects, organisations, user=user)
    assert run.status == ImportRun.Status.APPLIED, run.problems
    assert len(organisations) > 11 * 7  # many batches and chunks
    assert Participation.objects.count() == run.counts["participations"]["created"] == len(organisations)
    for model in (Project, Actor, Participation):
        records = {record.pk: record for record in model.objects.all()}
        history = list(model.history.all())
        assert sorted(row.id for row in history) == sorted(records)  # one row per record, none else
        for row in history:
            record = records[row.id]
            assert row.history_type == "+"
            assert row.history_user_id == user.pk
            assert row.history_change_reason == f"Import cordis: {LABEL}"
            assert row.history_date == record.created_at == record.updated_at
            for field in model.history.model.tracked_fields:
                assert getattr(row, field.attname) == getattr(record, field.attname), (model, field.name)
    coordinator = next(row for row in organisations if row["role"] == "coordinator" and row["ecContribution"])
    participation = Participation.objects.get(project__external_id=coordinator["projectID"],
                                              actor__pic=coordinator["id"])
    assert (participation.role, participation.ec_contribution) == ("coordinator", Decimal(coordinator["ecContribution"]))
    project = Project.objects.get(external_id=projects[0]["id"])
    assert (project.start_date.isoformat(), project.total_cost) == (projects[0]["startDate"],
                                                                   Decimal(projects[0]["totalCost"]))


@pytest.mark.django_db
def test_a_second_pic_with_the_same_vat_number_is_stored_in_other_pics_of_the_new_actor():
    projects, organisations = sample()
    row = next(r for r in organisations if r["vatNumber"].startswith("BE0"))
    other_project = next(p for p in projects if p["id"] != row["projectID"])
    twin = {**row, "id": "123456789", "projectID": other_project["id"]}
    run = import_rows(projects, [*organisations, twin])
    assert run.status == ImportRun.Status.APPLIED, run.problems
    actor = Actor.objects.get(pic=row["id"])
    assert actor.other_pics == ["123456789"]
    assert actor.history.get().other_pics == ["123456789"]
    assert Participation.objects.filter(actor=actor).count() == \
        len([r for r in organisations if r["id"] == row["id"]]) + 1


@pytest.mark.django_db
def test_a_reimport_that_changes_nothing_writes_nothing():
    projects, organisations = sample()
    import_rows(projects, organisations)
    before = history_counts()
    stamps = sorted(Participation.objects.values_list("updated_at", flat=True))
    again = import_rows(projects, organisations)
    assert again.status == ImportRun.Status.APPLIED
    assert again.counts["participations"] == {"created": 0, "updated": 0, "unchanged": len(organisations)}
    assert again.counts["projects"] == {"created": 0, "updated": 0, "unchanged": NUMBER_OF_PROJECTS}
    assert again.counts["actors"]["created"] == again.counts["actors"]["updated"] == 0
    assert history_counts() == before
    assert sorted(Participation.objects.values_list("updated_at", flat=True)) == stamps


@pytest.mark.django_db
def test_a_newer_file_updates_many_records_in_place_with_one_history_row_each():
    projects, organisations = sample()
    import_rows(projects, organisations)
    before = history_counts()
    changed_rows = organisations[::3]  # more than a chunk
    for row in changed_rows:
        row["ecContribution"] = "1000.10"
    for project in projects[:9]:
        project["status"] = "TERMINATED"
    run = import_rows(projects, organisations)
    assert run.status == ImportRun.Status.APPLIED
    assert run.counts["participations"]["updated"] == len(changed_rows)
    assert run.counts["projects"]["updated"] == 9
    assert history_counts() == (before[0] + 9, before[1], before[2] + len(changed_rows))
    updated = Participation.history.filter(history_type="~")
    assert updated.count() == len(changed_rows)
    assert {row.ec_contribution for row in updated} == {Decimal("1000.10")}
    assert Participation.objects.filter(ec_contribution=Decimal("1000.10")).count() == len(changed_rows)
    # the time stamp moves, so that the matching index sees the change
    changed = Project.objects.get(external_id=projects[0]["id"])
    untouched = Project.objects.get(external_id=projects[-1]["id"])
    assert changed.status == "TERMINATED" and changed.updated_at > untouched.updated_at


@pytest.mark.django_db
def test_one_bad_row_among_many_refuses_the_whole_import():
    projects, organisations = sample()
    organisations[-1]["ecContribution"] = "12,345.00"
    organisations[-2]["id"] = "ABC"
    run = import_rows(projects, organisations)
    assert run.status == ImportRun.Status.REJECTED
    rows = len(organisations) + 1
    assert {(p["row"], p["column"], p["code"]) for p in run.problems} == {
        (rows, "ecContribution", "bad_number"), (rows - 1, "id", "bad_pic")}
    assert Project.objects.count() == Actor.objects.count() == Participation.objects.count() == 0
    assert history_counts() == (0, 0, 0)


# --- the fast path of the mojibake repair -------------------------------------------------------------

def test_ftfy_mojibake_classes_hold_no_ascii_character():
    """The assumption of ``readers.may_hold_mojibake``: only a stretch near non-ASCII text can match."""
    for name, characters in MOJIBAKE_CATEGORIES.items():
        character_class = re.compile(f"[{characters}]")
        assert not [chr(code) for code in range(128) if character_class.match(chr(code))], name


MOJIBAKE = [
    "the projectâ€™s aim", "Ã‰cole polytechnique", "UniversitÃ© de LiÃ¨ge", "CÃ´te dâ€™Azur and more text " * 20,
    "вЂ™ in a Cyrillic reading", "plain ASCII", "Sécurité des réseaux et de l'information",
    "Zürich Straße", "Ελληνικά κείμενα", "a long text " * 200 + "â€œquotedâ€\x9d" + " and more" * 200,
]


def real_texts() -> list[str]:
    texts = []
    for path in sorted(DATA.glob("*/*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            texts += [cell for row in csv.reader(handle, delimiter=";") for cell in row if not cell.isascii()]
    for path in sorted(DATA.glob("calls/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            texts += [value for value in json.loads(line).values() if isinstance(value, str) and not value.isascii()]
    return texts


def test_the_fast_path_gives_exactly_what_ftfy_gives():
    texts = [*MOJIBAKE, *real_texts()]
    assert len(texts) > 800
    for text in texts:
        assert clean_text(text) == ftfy.fix_encoding(text.strip()), text[:80]
    assert may_hold_mojibake("the projectâ€™s aim") and not may_hold_mojibake("Zürich Straße")
    assert clean_text("the projectâ€™s aim") == "the project’s aim"


# --- an organisation's repeated rows are read once, but each row still counts ------------------------

def test_a_problem_and_a_note_of_an_organisation_count_on_every_row_that_has_them():
    from visd.imports.cordis import validate_cordis

    projects, organisations = sample()
    pic = next(row["id"] for row in organisations
               if sum(r["id"] == row["id"] for r in organisations) >= 3)
    rows = [row for row in organisations if row["id"] == pic]
    for row in rows:
        row.update(country="ZZ", organizationUrl="not a url")
    batch = validate_cordis(InputFile("projects.csv", to_csv(projects)),
                            InputFile("organizations.csv", to_csv(organisations)))
    row_numbers = {index for index, row in enumerate(organisations, start=2) if row["id"] == pic}
    assert {(p.row, p.column, p.code) for p in batch.problems} == {
        (number, "country", "unknown_country") for number in row_numbers}
    for row in rows:
        row.update(country="BE", organizationUrl="")
    without = validate_cordis(InputFile("projects.csv", to_csv(projects)),
                              InputFile("organizations.csv", to_csv(organisations)))
    for row in rows:
        row["organizationUrl"] = "not a url"
    batch = validate_cordis(InputFile("projects.csv", to_csv(projects)),
                            InputFile("organizations.csv", to_csv(organisations)))
    assert without.problems == batch.problems == []
    assert batch.notes["invalid_websites_dropped"] == without.notes["invalid_websites_dropped"] + len(rows)
