"""The MERIL import (all or nothing, idempotent, conservative operator links, credit on the pages), the
provider's path (claim an unvalidated facility, add one, change one; a programme manager or the
coordinator approves or rejects with a reason; history), the permissions, and the operator filter as a
text field instead of a list of every organisation (issue 14 item 5, issue 17)."""

import io
import json
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from visd.actors.models import Actor, ActorTag
from visd.core import permissions
from visd.facilities import actions
from visd.facilities.meril import MERIL_CREDIT, MerilImportError, import_meril
from visd.facilities.models import ChangeStatus, FacilityChange, Infrastructure, Origin
from visd.imports.models import ImportRun
from visd.stakeholders.models import Contact
from visd.taxonomy.models import Concept, Portfolio, Scheme

MERIL_FILE = Path(__file__).resolve().parents[1] / "data" / "public" / "facilities" / \
    "meril_2018_research_infrastructures.geojson"


def feature(name, lon=4.3464, lat=50.745):
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": {"name": name}}


def geojson(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def world(db, make_user):
    """Two domains, a portfolio for one, an organisation tagged with it and its representative."""
    portfolio = Portfolio.objects.create(code="air", name_nl="Lucht", name_en="Air", source="test")
    air = Concept.objects.create(scheme=Scheme.FOCUS_DOMAIN, code="luchtvaart-uav", label_nl="Luchtvaart",
                                 label_en="Aviation", order=1, source="test", portfolio=portfolio)
    sea = Concept.objects.create(scheme=Scheme.FOCUS_DOMAIN, code="maritiem", label_nl="Maritiem",
                                 label_en="Maritime", order=2, source="test")
    vki = Actor.objects.create(name="VON KARMAN INSTITUTE FOR FLUID DYNAMICS", kind="research", country="BE")
    ActorTag.objects.create(actor=vki, concept=air, origin="curated")
    other = Actor.objects.create(name="Other Lab", kind="research")
    return {
        "air": air, "sea": sea, "vki": vki, "other": other,
        "rep": make_user("actor_user", "rep", actor=vki),
        "other_rep": make_user("actor_user", "other-rep", actor=other),
        "pm": make_user("programme_manager", "pm-air", portfolios=["air"]),
        "pm_other": make_user("programme_manager", "pm-none"),
        "coordinator": make_user("coordinator"),
    }


# --- the MERIL import ------------------------------------------------------------------------------

def test_the_shipped_meril_file_imports_once_and_a_second_run_changes_nothing(world):
    report = import_meril(MERIL_FILE.read_bytes())
    assert report.counts["facilities"] == {"created": 529, "updated": 0, "unchanged": 0}
    vki = Infrastructure.objects.get(name="Von Karman Institute for Fluid Dynamics (VKI)")
    assert vki.acronym == "VKI" and vki.country == "BE" and vki.origin == Origin.MERIL
    assert str(vki.latitude) == "50.745000" and not vki.is_validated
    assert vki.operator == world["vki"] and vki.operator_match == "normalised_name"
    assert "MERIL" in vki.data_source and MERIL_CREDIT in vki.data_source
    # Nothing else links: no other registry organisation bears a MERIL facility's name.
    assert Infrastructure.objects.filter(operator__isnull=False).count() == 1
    history = Infrastructure.history.count()
    again = import_meril(MERIL_FILE.read_bytes())
    assert again.counts["facilities"] == {"created": 0, "updated": 0, "unchanged": 529}
    assert Infrastructure.history.count() == history
    assert ImportRun.objects.filter(kind="meril", status="applied").count() == 2


def test_operators_link_only_by_a_name_borne_by_exactly_one_organisation(db):
    Actor.objects.create(name="Botanic Garden Meise", kind="research")
    Actor.objects.create(name="Twin Lab", kind="research")
    Actor.objects.create(name="TWIN LAB NV", kind="company")
    Actor.objects.create(name="Sea Mammal Research", kind="research")
    import_meril(geojson(feature("Botanic Garden Meise (BGM)"), feature("Twin Lab"),
                         feature("Sea Mammal Research Unit (SMRU)")))
    links = dict(Infrastructure.objects.values_list("name", "operator_match"))
    assert links == {"Botanic Garden Meise (BGM)": "exact_name", "Twin Lab": "", "Sea Mammal Research Unit (SMRU)": ""}
    run = ImportRun.objects.get(kind="meril")
    assert run.counts["notes"]["operator_ambiguous"] == 1 and run.counts["notes"]["operator_not_found"] == 1


def test_bad_features_are_refused_each_by_number_and_nothing_is_written(db):
    bad = geojson(feature("Good one"), feature(""), feature("Far away", lon=200), feature("good ONE"),
                  {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": []}, "properties": {"name": "P"}})
    with pytest.raises(MerilImportError) as error:
        import_meril(bad, file_name="bad.geojson")
    problems = [str(p) for p in error.value.problems]
    assert any("2" in p and "name" in p and "is empty" in p for p in problems)
    assert any("3" in p and "longitude" in p for p in problems)
    assert any("4" in p and "the same facility is feature 1" in p for p in problems)
    assert any("5" in p and "not a point" in p for p in problems)
    assert not Infrastructure.objects.exists()
    assert ImportRun.objects.get(kind="meril").status == "rejected"
    for data, message in ((b"{not json", "not valid JSON"), (b'{"type": "Feature"}', "FeatureCollection"),
                          ("x".encode("utf-16"), "not UTF-8")):
        with pytest.raises(MerilImportError, match=message):
            import_meril(data)


def test_a_facility_validated_by_its_provider_is_left_alone_by_a_new_import(world):
    import_meril(geojson(feature("Von Karman Institute for Fluid Dynamics (VKI)")))
    facility = Infrastructure.objects.get()
    change = actions.propose_change(facility, values(name="VKI wind tunnels"), actor=world["vki"], user=world["rep"])
    actions.approve_change(change.pk, acting_user=world["pm"])
    report = import_meril(geojson(feature("Von Karman Institute for Fluid Dynamics (VKI)", lat=50.8)))
    assert report.counts["notes"]["validated_kept"] == 1
    facility.refresh_from_db()
    assert facility.name == "VKI wind tunnels" and str(facility.latitude) == "50.745000"


def test_command_imports_and_refuses(world, tmp_path):
    out = io.StringIO()
    good = tmp_path / "good.geojson"
    good.write_bytes(geojson(feature("Von Karman Institute for Fluid Dynamics (VKI)"), feature("RV Belgica")))
    call_command("import_meril", str(good), stdout=out)
    assert "2 created" in out.getvalue() and "Operator linked by normalised name: 1" in out.getvalue()
    bad = tmp_path / "bad.geojson"
    bad.write_bytes(geojson(feature("")))
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_meril", str(bad), stderr=err)
    assert "is empty" in err.getvalue()


def test_finder_shows_the_meril_credit_and_an_operator_text_filter(client, world):
    for number in range(40):  # 4,000 organisations would make a 4,000-option list; 40 show the principle
        Actor.objects.create(name=f"Organisation {number}", kind="company")
    import_meril(geojson(feature("Von Karman Institute for Fluid Dynamics (VKI)"),
                         feature("Botanic Garden Meise (BGM)", lon=4.3333, lat=50.9333)))
    page = client.get("/facilities/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert MERIL_CREDIT in page and "CC BY 4.0" in page
    assert 'name="operator"' in page and "Organisation 17" not in page
    page = client.get("/facilities/?operator=karman").content.decode()
    assert "Von Karman Institute" in page and "Botanic Garden" not in page
    page = client.get(f"/facilities/?operator={world['vki'].pk}").content.decode()
    assert "Von Karman Institute" in page and "Botanic Garden" not in page
    page = client.get("/facilities/?country=BE&q=botanic").content.decode()
    assert "Botanic Garden Meise" in page
    facility = Infrastructure.objects.get(acronym="BGM")
    detail = client.get(facility.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert MERIL_CREDIT in detail and "Not confirmed by its provider" in detail and "openstreetmap.org" in detail
    with translation.override("nl"):
        dutch = client.get(facility.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Nog niet bevestigd door de aanbieder" in dutch


def test_api_lists_meril_facilities_without_operator(client, world):
    import_meril(geojson(feature("Sea Mammal Research Unit (SMRU)", lon=-2.7956, lat=56.3404)))
    row = client.get("/api/infrastructure/").json()["results"][0]
    assert row["operator"] is None and row["operator_name"] == "" and row["origin"] == "meril"
    assert row["validation"] == "unvalidated" and row["country"] == "GB"


# --- the provider's path ---------------------------------------------------------------------------

def values(**changes):
    base = {"name": "Von Karman Institute for Fluid Dynamics (VKI)", "description_nl": "", "description_en": "",
            "city": "Sint-Genesius-Rode", "website": "", "testable": "Wind tunnels up to Mach 14",
            "phases": ["test", "validate"], "trl_min": 3, "trl_max": 7, "access_conditions": "On request",
            "lead_time": "four weeks", "market_terms": True, "training_required": True,
            "training_details": "Safety briefing", "contact_name": "Testing office",
            "contact_email": "tests@vki.example", "contact_url": "", "domains": ["luchtvaart-uav"],
            "contact_person": None}
    base.update(changes)
    return base


def form_key(client, url) -> str:
    """The one-time key the proposal form carries (``visd.core.submission``), as a browser sends it."""
    return str(client.get(url).context["form"].initial["submission_key"])


def test_representative_claims_a_meril_facility_and_the_programme_manager_approves(client, world):
    import_meril(geojson(feature("Von Karman Institute for Fluid Dynamics (VKI)")))
    facility = Infrastructure.objects.get()
    client.force_login(world["rep"])
    detail = client.get(facility.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Claim this facility" in detail
    form = values()
    post = {k: v for k, v in form.items() if v not in (None, False)}
    post.update(domains=["luchtvaart-uav"], phases=["test", "validate"], version=facility.version,
                submission_key=form_key(client, f"/facilities/{facility.pk}/propose/"))
    response = client.post(f"/facilities/{facility.pk}/propose/", post)
    assert response.status_code == 302, response.content.decode()[:3000]
    change = FacilityChange.objects.get()
    assert change.kind == "claim" and change.status == "pending" and change.actor == world["vki"]
    facility.refresh_from_db()
    assert not facility.is_validated and facility.testable == ""  # nothing published yet
    # The programme manager of the organisation's domain sees it in the queue, with the differences.
    client.force_login(world["pm"])
    assert change.get_absolute_url() in client.get("/facilities/changes/").content.decode()
    page = client.get(change.get_absolute_url()).content.decode()
    assert "Wind tunnels up to Mach 14" in page
    assert client.post(change.get_absolute_url(), {"decision": "approve"}).status_code == 302
    facility.refresh_from_db()
    assert facility.is_validated and facility.operator == world["vki"] and facility.operator_match == "provider"
    assert facility.trl_min == 3 and facility.lead_time == "four weeks" and facility.training_required
    assert [d.code for d in facility.domains.all()] == ["luchtvaart-uav"]
    last = facility.history.first()
    assert last.history_user == world["pm"] and last.history_change_reason == f"Facility change {change.pk} approved"
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED and change.decided_by == world["pm"]
    client.logout()
    public = client.get(facility.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Wind tunnels up to Mach 14" in public and "validated by the programme office" in public


def test_a_rejection_needs_a_reason_and_changes_nothing(world):
    change = actions.propose_change(None, values(name="Shock tube"), actor=world["vki"], user=world["rep"])
    with pytest.raises(ValidationError, match="reason"):
        actions.reject_change(change.pk, acting_user=world["coordinator"], reason=" ")
    actions.reject_change(change.pk, acting_user=world["coordinator"], reason="Not a test facility")
    change.refresh_from_db()
    assert change.status == "rejected" and change.reason == "Not a test facility"
    assert not Infrastructure.objects.exists()
    with pytest.raises(ValidationError, match="already decided"):
        actions.approve_change(change.pk, acting_user=world["coordinator"])
    assert [h.history_change_reason for h in change.history.all()] == ["Rejected", "Proposed by the provider"]


def test_a_new_facility_and_a_later_change(world):
    change = actions.propose_change(None, values(name="Shock tube"), actor=world["vki"], user=world["rep"])
    assert change.kind == "new"
    facility = actions.approve_change(change.pk, acting_user=world["coordinator"])
    assert facility.origin == Origin.PROVIDER and facility.is_validated
    update = actions.propose_change(facility, values(name="Shock tube", lead_time="two weeks"), actor=world["vki"],
                                    user=world["rep"])
    assert update.kind == "update"
    assert [row[0] for row in actions.differences(update)] == ["lead time"]
    with pytest.raises(ValidationError, match="already waiting"):
        actions.propose_change(facility, values(name="Shock tube"), actor=world["vki"], user=world["rep"])
    actions.approve_change(update.pk, acting_user=world["pm"])
    facility.refresh_from_db()
    assert facility.lead_time == "two weeks"


def test_a_consenting_contact_person_is_shown_only_with_consent(client, world):
    person = Contact.objects.create(actor=world["vki"], first_name="Ann", last_name="Peeters", email="ann@vki.example",
                                    legal_basis="consent")
    client.force_login(world["rep"])
    post = {k: v for k, v in values(name="Shock tube").items() if v not in (None, False)}
    post.update(domains=[], phases=["test"], contact_person=person.pk, submission_key=form_key(client, "/facilities/new/"))
    page = client.post("/facilities/new/", post, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "A person is shown only with their consent" in page and not FacilityChange.objects.exists()
    post["contact_person_consents"] = "on"
    assert client.post("/facilities/new/", post).status_code == 302
    with translation.override("en"):
        facility = actions.approve_change(FacilityChange.objects.get().pk, acting_user=world["coordinator"])
    assert facility.shown_contact_person == person and "agreed to be shown" in facility.contact_person_consent
    assert "Ann" not in facility.contact_person_consent  # the statement names no one (erasure leaves nothing)
    client.logout()
    assert "ann@vki.example" in client.get(facility.get_absolute_url()).content.decode()
    person.delete()  # erased from the stakeholder register: gone from the facility too
    assert "Ann" not in client.get(facility.get_absolute_url()).content.decode()


def test_bad_input_is_refused_with_a_message(client, world):
    client.force_login(world["rep"])
    post = {k: v for k, v in values(name="Shock tube", trl_min=8, trl_max=3, contact_email="nope").items()
            if v not in (None, False)}
    post.update(domains=["no-such-domain"], phases=["inspect"], submission_key=form_key(client, "/facilities/new/"))
    page = client.post("/facilities/new/", post, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The TRL range ends below where it starts" in page
    assert "Enter a valid email address" in page
    assert not FacilityChange.objects.exists()
    post = {k: v for k, v in values(name="<script>x</script>", trl_min=10).items() if v not in (None, False)}
    post["submission_key"] = form_key(client, "/facilities/new/")
    page = client.post("/facilities/new/", post, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Ensure this value is less than or equal to 9" in page
    assert "<script>x</script>" not in page and not FacilityChange.objects.exists()


def test_permissions_of_the_provider_path(client, world):
    import_meril(geojson(feature("Sea Mammal Research Unit (SMRU)"),
                         feature("Von Karman Institute for Fluid Dynamics (VKI)", lon=4.35)))
    orphan = Infrastructure.objects.get(acronym="SMRU")
    vki_facility = Infrastructure.objects.get(acronym="VKI")
    # A representative may claim an orphan or their own; not another organisation's facility.
    assert permissions.can_propose_facility_change(world["rep"], orphan)
    assert permissions.can_propose_facility_change(world["other_rep"], orphan)
    assert permissions.can_propose_facility_change(world["rep"], vki_facility)
    assert not permissions.can_propose_facility_change(world["other_rep"], vki_facility)
    for role in ("pm", "coordinator"):
        assert not permissions.can_propose_facility_change(world[role], orphan)
    with pytest.raises(PermissionDenied):
        actions.propose_change(vki_facility, values(), actor=world["other"], user=world["other_rep"])
    client.force_login(world["other_rep"])
    assert client.get(f"/facilities/{vki_facility.pk}/propose/").status_code == 403
    client.logout()
    assert client.get("/facilities/new/").status_code == 302  # to the login page
    assert client.get("/facilities/changes/").status_code == 302
    # Deciding: the programme manager of the organisation's domain and management; not another one.
    change = actions.propose_change(vki_facility, values(), actor=world["vki"], user=world["rep"])
    assert permissions.can_decide_facility_change(world["pm"], change)
    assert permissions.can_decide_facility_change(world["coordinator"], change)
    assert not permissions.can_decide_facility_change(world["pm_other"], change)
    assert list(permissions.decidable_facility_changes(world["pm_other"])) == []
    with pytest.raises(PermissionDenied):
        actions.approve_change(change.pk, acting_user=world["pm_other"])
    with pytest.raises(PermissionDenied):
        actions.approve_change(change.pk, acting_user=world["rep"])
    client.force_login(world["pm_other"])
    assert client.get(change.get_absolute_url()).status_code == 404
    client.force_login(world["other_rep"])
    assert client.get(change.get_absolute_url()).status_code == 404
    client.force_login(world["rep"])
    page = client.get(change.get_absolute_url())
    assert page.status_code == 200 and "Approve" not in page.content.decode()
    assert client.post(change.get_absolute_url(), {"decision": "approve"}).status_code == 403
    history = f"/history/facilities/facilitychange/{change.pk}/"
    assert client.get(history).status_code == 200
    client.force_login(world["other_rep"])
    assert client.get(history).status_code in (403, 404)
    client.force_login(world["rep"])
    # The orphan claimed by one organisation and approved is no longer claimable by another.
    claim = actions.propose_change(orphan, values(name="Sea Mammal Research Unit (SMRU)"), actor=world["other"],
                                   user=world["other_rep"])
    actions.approve_change(claim.pk, acting_user=world["coordinator"])
    orphan.refresh_from_db()
    assert not permissions.can_propose_facility_change(world["rep"], orphan)
    assert not permissions.can_change(world["coordinator"], claim)
    assert permissions.can_view(world["other_rep"], claim) and not permissions.can_view(world["rep"], claim)


def test_the_demo_loads_meril_and_the_document_named_facilities_each_with_its_source(db):
    from visd.imports.management.commands.load_demo import DEFAULT_DATA_DIR, Command
    from visd.sources.citations import plain_text

    for order, code in enumerate(("luchtvaart-uav", "counter-uav", "energie")):
        Concept.objects.create(scheme=Scheme.FOCUS_DOMAIN, code=code, label_nl=code, label_en=code, order=order,
                               source="test")
    command = Command(stdout=io.StringIO(), stderr=io.StringIO())
    command._load_facilities(DEFAULT_DATA_DIR)
    assert Infrastructure.objects.filter(origin=Origin.MERIL).count() == 529
    named = Infrastructure.objects.filter(origin=Origin.INVENTORY)
    assert sorted(named.values_list("name", flat=True)) == ["DronePort", "Thor Park"]
    for facility in Infrastructure.objects.all():
        assert facility.data_source, facility
    # Shown as the document's title and section (visd.sources), never as a file name.
    assert all(plain_text(f.data_source).startswith("VISD strategy, annex 2") for f in named)
    assert not Infrastructure.objects.filter(origin=Origin.MERIL).exclude(data_source__contains=MERIL_CREDIT).exists()
