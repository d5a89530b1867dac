"""The stakeholder register: contacts, interactions, follow-ups and dossiers, through the actions
and through the screens (forms, validation messages, POST-redirect-GET, double submissions)."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from stakeholder_world import *  # noqa: F403 (fixtures)

from visd.stakeholders import actions
from visd.stakeholders.models import Contact, Dossier, Interaction, LegalBasis

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def contact_form(**overrides):
    data = {
        "first_name": "An", "last_name": "Peeters", "job_title": "Business developer",
        "email": "an.peeters@example.be", "phone": "", "languages": "nl, en", "notes": "",
        "legal_basis": LegalBasis.PUBLIC_TASK, "legal_basis_note": "", "consent_date": "",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def interaction_form(world, staff_user, **overrides):
    data = {
        "date": (TODAY - DAY).isoformat(), "kind": Interaction.Kind.CALL, "subject": "Opvolging DEFRA",
        "contacts": [world.contact_a.pk], "staff": [staff_user.pk], "notes": "Consortium in opbouw.",
        "follow_up": "Partners voorstellen", "follow_up_due": (TODAY + 7 * DAY).isoformat(), "dossier": "",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


# --- contacts ----------------------------------------------------------------------------------

def test_programme_manager_adds_a_contact_and_is_recorded_as_author(client, world, users):
    pm = users["pm_of_a"]
    client.force_login(pm)
    url = reverse("stakeholders:contact_create", args=[world.actor_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, contact_form())
    contact = Contact.objects.get(last_name="Peeters")
    assert response.status_code == 302 and response["Location"] == contact.get_absolute_url()
    assert contact.actor == world.actor_a
    assert contact.history.get().history_user == pm
    assert "Peeters" in client.get(response["Location"]).content.decode()


def test_the_same_contact_form_sent_twice_creates_one_contact(client, world, users):
    client.force_login(users["coordinator"])
    url = reverse("stakeholders:contact_create", args=[world.actor_a.pk])
    data = contact_form()
    first = client.post(url, data)
    second = client.post(url, data, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert Contact.objects.filter(last_name="Peeters").count() == 1
    assert second.redirect_chain[0][0] == first["Location"]
    assert "already been sent; nothing was added a second time" in second.content.decode()


def test_a_contact_form_without_its_one_time_key_is_refused(client, world, users):
    client.force_login(users["coordinator"])
    data = contact_form()
    del data["submission_key"]
    response = client.post(reverse("stakeholders:contact_create", args=[world.actor_a.pk]), data)
    assert response.status_code == 200
    assert not Contact.objects.filter(last_name="Peeters").exists()


@pytest.mark.parametrize("overrides, field, message", [
    ({"legal_basis": LegalBasis.CONSENT}, "consent_date", "Consent needs the date"),
    ({"legal_basis": LegalBasis.CONSENT, "consent_date": (TODAY + DAY).isoformat()}, "consent_date",
     "cannot be dated in the future"),
    ({"legal_basis": LegalBasis.LEGITIMATE_INTEREST}, "legal_basis_note", "balancing test"),
    ({"email": "not-an-address"}, "email", None),
    ({"last_name": ""}, "last_name", None),
])
def test_bad_contact_input_gets_a_message_and_changes_nothing(client, world, users, overrides, field, message):
    client.force_login(users["coordinator"])
    response = client.post(reverse("stakeholders:contact_create", args=[world.actor_a.pk]),
                           contact_form(**overrides), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert message in " ".join(errors[field])
    assert Contact.objects.count() == 2  # the world's two, nothing more


def test_editing_a_contact_records_the_change_and_an_unchanged_save_records_nothing(client, world, users):
    pm = users["pm_of_a"]
    client.force_login(pm)
    contact = world.contact_a
    url = reverse("stakeholders:contact_edit", args=[contact.pk])
    data = {key: value for key, value in contact_form().items() if key != "submission_key"}
    data.update(first_name=contact.first_name, last_name=contact.last_name, email=contact.email,
                job_title="CEO", phone=contact.phone, languages="", legal_basis=contact.legal_basis,
                version=contact.version)
    assert client.post(url, data).status_code == 302
    contact.refresh_from_db()
    assert contact.job_title == "CEO"
    latest = contact.history.latest()
    assert latest.history_user == pm and latest.history_type == "~"
    versions = contact.history.count()
    assert client.post(url, data).status_code == 302
    assert contact.history.count() == versions


def test_the_organisation_of_a_contact_cannot_be_changed_by_the_edit_form(client, world, users):
    client.force_login(users["coordinator"])
    data = {key: value for key, value in contact_form().items() if key != "submission_key"}
    data["actor"], data["version"] = world.actor_b.pk, world.contact_a.version
    client.post(reverse("stakeholders:contact_edit", args=[world.contact_a.pk]), data)
    world.contact_a.refresh_from_db()
    assert world.contact_a.actor == world.actor_a


def test_actions_refuse_unknown_fields_as_a_programming_error(world, users):
    with pytest.raises(ValueError):
        actions.update_contact(world.contact_a, {"actor": world.actor_b}, acting_user=users["director"])


# --- interactions ------------------------------------------------------------------------------

def test_logging_an_interaction_links_contacts_staff_and_author(client, world, users):
    pm = users["pm_of_a"]
    client.force_login(pm)
    response = client.post(reverse("stakeholders:interaction_create", args=[world.actor_a.pk]),
                           interaction_form(world, pm))
    interaction = Interaction.objects.get(subject="Opvolging DEFRA")
    assert response.status_code == 302 and response["Location"] == interaction.get_absolute_url()
    assert list(interaction.contacts.all()) == [world.contact_a]
    assert list(interaction.staff.all()) == [pm]
    assert interaction.created_by == pm
    assert {row.history_user for row in interaction.history.all()} == {pm}
    page = client.get(response["Location"]).content.decode()
    assert "Opvolging DEFRA" in page and "Vandeputtezee" in page


def test_the_same_interaction_form_sent_twice_logs_one_interaction(client, world, users):
    pm = users["pm_of_a"]
    client.force_login(pm)
    url = reverse("stakeholders:interaction_create", args=[world.actor_a.pk])
    data = interaction_form(world, pm)
    client.post(url, data)
    client.post(url, data)
    assert Interaction.objects.filter(subject="Opvolging DEFRA").count() == 1


@pytest.mark.parametrize("overrides, field, message", [
    ({"date": (TODAY + DAY).isoformat()}, "date", "cannot be dated in the future"),
    ({"follow_up_due": (TODAY - 2 * DAY).isoformat()}, "follow_up_due", "before the interaction"),
    ({"follow_up": ""}, "follow_up", "Describe the follow-up"),
    ({"subject": ""}, "subject", None),
])
def test_bad_interaction_input_gets_a_message_and_changes_nothing(client, world, users, overrides, field, message):
    pm = users["pm_of_a"]
    client.force_login(pm)
    response = client.post(reverse("stakeholders:interaction_create", args=[world.actor_a.pk]),
                           interaction_form(world, pm, **overrides), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert message in " ".join(errors[field])
    assert Interaction.objects.count() == 1


def test_today_is_a_valid_interaction_date(world, users):
    interaction, created = actions.log_interaction(
        world.actor_a, {"date": TODAY, "kind": "call", "subject": "Vandaag"}, acting_user=users["director"])
    assert created and interaction.date == TODAY


def test_the_form_refuses_a_contact_of_another_actor_with_a_clear_message(client, world, users):
    pm = users["pm_of_a"]
    client.force_login(pm)
    response = client.post(reverse("stakeholders:interaction_create", args=[world.actor_a.pk]),
                           interaction_form(world, pm, contacts=[world.contact_b.pk]),
                           HTTP_ACCEPT_LANGUAGE="en")
    assert "Only contacts of Zeebrugge Marine Systems can be linked" in " ".join(response.context["form"].errors["contacts"])
    assert Interaction.objects.count() == 1


def test_the_action_refuses_foreign_contacts_foreign_dossiers_and_non_staff(world, users):
    foreign_dossier, _ = actions.create_dossier(world.actor_b, {"title": "Cyberrange"}, acting_user=users["director"])
    with pytest.raises(ValidationError) as refused:
        actions.log_interaction(
            world.actor_a, {"date": TODAY, "kind": "call", "subject": "Test", "dossier": foreign_dossier},
            contacts=[world.contact_b], staff=[users["actor_user_a"]], acting_user=users["director"],
        )
    assert set(refused.value.message_dict) == {"contacts", "staff", "dossier"}
    assert "Vandeputtezee" not in " ".join(refused.value.message_dict["contacts"])
    assert "Cyberoens" in " ".join(refused.value.message_dict["contacts"])
    assert Interaction.objects.count() == 1


def test_editing_an_interaction_changes_its_participants(client, world, users):
    pm = users["pm_of_a"]
    client.force_login(pm)
    extra, _ = actions.create_contact(world.actor_a, {"first_name": "Bert", "last_name": "Claes",
                                                      "legal_basis": LegalBasis.PUBLIC_TASK}, acting_user=pm)
    url = reverse("stakeholders:interaction_edit", args=[world.interaction_a.pk])
    data = interaction_form(world, pm, date="2025-03-14", follow_up_due="2025-03-28", contacts=[extra.pk],
                            follow_up_done="on", version=world.interaction_a.version)
    del data["submission_key"]
    assert client.post(url, data).status_code == 302
    world.interaction_a.refresh_from_db()
    assert list(world.interaction_a.contacts.all()) == [extra]
    assert world.interaction_a.follow_up_done
    assert world.interaction_a.history.latest().history_user == pm


def test_an_actor_user_does_not_learn_that_interactions_exist(client, world, users):
    client.force_login(users["actor_user_a"])
    assert client.get(world.interaction_a.get_absolute_url()).status_code == 404
    assert client.get(reverse("stakeholders:actor_interactions", args=[world.actor_a.pk])).status_code == 404


# --- follow-ups --------------------------------------------------------------------------------

def test_my_follow_ups_lists_open_ones_soonest_first_and_can_mark_them_done(client, world, users):
    pm = users["pm_of_a"]
    world.interaction_a.staff.add(pm)
    later, _ = actions.log_interaction(
        world.actor_a, {"date": TODAY, "kind": "email", "subject": "Later", "follow_up": "Later opvolgen",
                        "follow_up_due": TODAY + 30 * DAY}, staff=[pm], acting_user=pm)
    actions.log_interaction(
        world.actor_a, {"date": TODAY, "kind": "email", "subject": "Niet van mij", "follow_up": "Iemand anders"},
        staff=[users["director"]], acting_user=users["director"])
    client.force_login(pm)
    page = client.get(reverse("stakeholders:index"))
    assert [item.pk for item in page.context["follow_ups"]] == [world.interaction_a.pk, later.pk]
    assert world.interaction_a.follow_up_overdue
    done_url = reverse("stakeholders:follow_up_done", args=[world.interaction_a.pk])
    assert client.get(done_url).status_code == 405
    assert client.post(done_url).status_code == 302
    world.interaction_a.refresh_from_db()
    assert world.interaction_a.follow_up_done
    assert [item.pk for item in client.get(reverse("stakeholders:index")).context["follow_ups"]] == [later.pk]


def test_completing_a_follow_up_that_does_not_exist_is_refused(world, users):
    interaction, _ = actions.log_interaction(world.actor_a, {"date": TODAY, "kind": "call", "subject": "Kort"},
                                             acting_user=users["director"])
    with pytest.raises(ValidationError):
        actions.complete_follow_up(interaction, acting_user=users["director"])


def test_follow_ups_are_for_visd_staff_only(client, world, users):
    client.force_login(users["actor_user_a"])
    assert client.get(reverse("stakeholders:index")).status_code == 403
    client.logout()
    assert client.get(reverse("stakeholders:index")).status_code == 302


# --- dossiers ----------------------------------------------------------------------------------

def test_dossier_about_an_actor_is_opened_listed_and_shows_its_interactions(client, world, users):
    pm = users["pm_of_a"]
    client.force_login(pm)
    url = reverse("stakeholders:dossier_create") + f"?actor={world.actor_a.pk}"
    data = {"title": "Onderwaterdrones DEFRA", "domain": world.maritime.pk, "status": "open",
            "owner": pm.pk, "description": "", "submission_key": str(uuid.uuid4())}
    response = client.post(url, data)
    dossier = Dossier.objects.get(title="Onderwaterdrones DEFRA")
    assert response["Location"] == dossier.get_absolute_url()
    assert dossier.actor == world.actor_a and dossier.history.get().history_user == pm
    client.post(url, data)
    assert Dossier.objects.count() == 1
    world.interaction_a.dossier = dossier
    world.interaction_a.save()
    assert "Onderwaterdrones DEFRA" in client.get(reverse("stakeholders:dossiers")).content.decode()
    assert "Kennismaking onderwaterdrones" in client.get(dossier.get_absolute_url()).content.decode()


def test_a_programme_manager_cannot_open_a_dossier_about_an_actor_outside_the_portfolio(client, world, users):
    client.force_login(users["pm_other"])
    url = reverse("stakeholders:dossier_create") + f"?actor={world.actor_a.pk}"
    assert client.get(url).status_code == 403
    assert client.get(reverse("stakeholders:dossier_create")).status_code == 200


def test_editing_a_dossier_changes_its_status(client, world, users):
    director = users["director"]
    dossier, _ = actions.create_dossier(world.actor_a, {"title": "Haven"}, acting_user=director)
    client.force_login(users["pm_of_a"])
    data = {"title": "Haven", "domain": "", "status": "closed", "owner": "", "description": "Afgerond.",
            "version": dossier.version}
    assert client.post(reverse("stakeholders:dossier_edit", args=[dossier.pk]), data).status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "closed"
    assert client.get(reverse("stakeholders:dossiers")).context["dossiers"].count() == 0
    assert client.get(reverse("stakeholders:dossiers") + "?status=closed").context["dossiers"].count() == 1
    client.force_login(users["pm_other"])
    assert client.post(reverse("stakeholders:dossier_edit", args=[dossier.pk]), data).status_code == 403


# --- the actor page's stakeholder panel ----------------------------------------------------------

def _panel(user, actor):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return render_to_string("stakeholders/_actor_stakeholders.html", {"actor": actor, "user": user}, request)


def test_panel_shows_contacts_interactions_and_add_links_to_the_programme_manager(world, users):
    html = _panel(users["pm_of_a"], world.actor_a)
    assert "Vandeputtezee" in html and "Kennismaking onderwaterdrones" in html
    assert reverse("stakeholders:contact_create", args=[world.actor_a.pk]) in html
    assert reverse("stakeholders:interaction_create", args=[world.actor_a.pk]) in html


def test_panel_of_another_portfolio_shows_records_but_no_add_links(world, users):
    html = _panel(users["pm_other"], world.actor_a)
    assert "Vandeputtezee" in html
    assert reverse("stakeholders:contact_create", args=[world.actor_a.pk]) not in html


def test_panel_shows_an_actor_user_their_own_contacts_only_and_no_interactions(world, users):
    own = _panel(users["actor_user_a"], world.actor_a)
    assert "Vandeputtezee" in own and "Kennismaking" not in own
    assert "Cyberoens" not in _panel(users["actor_user_a"], world.actor_b)


@pytest.mark.parametrize("role", ["anonymous", "no_role"])
def test_panel_shows_nothing_about_people_to_the_public(world, users, role):
    html = _panel(users[role], world.actor_a)
    assert "Vandeputtezee" not in html and "griet" not in html.lower() and "Kennismaking" not in html


def test_a_new_interaction_is_offered_the_open_dossiers_of_its_organisation_only(client, world, users):
    director = users["director"]
    open_one, _ = actions.create_dossier(world.actor_a, {"title": "Open"}, acting_user=director)
    actions.create_dossier(world.actor_a, {"title": "Gesloten", "status": "closed"}, acting_user=director)
    actions.create_dossier(world.actor_b, {"title": "Van B"}, acting_user=director)
    themed, _ = actions.create_dossier(None, {"title": "DIF-Days"}, acting_user=director)
    client.force_login(users["pm_of_a"])
    form = client.get(reverse("stakeholders:interaction_create", args=[world.actor_a.pk])).context["form"]
    assert set(form.fields["dossier"].queryset) == {open_one, themed}
