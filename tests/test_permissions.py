"""THE permission matrix of VISD Hub (``visd.core.permissions``), tested through the screens and
the REST API: every role against every guarded resource.

Roles: anonymous; a logged-in user without a role; the actor user of actor A; the programme
manager whose portfolio covers A's focus domain; a programme manager of another portfolio; the
coordinator; the director; the administrator.

Each probe performs the request as that role and returns whether access was granted; it also
checks that a refusal is the right kind (login or 401 for anonymous, 403/404 otherwise) and that a
refused write changed nothing.
"""

import json
import uuid

import pytest
from django.urls import reverse
from stakeholder_world import *  # noqa: F403 (fixtures)
from stakeholder_world import PERSON_A, PERSON_B

from visd.stakeholders.models import Contact, GdprAuditEntry, Interaction

ROLES = ["anonymous", "no_role", "actor_user_a", "pm_of_a", "pm_other", "coordinator", "director",
         "administrator"]
MANAGEMENT = {"coordinator", "director", "administrator"}
STAFF = MANAGEMENT | {"pm_of_a", "pm_other"}
STAKEHOLDER_EDITORS = MANAGEMENT | {"pm_of_a"}
EVERYONE = set(ROLES)

MATRIX = {
    "actor page shows contacts": STAFF | {"actor_user_a"},
    "actor page shows interactions": STAFF,
    "contact add": STAKEHOLDER_EDITORS,
    "contact edit": STAKEHOLDER_EDITORS,
    "interaction log": STAKEHOLDER_EDITORS,
    "GDPR export": STAKEHOLDER_EDITORS,
    "GDPR erase": STAKEHOLDER_EDITORS,
    "contact history page": STAFF | {"actor_user_a"},
    "imports page": MANAGEMENT,
    "API GET actors": EVERYONE,
    "API POST actors": STAFF,
    "API PATCH actor": MANAGEMENT | {"pm_of_a", "actor_user_a"},
    "API GET contacts": STAFF | {"actor_user_a"},
    "API POST contacts": STAKEHOLDER_EDITORS,
    "API PATCH contact": STAKEHOLDER_EDITORS,
    "API GET interactions": STAFF,
    "API POST interactions": STAKEHOLDER_EDITORS,
    "API PATCH interaction": STAKEHOLDER_EDITORS,
}


