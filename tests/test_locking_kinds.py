"""Every kind of record people edit is under the one lost-update guard (issue 18): calls,
instruments (with their guidance and aid rates), facilities, capability needs, programme records,
consortia, guidance, concept tags, EU projects and the taxonomy, on top of the kinds of
``test_locking.py``. The second of two editors is refused and nothing of the first one's change is
lost, in the admin, on the pages and through the API; and a model that gains an admin change form
or an API change without the lock fails ``test_every_editable_kind_is_locked_or_exempt``."""

import datetime
import json
from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient
from stakeholder_world import *  # noqa: F403 (the world and users fixtures)
from test_locking import admin_form_data, form_data, told_of_conflict, two_clients

from visd.api_urls import router
from visd.core.admin import ReadOnlyMixin
from visd.core.locking import EditConflict, VersionedAdminMixin, VersionedInlineMixin, is_locked

# --- records of every kind --------------------------------------------------------------------------


def call(world):
    from visd.funding.models import Call

    return Call.objects.create(topic_id="EDF-2025-RA-TEST", title="Underwater drones")


def instrument(world):
    from visd.funding.models import Instrument

    return Instrument.objects.create(source="VLAIO website", code="test-instrument", name_nl="Testsubsidie",
                                     name_en="Test grant", level="flemish", kind="grant", owner="VLAIO")


def aid_rate(world):
    from visd.funding.models import AidRate

    return AidRate.objects.create(instrument=instrument(world), project_kind="research", size="small",
                                  component="base", max_percent=Decimal("50"), source="Aid scheme, art. 3")


def capability_need(world):
    from visd.capabilities.models import CapabilityNeed

    return CapabilityNeed.objects.create(source="Strategic Vision 2025, p. 3", source_kind="sv2025", code="test",
                                         level="dimension", name="Sea")


def trajectory_point(world):
    from visd.capabilities.models import BudgetTrajectoryPoint

    return BudgetTrajectoryPoint.objects.create(source="Strategic Vision 2025, fig. 1", series="defence_budget",
                                                year=2030, value=Decimal("1.5"), unit="% GDP")


def facility(world):
    from visd.facilities.models import Infrastructure

    return Infrastructure.objects.create(name="Towing tank", city="Gent")


def budget_line(world):
    from visd.programme.models import BudgetLine

    return BudgetLine.objects.create(source="VISD (003) table 4", code="test-line", name_nl="Projecten",
                                     name_en="Projects", category="projects")


def budget_amount(world):
    from visd.programme.models import BudgetAmount

    return BudgetAmount.objects.create(line=budget_line(world), year=2026, amount_eur=Decimal("1000"),
                                       source="VISD (003) table 4")


def kpi(world):
    from visd.programme.models import KPI

    return KPI.objects.create(source="VISD (003) KPA 1", code="test-kpi", kpa="KPA 1", name_nl="Aantal",
                              name_en="Count")


def report_template(world):
    from visd.programme.models import ReportTemplate

    return ReportTemplate.objects.create(name="test", title_nl="Jaarverslag", title_en="Annual report",
                                         sections=["kpis"])


def deadline(world):
    from visd.programme.models import Deadline

    return Deadline.objects.create(kind="other", title="Send the report", due=datetime.date(2026, 3, 1))


def control_relation(world):
    from visd.consortia.models import ControlRelation

    return ControlRelation.objects.create(controlled=world.actor_a, controller=world.actor_b, controller_country="BE",
                                          source="Annual accounts 2024", as_of=datetime.date(2025, 1, 1))


def consortium(world):
    from visd.consortia.models import Consortium

    return Consortium.objects.create(title="Sea drones consortium")


def member(world):
    from visd.consortia.models import ConsortiumMember

    return ConsortiumMember.objects.create(consortium=consortium(world), name="Zeebrugge Marine Systems",
                                           role="coordinator", country="BE")


def contact_point(world):
    from visd.guidance.models import ContactPoint

    return ContactPoint.objects.create(source="VLAIO website", code="test-point", name_nl="Loket",
                                       name_en="Desk", organisation="VLAIO", level="flemish", role_nl="Helpt",
                                       role_en="Helps")


def obligation(world):
    from visd.guidance.models import Obligation

    return Obligation.objects.create(source="Regulation (EU) 2021/697, art. 9", code="test-obligation",
                                     title_nl="Plicht", title_en="Duty", text_nl="Tekst", text_en="Text")


