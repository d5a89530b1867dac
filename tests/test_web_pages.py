"""The public web pages: lists with filters and pagination, detail pages, the language switch, and
that personal data never reaches a visitor who may not see it. Test data is made with the ORM."""

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse

from visd.actors.models import Actor, ActorTag, TagOrigin
from visd.capabilities.models import CapabilityNeed
from visd.facilities.models import Infrastructure
from visd.funding.models import Call, Instrument
from visd.projects.models import Participation, Project
from visd.taxonomy.models import Concept, Portfolio, Scheme

pytestmark = pytest.mark.django_db


def make_project(acronym, external_id, start, participants, source="cordis"):
    """participants: (actor, role, EU contribution) triples."""
    project = Project.objects.create(source=source, external_id=external_id, acronym=acronym,
                                     title=f"{acronym} research project", framework_programme="H2020",
                                     start_date=start, ec_max_contribution=Decimal("2500000"))
    for actor, role, contribution in participants:
        Participation.objects.create(project=project, actor=actor, role=role, ec_contribution=contribution)
    return project


@pytest.fixture
def registry(db):
    r = SimpleNamespace()
    r.portfolio = Portfolio.objects.create(code="maritiem", name_nl="Maritiem", name_en="Maritime", source="test")
    r.maritime = Concept.objects.create(scheme=Scheme.FOCUS_DOMAIN, code="maritime", label_nl="Maritieme systemen",
                                        label_en="Maritime systems", label_fr="Systèmes maritimes",
                                        portfolio=r.portfolio, source="test")
    r.cyber = Concept.objects.create(scheme=Scheme.FOCUS_DOMAIN, code="cyber", label_nl="Cyberveiligheid",
                                     label_en="Cyber security", label_fr="Cybersécurité", source="test")
    r.flemish = Actor.objects.create(
        name="Scheldt Sonar Systems", kind="company", size_class="small", country="BE", postcode="9000",
        city="Gent", street="Dok Noord 1", pic="999123456", vat="BE 0417.497.106",
        website="https://sonar.example.be", value_chain_position="tier2",
        description_nl="Sonar voor onderwaterdrones.", description_en="Sonar for underwater drones.",
    )
    r.walloon = Actor.objects.create(name="Liège Cyber Institute", kind="university", country="BE",
                                     postcode="4000", city="Liège", pic="999000111")
    r.french = Actor.objects.create(name="Naval Group Test", kind="defence", size_class="large", country="FR",
                                    city="Paris", pic="999000222")
    r.italian = Actor.objects.create(name="Leonardo Test", kind="defence", country="IT", city="Roma")
    r.cluster = Actor.objects.create(name="Flanders Maritime Cluster", kind="cluster", country="BE", postcode="8400")
    r.flemish.clusters.add(r.cluster)
    ActorTag.objects.create(actor=r.flemish, concept=r.maritime, origin=TagOrigin.CURATED)
    ActorTag.objects.create(actor=r.walloon, concept=r.cyber, origin=TagOrigin.DERIVED, confidence=0.8)
    # The French group shares two projects with the Flemish company, the Italian one only one.
    r.project_a = make_project("SEASHIELD", "101001", datetime.date(2021, 5, 1), [
        (r.flemish, "participant", Decimal("412345.50")), (r.french, "coordinator", Decimal("900000")),
        (r.italian, "participant", None)])
    r.project_b = make_project("DEEPWATCH", "101002", datetime.date(2022, 1, 1), [
        (r.flemish, "coordinator", Decimal("1234567")), (r.french, "participant", Decimal("10"))])
    r.project_c = make_project("CYBERNET", "101003", datetime.date(2019, 1, 1), [
        (r.walloon, "coordinator", Decimal("5000"))])
    r.lab = Infrastructure.objects.create(name="Towing tank Ostend", operator=r.flemish, city="Oostende")
    r.call_soon = Call.objects.create(topic_id="EDF-2026-DA-NAVAL-EMSAS", title="Semi-autonomous surface vessels",
                                      programme="European Defence Fund", deadline=datetime.date(2026, 9, 29),
                                      status="open", description="Scope: littoral defence.",
                                      url="https://ec.europa.eu/topic/edf-2026-da-naval-emsas")
    r.call_later = Call.objects.create(topic_id="HORIZON-CL3-2026-02-CS-ECCC-01", title="Secure hardware",
                                       programme="Horizon Europe", deadline=datetime.date(2026, 11, 15),
                                       status="forthcoming", budget_min=3000000, budget_max=4000000)
    r.call_undated = Call.objects.create(topic_id="EDF-2027-OPEN", title="Open topic without deadline",
                                         programme="European Defence Fund", status="forthcoming")
    r.grant = Instrument.objects.create(code="vlaio-ontwikkelingsproject", name_nl="Ontwikkelingsproject",
                                        name_en="Development project", level="flemish", kind="grant",
                                        owner="VLAIO", source="VISD fig. 7")
    r.loan = Instrument.objects.create(code="eib-defence-loan", name_nl="EIB-lening defensie",
                                       name_en="EIB defence loan", level="eu", kind="loan", owner="EIB",
                                       source="VISD annex 2")
    r.dimension = CapabilityNeed.objects.create(source_kind="sv2025", code="maritime", level="dimension",
                                                name="Maritieme dimensie", source="SV2025 p. 40", order=1)
    r.capability = CapabilityNeed.objects.create(source_kind="sv2025", code="mcm", level="capability",
                                                 parent=r.dimension, name="Mijnenbestrijding",
                                                 source="SV2025 p. 41", order=2)
    r.item = CapabilityNeed.objects.create(source_kind="sv2025", code="mcm-drones", level="item",
                                           parent=r.capability, name="Onderwaterdrones voor mijnenjacht",
                                           first_commitment_year=2027, committed_eur=1234567890,
                                           paid_eur=987654321, source="SV2025 p. 41, line 12", order=3)
    r.other_item = CapabilityNeed.objects.create(source_kind="sv2025", code="mcm-ships", level="item",
                                                 parent=r.capability, name="Mijnenjagers",
                                                 committed_eur=10, paid_eur=5, source="SV2025 p. 41", order=4)
    # A capability with an amount of its own, above line items with their own amounts.
    r.air = CapabilityNeed.objects.create(source_kind="sv2025", code="air", level="dimension", name="Luchtdimensie",
                                          source="SV2025 p. 50", order=5)
    r.transport = CapabilityNeed.objects.create(source_kind="sv2025", code="air-transport", level="capability",
                                                parent=r.air, name="Luchttransport", committed_eur=500,
                                                source="SV2025 p. 51", order=6)
    CapabilityNeed.objects.create(source_kind="sv2025", code="a400m", level="item", parent=r.transport,
                                  name="A400M", committed_eur=300, source="SV2025 p. 51", order=7)
    return r


