"""Joining the ecosystem (issue 14 item 1): the public application, the e-mail confirmation, the
claim queue, approval and rejection, contested claims, expiry, bad input, honeypot, rate limit and
who may decide. The registry is ``stakeholder_world``'s: actor A (maritime), actor B (cyber)."""

import datetime
import re
import uuid

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from stakeholder_world import *  # noqa: F403 (fixtures)

from visd.actors.models import Actor, Region
from visd.core import permissions
from visd.core.models import Role
from visd.onboarding import actions
from visd.onboarding.models import Claim, ClaimStatus
from visd.stakeholders.models import Contact, LegalBasis

VALID_KBO = "0417.497.106"  # 97 - 4174971 % 97 = 6
WRONG_KBO = "0417.497.107"
LINK = re.compile(r"https?://\S+")


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def applicant(**overrides):
    data = {"first_name": "Sofie", "last_name": "Claeys", "job_title": "CEO", "email": "sofie@dronelab.example.be",
            "consent": "on", "homepage": "", "submission_key": str(uuid.uuid4())}
    data.update(overrides)
    return data


def new_organisation(**overrides):
    data = applicant(org_name="Dronelab Kortrijk", org_kbo=VALID_KBO, org_postcode="8500", org_city="Kortrijk",
                     org_kind="company")
    data.update(overrides)
    return data


def link_in(message) -> str:
    return LINK.search(message.body).group(0)


def confirm(client, message):
    path = link_in(message).split("testserver", 1)[1]
    assert client.get(path).status_code == 200
    return client.post(path)


# --- the whole flow -------------------------------------------------------------------------------