def concept_tag(world):
    from visd.matchmaking.models import ConceptTag

    return ConceptTag.objects.create(target_type="call", object_id=call(world).pk, concept=world.maritime,
                                     origin="curated", evidence="drones")


def project(world):
    from visd.projects.models import Project

    return Project.objects.create(source="cordis", external_id="999001", title="Sea drones")


def participation(world):
    from visd.projects.models import Participation

    return Participation.objects.create(project=project(world), actor=world.actor_a, role="coordinator")


def actor_tag(world):
    from visd.actors.models import ActorTag, TagOrigin

    return ActorTag.objects.update_or_create(actor=world.actor_a, concept=world.maritime, defaults={
        "origin": TagOrigin.CURATED, "confidence": 0.9, "evidence": ""})[0]


def export_restriction(world):
    from visd.screening.models import ExportRestriction

    return ExportRestriction.objects.create(
        source="Council Decision 2014/512/CFSP", code="test-embargo", country="RU",
        effective_from=datetime.date(2014, 7, 31), review_date=datetime.date(2027, 1, 31), kind="arms_embargo",
        title_nl="Wapenembargo", title_en="Arms embargo")


def country_note(world):
    from visd.screening.models import CountryNote

    return CountryNote.objects.create(
        source="VSSE annual report 2024", code="test-note", country="CN", effective_from=datetime.date(2024, 1, 1),
        review_date=datetime.date(2027, 1, 1), flag="espionage_interference", title_nl="Spionage",
        title_en="Espionage", text_nl="Tekst", text_en="Text")


def screening(world):
    from visd.screening.models import Screening

    return Screening.objects.create(kind="esac", subject="Sea drones", reference_date=datetime.date(2026, 1, 1),
                                    outcome="clear", rule_version="1", answers={"reference_date": "2026-01-01"},
                                    result={"outcome": "clear"})


# --- the admin: every editable change form --------------------------------------------------------

# model label: (record maker, a text field of the change form)
ADMIN = {
    "funding.Call": (call, "title"),
    "funding.Instrument": (instrument, "name_nl"),
    "capabilities.CapabilityNeed": (capability_need, "name"),
    "capabilities.BudgetTrajectoryPoint": (trajectory_point, "source"),
    "facilities.Infrastructure": (facility, "name"),
    "programme.BudgetLine": (budget_line, "name_nl"),
    "programme.KPI": (kpi, "name_nl"),
    "programme.ReportTemplate": (report_template, "title_nl"),
    "programme.Deadline": (deadline, "title"),
    "consortia.ControlRelation": (control_relation, "source"),
    "guidance.ContactPoint": (contact_point, "name_nl"),
    "guidance.Obligation": (obligation, "title_nl"),
    "matchmaking.ConceptTag": (concept_tag, "evidence"),
    "projects.Project": (project, "title"),
    "taxonomy.Portfolio": (lambda world: world.maritime_portfolio, "name_en"),
    "taxonomy.Concept": (lambda world: world.maritime, "label_en"),
    "screening.ExportRestriction": (export_restriction, "title_en"),
    "screening.CountryNote": (country_note, "title_en"),
    "screening.Screening": (screening, "subject"),
}
# The locked kinds whose admin two-editor test is in test_locking.py.
ADMIN_TESTED_ELSEWHERE = {"actors.Actor", "stakeholders.Contact", "stakeholders.Interaction", "stakeholders.Dossier"}

# Editable in the admin without the lock, each for a reason.
ADMIN_EXEMPT = {
    # Django's account administration (management only): password changes go through their own
    # form, roles through the profile; a lost update there is a role set twice, seen in the list.
    "auth.User": "user accounts",
    # A token has no field to edit: it is created and deleted, never changed.
    "authtoken.TokenProxy": "API tokens",
}
# Inline rows without a lock of their own: the parent's version, which every admin save claims
# (save_model runs on each save of the change form), refuses a stale form that includes them.
INLINE_EXEMPT = {
    "core.UserProfile": "a user's role, inline of Django's account admin (exempt above)",
}


def editable_admins():
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, ReadOnlyMixin):
            yield model, model_admin


