"""Bad CORDIS input is refused: every problem is reported with file, row and column, nothing is
written, and the refusal is kept as a rejected ImportRun. Broken copies of the real files are
written to tmp_path; the parse and validate functions are also tested on their own, without a
database."""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from visd.actors.models import Actor, ActorKind
from visd.imports import actions
from visd.imports.cordis import usable_vat, validate_cordis
from visd.imports.models import ImportRun
from visd.imports.readers import InputFile
from visd.projects.models import Participation, Project

PUBLIC = Path(__file__).resolve().parents[1] / "data" / "public" / "cordis_security"
PROJECTS = PUBLIC / "h2020_secure_societies_projects.csv"
ORGANISATIONS = PUBLIC / "h2020_secure_societies_organizations.csv"
SAMPLE_PROJECTS = 5


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def sample() -> tuple[list[dict], list[dict]]:
    """The first few real projects and all their participations."""
    projects = read_rows(PROJECTS)[:SAMPLE_PROJECTS]
    ids = {project["id"] for project in projects}
    return projects, [row for row in read_rows(ORGANISATIONS) if row["projectID"] in ids]


def to_csv(records: list[dict], delimiter: str = ";", fieldnames=None) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fieldnames or list(records[0]), delimiter=delimiter,
                            extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue().encode("utf-8")


def files(projects: bytes | None, organisations: bytes | None):
    return (None if projects is None else InputFile("projects.csv", projects),
            None if organisations is None else InputFile("organisations.csv", organisations))


def problems_of(batch) -> set[tuple]:
    return {(p.file, p.row, p.column, p.code) for p in batch.problems}


def test_the_sample_is_valid():
    projects, organisations = sample()
    batch = validate_cordis(*files(to_csv(projects), to_csv(organisations)))
    assert batch.problems == []
    assert len(batch.projects) == SAMPLE_PROJECTS
    assert len(batch.participations) == len(organisations)


def test_missing_required_column():
    projects, organisations = sample()
    fields = [name for name in projects[0] if name != "totalCost"]
    batch = validate_cordis(*files(to_csv(projects, fieldnames=fields), to_csv(organisations)))
    assert ("projects.csv", 1, "totalCost", "missing_column") in problems_of(batch)


def test_bad_values_are_reported_by_row_and_column():
    projects, organisations = sample()
    projects[1]["totalCost"] = "1.234.567"
    projects[2]["startDate"] = "2017-13-01"
    organisations[0]["country"] = "XX"
    organisations[1]["ecContribution"] = "abc"
    organisations[2]["id"] = "12345"
    organisations[3]["activityType"] = "XYZ"
    with translation.override("en"):
        batch = validate_cordis(*files(to_csv(projects), to_csv(organisations)))
    assert problems_of(batch) == {
        ("projects.csv", 3, "totalCost", "bad_number"),
        ("projects.csv", 4, "startDate", "bad_date"),
        ("organisations.csv", 2, "country", "unknown_country"),
        ("organisations.csv", 3, "ecContribution", "bad_number"),
        ("organisations.csv", 4, "id", "bad_pic"),
        ("organisations.csv", 5, "activityType", "unknown_code"),
    }
    with translation.override("en"):
        messages = [str(problem) for problem in batch.problems]
    assert any("row 3" in message and "totalCost" in message and "1.234.567" in message for message in messages)


def test_eu_country_codes_are_accepted():
    projects, organisations = sample()
    for row, code in zip(organisations, ["EL", "UK", "XK", "BE"], strict=False):
        row["country"] = code
    assert validate_cordis(*files(to_csv(projects), to_csv(organisations))).problems == []


def test_duplicate_ids():
    projects, organisations = sample()
    projects.append(dict(projects[0]))
    changed_repeat = {**organisations[0], "ecContribution": "1"}
    organisations.append(changed_repeat)
    batch = validate_cordis(*files(to_csv(projects), to_csv(organisations)))
    assert problems_of(batch) == {
        ("projects.csv", SAMPLE_PROJECTS + 2, "id", "duplicate_id"),
        ("organisations.csv", len(organisations) + 1, "id", "duplicate_participation"),
    }


def test_a_row_repeated_word_for_word_is_read_once():
    projects, organisations = sample()
    organisations.append(dict(organisations[0]))
    batch = validate_cordis(*files(to_csv(projects), to_csv(organisations)))
    assert batch.problems == []
    assert batch.notes["repeated_rows_ignored"] == 1
    assert len(batch.participations) == len(organisations) - 1


