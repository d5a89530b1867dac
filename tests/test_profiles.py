"""Capability profiles and their visibility tiers (issue 14 items 2 and 3; docs/onboarding.md).

The permission matrix: every role against every tier, through the actor's page, the history pages
and the API, with 0 leaks (the text of an item a role may not see never appears in any answer), and
writes by the organisation's own representative only. Then bad input and the size class."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from visd.actors.models import Actor, ActorKind, ActorTag
from visd.core import permissions
from visd.core.models import Role
from visd.profiles import actions
from visd.profiles.models import CapabilityProfile, Offer, Seek, Tier, size_class_for
from visd.taxonomy.models import Concept, Portfolio, Scheme

ROLES = ["anonymous", "no_role", "member", "rep_other", "rep_own", "pm", "pm_other", "coordinator", "defence"]
SEES = {  # the tiers each role sees of the organisation's profile; "pending": a change not validated yet
    "anonymous": {"public"}, "no_role": {"public"},
    "member": {"public", "members"}, "rep_other": {"public", "members"},
    "rep_own": {"public", "members", "restricted", "pending"},
    "pm": {"public", "members", "restricted", "pending"},
    "pm_other": {"public", "members", "restricted", "pending"},  # VISD staff read every profile
    "coordinator": {"public", "members", "restricted", "pending"}, "defence": {"public", "members", "restricted"},
}
# A marker text per tier, in offers, seeks and the single-valued items.
TEXTS = {
    "public": ["PUBLIC-OFFER-XQ", "PUBLIC-SEEK-XQ", "PUBLIC-DESCRIPTION-XQ"],
    "members": ["MEMBERS-OFFER-XQ", "MEMBERS-SEEK-XQ", "MEMBERS-CERT-XQ"],
    "restricted": ["RESTRICTED-OFFER-XQ", "RESTRICTED-SEEK-XQ", "restricted-contact-xq@example.org"],
    "pending": ["PENDING-OFFER-XQ"],  # a public offer waiting for validation
}


@pytest.fixture
def world(db, make_user):
    own = Actor.objects.create(name="Sensor Works", kind=ActorKind.COMPANY, country="BE")
    other = Actor.objects.create(name="Other Works", kind=ActorKind.COMPANY, country="BE")
    # the organisation is in the space domain: "pm" manages it, "pm_other" manages another domain
    for code in ("space", "maritime"):
        portfolio = Portfolio.objects.create(code=f"p-{code}", name_nl=code, name_en=code, source="test")
        concept = Concept.objects.create(scheme=Scheme.FOCUS_DOMAIN, code=code, label_nl=code, label_en=code,
                                         label_fr=code, portfolio=portfolio, source="test")
        if code == "space":
            ActorTag.objects.create(actor=own, concept=concept)
    users = {
        "no_role": make_user(Role.NONE, username="no-role"),
        "member": make_user(Role.ACTOR_USER, username="member", actor=other),
        "rep_other": make_user(Role.ACTOR_USER, username="rep-other", actor=other),
        "rep_own": make_user(Role.ACTOR_USER, username="rep-own", actor=own),
        "pm": make_user(Role.PROGRAMME_MANAGER, username="pm", portfolios=["p-space"]),
        "pm_other": make_user(Role.PROGRAMME_MANAGER, username="pm-other", portfolios=["p-maritime"]),
        "coordinator": make_user(Role.COORDINATOR, username="coordinator"),
        "defence": make_user(Role.DEFENCE, username="defence"),
    }
    rep = users["rep_own"]
    actions.update_profile(own, {
        "description_nl": "PUBLIC-DESCRIPTION-XQ", "certifications": "MEMBERS-CERT-XQ",
        "contact_email": "restricted-contact-xq@example.org", "security_clearance": "top_secret",
        "staff_headcount": 12, "annual_turnover": 1_500_000,
    }, {"certifications": Tier.MEMBERS, "contact": Tier.RESTRICTED}, acting_user=rep, expected_version=None)
    offers = {
        "public": actions.save_offer(own, {"text": "PUBLIC-OFFER-XQ", "use": "dual_use", "trl": 6}, acting_user=rep),
        "members": actions.save_offer(own, {"text": "MEMBERS-OFFER-XQ", "use": "civil", "visibility": "members"},
                                      acting_user=rep),
        # a defence offer without a tier: restricted by default
        "restricted": actions.save_offer(own, {"text": "RESTRICTED-OFFER-XQ", "use": "defence",
                                               "ml_category": "ML5"}, acting_user=rep),
    }
    seeks = {
        "public": actions.save_seek(own, {"kind": "partners", "text": "PUBLIC-SEEK-XQ"}, acting_user=rep),
        "members": actions.save_seek(own, {"kind": "funding", "text": "MEMBERS-SEEK-XQ", "visibility": "members"},
                                     acting_user=rep),
        "restricted": actions.save_seek(own, {"kind": "customers", "text": "RESTRICTED-SEEK-XQ"}, acting_user=rep),
    }
    approve_all(users["coordinator"])
    actions.save_offer(own, {"text": "PENDING-OFFER-XQ", "use": "civil"}, acting_user=rep)
    return {"own": own, "other": other, "users": users, "offers": offers, "seeks": seeks}


def approve_all(reviewer) -> None:
    """Validate every waiting change (issue 14 item 4), so the tiers decide alone what is seen."""
    for kind, model in actions.ITEM_MODELS.items():
        for item in model.objects.filter(review="pending"):
            actions.decide(kind, item.pk, approve=True, acting_user=reviewer)


def _client(world, role, api=False):
    client = APIClient() if api else Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


def _assert_tiers(body: str, role: str) -> None:
    for tier, texts in TEXTS.items():
        for text in texts:
            if tier in SEES[role]:
                assert text in body, f"{role} should see {tier} item {text}"
            else:
                assert text not in body, f"LEAK: {role} sees {tier} item {text}"


def test_defaults_put_sensitive_items_in_the_narrowest_tier(world):
    assert world["offers"]["restricted"].visibility == Tier.RESTRICTED
    assert world["seeks"]["restricted"].visibility == Tier.RESTRICTED
    assert world["own"].capability_profile.statements.get(item="security_clearance").visibility == Tier.RESTRICTED
    statement = world["own"].capability_profile.statements.get(item="description")
    # stated by the representative, then validated by the coordinator (the fixture approves everything)
    assert (statement.provenance, statement.stated_by) == ("validated", world["users"]["rep_own"])
    assert statement.stated_at is not None


@pytest.mark.parametrize("role", ROLES)
def test_the_actor_page_shows_what_the_tier_allows(world, role):
    body = _client(world, role).get(reverse("actors:detail", args=[world["own"].pk])).content.decode()
    _assert_tiers(body, role)
    assert ("Top secret" in body) == ("restricted" in SEES[role])
    assert (f'href="{reverse("profiles:edit", args=[world["own"].pk])}"' in body) == (role == "rep_own")


@pytest.mark.parametrize("role", ROLES)
def test_the_api_shows_what_the_tier_allows(world, role):
    client = _client(world, role, api=True)
    own = world["own"].pk
    bodies = [client.get(f"/api/actor-profiles/{own}/").content.decode(),
              client.get(f"/api/actor-offers/?profile={own}").content.decode(),
              client.get("/api/actor-seeks/").content.decode()]
    _assert_tiers("".join(bodies), role)
    assert ('"top_secret"' in bodies[0]) == ("restricted" in SEES[role])
    entries = [(f"/api/actor-offers/{offer.pk}/", tier) for tier, offer in world["offers"].items()]
    entries += [(f"/api/actor-seeks/{seek.pk}/", tier) for tier, seek in world["seeks"].items()]
    for url, tier in entries:
        response = client.get(url)
        assert response.status_code == (200 if tier in SEES[role] else 404), (role, url)


@pytest.mark.parametrize("role", ROLES)
def test_history_is_for_the_organisation_and_visd_staff(world, role):
    """A profile's history holds changes not validated yet: the audit trail is for the organisation's
    own representatives and VISD staff (``permissions.can_view_history``), never a way around validation."""
    client = _client(world, role)
    may = role in {"rep_own", "pm", "pm_other", "coordinator"}
    for offer in world["offers"].values():
        response = client.get(reverse("history:record", args=["profiles", "offer", offer.pk]))
        assert (response.status_code == 200) == may, (role, response.status_code)
        if response.status_code != 200:
            assert offer.text.encode() not in response.content
    response = client.get(reverse("history:record", args=["profiles", "capabilityprofile", world["own"].pk]))
    assert (response.status_code == 200) == may
    assert (b"restricted-contact-xq" in response.content) == may
    response = _client(world, role, api=True).get(f"/api/actor-profiles/{world['own'].pk}/history/")
    assert (response.status_code == 200) == may
    assert (b"restricted-contact-xq" in response.content) == may


@pytest.mark.parametrize("role", ROLES)
def test_only_the_representative_writes(world, role):
    own, may = world["own"], role == "rep_own"
    page = _client(world, role)
    response = page.get(reverse("profiles:edit", args=[own.pk]))
    assert response.status_code == (200 if may else 302 if role == "anonymous" else 403)
    response = page.post(reverse("profiles:entry-new", args=[own.pk, "offers"]),
                         {"text": f"new by {role}", "use": "civil", "submission_key": str(uuid.uuid4())})
    assert Offer.objects.filter(text=f"new by {role}").exists() == may
    offer = world["offers"]["public"]
    page.post(reverse("profiles:entry-delete", args=[own.pk, "offers", offer.pk]))
    assert Offer.objects.filter(pk=offer.pk).exists() != may

    api = _client(world, role, api=True)
    version = CapabilityProfile.objects.get(pk=own.pk).version
    response = api.patch(f"/api/actor-profiles/{own.pk}/", {"website": "https://example.org/", "version": version},
                         format="json")
    assert (response.status_code == 200) == may, response.content
    assert (CapabilityProfile.objects.get(pk=own.pk).website == "https://example.org/") == may
    response = api.post("/api/actor-seeks/", {"kind": "talent", "text": f"api by {role}"}, format="json")
    created = Seek.objects.filter(text=f"api by {role}")
    # a representative of another organisation creates on their own organisation, never on this one
    assert created.filter(profile_id=own.pk).exists() == may
    assert created.exists() == (role in {"rep_own", "rep_other", "member"})
    seek = Seek.objects.get(pk=world["seeks"]["public"].pk)
    response = api.patch(f"/api/actor-seeks/{seek.pk}/", {"text": "changed", "version": seek.version}, format="json")
    seek.refresh_from_db()
    assert (seek.text == "changed") == may


def test_defence_role_has_nothing_else_new(world):
    defence = world["users"]["defence"]
    assert not permissions.can_use_screening(defence)
    assert not permissions.can_enter_admin(defence)
    assert not permissions.can_edit_actor(defence, world["own"])
    assert not permissions.can_view_personal_data(defence, world["own"])
    assert not permissions.is_visd_staff(defence)
    client = _client(world, "defence")
    assert client.get("/admin/").status_code in {302, 403}


# --- bad input -------------------------------------------------------------------------------------

@pytest.mark.parametrize("values, field", [
    ({"text": "x", "use": "civil", "trl": "10"}, "trl"),
    ({"text": "x", "use": "civil", "trl": "0"}, "trl"),
    ({"text": "x", "use": "defence", "ml_category": "ML99"}, "ml_category"),
    ({"text": "x", "use": "defence", "ml_category": "XL5"}, "ml_category"),
    ({"text": "x" * 501, "use": "civil"}, "text"),
    ({"text": "x", "use": "military"}, "use"),
])
def test_bad_offers_are_refused_on_the_page_and_in_the_api(world, values, field):
    own = world["own"]
    before = Offer.objects.count()
    page = _client(world, "rep_own")
    response = page.post(reverse("profiles:entry-new", args=[own.pk, "offers"]), values)
    assert response.status_code == 200 and field in response.context["form"].errors
    api = _client(world, "rep_own", api=True)
    response = api.post("/api/actor-offers/", values, format="json")
    assert response.status_code == 400 and field in response.json()
    assert Offer.objects.count() == before


def test_oversized_description_and_bad_figures_are_refused(world):
    own = world["own"]
    page = _client(world, "rep_own")
    version = own.capability_profile.version
    data = {"description_nl": "x" * 5001, "staff_headcount": "-3", "website": "javascript:alert(1)",
            "contact_email": "not an address", "languages": ["xx"], "version": version}
    response = page.post(reverse("profiles:edit", args=[own.pk]), data)
    errors = response.context["form"].errors
    assert {"description_nl", "staff_headcount", "website", "contact_email", "languages"} <= set(errors)
    assert CapabilityProfile.objects.get(pk=own.pk).version == version


def test_hostile_markup_is_escaped(world):
    own = world["own"]
    offer = actions.save_offer(own, {"text": "<script>alert('x')</script>", "use": "civil"},
                               acting_user=world["users"]["rep_own"])
    actions.decide("offer", offer.pk, approve=True, acting_user=world["users"]["coordinator"])
    body = _client(world, "anonymous").get(reverse("actors:detail", args=[own.pk])).content.decode()
    assert "<script>alert(" not in body
    assert "&lt;script&gt;alert(" in body


def test_a_stale_edit_is_refused(world):
    own = world["own"]
    version = own.capability_profile.version
    page = _client(world, "rep_own")
    assert page.post(reverse("profiles:edit", args=[own.pk]), {
        "description_nl": "first", "version": version, **_tiers()}).status_code == 302
    response = page.post(reverse("profiles:edit", args=[own.pk]), {
        "description_nl": "second", "version": version, **_tiers()})
    assert response.status_code == 409
    assert CapabilityProfile.objects.get(pk=own.pk).description_nl == "first"
    api = _client(world, "rep_own", api=True)
    response = api.patch(f"/api/actor-profiles/{own.pk}/", {"description_nl": "third", "version": version},
                         format="json")
    assert response.status_code == 409
    offer = world["offers"]["public"]
    response = api.patch(f"/api/actor-offers/{offer.pk}/", {"text": "new", "version": offer.version + 5},
                         format="json")
    assert response.status_code == 409


def _tiers():
    return {f"tier_{item}": "public" for item in
            ["description", "size", "value_chain", "certifications", "security_clearance", "website", "contact",
             "languages"]}


def test_a_profile_edit_records_history_and_who_stated_it(world):
    own = world["own"]
    page = _client(world, "rep_own")
    page.post(reverse("profiles:edit", args=[own.pk]), {
        "description_nl": "Wij bouwen sensoren", "version": own.capability_profile.version,
        **_tiers(), "tier_security_clearance": "restricted"})
    profile = CapabilityProfile.objects.get(pk=own.pk)
    assert profile.description_nl == "Wij bouwen sensoren"
    assert profile.history.first().history_user == world["users"]["rep_own"]
    assert profile.statements.get(item="certifications").visibility == "public"


# --- the size class (Commission Recommendation 2003/361/EC) -----------------------------------------

@pytest.mark.parametrize("staff, turnover, balance, expected", [
    (9, 2_000_000, None, "micro"),
    (9, 2_000_001, 2_000_000, "micro"),  # either financial ceiling suffices
    (9, 2_000_001, 2_000_001, "small"),
    (10, 500_000, 500_000, "small"),
    (49, 10_000_000, None, "small"),
    (50, 1, 1, "medium"),
    (249, 50_000_000, None, "medium"),
    (249, 50_000_001, 43_000_000, "medium"),
    (249, 50_000_001, 43_000_001, "large"),
    (250, 1, 1, "large"),
    (None, 1, 1, ""),
    (5, None, None, ""),
])
def test_size_class_follows_the_eu_sme_definition(staff, turnover, balance, expected):
    assert size_class_for(staff, turnover, balance) == expected


def test_the_profile_stores_the_derived_size_class(world):
    profile = world["own"].capability_profile
    assert (profile.staff_headcount, profile.size_class) == (12, "small")
