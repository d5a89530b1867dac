"""GDPR for event registrations: a registration linked to a contact is part of that person's export
and is anonymised by their erasure; a registration of someone who is not a contact is erased on its
own. Either way the registration row stays (anonymised), so the events' counts, the KPIs and the
yearly report do not change, and no earlier version holding the person stays in the history."""

import io
import json
import uuid

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from programme_world import *  # noqa: F401,F403 (fixtures)
from stakeholder_world import *  # noqa: F401,F403 (fixtures)
from stakeholder_world import PERSON_A, PERSON_B

from visd.core import permissions
from visd.events import actions, kpis
from visd.events.models import ERASED_NAME, Registration
from visd.programme import reports
from visd.stakeholders.models import Contact, GdprAuditEntry

OUTSIDER = {"name": "Walter Buitenstaander", "organisation_name": "Eenmanszaak Buitenstaander"}


def whole_database() -> str:
    """Every row of every table (historical tables too), as text."""
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def traces_of(person: dict, text: str) -> list[str]:
    return [value for value in (person["last_name"], person["email"]) if value.lower() in text.lower()]


def figures(programme, client=None) -> dict:
    """Everything that counts registrations: the event page counts, the KPI year figures, the yearly
    report's attended participants and the API's counts."""
    report = {figure.label: figure.value for figure in reports.events_section(2025, None)}
    year = kpis.year_figures(2025)
    api = client.get(f"/api/events/{programme.event.pk}/").json() if client is not None else {}
    return {
        "event_registrations": programme.event.registrations.count(),
        "event_attended": programme.event.registrations.filter(attended=True).count(),
        "year_registrations": year["registrations"], "year_attended": year["attended"],
        "report_attended": report["Participants who attended"],
        "api_registrations": api.get("registration_count"), "api_attended": api.get("attended_count"),
    }


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def registered_contact(programme, world, users):
    """Contact A registered (linked) for two events, attended the first; the registration was
    corrected once and is named in the admin log. Someone else, who is not a contact, registered too."""
    pm = users["pm_of_a"]
    full_name = f"{PERSON_A['first_name']} {PERSON_A['last_name']}"
    first = actions.register(programme.event, full_name, organisation=world.actor_a,
                             organisation_name="Zeebrugge Marine Systems, dienst Vandeputtezee",
                             contact=world.contact_a, acting_user=pm)
    second = actions.register(programme.cyber_event, full_name, contact=world.contact_a, acting_user=pm)
    actions.set_attendance(programme.event, [first.pk], acting_user=pm)
    outsider = actions.register(programme.event, OUTSIDER["name"], organisation_name=OUTSIDER["organisation_name"],
                                acting_user=pm)
    LogEntry.objects.create(user=users["administrator"], content_type=ContentType.objects.get_for_model(Registration),
                            object_id=str(first.pk), object_repr=str(first), action_flag=CHANGE)
    return {"first": first, "second": second, "outsider": outsider}


# --- export ------------------------------------------------------------------------------------

def test_export_includes_the_contacts_registrations_with_their_event_and_history(
        client, world, users, programme, registered_contact):
    client.force_login(users["pm_of_a"])
    page = client.get(reverse("stakeholders:gdpr_export", args=[world.contact_a.pk]))
    assert "event registrations linked to this contact" in page.content.decode()
    response = client.post(reverse("stakeholders:gdpr_export", args=[world.contact_a.pk]))
    data = json.loads(response.content)
    registrations = data["event_registrations"]
    assert [(r["event"]["title"], r["event"]["date"]) for r in registrations] == [
        ("DIF-Day 2025", "2025-06-05"), ("Cyber deep dive", "2025-09-05")]
    first = registrations[0]
    assert first["name"] == "Griet Vandeputtezee" and first["attended"] is True
    assert first["organisation"] == {"id": world.actor_a.pk, "name": "Zeebrugge Marine Systems"}
    assert first["organisation_name"] == "Zeebrugge Marine Systems, dienst Vandeputtezee"
    assert [row["change"] for row in first["history"]] == ["created", "changed"]  # registered, attended
    assert [row["attended"] for row in first["history"]] == [False, True]
    assert first["history"][0]["by"] == "pm-maritiem"
    # A registration without organisation took the contact's.
    assert registrations[1]["organisation"]["name"] == "Zeebrugge Marine Systems"
    # Other people's registrations stay out.
    assert OUTSIDER["name"] not in response.content.decode()
    assert GdprAuditEntry.objects.get().counts["event_registrations"] == 2