class Probe:
    def __init__(self, client, world, users, role):
        self.client, self.world, self.role = client, world, role
        if role != "anonymous":
            client.force_login(users[role])

    # --- how a refusal must look ---------------------------------------------------------------

    def refused_page(self, response) -> None:
        if self.role == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith(reverse("login")), response
        else:
            assert response.status_code in {403, 404}, response

    def refused_api(self, response) -> None:
        expected = {401} if self.role == "anonymous" else {403, 404}
        assert response.status_code in expected, (response.status_code, response.content[:300])

    def api(self, method, path, body=None):
        return getattr(self.client, method)(path, data=json.dumps(body) if body is not None else None,
                                            content_type="application/json")

    # --- screens ---------------------------------------------------------------------------------

    def actor_page(self) -> str:
        response = self.client.get(reverse("actors:detail", args=[self.world.actor_a.pk]))
        assert response.status_code == 200  # actors are public
        return response.content.decode()

    def actor_page_shows_contacts(self) -> bool:
        html = self.actor_page()
        return PERSON_A["last_name"] in html and PERSON_A["email"] in html

    def actor_page_shows_interactions(self) -> bool:
        return self.world.interaction_a.subject in self.actor_page()

    def contact_add(self) -> bool:
        data = {"first_name": "An", "last_name": "Peeters", "legal_basis": "public_task",
                "submission_key": str(uuid.uuid4())}
        response = self.client.post(reverse("stakeholders:contact_create", args=[self.world.actor_a.pk]), data)
        created = Contact.objects.filter(last_name="Peeters").exists()
        if not created:
            self.refused_page(response)
        return created

    def contact_edit(self) -> bool:
        contact = self.world.contact_a
        data = {"first_name": contact.first_name, "last_name": contact.last_name, "email": contact.email,
                "job_title": "Gewijzigd", "legal_basis": contact.legal_basis, "version": contact.version}
        response = self.client.post(reverse("stakeholders:contact_edit", args=[contact.pk]), data)
        contact.refresh_from_db()
        changed = contact.job_title == "Gewijzigd"
        if not changed:
            self.refused_page(response)
        return changed

    def interaction_log(self) -> bool:
        data = {"date": "2025-04-01", "kind": "call", "subject": "Matrixtest", "contacts": [self.world.contact_a.pk],
                "submission_key": str(uuid.uuid4())}
        response = self.client.post(reverse("stakeholders:interaction_create", args=[self.world.actor_a.pk]), data)
        created = Interaction.objects.filter(subject="Matrixtest").exists()
        if not created:
            self.refused_page(response)
        return created

    def gdpr_export(self) -> bool:
        response = self.client.post(reverse("stakeholders:gdpr_export", args=[self.world.contact_a.pk]))
        granted = response.status_code == 200
        if granted:
            assert json.loads(response.content)["contact"]["email"] == PERSON_A["email"]
        else:
            self.refused_page(response)
            assert not GdprAuditEntry.objects.exists()
        return granted

    def gdpr_erase(self) -> bool:
        response = self.client.post(reverse("stakeholders:gdpr_erase", args=[self.world.contact_a.pk]),
                                    {"confirm": "on"})
        erased = not Contact.objects.filter(pk=self.world.contact_a.pk).exists()
        if not erased:
            self.refused_page(response)
            assert not GdprAuditEntry.objects.exists()
        return erased

    def contact_history_page(self) -> bool:
        contact = self.world.contact_a
        response = self.client.get(reverse("history:record", args=["stakeholders", "contact", contact.pk]))
        if response.status_code == 200:
            return True
        assert response.status_code == 404  # even for anonymous: existence does not leak
        return False

    def imports_page(self) -> bool:
        response = self.client.get(reverse("imports:index"))
        if response.status_code == 200:
            return True
        self.refused_page(response)
        return False

    # --- REST API --------------------------------------------------------------------------------

    def api_get_actors(self) -> bool:
        response = self.api("get", "/api/actors/")
        if response.status_code != 200:
            self.refused_api(response)
            return False
        return "Zeebrugge Marine Systems" in response.content.decode()

    def api_post_actors(self) -> bool:
        response = self.api("post", "/api/actors/", {"name": "Nieuw Bedrijf", "kind": "company",
                                                     "country": "BE", "postcode": "2000"})
        if response.status_code == 201:
            return True
        self.refused_api(response)
        from visd.actors.models import Actor

        assert not Actor.objects.filter(name="Nieuw Bedrijf").exists()
        return False

    def api_patch_actor(self) -> bool:
        actor = self.world.actor_a
        response = self.api("patch", f"/api/actors/{actor.pk}/", {"city": "Brugge", "version": actor.version})
        actor.refresh_from_db()
        if response.status_code == 200:
            assert actor.city == "Brugge"
            return True
        self.refused_api(response)
        assert actor.city == "Zeebrugge"
        return False

    def api_get_contacts(self) -> bool:
        response = self.api("get", "/api/contacts/")
        if response.status_code != 200:
            self.refused_api(response)
            return False
        body = response.content.decode()
        assert PERSON_A["email"] in body
        # Only VISD staff see the contacts of every organisation.
        assert (PERSON_B["email"] in body) == (self.role in STAFF)
        return True

    def api_post_contacts(self) -> bool:
        response = self.api("post", "/api/contacts/", {"actor": self.world.actor_a.pk, "first_name": "An",
                                                       "last_name": "Peeters", "legal_basis": "public_task"})
        created = Contact.objects.filter(last_name="Peeters").exists()
        if created:
            assert response.status_code == 201
        else:
            self.refused_api(response)
        return created

    def api_patch_contact(self) -> bool:
        contact = self.world.contact_a
        response = self.api("patch", f"/api/contacts/{contact.pk}/",
                            {"job_title": "Gewijzigd", "version": contact.version})
        contact.refresh_from_db()
        if contact.job_title == "Gewijzigd":
            assert response.status_code == 200
            return True
        self.refused_api(response)
        return False

    def api_get_interactions(self) -> bool:
        response = self.api("get", "/api/interactions/")
        if response.status_code != 200:
            self.refused_api(response)
            assert self.world.interaction_a.subject not in response.content.decode()
            return False
        assert self.world.interaction_a.subject in response.content.decode()
        return True

    def api_post_interactions(self) -> bool:
        response = self.api("post", "/api/interactions/", {
            "actor": self.world.actor_a.pk, "date": "2025-04-01", "kind": "call", "subject": "Matrixtest",
            "contacts": [self.world.contact_a.pk],
        })
        created = Interaction.objects.filter(subject="Matrixtest").exists()
        if created:
            assert response.status_code == 201
        else:
            self.refused_api(response)
        return created

    def api_patch_interaction(self) -> bool:
        interaction = self.world.interaction_a
        response = self.api("patch", f"/api/interactions/{interaction.pk}/",
                            {"subject": "Gewijzigd", "version": interaction.version})
        interaction.refresh_from_db()
        if interaction.subject == "Gewijzigd":
            assert response.status_code == 200
            return True
        self.refused_api(response)
        return False