def test_every_editable_kind_is_locked_or_exempt():
    """A model with an admin change form, an inline of one or an API change is under the lock, with
    the admin's version handling, unless it is on a list above with its reason; and every locked admin
    kind has its two-editor test here or in test_locking.py."""
    unguarded = []
    locked_admins = set()
    for model, model_admin in editable_admins():
        label = model._meta.label
        if label in ADMIN_EXEMPT:
            continue
        if not (is_locked(model) and isinstance(model_admin, VersionedAdminMixin)):
            unguarded.append(label)
        locked_admins.add(label)
        for inline in model_admin.inlines:
            inline_label = inline.model._meta.label
            if inline_label not in INLINE_EXEMPT and not (
                    is_locked(inline.model) and issubclass(inline, VersionedInlineMixin)):
                unguarded.append(f"{inline_label} (inline of {label})")
    assert unguarded == []
    assert locked_admins == set(ADMIN) | ADMIN_TESTED_ELSEWHERE

    unguarded_api = []
    for prefix, viewset, _basename in router.registry:
        if not hasattr(viewset, "partial_update") and not hasattr(viewset, "update"):
            continue
        methods = getattr(viewset, "http_method_names", ())
        if "patch" not in methods and "put" not in methods:
            continue
        queryset = getattr(viewset, "queryset", None)
        model = queryset.model if queryset is not None else viewset.serializer_class.Meta.model
        if not is_locked(model) and prefix not in API_EXEMPT:
            unguarded_api.append(prefix)
    assert unguarded_api == []


@pytest.mark.parametrize("label", sorted(ADMIN))
def test_two_editors_in_the_admin_the_second_is_told_and_nothing_is_lost(label, world, users):
    make, field = ADMIN[label]
    record = make(world)
    model = type(record)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[record.pk])
    first, second = two_clients(Client, users["director"])
    first_data, second_data = as_sent(first.get(url), record), as_sent(second.get(url), record)
    assert first_data["version"] == second_data["version"] == str(record.version)

    saved = first.post(url, {**first_data, field: "First"})
    assert saved.status_code == 302, saved.context["adminform"].form.errors if saved.context else saved
    refused = second.post(url, {**second_data, field: "Second"})
    assert refused.status_code == 200
    errors = " ".join(refused.context["adminform"].form.non_field_errors())
    assert told_of_conflict(errors) and "First" in errors
    assert getattr(model.objects.get(pk=record.pk), field) == "First"
    again = as_sent(refused, record)
    assert again[field] == "Second" and again["version"] == str(model.objects.get(pk=record.pk).version)
    assert second.post(url, again).status_code == 302
    assert getattr(model.objects.get(pk=record.pk), field) == "Second"


def as_sent(response, record) -> dict:
    """``admin_form_data``, with JSON fields as the browser sends them (JSON text, not Python's repr)."""
    data = admin_form_data(response)
    for field in record._meta.concrete_fields:
        if field.get_internal_type() == "JSONField" and field.name in data:
            data[field.name] = json.dumps(getattr(record, field.name))
    return data


# Inline rows changed outside the change form (a reference-data load, the API) while it was open.
INLINES = {
    "funding.AidRate": (aid_rate, "instrument", "regime_nl"),
    "programme.BudgetAmount": (budget_amount, "line", "note"),
    "projects.Participation": (participation, "project", "role"),
}


@pytest.mark.parametrize("label", sorted(INLINES))
def test_an_inline_row_changed_meanwhile_is_refused_not_overwritten(label, client, world, users):
    make, parent_field, field = INLINES[label]
    row = make(world)
    model, parent = type(row), getattr(row, parent_field)
    url = reverse(f"admin:{parent._meta.app_label}_{parent._meta.model_name}_change", args=[parent.pk])
    client.force_login(users["director"])
    page = client.get(url)
    data = admin_form_data(page)
    prefix = next(inline.formset.prefix for inline in page.context["inline_admin_formsets"]
                  if inline.formset.model is model)
    assert data[f"{prefix}-0-version"] == str(row.version)

    meanwhile = model.objects.get(pk=row.pk)
    new_value = "participant" if field == "role" else "Changed by the reference data"
    setattr(meanwhile, field, new_value)
    meanwhile.save()
    stale_value = "partner" if field == "role" else "Changed in the form"
    refused = client.post(url, {**data, f"{prefix}-0-{field}": stale_value})
    assert refused.status_code == 200
    row_errors = " ".join(str(error) for inline in refused.context["inline_admin_formsets"]
                          for form in inline.formset.forms for error in form.non_field_errors())
    assert told_of_conflict(row_errors)
    stored = model.objects.get(pk=row.pk)
    assert getattr(stored, field) == new_value and stored.version == row.version + 1