def test_export_command_includes_the_registrations(world, registered_contact):
    out = io.StringIO()
    call_command("gdpr_export", contact=world.contact_a.pk, stdout=out)
    assert len(json.loads(out.getvalue())["event_registrations"]) == 2


def test_a_contact_without_registrations_exports_an_empty_list(world, users):
    data = actions_export(world.contact_b, users["director"])
    assert data["event_registrations"] == []


def actions_export(contact, user):
    from visd.stakeholders import actions as stakeholder_actions

    return stakeholder_actions.export_personal_data(contact, acting_user=user)


# --- erasure of a contact ----------------------------------------------------------------------

def test_contact_erasure_anonymises_its_registrations_and_their_history_and_keeps_the_counts(
        client, world, users, programme, registered_contact):
    pm = users["pm_of_a"]
    client.force_login(pm)
    before = figures(programme, client)
    assert traces_of(PERSON_A, whole_database())  # the check below can fail
    page = client.get(reverse("stakeholders:gdpr_erase", args=[world.contact_a.pk]))
    assert page.context["registration_count"] == 2

    response = client.post(reverse("stakeholders:gdpr_erase", args=[world.contact_a.pk]), {"confirm": "on"})
    assert response.status_code == 302

    assert traces_of(PERSON_A, whole_database()) == []
    for key in ("first", "second"):
        registration = Registration.objects.get(pk=registered_contact[key].pk)
        assert (registration.name, registration.organisation_name, registration.contact) == (ERASED_NAME, "", None)
        # Only the anonymisation remains in the history, by the person who erased, with nothing personal.
        row = registration.history.get()
        assert (row.name, row.organisation_name, row.contact_id) == (ERASED_NAME, "", None)
        assert row.history_user == pm and row.history_change_reason == actions.ERASURE_REASON
    first = Registration.objects.get(pk=registered_contact["first"].pk)
    assert first.attended and first.organisation == world.actor_a and first.event == programme.event
    assert not LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Registration)).exists()
    assert figures(programme, client) == before
    counts = GdprAuditEntry.objects.get(action="erasure").counts
    assert counts["registrations_anonymised"] == 2
    assert counts["registration_history_rows_purged"] == 3  # two creations, one attendance change
    assert counts["registration_admin_log_rows_purged"] == 1
    # The outsider's registration is untouched.
    outsider = Registration.objects.get(pk=registered_contact["outsider"].pk)
    assert outsider.name == OUTSIDER["name"] and outsider.history.count() == 1


def test_contact_erase_page_lists_registrations_with_the_same_name_that_are_not_linked(
        client, world, users, programme):
    namesake = actions.register(programme.cyber_event, "griet vandeputtezee", acting_user=users["director"])
    actions.register(programme.cyber_event, "Griet Vandeputte", acting_user=users["director"])
    client.force_login(users["director"])
    page = client.get(reverse("stakeholders:gdpr_erase", args=[world.contact_a.pk]))
    assert list(page.context["namesake_registrations"]) == [namesake]
    assert reverse("events:registration", args=[namesake.pk]) in page.content.decode()


# --- erasure of a registration on its own ------------------------------------------------------

def test_an_unlinked_registration_is_erased_on_its_own_with_an_audit_entry(
        client, world, users, programme, registered_contact):
    pm = users["pm_of_a"]
    outsider = registered_contact["outsider"]
    actions.set_attendance(programme.event, [registered_contact["first"].pk, outsider.pk], acting_user=pm)
    client.force_login(pm)
    before = figures(programme, client)
    assert "Buitenstaander" in whole_database()
    url = reverse("events:registration_erase", args=[outsider.pk])
    page = client.get(reverse("events:registration", args=[outsider.pk]))
    assert page.context["can_erase"] and url in page.content.decode()
    assert client.get(url).status_code == 200
    refused = client.post(url, {})
    assert refused.status_code == 200 and "Tick the box" in " ".join(refused.context["form"].errors["confirm"])
    assert Registration.objects.get(pk=outsider.pk).name == OUTSIDER["name"]

    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == programme.event.get_absolute_url()
    assert "The registration has been erased; the event's figures are unchanged." in messages_of(response)
    outsider.refresh_from_db()
    assert (outsider.name, outsider.organisation_name, outsider.attended) == (ERASED_NAME, "", True)
    assert "Buitenstaander" not in whole_database()
    row = outsider.history.get()
    assert row.history_user == pm and row.name == ERASED_NAME
    entry = GdprAuditEntry.objects.get()
    assert (entry.action, entry.contact_id, entry.registration_id, entry.performed_by) == (
        "erasure", None, outsider.pk, pm)
    assert entry.counts == {"registrations_anonymised": 1, "registration_history_rows_purged": 2,
                            "registration_admin_log_rows_purged": 0}
    assert "Buitenstaander" not in json.dumps(entry.counts) + str(entry)
    assert figures(programme, client) == before
    # The contact's registration is untouched.
    assert Registration.objects.get(pk=registered_contact["first"].pk).name == "Griet Vandeputtezee"