def page_text(response) -> str:
    return response.content.decode()


def table_rows(response) -> list[str]:
    return re.findall(r"<tr>.*?</tr>", page_text(response), flags=re.S)


# --- list pages ---------------------------------------------------------------------------------

LIST_PAGES = [
    ("home", {}),
    ("actors:list", {}),
    ("actors:list", {"q": "sonar", "country": "be", "region": "flanders", "kind": "company", "size_class": "small"}),
    ("projects:list", {}),
    ("projects:list", {"q": "seashield", "source": "cordis", "country": "FR", "region": "flanders",
                       "started_after": "2020-01-01"}),
    ("funding:call_list", {}),
    ("funding:call_list", {"q": "vessels", "status": "open", "deadline_after": "2026-01-01"}),
    ("funding:instrument_list", {}),
    ("funding:instrument_list", {"q": "vlaio", "level": "flemish", "kind": "grant"}),
    ("capabilities:list", {}),
    ("capabilities:list", {"q": "drones", "level": "item", "source_kind": "sv2025"}),
]


@pytest.mark.parametrize(("url_name", "params"), LIST_PAGES)
def test_list_pages_answer_with_and_without_filters(client, registry, url_name, params):
    response = client.get(reverse(url_name), params)
    assert response.status_code == 200


def test_actor_filters_really_filter(client, registry):
    def names(**params):
        return [a.name for a in client.get(reverse("actors:list"), params).context["page_obj"]]

    assert names() == sorted(a.name for a in Actor.objects.all())
    assert names(q="sonar") == ["Scheldt Sonar Systems"]  # from the description
    assert names(q="0417.497.106") == ["Scheldt Sonar Systems"]  # enterprise number, any notation
    assert names(country="fr") == ["Naval Group Test"]
    assert names(region="wallonia") == ["Liège Cyber Institute"]
    assert set(names(region="flanders")) == {"Scheldt Sonar Systems", "Flanders Maritime Cluster"}
    assert names(kind="university") == ["Liège Cyber Institute"]
    assert names(size_class="large") == ["Naval Group Test"]
    assert names(domain=registry.maritime.pk) == ["Scheldt Sonar Systems"]


def test_actor_list_shows_domains_and_project_counts_unchanged_by_filters(client, registry):
    response = client.get(reverse("actors:list"), {"domain": registry.maritime.pk})
    (actor,) = response.context["page_obj"]
    assert actor.project_count == 2
    assert "Maritieme systemen" in page_text(response)


