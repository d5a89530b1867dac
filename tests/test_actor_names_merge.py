"""Names people can read (``visd.actors.names``) and merging two records of one organisation
(``visd.actors.merge``, the merge page and ``visd merge-actors``): issue 14 item 8."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from stakeholder_world import *  # noqa: F403 (fixtures)

from visd.actors import merge, names
from visd.actors.models import Actor, ActorMerge, ActorTag, TagOrigin

# Real names of Belgian organisations in data/public (CORDIS and EDF): official name -> (display, legal form).
REAL_NAMES = {
    "KATHOLIEKE UNIVERSITEIT LEUVEN": ("Katholieke Universiteit Leuven", ""),
    "SPACE APPLICATIONS SERVICES NV": ("Space Applications Services", "NV"),
    "VLAAMSE INSTELLING VOOR TECHNOLOGISCH ONDERZOEK N.V.": ("Vlaamse Instelling voor Technologisch Onderzoek", "NV"),
    "NATO SCIENCE AND TECHNOLOGY ORGANISATION": ("NATO Science and Technology Organisation", ""),
    "JRC -JOINT RESEARCH CENTRE- EUROPEAN COMMISSION": ("JRC -Joint Research Centre- European Commission", ""),
    "ECOLE ROYALE MILITAIRE - KONINKLIJKE MILITAIRE SCHOOL": ("Ecole Royale Militaire - Koninklijke Militaire School", ""),
    "DE FEDERALE OVERHEIDSDIENST JUSTITIE - LE SERVICE PUBLIC FEDERAL JUSTICE":
        ("De Federale Overheidsdienst Justitie - Le Service Public Federal Justice", ""),
    "UNIVERSITE DE NAMUR ASBL": ("Universite de Namur", "ASBL"),
    "PUBLIC SAFETY COMMUNICATION EUROPE FORUM AISBL": ("Public Safety Communication Europe Forum", "AISBL"),
    "FN HERSTAL SA": ("FN Herstal", "SA"),
    "C&V DEFENCE": ("C&V Defence", ""),
    "ECOMED bvba": ("Ecomed", "BVBA"),
    "VLTN GCV": ("VLTN", "GCV"),
    "SECEUR SPRL": ("Seceur", "SPRL"),
    "VIVAQUA SCRL": ("Vivaqua", "SCRL"),
    "POLITIEZONE BRECHT-MALLE-SCHILDE-ZOERSEL": ("Politiezone Brecht-Malle-Schilde-Zoersel", ""),
    "DESCARTES SYSTEMS (BELGIUM)": ("Descartes Systems (Belgium)", ""),
    "CENTRE D'EXCELLENCE EN TECHNOLOGIES DE L'INFORMATION ET DE LA COMMUNICATION":
        ("Centre d'Excellence en Technologies de l'Information et de la Communication", ""),
    "STUDIECENTRUM VOOR KERNENERGIE / CENTRE D'ETUDE DE L'ENERGIE NUCLEAIRE":
        ("Studiecentrum voor Kernenergie / Centre d'Etude de l'Energie Nucleaire", ""),
    "THE ALLIANCE OF MARITIME REGIONAL INTERESTS IN EUROPE (AMRIE)":
        ("The Alliance of Maritime Regional Interests in Europe (AMRIE)", ""),
    "ERIC VAN HOOYDONK": ("Eric van Hooydonk", ""),
    "ENTENTE POUR LA FORÊT MÉDITERRANÉENNE": ("Entente pour la Forêt Méditerranéenne", ""),
    # Not all capitals: left as they are (a legal form at the end is still split off).
    "Clecat - European Association for Forwarding, Transport, Logistics and Customs Service":
        ("Clecat - European Association for Forwarding, Transport, Logistics and Customs Service", ""),
    "Service Public Fédéral de Programmation Politique Scientifique (Belspo)":
        ("Service Public Fédéral de Programmation Politique Scientifique (Belspo)", ""),
    # Legal forms of elsewhere.
}
# Legal forms of elsewhere, and edge cases (made-up or shortened names).
OTHER_NAMES = {
    "LEONARDO S.P.A.": ("Leonardo", "S.p.A."),
    "HENSOLDT SENSORS GMBH": ("Hensoldt Sensors", "GmbH"),
    "SAAB AB": ("Saab", "AB"),
    "Patria Oyj": ("Patria", "Oyj"),
    "BARCO NV/SA": ("Barco", "NV/SA"),
    "SA": ("SA", ""),  # nothing would remain: not split
}


@pytest.mark.parametrize("official", [*REAL_NAMES, *OTHER_NAMES])
def test_display_name_rule(official):
    assert names.display_parts(official) == {**REAL_NAMES, **OTHER_NAMES}[official]


def test_the_real_names_occur_in_the_public_data(public_data):
    text = "".join(path.read_text(encoding="utf-8") for path in public_data.glob("*/*organizations.csv"))
    assert [name for name in REAL_NAMES if f";{name};" not in text] == []


@pytest.mark.django_db
def test_preferred_name_wins_and_official_name_stays():
    actor = Actor.objects.create(name="KATHOLIEKE UNIVERSITEIT LEUVEN", country="BE")
    assert (actor.display_name, actor.legal_form, str(actor)) == (
        "Katholieke Universiteit Leuven", "", "Katholieke Universiteit Leuven")
    actor.preferred_name = "KU Leuven"
    actor.save()
    actor.refresh_from_db()
    assert (actor.name, actor.display_name) == ("KATHOLIEKE UNIVERSITEIT LEUVEN", "KU Leuven")
    assert actor.history.first().preferred_name == "KU Leuven"
    nv = Actor.objects.create(name="SPACE APPLICATIONS SERVICES NV", preferred_name="Space Applications")
    assert (nv.display_name, nv.legal_form, str(nv)) == ("Space Applications", "NV", "Space Applications NV")
    nv.preferred_name = "Space Applications Services NV"  # already carries its legal form: not repeated
    assert (nv.display_name, nv.legal_form) == ("Space Applications Services NV", "")


@pytest.mark.django_db
def test_api_and_page_show_the_display_name(client):
    actor = Actor.objects.create(name="SPACE APPLICATIONS SERVICES NV", country="BE", postcode="1932")
    data = client.get(f"/api/actors/{actor.pk}/").json()
    assert (data["name"], data["display_name"], data["legal_form"]) == (
        "SPACE APPLICATIONS SERVICES NV", "Space Applications Services", "NV")
    page = client.get(reverse("actors:detail", args=[actor.pk])).content.decode()
    assert "<h1>Space Applications Services <span class=\"muted\">— NV</span>" in page
    assert "SPACE APPLICATIONS SERVICES NV" in page  # the official name is shown too
    listing = client.get(reverse("actors:list")).content.decode()
    assert "Space Applications Services NV</a>" in listing


# --- merging ------------------------------------------------------------------------------------


@pytest.fixture
def duplicate(world):
    """A second record of actor A (another PIC), with a row in every relation that points to actors,
    and two clashes with A: the same project and the same tag."""
    from visd.events.models import Event, Registration
    from visd.facilities.models import Infrastructure
    from visd.projects.models import Participation, Project
    from visd.stakeholders.models import Contact, Dossier, Interaction, LegalBasis

    a = world.actor_a
    a.pic = "999999001"
    a.save()
    dup = Actor.objects.create(name="ZEEBRUGGE MARINE SYSTEMS NV", kind="company", country="BE", postcode="8380",
                               pic="999999002", kbo="0417497106", website="https://zms.example.be")
    ActorTag.objects.create(actor=dup, concept=world.maritime, origin=TagOrigin.DERIVED)  # clash with A's
    ActorTag.objects.create(actor=dup, concept=world.cyber, origin=TagOrigin.CURATED)
    shared = Project.objects.create(source="h2020", external_id="1", acronym="SHARED", title="Shared project")
    own = Project.objects.create(source="h2020", external_id="2", acronym="OWN", title="Own project")
    Participation.objects.create(project=shared, actor=a, role="participant", ec_contribution=100000)
    Participation.objects.create(project=shared, actor=dup, role="coordinator", ec_contribution=50000)  # clash
    Participation.objects.create(project=own, actor=dup, role="participant")
    Contact.objects.create(actor=dup, legal_basis=LegalBasis.PUBLIC_TASK, first_name="Piet", last_name="Dup",
                           email="piet@example.be")
    Interaction.objects.create(actor=dup, date=datetime.date(2025, 1, 2), kind=Interaction.Kind.MEETING,
                               subject="Dup meeting")
    Dossier.objects.create(actor=dup, title="Dup dossier")
    event = Event.objects.create(title="Demo day", kind="other", date=datetime.date(2025, 5, 1))
    Registration.objects.create(event=event, name="Piet Dup", organisation=dup)
    Infrastructure.objects.create(name="Test tank", operator=dup)
    cluster = Actor.objects.create(name="FLANDERS MARITIME CLUSTER", kind="cluster")
    dup.clusters.add(cluster, a)  # a link between the two records is dropped on merge
    return dup


def _counts(actor_pk):
    return merge.count_related(Actor(pk=actor_pk))


@pytest.mark.parametrize("role", ["coordinator", "pm_of_a"])
def test_merge_moves_everything(client, world, users, duplicate, role):
    keep, dup = world.actor_a, duplicate
    before_keep, before_dup = _counts(keep.pk), _counts(dup.pk)
    assert sum(before_dup.values()) >= 10
    client.force_login(users[role])
    url = reverse("actors:merge", args=[keep.pk])
    confirm = client.get(url, {"merge": dup.pk})
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "projects.Participation.actor" in page and "csrfmiddlewaretoken" in page and "SHARED" in page
    assert Actor.objects.filter(pk=dup.pk).exists()  # the confirm step changed nothing
    response = client.post(url, {"merge": dup.pk, "confirm": "1"})
    assert response.status_code == 302
    assert not Actor.objects.filter(pk=dup.pk).exists()
    after_keep, after_dup = _counts(keep.pk), _counts(dup.pk)
    audit = ActorMerge.objects.get()
    removed = {}
    for note in audit.notes:
        removed[note["relation"]] = removed.get(note["relation"], 0) + 1
    # The dropped link "duplicate member of A" was also one of the rows pointing to A.
    removed_from_keep = {"actors.Actor_clusters.to_actor": 1}
    for relation in before_dup:
        if relation == "actors.ActorMerge.survivor":
            continue
        assert after_dup[relation] == 0, relation
        assert after_keep[relation] == (before_keep[relation] + before_dup[relation] - removed.get(relation, 0)
                                        - removed_from_keep.get(relation, 0)), relation
    # The two clashes and the dropped self-link, nothing else.
    assert sorted(removed) == ["actors.ActorTag.actor", "actors.Actor_clusters.from_actor",
                               "projects.Participation.actor"]
    keep.refresh_from_db()
    assert keep.other_pics == ["999999002"] and keep.pic == "999999001"
    assert keep.kbo == "0417497106" and keep.website == "https://zms.example.be"
    assert set(keep.projects.values_list("acronym", flat=True)) == {"SHARED", "OWN"}
    shared = keep.participations.get(project__acronym="SHARED")  # one participation, the first role kept
    assert (shared.role, shared.ec_contribution) == ("coordinator", 150000)
    assert set(keep.tags.values_list("concept__code", flat=True)) == {"maritime", "cyber"}
    assert keep.tags.get(concept__code="maritime").origin == TagOrigin.CURATED  # A's curated tag stays
    assert audit.performed_by == users[role] and audit.merged_id == dup.pk and audit.survivor == keep
    assert audit.moved["projects.Participation.actor"] == 1
    # History: the merged record's deletion and the survivor's change, with who and why.
    deleted = Actor.history.filter(id=dup.pk, history_type="-").get()
    assert deleted.history_user == users[role] and "merged" in deleted.history_change_reason
    latest = keep.history.first()
    assert latest.history_user == users[role] and latest.other_pics == ["999999002"]


def test_merge_permissions(client, world, users, duplicate):
    url = reverse("actors:merge", args=[world.actor_a.pk])
    anonymous = client.post(url, {"merge": duplicate.pk, "confirm": "1"})
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    for role in ("no_role", "actor_user_a", "pm_other"):
        client.force_login(users[role])
        assert client.get(url, {"merge": duplicate.pk}).status_code == 403, role
        assert client.post(url, {"merge": duplicate.pk, "confirm": "1"}).status_code == 403, role
    assert Actor.objects.filter(pk=duplicate.pk).exists() and not ActorMerge.objects.exists()
    # The manager of A may not pull in a record of another portfolio's domain.
    outsider = world.actor_b
    client.force_login(users["pm_of_a"])
    response = client.post(url, {"merge": outsider.pk, "confirm": "1"})
    assert response.status_code == 400 and "buiten uw portefeuille" in response.content.decode()  # Dutch by default
    assert Actor.objects.filter(pk=outsider.pk).exists()
    # The actor page offers the merge to those who may.
    assert reverse("actors:merge", args=[world.actor_a.pk]) in client.get(world.actor_a.get_absolute_url()).content.decode()
    client.force_login(users["actor_user_a"])
    assert reverse("actors:merge", args=[world.actor_a.pk]) not in client.get(
        world.actor_a.get_absolute_url()).content.decode()


def test_merge_bad_input_changes_nothing(world, users, duplicate):
    a, dup = world.actor_a, duplicate
    before = (_counts(a.pk), _counts(dup.pk), Actor.objects.count())
    with pytest.raises(CommandError, match="cannot be merged into itself"):
        call_command("merge_actors", "--keep", a.pk, "--merge", a.pk, stdout=io.StringIO())
    with pytest.raises(CommandError, match="There is no actor 987654"):
        call_command("merge_actors", "--keep", a.pk, "--merge", "987654", stdout=io.StringIO())
    with pytest.raises(CommandError, match="whole numbers"):
        call_command("merge_actors", "--keep", "x", "--merge", dup.pk, stdout=io.StringIO())
    a.kbo = "0202239951"
    a.save()
    with pytest.raises(CommandError, match="different enterprise numbers"):
        call_command("merge_actors", "--keep", a.pk, "--merge", dup.pk, stdout=io.StringIO())
    assert (_counts(a.pk), _counts(dup.pk), Actor.objects.count()) == before
    assert not ActorMerge.objects.exists()


def test_merge_command(world, users, duplicate):
    out = io.StringIO()
    call_command("merge_actors", "--keep", world.actor_a.pk, "--merge", duplicate.pk, "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue() and Actor.objects.filter(pk=duplicate.pk).exists()
    out = io.StringIO()
    call_command("merge_actors", "--keep", world.actor_a.pk, "--merge", duplicate.pk, "--user", "coordinator",
                 stdout=out)
    assert "Merged #" in out.getvalue()
    assert not Actor.objects.filter(pk=duplicate.pk).exists()
    assert ActorMerge.objects.get().performed_by.username == "coordinator"


def test_merge_reaches_the_matching_index(world, duplicate, settings, tmp_path):
    from visd.matchmaking import lifecycle
    from visd.projects.models import Project

    settings.VISD_MATCHING_DIR = tmp_path
    call_command("load_reference", stdout=io.StringIO())
    call_command("tag", stdout=io.StringIO())
    index = lifecycle.read_index().index
    assert str(duplicate.pk) in index.actors
    merge.merge_actors(world.actor_a.pk, duplicate.pk)
    call_command("tag", stdout=io.StringIO())
    index = lifecycle.read_index().index
    assert str(duplicate.pk) not in index.actors and str(world.actor_a.pk) in index.actors
    own = Project.objects.get(acronym="OWN")
    assert [actor for actor, _role in index.projects[str(own.pk)].participants] == [str(world.actor_a.pk)]