def test_erasing_twice_is_fine_and_writes_nothing_the_second_time(client, users, programme, registered_contact):
    outsider = registered_contact["outsider"]
    director = users["director"]
    assert actions.erase_registration(outsider, acting_user=director) is not None
    history = list(outsider.history.values_list("history_id", flat=True))
    assert actions.erase_registration(outsider, acting_user=director) is None
    client.force_login(director)
    response = client.post(reverse("events:registration_erase", args=[outsider.pk]), {"confirm": "on"})
    assert response.status_code == 302
    assert "This registration had already been erased; nothing was changed." in messages_of(response)
    assert list(outsider.history.values_list("history_id", flat=True)) == history
    assert GdprAuditEntry.objects.count() == 1


def test_a_contacts_registrations_erased_with_the_contact_need_nothing_more(world, users, registered_contact):
    from visd.stakeholders import actions as stakeholder_actions

    stakeholder_actions.erase_personal_data(world.contact_a, acting_user=users["director"])
    first = Registration.objects.get(pk=registered_contact["first"].pk)
    history = first.history.count()
    assert actions.erase_registration(first, acting_user=users["director"]) is None
    assert first.history.count() == history == 1


def test_a_linked_registration_is_erased_through_its_contact(client, world, users, registered_contact):
    first = registered_contact["first"]
    with pytest.raises(ValidationError, match="linked to the contact Griet Vandeputtezee"):
        actions.erase_registration(first, acting_user=users["director"])
    client.force_login(users["director"])
    assert not client.get(reverse("events:registration", args=[first.pk])).context["can_erase"]
    response = client.post(reverse("events:registration_erase", args=[first.pk]), {"confirm": "on"})
    assert response.status_code == 302
    assert any("erase that person's data from the contact's page" in m for m in messages_of(response))
    first.refresh_from_db()
    assert first.name == "Griet Vandeputtezee" and first.contact == world.contact_a
    assert not GdprAuditEntry.objects.exists()


# --- permissions -------------------------------------------------------------------------------

@pytest.mark.parametrize("role, status", [
    ("pm_other", 403), ("actor_user_a", 404), ("no_role", 404), ("anonymous", 404),
])
def test_those_without_the_right_can_neither_erase_nor_link(client, world, users, programme, registered_contact,
                                                             role, status):
    outsider = registered_contact["outsider"]
    if role != "anonymous":
        client.force_login(users[role])
    history = outsider.history.count()
    erase = reverse("events:registration_erase", args=[outsider.pk])
    assert client.get(erase).status_code == status
    assert client.post(erase, {"confirm": "on"}).status_code == status
    link = reverse("events:registration", args=[outsider.pk])
    assert client.post(link, {"contact": world.contact_a.pk}).status_code == status
    outsider.refresh_from_db()
    assert outsider.name == OUTSIDER["name"] and outsider.contact is None
    assert outsider.history.count() == history
    assert not GdprAuditEntry.objects.exists()


def test_who_may_erase_a_registration(users, programme, registered_contact):
    registration = registered_contact["outsider"]  # an event of the maritime domain
    allowed = {role for role, user in users.items() if permissions.can_erase_event_registration(user, registration)}
    assert allowed == {"pm_of_a", "coordinator", "director", "administrator"}
    programme.event.domain = None  # a DIF-Day across all domains: any programme manager
    assert permissions.can_erase_event_registration(users["pm_other"], registration)
    assert not permissions.can_erase_event_registration(users["actor_user_a"], registration)


