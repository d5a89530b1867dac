"""GDPR for claims to join the ecosystem (docs/onboarding.md "GDPR"): rejected and expired claims are
anonymised after the configured retention period by ``visd apply-retention --claim-days``, with their
history; an approved claim is anonymised when its contact is erased. The ``stakeholder_world``
registry: actor A (maritime), actor B (cyber)."""

import datetime
import io
import uuid

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from stakeholder_world import *  # noqa: F403 (fixtures)

from visd.onboarding import actions
from visd.onboarding.models import Claim, ClaimStatus
from visd.stakeholders import actions as stakeholder_actions
from visd.stakeholders.models import Contact


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def _apply(client, actor, email):
    data = {"first_name": "Sofie", "last_name": "Claeys", "job_title": "CEO", "email": email, "consent": "on",
            "homepage": "", "submission_key": str(uuid.uuid4())}
    assert client.post(reverse("onboarding:apply", args=[actor.pk]), data).status_code == 302
    return Claim.objects.filter(email=email).latest("pk")


def _named(claim) -> bool:
    rows = [claim, *claim.history.all()]
    return any("Claeys" in (row.last_name or "") or "sofie" in (row.email or "") for row in rows)


def test_closed_claims_are_anonymised_after_the_retention_period_with_their_history(client, world, users):
    old = _apply(client, world.actor_a, "sofie@old.example.be")
    Claim.objects.filter(pk=old.pk).update(status=ClaimStatus.EXPIRED,
                                           created_at=timezone.now() - datetime.timedelta(days=40))
    recent = _apply(client, world.actor_b, "sofie@recent.example.be")
    Claim.objects.filter(pk=recent.pk).update(status=ClaimStatus.REJECTED, decided_at=timezone.now())
    pending = _apply(client, world.actor_b, "sofie@pending.example.be")
    Claim.objects.filter(pk=pending.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))

    out = io.StringIO()
    call_command("apply_retention", claim_days=30, dry_run=True, stdout=out)
    assert "1 rejected or expired claim(s)" in out.getvalue() and _named(Claim.objects.get(pk=old.pk))
    call_command("apply_retention", claim_days=30, stdout=io.StringIO())
    old.refresh_from_db()
    assert not _named(old) and old.email == actions.ANONYMISED_EMAIL and old.status == ClaimStatus.EXPIRED
    assert old.history.count() == 1 and "retention" in old.history.get().history_change_reason
    assert _named(Claim.objects.get(pk=recent.pk)) and _named(Claim.objects.get(pk=pending.pk))
    # running it again changes nothing
    assert actions.apply_claim_retention(30) == 0


def test_retention_refuses_a_period_below_one_day_and_changes_nothing(client, world):
    claim = _apply(client, world.actor_a, "sofie@x.example.be")
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.EXPIRED)
    with pytest.raises(CommandError, match="at least one day"):
        call_command("apply_retention", claim_days=0, stdout=io.StringIO())
    assert _named(Claim.objects.get(pk=claim.pk))


def test_erasing_the_contact_anonymises_the_claim_it_came_from(client, world, users):
    unrep = users["actor_user_a"].profile
    unrep.role, unrep.actor = "", None
    unrep.save()
    claim = _apply(client, world.actor_a, "sofie@join.example.be")
    path = mail.outbox[-1].body.split("testserver", 1)[1].split()[0]
    client.post(path)
    client.force_login(users["coordinator"])
    client.post(reverse("onboarding:claim", args=[claim.pk]), {"decision": "approve", "reason": ""})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.contact is not None
    entry = stakeholder_actions.erase_personal_data(claim.contact, acting_user=users["coordinator"])
    assert entry.counts["claims_anonymised"] == 1
    claim.refresh_from_db()
    assert not _named(claim) and not Contact.objects.filter(email="sofie@join.example.be").exists()
