"""A validated profile is the actor's own voice in matching (issue 14 item 7; docs/matching.md).

On the real public data: an organisation with no EU track record at all, whose validated public offer
describes what a real EDF 2026 call asks, is found for that call, and the explanation names its offer
with the words it shares. Unvalidated or non-public items never reach the index."""

import pytest

from visd.matching.datasets import CALLS, CORDIS_SECURITY, EDF, load_calls, load_cordis, load_reference_concepts
from visd.matching.index import MatchingIndex

OFFER = ("Passive radar and electro-optical sensors that detect, track and classify small drones (UAS) "
         "near critical infrastructure, with sensor fusion for counter-drone command and control.")


@pytest.fixture(scope="module")
def index():
    actors, projects = load_cordis(CORDIS_SECURITY + EDF)
    newcomer = {"id": "newcomer", "name": "Flemish Newcomer", "country": "BE", "post_code": "9000",
                "kind": "company", "description": OFFER, "extra": {"offers": [{"id": "77", "text": OFFER}]}}
    idx = MatchingIndex(load_reference_concepts()).fit([*actors.values(), newcomer], projects)
    return idx


def _counter_drone_call():
    """The real EDF/EDIP 2026 topic "Counter-drone systems" of the shared call file."""
    for call in load_calls([CALLS[0]]):
        if call.title.strip().lower() == "counter-drone systems":
            return call
    pytest.fail("the shared call file has no 'Counter-drone systems' topic")


def test_an_actor_without_track_record_is_found_by_its_validated_offer(index):
    call = _counter_drone_call()
    matches = index.search_actors(call, filters={"country": "BE"}, top_k=10)
    found = {m.id: m for m in matches}
    assert "newcomer" in found, [m.id for m in matches]
    own = found["newcomer"].explanation["evidence_own"]
    assert own is not None and own["offers"], own
    offer = own["offers"][0]
    assert offer["id"] == "77" and offer["text"] == OFFER
    assert offer["matched_terms"] or offer["concepts"]
    # the words shown are words of the offer
    for word in offer["matched_terms"]:
        assert word.lower()[:4] in OFFER.lower(), word


def test_an_offer_that_shares_nothing_with_the_query_is_not_shown(index):
    matches = index.search_actors("maritime patrol vessels hull design", top_k=50)
    for m in matches:
        own = m.explanation.get("evidence_own") or {}
        assert not own.get("offers"), (m.id, own)


@pytest.mark.django_db
def test_only_published_public_offers_feed_the_index(make_user):
    from visd.actors.models import Actor, ActorKind
    from visd.core.models import Role
    from visd.matchmaking import db_records
    from visd.profiles import actions

    org = Actor.objects.create(name="Voice Works", kind=ActorKind.COMPANY, country="BE",
                               description_en="We integrate sensors.")
    rep = make_user(Role.ACTOR_USER, username="rep", actor=org)
    coordinator = make_user(Role.COORDINATOR, username="coord")
    public = actions.save_offer(org, {"text": "Published PUBLIC-XQ radar", "use": "dual_use"}, acting_user=rep)
    members = actions.save_offer(org, {"text": "Members MEMBERS-XQ radar", "use": "civil", "visibility": "members"},
                                 acting_user=rep)
    actions.save_offer(org, {"text": "Waiting PENDING-XQ radar", "use": "civil"}, acting_user=rep)
    for offer in (public, members):
        actions.decide("offer", offer.pk, approve=True, acting_user=coordinator)
    record = next(r for r in db_records.actor_records() if r["id"] == str(org.pk))
    assert "We integrate sensors." in record["description"] and "PUBLIC-XQ" in record["description"]
    assert "MEMBERS-XQ" not in record["description"] and "PENDING-XQ" not in record["description"]
    assert record["extra"]["offers"] == [{"id": str(public.pk), "text": "Published PUBLIC-XQ radar"}]
    # approving moved the actor's updated_at, so an index update re-reads it
    org_before = org.updated_at
    org.refresh_from_db()
    assert org.updated_at > org_before
