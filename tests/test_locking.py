"""Two editors on one record (issue 18 item 4): whichever door they use (the register's pages, the
admin, the API), the second one, whose form or request is based on the version before the first
one's save, is refused with a clear message (409 in the API) and nothing of the first change is
lost. One mechanism, ``visd.core.locking``, for every kind."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient
from stakeholder_world import *  # noqa: F403 (the world and users fixtures)

from visd.actors.admin import ActorAdmin
from visd.actors.models import Actor
from visd.core import history
from visd.core.locking import EditConflict
from visd.stakeholders import actions
from visd.stakeholders.admin import ContactAdmin
from visd.stakeholders.models import Contact, Dossier, Interaction

# The message in either language: pages answer in the visitor's language (Dutch by default).
CONFLICT = r"Someone else changed this|Iemand anders heeft dit record \([^)]+\) gewijzigd"


def told_of_conflict(text: str) -> bool:
    return re.search(CONFLICT, text) is not None


def form_data(form) -> dict:
    """What a browser sends back for ``form`` as it was shown: every field's shown value."""
    data = {}
    for field in form:
        value = field.value()
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[field.html_name] = "on"
        elif isinstance(value, (list, tuple)):
            data[field.html_name] = [str(getattr(item, "pk", item)) for item in value]
        else:
            data[field.html_name] = str(value)
    return data