def test_a_programme_manager_of_another_domain_sees_but_cannot_link(client, world, users, registered_contact):
    outsider = registered_contact["outsider"]
    client.force_login(users["pm_other"])
    page = client.get(reverse("events:registration", args=[outsider.pk]))
    assert page.status_code == 200
    assert page.context["link_form"] is None and not page.context["can_erase"]


# --- linking a registration to a contact ------------------------------------------------------

def test_a_contact_of_another_organisation_is_refused_with_a_clear_message(client, world, users, programme):
    pm = users["director"]
    message = "Jonas Cyberoens is a contact of Gent Cyber Labs, not of Zeebrugge Marine Systems"
    with pytest.raises(ValidationError, match=message):
        actions.register(programme.event, "Jonas Cyberoens", organisation=world.actor_a, contact=world.contact_b,
                         acting_user=pm)
    assert not Registration.objects.exists()
    registration = actions.register(programme.event, "Jonas Cyberoens", organisation=world.actor_a, acting_user=pm)
    with pytest.raises(ValidationError, match=message):
        actions.link_contact(registration, world.contact_b, acting_user=pm)

    client.force_login(pm)
    response = client.post(reverse("events:registration_add", args=[programme.event.pk]), {
        "name": "Jonas Cyberoens", "organisation": world.actor_a.pk, "contact": world.contact_b.pk, "submission_key": str(uuid.uuid4())})
    assert any(message in m for m in messages_of(response))
    response = client.post(reverse("events:registration", args=[registration.pk]), {"contact": world.contact_b.pk})
    assert response.status_code == 302 and any(message in m for m in messages_of(response))
    registration.refresh_from_db()
    assert registration.contact is None and registration.history.count() == 1
    assert Registration.objects.count() == 1


def test_the_link_form_offers_only_the_contacts_of_the_registrations_organisation(client, world, users, programme):
    pm = users["director"]
    colleague = Contact.objects.create(actor=world.actor_a, first_name="Bert", last_name="Collegaert",
                                       legal_basis="public_task")
    registration = actions.register(programme.event, "Bert Collegaert", organisation=world.actor_a, acting_user=pm)
    client.force_login(pm)
    form = client.get(reverse("events:registration", args=[registration.pk])).context["link_form"]
    offered = [value for value, _label in form.fields["contact"].widget.choices if value != ""]
    assert offered == [colleague.pk, world.contact_a.pk]
    # Without an organisation, every contact is offered and linking gives the registration the contact's.
    loose = actions.register(programme.event, PERSON_B["first_name"], acting_user=pm)
    form = client.get(reverse("events:registration", args=[loose.pk])).context["link_form"]
    assert world.contact_b.pk in [value for value, _label in form.fields["contact"].widget.choices]
    actions.link_contact(loose, world.contact_b, acting_user=pm)
    loose.refresh_from_db()
    assert (loose.contact, loose.organisation) == (world.contact_b, world.actor_b)


def test_a_matching_name_is_suggested_not_linked(client, world, users, programme):
    pm = users["pm_of_a"]
    client.force_login(pm)
    response = client.post(reverse("events:registration_add", args=[programme.event.pk]), {
        "name": "griet vandeputtezee", "organisation": world.actor_a.pk, "submission_key": str(uuid.uuid4())})
    registration = Registration.objects.get()
    assert registration.contact is None  # suggested, never linked silently
    assert any("has the name of Griet Vandeputtezee, a contact of Zeebrugge Marine Systems" in m
               for m in messages_of(response))
    page = client.get(reverse("events:registration", args=[registration.pk]))
    assert page.context["suggestion"] == world.contact_a
    assert page.context["link_form"]["contact"].value() == world.contact_a.pk
    response = client.post(reverse("events:registration", args=[registration.pk]), {"contact": world.contact_a.pk})
    assert "Contact link saved." in messages_of(response)
    registration.refresh_from_db()
    assert registration.contact == world.contact_a
    assert registration.history.latest().history_user == pm
    # Unlinking is the empty choice.
    client.post(reverse("events:registration", args=[registration.pk]), {"contact": ""})
    registration.refresh_from_db()
    assert registration.contact is None


def test_no_suggestion_for_another_organisation_or_an_ambiguous_name(world, users, programme):
    pm = users["director"]
    elsewhere = actions.register(programme.event, "Griet Vandeputtezee", organisation=world.actor_b, acting_user=pm)
    assert actions.suggested_contact(elsewhere) is None
    Contact.objects.create(actor=world.actor_a, legal_basis="public_task", **PERSON_A)  # a namesake colleague
    here = actions.register(programme.event, "Griet Vandeputtezee", organisation=world.actor_a, acting_user=pm)
    assert actions.suggested_contact(here) is None


