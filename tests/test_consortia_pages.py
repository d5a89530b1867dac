"""Consortium workspaces: permissions, members from the registry with their recorded control, what-if edits,
candidates, the eligibility note (XLSX, PDF), the API check and the step into the VISD project database."""

import datetime
import io

import pytest
from django.urls import reverse

from visd.actors.models import Actor
from visd.consortia import actions
from visd.consortia.models import Consortium, ConsortiumStatus, ControlRelation
from visd.funding.models import Call
from visd.taxonomy.models import Concept, Scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return Call.objects.create(topic_id="EDF-2026-RA-SENS-MSDT", title="Multi-sensor data", programme="EDF",
                               description="Multi-static radar and passive sensing for air defence.")


@pytest.fixture
def actors():
    def actor(name, country, pic, **extra):
        return Actor.objects.create(name=name, kind="company", country=country, pic=pic, **extra)

    return {
        "sonar": actor("Scheldt Sonar Systems", "BE", "999123456", postcode="9000", city="Gent", size_class="small"),
        "radar": actor("Kempen Radar Works", "BE", "999123457", postcode="2440", city="Geel", size_class="large"),
        "optics": actor("Lyon Optique", "FR", "999123458"),
        "us_owned": actor("Rhein Sensorik", "DE", "999123459"),
        "nordic": actor("Fjord Acoustics", "NO", "999123460"),
    }


@pytest.fixture
def pm(make_user):
    return make_user("programme_manager", username="pm")


def _consortium(call, user):
    return Consortium.objects.create(title="Passive radar", call=call, action="research", created_by=user)


def _add(consortium, actor, user, **values):
    member = actions.add_member(consortium, {"role": "beneficiary", **values}, acting_user=user, actor=actor)
    # the registry does not say where an organisation's executive management sits: the workspace states it
    actions.update_member(member, {"management_country": member.country, **(
        {} if member.control_stated else {"control_stated": True})}, acting_user=user)
    return member


def test_only_the_programme_office_sees_workspaces(client, make_user, call):
    consortium = _consortium(call, None)
    url = reverse("consortia:detail", args=[consortium.pk])
    assert client.get(url).status_code in (302, 403)
    client.force_login(make_user("actor_user", username="someone"))
    assert client.get(url).status_code == 403
    assert client.get(reverse("api:consortium-list")).status_code == 403


def test_members_from_the_registry_carry_their_recorded_control(call, actors, pm):
    ControlRelation.objects.create(controlled=actors["us_owned"], controller_name="Ohio Sensors Inc.",
                                   controller_country="US", source="Annual report 2025, p. 4",
                                   as_of=datetime.date(2025, 12, 31))
    consortium = _consortium(call, pm)
    member = actions.add_member(consortium, {"role": "beneficiary"}, acting_user=pm, actor=actors["us_owned"])
    assert member.control_stated and member.controlled_by_name == "Ohio Sensors Inc."
    assert member.controller_country == "US" and "Annual report 2025" in member.control_source
    assert member.history.count() == 1
    sonar = actions.add_member(consortium, {}, acting_user=pm, actor=actors["sonar"])
    assert sonar.sme is True and not sonar.control_stated