def admin_form_data(response) -> dict:
    """The admin change page as a browser would send it back: the form and its inline rows."""
    data = form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(form_data(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(form_data(form))
    return data


def two_clients(client_factory, user):
    first, second = client_factory(), client_factory()
    first.force_login(user)
    second.force_login(user)
    return first, second


@pytest.fixture
def client_factory():
    return Client


@pytest.fixture
def dossier(world, users):
    made, _ = actions.create_dossier(world.actor_a, {"title": "Haven"}, acting_user=users["director"])
    return made


# --- the model: every save claims the next version ------------------------------------------------

def test_a_save_based_on_an_older_version_is_refused_and_writes_nothing(world):
    first, second = Contact.objects.get(pk=world.contact_a.pk), Contact.objects.get(pk=world.contact_a.pk)
    first.job_title = "CEO"
    first.save()
    assert first.version == 2
    second.phone = "+32 9 999 99 99"
    with pytest.raises(EditConflict, match=CONFLICT) as refused:
        second.save()
    assert refused.value.record.job_title == "CEO" and refused.value.current_version == 2
    stored = Contact.objects.get(pk=world.contact_a.pk)
    assert (stored.job_title, stored.phone, stored.version) == ("CEO", world.contact_a.phone, 2)


def test_an_expected_version_is_checked_even_on_a_freshly_loaded_record(world, users):
    contact = Contact.objects.get(pk=world.contact_a.pk)
    with pytest.raises(EditConflict):
        actions.update_contact(contact, {"job_title": "CEO"}, acting_user=users["director"], expected_version=7)
    assert Contact.objects.get(pk=contact.pk).job_title == "CTO"


def test_a_record_deleted_meanwhile_is_a_conflict_not_a_new_record(world):
    stale = Contact.objects.get(pk=world.contact_b.pk)
    Contact.objects.filter(pk=stale.pk).delete()
    stale.job_title = "CEO"
    with pytest.raises(EditConflict, match="deleted|verwijderd") as refused:
        stale.save()
    assert refused.value.record is None
    assert not Contact.objects.filter(pk=stale.pk).exists()


def test_changing_only_the_participants_of_an_interaction_claims_a_version(world, users):
    interaction = Interaction.objects.get(pk=world.interaction_a.pk)
    before = interaction.version
    actions.update_interaction(interaction, {}, contacts=[], staff=[], acting_user=users["director"])
    assert Interaction.objects.get(pk=interaction.pk).version == before + 1
    stale = Interaction.objects.get(pk=interaction.pk)
    stale.version = before  # a form read before the change of participants
    with pytest.raises(EditConflict):
        actions.update_interaction(stale, {"subject": "Later"}, contacts=[world.contact_a], staff=[],
                                   acting_user=users["director"])
    assert list(Interaction.objects.get(pk=interaction.pk).contacts.all()) == []


def test_the_history_never_shows_the_counter(world, users):
    contact = Contact.objects.get(pk=world.contact_a.pk)
    actions.update_contact(contact, {"job_title": "CEO"}, acting_user=users["director"])
    for model in (Actor, Contact, Interaction, Dossier):
        assert "version" not in history.shown_fields(model, model.history.model())
    assert "submission_key" not in history.shown_fields(Contact, Contact.history.model())
    entries = APIClient()
    entries.force_authenticate(users["director"])
    changes = entries.get(f"/api/contacts/{contact.pk}/history/").json()["results"]
    assert all(change["field"] != "version" for entry in changes for change in entry["changes"])
    exported = actions.personal_data_of(contact)
    assert "version" not in exported["contact"] and "version" not in exported["history_of_contact_record"][0]


# --- pages -------------------------------------------------------------------------------------------

PAGES = {
    "contact": ("stakeholders:contact_edit", lambda world, dossier: world.contact_a, "job_title", Contact),
    "interaction": ("stakeholders:interaction_edit", lambda world, dossier: world.interaction_a, "subject",
                    Interaction),
    "dossier": ("stakeholders:dossier_edit", lambda world, dossier: dossier, "title", Dossier),
}


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_two_editors_on_a_page_the_second_is_told_and_nothing_is_lost(kind, client_factory, world, users, dossier):
    url_name, record_of, field, model = PAGES[kind]
    record = record_of(world, dossier)
    url = reverse(url_name, args=[record.pk])
    first, second = two_clients(client_factory, users["pm_of_a"])
    first_form = form_data(first.get(url).context["form"])
    second_form = form_data(second.get(url).context["form"])
    assert first_form["version"] == second_form["version"] == str(record.version)

    assert first.post(url, {**first_form, field: "First editor's text"}).status_code == 302
    refused = second.post(url, {**second_form, field: "Second editor's text"})
    assert refused.status_code == 409
    page = refused.content.decode()
    assert told_of_conflict(page) and "First editor&#x27;s text" in page  # what is stored now, field by field
    assert getattr(model.objects.get(pk=record.pk), field) == "First editor's text"
    reshown = form_data(refused.context["form"])
    assert reshown[field] == "Second editor's text"  # the second editor's input is kept
    assert reshown["version"] == str(model.objects.get(pk=record.pk).version)
    # Having seen what is stored, the second editor may save deliberately.
    assert second.post(url, reshown).status_code == 302
    assert getattr(model.objects.get(pk=record.pk), field) == "Second editor's text"


def test_a_page_form_without_its_version_is_refused_with_a_message(client, world, users):
    client.force_login(users["pm_of_a"])
    url = reverse("stakeholders:contact_edit", args=[world.contact_a.pk])
    data = form_data(client.get(url).context["form"])
    del data["version"]
    response = client.post(url, {**data, "job_title": "CEO"})
    assert response.status_code == 200 and re.search("reload the page|laad de pagina opnieuw", response.content.decode())
    assert Contact.objects.get(pk=world.contact_a.pk).job_title == "CTO"


# --- admin -------------------------------------------------------------------------------------------

ADMIN = {
    "actor": ("actors", "actor", lambda world, dossier: world.actor_a, "city", Actor),
    "contact": ("stakeholders", "contact", lambda world, dossier: world.contact_a, "job_title", Contact),
    "interaction": ("stakeholders", "interaction", lambda world, dossier: world.interaction_a, "subject",
                    Interaction),
    "dossier": ("stakeholders", "dossier", lambda world, dossier: dossier, "title", Dossier),
}


@pytest.mark.parametrize("kind", sorted(ADMIN))
def test_two_editors_in_the_admin_the_second_is_told_and_nothing_is_lost(kind, client_factory, world, users,
                                                                           dossier):
    app, model_name, record_of, field, model = ADMIN[kind]
    record = record_of(world, dossier)
    url = reverse(f"admin:{app}_{model_name}_change", args=[record.pk])
    first, second = two_clients(client_factory, users["director"])
    first_data, second_data = admin_form_data(first.get(url)), admin_form_data(second.get(url))
    assert first_data["version"] == str(record.version)

    saved = first.post(url, {**first_data, field: "First"})
    assert saved.status_code == 302, saved.context["adminform"].form.errors if saved.context else saved
    refused = second.post(url, {**second_data, field: "Second"})
    assert refused.status_code == 200
    errors = " ".join(refused.context["adminform"].form.non_field_errors())
    assert told_of_conflict(errors) and "First" in errors
    assert getattr(model.objects.get(pk=record.pk), field) == "First"
    again = admin_form_data(refused)
    assert again[field] == "Second" and again["version"] == str(model.objects.get(pk=record.pk).version)
    assert second.post(url, again).status_code == 302
    assert getattr(model.objects.get(pk=record.pk), field) == "Second"


def test_two_admin_saves_at_the_same_moment_the_later_is_refused_without_a_server_error(
        client, world, users, monkeypatch):
    """Both forms pass the form's check; another save lands between the check and this save."""
    url = reverse("admin:stakeholders_contact_change", args=[world.contact_a.pk])
    client.force_login(users["director"])
    data = admin_form_data(client.get(url))
    checked_then_saved = ContactAdmin.save_model

    def another_editor_saves_first(self, request, obj, form, change):
        other = Contact.objects.get(pk=obj.pk)
        other.job_title = "Meanwhile"
        other.save()
        return checked_then_saved(self, request, obj, form, change)

    monkeypatch.setattr(ContactAdmin, "save_model", another_editor_saves_first)
    response = client.post(url, {**data, "job_title": "Mine"}, follow=True)
    assert response.status_code == 200
    assert told_of_conflict(" ".join(str(message) for message in response.context["messages"]))
    # the whole request rolled back, the other editor's save with it in this simulation; never "Mine"
    assert Contact.objects.get(pk=world.contact_a.pk).job_title != "Mine"


def test_the_admin_add_form_needs_no_version(client, world, users):
    client.force_login(users["director"])
    page = client.get(reverse("admin:actors_actor_add"))
    assert page.status_code == 200 and "version" not in page.context["adminform"].form.fields
    assert ActorAdmin  # the actor admin is the locked one (VersionedAdminMixin)


# --- API ---------------------------------------------------------------------------------------------

API = {
    "actor": ("/api/actors/", lambda world, dossier: world.actor_a, "city", Actor),
    "contact": ("/api/contacts/", lambda world, dossier: world.contact_a, "job_title", Contact),
    "interaction": ("/api/interactions/", lambda world, dossier: world.interaction_a, "subject", Interaction),
    "dossier": ("/api/dossiers/", lambda world, dossier: dossier, "title", Dossier),
}


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("method", ["patch", "put"])
@pytest.mark.parametrize("kind", sorted(API))
def test_two_api_clients_the_second_gets_a_409_and_nothing_is_lost(kind, method, world, users, dossier):
    base, record_of, field, model = API[kind]
    record = record_of(world, dossier)
    url = f"{base}{record.pk}/"
    first, second = api_client(users["director"]), api_client(users["director"])
    read_first, read_second = first.get(url).json(), second.get(url).json()
    assert read_first["version"] == read_second["version"] == record.version

    def body(read, value):
        if method == "patch":
            return {field: value, "version": read["version"]}
        keep = {name: value for name, value in read.items() if value is not None and name not in (
            "id", "actor_name", "created_at", "updated_at", "created_by", "tags", "search", "display_name",
            "legal_form", "kbo_display", "region", "region_source")}
        return {**keep, field: value}

    assert getattr(first, method)(url, body(read_first, "First"), format="json").status_code == 200
    stale = getattr(second, method)(url, body(read_second, "Second"), format="json")
    assert stale.status_code == 409
    answer = stale.json()
    assert told_of_conflict(answer["detail"])
    assert (answer["your_version"], answer["current_version"]) == (record.version, record.version + 1)
    assert answer["current"][field] == "First" and answer["yours"][field] == "Second"
    stored = model.objects.get(pk=record.pk)
    assert getattr(stored, field) == "First" and stored.version == record.version + 1


@pytest.mark.parametrize("kind", sorted(API))
def test_an_api_change_without_the_version_is_a_400_naming_it(kind, world, users, dossier):
    base, record_of, field, model = API[kind]
    record = record_of(world, dossier)
    response = api_client(users["director"]).patch(f"{base}{record.pk}/", {field: "X"}, format="json")
    assert response.status_code == 400 and "version" in response.json()
    assert getattr(model.objects.get(pk=record.pk), field) != "X"


def test_creating_over_the_api_ignores_a_version_sent(world, users):
    response = api_client(users["director"]).post("/api/dossiers/", {"title": "Nieuw", "version": 9},
                                                  format="json")
    assert response.status_code == 201 and response.json()["version"] == 1


def test_the_schema_documents_the_409_of_every_locked_change(users):
    schema = api_client(users["director"]).get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/actors/{id}/", "/api/contacts/{id}/", "/api/interactions/{id}/", "/api/dossiers/{id}/"):
        for method in ("put", "patch"):
            assert "409" in schema["paths"][path][method]["responses"], (path, method)
    assert "409" in schema["paths"]["/api/actor-tags/{id}/"]["patch"]["responses"]
    assert re.search("version", str(schema["components"]["schemas"]["PatchedContactRequest"]))


# --- the other kinds that had their own copy ---------------------------------------------------------

def test_a_matchmaking_edit_based_on_an_older_version_is_refused(users):
    """B2B matchmaking settings (visd.meetings) use the same mechanism as every other kind."""
    import datetime

    from django.utils import timezone

    from visd.events.models import Event
    from visd.meetings import actions as meeting_actions
    from visd.meetings.models import Matchmaking

    organiser = users["coordinator"]
    event = Event.objects.create(title="DIF-Day", kind="dif_day", date=timezone.localdate())
    settings = {"tables": 2, "table_names": "", "max_meetings": None, "response_days": None,
                "registration_deadline": timezone.now() + datetime.timedelta(hours=1),
                "request_deadline": timezone.now() + datetime.timedelta(hours=2)}
    matchmaking = meeting_actions.open_matchmaking(event, settings, "09:00-09:30", acting_user=organiser)
    read = matchmaking.version
    meeting_actions.update_matchmaking(Matchmaking.objects.get(pk=matchmaking.pk), {"tables": 3}, None,
                                       acting_user=organiser, expected_version=read)
    with pytest.raises(EditConflict, match=CONFLICT) as refused:
        meeting_actions.update_matchmaking(Matchmaking.objects.get(pk=matchmaking.pk), {"tables": 5}, None,
                                           acting_user=organiser, expected_version=read)
    assert refused.value.current_version == read + 1
    assert Matchmaking.objects.get(pk=matchmaking.pk).tables == 3
    assert "version" not in history.shown_fields(Matchmaking, Matchmaking.history.model())
