"""GDPR: the export of everything held about one person, and erasure that leaves no copy of them
anywhere in the database (history rows included), only an audit entry without personal data."""

import datetime
import io
import json

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from stakeholder_world import *  # noqa: F403 (fixtures)
from stakeholder_world import PERSON_A, PERSON_B

from visd.stakeholders import actions
from visd.stakeholders.models import Contact, GdprAuditEntry, Interaction, LegalBasis

TODAY = timezone.localdate()


def whole_database() -> str:
    """Every row of every table (historical tables too), as text."""
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def traces_of(person: dict, text: str) -> list[str]:
    return [value for value in (person["last_name"], person["email"]) if value.lower() in text.lower()]


@pytest.fixture
def lived_in_contact(world, users):
    """Contact A with a past: edited twice, added to a second interaction, named in the admin log,
    and a colleague who took part in the same interaction."""
    pm = users["pm_of_a"]
    contact = world.contact_a
    actions.update_contact(contact, {"job_title": "CEO"}, acting_user=pm)
    actions.update_contact(contact, {"phone": "+32 50 11 11 11"}, acting_user=pm)
    colleague, _ = actions.create_contact(world.actor_a, {"first_name": "Bert", "last_name": "Collegaert",
                                                          "legal_basis": LegalBasis.PUBLIC_TASK}, acting_user=pm)
    second, _ = actions.log_interaction(world.actor_a, {"date": TODAY, "kind": "visit", "subject": "Bedrijfsbezoek"},
                                        contacts=[contact, colleague], staff=[pm], acting_user=pm)
    actions.update_interaction(second, {"notes": "Demo van de drone."}, contacts=[contact, colleague],
                               staff=[pm], acting_user=pm)
    LogEntry.objects.create(user=users["administrator"], content_type=ContentType.objects.get_for_model(Contact),
                            object_id=str(contact.pk), object_repr=str(contact), action_flag=CHANGE)
    contact.colleague = colleague
    contact.second_interaction = second
    return contact


# --- export ------------------------------------------------------------------------------------