def test_a_new_organisation_registers_in_dutch_and_becomes_its_representative(client, world, users, django_user_model):
    page = client.get(reverse("onboarding:new"), HTTP_ACCEPT_LANGUAGE="nl")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Nieuwe organisatie registreren" in html and "toestemming" in html
    response = client.post(reverse("onboarding:new"), new_organisation(), HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 302 and response["Location"] == reverse("onboarding:sent")
    claim = Claim.objects.get()
    assert claim.status == ClaimStatus.UNCONFIRMED and claim.actor is None and claim.language == "nl"
    assert claim.org_kbo == "0417497106" and "VISD" in claim.consent_text
    assert not Actor.objects.filter(kbo="0417497106").exists()  # nothing in the registry yet
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sofie@dronelab.example.be"]
    assert "bevestig" in mail.outbox[0].subject.lower()

    confirmed = confirm(client, mail.outbox[0])
    assert "wacht" in confirmed.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING and claim.confirmed_at and not claim.contested

    # A new organisation has no domain: any programme manager sees and decides it.
    client.force_login(users["pm_other"])
    queue = client.get(reverse("onboarding:queue")).content.decode()
    assert "Dronelab Kortrijk" in queue
    mail.outbox.clear()
    response = client.post(reverse("onboarding:claim", args=[claim.pk]), {"decision": "approve", "reason": ""})
    assert response.status_code == 302
    claim.refresh_from_db()
    actor = Actor.objects.get(kbo="0417497106")
    assert claim.status == ClaimStatus.APPROVED and claim.actor == actor and claim.decided_by == users["pm_other"]
    assert actor.region == Region.FLANDERS and actor.postcode == "8500" and actor.kind == "company"
    user = django_user_model.objects.get(email="sofie@dronelab.example.be")
    assert user.profile.role == Role.ACTOR_USER and user.profile.actor == actor and not user.has_usable_password()
    assert not user.is_staff and not user.is_superuser
    contact = Contact.objects.get(actor=actor)
    assert (contact.first_name, contact.last_name, contact.email) == ("Sofie", "Claeys", "sofie@dronelab.example.be")
    assert contact.legal_basis == LegalBasis.CONSENT and contact.consent_date == timezone.localdate()
    assert claim.consent_text in contact.legal_basis_note
    assert claim.history.first().history_user == users["pm_other"]
    assert actor.history.get().history_user == users["pm_other"]

    # The applicant chooses a password through the link and logs in.
    assert mail.outbox[0].to == ["sofie@dronelab.example.be"]
    client.logout()
    path = link_in(mail.outbox[0]).split("testserver", 1)[1]
    form = client.get(path, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    done = client.post(form.redirect_chain[-1][0], {"new_password1": "Zeer-lang-w8woord", "new_password2": "Zeer-lang-w8woord"})
    assert done.status_code == 302
    assert client.login(username=user.username, password="Zeer-lang-w8woord")
    user.refresh_from_db()
    # The representative role for exactly that organisation, and nothing more.
    assert permissions.role_of(user) == Role.ACTOR_USER
    assert permissions.can_edit_actor(user, actor)
    assert not permissions.can_edit_actor(user, world.actor_a) and not permissions.can_edit_actor(user, world.actor_b)
    assert list(permissions.editable_actors(user)) == [actor]
    assert not permissions.is_visd_staff(user) and not permissions.can_view_claim_queue(user)
    assert not permissions.can_edit_stakeholder_records(user, actor)
    assert client.get(reverse("onboarding:queue")).status_code == 403


def unrepresented(users):
    """Actor A without its representative (``stakeholder_world`` gives it one): a plain claim."""
    profile = users["actor_user_a"].profile
    profile.role, profile.actor = Role.NONE, None
    profile.save()


def claim_of(client, actor, **overrides):
    response = client.post(reverse("onboarding:apply", args=[actor.pk]), applicant(**overrides))
    assert response.status_code == 302, response.content.decode()[:3000]
    return Claim.objects.filter(actor=actor).latest("pk")


def test_an_existing_record_is_found_by_kbo_vat_and_pic_and_claimed(client, world, users, django_user_model):
    unrepresented(users)
    Actor.objects.filter(pk=world.actor_a.pk).update(kbo="0417497106", pic="999888777")
    for query in (VALID_KBO, "BE0417497106", "999888777", "Zeebrugge"):
        page = client.get(reverse("onboarding:join"), {"q": query}).content.decode()
        assert reverse("onboarding:apply", args=[world.actor_a.pk]) in page, query
        assert "Gent Cyber Labs" not in page
    claim = claim_of(client, world.actor_a)
    confirm(client, mail.outbox[0])
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING
    # The programme manager of the maritime portfolio is told; the cyber one is not.
    assert not [m for m in mail.outbox[1:] if "pm-cyber@example.be" in m.to]

    client.force_login(users["pm_of_a"])
    assert "Zeebrugge Marine Systems" in client.get(reverse("onboarding:queue")).content.decode()
    client.post(reverse("onboarding:claim", args=[claim.pk]), {"decision": "approve", "reason": "Welkom"})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    user = django_user_model.objects.get(email="sofie@dronelab.example.be")
    assert user.profile.actor == world.actor_a and Actor.objects.count() == 2
    assert "Welkom" in mail.outbox[-1].body


def test_the_programme_managers_of_the_domain_are_told_of_a_confirmed_claim(client, world, users):
    users["pm_of_a"].email = "pm-maritiem@example.be"
    users["pm_of_a"].save()
    users["pm_other"].email = "pm-cyber@example.be"
    users["pm_other"].save()
    claim_of(client, world.actor_a)
    confirm(client, mail.outbox[0])
    told = [address for message in mail.outbox[1:] for address in message.to]
    assert told == ["pm-maritiem@example.be"]


# --- contested, rejected, expired -----------------------------------------------------------------

def test_a_claim_on_a_represented_organisation_is_contested_and_never_granted_silently(client, world, users):
    representative = users["actor_user_a"]
    representative.email = "rep@zeebrugge.example.be"
    representative.save()
    users["pm_of_a"].email = "pm-maritiem@example.be"
    users["pm_of_a"].save()
    claim = claim_of(client, world.actor_a)
    confirm(client, mail.outbox[0])
    claim.refresh_from_db()
    assert claim.contested and claim.status == ClaimStatus.PENDING
    told = {address for message in mail.outbox[1:] for address in message.to}
    assert told == {"rep@zeebrugge.example.be", "pm-maritiem@example.be"}
    to_rep = next(m for m in mail.outbox if m.to == ["rep@zeebrugge.example.be"])
    assert "Sofie Claeys" in to_rep.body and "sofie@dronelab" not in to_rep.body

    client.force_login(users["pm_of_a"])
    assert "Betwiste claim" in client.get(reverse("onboarding:queue")).content.decode()
    url = reverse("onboarding:claim", args=[claim.pk])
    refused = client.post(url, {"decision": "approve", "reason": ""})
    assert refused.status_code == 200 and "vertegenwoordiger" in refused.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING and not Contact.objects.filter(email="sofie@dronelab.example.be").exists()
    client.post(url, {"decision": "approve", "reason": "Afgestemd met beide", "confirm_contested": "on"})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.contested
    assert "contested" in claim.history.first().history_change_reason


def test_a_representative_appearing_after_confirmation_still_needs_a_decision(client, world, users):
    claim = claim_of(client, world.actor_b)
    confirm(client, mail.outbox[0])
    claim.refresh_from_db()
    assert not claim.contested
    from django.contrib.auth import get_user_model

    rep = get_user_model().objects.create_user("rep-b")
    rep.profile.role, rep.profile.actor = Role.ACTOR_USER, world.actor_b
    rep.profile.save()
    with pytest.raises(Exception, match="representative|vertegenwoordiger"):
        actions.approve_claim(claim.pk, acting_user=users["coordinator"], build_url=lambda p: p)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING


def test_rejection_needs_a_reason_tells_the_applicant_and_changes_nothing(client, world, users, django_user_model):
    claim = claim_of(client, world.actor_b)
    confirm(client, mail.outbox[0])
    client.force_login(users["coordinator"])
    url = reverse("onboarding:claim", args=[claim.pk])
    assert "reden" in client.post(url, {"decision": "reject", "reason": "  "}).content.decode().lower()
    mail.outbox.clear()
    client.post(url, {"decision": "reject", "reason": "Geen band met deze organisatie."})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED and claim.decided_by == users["coordinator"]
    assert mail.outbox[0].to == ["sofie@dronelab.example.be"] and "Geen band" in mail.outbox[0].body
    assert not django_user_model.objects.filter(email="sofie@dronelab.example.be").exists()
    assert not Contact.objects.filter(email="sofie@dronelab.example.be").exists()
    # Decided once: a second decision is refused.
    again = client.post(url, {"decision": "approve", "reason": ""})
    assert again.status_code == 200 and Claim.objects.get(pk=claim.pk).status == ClaimStatus.REJECTED


def test_an_unconfirmed_application_expires_and_changes_nothing(client, world, users):
    client.post(reverse("onboarding:new"), new_organisation())
    claim = Claim.objects.get()
    Claim.objects.filter(pk=claim.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    path = link_in(mail.outbox[0]).split("testserver", 1)[1]
    response = client.post(path)
    assert response.status_code == 400 and "verlopen" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.EXPIRED
    assert Actor.objects.count() == 2 and not Contact.objects.filter(email=claim.email).exists()
    # The applicant may apply again.
    assert client.post(reverse("onboarding:new"), new_organisation()).status_code == 302


def test_the_expiry_command_marks_old_unconfirmed_claims_only(client, world):
    claim_of(client, world.actor_a)
    old = claim_of(client, world.actor_b)
    Claim.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    call_command("expire_claims")
    assert Claim.objects.get(pk=old.pk).status == ClaimStatus.EXPIRED
    assert Claim.objects.get(actor=world.actor_a).status == ClaimStatus.UNCONFIRMED
    assert Claim.objects.get(pk=old.pk).history.first().history_change_reason.startswith("Expired")


def test_a_confirmation_link_is_signed_single_use_and_a_get_confirms_nothing(client, world):
    claim = claim_of(client, world.actor_a)
    path = link_in(mail.outbox[0]).split("testserver", 1)[1]
    client.get(path)
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.UNCONFIRMED
    tampered = reverse("onboarding:confirm", args=[actions.confirmation_token(claim)[:-2] + "xx"])
    assert client.post(tampered).status_code == 400
    client.post(path)
    client.post(path)
    assert Claim.objects.get(pk=claim.pk).history.filter(status=ClaimStatus.PENDING).count() == 1


# --- bad input ------------------------------------------------------------------------------------

def test_a_wrong_kbo_check_digit_is_refused_with_a_clear_message(client, world):
    page = client.get(reverse("onboarding:join"), {"q": WRONG_KBO}).content.decode()
    assert "controlecijfers" in page
    response = client.post(reverse("onboarding:new"), new_organisation(org_kbo=WRONG_KBO))
    assert response.status_code == 200 and "geen geldig ondernemingsnummer" in response.content.decode()
    assert not Claim.objects.exists() and not mail.outbox


def test_an_unknown_pic_says_so(client, world):
    page = client.get(reverse("onboarding:join"), {"q": "912345678"}).content.decode()
    assert "912345678" in page and "PIC" in page and reverse("onboarding:new") in page


def test_a_new_organisation_already_in_the_registry_must_be_claimed_instead(client, world):
    Actor.objects.filter(pk=world.actor_a.pk).update(kbo="0417497106")
    response = client.post(reverse("onboarding:new"), new_organisation())
    assert "Zeebrugge Marine Systems" in response.content.decode() and not Claim.objects.exists()


def test_a_postcode_outside_belgium_is_refused(client, world):
    response = client.post(reverse("onboarding:new"), new_organisation(org_postcode="75001"))
    assert response.status_code == 200 and not Claim.objects.exists()
    assert "postcode" in response.content.decode().lower()


def test_a_second_claim_by_the_same_address_for_the_same_organisation_is_refused(client, world):
    claim_of(client, world.actor_a)
    second = client.post(reverse("onboarding:apply", args=[world.actor_a.pk]), applicant(email="SOFIE@dronelab.example.be"))
    assert second.status_code == 200 and "al aangevraagd" in second.content.decode()
    assert Claim.objects.count() == 1 and len(mail.outbox) == 1
    # Confirmed (pending), still refused; another organisation is fine.
    confirm(client, mail.outbox[0])
    assert client.post(reverse("onboarding:apply", args=[world.actor_a.pk]), applicant()).status_code == 200
    assert client.post(reverse("onboarding:apply", args=[world.actor_b.pk]), applicant()).status_code == 302
    assert Claim.objects.count() == 2


def test_the_same_form_sent_twice_creates_one_claim_and_one_mail(client, world):
    data = applicant()
    url = reverse("onboarding:apply", args=[world.actor_a.pk])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Claim.objects.count() == 1 and len(mail.outbox) == 1
    without_key = dict(data, submission_key="")
    assert client.post(url, without_key).status_code == 200 and Claim.objects.count() == 1


def test_hostile_text_is_stored_as_text_and_escaped(client, world, users):
    hostile = "<script>alert('x')</script>"
    client.post(reverse("onboarding:new"), new_organisation(org_name=hostile, first_name="=HYPERLINK(\"x\")"))
    claim = Claim.objects.get()
    assert claim.org_name == hostile
    confirm(client, mail.outbox[0])
    client.force_login(users["coordinator"])
    for url in (reverse("onboarding:queue"), reverse("onboarding:claim", args=[claim.pk])):
        html = client.get(url).content.decode()
        assert hostile not in html and "&lt;script&gt;" in html


def test_oversized_fields_are_refused_and_nothing_is_written(client, world):
    response = client.post(reverse("onboarding:new"), new_organisation(org_name="x" * 301, first_name="y" * 101,
                                                                       email="a" * 250 + "@example.be"))
    html = response.content.decode()
    assert response.status_code == 200 and "300" in html and "100" in html
    assert not Claim.objects.exists() and not mail.outbox


def test_consent_is_required(client, world):
    data = applicant()
    del data["consent"]
    response = client.post(reverse("onboarding:apply", args=[world.actor_a.pk]), data)
    assert response.status_code == 200 and "toestemming" in response.content.decode()
    assert not Claim.objects.exists()


def test_a_filled_honeypot_stores_nothing(client, world):
    response = client.post(reverse("onboarding:apply", args=[world.actor_a.pk]),
                           applicant(homepage="http://spam.example"))
    assert response.status_code == 200 and not Claim.objects.exists() and not mail.outbox


def test_the_public_forms_are_rate_limited_per_client_address(client, world, settings):
    settings.VISD_ONBOARDING_RATE_LIMIT = 2
    url = reverse("onboarding:apply", args=[world.actor_a.pk])
    assert client.post(url, applicant(email="a@example.be")).status_code == 302
    assert client.post(url, applicant(email="b@example.be")).status_code == 302
    blocked = client.post(url, applicant(email="c@example.be"))
    assert blocked.status_code == 429 and "later" in blocked.content.decode()
    assert Claim.objects.count() == 2
    # Another client address is counted on its own.
    assert client.post(url, applicant(email="d@example.be"), REMOTE_ADDR="10.0.0.9").status_code == 302


# --- who may decide -------------------------------------------------------------------------------

@pytest.fixture
def pending_claim_on_a(client, world, users):
    unrepresented(users)
    claim = claim_of(client, world.actor_a)
    confirm(client, mail.outbox[0])
    claim.refresh_from_db()
    return claim


def test_anonymous_visitors_and_actor_users_cannot_see_the_queue(client, pending_claim_on_a, users, world, make_user):
    users["actor_user_b"] = make_user("actor_user", username="actor-b", password=None, actor=world.actor_b)
    for url in (reverse("onboarding:queue"), reverse("onboarding:claim", args=[pending_claim_on_a.pk])):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]
    for role in ("actor_user_b", "no_role"):
        client.force_login(users[role])
        assert client.get(reverse("onboarding:queue")).status_code == 403
        assert client.post(reverse("onboarding:claim", args=[pending_claim_on_a.pk]),
                           {"decision": "approve"}).status_code == 403
    assert Claim.objects.get(pk=pending_claim_on_a.pk).status == ClaimStatus.PENDING


def test_a_programme_manager_of_another_domain_cannot_decide(client, pending_claim_on_a, users):
    client.force_login(users["pm_other"])
    assert "Zeebrugge" not in client.get(reverse("onboarding:queue")).content.decode()
    url = reverse("onboarding:claim", args=[pending_claim_on_a.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "approve"}).status_code == 404
    assert Claim.objects.get(pk=pending_claim_on_a.pk).status == ClaimStatus.PENDING
    with pytest.raises(Exception):  # noqa: B017 (PermissionDenied)
        actions.approve_claim(pending_claim_on_a.pk, acting_user=users["pm_other"], build_url=lambda p: p)


def test_the_coordinator_can_decide_any_claim(client, pending_claim_on_a, users):
    client.force_login(users["coordinator"])
    assert "Zeebrugge" in client.get(reverse("onboarding:queue")).content.decode()
    client.post(reverse("onboarding:claim", args=[pending_claim_on_a.pk]), {"decision": "approve"})
    assert Claim.objects.get(pk=pending_claim_on_a.pk).status == ClaimStatus.APPROVED


def test_the_claim_history_is_an_audit_trail(client, pending_claim_on_a, users):
    client.force_login(users["pm_of_a"])
    client.post(reverse("onboarding:claim", args=[pending_claim_on_a.pk]), {"decision": "approve"})
    reasons = [row.history_change_reason for row in pending_claim_on_a.history.order_by("history_date")]
    assert reasons[0].startswith("Application sent") and reasons[1].startswith("E-mail address confirmed")
    assert reasons[-1].startswith("Approved")
    page = client.get(reverse("history:record", args=["onboarding", "claim", pending_claim_on_a.pk]))
    assert page.status_code == 200


def test_the_home_page_invites_to_join_and_staff_find_the_queue(client, world, users):
    assert reverse("onboarding:join") in client.get(reverse("home")).content.decode()
    assert reverse("onboarding:queue") not in client.get(reverse("home")).content.decode()
    client.force_login(users["pm_of_a"])
    assert reverse("onboarding:queue") in client.get(reverse("home")).content.decode()


def test_the_pages_speak_english_too(client, world):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("onboarding:join"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Join the ecosystem" in html and "Sluit aan" not in html
    client.post(reverse("onboarding:apply", args=[world.actor_b.pk]), applicant(), HTTP_ACCEPT_LANGUAGE="en")
    assert Claim.objects.get().language == "en" and "confirm" in mail.outbox[0].subject.lower()


def test_a_ticked_box_does_not_make_an_uncontested_claim_contested(client, pending_claim_on_a, users):
    client.force_login(users["pm_of_a"])
    client.post(reverse("onboarding:claim", args=[pending_claim_on_a.pk]),
                {"decision": "approve", "confirm_contested": "on"})
    claim = Claim.objects.get(pk=pending_claim_on_a.pk)
    assert claim.status == ClaimStatus.APPROVED and not claim.contested


def test_the_new_organisation_form_shows_the_region_of_the_postcode(client, world, users):
    response = client.post(reverse("onboarding:new"), new_organisation(org_kbo=WRONG_KBO, org_postcode="1000"))
    assert "Brussels" in response.content.decode() or "Brussel" in response.content.decode()
    client.post(reverse("onboarding:new"), new_organisation())
    confirm(client, mail.outbox[0])
    client.force_login(users["coordinator"])
    assert "Vlaanderen" in client.get(reverse("onboarding:claim", args=[Claim.objects.get().pk])).content.decode()


def test_the_claim_history_and_admin_show_a_claim_only_to_those_who_may_decide_it(client, pending_claim_on_a, users):
    history = reverse("history:record", args=["onboarding", "claim", pending_claim_on_a.pk])
    admin_page = reverse("admin:onboarding_claim_change", args=[pending_claim_on_a.pk])
    assert client.get(history).status_code == 404
    for role in ("no_role", "pm_other"):
        client.force_login(users[role])
        assert client.get(history).status_code == 404
        assert "sofie@dronelab" not in client.get(admin_page).content.decode()
        assert "sofie@dronelab" not in client.get(reverse("admin:onboarding_claim_changelist")).content.decode()
    client.force_login(users["pm_of_a"])
    assert client.get(history).status_code == 200
    assert "sofie@dronelab" in client.get(admin_page).content.decode()
    assert not permissions.can_change(users["coordinator"], pending_claim_on_a)
