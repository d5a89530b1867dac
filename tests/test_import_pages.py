"""The administrators' upload page and the ``visd import`` command: who may use them, what they
show, and the command's exit status."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from visd.cli import main
from visd.core.models import Role
from visd.funding.models import Call
from visd.imports.models import ImportRun
from visd.projects.models import Participation, Project

PUBLIC = Path(__file__).resolve().parents[1] / "data" / "public"
EDF_PROJECTS = PUBLIC / "edf" / "edf_2021_2022_projects.csv"
EDF_ORGANISATIONS = PUBLIC / "edf" / "edf_2021_2022_organizations.csv"
TOPICS = PUBLIC / "calls" / "edf_2026_topics.jsonl"


def edf_sample(tmp_path: Path, projects: int = 3, break_country: bool = False) -> tuple[Path, Path]:
    """The first EDF projects and their consortia, optionally with an unknown country code."""
    with EDF_PROJECTS.open(encoding="utf-8", newline="") as handle:
        project_rows = list(csv.DictReader(handle, delimiter=";"))[:projects]
    ids = {row["id"] for row in project_rows}
    with EDF_ORGANISATIONS.open(encoding="utf-8", newline="") as handle:
        organisation_rows = [row for row in csv.DictReader(handle, delimiter=";") if row["projectID"] in ids]
    if break_country:
        organisation_rows[0]["country"] = "QQ"
    paths = []
    for name, records in (("projects.csv", project_rows), ("organisations.csv", organisation_rows)):
        path = tmp_path / name
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(records[0]), delimiter=";")
            writer.writeheader()
            writer.writerows(records)
        paths.append(path)
    return paths[0], paths[1]


def upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


@pytest.fixture
def admin_client(make_user):
    client = Client()
    client.force_login(make_user(Role.ADMINISTRATOR))
    return client


@pytest.mark.django_db
def test_an_administrator_imports_cordis_files(admin_client, tmp_path):
    projects, organisations = edf_sample(tmp_path)
    page = admin_client.get(reverse("imports:index"))
    assert page.status_code == 200
    assert b'enctype="multipart/form-data"' in page.content and b"csrfmiddlewaretoken" in page.content

    response = admin_client.post(reverse("imports:index"), {
        "kind": "cordis", "projects": upload(projects), "organisations": upload(organisations),
        "source_label": "EDF sample",
    })

    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:run", args=[run.pk])
    assert run.status == ImportRun.Status.APPLIED and run.started_by.username == "administrator-user"
    assert Project.objects.count() == 3
    assert Project.objects.filter(data_source="EDF sample").count() == 3
    assert Participation.objects.count() == run.counts["participations"]["created"] > 0
    # The history of the records names the administrator.
    assert {entry.history_user_id for entry in Project.history.all()} == {run.started_by_id}
    result = admin_client.get(response["Location"])
    assert result.status_code == 200
    assert str(run.counts["participations"]["created"]).encode() in result.content


@pytest.mark.django_db
def test_the_page_lists_every_problem_and_writes_nothing(admin_client, tmp_path):
    projects, organisations = edf_sample(tmp_path, break_country=True)
    response = admin_client.post(reverse("imports:index"), {
        "kind": "cordis", "projects": upload(projects), "organisations": upload(organisations)}, follow=True)
    assert response.status_code == 200
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.REJECTED
    assert [(p["file"], p["row"], p["column"]) for p in run.problems] == [("organisations.csv", 2, "country")]
    assert b"QQ" in response.content and b"organisations.csv" in response.content
    assert Project.objects.count() == 0


@pytest.mark.django_db
def test_an_administrator_imports_topics(admin_client):
    response = admin_client.post(reverse("imports:index"), {"kind": "topics", "topics": [upload(TOPICS)]})
    assert response.status_code == 302
    expected = sum(1 for line in TOPICS.read_text(encoding="utf-8").splitlines() if line.strip())
    assert Call.objects.count() == expected == ImportRun.objects.get().counts["calls"]["created"]


@pytest.mark.django_db
def test_a_form_without_files_is_refused_with_a_message(admin_client):
    response = admin_client.post(reverse("imports:index"), {"kind": "cordis"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert ImportRun.objects.count() == 0


@pytest.mark.django_db
def test_the_upload_needs_a_csrf_token(make_user, tmp_path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.ADMINISTRATOR))
    projects, organisations = edf_sample(tmp_path)
    response = client.post(reverse("imports:index"), {
        "kind": "cordis", "projects": upload(projects), "organisations": upload(organisations)})
    assert response.status_code == 403
    assert ImportRun.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.PROGRAMME_MANAGER, Role.ACTOR_USER, Role.NONE])
def test_other_roles_are_refused(make_user, role, tmp_path):
    client = Client()
    client.force_login(make_user(role))
    run = ImportRun.objects.create(kind="topics", status=ImportRun.Status.APPLIED)
    assert client.get(reverse("imports:index")).status_code == 403
    assert client.get(reverse("imports:run", args=[run.pk])).status_code == 403
    projects, organisations = edf_sample(tmp_path)
    response = client.post(reverse("imports:index"), {
        "kind": "cordis", "projects": upload(projects), "organisations": upload(organisations)})
    assert response.status_code == 403
    assert Project.objects.count() == 0


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_the_login_page(client):
    for url in (reverse("imports:index"), reverse("imports:run", args=[1])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert client.post(reverse("imports:index"), {"kind": "topics"}).status_code == 302
    assert ImportRun.objects.count() == 0


@pytest.mark.django_db
def test_the_command_imports_and_prints_counts(tmp_path):
    projects, organisations = edf_sample(tmp_path)
    output = io.StringIO()
    call_command("import", "cordis", "--projects", str(projects), "--organizations", str(organisations),
                 "--source-label", "EDF sample", stdout=output)
    assert Project.objects.filter(data_source="EDF sample").count() == 3
    assert "3" in output.getvalue()


# The console entry point closes the database connections when the command ends (as manage.py
# does); on PostgreSQL that ends the test's transaction, so this test commits for real.
@pytest.mark.django_db(transaction=True)
def test_the_command_refuses_bad_input_with_exit_status_1(tmp_path, capsys):
    projects, organisations = edf_sample(tmp_path, break_country=True)
    with pytest.raises(SystemExit) as exit_info:
        main(["visd", "import", "cordis", "--projects", str(projects), "--organizations", str(organisations)])
    assert exit_info.value.code == 1
    errors = capsys.readouterr().err
    assert "organisations.csv" in errors and "QQ" in errors
    assert Project.objects.count() == 0
    assert ImportRun.objects.get().status == ImportRun.Status.REJECTED

    bad_topics = tmp_path / "topics.jsonl"
    bad_topics.write_text(json.dumps({"topicId": "X-1"}) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import", "topics", str(bad_topics))
    assert error.value.returncode == 1
    assert Call.objects.count() == 0


@pytest.mark.django_db
def test_the_command_needs_existing_files(tmp_path):
    with pytest.raises(CommandError, match="missing.csv"):
        call_command("import", "cordis", "--projects", str(tmp_path / "missing.csv"))
    with pytest.raises(CommandError):
        call_command("import", "cordis")
