"""The Horizon Europe layout of the CORDIS exports imports through the same importer as the older
layout of data/public: the real H2020 rows are rewritten with the Horizon Europe column names and
order (project.csv and organization.csv of cordis-HORIZONprojects-csv.zip) and must give the same
records; its problems name the columns as that file names them. Also the bulk write paths at a
size above one database batch: a newer file updates many records in place with one history row
each, a no-op re-import writes no history, and a bad row refuses the whole import."""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from visd.actors.models import Actor
from visd.imports import actions
from visd.imports.cordis import validate_cordis
from visd.imports.models import ImportRun
from visd.imports.readers import InputFile
from visd.projects.models import Participation, Project

PUBLIC = Path(__file__).resolve().parents[1] / "data" / "public" / "cordis_security"
PROJECTS = PUBLIC / "h2020_secure_societies_projects.csv"
ORGANISATIONS = PUBLIC / "h2020_secure_societies_organizations.csv"

# The Horizon Europe exports' columns, in their order.
HORIZON_PROJECT_COLUMNS = [
    "id", "acronym", "status", "title", "startDate", "endDate", "totalCost", "ecMaxContribution",
    "legalBasis", "topics", "ecSignatureDate", "frameworkProgramme", "masterCall", "subCall",
    "fundingScheme", "nature", "objective", "contentUpdateDate", "rcn", "grantDoi",
]
HORIZON_ORGANISATION_COLUMNS = [
    "projectID", "projectAcronym", "organisationID", "vatNumber", "name", "shortName", "SME",
    "activityType", "street", "postCode", "city", "country", "nutsCode", "geolocation",
    "organizationURL", "contactForm", "contentUpdateDate", "rcn", "order", "role", "ecContribution",
    "netEcContribution", "totalCost", "endOfParticipation", "active",
]


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def sample(number_of_projects: int) -> tuple[list[dict], list[dict]]:
    projects = read_rows(PROJECTS)[:number_of_projects]
    ids = {project["id"] for project in projects}
    return projects, [row for row in read_rows(ORGANISATIONS) if row["projectID"] in ids]


def as_horizon_europe(projects: list[dict], organisations: list[dict]) -> tuple[list[dict], list[dict]]:
    """The same rows as the Horizon Europe exports write them (every value quoted, as they are)."""
    horizon_projects = [{**row, "legalBasis": row["programme"], "masterCall": row["call"].rsplit("-", 1)[0],
                         "subCall": row["call"], "ecSignatureDate": row["startDate"], "nature": "",
                         "contentUpdateDate": "2025-03-04 10:20:30", "grantDoi": ""} for row in projects]
    horizon_organisations = [{**row, "organisationID": row["id"], "organizationURL": row["organizationUrl"],
                              "SME": "false", "nutsCode": "", "geolocation": "", "contactForm": "",
                              "contentUpdateDate": "2025-03-04 10:20:30", "rcn": "", "order": "1",
                              "netEcContribution": row["ecContribution"], "totalCost": "", "active": "true"}
                             for row in organisations]
    return horizon_projects, horizon_organisations


def to_csv(records: list[dict], fieldnames: list[str], quoting=csv.QUOTE_ALL) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fieldnames, delimiter=";", extrasaction="ignore",
                            lineterminator="\n", quoting=quoting)
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue().encode("utf-8")


def horizon_files(projects, organisations):
    horizon_projects, horizon_organisations = as_horizon_europe(projects, organisations)
    return (InputFile("project.csv", to_csv(horizon_projects, HORIZON_PROJECT_COLUMNS)),
            InputFile("organization.csv", to_csv(horizon_organisations, HORIZON_ORGANISATION_COLUMNS)))


def test_the_horizon_europe_layout_gives_the_same_batch_as_the_older_one():
    projects, organisations = sample(6)
    older = validate_cordis(InputFile("projects.csv", to_csv(projects, list(projects[0]), csv.QUOTE_MINIMAL)),
                            InputFile("organizations.csv",
                                      to_csv(organisations, list(organisations[0]), csv.QUOTE_MINIMAL)))
    horizon = validate_cordis(*horizon_files(projects, organisations))
    assert older.problems == horizon.problems == []
    assert [p.fields["call"] for p in horizon.projects] == [row["call"] for row in projects]  # from subCall
    assert [p.fields["programme"] for p in horizon.projects] == [row["programme"] for row in projects]  # legalBasis
    # Every field the older layout gives, the Horizon Europe one gives the same, except the website of
    # the project (Horizon Europe puts it in another file, webLink.csv): that field is left untouched.
    for old, new in zip(older.projects, horizon.projects, strict=True):
        assert {k: v for k, v in old.fields.items() if k != "url"} == new.fields
    assert [(p.project_id, p.pic, p.role, p.ec_contribution) for p in older.participations] == \
        [(p.project_id, p.pic, p.role, p.ec_contribution) for p in horizon.participations]
    assert older.organisations == horizon.organisations  # PIC from organisationID, website from organizationURL


def test_problems_name_the_columns_as_the_horizon_europe_file_does():
    projects, organisations = sample(2)
    horizon_projects, horizon_organisations = as_horizon_europe(projects, organisations)
    horizon_organisations[0]["organisationID"] = "12345"
    horizon_organisations[1]["role"] = "boss"
    batch = validate_cordis(InputFile("project.csv", to_csv(horizon_projects, HORIZON_PROJECT_COLUMNS)),
                            InputFile("organization.csv", to_csv(horizon_organisations, HORIZON_ORGANISATION_COLUMNS)))
    assert {(p.file, p.row, p.column, p.code) for p in batch.problems} == {
        ("organization.csv", 2, "organisationID", "bad_pic"), ("organization.csv", 3, "role", "unknown_code")}


def test_a_file_without_any_name_of_a_required_column_names_them_all():
    projects, organisations = sample(1)
    _horizon_projects, horizon_organisations = as_horizon_europe(projects, organisations)
    columns = [name for name in HORIZON_ORGANISATION_COLUMNS if name != "organisationID"]
    batch = validate_cordis(None, InputFile("organization.csv", to_csv(horizon_organisations, columns)),
                            known_project_ids={projects[0]["id"]})
    [problem] = batch.problems
    assert (problem.row, problem.column, problem.code) == (1, "id", "missing_column")
    assert "'id' or 'organisationID'" in problem.message


@pytest.mark.django_db
def test_a_horizon_europe_export_is_imported_and_reimported_without_change():
    projects, organisations = sample(4)
    run = actions.import_cordis(*horizon_files(projects, organisations), source_label="CORDIS HORIZON")
    assert run.status == ImportRun.Status.APPLIED, run.problems
    assert run.counts["participations"]["created"] == len(organisations)
    row = next(r for r in organisations if r["organizationUrl"] and r["ecContribution"])
    actor = Actor.objects.get(pic=row["id"])
    assert actor.website.endswith(row["organizationUrl"].removeprefix("http://").removeprefix("https://"))
    assert Participation.objects.get(actor=actor, project__external_id=row["projectID"]).ec_contribution == \
        Decimal(row["ecContribution"])
    assert Project.objects.get(external_id=projects[0]["id"]).call == projects[0]["call"]

    history = (Project.history.count(), Actor.history.count(), Participation.history.count())
    again = actions.import_cordis(*horizon_files(projects, organisations), source_label="CORDIS HORIZON")
    assert again.status == ImportRun.Status.APPLIED
    assert all(again.counts[kind]["created"] == again.counts[kind]["updated"] == 0
               for kind in ("projects", "actors", "participations"))
    assert (Project.history.count(), Actor.history.count(), Participation.history.count()) == history
