"""E-mail notices of facility proposals and B2B meeting requests (``visd.core.notices``): the right
people get exactly one message per event, only once the write commits, in their language, with the
reason of a decision, and nobody outside the reviewers' scope is mailed."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from visd.actors.models import Actor, ActorTag
from visd.core.locking import EditConflict
from visd.events.models import Event
from visd.facilities import actions as facility_actions
from visd.facilities.models import ChangeStatus, Infrastructure
from visd.meetings import actions as meeting_actions
from visd.meetings.models import Participant
from visd.onboarding.models import Claim, ClaimStatus
from visd.stakeholders.models import Contact, LegalBasis
from visd.taxonomy.models import Concept, Portfolio, Scheme


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _mailed(user, email):
    user.email = email
    user.save()
    return user


def facility_values(**changes):
    base = {"name": "Shock tube", "description_nl": "", "description_en": "", "city": "Sint-Genesius-Rode",
            "website": "", "testable": "Shock waves", "phases": ["test"], "trl_min": 3, "trl_max": 6,
            "access_conditions": "On request", "lead_time": "four weeks", "market_terms": True,
            "training_required": False, "training_details": "", "contact_name": "Testing office",
            "contact_email": "tests@vki.example", "contact_url": "", "domains": ["luchtvaart-uav"],
            "contact_person": None}
    base.update(changes)
    return base


@pytest.fixture
def world(db, make_user):
    portfolio = Portfolio.objects.create(code="air", name_nl="Lucht", name_en="Air", source="test")
    Portfolio.objects.create(code="sea", name_nl="Zee", name_en="Sea", source="test")
    air = Concept.objects.create(scheme=Scheme.FOCUS_DOMAIN, code="luchtvaart-uav", label_nl="Luchtvaart",
                                 label_en="Aviation", order=1, source="test", portfolio=portfolio)
    vki = Actor.objects.create(name="Von Karman Institute", kind="research", country="BE")
    ActorTag.objects.create(actor=vki, concept=air, origin="curated")
    rep = _mailed(make_user("actor_user", "rep", actor=vki), "rep@vki.example")
    Claim.objects.create(actor=vki, user=rep, first_name="Rita", last_name="Rep", email="rep@vki.example",
                         language="en", status=ClaimStatus.APPROVED, consent_text="-", consent_at=timezone.now())
    return {
        "vki": vki, "rep": rep,
        "pm": _mailed(make_user("programme_manager", "pm-air", portfolios=["air"]), "pm-air@visd.example"),
        "pm_sea": _mailed(make_user("programme_manager", "pm-sea", portfolios=["sea"]), "pm-sea@visd.example"),
        "coordinator": _mailed(make_user("coordinator", "coord"), "coord@visd.example"),
        "defence": _mailed(make_user("defence", "dgmr"), "dgmr@mil.example"),
    }


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


# --- facility proposals ---------------------------------------------------------------------------

def test_a_new_proposal_mails_each_reviewer_in_scope_once_and_nobody_else(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        change = facility_actions.propose_change(None, facility_values(), actor=world["vki"], user=world["rep"])
    # the programme manager of the organisation's domain and management; not the manager of another
    # portfolio, not the defence role, not the provider
    assert recipients() == ["coord@visd.example", "pm-air@visd.example"]
    assert all(len(message.to) == 1 for message in mail.outbox)
    message = mail.outbox[0]
    assert "Shock tube" in message.subject and "Von Karman Institute" in message.body
    assert reverse("facilities:change", args=[change.pk]) in message.body
    assert "rep@vki.example" not in message.body and "Rita" not in message.body  # not the proposer's personal data


def test_a_refused_or_rolled_back_proposal_mails_nobody(world, django_capture_on_commit_callbacks):
    facility = Infrastructure.objects.create(name="Wind tunnel", operator=world["vki"], validation="validated")
    with django_capture_on_commit_callbacks(execute=True):
        facility_actions.propose_change(facility, facility_values(name="Wind tunnel"), actor=world["vki"],
                                        user=world["rep"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ValidationError, match="already waiting"):
            facility_actions.propose_change(facility, facility_values(name="Wind tunnel"), actor=world["vki"],
                                            user=world["rep"])
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                facility_actions.propose_change(None, facility_values(name="Other"), actor=world["vki"],
                                                user=world["rep"])
                raise RuntimeError("a later step failed")
    assert mail.outbox == []


def test_the_provider_is_told_of_a_rejection_with_the_reason_in_their_language(world,
                                                                              django_capture_on_commit_callbacks):
    change = facility_actions.propose_change(None, facility_values(), actor=world["vki"], user=world["rep"])
    Claim.objects.filter(user=world["rep"]).update(language="nl")
    with django_capture_on_commit_callbacks(execute=True):
        facility_actions.reject_change(change.pk, acting_user=world["pm"], reason="Geen testfaciliteit maar een labo.")
    assert recipients() == ["rep@vki.example"]
    message = mail.outbox[0]
    assert "Geen testfaciliteit maar een labo." in message.body
    assert "niet goedgekeurd" in message.subject  # Dutch: the language of the representative's claim
    assert "pm-air" not in message.body and "pm-air@visd.example" not in message.body
    assert reverse("facilities:provider") in message.body


def test_an_approval_mails_the_provider_once_and_a_failed_one_nobody(world, django_capture_on_commit_callbacks):
    facility = Infrastructure.objects.create(name="Wind tunnel", operator=world["vki"], validation="validated")
    change = facility_actions.propose_change(facility, facility_values(name="Wind tunnel", lead_time="two weeks"),
                                             actor=world["vki"], user=world["rep"])
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(EditConflict):  # the facility was saved since the page was shown: nothing written
            facility_actions.approve_change(change.pk, acting_user=world["coordinator"], reason="ok",
                                            expected_version=facility.version + 5)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        facility_actions.approve_change(change.pk, acting_user=world["coordinator"], reason="Welcome aboard.")
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED
    assert recipients() == ["rep@vki.example"]
    assert "approved" in mail.outbox[0].subject and "Welcome aboard." in mail.outbox[0].body


def test_the_pages_mail_with_absolute_links(world, client, django_capture_on_commit_callbacks):
    change = facility_actions.propose_change(None, facility_values(), actor=world["vki"], user=world["rep"])
    client.force_login(world["pm"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("facilities:change", args=[change.pk]),
                               {"decision": "reject", "reason": "Not a test facility."})
    assert response.status_code in (200, 302)
    assert recipients() == ["rep@vki.example"]
    assert "http://testserver" + reverse("facilities:provider") in mail.outbox[0].body


# --- B2B meeting requests -------------------------------------------------------------------------

@pytest.fixture
def b2b(db, make_user):
    organiser = make_user("coordinator", "organiser")
    a = Actor.objects.create(name="Scheldt Drone Systems", kind="company", country="BE")
    b = Actor.objects.create(name="Kempen Cyber", kind="company", country="BE")
    user_a = _mailed(make_user("actor_user", "rep-a", actor=a), "griet@scheldt.example")
    user_b = _mailed(make_user("actor_user", "rep-b", actor=b), "account-b@kempen.example")
    # b's registration is linked to its contact, who reads English: notices go to that address
    Contact.objects.create(actor=b, first_name="Jonas", last_name="Kempen", email="account-b@kempen.example",
                           languages="en", legal_basis=LegalBasis.PUBLIC_TASK)
    event = Event.objects.create(title="DIF-Day", kind="dif_day", date=timezone.localdate())
    matchmaking = meeting_actions.open_matchmaking(event, {
        "tables": 2, "table_names": "", "max_meetings": None,
        "registration_deadline": timezone.now() + datetime.timedelta(hours=1),
        "request_deadline": timezone.now() + datetime.timedelta(hours=2), "response_days": None,
    }, "09:00-09:30\n09:30-10:00", acting_user=organiser)
    pa = meeting_actions.join(matchmaking, user_a, name="Griet Schelde", acting_user=user_a)
    pb = meeting_actions.join(matchmaking, user_b, name="Jonas Kempen", acting_user=user_b)
    Contact.objects.filter(actor=b).update(email="jonas@kempen.example")  # the contact's address, not the account's
    fresh = Participant.objects.select_related("registration__contact")
    return {"organiser": organiser, "user_a": user_a, "user_b": user_b, "a": fresh.get(pk=pa.pk), "b": fresh.get(pk=pb.pk)}


def test_a_request_mails_the_recipients_contact_once_with_the_link_to_answer(b2b, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = meeting_actions.request_meeting(b2b["a"], b2b["b"], message="Drones + cyber?",
                                                  acting_user=b2b["user_a"])
    assert recipients() == ["jonas@kempen.example"]
    message = mail.outbox[0]
    assert "Scheldt Drone Systems" in message.subject and "Drones + cyber?" in message.body
    assert message.subject.startswith("VISD Hub: meeting request")  # the contact reads English
    assert reverse("meetings:participant", args=[b2b["b"].pk]) in message.body
    assert "griet@scheldt.example" not in message.body  # the requester's address is not given away
    assert request.status == "pending"


def test_the_answer_mails_the_requester_and_a_rolled_back_one_nobody(b2b, django_capture_on_commit_callbacks):
    request = meeting_actions.request_meeting(b2b["a"], b2b["b"], acting_user=b2b["user_a"])
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                meeting_actions.answer_request(request, accept=True, acting_user=b2b["user_b"])
                raise RuntimeError("a later step failed")
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        meeting_actions.answer_request(request, accept=False, acting_user=b2b["user_b"])
        with pytest.raises(ValidationError, match="already answered"):
            meeting_actions.answer_request(request, accept=True, acting_user=b2b["user_b"])
    assert recipients() == ["griet@scheldt.example"]
    # a's registration has no contact and its representative no claim: the site's language, Dutch
    assert "geweigerd" in mail.outbox[0].subject and "Kempen Cyber" in mail.outbox[0].body


def test_an_accepted_request_mails_the_requester_and_the_organisers_meeting_nobody(b2b,
                                                                                   django_capture_on_commit_callbacks):
    request = meeting_actions.request_meeting(b2b["a"], b2b["b"], acting_user=b2b["user_a"])
    with django_capture_on_commit_callbacks(execute=True):
        meeting_actions.answer_request(request, accept=True, acting_user=b2b["user_b"])
    assert recipients() == ["griet@scheldt.example"] and "aanvaard" in mail.outbox[0].subject
    mail.outbox.clear()
    request.delete()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_actions.request_meeting(b2b["a"], b2b["b"], acting_user=b2b["organiser"], by_organiser=True)
    assert mail.outbox == []  # accepted at once: nothing to answer


def test_the_api_and_the_page_mail_with_absolute_links(b2b, client, django_capture_on_commit_callbacks):
    client.force_login(b2b["user_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/meeting-requests/", {"recipient": b2b["b"].pk, "message": "Hi"},
                               content_type="application/json")
    assert response.status_code == 201, response.content
    assert recipients() == ["jonas@kempen.example"]
    assert "http://testserver" + reverse("meetings:participant", args=[b2b["b"].pk]) in mail.outbox[0].body
    mail.outbox.clear()
    client.force_login(b2b["user_b"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("meetings:answer", args=[response.json()["id"]]), {"answer": "accept"})
    assert recipients() == ["griet@scheldt.example"]
    assert "http://testserver" + reverse("meetings:participant", args=[b2b["a"].pk]) in mail.outbox[0].body