def test_invalid_filter_gives_a_clear_message_and_no_rows(client, registry):
    response = client.get(reverse("actors:list"), {"region": "atlantis"})
    assert response.status_code == 200
    assert list(response.context["page_obj"]) == []
    assert 'id="id_region_error"' in page_text(response)

    response = client.get(reverse("funding:call_list"), {"deadline_after": "next tuesday"})
    assert list(response.context["page_obj"]) == []
    assert 'id="id_deadline_after_error"' in page_text(response)


def test_pagination_keeps_the_filters(client, registry):
    Actor.objects.bulk_create(
        Actor(name=f"Antwerp Drone Startup {n:02d}", kind="company", country="BE", postcode="2000",
              region="flanders", pic=f"8000000{n:02d}")
        for n in range(30)
    )
    response = client.get(reverse("actors:list"), {"region": "flanders", "kind": "company"})
    page = response.context["page_obj"]
    assert page.paginator.count == 31  # 30 startups and the sonar company, not the cluster
    assert len(page.object_list) == 25
    assert "?region=flanders&amp;kind=company&amp;page=2" in page_text(response)

    second = client.get(reverse("actors:list"), {"region": "flanders", "kind": "company", "page": 2})
    assert len(second.context["page_obj"].object_list) == 6
    assert all(actor.region == "flanders" for actor in second.context["page_obj"])
    # A page number that is no page shows the last page, never an error.
    assert client.get(reverse("actors:list"), {"page": "999"}).status_code == 200


def test_project_filters_and_partner_counts(client, registry):
    response = client.get(reverse("projects:list"), {"country": "IT"})
    (project,) = response.context["page_obj"]
    assert project == registry.project_a
    assert project.partner_count == 3  # all partners, not only the Italian one
    assert project.flemish_partner_count == 1
    response = client.get(reverse("projects:list"), {"region": "wallonia"})
    assert [p.acronym for p in response.context["page_obj"]] == ["CYBERNET"]
    response = client.get(reverse("projects:list"))
    assert [p.acronym for p in response.context["page_obj"]] == ["DEEPWATCH", "SEASHIELD", "CYBERNET"]


def test_calls_sorted_by_deadline_and_filtered(client, registry):
    response = client.get(reverse("funding:call_list"))
    assert [c.topic_id for c in response.context["page_obj"]] == [
        "EDF-2026-DA-NAVAL-EMSAS", "HORIZON-CL3-2026-02-CS-ECCC-01", "EDF-2027-OPEN"]
    response = client.get(reverse("funding:call_list"), {"status": "forthcoming"})
    assert [c.topic_id for c in response.context["page_obj"]] == ["HORIZON-CL3-2026-02-CS-ECCC-01", "EDF-2027-OPEN"]
    response = client.get(reverse("funding:call_list"), {"programme": "horizon"})
    assert [c.topic_id for c in response.context["page_obj"]] == ["HORIZON-CL3-2026-02-CS-ECCC-01"]


def test_instrument_filters(client, registry):
    response = client.get(reverse("funding:instrument_list"), {"level": "eu"})
    assert list(response.context["page_obj"]) == [registry.loan]
    response = client.get(reverse("funding:instrument_list"), {"q": "vlaio"})
    assert list(response.context["page_obj"]) == [registry.grant]


def test_needs_tree_with_euro_amounts(client, registry):
    response = client.get(reverse("capabilities:list"))
    rows = response.context["rows"]
    assert [(row.need.code, row.depth) for row in rows] == [
        ("maritime", 0), ("mcm", 1), ("mcm-drones", 2), ("mcm-ships", 2), ("air", 0), ("air-transport", 1),
        ("a400m", 2)]
    totals = {row.need.code: (row.committed, row.committed_summed) for row in rows}
    # A line without an amount of its own shows the sum of its parts; one with an amount keeps it.
    assert totals["mcm"] == (1234567900, True)
    assert totals["maritime"] == (1234567900, True)
    assert totals["air-transport"] == (500, False)
    assert totals["air"] == (500, True)
    text = page_text(response)
    assert "€ 1.234.567.890" in text  # Dutch grouping
    assert "€ 987.654.321" in text


def test_needs_filter_keeps_the_hierarchy_as_context(client, registry):
    response = client.get(reverse("capabilities:list"), {"q": "drones"})
    rows = response.context["rows"]
    assert [(row.need.code, row.context) for row in rows] == [
        ("maritime", True), ("mcm", True), ("mcm-drones", False)]
    assert response.context["match_count"] == 1
    response = client.get(reverse("capabilities:list"), {"level": "dimension"})
    assert [row.need.code for row in response.context["rows"]] == ["maritime", "air"]


