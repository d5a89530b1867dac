"""The REST API: every endpoint lists, shows, filters and paginates; reading and writing follow the
role matrix of visd.core.permissions; bad input is a 400 with field messages; list endpoints run a
bounded number of queries; record history is visible like the record itself."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from visd.actors.models import Actor, ActorKind, ActorTag, TagOrigin, VerificationStatus
from visd.capabilities.models import CapabilityNeed, NeedLevel, NeedSource
from visd.core.models import Role
from visd.facilities.models import Infrastructure
from visd.funding.models import Call, Instrument, InstrumentKind, InstrumentLevel
from visd.imports.models import ImportRun
from visd.programme.models import KPI, BudgetAmount, BudgetLine, BudgetCategory
from visd.projects.models import Participation, ParticipationRole, Project, ProjectSource
from visd.stakeholders.models import Contact, Dossier, GdprAuditEntry, Interaction, LegalBasis
from visd.taxonomy.models import Concept, DomainKind, Portfolio, Scheme

PASSWORD = "a-Long-test-passw0rd"
TOPIC_WITH_DOT = "EDF-2026-LS-DA-SME-NT.Targeted"


def valid_kbo(first_eight: str) -> str:
    """An enterprise number with correct check digits: 97 - (first eight digits mod 97)."""
    return f"{first_eight}{97 - int(first_eight) % 97:02d}"


def make_actor(name, **fields):
    defaults = {"kind": ActorKind.COMPANY, "country": "BE", "postcode": "9000"}
    return Actor.objects.create(name=name, **{**defaults, **fields})


def english_client() -> APIClient:
    """Messages are asserted in English; the site's default language is Dutch."""
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The tests create many users; a fast hasher keeps them quick (production keeps PBKDF2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_throttle_cache():
    """The token endpoint's throttle counts in the cache; each test starts with a clean count."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def registry(db):
    """A small registry built with the ORM: two portfolios with a focus domain each, a Flemish
    company in the space domain, a foreign research centre in the cyber domain, a cluster, their
    contacts, an interaction and dossier, and one record of every reference kind."""
    space_portfolio = Portfolio.objects.create(code="space", name_nl="Ruimte", name_en="Space", source="test")
    cyber_portfolio = Portfolio.objects.create(code="cyber", name_nl="Cyber", name_en="Cyber", source="test")
    space = Concept.objects.create(
        scheme=Scheme.FOCUS_DOMAIN, code="space", domain_kind=DomainKind.APPLICATION, portfolio=space_portfolio,
        label_nl="Ruimtevaart", label_en="Space", label_fr="Espace", source="test",
    )
    cyber = Concept.objects.create(
        scheme=Scheme.FOCUS_DOMAIN, code="cyber", domain_kind=DomainKind.TECHNOLOGY, portfolio=cyber_portfolio,
        label_nl="Cyber", label_en="Cyber", label_fr="Cyber", source="test",
    )
    cluster = make_actor("Flanders Defence Cluster", kind=ActorKind.CLUSTER, postcode="2000")
    orbitix = make_actor("Orbitix", kbo="0417497106", pic="999999001", postcode="9000")
    orbitix.clusters.add(cluster)
    cyberlab = make_actor("Cyberlab GmbH", kind=ActorKind.RESEARCH_ORGANISATION, country="DE", postcode="10115",
                          pic="999999002")
    ActorTag.objects.create(actor=orbitix, concept=space, origin=TagOrigin.CURATED)
    ActorTag.objects.create(actor=cyberlab, concept=cyber, origin=TagOrigin.DERIVED, confidence=0.7)
    orbitix_contact = Contact.objects.create(
        actor=orbitix, first_name="Griet", last_name="Vermeersch", email="griet.vermeersch@orbitix.example",
        phone="+32 9 000 00 01", legal_basis=LegalBasis.PUBLIC_TASK,
    )
    cyberlab_contact = Contact.objects.create(
        actor=cyberlab, first_name="Jonas", last_name="Zimmermann", email="jonas.zimmermann@cyberlab.example",
        legal_basis=LegalBasis.PUBLIC_TASK,
    )
    dossier = Dossier.objects.create(title="Orbitix ground segment", actor=orbitix, domain=space)
    interaction = Interaction.objects.create(
        date=datetime.date(2026, 3, 2), kind=Interaction.Kind.MEETING, actor=orbitix,
        subject="Intro meeting with Griet Vermeersch", dossier=dossier,
    )
    interaction.contacts.add(orbitix_contact)
    call = Call.objects.create(topic_id=TOPIC_WITH_DOT, title="Targeted SME call", programme="EDF",
                               status="Open", deadline=datetime.date(2026, 10, 1))
    Call.objects.create(topic_id="HORIZON-CL3-2025-FCT-01-01", title="Fighting crime", programme="Horizon Europe",
                        status="Closed", deadline=datetime.date(2025, 11, 20))
    instrument = Instrument.objects.create(
        code="vlaio-dev", name_nl="Ontwikkelingsproject", name_en="Development project",
        level=InstrumentLevel.FLEMISH, kind=InstrumentKind.GRANT, owner="VLAIO", source="test",
    )
    dimension = CapabilityNeed.objects.create(source_kind=NeedSource.STRATEGIC_VISION_2025, code="space",
                                              level=NeedLevel.DIMENSION, name="Space", source="test")
    need = CapabilityNeed.objects.create(source_kind=NeedSource.STRATEGIC_VISION_2025, code="space-sat",
                                         level=NeedLevel.ITEM, parent=dimension, name="Satellites",
                                         committed_eur=1_000_000, source="test")
    project = Project.objects.create(source=ProjectSource.CORDIS, external_id="101000001", acronym="ORBIT",
                                     title="Orbit project", framework_programme="HORIZON",
                                     start_date=datetime.date(2023, 1, 1))
    Participation.objects.create(project=project, actor=orbitix, role=ParticipationRole.COORDINATOR,
                                 ec_contribution=Decimal("500000.00"))
    Participation.objects.create(project=project, actor=cyberlab, role=ParticipationRole.PARTICIPANT)
    infrastructure = Infrastructure.objects.create(name="Antenna test range", operator=orbitix, city="Gent")
    infrastructure.domains.add(space)
    budget_line = BudgetLine.objects.create(code="pm-staff", name_nl="Programmamanagers", name_en="Programme managers",
                                            category=BudgetCategory.STAFF_AND_OPERATING, source="test")
    BudgetAmount.objects.create(line=budget_line, year=2026, amount_eur=1_200_000, source="test")
    kpi = KPI.objects.create(code="kpi-actors", kpa="Ecosysteem", name_nl="Aantal actoren", name_en="Number of actors",
                             source="test")
    import_run = ImportRun.objects.create(kind="cordis", files=["organization.csv"], status=ImportRun.Status.APPLIED)
    return {
        "space": space, "cyber": cyber, "space_portfolio": space_portfolio, "cluster": cluster,
        "orbitix": orbitix, "cyberlab": cyberlab, "orbitix_contact": orbitix_contact,
        "cyberlab_contact": cyberlab_contact, "dossier": dossier, "interaction": interaction, "call": call,
        "instrument": instrument, "need": need, "project": project, "infrastructure": infrastructure,
        "budget_line": budget_line, "kpi": kpi, "import_run": import_run,
    }


@pytest.fixture
def client_for(make_user):
    """client_for(role, **profile) -> an APIClient authenticated with that user's token."""

    def make(role, **profile):
        user = make_user(role, **profile)
        client = english_client()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        client.user = user
        return client

    return make


@pytest.fixture
def admin(client_for):
    return client_for(Role.ADMINISTRATOR)


@pytest.fixture
def anonymous():
    return english_client()


# (endpoint, detail key in the registry fixture, lookup attribute)
PUBLIC_ENDPOINTS = [
    ("actors", "orbitix", "pk"),
    ("actor-tags", None, None),
    ("concepts", "space", "pk"),
    ("portfolios", "space_portfolio", "pk"),
    ("capability-needs", "need", "pk"),
    ("calls", "call", "topic_id"),
    ("instruments", "instrument", "pk"),
    ("projects", "project", "pk"),
    ("participations", None, None),
    ("infrastructure", "infrastructure", "pk"),
    ("budget-lines", "budget_line", "pk"),
    ("kpis", "kpi", "pk"),
]
PRIVATE_ENDPOINTS = [
    ("contacts", "orbitix_contact", "pk"),
    ("interactions", "interaction", "pk"),
    ("dossiers", "dossier", "pk"),
    ("import-runs", "import_run", "pk"),
]


def detail_url(endpoint, record, lookup):
    return f"/api/{endpoint}/{getattr(record, lookup)}/"


# --- reading ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("endpoint,key,lookup", PUBLIC_ENDPOINTS + PRIVATE_ENDPOINTS)
def test_every_endpoint_lists_and_shows_records_to_an_administrator(registry, admin, endpoint, key, lookup):
    listing = admin.get(f"/api/{endpoint}/")
    assert listing.status_code == 200, listing.content
    body = listing.json()
    assert body["count"] >= 1 and len(body["results"]) == body["count"]
    if key:
        detail = admin.get(detail_url(endpoint, registry[key], lookup))
        assert detail.status_code == 200
        assert detail.json()["id"] == registry[key].pk


@pytest.mark.parametrize("endpoint,key,lookup", PUBLIC_ENDPOINTS)
def test_public_records_are_readable_anonymously(registry, anonymous, endpoint, key, lookup):
    assert anonymous.get(f"/api/{endpoint}/").status_code == 200
    if key:
        assert anonymous.get(detail_url(endpoint, registry[key], lookup)).status_code == 200


@pytest.mark.parametrize("endpoint,key,lookup", PRIVATE_ENDPOINTS)
def test_personal_and_management_records_are_closed_to_anonymous_users(registry, anonymous, endpoint, key, lookup):
    assert anonymous.get(f"/api/{endpoint}/").status_code == 401
    assert anonymous.get(detail_url(endpoint, registry[key], lookup)).status_code == 401


@pytest.mark.parametrize("endpoint,key,lookup", PRIVATE_ENDPOINTS)
def test_a_user_without_role_cannot_read_personal_or_management_records(registry, client_for, endpoint, key, lookup):
    client = client_for(Role.NONE)
    assert client.get(f"/api/{endpoint}/").status_code == 403
    assert client.get(detail_url(endpoint, registry[key], lookup)).status_code == 403


def test_anonymous_users_never_see_personal_data_anywhere(registry, anonymous, admin):
    # Give every public record some history made by a named user, so history is crawled too.
    assert admin.patch(f"/api/actors/{registry['orbitix'].pk}/", read(registry['orbitix'], city="Gent"),
                       format="json").status_code == 200
    personal = [
        registry["orbitix_contact"].email, registry["orbitix_contact"].last_name, registry["orbitix_contact"].phone,
        registry["cyberlab_contact"].email, registry["cyberlab_contact"].last_name, admin.user.username,
    ]
    pages = []
    for endpoint, key, lookup in PUBLIC_ENDPOINTS:
        pages.append(anonymous.get(f"/api/{endpoint}/"))
        if key:
            pages.append(anonymous.get(detail_url(endpoint, registry[key], lookup)))
            pages.append(anonymous.get(detail_url(endpoint, registry[key], lookup) + "history/"))
    for page in pages:
        assert page.status_code == 200
        text = page.content.decode()
        for value in personal:
            assert value not in text, f"{value!r} leaked in {page.request['PATH_INFO']}"


def test_an_actor_user_sees_only_their_own_organisations_contacts(registry, client_for):
    client = client_for(Role.ACTOR_USER, actor=registry["orbitix"])
    listing = client.get("/api/contacts/").json()
    assert [c["id"] for c in listing["results"]] == [registry["orbitix_contact"].pk]
    assert client.get(f"/api/contacts/{registry['cyberlab_contact'].pk}/").status_code == 404
    assert client.get("/api/interactions/").status_code == 403
    assert client.get("/api/dossiers/").status_code == 403
    assert client.get("/api/import-runs/").status_code == 403


def test_a_programme_manager_reads_all_contacts_and_interactions_but_not_import_runs(registry, client_for):
    client = client_for(Role.PROGRAMME_MANAGER, portfolios=["space"])
    assert client.get("/api/contacts/").json()["count"] == 2
    assert client.get("/api/interactions/").json()["count"] == 1
    assert client.get("/api/dossiers/").json()["count"] == 1
    assert client.get("/api/import-runs/").status_code == 403


def test_actor_representation_nests_tags_with_concept_and_origin(registry, anonymous):
    actor = anonymous.get(f"/api/actors/{registry['orbitix'].pk}/").json()
    assert actor["region"] == "flanders"
    assert actor["kbo_display"] == "0417.497.106"
    assert actor["clusters"] == [registry["cluster"].pk]
    assert actor["tags"] == [{
        "id": registry["orbitix"].tags.get().pk, "origin": "curated", "confidence": None,
        "concept": {"id": registry["space"].pk, "scheme": "focus_domain", "code": "space",
                    "label_nl": "Ruimtevaart", "label_en": "Space", "label_fr": "Espace"},
    }]


def test_project_representation_summarises_its_participations(registry, anonymous):
    project = anonymous.get(f"/api/projects/{registry['project'].pk}/").json()
    partners = {(p["actor_name"], p["role"], p["country"], p["region"]) for p in project["participations"]}
    assert partners == {("Orbitix", "coordinator", "BE", "flanders"), ("Cyberlab GmbH", "participant", "DE", "abroad")}


def test_calls_are_addressed_by_topic_id_even_with_a_dot(registry, anonymous):
    response = anonymous.get(f"/api/calls/{TOPIC_WITH_DOT}/")
    assert response.status_code == 200
    assert response.json()["title"] == "Targeted SME call"
    # Characters no topic id has never reach the database (PostgreSQL refuses a NUL outright).
    assert anonymous.get("/api/calls/EDF%002026/").status_code == 404


# --- filtering, search, ordering, pagination -----------------------------------------------------

@pytest.mark.parametrize("query,expected", [
    ("country=de", {"Cyberlab GmbH"}),
    ("region=flanders", {"Orbitix", "Flanders Defence Cluster"}),
    ("kind=cluster", {"Flanders Defence Cluster"}),
    ("q=orbitix", {"Orbitix"}),
    ("q=orbit", set()),  # a part of a word is no hit (the search looks for whole words and capabilities)
    ("q=0417.497.106", {"Orbitix"}),
    ("pic=999999002", {"Cyberlab GmbH"}),
])
def test_actor_filters(registry, anonymous, query, expected):
    response = anonymous.get(f"/api/actors/?{query}")
    assert response.status_code == 200
    assert {a["name"] for a in response.json()["results"]} == expected


def test_actor_filter_by_focus_domain(registry, anonymous):
    response = anonymous.get(f"/api/actors/?domain={registry['cyber'].pk}")
    assert [a["name"] for a in response.json()["results"]] == ["Cyberlab GmbH"]


def test_an_unknown_filter_value_is_a_400_not_a_server_error(registry, anonymous):
    response = anonymous.get("/api/actors/?domain=999999")
    assert response.status_code == 400
    assert "domain" in response.json()
    assert anonymous.get("/api/actors/?region=atlantis").status_code == 400


@pytest.mark.parametrize("url,expected", [
    ("/api/projects/?region=abroad", {"ORBIT"}),
    ("/api/projects/?country=FR", set()),
    ("/api/projects/?q=orbit", {"ORBIT"}),
])
def test_project_filters(registry, anonymous, url, expected):
    assert {p["acronym"] for p in anonymous.get(url).json()["results"]} == expected


def test_other_filters_and_search(registry, anonymous, admin):
    calls = anonymous.get("/api/calls/?deadline_after=2026-01-01").json()["results"]
    assert [c["topic_id"] for c in calls] == [TOPIC_WITH_DOT]
    needs = anonymous.get(f"/api/capability-needs/?parent={registry['need'].parent_id}").json()["results"]
    assert [n["code"] for n in needs] == ["space-sat"]
    instruments = anonymous.get("/api/instruments/?level=flemish&q=vlaio").json()["results"]
    assert [i["code"] for i in instruments] == ["vlaio-dev"]
    concepts = anonymous.get("/api/concepts/?search=ruimte").json()["results"]
    assert [c["code"] for c in concepts] == ["space"]
    tags = anonymous.get("/api/actor-tags/?origin=derived").json()["results"]
    assert [t["actor_name"] for t in tags] == ["Cyberlab GmbH"]
    contacts = admin.get(f"/api/contacts/?actor={registry['cyberlab'].pk}").json()["results"]
    assert [c["last_name"] for c in contacts] == ["Zimmermann"]


def test_ordering(registry, anonymous):
    names = [a["name"] for a in anonymous.get("/api/actors/?ordering=-name").json()["results"]]
    assert names == sorted(names, reverse=True)


def test_limit_offset_pagination(registry, anonymous):
    first = anonymous.get("/api/actors/?limit=2").json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"]
    rest = anonymous.get("/api/actors/?limit=2&offset=2").json()
    assert len(rest["results"]) == 1 and rest["next"] is None
    assert {a["id"] for a in first["results"]}.isdisjoint({a["id"] for a in rest["results"]})


# --- token authentication ------------------------------------------------------------------------

def test_a_token_is_issued_for_a_correct_password_and_authenticates(registry, make_user, anonymous):
    user = make_user(Role.PROGRAMME_MANAGER, portfolios=["space"])
    response = anonymous.post("/api/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert token == Token.objects.get(user=user).key
    client = english_client()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/contacts/").status_code == 200


def test_no_token_for_a_wrong_password_or_a_one_time_password(registry, make_user, anonymous):
    user = make_user(Role.ADMINISTRATOR)
    wrong = anonymous.post("/api/auth/token/", {"username": user.username, "password": "guess"}, format="json")
    assert wrong.status_code == 400 and "token" not in wrong.json()
    user.profile.must_change_password = True
    user.profile.save()
    one_time = anonymous.post("/api/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
    assert one_time.status_code == 400
    assert not Token.objects.filter(user=user).exists()


def test_an_invalid_token_is_refused(registry):
    client = english_client()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/actors/").status_code == 401


def test_the_token_endpoint_is_throttled(registry, anonymous):
    statuses = [
        anonymous.post("/api/auth/token/", {"username": "nobody", "password": "x"}, format="json").status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429


def test_the_token_endpoint_is_throttled_per_username_whatever_address_is_claimed(registry, make_user, anonymous):
    user = make_user(Role.ADMINISTRATOR)
    for attempt in range(10):
        anonymous.post("/api/auth/token/", {"username": user.username, "password": f"guess-{attempt}"},
                       format="json", HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt}")
    correct = anonymous.post("/api/auth/token/", {"username": user.username, "password": PASSWORD},
                             format="json", HTTP_X_FORWARDED_FOR="10.0.0.99")
    assert correct.status_code == 429


def _token_client(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_a_password_reset_by_create_admin_revokes_the_api_token(registry):
    from io import StringIO

    from django.core.management import call_command

    call_command("create_admin", username="admin", stdout=StringIO(), stderr=StringIO())
    admin = get_user_model().objects.get(username="admin")
    client = _token_client(admin)
    assert client.get("/api/contacts/").status_code == 200
    call_command("create_admin", username="admin", stdout=StringIO(), stderr=StringIO())
    assert client.get("/api/contacts/").status_code == 401
    assert not Token.objects.filter(user=admin).exists()


def test_a_password_changed_with_set_password_and_save_revokes_the_api_token(registry, make_user):
    user = make_user(Role.ADMINISTRATOR)
    client = _token_client(user)
    assert client.get("/api/contacts/").status_code == 200
    user.set_password("an-Other-long-passw0rd")
    user.save()
    assert client.get("/api/contacts/").status_code == 401


def test_a_password_changed_on_the_password_page_revokes_the_api_token(registry, make_user):
    from django.test import Client

    user = make_user(Role.ADMINISTRATOR)
    client = _token_client(user)
    browser = Client()
    browser.force_login(user)
    response = browser.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "an-Other-long-passw0rd",
                                                    "new_password2": "an-Other-long-passw0rd"})
    assert response.status_code == 302
    assert client.get("/api/contacts/").status_code == 401


def test_saving_a_user_without_changing_the_password_keeps_the_token(registry, make_user):
    user = make_user(Role.ADMINISTRATOR)
    client = _token_client(user)
    user.email = "someone@example.org"
    user.save()
    user.profile.save()
    assert client.get("/api/contacts/").status_code == 200


def test_a_rehash_of_the_same_password_on_login_keeps_the_token(registry, make_user, settings):
    user = make_user(Role.ADMINISTRATOR)
    client = _token_client(user)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher",
                                 "django.contrib.auth.hashers.MD5PasswordHasher"]
    old_hash = user.password
    assert user.check_password(PASSWORD)  # upgrades the hash to PBKDF2
    user.refresh_from_db()
    assert user.password != old_hash and user.password.startswith("pbkdf2_")
    assert client.get("/api/contacts/").status_code == 200


# --- writing: who may ------------------------------------------------------------------------------

NEW_ACTOR = {"name": "Newco", "kind": "company", "country": "be", "postcode": "3000", "kbo": valid_kbo("08000001")}


def test_anonymous_users_cannot_write(registry, anonymous):
    assert anonymous.post("/api/actors/", NEW_ACTOR, format="json").status_code == 401
    assert anonymous.patch(f"/api/actors/{registry['orbitix'].pk}/", {"name": "X"}, format="json").status_code == 401
    assert anonymous.delete(f"/api/calls/{TOPIC_WITH_DOT}/").status_code == 401


@pytest.mark.parametrize("role,allowed", [
    (Role.ADMINISTRATOR, True), (Role.DIRECTOR, True), (Role.COORDINATOR, True),
    (Role.PROGRAMME_MANAGER, True), (Role.ACTOR_USER, False), (Role.NONE, False),
])
def test_who_may_create_an_actor(registry, client_for, role, allowed):
    client = client_for(role, actor=registry["orbitix"] if role == Role.ACTOR_USER else None)
    response = client.post("/api/actors/", NEW_ACTOR, format="json")
    assert response.status_code == (201 if allowed else 403), response.content
    if allowed:
        created = Actor.objects.get(name="Newco")
        assert response["Location"] == f"http://testserver/api/actors/{created.pk}/"
        # Region is derived from country and postcode, the country stored upper-case.
        assert (created.country, created.region, response.json()["region"]) == ("BE", "flanders", "flanders")
        assert created.history.get().history_user == client.user


def test_region_cannot_be_written(registry, admin):
    response = admin.patch(f"/api/actors/{registry['cyberlab'].pk}/", read(registry['cyberlab'], region="flanders"),
                           format="json")
    assert response.status_code == 200
    registry["cyberlab"].refresh_from_db()
    assert registry["cyberlab"].region == "abroad"


def test_an_actor_user_edits_their_own_organisation_only_and_cannot_verify_it(registry, client_for):
    client = client_for(Role.ACTOR_USER, actor=registry["orbitix"])
    own = f"/api/actors/{registry['orbitix'].pk}/"
    assert client.patch(own, read(registry["orbitix"], description_en="Ground stations."), format="json").status_code == 200
    assert client.patch(f"/api/actors/{registry['cyberlab'].pk}/", read(registry['cyberlab'], city="X"),
                        format="json").status_code == 403
    verify = client.patch(own, read(registry["orbitix"], verification_status=VerificationStatus.VERIFIED), format="json")
    assert verify.status_code == 400 and "verification_status" in verify.json()
    registry["orbitix"].refresh_from_db()
    assert registry["orbitix"].verification_status == VerificationStatus.UNVERIFIED
    assert client.delete(own).status_code == 403


def test_a_programme_manager_edits_actors_in_their_portfolio_only(registry, client_for):
    client = client_for(Role.PROGRAMME_MANAGER, portfolios=["space"])
    assert client.patch(f"/api/actors/{registry['orbitix'].pk}/", read(registry['orbitix'], city="Gent"),
                        format="json").status_code == 200
    assert client.patch(f"/api/actors/{registry['cyberlab'].pk}/", read(registry['cyberlab'], city="Köln"),
                        format="json").status_code == 403
    assert client.delete(f"/api/actors/{registry['orbitix'].pk}/").status_code == 403


def test_actor_tags_follow_the_actor_edit_right_and_actor_users_only_self_declare(registry, client_for):
    actor_user = client_for(Role.ACTOR_USER, actor=registry["orbitix"])
    tag = {"actor": registry["orbitix"].pk, "concept": registry["cyber"].pk}
    curated = actor_user.post("/api/actor-tags/", {**tag, "origin": "curated"}, format="json")
    assert curated.status_code == 400 and "origin" in curated.json()
    assert actor_user.post("/api/actor-tags/", {**tag, "origin": "self_declared"}, format="json").status_code == 201
    other = {"actor": registry["cyberlab"].pk, "concept": registry["space"].pk, "origin": "self_declared"}
    assert actor_user.post("/api/actor-tags/", other, format="json").status_code == 403
    assert not ActorTag.objects.filter(actor=registry["cyberlab"], concept=registry["space"]).exists()
    curated_tag = registry["orbitix"].tags.get(origin=TagOrigin.CURATED)
    relabel = actor_user.patch(f"/api/actor-tags/{curated_tag.pk}/", {"origin": "self_declared"}, format="json")
    assert relabel.status_code == 403
    assert actor_user.delete(f"/api/actor-tags/{curated_tag.pk}/").status_code == 403
    assert ActorTag.objects.filter(pk=curated_tag.pk, origin=TagOrigin.CURATED).exists()
    own_tag = registry["orbitix"].tags.get(origin=TagOrigin.SELF_DECLARED)
    assert actor_user.delete(f"/api/actor-tags/{own_tag.pk}/").status_code == 204


@pytest.mark.parametrize("method,url,payload", [
    ("post", "/api/calls/", {"topic_id": "NEW-TOPIC", "title": "New"}),
    ("patch", f"/api/calls/{TOPIC_WITH_DOT}/", {"title": "Renamed", "version": 1}),  # the version read
    ("post", "/api/instruments/", {"code": "new", "name_nl": "N", "name_en": "N", "level": "eu", "kind": "grant",
                                   "owner": "EU", "source": "test"}),
    ("post", "/api/concepts/", {"scheme": "captech", "code": "new", "label_nl": "N", "label_en": "N", "label_fr": "N",
                                "source": "test"}),
    ("post", "/api/kpis/", {"code": "new", "kpa": "K", "name_nl": "N", "name_en": "N", "source": "test"}),
    ("post", "/api/projects/", {"source": "visd", "external_id": "V-1", "title": "New project"}),
])
def test_reference_data_is_written_by_management_only(registry, client_for, method, url, payload):
    manager = client_for(Role.PROGRAMME_MANAGER, portfolios=["space"])
    assert getattr(manager, method)(url, payload, format="json").status_code == 403
    director = client_for(Role.DIRECTOR)
    assert getattr(director, method)(url, payload, format="json").status_code in (200, 201)


def test_a_created_record_is_located_by_its_api_address_not_its_website(registry, admin):
    call = {"topic_id": "EDF-2027.X", "title": "New", "url": "https://ec.europa.eu/topic"}
    response = admin.post("/api/calls/", call, format="json")
    assert response.status_code == 201
    assert response["Location"] == "http://testserver/api/calls/EDF-2027.X/"


def test_import_runs_are_read_only_even_for_management(registry, admin):
    assert admin.post("/api/import-runs/", {"kind": "cordis", "status": "applied"}, format="json").status_code == 405
    assert admin.delete(f"/api/import-runs/{registry['import_run'].pk}/").status_code == 405


def test_deleting_a_record_that_others_refer_to_is_a_conflict(registry, admin):
    response = admin.delete(f"/api/actors/{registry['orbitix'].pk}/")
    assert response.status_code == 409
    assert "participations" in response.json()["detail"]
    assert Actor.objects.filter(pk=registry["orbitix"].pk).exists()


# --- stakeholder records through the actions module ---------------------------------------------

def test_a_programme_manager_adds_contacts_to_actors_in_their_portfolio_only(registry, client_for):
    client = client_for(Role.PROGRAMME_MANAGER, portfolios=["space"])
    contact = {"first_name": "An", "last_name": "Peeters", "email": "an@orbitix.example", "legal_basis": "public_task"}
    created = client.post("/api/contacts/", {**contact, "actor": registry["orbitix"].pk}, format="json")
    assert created.status_code == 201, created.content
    assert Contact.objects.get(pk=created.json()["id"]).history.get().history_user == client.user
    refused = client.post("/api/contacts/", {**contact, "actor": registry["cyberlab"].pk}, format="json")
    assert refused.status_code == 403
    assert not Contact.objects.filter(actor=registry["cyberlab"], last_name="Peeters").exists()


def test_actor_users_cannot_write_contacts(registry, client_for):
    client = client_for(Role.ACTOR_USER, actor=registry["orbitix"])
    contact = {"actor": registry["orbitix"].pk, "first_name": "A", "last_name": "B", "legal_basis": "public_task"}
    assert client.post("/api/contacts/", contact, format="json").status_code == 403
    url = f"/api/contacts/{registry['orbitix_contact'].pk}/"
    assert client.patch(url, read(registry["orbitix_contact"], phone="0"), format="json").status_code == 403


def test_contact_rules_of_the_model_are_a_400(registry, admin):
    consent_without_date = {"actor": registry["orbitix"].pk, "first_name": "A", "last_name": "B",
                            "legal_basis": "consent"}
    response = admin.post("/api/contacts/", consent_without_date, format="json")
    assert response.status_code == 400 and "consent_date" in response.json()
    moved = admin.patch(f"/api/contacts/{registry['orbitix_contact'].pk}/",
                        read(registry["orbitix_contact"], actor=registry["cyberlab"].pk),
                        format="json")
    assert moved.status_code == 400 and "actor" in moved.json()


def test_deleting_a_contact_is_the_gdpr_erasure(registry, admin):
    contact = registry["orbitix_contact"]
    assert admin.delete(f"/api/contacts/{contact.pk}/").status_code == 204
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert not Contact.history.filter(id=contact.pk).exists()
    entry = GdprAuditEntry.objects.get(contact_id=contact.pk)
    assert (entry.action, entry.performed_by) == (GdprAuditEntry.Action.ERASURE, admin.user)


def test_logging_an_interaction(registry, client_for, make_user):
    client = client_for(Role.PROGRAMME_MANAGER, portfolios=["space"])
    payload = {
        "date": "2026-01-15", "kind": "call", "actor": registry["orbitix"].pk, "subject": "Follow-up call",
        "contacts": [registry["orbitix_contact"].pk], "staff": [client.user.pk],
    }
    response = client.post("/api/interactions/", payload, format="json")
    assert response.status_code == 201, response.content
    interaction = Interaction.objects.get(pk=response.json()["id"])
    assert interaction.created_by == client.user
    assert list(interaction.contacts.all()) == [registry["orbitix_contact"]]
    wrong_contact = client.post("/api/interactions/", {**payload, "contacts": [registry["cyberlab_contact"].pk]},
                                format="json")
    assert wrong_contact.status_code == 400 and "contacts" in wrong_contact.json()
    outsider = make_user(Role.ACTOR_USER, username="outsider", actor=registry["orbitix"])
    not_staff = client.post("/api/interactions/", {**payload, "staff": [outsider.pk]}, format="json")
    assert not_staff.status_code == 400 and "staff" in not_staff.json()
    future = client.post("/api/interactions/", {**payload, "date": "2999-01-01"}, format="json")
    assert future.status_code == 400 and "date" in future.json()
    elsewhere = client.post("/api/interactions/", {**payload, "actor": registry["cyberlab"].pk, "contacts": []},
                            format="json")
    assert elsewhere.status_code == 403
    assert client.delete(f"/api/interactions/{interaction.pk}/").status_code == 405


def test_a_dossier_without_an_actor_may_be_opened_by_any_programme_manager(registry, client_for):
    client = client_for(Role.PROGRAMME_MANAGER, portfolios=["cyber"])
    response = client.post("/api/dossiers/", {"title": "Drone week", "domain": registry["cyber"].pk}, format="json")
    assert response.status_code == 201, response.content
    about_orbitix = client.post("/api/dossiers/", {"title": "X", "actor": registry["orbitix"].pk}, format="json")
    assert about_orbitix.status_code == 403


# --- validation ------------------------------------------------------------------------------------

@pytest.mark.parametrize("field,value", [
    ("kbo", "0417497107"),  # wrong check digits
    ("kbo", "12345"),
    ("pic", "12345678"),  # 8 digits
    ("pic", "12345678X"),
    ("country", "BEL"),
    ("country", "B1"),
    ("vat", "BE0417497107"),  # Belgian VAT with an invalid enterprise number
    ("website", "not a url"),
    ("kind", "spaceship"),
    ("clusters", [999999]),
    ("other_pics", ["123"]),
])
def test_invalid_actor_fields_are_a_400_with_a_field_message(registry, admin, field, value):
    response = admin.post("/api/actors/", {**NEW_ACTOR, field: value}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Actor.objects.filter(name="Newco").exists()


def test_identifiers_are_unique_in_their_stored_form(registry, admin):
    same_kbo = admin.post("/api/actors/", {**NEW_ACTOR, "kbo": "0417.497.106"}, format="json")
    assert same_kbo.status_code == 400 and "Orbitix" in str(same_kbo.json()["kbo"])
    kbo_via_vat = admin.post("/api/actors/", {**NEW_ACTOR, "kbo": None, "vat": "be 0417.497.106"}, format="json")
    assert kbo_via_vat.status_code == 400 and "kbo" in kbo_via_vat.json()
    same_pic = admin.post("/api/actors/", {**NEW_ACTOR, "pic": "999999002"}, format="json")
    assert same_pic.status_code == 400 and "pic" in same_pic.json()
    # An actor keeps its own numbers when it is saved again.
    assert admin.patch(f"/api/actors/{registry['orbitix'].pk}/", read(registry['orbitix'], kbo="0417.497.106"),
                       format="json").status_code == 200


def test_formatted_identifiers_are_stored_normalised(registry, admin):
    response = admin.post("/api/actors/", {**NEW_ACTOR, "kbo": None, "vat": "be 0800.000.1" + valid_kbo("08000001")[-2:],
                                           "pic": " 123456789 "}, format="json")
    assert response.status_code == 201, response.content
    actor = Actor.objects.get(name="Newco")
    assert (actor.vat, actor.kbo, actor.pic) == (f"BE{valid_kbo('08000001')}", valid_kbo("08000001"), "123456789")


@pytest.mark.parametrize("url,payload,field", [
    ("/api/actor-tags/", {"actor": 999999, "concept": 1, "origin": "curated"}, "actor"),
    ("/api/participations/", {"project": 999999, "actor": 999999, "role": "partner"}, "project"),
    ("/api/infrastructure/", {"name": "Lab", "operator": 999999}, "operator"),
    ("/api/interactions/", {"date": "2026-01-01", "kind": "call", "actor": 999999, "subject": "S"}, "actor"),
    ("/api/capability-needs/", {"source_kind": "sv2025", "code": "x", "level": "item", "name": "X", "source": "t",
                                "parent": 999999}, "parent"),
])
def test_unknown_ids_are_a_400(registry, admin, url, payload, field):
    response = admin.post(url, payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_duplicate_tag_and_participation_are_a_400(registry, admin):
    tag = {"actor": registry["orbitix"].pk, "concept": registry["space"].pk, "origin": "curated"}
    assert admin.post("/api/actor-tags/", tag, format="json").status_code == 400
    participation = {"project": registry["project"].pk, "actor": registry["orbitix"].pk, "role": "partner"}
    assert admin.post("/api/participations/", participation, format="json").status_code == 400


@pytest.mark.parametrize("topic_id", [TOPIC_WITH_DOT, "EDF/2026", "EDF 2026", "", "..", "EDF\x002026"])
def test_a_call_needs_a_new_topic_id_that_fits_in_its_address(registry, admin, topic_id):
    response = admin.post("/api/calls/", {"topic_id": topic_id, "title": "T"}, format="json")
    assert response.status_code == 400 and "topic_id" in response.json()


def test_cross_field_rules_of_reference_data(registry, admin):
    need = registry["need"]
    cycle = admin.patch(f"/api/capability-needs/{need.parent_id}/", read(need.parent, parent=need.pk), format="json")
    assert cycle.status_code == 400 and "parent" in cycle.json()
    budget = admin.patch(f"/api/calls/{TOPIC_WITH_DOT}/", read(Call.objects.get(topic_id=TOPIC_WITH_DOT),
                                                               budget_min=10, budget_max=5), format="json")
    assert budget.status_code == 400 and "budget_max" in budget.json()
    dates = admin.patch(f"/api/projects/{registry['project'].pk}/", read(registry["project"], end_date="2020-01-01"),
                        format="json")
    assert dates.status_code == 400 and "end_date" in dates.json()


def test_malformed_json_is_a_400(registry, admin):
    response = admin.generic("POST", "/api/actors/", "{not json", content_type="application/json")
    assert response.status_code == 400


def read(record, **changes) -> dict:
    """A change as a client sends it: the fields and the version of the record it read."""
    return {**changes, "version": type(record).objects.get(pk=record.pk).version}


# --- history ---------------------------------------------------------------------------------------

def test_history_shows_who_changed_what_to_staff_and_what_to_everyone(registry, admin, anonymous):
    url = f"/api/actors/{registry['orbitix'].pk}/"
    assert admin.patch(url, read(registry["orbitix"], city="Gent", postcode="9050"), format="json").status_code == 200
    staff_view = admin.get(url + "history/").json()
    latest = staff_view["results"][0]
    assert latest["type"] == "changed" and latest["user"] == admin.user.username
    assert {(c["field"], c["old"], c["new"]) for c in latest["changes"]} == {
        ("city", "", "Gent"), ("postcode", "9000", "9050"),
    }
    assert staff_view["results"][-1]["type"] == "created"
    assert {"field": "name", "old": None, "new": "Orbitix"} in staff_view["results"][-1]["changes"]
    public_view = anonymous.get(url + "history/").json()
    assert public_view["count"] == staff_view["count"]
    assert all(entry["user"] is None for entry in public_view["results"])


def test_history_of_an_interaction_includes_who_took_part(registry, admin):
    interaction = registry["interaction"]
    url = f"/api/interactions/{interaction.pk}/"
    response = admin.patch(url, read(interaction, subject="Intro meeting", contacts=[]), format="json")
    assert response.status_code == 200, response.content
    entries = admin.get(url + "history/").json()["results"]
    changes = [(change["field"], change["old"], change["new"]) for entry in entries for change in entry["changes"]]
    assert ("subject", "Intro meeting with Griet Vermeersch", "Intro meeting") in changes
    assert ("contacts", [registry["orbitix_contact"].pk], []) in changes
    assert entries[0]["user"] == admin.user.username


def test_history_of_personal_records_is_as_private_as_the_record(registry, anonymous, client_for):
    url = f"/api/contacts/{registry['cyberlab_contact'].pk}/history/"
    assert anonymous.get(url).status_code == 401
    assert client_for(Role.ACTOR_USER, actor=registry["orbitix"]).get(url).status_code == 404
    assert client_for(Role.COORDINATOR).get(url).status_code == 200


# --- efficiency ------------------------------------------------------------------------------------

def _grow_registry(registry, extra: int):
    """Add ``extra`` actors with tags, contacts, participations and cluster memberships, so an N+1
    query pattern on any list endpoint would show as many more queries."""
    for index in range(extra):
        actor = make_actor(f"Extra {index}", pic=f"88800{index:04d}")
        actor.clusters.add(registry["cluster"])
        ActorTag.objects.create(actor=actor, concept=registry["space"], origin=TagOrigin.DERIVED)
        contact = Contact.objects.create(actor=actor, first_name="X", last_name=f"Y{index}",
                                         legal_basis=LegalBasis.PUBLIC_TASK)
        interaction = Interaction.objects.create(date=datetime.date(2026, 1, 1), kind="call", actor=actor,
                                                 subject="S")
        interaction.contacts.add(contact)
        Participation.objects.create(project=registry["project"], actor=actor, role=ParticipationRole.PARTNER)
        project = Project.objects.create(source=ProjectSource.CORDIS, external_id=f"9{index}", title=f"P{index}")
        Participation.objects.create(project=project, actor=actor, role=ParticipationRole.COORDINATOR)
        infrastructure = Infrastructure.objects.create(name=f"Lab {index}", operator=actor)
        infrastructure.domains.add(registry["space"])


@pytest.mark.parametrize("endpoint", [e for e, _, _ in PUBLIC_ENDPOINTS + PRIVATE_ENDPOINTS])
def test_list_endpoints_run_a_bounded_number_of_queries(registry, admin, endpoint, django_assert_max_num_queries):
    _grow_registry(registry, extra=15)
    # Token and profile lookup, count, page and the prefetches: the same whatever the page size.
    with django_assert_max_num_queries(7):
        response = admin.get(f"/api/{endpoint}/?limit=100")
    assert response.status_code == 200