def test_export_holds_the_record_its_interactions_and_its_history_but_not_other_people(
        client, world, lived_in_contact, users):
    contact = lived_in_contact
    client.force_login(users["pm_of_a"])
    url = reverse("stakeholders:gdpr_export", args=[contact.pk])
    assert client.get(url).status_code == 200
    assert not GdprAuditEntry.objects.exists()  # looking at the page exports nothing

    response = client.post(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert f"visd-contact-{contact.pk}-" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["contact"]["last_name"] == PERSON_A["last_name"]
    assert data["contact"]["email"] == PERSON_A["email"]
    assert data["contact"]["organisation"]["name"] == "Zeebrugge Marine Systems"
    assert {i["subject"] for i in data["interactions_taken_part_in"]} == {
        "Kennismaking onderwaterdrones", "Bedrijfsbezoek"}
    assert [row["change"] for row in data["history_of_contact_record"]] == ["created", "changed", "changed"]
    assert [row["job_title"] for row in data["history_of_contact_record"]] == ["CTO", "CEO", "CEO"]
    assert {row["interaction_id"] for row in data["history_of_interaction_participation"]} == {
        world.interaction_a.pk, contact.second_interaction.pk}
    assert "Collegaert" not in response.content.decode()  # another person's data stays out

    entry = GdprAuditEntry.objects.get()
    assert (entry.action, entry.contact_id, entry.performed_by) == ("export", contact.pk, users["pm_of_a"])


def test_export_includes_interactions_that_only_name_the_person(world, users):
    actions.log_interaction(world.actor_b, {"date": TODAY, "kind": "call", "subject": "Doorverwijzing",
                                            "notes": f"Zie {PERSON_A['email']} voor de sonar."},
                            acting_user=users["director"])
    data = actions.export_personal_data(world.contact_a, acting_user=users["director"])
    assert [i["subject"] for i in data["interactions_mentioning_this_person"]] == ["Doorverwijzing"]


def test_export_command_prints_the_json_and_logs_it(world):
    out = io.StringIO()
    call_command("gdpr_export", contact=world.contact_a.pk, stdout=out)
    assert json.loads(out.getvalue())["contact"]["email"] == PERSON_A["email"]
    assert GdprAuditEntry.objects.get().performed_by is None


def test_export_command_writes_a_file(world, tmp_path):
    target = tmp_path / "export.json"
    call_command("gdpr_export", contact=world.contact_a.pk, output=str(target), stderr=io.StringIO())
    assert json.loads(target.read_text(encoding="utf-8"))["contact"]["last_name"] == PERSON_A["last_name"]


def test_export_command_refuses_an_unknown_contact(world):
    with pytest.raises(CommandError, match="no contact with id 999999"):
        call_command("gdpr_export", contact=999999)
    assert not GdprAuditEntry.objects.exists()


# --- erasure -----------------------------------------------------------------------------------

def test_erasure_leaves_no_trace_of_the_person_in_the_whole_database(client, lived_in_contact, users):
    contact = lived_in_contact
    contact_id, second = contact.pk, contact.second_interaction
    assert traces_of(PERSON_A, whole_database())  # the check below can fail
    client.force_login(users["pm_of_a"])
    url = reverse("stakeholders:gdpr_erase", args=[contact_id])
    page = client.get(url)
    assert page.status_code == 200 and page.context["interaction_count"] == 2

    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == lived_in_contact.actor.get_absolute_url()

    assert not Contact.objects.filter(pk=contact_id).exists()
    assert traces_of(PERSON_A, whole_database()) == []
    # The organisation's interactions stay, with the other participants and their history.
    second.refresh_from_db()
    assert list(second.contacts.all()) == [contact.colleague]
    assert Interaction.objects.filter(pk=lived_in_contact.second_interaction.pk).exists()
    assert "Collegaert" in whole_database()
    participation = apps.get_model("stakeholders", "HistoricalInteraction_contacts")
    assert not participation.objects.filter(contact_id=contact_id).exists()
    assert participation.objects.filter(contact_id=contact.colleague.pk).exists()
    # Another person's records are untouched.
    assert traces_of(PERSON_B, whole_database())


def test_erasure_is_recorded_without_personal_data(client, lived_in_contact, users):
    contact_id = lived_in_contact.pk
    client.force_login(users["director"])
    client.post(reverse("stakeholders:gdpr_erase", args=[contact_id]), {"confirm": "on"})
    entry = GdprAuditEntry.objects.get()
    assert entry.action == "erasure" and entry.contact_id == contact_id
    assert entry.performed_by == users["director"] and entry.actor == lived_in_contact.actor
    assert entry.counts["interactions_unlinked"] == 2
    assert entry.counts["history_rows_purged"] == 4  # created, two changes, the deletion itself
    assert entry.counts["admin_log_rows_purged"] == 1
    assert traces_of(PERSON_A, json.dumps(entry.counts) + str(entry)) == []


def test_erasure_needs_the_confirmation_box(client, world, users):
    client.force_login(users["pm_of_a"])
    response = client.post(reverse("stakeholders:gdpr_erase", args=[world.contact_a.pk]), {},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Tick the box" in " ".join(response.context["form"].errors["confirm"])
    assert Contact.objects.filter(pk=world.contact_a.pk).exists()
    assert not GdprAuditEntry.objects.exists()


def test_erasure_page_warns_about_free_text_naming_the_person(client, world, users):
    named, _ = actions.log_interaction(world.actor_a, {"date": TODAY, "kind": "call", "subject": "Bel terug",
                                                       "notes": "Griet Vandeputtezee belt terug."},
                                       acting_user=users["director"])
    client.force_login(users["pm_of_a"])
    page = client.get(reverse("stakeholders:gdpr_erase", args=[world.contact_a.pk]))
    assert list(page.context["mentions"]) == [named]


@pytest.mark.parametrize("role, status", [
    ("pm_other", 403), ("actor_user_a", 403), ("no_role", 404),
])
def test_gdpr_pages_refuse_those_who_may_not_process_the_request(client, world, users, role, status):
    client.force_login(users[role])
    for name in ("gdpr_export", "gdpr_erase"):
        url = reverse(f"stakeholders:{name}", args=[world.contact_a.pk])
        assert client.get(url).status_code == status
        assert client.post(url, {"confirm": "on"}).status_code == status
    assert Contact.objects.filter(pk=world.contact_a.pk).exists()
    assert not GdprAuditEntry.objects.exists()


def test_gdpr_pages_send_anonymous_users_to_the_login_page(client, world):
    response = client.post(reverse("stakeholders:gdpr_erase", args=[world.contact_a.pk]), {"confirm": "on"})
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert Contact.objects.filter(pk=world.contact_a.pk).exists()


def test_erase_command_needs_yes_and_then_erases(world):
    contact_id = world.contact_a.pk
    with pytest.raises(CommandError, match="--yes"):
        call_command("gdpr_erase", contact=contact_id)
    assert Contact.objects.filter(pk=contact_id).exists()
    out = io.StringIO()
    call_command("gdpr_erase", contact=contact_id, yes=True, stdout=out)
    assert f"Contact {contact_id} erased" in out.getvalue()
    assert not Contact.objects.filter(pk=contact_id).exists()
    assert not Contact.history.filter(id=contact_id).exists()
    assert GdprAuditEntry.objects.get().performed_by is None


def test_erase_command_refuses_an_unknown_contact(world):
    with pytest.raises(CommandError, match="no contact with id 999999"):
        call_command("gdpr_erase", contact=999999, yes=True)


# --- retention of contacts (GDPR art. 5(1)(e)) ---------------------------------------------------

LATER = datetime.date(TODAY.year + 3, 1, 1)  # a day on which every fixture record is more than a year old


def test_contacts_with_nothing_for_the_period_are_erased_and_activity_renews_it(world, users):
    from visd.events.models import Event
    from visd.events import actions as event_actions

    # B: nothing since the fixture; A: an open follow-up (the fixture's interaction) keeps them
    assert list(actions.contacts_past_retention(365, today=LATER)) == [world.contact_b]
    assert list(actions.contacts_past_retention(365, today=TODAY)) == [], "everything is recent today"
    actions.complete_follow_up(world.interaction_a, acting_user=users["pm_of_a"])
    assert set(actions.contacts_past_retention(365, today=LATER)) == {world.contact_a, world.contact_b}
    # a registration for an event that ends within the period renews it
    recent_event = Event.objects.create(title="DIF-Day", kind="dif_day", date=LATER - datetime.timedelta(days=30))
    event_actions.register(recent_event, "Griet Vandeputtezee", organisation=world.actor_a,
                           contact=world.contact_a, acting_user=users["pm_of_a"])
    assert list(actions.contacts_past_retention(365, today=LATER)) == [world.contact_b]
    # so does a consent dated within it (the record itself was changed today, before LATER's cutoff)
    Contact.objects.filter(pk=world.contact_b.pk).update(consent_date=LATER - datetime.timedelta(days=10))
    assert list(actions.contacts_past_retention(365, today=LATER)) == []


def test_retention_erases_like_a_request_with_a_retention_audit_entry_and_runs_once(world, users):
    Interaction.objects.create(actor=world.actor_b, date=TODAY, kind=Interaction.Kind.CALL,
                               subject="Call", notes="Jonas Cyberoens asked about the EDF call.")
    entries = actions.apply_contact_retention(365, today=LATER)
    assert [(e.action, e.contact_id, e.performed_by) for e in entries] == [("retention", world.contact_b.pk, None)]
    assert entries[0].counts["history_rows_purged"] >= 1
    assert not Contact.objects.filter(pk=world.contact_b.pk).exists()
    assert Contact.objects.filter(pk=world.contact_a.pk).exists(), "the open follow-up keeps A"
    # the history holds no trace; the free-text mention stays for a person to edit (listed by the command)
    assert traces_of(PERSON_B, whole_database()) == ["Cyberoens"]
    assert actions.apply_contact_retention(365, today=LATER) == []
    assert GdprAuditEntry.objects.count() == 1
    with pytest.raises(ValueError):
        actions.apply_contact_retention(0)


def test_retention_command_dry_run_changes_nothing_and_the_run_lists_mentions(world, users, settings, monkeypatch):
    mention = Interaction.objects.create(actor=world.actor_b, date=TODAY, kind=Interaction.Kind.CALL,
                                         subject="Call", notes="Jonas Cyberoens asked about the EDF call.")
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: LATER)
    settings.VISD_REGISTRATION_RETENTION_DAYS = None
    settings.VISD_CONTACT_RETENTION_DAYS = 365
    before = whole_database()
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert f"1 contact(s) with nothing since {LATER - datetime.timedelta(days=365):%Y-%m-%d} would be erased" in text
    assert f"ids {world.contact_b.pk}." in text and f"ids {mention.pk}." in text
    assert "Event registrations: no retention period set" in text
    assert whole_database() == before, "a dry run changes nothing"
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "1 contact(s)" in out.getvalue() and "erased" in out.getvalue() and f"ids {mention.pk}." in out.getvalue()
    assert not Contact.objects.filter(pk=world.contact_b.pk).exists()


def test_retention_command_refuses_without_a_period_or_with_a_bad_one(world, settings):
    settings.VISD_REGISTRATION_RETENTION_DAYS = None
    settings.VISD_CONTACT_RETENTION_DAYS = None
    with pytest.raises(CommandError, match="No retention period is set"):
        call_command("apply_retention")
    with pytest.raises(CommandError, match="contact retention period must be at least one day, not 0"):
        call_command("apply_retention", "--contact-days", "0", "--days", "30")
    assert Contact.objects.count() == 2 and not GdprAuditEntry.objects.exists()