# --- detail pages -------------------------------------------------------------------------------

def test_actor_detail_shows_identifiers_region_projects_partners_and_infrastructure(client, registry):
    response = client.get(registry.flemish.get_absolute_url())
    assert response.status_code == 200
    text = page_text(response)
    for expected in ["999123456", "0417.497.106", "BE0417497106", "https://sonar.example.be", "Dok Noord 1",
                     "Vlaanderen", "Klein", "Tier 2", "Flanders Maritime Cluster", "Maritieme systemen",
                     "Gecureerd door een programmamanager", "SEASHIELD", "DEEPWATCH", "Towing tank Ostend",
                     "€ 412.346", "€ 1.234.567", "Coördinator"]:
        assert expected in text, expected
    partners = list(response.context["partners"])
    assert [(p.name, p.shared_projects) for p in partners] == [("Naval Group Test", 2), ("Leonardo Test", 1)]
    assert response.context["partner_count"] == 2
    assert reverse("history:record", args=["actors", "actor", registry.flemish.pk]) in text


def test_actor_detail_unknown_actor_is_404(client, registry):
    assert client.get(reverse("actors:detail", args=[999999])).status_code == 404


def test_edit_link_only_for_those_who_may_edit(client, registry, make_user):
    edit_url = reverse("admin:actors_actor_change", args=[registry.flemish.pk])
    assert edit_url not in page_text(client.get(registry.flemish.get_absolute_url()))

    client.force_login(make_user("programme_manager", portfolios=["maritiem"]))
    assert edit_url in page_text(client.get(registry.flemish.get_absolute_url()))
    other_edit_url = reverse("admin:actors_actor_change", args=[registry.walloon.pk])
    assert other_edit_url not in page_text(client.get(registry.walloon.get_absolute_url()))


def test_project_detail_lists_participants_with_roles_countries_and_contributions(client, registry):
    response = client.get(registry.project_a.get_absolute_url())
    text = page_text(response)
    assert [p.actor.name for p in response.context["participations"]] == [
        "Naval Group Test", "Scheldt Sonar Systems", "Leonardo Test"]  # coordinator first, then by amount
    assert response.context["countries"] == [("BE", 1), ("FR", 1), ("IT", 1)]
    for expected in ["Coördinator", "Deelnemer", "€ 900.000", "€ 412.346", "101001"]:
        assert expected in text, expected


def test_call_detail(client, registry):
    response = client.get(reverse("funding:call_detail", args=[registry.call_soon.topic_id]))
    text = page_text(response)
    assert "Scope: littoral defence." in text
    assert 'href="https://ec.europa.eu/topic/edf-2026-da-naval-emsas"' in text
    assert "29 september 2026" in text
    assert client.get(reverse("funding:call_detail", args=["NO-SUCH-TOPIC"])).status_code == 404


def test_call_budget_in_euro(client, registry):
    text = page_text(client.get(registry.call_later.get_absolute_url()))
    assert "€ 3.000.000" in text and "€ 4.000.000" in text


def test_capability_need_detail_shows_hierarchy_amounts_and_source(client, registry):
    response = client.get(registry.item.get_absolute_url())
    assert response.context["ancestors"] == [registry.dimension, registry.capability]
    text = page_text(response)
    for expected in ["Maritieme dimensie", "Mijnenbestrijding", "€ 1.234.567.890", "Strategische Visie Defensie 2025, p. 41",
                     "2027"]:
        assert expected in text, expected
    assert "line 12" not in text   # a source is shown as document and page, never a line (visd.sources)


def test_instrument_detail(client, registry):
    response = client.get(reverse("funding:instrument_detail", args=[registry.grant.code]))
    assert "Ontwikkelingsproject" in page_text(response) and "VLAIO" in page_text(response)


def test_a_javascript_address_is_never_a_link(client, registry):
    Actor.objects.filter(pk=registry.french.pk).update(website="javascript:alert(1)")
    text = page_text(client.get(registry.french.get_absolute_url()))
    assert 'href="javascript:' not in text


# --- speed: the number of queries does not grow with the data ----------------------------------

def test_actor_list_query_count_is_bounded(client, registry, django_assert_max_num_queries):
    actors = Actor.objects.bulk_create(
        Actor(name=f"Bulk actor {n:02d}", kind="company", country="BE", region="flanders") for n in range(40))
    ActorTag.objects.bulk_create(ActorTag(actor=a, concept=registry.maritime, origin="derived") for a in actors)
    # session-less anonymous request: count, page, prefetch of the domains, the domain choices
    with django_assert_max_num_queries(6):
        response = client.get(reverse("actors:list"))
    assert len(response.context["page_obj"].object_list) == 25