def test_a_new_inline_row_needs_no_version(client, world, users):
    from visd.funding.models import AidRate

    parent = instrument(world)
    url = reverse("admin:funding_instrument_change", args=[parent.pk])
    client.force_login(users["director"])
    data = admin_form_data(client.get(url))
    prefix = "aid_rates"
    assert data[f"{prefix}-TOTAL_FORMS"] == "0"
    data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-project_kind": "research", f"{prefix}-0-size": "small",
                 f"{prefix}-0-component": "base", f"{prefix}-0-max_percent": "45",
                 f"{prefix}-0-source": "Aid scheme, art. 3", f"{prefix}-0-instrument": str(parent.pk)})
    response = client.post(url, data)
    assert response.status_code == 302, response.context and [
        form.errors for inline in response.context["inline_admin_formsets"] for form in inline.formset.forms]
    assert AidRate.objects.get(instrument=parent).version == 1


def test_the_add_form_with_inline_rows_needs_no_version(client, world, users):
    from visd.funding.models import AidRate, Instrument

    client.force_login(users["director"])
    url = reverse("admin:funding_instrument_add")
    data = admin_form_data(client.get(url))
    assert "version" not in data
    data.update({"source": "VLAIO website", "code": "new-instrument", "name_nl": "Nieuw", "name_en": "New",
                 "level": "flemish", "kind": "grant", "owner": "VLAIO", "aid_rates-TOTAL_FORMS": "1",
                 "aid_rates-0-project_kind": "research", "aid_rates-0-size": "small", "aid_rates-0-component": "base",
                 "aid_rates-0-max_percent": "45", "aid_rates-0-source": "Aid scheme, art. 3"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    made = Instrument.objects.get(code="new-instrument")
    assert made.version == 1 and AidRate.objects.get(instrument=made).version == 1


# --- the API ----------------------------------------------------------------------------------------

# API prefix: (record maker, field)
API = {
    "calls": (call, "title"),
    "instruments": (instrument, "name_nl"),
    "capability-needs": (capability_need, "name"),
    "infrastructure": (facility, "name"),
    "budget-lines": (budget_line, "name_nl"),
    "kpis": (kpi, "name_nl"),
    "projects": (project, "title"),
    "participations": (participation, "role"),
    "portfolios": (lambda world: world.maritime_portfolio, "name_en"),
    "concepts": (lambda world: world.maritime, "label_en"),
    "export-restrictions": (export_restriction, "title_en"),
    "country-notes": (country_note, "title_en"),
    "actor-tags": (actor_tag, "evidence"),
}
API_EXEMPT: set[str] = set()  # every API route that changes records is under the lock


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("prefix", sorted(API))
def test_two_api_clients_the_second_gets_a_409_and_nothing_is_lost(prefix, world, users):
    make, field = API[prefix]
    record = make(world)
    model = type(record)
    url = f"/api/{prefix}/{record.topic_id if prefix == 'calls' else record.pk}/"  # calls by topic id
    first, second = api_client(users["director"]), api_client(users["director"])
    read_first, read_second = first.get(url).json(), second.get(url).json()
    assert read_first["version"] == read_second["version"] == record.version
    value = {"participations": ("participant", "partner")}.get(prefix, ("First", "Second"))

    answer = first.patch(url, {field: value[0], "version": read_first["version"]}, format="json")
    assert answer.status_code == 200, answer.json()
    stale = second.patch(url, {field: value[1], "version": read_second["version"]}, format="json")
    assert stale.status_code == 409
    body = stale.json()
    assert told_of_conflict(body["detail"])
    assert (body["your_version"], body["current_version"]) == (record.version, record.version + 1)
    assert body["current"][field] == value[0] and body["yours"][field] == value[1]
    stored = model.objects.get(pk=record.pk)
    assert getattr(stored, field) == value[0] and stored.version == record.version + 1
    without = second.patch(url, {field: value[1]}, format="json")
    assert without.status_code == 400 and "version" in without.json()


# --- pages ------------------------------------------------------------------------------------------

def _page_two_editors(url, users, field, model, record, user="director", redirect_ok=302, other=None):
    first, second = two_clients(Client, users[user])
    if other is not None:  # the second editor is someone else (a participant and their organiser)
        second.force_login(users[other])
    first_form = form_data(first.get(url).context["form"])
    second_form = form_data(second.get(url).context["form"])
    assert first_form["version"] == second_form["version"] == str(record.version)
    saved = first.post(url, {**first_form, field: "First editor's text"})
    assert saved.status_code == redirect_ok, saved.context["form"].errors if saved.context else saved
    refused = second.post(url, {**second_form, field: "Second editor's text"})
    assert refused.status_code == 409
    assert told_of_conflict(refused.content.decode())
    assert getattr(model.objects.get(pk=record.pk), field) == "First editor's text"
    reshown = form_data(refused.context["form"])
    assert reshown[field] == "Second editor's text"
    assert reshown["version"] == str(model.objects.get(pk=record.pk).version)
    assert second.post(url, reshown).status_code == redirect_ok
    assert getattr(model.objects.get(pk=record.pk), field) == "Second editor's text"


def test_two_editors_of_a_report_template_page(world, users):
    from visd.programme.models import ReportTemplate

    template = report_template(world)
    _page_two_editors(reverse("programme:template_edit", args=[template.pk]), users, "title_nl", ReportTemplate,
                      template)


def test_two_editors_of_a_consortium_page(world, users):
    from visd.consortia.models import Consortium

    made = consortium(world)
    _page_two_editors(reverse("consortia:edit", args=[made.pk]), users, "title", Consortium, made)


def test_two_editors_of_a_consortium_member_page(world, users):
    from visd.consortia.models import ConsortiumMember

    made = member(world)
    _page_two_editors(reverse("consortia:member_edit", args=[made.consortium.pk, made.pk]), users, "name",
                      ConsortiumMember, made)


def test_a_participant_and_the_organiser_editing_the_matchmaking_profile(world, users):
    from django.utils import timezone

    from visd.events.models import Event
    from visd.meetings import actions as meeting_actions
    from visd.meetings.models import Participant

    event = Event.objects.create(title="DIF-Day", kind="dif_day", date=timezone.localdate())
    matchmaking = meeting_actions.open_matchmaking(event, {
        "tables": 2, "table_names": "", "max_meetings": None, "response_days": None,
        "registration_deadline": timezone.now() + datetime.timedelta(hours=1),
        "request_deadline": timezone.now() + datetime.timedelta(hours=2)}, "09:00-09:30", acting_user=users["coordinator"])
    participant = meeting_actions.join(matchmaking, users["actor_user_a"], name="Griet", acting_user=users["actor_user_a"])
    _page_two_editors(reverse("meetings:profile", args=[participant.pk]), users, "offer", Participant, participant,
                      user="actor_user_a", other="coordinator")


def test_a_membership_change_neither_overwrites_nor_conflicts_with_a_consortium_edit(world, users):
    """Adding a member touches the consortium (an approval becomes a draft): from the stored record,
    so an edit of its title made meanwhile stays."""
    from visd.consortia import actions
    from visd.consortia.models import Consortium

    made = consortium(world)
    meanwhile = Consortium.objects.get(pk=made.pk)
    meanwhile.title = "Renamed meanwhile"
    meanwhile.save()
    actions.add_member(made, {"name": "Gent Cyber Labs", "role": "beneficiary", "country": "BE"},
                       acting_user=users["director"])
    stored = Consortium.objects.get(pk=made.pk)
    assert stored.title == "Renamed meanwhile" and stored.version == made.version == 3


# --- records that only code and their own screens write ---------------------------------------------

def kpi_target(world):
    from visd.programme.models import KPITarget

    return KPITarget.objects.create(kpi=kpi(world), year=2026, target=Decimal("10"))


def kpi_value(world):
    from visd.programme.models import KPIValue

    return KPIValue.objects.create(kpi=kpi(world), year=2026, value=Decimal("3"), evidence="Minutes")


def budget_entry(world):
    from visd.programme.models import BudgetEntry

    return BudgetEntry.objects.create(line=budget_line(world), year=2026, kind="commitment",
                                      amount_eur=Decimal("5"), date=datetime.date(2026, 1, 5), description="Grant")


def action_item(world):
    from visd.programme.models import ActionItem

    return ActionItem.objects.create(year=2026, title="Info day")


def instrument_guidance(world):
    from visd.funding.models import InstrumentGuidance

    return InstrumentGuidance.objects.create(instrument=instrument(world))


# Created and deleted on their own screens, never edited there (the admin shows them read-only):
# the lock guards the saves of code, checked against the version each loaded.
MODEL_ONLY = {
    "programme.KPITarget": kpi_target,
    "programme.KPIValue": kpi_value,
    "programme.BudgetEntry": budget_entry,
    "programme.ActionItem": action_item,
    "funding.InstrumentGuidance": instrument_guidance,
}


@pytest.mark.parametrize("label", sorted(MODEL_ONLY))
def test_a_save_based_on_an_older_version_is_refused(label, world):
    record = MODEL_ONLY[label](world)
    model = type(record)
    first, second = model.objects.get(pk=record.pk), model.objects.get(pk=record.pk)
    first.save()
    with pytest.raises(EditConflict):
        second.save()
    assert model.objects.get(pk=record.pk).version == record.version + 1


# --- a provider's facility proposal, approved after the facility changed -----------------------------

def _proposal(world, users):
    from visd.facilities import actions
    from visd.facilities.models import Infrastructure

    made = Infrastructure.objects.create(name="Towing tank", city="Gent", operator=world.actor_a,
                                         validation="validated")
    values = {"name": "Towing tank", "description_nl": "", "description_en": "", "city": "Oostende", "website": "",
              "testable": "Hull models", "phases": ["test"], "trl_min": 3, "trl_max": 6, "access_conditions": "",
              "lead_time": "", "market_terms": False, "training_required": False, "training_details": "",
              "contact_name": "Test office", "contact_email": "tank@example.be", "contact_url": "",
              "domains": ["maritime"], "contact_person": None}
    change = actions.propose_change(made, values, actor=world.actor_a, user=users["actor_user_a"])
    assert change.facility_version == made.version == 1
    return made, change


def _staff_edit(facility, **values):
    from visd.facilities.models import Infrastructure

    stored = Infrastructure.objects.get(pk=facility.pk)
    for name, value in values.items():
        setattr(stored, name, value)
    stored.save()
    return stored


def test_a_proposal_is_not_applied_over_a_facility_changed_since_unseen(world, users):
    from visd.facilities import actions
    from visd.facilities.models import FacilityChange, Infrastructure

    made, change = _proposal(world, users)
    _staff_edit(made, lead_time="two weeks")  # the programme office corrects the facility meanwhile
    with pytest.raises(EditConflict):
        actions.approve_change(change.pk, acting_user=users["director"])
    stored = Infrastructure.objects.get(pk=made.pk)
    assert (stored.city, stored.lead_time, stored.version) == ("Gent", "two weeks", 2)
    assert FacilityChange.objects.get(pk=change.pk).status == "pending"


def test_the_decider_sees_the_facility_changed_since_and_may_then_approve(client, world, users):
    from visd.facilities.models import FacilityChange, Infrastructure

    made, change = _proposal(world, users)
    _staff_edit(made, lead_time="two weeks")
    client.force_login(users["director"])
    page = client.get(change.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "was changed after this proposal was made" in page.content.decode()
    data = {**form_data(page.context["form"]), "decision": "approve"}
    assert data["version"] == "2"  # the facility as the page shows it, with its differences
    assert client.post(change.get_absolute_url(), data).status_code == 302
    stored = Infrastructure.objects.get(pk=made.pk)
    assert (stored.city, stored.version) == ("Oostende", 3)
    assert FacilityChange.objects.get(pk=change.pk).status == "approved"


def test_a_facility_changed_while_the_decider_looked_is_a_409(client, world, users):
    from visd.facilities.models import FacilityChange, Infrastructure

    made, change = _proposal(world, users)
    client.force_login(users["director"])
    data = {**form_data(client.get(change.get_absolute_url()).context["form"]), "decision": "approve"}
    _staff_edit(made, city="Brugge")
    refused = client.post(change.get_absolute_url(), data)
    assert refused.status_code == 409 and told_of_conflict(refused.content.decode())
    assert Infrastructure.objects.get(pk=made.pk).city == "Brugge"
    assert FacilityChange.objects.get(pk=change.pk).status == "pending"
    again = {**form_data(refused.context["form"]), "decision": "approve"}
    assert again["version"] == "2"  # after seeing it as stored now, approving is a decision
    assert client.post(change.get_absolute_url(), again).status_code == 302
    assert Infrastructure.objects.get(pk=made.pk).city == "Oostende"


def test_the_schema_documents_the_version_and_the_409_of_every_locked_api_change(users):
    schema = api_client(users["director"]).get("/api/schema/", {"format": "json"}).json()
    for prefix in API:
        detail = next(path for path in schema["paths"] if path.startswith(f"/api/{prefix}/{{"))
        for method in ("put", "patch"):
            assert "409" in schema["paths"][detail][method]["responses"], (prefix, method)
