"""One-time submission keys (``visd.core.submission``): every keyed create form and API records a
submission once, however often it is sent, also when two copies arrive at the same moment."""

import datetime
import re
import threading
import uuid
from unittest import mock

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from programme_world import *  # noqa: F401,F403 (fixtures)
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from stakeholder_world import *  # noqa: F401,F403 (fixtures)

from visd.core import history, submission
from visd.core.submission import SUBMISSION_KEY, SubmissionKeyFormMixin, create_once
from visd.events import actions as event_actions
from visd.events.models import Event, Registration
from visd.stakeholders import actions as stakeholder_actions
from visd.stakeholders.models import Contact, Dossier, Interaction, LegalBasis

KEYED_MODELS = {"stakeholders.Contact", "stakeholders.Interaction", "stakeholders.Dossier",
                "events.SurveyResponse", "events.Registration", "onboarding.Claim", "profiles.Offer", "profiles.Seek",
                "facilities.FacilityChange", "projects.VisdProject", "consortia.Consortium",
                "consortia.ConsortiumMember"}


def page_key(response, form="form") -> str:
    return str(response.context[form].initial[SUBMISSION_KEY])


def messages_of(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


def missing_once():
    """``recorded_by`` that finds nothing the first time it is asked: the other copy of the submission
    commits just after this one looked (the moment two simultaneous submissions meet)."""
    real, calls = submission.recorded_by, []

    def recorded_by(model, key):
        calls.append(key)
        return None if len(calls) == 1 else real(model, key)

    return mock.patch.object(submission, "recorded_by", recorded_by)


# --- the mechanism --------------------------------------------------------------------------------

def test_every_keyed_model_keeps_its_key_out_of_the_history():
    keyed = {model._meta.label for model in apps.get_models() if submission.is_keyed(model)}
    assert keyed >= KEYED_MODELS
    for label in keyed:
        model = apps.get_model(label)
        field = model._meta.get_field(SUBMISSION_KEY)
        assert field.unique and field.null and not field.editable
        assert SUBMISSION_KEY not in {f.name for f in model.history.model._meta.fields}, label
        assert SUBMISSION_KEY in history.hidden_fields(model)


def test_the_same_key_twice_records_once_and_says_so(world, users):
    key = uuid.uuid4()
    values = {"first_name": "An", "last_name": "Peeters", "legal_basis": LegalBasis.PUBLIC_TASK}
    first, created = stakeholder_actions.create_contact(world.actor_a, values, acting_user=users["director"],
                                                        submission_key=key)
    assert created and first.submission_key == key
    again, created = stakeholder_actions.create_contact(world.actor_a, dict(values, last_name="Other"),
                                                        acting_user=users["director"], submission_key=key)
    assert (again, created) == (first, False)
    assert Contact.objects.filter(actor=world.actor_a, first_name="An").count() == 1
    # without a key every request is recorded (a command, an API client that sends none)
    stakeholder_actions.create_contact(world.actor_a, values, acting_user=users["director"])
    stakeholder_actions.create_contact(world.actor_a, values, acting_user=users["director"])
    assert Contact.objects.filter(actor=world.actor_a, first_name="An").count() == 3


def test_a_copy_that_loses_the_race_on_the_unique_key_returns_the_winners_record(world, users):
    """The other copy committed between this one's look-up and its insert: the insert fails on the
    unique key inside a savepoint, and the caller's transaction goes on."""
    key = uuid.uuid4()
    winner = Contact.objects.create(actor=world.actor_a, first_name="An", last_name="Peeters",
                                    legal_basis=LegalBasis.PUBLIC_TASK, submission_key=key)
    values = {"first_name": "An", "last_name": "Peeters", "legal_basis": LegalBasis.PUBLIC_TASK}
    with transaction.atomic(), missing_once():
        record, created = stakeholder_actions.create_contact(world.actor_a, values, acting_user=users["director"],
                                                             submission_key=key)
        assert Contact.objects.filter(actor=world.actor_a).count() == 2  # the transaction is still usable
    assert (record, created) == (winner, False)
    assert Contact.objects.filter(first_name="An").count() == 1


def test_an_interaction_losing_the_race_leaves_no_participant_links(world, users):
    key = uuid.uuid4()
    pm = users["pm_of_a"]
    winner = Interaction.objects.create(actor=world.actor_a, date=datetime.date(2025, 3, 1), kind="meeting",
                                        subject="Kennismaking", submission_key=key)
    with missing_once():
        record, created = stakeholder_actions.log_interaction(
            world.actor_a, {"date": datetime.date(2025, 3, 1), "kind": "meeting", "subject": "Kennismaking"},
            contacts=[world.contact_a], staff=[pm], acting_user=pm, submission_key=key)
    assert (record, created) == (winner, False)
    assert not winner.contacts.exists() and not winner.staff.exists()


def test_a_check_failing_because_of_the_first_copy_still_answers_with_its_record(programme, users):
    """The first copy took the last place of the event; the second copy, sent at the same moment,
    finds the event full. It was the same registration: the answer is the first copy's."""
    event = Event.objects.create(title="Info day", kind="info_day", capacity=1,
                                 date=timezone.localdate() + datetime.timedelta(days=10))
    key = uuid.uuid4()
    winner = Registration.objects.create(event=event, name="An Peeters", submission_key=key)
    with missing_once():
        record, created = event_actions.register_once(event, "An Peeters", acting_user=None, submission_key=key)
    assert (record, created) == (winner, False)
    # another submission is refused as before: the event is full
    with pytest.raises(ValidationError, match="full"):
        event_actions.register_once(event, "Bert", acting_user=None, submission_key=uuid.uuid4())


def test_failures_not_caused_by_the_key_are_raised_and_write_nothing(world):
    def fails_on_another_constraint():
        Contact.objects.create(actor=world.actor_a, first_name="X", last_name="Y", legal_basis="public_task",
                               submission_key=uuid.uuid4())
        raise IntegrityError("another unique constraint")

    with pytest.raises(IntegrityError):
        create_once(Contact, uuid.uuid4(), fails_on_another_constraint)
    assert not Contact.objects.filter(first_name="X").exists()  # the savepoint undid the insert
    with pytest.raises(ValidationError):
        stakeholder_actions.create_contact(world.actor_a, {"first_name": "", "last_name": "Y",
                                                           "legal_basis": "public_task"},
                                           acting_user=None, submission_key=uuid.uuid4())


def test_a_create_that_forgets_the_key_is_a_programming_error(world):
    with pytest.raises(ValueError, match="without the submission key"):
        create_once(Contact, uuid.uuid4(), lambda: Contact.objects.create(
            actor=world.actor_a, first_name="X", last_name="Y", legal_basis="public_task"))


@pytest.mark.django_db(transaction=True)
def test_two_copies_at_the_same_moment_leave_one_record(world, users):
    """Two threads, each its own database connection, both look the key up before either inserts
    (a barrier holds them there); the database lets one insert and the other answers with its
    record. On PostgreSQL the second insert waits for the first commit on the unique index."""
    if connection.vendor == "sqlite":
        pytest.skip("needs a database where a second writer waits for the first (PostgreSQL, or a SQLite file)")
    key, barrier, answers, errors = uuid.uuid4(), threading.Barrier(2, timeout=10), [], []
    real = submission.recorded_by
    looked = threading.local()

    def recorded_by(model, submission_key):
        found = real(model, submission_key)
        if not getattr(looked, "once", False):
            looked.once = True
            barrier.wait()  # both copies have looked and found nothing
        return found

    def send():
        try:
            answers.append(event_actions.register_once(
                event, "An Peeters", acting_user=None, submission_key=key))
        except Exception as error:  # noqa: BLE001  (reported by the test)
            errors.append(error)
        finally:
            connection.close()

    event = Event.objects.create(title="Info day", kind="info_day", capacity=1,
                                 date=timezone.localdate() + datetime.timedelta(days=10))
    with mock.patch.object(submission, "recorded_by", recorded_by):
        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert not errors, errors
    assert sorted(created for _record, created in answers) == [False, True]
    assert answers[0][0].pk == answers[1][0].pk
    assert Registration.objects.filter(event=event).count() == 1


# --- forms -------------------------------------------------------------------------------------

class KeyedForm(SubmissionKeyFormMixin, __import__("django").forms.Form):
    pass


def test_the_form_mixin_makes_carries_and_checks_the_key():
    shown, other = KeyedForm(), KeyedForm()
    assert shown.initial[SUBMISSION_KEY] != other.initial[SUBMISSION_KEY]
    assert 'type="hidden"' in str(shown[SUBMISSION_KEY])
    key = shown.initial[SUBMISSION_KEY]
    sent = KeyedForm({SUBMISSION_KEY: str(key)})
    assert sent.is_valid() and sent.submission_key == key
    for data in ({}, {SUBMISSION_KEY: ""}, {SUBMISSION_KEY: "not-a-uuid"}):
        refused = KeyedForm(data)
        assert not refused.is_valid()
        assert refused.non_field_errors() == [str(submission.INCOMPLETE)]  # shown where the page shows errors
    edit = KeyedForm()
    edit.drop_submission_key()
    assert not edit.carries_submission_key


# --- the pages ------------------------------------------------------------------------------------

STAKEHOLDER_PAGES = {
    "contact": (lambda world: reverse("stakeholders:contact_create", args=[world.actor_a.pk]), Contact,
                {"first_name": "An", "last_name": "Peeters", "legal_basis": "public_task"}),
    "dossier": (lambda world: reverse("stakeholders:dossier_create") + f"?actor={world.actor_a.pk}", Dossier,
                {"title": "Dossier zeedrones", "status": "open"}),
}


@pytest.mark.parametrize("kind", STAKEHOLDER_PAGES)
def test_a_stakeholder_form_sent_twice_records_once(client, world, users, kind):
    url_of, model, data = STAKEHOLDER_PAGES[kind]
    client.force_login(users["coordinator"])
    url = url_of(world)
    before = model.objects.count()
    data = dict(data, submission_key=page_key(client.get(url)))
    assert client.post(url, data).status_code == 302
    again = client.post(url, data, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert model.objects.count() == before + 1
    assert "already been sent; nothing was added a second time" in messages_of(again)


def test_the_interaction_form_sent_twice_records_once(client, world, users):
    pm = users["pm_of_a"]
    client.force_login(pm)
    url = reverse("stakeholders:interaction_create", args=[world.actor_a.pk])
    data = {"date": "2025-03-14", "kind": "meeting", "subject": "Tweede gesprek", "contacts": [world.contact_a.pk],
            "staff": [pm.pk], "submission_key": page_key(client.get(url))}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert Interaction.objects.filter(subject="Tweede gesprek").count() == 1
    assert "already been sent" in messages_of(again)


def test_the_public_registration_sent_twice_registers_once(client, programme):
    event = Event.objects.create(title="Deep dive ruimtevaart", kind="deep_dive", capacity=1,
                                 date=timezone.localdate() + datetime.timedelta(days=30))
    url = reverse("site:register", args=[event.pk])
    data = {"name": "An Peeters", "organisation_name": "Orbit BV", "consent": "on",
            "submission_key": page_key(client.get(url))}
    assert client.post(url, data).status_code == 302
    # the second copy finds the event full, but it is the same registration: it says so
    again = client.post(url, data, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "already registered" in messages_of(again) and event.registrations.count() == 1
    Event.objects.filter(pk=event.pk).update(capacity=5)  # room again: the form is shown, with its message
    without_key = client.post(url, dict(data, submission_key=""), HTTP_ACCEPT_LANGUAGE="en")
    assert without_key.status_code == 200 and "reload the page" in without_key.content.decode()
    assert event.registrations.count() == 1


def test_the_onboarding_form_without_a_key_says_to_reload(client, world):
    response = client.post(reverse("onboarding:apply", args=[world.actor_a.pk]), {
        "first_name": "An", "last_name": "Peeters", "email": "an@example.be", "consent": "on", "homepage": ""},
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "reload the page" in response.content.decode()


# --- the API --------------------------------------------------------------------------------------

def api_as(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_a_registration_request_sent_twice_with_its_key_registers_once(programme, users):
    api = api_as(users["pm_of_a"])
    url = f"/api/events/{programme.event.pk}/registrations/"
    request = {"name": "An Peeters", "organisation_name": "Orbit BV", "submission_key": str(uuid.uuid4())}
    first = api.post(url, request, format="json")
    assert first.status_code == 201
    again = api.post(url, request, format="json")  # a retry after a lost answer
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert SUBMISSION_KEY not in again.json()  # the key is write-only
    assert programme.event.registrations.filter(name="An Peeters").count() == 1
    assert api.post(url, dict(request, submission_key=None), format="json").status_code == 201  # no key: recorded
    bad = api.post(url, dict(request, submission_key="not-a-uuid"), format="json")
    assert bad.status_code == 400 and SUBMISSION_KEY in bad.json()
    assert programme.event.registrations.filter(name="An Peeters").count() == 2


def test_the_schema_documents_the_key_and_both_answers(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in ("/api/events/{id}/registrations/", "/api/events/{id}/survey-responses/", "/api/actor-offers/",
                 "/api/actor-seeks/", "/api/visd-projects/"):
        operation = schema["paths"][path]["post"]
        assert {"200", "201"} <= set(operation["responses"]), path
        assert "submission_key" in operation["responses"]["200"]["description"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        key = schema["components"]["schemas"][body]["properties"][SUBMISSION_KEY]
        assert key["format"] == "uuid" and key.get("nullable"), path
        assert "same key sent again records nothing" in key["description"]


# --- capability profiles: offers and wishes, added by an organisation's representative ------------

@pytest.fixture
def representative(db, make_user):
    from visd.actors.models import Actor
    from visd.core.models import Role

    actor = Actor.objects.create(name="Orbit Sensors", kind="company", country="BE")
    return actor, make_user(Role.ACTOR_USER, username="rep", actor=actor)


def test_an_offer_form_sent_twice_adds_one_offer(client, representative):
    from visd.profiles.models import Offer

    actor, rep = representative
    client.force_login(rep)
    url = reverse("profiles:entry-new", args=[actor.pk, "offers"])
    data = {"text": "Sterrencamera's voor kleine satellieten", "use": "civil",
            "submission_key": page_key(client.get(url))}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "already been sent" in messages_of(again)
    assert Offer.objects.filter(profile_id=actor.pk).count() == 1
    # the edit form of that offer carries its version, not a key
    offer = Offer.objects.get(profile_id=actor.pk)
    edit = client.get(reverse("profiles:entry-edit", args=[actor.pk, "offers", offer.pk]))
    assert SUBMISSION_KEY not in edit.context["form"].fields


@pytest.mark.parametrize("path, values", [
    ("/api/actor-offers/", {"text": "Sterrencamera's", "use": "civil"}),
    ("/api/actor-seeks/", {"kind": "partners", "text": "Een integrator"}),
])
def test_an_offer_or_wish_request_sent_twice_with_its_key_adds_one(representative, path, values):
    from visd.profiles.models import Offer, Seek

    actor, rep = representative
    api = api_as(rep)
    request = dict(values, submission_key=str(uuid.uuid4()))
    first = api.post(path, request, format="json")
    assert first.status_code == 201, first.json()
    again = api.post(path, request, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    model = Offer if "offers" in path else Seek
    assert model.objects.filter(profile_id=actor.pk).count() == 1
    # a change may carry a key; it changes the entry and adds nothing
    changed = api.patch(f"{path}{first.json()['id']}/", {"text": "Anders", "version": first.json()["version"],
                                                         "submission_key": str(uuid.uuid4())}, format="json")
    assert changed.status_code == 200 and model.objects.filter(profile_id=actor.pk).count() == 1


# --- facility providers: a proposal (a new facility, a claim, a change) ----------------------------

FACILITY = {"name": "Schokbuis", "city": "Gent", "testable": "Schokgolven tot Mach 8", "phases": ["test"],
            "trl_min": "3", "trl_max": "6", "lead_time": "vier weken"}


def test_a_new_facility_proposal_sent_twice_proposes_once(client, representative):
    from visd.facilities.models import FacilityChange

    actor, rep = representative
    client.force_login(rep)
    data = dict(FACILITY, submission_key=page_key(client.get("/facilities/new/")))
    first = client.post("/facilities/new/", data)
    assert first.status_code == 302
    again = client.post("/facilities/new/", data, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    change = FacilityChange.objects.get(actor=actor)  # one proposal, not two
    assert change.kind == "new" and again.redirect_chain[-1][0] == first.url == change.get_absolute_url()
    assert "already been sent; nothing was added a second time" in messages_of(again)
    # another form (its own key) is another proposal
    other = dict(FACILITY, name="Windtunnel", submission_key=page_key(client.get("/facilities/new/")))
    assert client.post("/facilities/new/", other).status_code == 302
    assert FacilityChange.objects.filter(actor=actor).count() == 2
    # a form without its key is refused with the one message, and proposes nothing
    refused = client.post("/facilities/new/", dict(FACILITY, name="Zonder sleutel"), HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200 and "reload the page" in refused.content.decode()
    assert FacilityChange.objects.filter(actor=actor).count() == 2


def test_a_claim_sent_twice_says_so_instead_of_refusing_the_second_copy(client, representative):
    """Without the key, the second copy met the one-pending-proposal rule and was refused with an
    error, although the first copy had been recorded."""
    from visd.facilities.models import FacilityChange, Infrastructure

    actor, rep = representative
    facility = Infrastructure.objects.create(name="Akoestisch bassin", origin="meril")
    client.force_login(rep)
    url = f"/facilities/{facility.pk}/propose/"
    data = dict(FACILITY, name=facility.name, version=facility.version, submission_key=page_key(client.get(url)))
    assert client.post(url, data).status_code == 302
    again = client.post(url, data, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "already been sent" in messages_of(again) and "already waiting" not in again.content.decode()
    assert FacilityChange.objects.get(facility=facility).kind == "claim"


def test_a_proposal_losing_the_race_returns_the_first_copy(representative):
    """Two copies of a new facility's form at the same moment: the second insert fails on the unique
    key (the action turns that into its one-pending-proposal refusal) and answers with the first."""
    from visd.facilities import actions as facility_actions
    from visd.facilities.models import FacilityChange

    actor, rep = representative
    key = uuid.uuid4()
    winner = FacilityChange.objects.create(kind="new", actor=actor, values={"name": "Schokbuis"}, submitted_by=rep,
                                           submission_key=key)
    values = {"name": "Schokbuis", "domains": [], "contact_person": None}
    with missing_once():
        change, created = facility_actions.propose_once(None, values, actor=actor, user=rep, submission_key=key)
    assert (change, created) == (winner, False)
    assert FacilityChange.objects.count() == 1


# --- the central project database: a new VISD project (page and API) -------------------------------

def test_a_new_visd_project_sent_twice_is_recorded_once(client, world, users):
    from visd.projects.models import VisdProject

    client.force_login(users["pm_of_a"])
    url = reverse("projects:visd_create")
    data = {"title": "Drone-dok", "kind": "research_fund", "domain": world.maritime.pk,
            "submission_key": page_key(client.get(url))}
    first = client.post(url, data)
    assert first.status_code == 302
    again = client.post(url, data, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    project = VisdProject.objects.get(title="Drone-dok")
    assert again.redirect_chain[-1][0] == first.url == project.get_absolute_url()
    assert "already been sent" in messages_of(again)
    # the edit form of that project carries its version, not a key
    edit = client.get(reverse("projects:visd_edit", args=[project.pk]))
    assert SUBMISSION_KEY not in edit.context["form"].fields and "version" in edit.context["form"].fields


def test_a_visd_project_request_sent_twice_with_its_key_is_recorded_once(world, users):
    from visd.projects.models import VisdProject

    api = api_as(users["pm_of_a"])
    request = {"title": "Drone-dok", "kind": "edf", "domain": world.maritime.pk, "submission_key": str(uuid.uuid4())}
    first = api.post("/api/visd-projects/", request, format="json")
    assert first.status_code == 201, first.json()
    again = api.post("/api/visd-projects/", request, format="json")  # a retry after a lost answer
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert again["Location"] == first["Location"] and SUBMISSION_KEY not in again.json()
    assert VisdProject.objects.filter(title="Drone-dok").count() == 1
    assert api.post("/api/visd-projects/", dict(request, submission_key=None), format="json").status_code == 201
    assert VisdProject.objects.filter(title="Drone-dok").count() == 2  # no key: recorded every time
    # a change may carry a key; it changes the project and records nothing
    changed = api.patch(f"/api/visd-projects/{first.json()['id']}/", {
        "title": "Drone-dok 2", "version": first.json()["version"], "submission_key": str(uuid.uuid4())}, format="json")
    assert changed.status_code == 200 and VisdProject.objects.count() == 2


# --- consortium workspaces: a new consortium, a new member ------------------------------------------

def test_a_new_consortium_sent_twice_makes_one_workspace(client, users):
    from visd.consortia.models import Consortium

    client.force_login(users["coordinator"])
    url = reverse("consortia:create")
    data = {"title": "Kwantumsonar", "action": "research", "funding_base": "research",
            "submission_key": page_key(client.get(url))}
    first = client.post(url, data)
    assert first.status_code == 302, first.content.decode()[:2000]
    again = client.post(url, data, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    consortium = Consortium.objects.get()
    assert again.redirect_chain[-1][0] == first.url == consortium.get_absolute_url()
    assert "already been sent" in messages_of(again)
    assert consortium.created_by == users["coordinator"] and consortium.history.get().history_user == users["coordinator"]
    edit = client.get(reverse("consortia:edit", args=[consortium.pk]))
    assert SUBMISSION_KEY not in edit.context["form"].fields and "version" in edit.context["form"].fields


def test_a_member_add_form_sent_twice_adds_the_member_once(client, world, users):
    """A member added by name has no other guard: without the key, a double click added it twice. A
    registry organisation was refused the second time as "already a member"; now the page says the
    form was sent before. Each add form on the page has its own key."""
    from visd.consortia.models import Consortium

    consortium = Consortium.objects.create(title="Kwantumsonar")
    client.force_login(users["coordinator"])
    detail = reverse("consortia:detail", args=[consortium.pk])
    add = reverse("consortia:member_add", args=[consortium.pk])
    page = client.get(detail, {"q": world.actor_a.name})
    by_name = {"name": "Lyon Optique", "country": "FR", "role": "beneficiary",
               "submission_key": page_key(page, "new_member_form")}
    (found, found_form), = page.context["found"]
    from_registry = {"actor": found.pk, "role": "coordinator", "submission_key": str(found_form.initial[SUBMISSION_KEY])}
    assert from_registry["submission_key"] != by_name["submission_key"]
    html = page.content.decode()
    keys = re.findall(r'name="submission_key" value="([0-9a-f-]{36})"', html)
    assert len(keys) == html.count(f'action="{add}"') >= 2 and len(set(keys)) == len(keys)  # one key per add form
    for data in (by_name, from_registry):
        assert client.post(add, data).status_code == 302
        again = client.post(add, data, follow=True, HTTP_ACCEPT_LANGUAGE="en")
        assert "already been sent" in messages_of(again) and "already a member" not in messages_of(again)
    assert sorted(consortium.members.values_list("name", flat=True)) == sorted(["Lyon Optique", found.display_name])
    refused = client.post(add, dict(by_name, submission_key=""), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "reload the page" in messages_of(refused) and consortium.members.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_people_adding_the_same_organisation_at_once_add_it_once(world, users):
    """Two add forms, each with its own key, for the same registry organisation at the same moment:
    the key cannot tell them apart, the consortium's row lock does. Each thread checks membership
    slowly (a pause after the check), so without the lock both would find none and both insert."""
    from visd.consortia import actions as consortium_actions
    from visd.consortia.models import Consortium

    if connection.vendor == "sqlite":
        pytest.skip("needs a database where a second writer waits for the first (PostgreSQL)")
    consortium = Consortium.objects.create(title="Kwantumsonar")
    barrier, results, errors = threading.Barrier(2, timeout=10), [], []
    real_clean = consortium_actions._clean_member

    def slow_clean(*args, **kwargs):
        import time

        time.sleep(0.5)  # between the membership check and the insert
        return real_clean(*args, **kwargs)

    def add():
        try:
            barrier.wait()
            results.append(consortium_actions.add_member_once(
                consortium, {"role": "beneficiary"}, acting_user=users["coordinator"], actor=world.actor_a,
                submission_key=uuid.uuid4()))
        except ValidationError as refused:
            errors.append(refused)
        finally:
            connection.close()

    with mock.patch.object(consortium_actions, "_clean_member", slow_clean):
        threads = [threading.Thread(target=add) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert len(results) == 1 and len(errors) == 1, (results, errors)
    assert "already a member" in str(errors[0])
    assert consortium.members.filter(actor=world.actor_a).count() == 1
