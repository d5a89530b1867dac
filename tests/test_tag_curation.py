"""The tag curation page (``/matching/tags/<type>/<pk>/``): anyone who may see a record sees its concept
tags with origin, confidence and evidence; management and the programme manager of the record's focus
domains (or any programme manager while no domain claims it) confirm, add, reject and un-curate them.
Curated tags survive re-tagging, a rejection takes the concept out of matching, and removing the curated
row brings the derived tag back."""

import pytest
from django.test import TestCase
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from matchmaking_world import build_world
from visd.actors.models import ActorTag, TagOrigin
from visd.core import permissions
from visd.matchmaking import matches, service, tagging
from visd.matchmaking.models import ConceptTag
from visd.taxonomy.models import Concept, Portfolio, Scheme

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def world(settings, tmp_path):
    settings.VISD_MATCHING_DIR = tmp_path / "matching"
    service.forget()
    w = build_world()
    w.security = Portfolio.objects.create(code="security", name_nl="Veiligheid", name_en="Security", source="test")
    w.cyber_portfolio = Portfolio.objects.create(code="cyber", name_nl="Cyber", name_en="Cyber", source="test")
    Concept.objects.filter(pk=w.counter_uav.pk).update(portfolio=w.security)
    Concept.objects.filter(pk=w.cyber.pk).update(portfolio=w.cyber_portfolio)
    w.dimension_concept = Concept.objects.create(
        scheme=Scheme.CAPABILITY_DIMENSION, code="land", label_nl="Land", label_en="Land", label_fr="Terre",
        source="test")
    tagging.tag_all()
    yield w
    service.forget()


@pytest.fixture
def users(world, make_user):
    return {
        "pm_cuav": make_user("programme_manager", username="pm-cuav", password=None, portfolios=["security"]),
        "pm_cyber": make_user("programme_manager", username="pm-cyber", password=None, portfolios=["cyber"]),
        "actor_user": make_user("actor_user", username="sonar-user", password=None, actor=world.sonar),
        "no_role": make_user("none", username="no-role", password=None),
        "coordinator": make_user("coordinator", username="coordinator", password=None),
    }


def url(target_type, pk):
    return reverse("matchmaking:tags", args=[target_type, pk])


def call_tags(world):
    return sorted(ConceptTag.objects.filter(target_type="call", object_id=world.call.pk)
                  .values_list("concept__code", "origin", "rejected"))


def project_tags(world):
    return sorted(ConceptTag.objects.filter(target_type="project", object_id=world.project.pk)
                  .values_list("concept__code", "origin", "rejected"))


def actor_tags(actor):
    return sorted(ActorTag.objects.filter(actor=actor).values_list("concept__code", "origin"))


def snapshot():
    return (sorted(ConceptTag.objects.values_list("pk", "concept_id", "origin", "rejected", "confidence", "evidence")),
            sorted(ActorTag.objects.values_list("pk", "concept_id", "origin", "confidence", "evidence")),
            ConceptTag.history.count(), ActorTag.history.count())


def post(client, target_type, pk, action, concept, follow=True):
    """POST one curation action; by default follow the redirect, so the page's messages are read (and
    consumed) by ``texts``."""
    return send(client, url(target_type, pk), {"action": action, "concept": concept.pk}, follow=follow)


def send(client, address, data, follow=True):
    # the after-commit hooks run as they would outside the test's transaction: a curated change
    # brings the persisted matching index up to date (lifecycle.update_if_present)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(address, data, follow=follow, **EN)
    if follow and response.redirect_chain:
        assert response.redirect_chain == [(address, 302)], response.redirect_chain
    return response