def test_the_registration_form_links_a_contact_and_the_event_page_shows_it(client, world, users, programme):
    client.force_login(users["pm_of_a"])
    client.post(reverse("events:registration_add", args=[programme.event.pk]), {
        "name": "Griet Vandeputtezee", "organisation": world.actor_a.pk, "contact": world.contact_a.pk, "submission_key": str(uuid.uuid4())})
    assert Registration.objects.get().contact == world.contact_a
    page = client.get(programme.event.get_absolute_url()).content.decode()
    assert world.contact_a.get_absolute_url() in page


def test_an_erased_registration_cannot_be_linked(world, users, registered_contact):
    outsider = registered_contact["outsider"]
    actions.erase_registration(outsider, acting_user=users["director"])
    with pytest.raises(ValidationError, match="has been erased"):
        actions.link_contact(outsider, world.contact_a, acting_user=users["director"])


def test_other_peoples_data_is_not_in_the_export(world, users, programme):
    actions.register(programme.event, "Jonas Cyberoens", organisation=world.actor_b, contact=world.contact_b,
                     acting_user=users["director"])
    data = actions_export(world.contact_a, users["director"])
    assert data["event_registrations"] == []
    assert not traces_of(PERSON_B, json.dumps(data))


# --- retention --------------------------------------------------------------------------------

def test_registrations_of_non_contacts_are_anonymised_when_the_retention_period_ends(
        client, world, users, programme, registered_contact, settings):
    import datetime

    outsider = registered_contact["outsider"]          # DIF-Day, 5 June 2025, not a contact
    recent = actions.register(programme.cyber_event, "Recente Bezoeker", organisation_name="Eenmanszaak Recent",
                              acting_user=users["pm_of_a"])  # 5 September 2025
    client.force_login(users["director"])
    before = figures(programme, client)
    out = io.StringIO()
    # 7 November 2025 with 90 days: DIF-Day (5 June) is past the period, the deep dive (5 September) is not
    entries = actions.apply_registration_retention(90, today=datetime.date(2025, 11, 7))
    assert [e.registration_id for e in entries] == [outsider.pk]
    entry = entries[0]
    assert (entry.action, entry.contact_id, entry.performed_by) == ("retention", None, None)
    assert entry.counts["registrations_anonymised"] == 1 and entry.counts["registration_history_rows_purged"] >= 1
    outsider.refresh_from_db()
    assert (outsider.name, outsider.organisation_name) == (ERASED_NAME, "")
    assert "Buitenstaander" not in whole_database() and "Recente Bezoeker" in whole_database()
    assert outsider.history.get().history_change_reason.startswith("GDPR storage limitation")
    # the contact's registrations belong to the contact's record: untouched
    assert Registration.objects.get(pk=registered_contact["first"].pk).name == "Griet Vandeputtezee"
    assert figures(programme, client) == before
    # a second run writes nothing
    assert actions.apply_registration_retention(90, today=datetime.date(2025, 11, 7)) == []
    assert GdprAuditEntry.objects.count() == 1
    # the command, with the period from the settings (today is later than both events + 1 day)
    settings.VISD_REGISTRATION_RETENTION_DAYS = 1
    call_command("apply_retention", "--dry-run", stdout=out)
    assert "1 registration(s)" in out.getvalue() and f"ids {recent.pk}." in out.getvalue()
    assert Registration.objects.get(pk=recent.pk).name == "Recente Bezoeker", "a dry run changes nothing"
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "1 registration(s)" in out.getvalue() and Registration.objects.get(pk=recent.pk).erased
    assert GdprAuditEntry.objects.filter(action="retention").count() == 2


def test_retention_needs_a_period_of_at_least_a_day(world, users, programme, registered_contact, settings):
    from django.core.management.base import CommandError

    settings.VISD_REGISTRATION_RETENTION_DAYS = None
    with pytest.raises(CommandError, match="No retention period is set"):
        call_command("apply_retention")
    with pytest.raises(CommandError, match="at least one day, not 0"):
        call_command("apply_retention", "--days", "0")
    with pytest.raises(ValueError):
        actions.apply_registration_retention(-5)
    assert not Registration.objects.filter(name=ERASED_NAME).exists() and not GdprAuditEntry.objects.exists()