def test_actor_detail_query_count_is_bounded(client, registry, django_assert_max_num_queries):
    for n in range(15):
        partner = Actor.objects.create(name=f"Partner {n}", country="DE")
        make_project(f"EXTRA{n}", f"2000{n}", datetime.date(2020, 1, 1), [
            (registry.flemish, "participant", Decimal(n)), (partner, "coordinator", None)])
    with django_assert_max_num_queries(10):
        response = client.get(registry.flemish.get_absolute_url())
    assert response.context["partner_count"] == 17


# --- language and personal data -----------------------------------------------------------------

def test_dutch_by_default_and_switch_to_english(client, registry):
    response = client.get(reverse("actors:list"))
    assert '<html lang="nl">' in page_text(response)
    assert ">Actoren<" in page_text(response)

    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("actors:list")})
    assert response.status_code == 302
    response = client.get(reverse("actors:list"))
    text = page_text(response)
    assert '<html lang="en">' in text
    assert ">Actors<" in text and ">Actoren<" not in text
    assert "Maritime systems" in text  # concept labels follow the language too


def test_language_switch_is_a_post_form_with_csrf(client):
    text = page_text(client.get(reverse("home")))
    form = re.search(r'<form action="%s" method="post".*?</form>' % reverse("set_language"), text, flags=re.S)
    assert form and "csrfmiddlewaretoken" in form.group(0)


def test_logout_is_a_post_form(client, make_user):
    client.force_login(make_user("actor_user"))
    text = page_text(client.get(reverse("home")))
    assert re.search(r'<form action="%s" method="post">\s*<input type="hidden" name="csrfmiddlewaretoken"'
                     % reverse("logout"), text)
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.fixture
def personal_data(registry):
    from visd.stakeholders.models import Contact, Interaction

    contact = Contact.objects.create(actor=registry.flemish, first_name="Wannes", last_name="Geheimzeel",
                                     email="wannes.geheimzeel@example.be", legal_basis="public_task")
    interaction = Interaction.objects.create(actor=registry.flemish, date=datetime.date(2025, 2, 3),
                                             kind="meeting", subject="Vertrouwelijk overleg sonarbudget")
    return contact, interaction


@pytest.mark.parametrize("role", [None, "none", "actor_user"])
def test_visitors_without_rights_never_see_contacts_or_interactions(client, registry, personal_data, make_user,
                                                                    role):
    if role is not None:
        # An actor user of another organisation may not see these contacts either.
        client.force_login(make_user(role, actor=registry.french if role == "actor_user" else None))
    text = page_text(client.get(registry.flemish.get_absolute_url()))
    for secret in ["Geheimzeel", "wannes.geheimzeel@example.be", "Vertrouwelijk overleg sonarbudget"]:
        assert secret not in text


def test_the_programme_office_sees_them(client, registry, personal_data, make_user):
    """The counterpart of the test above: the same page does carry the personal data for a
    programme manager, so its absence above means something."""
    client.force_login(make_user("programme_manager", portfolios=["maritiem"]))
    text = page_text(client.get(registry.flemish.get_absolute_url()))
    assert "Geheimzeel" in text and "Vertrouwelijk overleg sonarbudget" in text


def test_home_page_counts_and_entry_points(client, registry):
    response = client.get(reverse("home"))
    counts = response.context["counts"]
    assert counts["actors"] == 5 and counts["flemish_actors"] == 2 and counts["calls"] == 3
    text = page_text(response)
    for url_name in ["actors:list", "projects:list", "funding:call_list", "capabilities:list",
                     "funding:instrument_list"]:
        assert f'href="{reverse(url_name)}"' in text


def test_login_page_and_one_time_password_flow(client, make_user):
    user = make_user("coordinator", username="coord", password="a-Long-test-passw0rd")
    user.profile.must_change_password = True
    user.profile.save()
    response = client.post(reverse("login"), {"username": "coord", "password": "a-Long-test-passw0rd"})
    assert response.status_code == 302
    response = client.get(reverse("actors:list"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("password_change")
    assert "eenmalig wachtwoord" in page_text(response)


def test_wrong_password_gives_a_message(client, make_user):
    make_user("coordinator", username="coord")
    response = client.post(reverse("login"), {"username": "coord", "password": "wrong"})
    assert response.status_code == 200
    assert 'role="alert"' in page_text(response)
