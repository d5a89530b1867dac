"""The admin answers every permission question from visd.core.permissions: a programme manager edits
only the actors of their portfolio domains, an actor user only their own organisation, personal data
only reaches the programme office, and only management manages user accounts."""

import datetime

import pytest
from django.contrib import admin
from django.forms import MultiWidget
from django.urls import reverse

from visd.actors.models import Actor, ActorTag, TagOrigin, VerificationStatus
from visd.stakeholders.models import Contact
from visd.taxonomy.models import Concept, Portfolio, Scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    maritime_portfolio = Portfolio.objects.create(code="maritiem", name_nl="Maritiem", name_en="Maritime",
                                                  source="test")
    cyber_portfolio = Portfolio.objects.create(code="cyber", name_nl="Cyber", name_en="Cyber", source="test")
    maritime = Concept.objects.create(scheme=Scheme.FOCUS_DOMAIN, code="maritime", label_nl="Maritiem",
                                      label_en="Maritime", label_fr="Maritime", portfolio=maritime_portfolio,
                                      source="test")
    cyber = Concept.objects.create(scheme=Scheme.FOCUS_DOMAIN, code="cyber", label_nl="Cyber", label_en="Cyber",
                                   label_fr="Cyber", portfolio=cyber_portfolio, source="test")
    ship = Actor.objects.create(name="Zeebrugge Marine Systems", kind="company", country="BE", postcode="8380")
    cyber_lab = Actor.objects.create(name="Gent Cyber Labs", kind="company", country="BE", postcode="9000")
    ActorTag.objects.create(actor=ship, concept=maritime, origin=TagOrigin.DERIVED)
    ActorTag.objects.create(actor=cyber_lab, concept=cyber, origin=TagOrigin.DERIVED)
    return {"ship": ship, "cyber_lab": cyber_lab, "maritime": maritime, "cyber": cyber}


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def form_data(response) -> dict:
    """The values of an admin change form (main form and inlines) as the browser would post them
    back unchanged."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            value = field.prepare_value(form[name].value())
            if value is None or value is False:
                continue
            if isinstance(field.widget, MultiWidget):  # e.g. date and time of a SplitDateTimeField
                for index, part in enumerate(field.widget.decompress(value)):
                    data[f"{form.add_prefix(name)}_{index}"] = part
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def test_programme_manager_edits_actors_of_their_portfolio_only(client, world, make_user):
    client.force_login(make_user("programme_manager", portfolios=["maritiem"]))

    response = client.get(change_url(world["ship"]))
    assert response.status_code == 200
    data = form_data(response) | {"name": "Zeebrugge Marine Systems NV"}
    assert client.post(change_url(world["ship"]), data).status_code == 302
    world["ship"].refresh_from_db()
    assert world["ship"].name == "Zeebrugge Marine Systems NV"
    assert world["ship"].history.first().history_user.username == "programme_manager-user"

    # Another portfolio's actor is not even listed; changing it is refused and changes nothing.
    changelist = client.get(reverse("admin:actors_actor_changelist"))
    assert list(changelist.context["cl"].result_list) == [world["ship"]]
    assert client.get(change_url(world["cyber_lab"])).status_code == 302
    client.post(change_url(world["cyber_lab"]), data | {"name": "Hijacked"})
    world["cyber_lab"].refresh_from_db()
    assert world["cyber_lab"].name == "Gent Cyber Labs"


def test_actor_user_edits_only_their_own_organisation(client, world, make_user):
    client.force_login(make_user("actor_user", actor=world["cyber_lab"]))

    response = client.get(change_url(world["cyber_lab"]))
    assert response.status_code == 200
    data = form_data(response) | {"city": "Gent", "verification_status": VerificationStatus.VERIFIED}
    assert client.post(change_url(world["cyber_lab"]), data).status_code == 302
    world["cyber_lab"].refresh_from_db()
    assert world["cyber_lab"].city == "Gent"
    # Verification is VISD's decision, not the organisation's own.
    assert world["cyber_lab"].verification_status == VerificationStatus.UNVERIFIED

    assert client.get(change_url(world["ship"])).status_code == 302
    client.post(change_url(world["ship"]), data | {"name": "Hijacked"})
    world["ship"].refresh_from_db()
    assert world["ship"].name == "Zeebrugge Marine Systems"
    # An actor user does not create or delete organisations.
    assert client.get(reverse("admin:actors_actor_add")).status_code == 403
    assert client.post(reverse("admin:actors_actor_delete", args=[world["cyber_lab"].pk]),
                       {"post": "yes"}).status_code == 403
    assert Actor.objects.filter(pk=world["cyber_lab"].pk).exists()


def test_tags_added_in_the_admin_record_who_added_them(client, world, make_user):
    client.force_login(make_user("actor_user", actor=world["cyber_lab"]))
    data = form_data(client.get(change_url(world["cyber_lab"])))
    data |= {"tags-TOTAL_FORMS": "2", "tags-1-concept": world["maritime"].pk, "tags-1-actor": world["cyber_lab"].pk}
    assert client.post(change_url(world["cyber_lab"]), data).status_code == 302
    assert ActorTag.objects.get(actor=world["cyber_lab"], concept=world["maritime"]).origin == TagOrigin.SELF_DECLARED
    # The derived tag nobody touched keeps its origin.
    assert ActorTag.objects.get(actor=world["cyber_lab"], concept=world["cyber"]).origin == TagOrigin.DERIVED


def test_programme_manager_cannot_lose_an_actor_from_their_portfolio(client, world, make_user):
    client.force_login(make_user("programme_manager", portfolios=["maritiem"]))
    # A new actor must carry a domain of the portfolio ...
    add = client.get(reverse("admin:actors_actor_add"))
    data = form_data(add) | {"name": "Oostende Offshore", "kind": "company", "country": "BE", "postcode": "8400"}
    response = client.post(reverse("admin:actors_actor_add"), data)
    assert response.status_code == 200 and not Actor.objects.filter(name="Oostende Offshore").exists()
    assert "focusdomein van uw portefeuille" in response.content.decode()
    data |= {"tags-TOTAL_FORMS": "1", "tags-0-concept": world["maritime"].pk}
    assert client.post(reverse("admin:actors_actor_add"), data).status_code == 302
    new_actor = Actor.objects.get(name="Oostende Offshore")
    assert new_actor.tags.get().origin == TagOrigin.CURATED
    # ... and keeps it.
    data = form_data(client.get(change_url(new_actor))) | {"tags-0-DELETE": "on"}
    assert client.post(change_url(new_actor), data).status_code == 200
    assert new_actor.tags.exists()


def test_history_of_an_editable_actor_is_visible_in_the_admin(client, world, make_user):
    client.force_login(make_user("programme_manager", portfolios=["maritiem"]))
    url = reverse("admin:actors_actor_history", args=[world["ship"].pk])
    assert client.get(url).status_code == 200


def test_every_visd_role_enters_the_admin_without_is_staff(client, world, make_user):
    for role in ["administrator", "director", "coordinator", "programme_manager", "actor_user"]:
        user = make_user(role, username=f"{role}-entry", actor=world["ship"] if role == "actor_user" else None)
        assert not user.is_staff
        client.force_login(user)
        assert client.get(reverse("admin:index")).status_code == 200, role


def test_no_role_no_admin(client, make_user):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    login = client.get(response.url)
    assert login.status_code == 302 and login.url.startswith(reverse("login"))

    client.force_login(make_user("none"))
    assert client.get(reverse("admin:index"), follow=True).status_code == 403


def test_admin_index_shows_what_the_role_works_on(client, world, make_user):
    client.force_login(make_user("programme_manager", portfolios=["maritiem"]))
    models = {model["object_name"] for app in client.get(reverse("admin:index")).context["app_list"]
              for model in app["models"]}
    assert {"Actor", "Contact", "Interaction", "Dossier"} <= models
    assert not models & {"Call", "Project", "User", "Instrument"}


def test_user_management_is_for_management_only(client, world, make_user):
    client.force_login(make_user("programme_manager", portfolios=["maritiem"]))
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403

    coordinator = make_user("coordinator")
    client.force_login(coordinator)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
    # A coordinator hands out roles but cannot make anyone a superuser ...
    colleague = make_user("none", username="colleague")
    response = client.get(change_url(colleague))
    assert "is_superuser" not in response.context["adminform"].form.fields
    data = form_data(response) | {"is_superuser": "on", "profile-0-role": "programme_manager"}
    assert client.post(change_url(colleague), data).status_code == 302
    colleague.refresh_from_db()
    assert not colleague.is_superuser and colleague.profile.role == "programme_manager"
    # ... and cannot touch a superuser's account.
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", password="a-Long-test-passw0rd")
    response = client.post(reverse("admin:auth_user_password_change", args=[root.pk]),
                           {"password1": "x-Another-passw0rd", "password2": "x-Another-passw0rd"})
    assert response.status_code == 403


@pytest.fixture
def contacts(world):
    return {
        name: Contact.objects.create(actor=world[name], first_name="Test", last_name=name, legal_basis="public_task")
        for name in ["ship", "cyber_lab"]
    }


def test_personal_data_admin_only_for_the_programme_office(client, world, contacts, make_user):
    client.force_login(make_user("actor_user", actor=world["ship"]))
    assert client.get(reverse("admin:stakeholders_contact_changelist")).status_code == 403
    assert client.get(reverse("admin:stakeholders_interaction_changelist")).status_code == 403

    client.force_login(make_user("programme_manager", portfolios=["maritiem"]))
    assert client.get(reverse("admin:stakeholders_contact_changelist")).status_code == 200
    response = client.get(change_url(contacts["ship"]))
    data = form_data(response) | {"job_title": "CTO"}
    assert client.post(change_url(contacts["ship"]), data).status_code == 302
    contacts["ship"].refresh_from_db()
    assert contacts["ship"].job_title == "CTO"
    # The contact at an actor outside the portfolio can be read, not changed.
    assert client.get(change_url(contacts["cyber_lab"])).status_code == 200
    assert client.post(change_url(contacts["cyber_lab"]), data | {"actor": world["cyber_lab"].pk}).status_code == 403


def test_deleting_a_contact_in_the_admin_is_a_gdpr_erasure(client, world, contacts, make_user):
    from visd.stakeholders.models import GdprAuditEntry

    client.force_login(make_user("director"))
    contact = contacts["ship"]
    response = client.post(reverse("admin:stakeholders_contact_delete", args=[contact.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert not Contact.history.filter(id=contact.pk).exists()
    assert GdprAuditEntry.objects.filter(contact_id=contact.pk, action="erasure").exists()


def test_interaction_admin_validates_like_the_model(client, world, make_user):
    client.force_login(make_user("director"))
    future = datetime.date.today() + datetime.timedelta(days=30)
    response = client.post(reverse("admin:stakeholders_interaction_add"), {
        "date": future.isoformat(), "kind": "meeting", "actor": world["ship"].pk, "subject": "Later",
    })
    assert response.status_code == 200  # form shown again with the message
    assert response.context["adminform"].form.errors["date"]


def test_every_admin_page_opens_for_an_administrator(client, rf, django_user_model):
    """A configuration error in any model admin (wrong field name, missing search field for an
    autocomplete) shows here."""
    root = django_user_model.objects.create_superuser("root", password="a-Long-test-passw0rd")
    client.force_login(root)
    request = rf.get("/")
    request.user = root
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        assert client.get(reverse("admin:%s_%s_changelist" % info)).status_code == 200, info
        if model_admin.has_add_permission(request):
            assert client.get(reverse("admin:%s_%s_add" % info)).status_code == 200, info
