"""Validation of profile changes (issue 14 item 4; docs/onboarding.md "Validation").

An organisation's change shows at once to itself and to VISD staff; members, Defence and the public
see the version a programme manager approved, or at once for a trusted organisation. The queue shows
what changes, a rejection needs a reason, a decision on a version the reviewer did not see is refused,
withdrawals apply at once, waiting changes are reminded, and everything is in the history."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from visd.actors.models import Actor, ActorKind, ActorTag
from visd.core.models import Role
from visd.profiles import actions, review
from visd.profiles.models import Offer, ProfileStatement, Review, Tier
from visd.taxonomy.models import Concept, Portfolio, Scheme


@pytest.fixture
def world(db, make_user):
    space_portfolio = Portfolio.objects.create(code="p-space", name_nl="Ruimte", name_en="Space", source="test")
    cyber_portfolio = Portfolio.objects.create(code="p-cyber", name_nl="Cyber", name_en="Cyber", source="test")
    space = Concept.objects.create(scheme=Scheme.FOCUS_DOMAIN, code="space", label_nl="Ruimtevaart",
                                   label_en="Space", label_fr="Spatial", portfolio=space_portfolio, source="test")
    Concept.objects.create(scheme=Scheme.FOCUS_DOMAIN, code="cyber", label_nl="Cyber", label_en="Cyber",
                           label_fr="Cyber", portfolio=cyber_portfolio, source="test")
    org = Actor.objects.create(name="Orbit Sensors", kind=ActorKind.COMPANY, country="BE")
    ActorTag.objects.create(actor=org, concept=space)
    other = Actor.objects.create(name="Other Works", kind=ActorKind.COMPANY, country="BE")
    users = {
        "rep": make_user(Role.ACTOR_USER, username="rep", actor=org),
        "member": make_user(Role.ACTOR_USER, username="member", actor=other),
        "pm_space": make_user(Role.PROGRAMME_MANAGER, username="pm-space", portfolios=["p-space"]),
        "pm_cyber": make_user(Role.PROGRAMME_MANAGER, username="pm-cyber", portfolios=["p-cyber"]),
        "coordinator": make_user(Role.COORDINATOR, username="coordinator"),
        "defence": make_user(Role.DEFENCE, username="defence"),
    }
    for who, address in (("pm_space", "pm-space@example.org"), ("pm_cyber", "pm-cyber@example.org"),
                         ("coordinator", "coord@example.org")):
        users[who].email = address
        users[who].save()
    return {"org": org, "users": users, "space": space}


def _page(world, who) -> str:
    client = Client()
    if who != "anonymous":
        client.force_login(world["users"][who])
    return client.get(reverse("actors:detail", args=[world["org"].pk])).content.decode()


def _api(world, who) -> str:
    client = APIClient()
    if who != "anonymous":
        client.force_login(world["users"][who])
    org = world["org"].pk
    return (client.get(f"/api/actor-profiles/{org}/").content.decode()
            + client.get(f"/api/actor-offers/?profile={org}").content.decode())


def _offer(world, text, **values):
    return actions.save_offer(world["org"], {"text": text, "use": "dual_use", **values},
                              acting_user=world["users"]["rep"])


def _fresh(offer):
    return Offer.objects.get(pk=offer.pk)


OTHERS = ["anonymous", "member", "defence"]
INSIDERS = ["rep", "pm_space", "coordinator"]


def test_a_change_shows_at_once_to_the_organisation_and_staff_and_to_others_after_approval(world):
    offer = _offer(world, "Hyperspectral SENSOR-XQ payloads")
    assert offer.review == Review.PENDING and not offer.is_published
    for who in INSIDERS:
        assert "SENSOR-XQ" in _page(world, who), who
    for who in OTHERS:
        assert "SENSOR-XQ" not in _page(world, who) and "SENSOR-XQ" not in _api(world, who), who
    assert "Wacht op validatie" in _page(world, "rep")  # the pages speak Dutch first

    actions.decide("offer", offer.pk, approve=True, acting_user=world["users"]["pm_space"],
                   expected_stated_at=offer.stated_at.isoformat())
    offer.refresh_from_db()
    assert (offer.review, offer.provenance, offer.published_visibility) == (Review.PUBLISHED, "validated", "public")
    for who in OTHERS:
        assert "SENSOR-XQ" in _page(world, who) and "SENSOR-XQ" in _api(world, who), who


def test_others_keep_seeing_the_published_version_until_the_change_is_approved(world):
    offer = _offer(world, "Radar OLD-XQ")
    actions.decide("offer", offer.pk, approve=True, acting_user=world["users"]["pm_space"])
    offer = actions.save_offer(world["org"], {"text": "Radar NEW-XQ"}, acting_user=world["users"]["rep"],
                               offer=_fresh(offer), expected_version=_fresh(offer).version)
    assert offer.review == Review.PENDING
    assert "NEW-XQ" in _page(world, "rep") and "OLD-XQ" not in _page(world, "rep")
    for who in OTHERS:
        body = _page(world, who) + _api(world, who)
        assert "OLD-XQ" in body and "NEW-XQ" not in body, who
    # the queue shows the difference
    assert [row for row in review.differences(offer) if row[0] == "text"] == [("text", "Radar OLD-XQ", "Radar NEW-XQ")]


def test_a_wider_tier_waits_for_approval_and_a_narrower_one_applies_at_once(world):
    offer = _offer(world, "Secure MEMBERS-XQ link", visibility="members")
    actions.decide("offer", offer.pk, approve=True, acting_user=world["users"]["coordinator"])
    offer = actions.save_offer(world["org"], {"visibility": "public"}, acting_user=world["users"]["rep"],
                               offer=_fresh(offer), expected_version=_fresh(offer).version)
    assert offer.review == Review.PENDING and offer.published_visibility == Tier.MEMBERS
    assert "MEMBERS-XQ" not in _page(world, "anonymous") and "MEMBERS-XQ" in _page(world, "member")
    offer = actions.save_offer(world["org"], {"visibility": "restricted"}, acting_user=world["users"]["rep"],
                               offer=_fresh(offer), expected_version=_fresh(offer).version)
    assert offer.published_visibility == Tier.RESTRICTED and offer.review == Review.PUBLISHED
    assert "MEMBERS-XQ" not in _page(world, "member") and "MEMBERS-XQ" in _page(world, "defence")


def test_emptying_an_item_and_deleting_an_offer_apply_at_once(world):
    rep = world["users"]["rep"]
    actions.update_profile(world["org"], {"contact_email": "sales-xq@example.org"}, {}, acting_user=rep,
                           expected_version=None)
    statement = ProfileStatement.objects.get(profile_id=world["org"].pk, item="contact")
    actions.decide("statement", statement.pk, approve=True, acting_user=world["users"]["pm_space"])
    assert "sales-xq@example.org" in _page(world, "anonymous")
    profile = world["org"].capability_profile
    profile.refresh_from_db()
    actions.update_profile(world["org"], {"contact_email": ""}, {}, acting_user=rep, expected_version=profile.version)
    assert "sales-xq@example.org" not in _page(world, "anonymous")
    offer = _offer(world, "GONE-XQ")
    actions.decide("offer", offer.pk, approve=True, acting_user=world["users"]["pm_space"])
    actions.delete_entry(Offer.objects.get(pk=offer.pk), acting_user=rep)
    assert "GONE-XQ" not in _page(world, "anonymous")


def test_a_rejection_needs_a_reason_which_the_organisation_reads(world):
    offer = _offer(world, "Counter-drone BAD-XQ")
    with pytest.raises(ValidationError) as refused:
        actions.decide("offer", offer.pk, approve=False, acting_user=world["users"]["pm_space"], reason="  ")
    assert refused.value.code == "reason"
    offer.refresh_from_db()
    assert offer.review == Review.PENDING
    actions.decide("offer", offer.pk, approve=False, acting_user=world["users"]["pm_space"],
                   reason="Name the system you integrate.")
    offer.refresh_from_db()
    assert offer.review == Review.REJECTED and not offer.is_published
    assert "Name the system you integrate." in _page(world, "rep")
    assert "BAD-XQ" not in _page(world, "anonymous")
    with pytest.raises(ValidationError) as refused:
        actions.decide("offer", offer.pk, approve=True, acting_user=world["users"]["pm_space"])
    assert refused.value.code == "decided"


def test_a_decision_on_a_version_the_reviewer_did_not_see_is_refused(world):
    offer = _offer(world, "Version ONE-XQ")
    seen = offer.stated_at.isoformat()
    offer = actions.save_offer(world["org"], {"text": "Version TWO-XQ"}, acting_user=world["users"]["rep"],
                               offer=_fresh(offer), expected_version=_fresh(offer).version)
    with pytest.raises(ValidationError) as refused:
        actions.decide("offer", offer.pk, approve=True, acting_user=world["users"]["pm_space"],
                       expected_stated_at=seen)
    assert refused.value.code == "changed"
    assert "TWO-XQ" not in _page(world, "anonymous")


def test_only_reviewers_in_scope_decide(world):
    offer = _offer(world, "Scope SCOPE-XQ")
    for who in ("pm_cyber", "rep", "member", "defence"):
        with pytest.raises(PermissionDenied):
            actions.decide("offer", offer.pk, approve=True, acting_user=world["users"][who])
    # the queue: the space manager and the coordinator see it, the cyber manager does not
    for who, sees in (("pm_space", True), ("coordinator", True), ("pm_cyber", False)):
        client = Client()
        client.force_login(world["users"][who])
        body = client.get(reverse("profiles:review")).content.decode()
        assert ("SCOPE-XQ" in body) == sees, who
    for who in ("rep", "member", "defence"):
        client = Client()
        client.force_login(world["users"][who])
        assert client.get(reverse("profiles:review")).status_code == 403
    assert Client().get(reverse("profiles:review")).status_code == 302


def test_the_queue_page_approves_and_rejects_with_csrf_and_history(world):
    offer = _offer(world, "Queue QUEUE-XQ")
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"]["pm_space"])
    url = reverse("profiles:review-decide", args=["offer", offer.pk])
    assert client.post(url, {"decision": "approve", "seen": offer.stated_at.isoformat()}).status_code == 403
    client = Client()
    client.force_login(world["users"]["pm_space"])
    response = client.post(url, {"decision": "reject", "reason": "", "seen": offer.stated_at.isoformat()},
                           follow=True)
    assert "Geef de reden" in response.content.decode()
    response = client.post(url, {"decision": "approve", "seen": offer.stated_at.isoformat()}, follow=True)
    assert response.status_code == 200
    offer.refresh_from_db()
    assert offer.review == Review.PUBLISHED
    reasons = list(offer.history.values_list("history_change_reason", "history_user__username"))
    assert ("Approved", "pm-space") in reasons
    assert client.post(reverse("profiles:review-decide", args=["offer", 999999]),
                       {"decision": "approve"}, follow=True).content.decode().count("bestaat niet meer") == 1


def test_a_trusted_organisation_publishes_at_once_and_only_management_marks_it(world):
    with pytest.raises(PermissionDenied):
        actions.set_trusted(world["org"], True, acting_user=world["users"]["pm_space"])
    client = Client()
    client.force_login(world["users"]["coordinator"])
    client.post(reverse("profiles:trusted", args=[world["org"].pk]), {"trusted": "1"})
    world["org"].capability_profile.refresh_from_db()
    assert world["org"].capability_profile.trusted
    offer = _offer(world, "Trusted TRUST-XQ")
    assert offer.review == Review.TRUSTED and offer.published_visibility == "public"
    assert offer.provenance == "self_declared"
    assert "TRUST-XQ" in _page(world, "anonymous")


def test_changes_waiting_too_long_are_reminded_to_their_reviewers(world, settings):
    from visd.programme.reminders import send_reminders

    settings.VISD_PROFILE_REVIEW_REMINDER_DAYS = 5
    offer = _offer(world, "Waiting WAIT-XQ")
    Offer.objects.filter(pk=offer.pk).update(stated_at=timezone.now() - datetime.timedelta(days=6))
    send_reminders(timezone.localdate())
    to = {address for message in mail.outbox for address in message.to if "Orbit Sensors" in message.body}
    assert to == {"pm-space@example.org", "coord@example.org"}
    mail.outbox.clear()
    send_reminders(timezone.localdate())  # each reminder once
    assert not [m for m in mail.outbox if "Orbit Sensors" in m.body]
    # a fresh change is not reminded
    Offer.objects.filter(pk=offer.pk).update(stated_at=timezone.now())
    offer.refresh_from_db()
    from visd.profiles.reminders import overdue_reviews

    assert overdue_reviews(world["users"]["coordinator"], timezone.localdate()) == []


def test_the_public_voice_holds_only_published_public_text(world):
    public = _offer(world, "Public VOICE-XQ")
    members = _offer(world, "Members HIDDEN-XQ", visibility="members")
    pending = _offer(world, "Pending WAIT-XQ")
    for offer in (public, members):
        actions.decide("offer", offer.pk, approve=True, acting_user=world["users"]["coordinator"])
    voice = review.public_voice([world["org"].pk])[world["org"].pk]
    assert [text for _pk, text in voice["offers"]] == ["Public VOICE-XQ"]
    assert pending.pk not in [pk for pk, _text in voice["offers"]]


def test_a_validated_size_and_position_become_the_registry_facts(world):
    rep = world["users"]["rep"]
    actions.update_profile(world["org"], {"staff_headcount": 40, "annual_turnover": 8_000_000,
                                          "value_chain_position": "tier2"}, {}, acting_user=rep, expected_version=None)
    world["org"].refresh_from_db()
    assert world["org"].size_class == ""  # not before validation
    for statement in ProfileStatement.objects.filter(profile_id=world["org"].pk, review=Review.PENDING):
        actions.decide("statement", statement.pk, approve=True, acting_user=world["users"]["pm_space"])
    world["org"].refresh_from_db()
    assert (world["org"].size_class, world["org"].value_chain_position) == ("small", "tier2")
    latest = world["org"].history.first()
    assert latest.history_user == world["users"]["pm_space"]
    assert latest.history_change_reason == "From the validated capability profile"


def test_the_trl_facet_counts_the_offers_the_viewer_may_see(world):
    offer = _offer(world, "Mature MATURE-XQ", trl=8)
    url = reverse("actors:list") + "?trl=7"

    def found(who) -> bool:
        client = Client()
        if who != "anonymous":
            client.force_login(world["users"][who])
        return "Orbit Sensors" in client.get(url).content.decode()

    assert found("pm_space") and found("rep") and not found("anonymous")  # waiting for validation
    actions.decide("offer", offer.pk, approve=True, acting_user=world["users"]["pm_space"])
    assert found("anonymous")
    assert "Orbit Sensors" not in Client().get(reverse("actors:list") + "?trl=9").content.decode()
    assert APIClient().get("/api/actors/?trl=10").status_code == 400
