"""The real CORDIS and EDF files import with the right numbers, idempotently, and a newer file
updates in place. Expected figures are computed here from the CSV files with the csv module, not
copied from the importer.

The demo data is imported once for the whole module (``visd load-demo``, which runs the same import
actions as ``visd import`` and the upload page) and removed afterwards.
"""

import csv
import re
from collections import defaultdict
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from visd.actors.models import Actor, ActorKind
from visd.facilities.models import Infrastructure
from visd.funding.models import Call
from visd.imports import actions
from visd.imports.models import ImportRun
from visd.imports.readers import InputFile
from visd.projects.models import Participation, Project, ProjectSource

PUBLIC = Path(__file__).resolve().parents[1] / "data" / "public"
H2020 = ("cordis_security/h2020_secure_societies_projects.csv", "cordis_security/h2020_secure_societies_organizations.csv")
FP7 = ("cordis_security/fp7_security_projects.csv", "cordis_security/fp7_security_organizations.csv")
EDF = ("edf/edf_2021_2022_projects.csv", "edf/edf_2021_2022_organizations.csv")
EDF_2023 = ("edf/edf_2023_asap_edirpa_projects.csv", "edf/edf_2023_asap_edirpa_organizations.csv")
DATASETS = (H2020, FP7, EDF, EDF_2023)
EDF_2023_LABEL = "EU Funding & Tenders, EDF 2023, ASAP and EDIRPA results"