def test_participation_of_an_unknown_project():
    _projects, organisations = sample()
    batch = validate_cordis(None, InputFile("organisations.csv", to_csv(organisations)), known_project_ids=set())
    assert {p.code for p in batch.problems} == {"unknown_project"}
    assert len(batch.problems) == len(organisations)
    known = {row["projectID"] for row in organisations}
    assert validate_cordis(None, InputFile("organisations.csv", to_csv(organisations)), known).problems == []


def test_invalid_utf8_is_a_problem_of_the_file_not_a_crash():
    projects, organisations = sample()
    broken = to_csv(projects).replace(b"IN-PREP", b"IN-PR\xe9P", 1)
    with translation.override("en"):
        batch = validate_cordis(*files(broken, to_csv(organisations)))
    (problem,) = [p for p in batch.problems if p.file == "projects.csv"]
    assert problem.code == "encoding"
    assert "0xE9" in problem.message and "line 2" in problem.message


def test_ragged_row_and_empty_file():
    projects, organisations = sample()
    ragged = to_csv(projects) + b"999;too;few\n"
    batch = validate_cordis(InputFile("projects.csv", ragged), InputFile("organisations.csv", b""))
    assert ("projects.csv", SAMPLE_PROJECTS + 2, None, "field_count") in problems_of(batch)
    assert ("organisations.csv", None, None, "empty_file") in problems_of(batch)


def test_comma_separator_bom_and_mojibake_are_handled():
    projects, organisations = sample()
    projects[0]["title"] = "Europe\u00e2\u20ac\u2122s crisis response"  # 'Europe’s' read as Windows-1252
    organisations[0]["name"] = "\u00c3\u2030COLE ROYALE MILITAIRE"  # 'ÉCOLE'
    content = b"\xef\xbb\xbf" + to_csv(projects, delimiter=",")
    batch = validate_cordis(InputFile("projects.csv", content), InputFile("organisations.csv", to_csv(organisations)))
    assert batch.problems == []
    assert batch.projects[0].fields["title"] == "Europe\u2019s crisis response"
    assert batch.participations[0].name_in_source == "ÉCOLE ROYALE MILITAIRE"


def test_values_are_cleaned_rather_than_refused():
    projects, organisations = sample()
    row = organisations[0]
    row.update(organizationUrl="www.example.be", vatNumber="MISSING", activityType="HES",
               name="HOGESCHOOL GENT")
    organisations[1].update(organizationUrl="not a url", vatNumber="be 0417.497.106")
    batch = validate_cordis(*files(to_csv(projects), to_csv(organisations)))
    assert batch.problems == []
    first = batch.organisations[row["id"]]
    assert first.website == "https://www.example.be"
    assert first.vat == ""
    assert first.kind == ActorKind.UNIVERSITY_COLLEGE
    second = batch.organisations[organisations[1]["id"]]
    assert second.vat == "BE0417497106"
    assert second.website == ""
    assert batch.notes["invalid_vat_numbers_ignored"] >= 1
    assert batch.notes["invalid_websites_dropped"] >= 1


@pytest.mark.parametrize("value, expected", [
    ("BE0417497106", "BE0417497106"),
    ("BE 0417.497.106", "BE0417497106"),
    ("BE417497106", "BE0417497106"),  # old form without the leading 0
    ("BE0417497107", ""),  # check digits wrong
    ("BE11111", ""),
    ("MISSING", ""),
    ("VATEXEMPTION", ""),
    ("NL123456789B01", "NL123456789B01"),
    ("CHE-123.456.789 MWST", "CHE123456789MWST"),
    ("", ""),
])
def test_usable_vat(value, expected):
    assert usable_vat(value) == expected


@pytest.mark.django_db
def test_a_refused_import_writes_nothing_and_keeps_every_problem():
    projects, organisations = sample()
    projects[1]["ecMaxContribution"] = "lots"
    organisations[0]["country"] = "ZZ"
    run = actions.import_cordis(*files(to_csv(projects), to_csv(organisations)))
    assert run.status == ImportRun.Status.REJECTED
    assert {(p["file"], p["row"], p["column"]) for p in run.problems} == {
        ("projects.csv", 3, "ecMaxContribution"), ("organisations.csv", 2, "country")}
    assert Project.objects.count() == Actor.objects.count() == Participation.objects.count() == 0
    assert Project.history.count() == Actor.history.count() == 0
    assert ImportRun.objects.get() == run