def probe_name(resource: str) -> str:
    return resource.lower().replace(" ", "_")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource", list(MATRIX))
def test_permission_matrix(client, world, users, resource, role):
    probe = Probe(client, world, users, role)
    granted = getattr(probe, probe_name(resource))()
    assert granted == (role in MATRIX[resource]), (
        f"{role} {'was' if granted else 'was not'} granted '{resource}'"
    )


def test_every_resource_of_the_matrix_has_a_probe():
    for resource in MATRIX:
        assert callable(getattr(Probe, probe_name(resource), None)), resource


def test_an_actor_user_sees_no_contacts_of_another_organisation(client, world, users):
    client.force_login(users["actor_user_a"])
    html = client.get(reverse("actors:detail", args=[world.actor_b.pk])).content.decode()
    assert PERSON_B["last_name"] not in html
    assert client.get(reverse("stakeholders:contact", args=[world.contact_b.pk])).status_code == 404
    assert client.get(f"/api/contacts/{world.contact_b.pk}/").status_code == 404


def public_urls(world):
    """Every page and API endpoint a visitor could try, with the people's records in reach."""
    a, contact = world.actor_a.pk, world.contact_a.pk
    return [
        "/", "/actors/", f"/actors/{a}/", f"/actors/{world.actor_b.pk}/", "/projects/", "/calls/", "/needs/",
        f"/history/actors/actor/{a}/", f"/history/stakeholders/contact/{contact}/",
        f"/history/stakeholders/interaction/{world.interaction_a.pk}/",
        f"/stakeholders/contacts/{contact}/", f"/stakeholders/actors/{a}/interactions/",
        f"/stakeholders/interactions/{world.interaction_a.pk}/", "/stakeholders/", "/stakeholders/dossiers/",
        "/api/", "/api/actors/", f"/api/actors/{a}/", f"/api/actors/{a}/history/",
        "/api/contacts/", f"/api/contacts/{contact}/", f"/api/contacts/{contact}/history/",
        "/api/interactions/", f"/api/interactions/{world.interaction_a.pk}/", "/api/dossiers/",
        "/api/schema/", f"/matching/tags/actor/{a}/",
    ]


@pytest.mark.parametrize("role", ["anonymous", "no_role"])
def test_the_public_never_sees_a_persons_data(client, world, users, role):
    if role != "anonymous":
        client.force_login(users[role])
    for url in public_urls(world):
        response = client.get(url, follow=True)
        body = response.content.decode(errors="replace")
        for secret in (PERSON_A["last_name"], PERSON_A["email"], PERSON_B["last_name"], PERSON_B["email"],
                       world.interaction_a.subject, world.interaction_a.notes):
            assert secret not in body, f"{role} sees '{secret}' at {url}"


def test_the_scan_above_would_notice_a_leak(client, world, users):
    """The same URLs show the person's data to the coordinator, so the scan is not vacuous."""
    client.force_login(users["coordinator"])
    seen = [url for url in public_urls(world) if PERSON_A["email"] in client.get(url).content.decode()]
    assert f"/actors/{world.actor_a.pk}/" in seen and "/api/contacts/" in seen


def test_a_programme_manager_may_take_up_an_actor_no_domain_claims_yet(world, users):
    """Imported actors start without a focus domain; any programme manager may curate them (and
    claim them by tagging a domain), but once claimed only that domain's manager may edit them.
    Contacts stay with the portfolio: an unclaimed actor's contacts are management's."""
    from visd.actors.models import Actor, ActorTag, TagOrigin
    from visd.core import permissions

    unclaimed = Actor.objects.create(name="Nieuw Geïmporteerd NV", kind="company", country="BE", postcode="2000")
    maritime_pm, cyber_pm = users["pm_of_a"], users["pm_other"]
    assert permissions.can_edit_actor(maritime_pm, unclaimed)
    assert permissions.can_edit_actor(cyber_pm, unclaimed)
    assert unclaimed in permissions.editable_actors(cyber_pm)
    assert not permissions.can_edit_stakeholder_records(cyber_pm, unclaimed)

    ActorTag.objects.create(actor=unclaimed, concept=world.maritime, origin=TagOrigin.CURATED)
    assert permissions.can_edit_actor(maritime_pm, unclaimed)
    assert not permissions.can_edit_actor(cyber_pm, unclaimed)
    assert unclaimed not in permissions.editable_actors(cyber_pm)
    assert not permissions.can_edit_actor(users["actor_user_a"], unclaimed)