def rows(name: str) -> list[dict]:
    with (PUBLIC / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def all_organisation_rows() -> list[dict]:
    return [row for _projects, organisations in DATASETS for row in rows(organisations)]


def actor_with_pic(pic: str) -> Actor:
    return Actor.objects.get(pk=_actor_ids_by_pic()[pic])


def _actor_ids_by_pic() -> dict[str, int]:
    ids = {}
    for actor_id, pic, other_pics in Actor.objects.values_list("id", "pic", "other_pics"):
        for known in [pic, *other_pics]:
            ids[known] = actor_id
    return ids


def history_counts() -> dict[str, int]:
    return {model.__name__: model.history.count() for model in (Project, Actor, Participation, Call)}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The public demo data, imported once for this module."""
    with django_db_blocker.unblock():
        output = StringIO()
        call_command("load_demo", stdout=output)
        # load-demo also imports the facilities (MERIL, the VISD annex): their runs are not this module's
        runs = list(ImportRun.objects.filter(kind__in=("cordis", "topics")).order_by("pk"))
    yield {"runs": runs, "output": output.getvalue()}
    with django_db_blocker.unblock(), override_settings(SIMPLE_HISTORY_ENABLED=False):
        Infrastructure.objects.all().delete()  # its operator protects the actor
        Participation.objects.all().delete()
        Project.objects.all().delete()
        Actor.objects.all().delete()
        Call.objects.all().delete()
        ImportRun.objects.all().delete()
        for model in (Participation, Project, Actor, Call):
            model.history.all().delete()


@pytest.mark.django_db
def test_every_dataset_is_applied(demo):
    assert [run.status for run in demo["runs"]] == [ImportRun.Status.APPLIED] * 5
    assert [run.kind for run in demo["runs"]] == ["cordis", "cordis", "cordis", "cordis", "topics"]
    for label in ("CORDIS H2020 Secure societies (3.7)", "CORDIS FP7 Security",
                  "EU Funding & Tenders, EDF 2021-2022 results", EDF_2023_LABEL, "EU Funding & Tenders portal"):
        assert label in demo["output"]
    assert f" {demo['runs'][0].counts['projects']['created']} " in demo["output"]


@pytest.mark.django_db
def test_project_counts_match_the_files(demo):
    h2020, fp7, edf, edf_2023 = (len({row["id"] for row in rows(projects)}) for projects, _ in DATASETS)
    assert (h2020, fp7, edf, edf_2023) == (391, 321, 82, 88)  # the figures of data/public/README.md
    assert Project.objects.filter(source=ProjectSource.CORDIS).count() == h2020 + fp7 == 712
    assert Project.objects.filter(source=ProjectSource.EDF).count() == edf + edf_2023 == 170
    assert Project.objects.filter(data_source=EDF_2023_LABEL).count() == edf_2023
    assert Project.objects.filter(framework_programme="H2020").count() == h2020
    assert Project.objects.filter(framework_programme="FP7").count() == fp7
    created = [run.counts["projects"]["created"] for run in demo["runs"][:4]]
    assert created == [h2020, fp7, edf, edf_2023]


@pytest.mark.django_db
def test_project_fields_are_mapped(demo):
    source = rows(H2020[0])[0]
    project = Project.objects.get(external_id=source["id"])
    assert project.acronym == source["acronym"]
    assert project.title == source["title"]
    assert project.total_cost == Decimal(source["totalCost"])
    assert project.ec_max_contribution == Decimal(source["ecMaxContribution"])
    assert project.start_date.isoformat() == source["startDate"]
    assert project.end_date.isoformat() == source["endDate"]
    assert project.call == source["call"]
    assert project.data_source == "CORDIS H2020 Secure societies (3.7)"
    edf_source = next(row for row in rows(EDF[0]) if row["keywords"])
    edf_project = Project.objects.get(external_id=edf_source["id"])
    assert edf_project.source == ProjectSource.EDF
    assert edf_project.keywords == edf_source["keywords"]


@pytest.mark.django_db
def test_every_pic_becomes_an_actor(demo):
    pics = {row["id"] for row in all_organisation_rows()}
    assert set(_actor_ids_by_pic()) == pics
    # No actor without a PIC was created, and each PIC is stored once.
    stored = [pic for pic in Actor.objects.values_list("pic", flat=True)]
    stored += [pic for other in Actor.objects.values_list("other_pics", flat=True) for pic in other]
    assert len(stored) == len(set(stored)) == len(pics)


@pytest.mark.django_db
def test_pics_with_the_same_vat_number_are_one_actor(demo):
    pics_by_vat = defaultdict(set)
    for row in all_organisation_rows():
        vat = re.sub(r"[\s.\-]", "", row["vatNumber"]).upper()
        if re.search(r"\d", vat):
            pics_by_vat[vat].add(row["id"])
    shared = {vat: pics for vat, pics in pics_by_vat.items() if len(pics) > 1}
    assert shared, "the public data has organisations with several PICs"
    actor_of = _actor_ids_by_pic()
    for vat, pics in shared.items():
        assert len({actor_of[pic] for pic in pics}) == 1, vat
        actor = Actor.objects.get(pk=actor_of[next(iter(pics))])
        assert {actor.pic, *actor.other_pics} == pics


@pytest.mark.django_db
def test_the_edf_2023_results_create_only_the_organisations_not_seen_before(demo):
    # The EDF results carry no VAT number, so an organisation is known before exactly when its PIC is.
    earlier_pics = {row["id"] for _projects, organisations in DATASETS[:3] for row in rows(organisations)}
    pics = {row["id"] for row in rows(EDF_2023[1])}
    actors = demo["runs"][3].counts["actors"]
    assert actors["created"] == len(pics - earlier_pics)
    assert actors["updated"] + actors["unchanged"] == len(pics & earlier_pics)
    assert Actor.objects.filter(data_source=EDF_2023_LABEL).count() == len(pics - earlier_pics)


@pytest.mark.django_db
def test_belgian_organisations_and_participations(demo):
    h2020_rows = rows(H2020[1])
    belgian_rows = [row for row in h2020_rows if row["country"] == "BE"]
    belgian_pics = {row["id"] for row in belgian_rows}
    assert (len(belgian_rows), len(belgian_pics)) == (196, 87)  # data/public/README.md
    actor_of = _actor_ids_by_pic()
    assert all(Actor.objects.get(pk=actor_of[pic]).country == "BE" for pic in belgian_pics)
    h2020_belgian = Participation.objects.filter(project__framework_programme="H2020", actor__country="BE")
    assert h2020_belgian.count() == len(belgian_rows)
    edf_rows = rows(EDF[1])
    edf_belgian_projects = {row["projectID"] for row in edf_rows if row["country"] == "BE"}
    assert len(edf_belgian_projects) == 35  # data/public/README.md
    edf_2023_rows = rows(EDF_2023[1])
    edf_2023_belgian_projects = {row["projectID"] for row in edf_2023_rows if row["country"] == "BE"}
    assert len(edf_2023_belgian_projects) == 26  # data/public/README.md
    assert (
        Project.objects.filter(source=ProjectSource.EDF, participations__actor__country="BE").distinct().count()
        == len(edf_belgian_projects | edf_2023_belgian_projects)
    )
    edf_2023_belgian = Participation.objects.filter(project__data_source=EDF_2023_LABEL, actor__country="BE")
    assert edf_2023_belgian.count() == len([row for row in edf_2023_rows if row["country"] == "BE"])
    assert (set(edf_2023_belgian.values_list("project__external_id", flat=True).distinct())
            == edf_2023_belgian_projects)


@pytest.mark.django_db
def test_region_follows_the_postcode(demo):
    flemish = next(row for row in rows(H2020[1]) if row["country"] == "BE" and row["postCode"].startswith("9"))
    assert actor_with_pic(flemish["id"]).region == "flanders"
    brussels = next(row for row in rows(H2020[1]) if row["country"] == "BE" and row["postCode"].startswith("10"))
    assert actor_with_pic(brussels["id"]).region == "brussels"
    abroad = next(row for row in rows(H2020[1]) if row["country"] == "FR")
    assert actor_with_pic(abroad["id"]).region == "abroad"


@pytest.mark.django_db
def test_organisation_fields_are_mapped(demo):
    organisation_rows = all_organisation_rows()
    company = next(row for row in organisation_rows if row["activityType"] == "PRC" and row["country"] == "BE"
                   and row["vatNumber"].startswith("BE0"))
    actor = actor_with_pic(company["id"])
    assert actor.kind == ActorKind.COMPANY
    assert actor.vat == company["vatNumber"]
    assert actor.kbo == company["vatNumber"][2:]  # the enterprise number inside a Belgian VAT number
    for activity, kind in (("REC", ActorKind.RESEARCH_ORGANISATION), ("PUB", ActorKind.PUBLIC_BODY)):
        row = next(r for r in organisation_rows if r["activityType"] == activity)
        assert actor_with_pic(row["id"]).kind == kind
    hogeschool = next(row for row in organisation_rows if "HOGESCHOOL" in row["name"].upper())
    assert actor_with_pic(hogeschool["id"]).kind == ActorKind.UNIVERSITY_COLLEGE
    university = next(row for row in organisation_rows if row["name"] == "UNIVERSITY COLLEGE LONDON")
    assert actor_with_pic(university["id"]).kind == ActorKind.UNIVERSITY
    bare_website = next(row for row in organisation_rows if row["organizationUrl"].startswith("www."))
    assert actor_with_pic(bare_website["id"]).website.startswith("https://www.")
    junk_vat = next(row for row in organisation_rows if row["vatNumber"] == "MISSING")
    assert actor_with_pic(junk_vat["id"]).vat is None


@pytest.mark.django_db
def test_participations_match_the_rows(demo):
    row = next(r for r in rows(H2020[1]) if r["ecContribution"] and r["role"] == "coordinator")
    participation = Participation.objects.get(project__external_id=row["projectID"], actor=actor_with_pic(row["id"]))
    assert participation.role == "coordinator"
    assert participation.ec_contribution == Decimal(row["ecContribution"])
    assert participation.name_in_source == row["name"]
    # EDF repeats two third-party rows word for word: they are read once.
    edf_run = demo["runs"][2]
    assert edf_run.counts["notes"]["repeated_rows_ignored"] == 2
    edf_pairs = {(r["projectID"], r["id"]) for r in rows(EDF[1])}
    edf_2023_pairs = {(r["projectID"], r["id"]) for r in rows(EDF_2023[1])}
    assert Participation.objects.filter(project__source=ProjectSource.EDF).count() == len(edf_pairs | edf_2023_pairs)
    # The 2023, ASAP and EDIRPA file has no repeated row: every row is one participation.
    edf_2023_run = demo["runs"][3]
    assert edf_2023_run.counts["participations"]["created"] == len(rows(EDF_2023[1])) == len(edf_2023_pairs)
    assert edf_2023_run.counts["notes"] == {}


@pytest.mark.django_db
def test_importing_again_changes_nothing(demo):
    before = history_counts()
    counts_before = (Project.objects.count(), Actor.objects.count(), Participation.objects.count(), Call.objects.count())
    output = StringIO()
    call_command("load_demo", stdout=output)
    runs = ImportRun.objects.filter(kind__in=("cordis", "topics")).order_by("-pk")[:5]
    for run in runs:
        for record_type, outcomes in run.counts.items():
            if record_type != "notes":
                assert outcomes["created"] == outcomes["updated"] == 0, (run.files, record_type)
    assert history_counts() == before
    assert (Project.objects.count(), Actor.objects.count(), Participation.objects.count(),
            Call.objects.count()) == counts_before


@pytest.mark.django_db
def test_a_newer_file_updates_in_place(demo, tmp_path):
    project_rows, organisation_rows = rows(H2020[0]), rows(H2020[1])
    changed_project = project_rows[0]
    changed_project["status"] = "CLOSED" if changed_project["status"] != "CLOSED" else "SIGNED"
    participation_row = next(r for r in organisation_rows if r["projectID"] == changed_project["id"])
    participation_row["ecContribution"] = "12345.67"
    projects_file = write_rows(tmp_path / "projects.csv", project_rows)
    organisations_file = write_rows(tmp_path / "organisations.csv", organisation_rows)
    before = history_counts()

    run = actions.import_cordis(InputFile.from_path(projects_file), InputFile.from_path(organisations_file),
                                source_label="CORDIS H2020 Secure societies (3.7)")

    assert run.status == ImportRun.Status.APPLIED
    assert run.counts["projects"] == {"created": 0, "updated": 1, "unchanged": len(project_rows) - 1}
    assert run.counts["participations"]["updated"] == 1
    assert run.counts["participations"]["created"] == 0
    assert run.counts["actors"]["created"] == run.counts["actors"]["updated"] == 0
    assert Project.objects.get(external_id=changed_project["id"]).status == changed_project["status"]
    participation = Participation.objects.get(project__external_id=changed_project["id"],
                                              actor=actor_with_pic(participation_row["id"]))
    assert participation.ec_contribution == Decimal("12345.67")
    after = history_counts()
    assert after["Project"] == before["Project"] + 1
    assert after["Participation"] == before["Participation"] + 1
    assert after["Actor"] == before["Actor"]


@pytest.mark.django_db
def test_an_existing_actor_is_completed_not_overwritten(demo, tmp_path):
    row = next(r for r in rows(H2020[1]) if r["country"] == "BE" and r["organizationUrl"] and r["street"])
    actor = actor_with_pic(row["id"])
    actor.name = "Curated name"
    actor.website = ""
    actor.save()
    organisations_file = write_rows(tmp_path / "organisations.csv", [row])

    run = actions.import_cordis(None, InputFile.from_path(organisations_file))

    assert run.status == ImportRun.Status.APPLIED
    assert run.counts["actors"] == {"created": 0, "updated": 1, "unchanged": 0}
    actor.refresh_from_db()
    assert actor.name == "Curated name"
    assert actor.website  # filled from the file


@pytest.mark.django_db
def test_a_new_pic_of_a_known_enterprise_number_joins_that_actor(demo, tmp_path):
    row = next(r for r in rows(H2020[1]) if r["country"] == "BE" and r["vatNumber"].startswith("BE0"))
    actor = actor_with_pic(row["id"])
    actor.vat = None  # known only by its enterprise number, as reference data may have it
    actor.save()
    assert actor.kbo == row["vatNumber"][2:]
    new_row = {**row, "id": "123456789", "vatNumber": "BE " + row["vatNumber"][2:6] + "." + row["vatNumber"][6:]}

    run = actions.import_cordis(None, InputFile.from_path(write_rows(tmp_path / "organisations.csv", [new_row])))

    assert run.status == ImportRun.Status.APPLIED, run.problems
    assert run.counts["actors"]["created"] == 0
    actor.refresh_from_db()
    assert "123456789" in actor.other_pics


def write_rows(path: Path, records: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(records)
    return path
