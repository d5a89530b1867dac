"""The test-facility finder: CSV import (all or nothing, idempotent, clear errors), the upload page for
management only, search by domain and phase, and the API fields."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from visd.actors.models import Actor
from visd.facilities.importer import EXAMPLE_FILE, FacilityImportError, import_facilities
from visd.facilities.models import Infrastructure
from visd.imports.models import ImportRun
from visd.taxonomy.models import Concept, Scheme

HEADER = "name,operator,operator_kind,domains,phases,training_required,contact_email,source\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def domains(db):
    for order, code in enumerate(("luchtvaart-uav", "counter-uav", "energie", "maritiem")):
        Concept.objects.create(scheme=Scheme.FOCUS_DOMAIN, code=code, label_nl=code, label_en=code, order=order,
                               source="test")


def test_example_file_imports_and_a_second_run_changes_nothing(domains):
    report = import_facilities(EXAMPLE_FILE.read_text(encoding="utf-8"), file_name="example.csv")
    assert report.counts == {"created": 2, "updated": 0, "unchanged": 0, "operators created": 1,
                             "kept, validated by its provider": 0}
    drone_port = Infrastructure.objects.get(name="DronePort")
    assert drone_port.operator.name == "LRM (Limburgse Reconversiemaatschappij)"
    assert drone_port.phases == ["test", "evaluate"]
    assert {d.code for d in drone_port.domains.all()} == {"luchtvaart-uav", "counter-uav"}
    assert drone_port.market_terms and drone_port.provider_decides and not drone_port.training_required
    assert "annex 2 lines 1929-1942" in drone_port.data_source  # shown as "VISD strategy, annex 2" (visd.sources)
    assert drone_port.operator_match == "inventory" and not drone_port.is_validated
    history = Infrastructure.history.count()
    again = import_facilities(EXAMPLE_FILE.read_text(encoding="utf-8"))
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 2, "operators created": 0,
                            "kept, validated by its provider": 0}
    assert Infrastructure.history.count() == history
    assert ImportRun.objects.filter(kind="facilities", status="applied").count() == 2


def test_a_changed_row_updates_only_that_facility(domains):
    text = EXAMPLE_FILE.read_text(encoding="utf-8")
    import_facilities(text)
    report = import_facilities(text.replace("Genk,,energie,test,yes,,", "Genk,,energie,test;validate,yes,yes,"))
    assert report.counts["updated"] == 1 and report.counts["unchanged"] == 1
    thor = Infrastructure.objects.get(name="Thor Park")
    assert thor.phases == ["test", "validate"] and thor.training_required


def test_bad_rows_are_refused_with_row_and_column_and_nothing_is_written(domains):
    text = HEADER + (
        "Wind tunnel,Known Lab,research,luchtvaart-uav,test,yes,info@lab.example,VISD 4.4\n"
        ",Other Lab,research,space-lasers,inspect,maybe,not-an-address,\n"
        "Wind tunnel,Known Lab,research,,test,,,VISD 4.4\n"
        "Sea basin,Unknown Operator,,maritiem,verify,,,VISD 4.4\n"
    )
    with pytest.raises(FacilityImportError) as error:
        import_facilities(text, file_name="bad.csv")
    problems = [str(p) for p in error.value.problems]
    assert "row 3, name: is empty" in problems
    assert "row 3, source: is empty" in problems
    assert any(p.startswith("row 3, domains: 'space-lasers' is not one of") for p in problems)
    assert any(p.startswith("row 3, phases: 'inspect' is not one of") for p in problems)
    assert "row 3, training_required: 'maybe' must be yes or no" in problems
    assert "row 3, contact_email: 'not-an-address' is not a valid address" in problems
    assert "row 4, name: the same facility of the same operator is on row 2" in problems
    assert not Infrastructure.objects.exists() and not Actor.objects.exists()
    run = ImportRun.objects.get(kind="facilities")
    assert run.status == "rejected" and len(run.problems) == len(problems)


def test_operator_not_in_registry_needs_a_kind_and_ambiguous_names_need_a_kbo(domains):
    with pytest.raises(FacilityImportError) as error:
        import_facilities(HEADER + "Sea basin,Unknown Operator,,maritiem,verify,,,VISD 4.4\n")
    assert "operator_kind" in str(error.value)
    Actor.objects.create(name="Twin Lab", kind="research")
    Actor.objects.create(name="twin lab", kind="company")
    with pytest.raises(FacilityImportError) as error:
        import_facilities(HEADER + "Sea basin,Twin Lab,,maritiem,verify,,,VISD 4.4\n")
    assert "give operator_kbo" in str(error.value)


def test_header_and_encoding_problems(domains):
    with pytest.raises(FacilityImportError) as error:
        import_facilities("naam,operator\nx,y\n")
    assert "required column missing" in str(error.value) and "unknown column" in str(error.value)
    semicolons = "name;operator;operator_kind;phases;source\nLab;New Op;research;test;VISD 4.4\n"
    assert import_facilities(semicolons).counts["created"] == 1


def test_command_imports_and_reports_problems(domains, tmp_path):
    out = io.StringIO()
    call_command("import_facilities", str(EXAMPLE_FILE), stdout=out)
    assert "created: 2" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + ",Lab,research,,test,,,\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_facilities", str(bad), stderr=err)
    assert "row 2, name: is empty" in err.getvalue()
    bad.write_bytes("name,operator\n\xe9".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_facilities", str(bad))


def test_upload_page_is_for_management_only(client, make_user, domains):
    assert client.get("/facilities/import/").status_code == 403
    for role in ("actor_user", "programme_manager"):
        client.force_login(make_user(role))
        assert client.get("/facilities/import/").status_code == 403
        assert client.post("/facilities/import/", {}).status_code == 403
    client.force_login(make_user("coordinator"))
    page = client.get("/facilities/import/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "DronePort" in page  # the example file is shown
    upload = SimpleUploadedFile("bad.csv", (HEADER + ",Lab,research,,test,,,\n").encode(), content_type="text/csv")
    page = client.post("/facilities/import/", {"file": upload}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "row 2, name: is empty" in page and not Infrastructure.objects.exists()
    upload = SimpleUploadedFile("inventory.csv", EXAMPLE_FILE.read_bytes(), content_type="text/csv")
    response = client.post("/facilities/import/", {"file": upload})
    assert response.status_code == 302 and Infrastructure.objects.count() == 2
    assert ImportRun.objects.filter(kind="facilities", status="applied").get().started_by.username == "coordinator-user"


def test_finder_searches_by_domain_and_phase(client, domains):
    import_facilities(EXAMPLE_FILE.read_text(encoding="utf-8"))
    page = client.get("/facilities/?domain=luchtvaart-uav").content.decode()
    assert "DronePort" in page and "Thor Park" not in page
    page = client.get("/facilities/?phase=evaluate").content.decode()
    assert "DronePort" in page and "Thor Park" not in page
    page = client.get("/facilities/?phase=certify").content.decode()
    assert "DronePort" not in page
    facility = Infrastructure.objects.get(name="DronePort")
    detail = client.get(facility.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "market terms" in detail and "VISD strategy, 4.4" in detail and "https://lrm.be/en/" in detail
    assert "VISD strategy, annex 2" in detail and "/sources/visd/?passage=1929-1942" in detail
    assert "003_27119044b2e4ee18" not in detail  # no file names shown


def test_api_shows_phases_and_access(client, domains):
    import_facilities(EXAMPLE_FILE.read_text(encoding="utf-8"))
    rows = client.get("/api/infrastructure/").json()["results"]
    drone_port = next(r for r in rows if r["name"] == "DronePort")
    assert drone_port["phases"] == ["test", "evaluate"]
    assert drone_port["market_terms"] is True and drone_port["contact_url"] == "https://lrm.be/en/"


def test_a_facility_its_provider_validated_is_left_alone_by_the_inventory(domains, make_user):
    from visd.facilities import actions

    text = EXAMPLE_FILE.read_text(encoding="utf-8")
    import_facilities(text)
    thor = Infrastructure.objects.get(name="Thor Park")
    representative = make_user("actor_user", "lrm-rep", actor=thor.operator)
    values = {name: getattr(thor, name) for name in actions.PROVIDER_TEXT_FIELDS}
    values.update(domains=["energie"], contact_person=None, lead_time="three weeks")
    change = actions.propose_change(thor, values, actor=thor.operator, user=representative)
    actions.approve_change(change.pk, acting_user=make_user("coordinator"))
    report = import_facilities(text.replace("Genk,,energie,test,yes,,", "Genk,,energie,test;validate,yes,yes,"))
    assert report.counts["kept, validated by its provider"] == 1 and report.counts["updated"] == 0
    thor.refresh_from_db()
    assert thor.phases == ["test"] and thor.lead_time == "three weeks" and thor.is_validated