def test_what_if_edits_recompute_the_verdict_and_candidates_fill_the_gap(client, call, actors, pm):
    consortium = _consortium(call, pm)
    sonar = _add(consortium, actors["sonar"], pm, role="coordinator")
    _add(consortium, actors["radar"], pm)
    result = actions.evaluate(consortium)
    assert result["eligible"] is False
    adding = next(s for s in result["suggestions"] if s["kind"] == "add_member")
    names = [row["actor"].name for row in actions.candidates(consortium, adding)["rows"]]
    # the Belgian ones are members or in the excluded country; the foreign ones are proposed
    assert "Lyon Optique" in names and "Fjord Acoustics" in names and "Scheldt Sonar Systems" not in names

    client.force_login(pm)
    page = client.get(reverse("consortia:detail", args=[consortium.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and 'data-rule="art10_consortium" data-status="fail"' in body
    assert "Lyon Optique" in body

    # what-if: relocating the radar works to France passes the country count, not yet three entities
    radar = consortium.members.get(actor=actors["radar"])
    response = client.post(reverse("consortia:member_edit", args=[consortium.pk, radar.pk]), {
        "name": radar.name, "role": "beneficiary", "country": "FR", "management_country": "FR", "control": "none",
        "version": radar.version})  # the version the edit page carries (optimistic locking)
    assert response.status_code == 302
    _add(consortium, actors["nordic"], pm)
    assert actions.evaluate(consortium)["eligible"] is True

    # what-if: the radar works controlled by the sonar company makes them one entity
    response = client.post(reverse("consortia:member_edit", args=[consortium.pk, radar.pk]), {
        "name": radar.name, "role": "beneficiary", "country": "FR", "management_country": "FR",
        "control": "member", "controlled_by_member": sonar.pk, "version": radar.version + 1})
    assert response.status_code == 302
    result = actions.evaluate(consortium)
    assert result["eligible"] is False
    assert next(r for r in result["rules"] if r["rule"] == "art10_independence")["status"] == "fail"

    # a control cycle is refused, nothing changes
    response = client.post(reverse("consortia:member_edit", args=[consortium.pk, sonar.pk]), {
        "name": sonar.name, "role": "coordinator", "country": "BE", "management_country": "BE",
        "control": "member", "controlled_by_member": radar.pk, "version": sonar.version})
    assert response.status_code == 200 and "kring van zeggenschap" in response.content.decode()  # Dutch first
    sonar.refresh_from_db()
    assert sonar.controlled_by_member_id is None


def test_unknown_country_code_is_refused(client, call, pm):
    consortium = _consortium(call, pm)
    client.force_login(pm)
    key = client.get(reverse("consortia:detail", args=[consortium.pk])).context["new_member_form"].initial[
        "submission_key"]  # the add form's one-time key
    response = client.post(reverse("consortia:member_add", args=[consortium.pk]),
                           {"name": "Atlantis Corp", "country": "QQ", "submission_key": key}, follow=True,
                           HTTP_ACCEPT_LANGUAGE="en")
    assert "Unknown country code QQ" in response.content.decode()
    assert consortium.members.count() == 0


def test_eligibility_note_xlsx_and_pdf(client, call, actors, pm):
    from openpyxl import load_workbook

    consortium = _consortium(call, pm)
    _add(consortium, actors["sonar"], pm, role="coordinator")
    actions.add_member(consortium, {"name": "=HYPERLINK(\"http://x\")", "country": "FR"}, acting_user=pm)
    client.force_login(pm)
    response = client.get(reverse("consortia:export_xlsx", args=[consortium.pk]))
    book = load_workbook(io.BytesIO(response.content))
    cells = [c.value for row in book.worksheets[1].iter_rows() for c in row]
    assert "'=HYPERLINK(\"http://x\")" in cells
    rules_sheet = [c.value for row in book.worksheets[0].iter_rows() for c in row]
    assert "Regulation (EU) 2021/697, Article 9(1)" in rules_sheet
    response = client.get(reverse("consortia:export_pdf", args=[consortium.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_api_check_follows_the_contract(client, call, actors, pm):
    client.force_login(pm)
    response = client.post(reverse("api:consortium-check"), {"programme": "EDF", "action": "research", "members": [
        {"id": "a", "country": "BE", "management_country": "BE", "controlled_by": None}]}, content_type="application/json")
    assert response.status_code == 200 and set(response.json()) == {"eligible", "rules", "suggestions"}
    assert response.json()["eligible"] is False
    response = client.post(reverse("api:consortium-check"), {"programme": "EDF", "action": "research", "members": [
        {"id": "a", "controlled_by": "a"}]}, content_type="application/json")
    assert response.status_code == 400 and "member a is controlled by itself" in str(response.json())
    consortium = _consortium(call, pm)
    response = client.get(reverse("api:consortium-check-workspace", args=[consortium.pk]))
    assert response.status_code == 200 and response.json()["eligible"] is False


def test_an_approved_consortium_becomes_a_visd_project_with_its_flemish_partners(client, call, actors, pm):
    domain = Concept.objects.create(scheme=Scheme.FOCUS_DOMAIN, code="sensors", label_nl="Sensoren", label_en="Sensors")
    consortium = _consortium(call, pm)
    for key, role in (("sonar", "coordinator"), ("optics", "beneficiary"), ("nordic", "beneficiary")):
        _add(consortium, actors[key], pm, role=role, budget_eur=1000)
    client.force_login(pm)
    client.post(reverse("consortia:approve", args=[consortium.pk]))
    consortium.refresh_from_db()
    assert consortium.status == ConsortiumStatus.APPROVED
    response = client.post(reverse("consortia:convert", args=[consortium.pk]), {"domain": domain.pk})
    consortium.refresh_from_db()
    project = consortium.project
    assert response.status_code == 302 and consortium.status == ConsortiumStatus.CONVERTED
    assert project.kind == "edf" and project.status == "proposal" and project.programme == call.topic_id
    assert [(p.actor.name, p.role) for p in project.partners.all()] == [("Scheldt Sonar Systems", "lead")]
    assert "Lyon Optique (FR)" in project.summary


def test_a_draft_that_is_not_eligible_cannot_be_approved(client, call, actors, pm):
    consortium = _consortium(call, pm)
    _add(consortium, actors["sonar"], pm, role="coordinator")
    client.force_login(pm)
    client.post(reverse("consortia:approve", args=[consortium.pk]))
    consortium.refresh_from_db()
    assert consortium.status == ConsortiumStatus.DRAFT


def test_candidates_are_ranked_by_the_partner_search_when_the_index_exists(call, actors, pm):
    from visd.matchmaking import lifecycle

    actors["optics"].description_en = "Passive radar receivers and multi-static sensing for air defence."
    actors["optics"].save()
    actors["nordic"].description_en = "Underwater acoustics and sonar arrays."
    actors["nordic"].save()
    lifecycle.build()
    consortium = _consortium(call, pm)
    consortium.description = "Passive radar, multi-static sensing and sensor fusion for air defence."
    consortium.save()
    _add(consortium, actors["sonar"], pm, role="coordinator")
    _add(consortium, actors["radar"], pm)
    adding = next(s for s in actions.evaluate(consortium)["suggestions"] if s["kind"] == "add_member")
    found = actions.candidates(consortium, adding)
    assert found["ranked"] is True
    names = [row["actor"].name for row in found["rows"]]
    assert names and names[0] == "Lyon Optique"
    assert all(row["score"] is not None for row in found["rows"])
    assert "Scheldt Sonar Systems" not in names and "Kempen Radar Works" not in names


def test_the_programme_office_keeps_control_relations_in_the_admin(client, actors, pm, make_user):
    client.force_login(pm)
    response = client.post(reverse("admin:consortia_controlrelation_add"), {
        "controlled": actors["us_owned"].pk, "controller_name": "Ohio Sensors Inc.", "controller_country": "US",
        "source": "Annual report 2025", "as_of": "2025-12-31"})
    assert response.status_code == 302
    relation = ControlRelation.objects.get()
    assert relation.history.first().history_user == pm
    client.force_login(make_user("actor_user", username="other"))
    assert client.get(reverse("admin:consortia_controlrelation_changelist")).status_code in (302, 403)