@pytest.mark.django_db
def test_a_valid_sample_is_applied():
    projects, organisations = sample()
    run = actions.import_cordis(*files(to_csv(projects), to_csv(organisations)), source_label="sample")
    assert run.status == ImportRun.Status.APPLIED
    assert run.counts["projects"]["created"] == SAMPLE_PROJECTS
    assert run.counts["participations"]["created"] == len(organisations)
    assert run.counts["actors"]["created"] == len({row["id"] for row in organisations})
    contribution = organisations[0]["ecContribution"]
    assert Participation.objects.filter(ec_contribution=Decimal(contribution)).exists()


@pytest.mark.parametrize("value, expected", [
    ('"ACADEMIA TEHNICA MILITARA ""FERDINAND I"""', 'ACADEMIA TEHNICA MILITARA "FERDINAND I"'),
    ('"NCSR ""D"""', 'NCSR "D"'),
    ('"INCAS ""ELIE CARAFOLI""- BUCURESTI"', 'INCAS "ELIE CARAFOLI"- BUCURESTI'),
    ('ACADEMIA TEHNICA MILITARA "FERDINAND I"', 'ACADEMIA TEHNICA MILITARA "FERDINAND I"'),  # repaired: kept
    ('"Surveillance: Ethical Issues"', '"Surveillance: Ethical Issues"'),  # quoted once, nothing doubled
    ('"A "" B " C"', '"A "" B " C"'),  # a lone quote inside: not an escaped value
    ('The ""X"" project', 'The ""X"" project'),  # not enclosed in quotes
    ('""', '""'),
    ("", ""),
])
def test_unescape_double_quoted(value, expected):
    from visd.imports.readers import unescape_double_quoted

    assert unescape_double_quoted(value) == expected


@pytest.mark.django_db
def test_values_quoted_twice_in_the_source_are_unescaped_once_and_reimport_is_idempotent(tmp_path):
    # the real row of line 737 of the H2020 organisations file, with its project
    organisations = [row for row in read_rows(ORGANISATIONS) if row["name"].startswith('"ACADEMIA TEHNICA')]
    assert organisations and organisations[0]["name"] == '"ACADEMIA TEHNICA MILITARA ""FERDINAND I"""'
    project_ids = {row["projectID"] for row in organisations}
    projects = [row for row in read_rows(PROJECTS) if row["id"] in project_ids]
    organisations = [row for row in read_rows(ORGANISATIONS) if row["projectID"] in project_ids]
    projects_file, organisations_file = tmp_path / "projects.csv", tmp_path / "organisations.csv"
    projects_file.write_bytes(to_csv(projects))
    organisations_file.write_bytes(to_csv(organisations))
    # the file on disk holds the value escaped twice, as the source does
    assert '"""ACADEMIA TEHNICA MILITARA """"FERDINAND I"""""""' in organisations_file.read_text(encoding="utf-8")

    run = actions.import_cordis(InputFile.from_path(projects_file), InputFile.from_path(organisations_file))
    assert run.status == ImportRun.Status.APPLIED
    pic = next(row["id"] for row in organisations if row["name"].startswith('"ACADEMIA TEHNICA'))
    actor = Actor.objects.get(pic=pic)
    assert actor.name == 'ACADEMIA TEHNICA MILITARA "FERDINAND I"'
    assert Participation.objects.get(actor=actor).name_in_source == actor.name
    assert not Actor.objects.filter(name__startswith='"').exists()

    history = (Actor.history.count(), Project.history.count(), Participation.history.count())
    again = actions.import_cordis(InputFile.from_path(projects_file), InputFile.from_path(organisations_file))
    assert again.status == ImportRun.Status.APPLIED
    for record_type, outcomes in again.counts.items():
        if record_type != "notes":
            assert outcomes["created"] == outcomes["updated"] == 0, record_type
    assert (Actor.history.count(), Project.history.count(), Participation.history.count()) == history
    assert Actor.objects.get(pk=actor.pk).name == 'ACADEMIA TEHNICA MILITARA "FERDINAND I"'