def texts(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# ---------------------------------------------------------------------------- viewing
def test_anyone_sees_a_records_tags_with_origin_confidence_and_evidence(client, world):
    response = client.get(url("call", world.call.pk), **EN)
    assert response.status_code == 200
    html = response.content.decode()
    tag = ConceptTag.objects.get(target_type="call", object_id=world.call.pk)
    assert "Counter-UAV" in html and "VISD focus domain" in html and "Derived from text" in html
    assert f"{tag.confidence:.2f}" in html and tag.evidence.split("; ")[0] in html
    # no forms for the public, and no hint that there would be
    assert 'name="action"' not in html and 'name="concept"' not in html
    # the labels follow the language (Dutch is the default)
    assert "Dronebestrijding" in client.get(url("call", world.call.pk)).content.decode()
    for target_type, pk in (("project", world.project.pk), ("need", world.need.pk), ("actor", world.lab.pk)):
        assert client.get(url(target_type, pk)).status_code == 200, target_type
    # the actor page's tags come from its track record: the evidence names the project
    assert "HARBOURSHIELD" in client.get(url("actor", world.lab.pk)).content.decode()


def test_unknown_record_or_record_type_is_404(client, world, users):
    client.force_login(users["coordinator"])
    assert client.get(url("call", 999999)).status_code == 404
    assert client.get(url("contact", world.call.pk)).status_code == 404
    before = snapshot()
    assert post(client, "call", 999999, "curate", world.cyber).status_code == 404
    unknown_type = send(client, "/matching/tags/facility/1/", {"action": "curate", "concept": world.cyber.pk})
    assert unknown_type.status_code == 404
    assert snapshot() == before


def test_curators_see_the_forms_with_labels_and_concepts_grouped_by_scheme(client, world, users):
    client.force_login(users["pm_cuav"])
    html = client.get(url("call", world.call.pk), **EN).content.decode()
    assert html.count('name="action"') >= 3
    assert '<label for="curate-concept"' in html and '<label for="reject-concept"' in html
    assert '<optgroup label="VISD focus domain">' in html
    assert "Land" not in html  # capability dimensions are not curated here
    # actors: no rejection form, an explanation instead
    html = client.get(url("actor", world.sonar.pk), **EN).content.decode()
    assert 'id="curate-concept"' in html and 'id="reject-concept"' not in html
    assert "reject it on the project it comes from" in html


# ---------------------------------------------------------------------------- curating
def test_programme_manager_in_portfolio_confirms_rejects_and_removes(client, world, users):
    pm = users["pm_cuav"]
    client.force_login(pm)
    # confirm the derived counter-UAV tag: the derived row becomes the curated one (one row per concept)
    response = post(client, "call", world.call.pk, "curate", world.counter_uav, follow=False)
    assert response.status_code == 302 and response["Location"] == url("call", world.call.pk)
    response = client.get(response["Location"], **EN)
    assert texts(response) == ["Counter-UAV is now a curated tag of this record."]
    assert call_tags(world) == [("counter-uav", "curated", False)]
    tag = ConceptTag.objects.get(target_type="call", object_id=world.call.pk)
    assert (tag.confidence, tag.evidence) == (None, "")
    # add a concept the text does not give
    post(client, "call", world.call.pk, "curate", world.cyber)
    assert call_tags(world) == [("counter-uav", "curated", False), ("cyber", "curated", False)]
    # reject counter-UAV: the curated row becomes a rejection
    response = post(client, "call", world.call.pk, "reject", world.counter_uav)
    assert call_tags(world) == [("counter-uav", "curated", True), ("cyber", "curated", False)]
    # the call now carries only the cyber domain: this manager is told they no longer curate it
    assert any("no longer carries a focus domain of your portfolio" in m for m in texts(response))
    assert not permissions.can_curate_tags(pm, world.call)
    assert post(client, "call", world.call.pk, "remove", world.cyber).status_code == 403
    # the cyber manager takes over and removes both curated rows: the derived tag returns
    client.force_login(users["pm_cyber"])
    post(client, "call", world.call.pk, "remove", world.cyber)
    response = post(client, "call", world.call.pk, "remove", world.counter_uav)
    assert texts(response)[0].startswith("The curated tag Counter-UAV was removed")
    assert call_tags(world) == [("counter-uav", "derived", False)]


def test_every_change_is_in_the_history_with_its_user(client, world, users):
    pm = users["pm_cuav"]
    client.force_login(pm)
    post(client, "project", world.project.pk, "curate", world.counter_uav)
    post(client, "project", world.project.pk, "curate", world.cyber)
    post(client, "project", world.project.pk, "remove", world.cyber)
    rows = list(ConceptTag.history.filter(target_type="project", object_id=world.project.pk, history_user=pm)
                .order_by("history_date").values_list("concept__code", "history_type", "origin"))
    assert rows == [("counter-uav", "~", "curated"), ("cyber", "+", "curated"), ("cyber", "-", "curated")]
    client.force_login(users["coordinator"])
    post(client, "actor", world.lab.pk, "curate", world.cyber)
    assert ActorTag.history.filter(actor_id=world.lab.pk, history_user=users["coordinator"],
                                   history_type="+", origin="curated").count() == 1


@pytest.mark.parametrize("role", ["anonymous", "no_role", "actor_user", "pm_cyber"])
def test_others_may_not_curate_and_nothing_changes(client, world, users, role):
    if role != "anonymous":
        client.force_login(users[role])
    before = snapshot()
    for target_type, pk in (("call", world.call.pk), ("project", world.project.pk), ("actor", world.sonar.pk)):
        html = client.get(url(target_type, pk)).content.decode()
        assert 'name="action"' not in html, (role, target_type)
        for action in ("curate", "reject", "remove"):
            response = post(client, target_type, pk, action, world.counter_uav, follow=False)
            if role == "anonymous":
                assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
            else:
                assert response.status_code == 403, (role, target_type, action)
    assert snapshot() == before


def test_management_curates_everything_and_an_unclaimed_record_is_any_managers(world, users):
    coordinator, pm_cuav, pm_cyber = users["coordinator"], users["pm_cuav"], users["pm_cyber"]
    records = (world.call, world.need, world.project, world.sonar)
    assert all(permissions.can_curate_tags(coordinator, r) for r in records)
    assert permissions.can_curate_tags(pm_cuav, world.call) and not permissions.can_curate_tags(pm_cyber, world.call)
    assert permissions.can_curate_tags(pm_cyber, world.need) and not permissions.can_curate_tags(pm_cuav, world.need)
    # a record with no focus domain (none found, or all rejected) may be taken up by any manager
    ConceptTag.objects.filter(target_type="call", object_id=world.call.pk).update(origin="curated", rejected=True)
    assert permissions.can_curate_tags(pm_cuav, world.call) and permissions.can_curate_tags(pm_cyber, world.call)
    # actors follow the actor rule; actor users never curate here, not even their own organisation
    assert permissions.can_curate_tags(pm_cuav, world.sonar) and not permissions.can_curate_tags(pm_cyber, world.sonar)
    assert not permissions.can_curate_tags(users["actor_user"], world.sonar)
    assert not permissions.can_curate_tags(users["no_role"], world.need)


def test_bad_input_gives_a_message_and_changes_nothing(client, world, users):
    client.force_login(users["coordinator"])
    before = snapshot()
    cases = [
        ({"action": "curate", "concept": "999999"}, "Unknown concept"),
        ({"action": "curate", "concept": "drones"}, "Unknown concept"),
        ({"action": "curate", "concept": ""}, "Choose a concept"),
        ({"action": "curate", "concept": str(world.dimension_concept.pk)}, "only focus domains and EDA CapTechs"),
        ({"action": "delete-all", "concept": str(world.cyber.pk)}, "Unknown action"),
        ({"concept": str(world.cyber.pk)}, "Unknown action"),
    ]
    for data, expected in cases:
        response = send(client, url("call", world.call.pk), data)
        assert response.status_code == 200, data
        assert any(expected in m for m in texts(response)), (data, texts(response))
    # an actor's tag is not rejected here
    response = post(client, "actor", world.lab.pk, "reject", world.counter_uav)
    assert texts(response) == ["An actor's tag cannot be rejected: reject the concept on the project it comes from."]
    # a self-declared tag is the organisation's own
    ActorTag.objects.create(actor=world.german, concept=world.cyber, origin=TagOrigin.SELF_DECLARED)
    before = snapshot()
    for action in ("curate", "remove"):
        response = post(client, "actor", world.german.pk, action, world.cyber)
        assert any("declared by the organisation itself" in m for m in texts(response))
    assert snapshot() == before
    # the message is shown on the page the form redirects to
    page = send(client, url("call", world.call.pk), {"action": "curate", "concept": "999999"})
    assert "Unknown concept" in page.content.decode()


def test_a_form_sent_twice_changes_nothing_the_second_time(client, world, users):
    client.force_login(users["coordinator"])
    post(client, "call", world.call.pk, "reject", world.counter_uav)
    before = snapshot()
    response = post(client, "call", world.call.pk, "reject", world.counter_uav)
    assert texts(response) == ["Counter-UAV is already rejected for this record; nothing changed."]
    post(client, "call", world.call.pk, "curate", world.cyber)
    after_add = snapshot()
    response = post(client, "call", world.call.pk, "curate", world.cyber)
    assert texts(response) == ["Cyber security is already a curated tag of this record; nothing changed."]
    assert snapshot() == after_add and after_add[2] == before[2] + 1
    post(client, "call", world.call.pk, "remove", world.cyber)
    after_remove = snapshot()
    response = post(client, "call", world.call.pk, "remove", world.cyber)
    assert texts(response) == ["Cyber security has no curated tag on this record; nothing changed."]
    assert snapshot() == after_remove


def test_csrf_is_enforced(world, users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["coordinator"])
    before = snapshot()
    response = client.post(url("call", world.call.pk), {"action": "curate", "concept": world.cyber.pk})
    assert response.status_code == 403
    assert snapshot() == before
    client.get(url("call", world.call.pk))
    token = client.cookies["csrftoken"].value
    response = client.post(url("call", world.call.pk), {"action": "curate", "concept": world.cyber.pk,
                                                        "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert ("cyber", "curated", False) in call_tags(world)


# ---------------------------------------------------------------------------- re-tagging and matching
def test_a_curated_tag_survives_retagging_and_the_derived_one_returns_when_it_is_removed(client, world, users):
    client.force_login(users["pm_cuav"])
    post(client, "project", world.project.pk, "curate", world.counter_uav)
    post(client, "project", world.project.pk, "curate", world.cyber)
    expected = [("counter-uav", "curated", False), ("cyber", "curated", False)]
    assert project_tags(world) == expected
    # the index update, the command, and a rebuild keep the curated rows (no derived duplicate)
    index = service.updated_index()
    assert {t.concept_id: t.origin for t in index.tags("project", str(world.project.pk))} == {
        "focus_domain:counter-uav": "curated", "focus_domain:cyber": "curated"}
    call_command("tag")
    call_command("tag", "--rebuild")
    assert project_tags(world) == expected
    assert ConceptTag.objects.get(target_type="project", object_id=world.project.pk, concept=world.cyber).evidence == ""
    # the curated cyber tag reaches the participants' track records (the lab has this one project)
    assert ("cyber", "derived") in actor_tags(world.lab)
    # removing the curated rows: the derived counter-UAV tag (with its evidence) is back at once, cyber is gone
    post(client, "project", world.project.pk, "remove", world.cyber)
    post(client, "project", world.project.pk, "remove", world.counter_uav)
    assert project_tags(world) == [("counter-uav", "derived", False)]
    derived = ConceptTag.objects.get(target_type="project", object_id=world.project.pk)
    assert "drone" in derived.evidence.lower() and derived.confidence > 0
    assert actor_tags(world.lab) == [("counter-uav", "derived")]
    # and the index agrees, and re-tagging changes nothing more
    assert [t.concept_id for t in service.updated_index().tags("project", str(world.project.pk))] == [
        "focus_domain:counter-uav"]
    call_command("tag")
    assert project_tags(world) == [("counter-uav", "derived", False)]


def test_a_project_rejection_leaves_the_engine_the_track_records_and_the_explanations(client, world, users):
    def lab_shared_concepts():
        rows = {r["name"]: r for r in matches.actors_for_call(world.call, top=10)}
        lab = rows.get("Leuven Radar Lab")
        return None if lab is None else [c["concept_id"] for c in lab["explanation"]["shared_concepts"]]

    assert lab_shared_concepts() == ["focus_domain:counter-uav"]
    client.force_login(users["pm_cuav"])
    post(client, "project", world.project.pk, "reject", world.counter_uav)
    assert project_tags(world) == [("counter-uav", "curated", True)]
    # the participants' track-record tags go at once (their only project no longer carries the domain)
    assert actor_tags(world.lab) == [] and actor_tags(world.german) == []
    index = service.updated_index()
    assert index.tags("project", str(world.project.pk)) == []
    assert lab_shared_concepts() in (None, [])
    # re-tagging keeps the rejection
    call_command("tag", "--rebuild")
    assert project_tags(world) == [("counter-uav", "curated", True)]
    assert actor_tags(world.lab) == []
    # removing the rejection brings everything back
    client.force_login(users["coordinator"])
    post(client, "project", world.project.pk, "remove", world.counter_uav)
    assert project_tags(world) == [("counter-uav", "derived", False)]
    assert actor_tags(world.lab) == [("counter-uav", "derived")]
    assert lab_shared_concepts() == ["focus_domain:counter-uav"]


def test_a_call_rejection_leaves_the_calls_tags_and_the_actors_match_explanation(client, world, users):
    def call_row():
        rows = matches.opportunities_for_actor(world.sonar, kinds=("call",), top=10)
        return next((r for r in rows if r["id"] == world.call.pk), None)

    def shared_on_the_page():
        html = client.get(reverse("matchmaking:actor", args=[world.sonar.pk]), **EN).content.decode()
        return "Counter-UAV" in html  # only as a shared concept of the call

    assert [c["concept_id"] for c in call_row()["explanation"]["shared_concepts"]] == ["focus_domain:counter-uav"]
    assert shared_on_the_page()
    client.force_login(users["pm_cuav"])
    post(client, "call", world.call.pk, "reject", world.counter_uav)
    assert service.updated_index().tags("opportunity", f"call:{world.call.pk}") == []
    row = call_row()
    assert row is None or row["explanation"]["shared_concepts"] == []
    assert not shared_on_the_page()
    call_command("tag")
    assert call_tags(world) == [("counter-uav", "curated", True)]


def test_actor_tags_are_curated_and_uncurated(client, world, users):
    client.force_login(users["pm_cuav"])
    # the lab's counter-UAV tag comes from its project; confirming it makes it curated
    post(client, "actor", world.lab.pk, "curate", world.counter_uav)
    assert actor_tags(world.lab) == [("counter-uav", "curated")]
    call_command("tag", "--rebuild")
    assert actor_tags(world.lab) == [("counter-uav", "curated")]
    assert {t.origin for t in service.updated_index().tags("actor", str(world.lab.pk))} == {"curated"}
    post(client, "actor", world.lab.pk, "remove", world.counter_uav)
    tag = ActorTag.objects.get(actor=world.lab)
    assert tag.origin == TagOrigin.DERIVED and tag.evidence.startswith("HARBOURSHIELD (")


# ---------------------------------------------------------------------------- links
def test_detail_and_match_pages_link_to_the_tags(client, world, users):
    pages = {
        "project": reverse("projects:detail", args=[world.project.pk]),
        "call": reverse("funding:call_detail", args=[world.call.topic_id]),
        "need": reverse("capabilities:detail", args=[world.need.pk]),
        "actor": reverse("actors:detail", args=[world.sonar.pk]),
    }
    targets = {"project": world.project.pk, "call": world.call.pk, "need": world.need.pk, "actor": world.sonar.pk}
    match_pages = {"call": reverse("matchmaking:call", args=[world.call.topic_id]),
                   "need": reverse("matchmaking:need", args=[world.need.pk]),
                   "actor": reverse("matchmaking:actor", args=[world.sonar.pk])}
    for target_type, page in [*pages.items(), *match_pages.items()]:
        html = client.get(page, **EN).content.decode()
        assert url(target_type, targets[target_type]) in html, page
        assert "Curate tags" not in html and "Tags with their evidence" in html, page
    # the concepts section lists the call's tag
    assert "Counter-UAV" in client.get(pages["call"], **EN).content.decode()
    client.force_login(users["coordinator"])
    for page in [*pages.values(), *match_pages.values()]:
        assert "Curate tags" in client.get(page, **EN).content.decode(), page
