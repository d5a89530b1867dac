"""Tagging records into the database: derived tags with evidence and confidence on actors, projects,
calls and needs; curated and self-declared tags survive re-tagging; re-tagging is incremental."""

import pytest

from visd.actors.models import ActorTag, TagOrigin
from visd.matchmaking import service, tagging
from visd.matchmaking.models import ConceptTag

from matchmaking_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path):
    settings.VISD_MATCHING_DIR = tmp_path / "matching"
    service.forget()
    yield build_world()
    service.forget()


def derived_actor_tags(actor):
    return {t.concept.code: t for t in ActorTag.objects.filter(actor=actor, origin=TagOrigin.DERIVED)}


def test_every_kind_of_record_is_tagged_with_evidence_and_confidence(world):
    tagging.tag_all()
    sonar = derived_actor_tags(world.sonar)
    assert set(sonar) == {"counter-uav"}
    assert "drone" in sonar["counter-uav"].evidence.lower() and 0 < sonar["counter-uav"].confidence <= 1
    assert set(derived_actor_tags(world.cyberco)) == {"cyber"}
    project = ConceptTag.objects.get(target_type="project", object_id=world.project.pk, origin="derived")
    assert project.concept.code == "counter-uav" and project.evidence and project.confidence > 0
    call_tags = set(ConceptTag.objects.filter(target_type="call", object_id=world.call.pk)
                    .values_list("concept__code", flat=True))
    assert call_tags == {"counter-uav"}
    need_tags = set(ConceptTag.objects.filter(target_type="need", object_id=world.need.pk)
                    .values_list("concept__code", flat=True))
    assert need_tags == {"cyber"}


def test_curated_and_self_declared_tags_survive_retagging(world):
    curated = ActorTag.objects.create(actor=world.sonar, concept=world.counter_uav, origin=TagOrigin.CURATED,
                                      confidence=1.0, evidence="checked by the programme manager")
    declared = ActorTag.objects.create(actor=world.sonar, concept=world.cyber, origin=TagOrigin.SELF_DECLARED)
    tagging.tag_all()
    tagging.tag_all(rebuild=True)
    # the curated tag was neither overwritten nor duplicated by a derived tag of the same concept
    curated.refresh_from_db()
    assert curated.origin == TagOrigin.CURATED and curated.evidence == "checked by the programme manager"
    assert ActorTag.objects.filter(actor=world.sonar, concept=world.counter_uav).count() == 1
    assert ActorTag.objects.filter(pk=declared.pk, origin=TagOrigin.SELF_DECLARED).exists()
    # in the engine both are curated: the self-declared cyber tag counts although the text has no cyber word
    index = service.updated_index()
    origins = {t.concept_id: t.origin for t in index.tags("actor", str(world.sonar.pk))}
    assert origins == {"focus_domain:counter-uav": "curated", "focus_domain:cyber": "curated"}


def test_curated_rejection_removes_a_derived_tag_and_survives(world):
    tagging.tag_all()
    assert ConceptTag.objects.filter(target_type="call", object_id=world.call.pk, origin="derived").exists()
    ConceptTag.objects.filter(target_type="call", object_id=world.call.pk).delete()
    ConceptTag.objects.create(target_type="call", object_id=world.call.pk, concept=world.counter_uav,
                              origin="curated", rejected=True)
    index = service.updated_index()
    assert index.tags("opportunity", f"call:{world.call.pk}") == []
    world.call.description += " More drones."
    world.call.save()
    tagging.tag_all()
    assert list(ConceptTag.objects.filter(target_type="call", object_id=world.call.pk)
                .values_list("origin", "rejected")) == [("curated", True)]
    assert service.updated_index().tags("opportunity", f"call:{world.call.pk}") == []
    # removing the rejection brings the derived tag back
    ConceptTag.objects.filter(target_type="call", object_id=world.call.pk).delete()
    assert [t.concept_id for t in service.updated_index().tags("opportunity", f"call:{world.call.pk}")] == [
        "focus_domain:counter-uav"]


def test_saving_one_record_retags_that_record_only(world, django_capture_on_commit_callbacks):
    tagging.tag_all()
    other = ActorTag.objects.get(actor=world.cyberco, origin=TagOrigin.DERIVED)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        world.sonar.description_nl = "Wij beveiligen netwerken tegen een cyberaanval."
        world.sonar.save()
    assert len(callbacks) == 1
    assert set(derived_actor_tags(world.sonar)) == {"cyber"}
    # the other actor's tag row was not touched
    assert ActorTag.objects.get(pk=other.pk).updated_at == other.updated_at
    # a save that changes no text does not re-tag
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        world.sonar.save(update_fields=["website", "updated_at"])
    assert callbacks == []


def test_signal_keeps_curated_tags(world, django_capture_on_commit_callbacks):
    ActorTag.objects.create(actor=world.sonar, concept=world.counter_uav, origin=TagOrigin.CURATED, confidence=1)
    with django_capture_on_commit_callbacks(execute=True):
        world.sonar.description_en = "Drone detection radars."
        world.sonar.save()
    tags = list(ActorTag.objects.filter(actor=world.sonar).values_list("concept__code", "origin"))
    assert tags == [("counter-uav", TagOrigin.CURATED)]


def test_index_update_reanalyses_only_changed_records(world):
    index = service.updated_index()
    before = index.retag_count
    world.cyberco.description_en = "Cyber security and drone detection for ports."
    world.cyberco.save()
    index = service.updated_index()
    assert index.retag_count == before + 1
    assert set(derived_actor_tags(world.cyberco)) == {"cyber", "counter-uav"}
    # deleting a record removes it from the index
    world.need.delete()
    assert f"need:{world.need_pk}" not in service.updated_index().opportunities


def test_retagging_an_unchanged_database_changes_nothing(world):
    first = tagging.tag_all()
    assert first["rebuilt"] is True
    again = tagging.tag_all()
    assert again == {"rebuilt": False, "actors": 0, "projects": 0, "opportunities": 0, "removed": 0, "curated": 0}


def test_a_changed_text_analysis_rebuilds_the_index(world, monkeypatch):
    """A glossary entry changes the terms of every unit: the next update rebuilds instead of patching."""
    from visd.matchmaking import lifecycle

    assert tagging.tag_all()["rebuilt"] is True
    assert tagging.tag_all()["rebuilt"] is False
    monkeypatch.setattr(lifecycle, "analysis_signature", lambda: "another glossary")
    assert tagging.tag_all()["rebuilt"] is True
    assert tagging.tag_all()["rebuilt"] is False


# ---------------------------------------------------------------------------- tags from the track record
def add_project(world, acronym, objective, *actors, external_id):
    import datetime

    from visd.projects.models import Participation, Project

    project = Project.objects.create(source="cordis", external_id=external_id,
                                     acronym=acronym, title=f"{acronym} project", objective=objective,
                                     start_date=datetime.date(2021, 1, 1), framework_programme="H2020")
    for actor in actors:
        Participation.objects.create(project=project, actor=actor, role="participant")
    return project


def test_actor_without_description_gets_the_domains_its_projects_carry(world):
    assert not world.lab.description_nl and not world.lab.description_en
    tagging.tag_all()
    lab = derived_actor_tags(world.lab)
    assert set(lab) == {"counter-uav"}
    tag = lab["counter-uav"]
    # evidence names the project (acronym) and the words that matched in it
    assert tag.evidence.startswith("HARBOURSHIELD (") and "drone" in tag.evidence.lower()
    project_tag = ConceptTag.objects.get(target_type="project", object_id=world.project.pk)
    # one project out of one: full support, the project's own confidence
    assert tag.confidence == pytest.approx(project_tag.confidence, abs=1e-3)
    # the actor list's domain filter and the permissions read these rows
    assert world.lab in world.counter_uav.actors.all()


def test_a_concept_counts_when_enough_of_the_actors_projects_carry_it(world):
    # the German actor: 1 counter-UAV project of 3 (neither 2 projects nor half): no tag yet
    add_project(world, "NETGUARD", "Protection against cyber attack on port networks.", world.german,
                external_id="900002")
    add_project(world, "PAPERWORK", "Harmonised customs procedures.", world.german, external_id="900003")
    tagging.tag_all()
    assert derived_actor_tags(world.german) == {}
    # a second cyber project: 2 of 4 projects carry cyber, it counts; counter-UAV (1 of 4) still does not
    add_project(world, "SOCNET", "A cyber security operations centre for cyber attack response.", world.german,
                external_id="900004")
    tagging.tag_all()
    german = derived_actor_tags(world.german)
    assert set(german) == {"cyber"}
    assert "NETGUARD (" in german["cyber"].evidence and "SOCNET (" in german["cyber"].evidence
    assert "PAPERWORK" not in german["cyber"].evidence and "HARBOURSHIELD" not in german["cyber"].evidence
    # confidence: mean of the two project tags x (0.5 + 0.5 x support), support = max(2/4, 2/4)
    confs = list(ConceptTag.objects.filter(target_type="project", concept=world.cyber,
                                           object_id__in=project_pks(world.german)).values_list("confidence", flat=True))
    assert len(confs) == 2
    assert german["cyber"].confidence == pytest.approx(sum(confs) / 2 * 0.75, abs=1e-3)


def project_pks(actor):
    return list(actor.participations.values_list("project_id", flat=True))


def test_text_and_track_record_combine(world):
    from visd.projects.models import Participation

    tagging.tag_all()
    text_only = derived_actor_tags(world.cyberco)["cyber"]
    Participation.objects.create(project=world.project, actor=world.cyberco, role="participant")
    add_project(world, "SOCNET", "A cyber security operations centre for cyber attack response.", world.cyberco,
                external_id="900004")
    tagging.tag_all()  # incremental: the new participations re-tag this actor
    tags = derived_actor_tags(world.cyberco)
    # counter-UAV comes from HARBOURSHIELD only (1 of 2 projects = half)
    assert set(tags) == {"cyber", "counter-uav"}
    assert tags["counter-uav"].evidence.startswith("HARBOURSHIELD (")
    # cyber: the description's words first, then the project; noisy-or of both confidences
    assert tags["cyber"].evidence.startswith(text_only.evidence + "; SOCNET (")
    assert tags["cyber"].confidence > text_only.confidence


def test_curated_actor_tags_survive_track_record_tagging(world):
    curated = ActorTag.objects.create(actor=world.lab, concept=world.counter_uav, origin=TagOrigin.CURATED,
                                      confidence=0.9, evidence="checked by the programme manager")
    declared = ActorTag.objects.create(actor=world.german, concept=world.cyber, origin=TagOrigin.SELF_DECLARED)
    tagging.tag_all()
    tagging.tag_all(rebuild=True)
    curated.refresh_from_db()
    assert (curated.origin, curated.confidence, curated.evidence) == (
        TagOrigin.CURATED, 0.9, "checked by the programme manager")
    assert ActorTag.objects.filter(actor=world.lab).count() == 1
    # the German actor keeps its self-declared tag and gets the derived counter-UAV tag beside it
    assert ActorTag.objects.filter(pk=declared.pk, origin=TagOrigin.SELF_DECLARED).exists()
    assert set(derived_actor_tags(world.german)) == {"counter-uav"}


def test_a_curated_rejection_on_the_project_wins_over_the_track_record(world):
    tagging.tag_all()
    assert set(derived_actor_tags(world.lab)) == {"counter-uav"}
    ConceptTag.objects.filter(target_type="project", object_id=world.project.pk).delete()
    ConceptTag.objects.create(target_type="project", object_id=world.project.pk, concept=world.counter_uav,
                              origin="curated", rejected=True)
    tagging.tag_all()  # the curated change re-tags the project's participants
    assert derived_actor_tags(world.lab) == {} and derived_actor_tags(world.german) == {}
    tagging.tag_all(rebuild=True)
    assert derived_actor_tags(world.lab) == {}


def test_saving_a_project_retags_its_participants(world, django_capture_on_commit_callbacks):
    tagging.tag_all()
    with django_capture_on_commit_callbacks(execute=True):
        world.project.objective = "Monitoring of and response to cyber attack on harbour networks."
        world.project.title = "Protecting harbour networks"
        world.project.save()
    assert set(derived_actor_tags(world.lab)) == {"cyber"}
    assert derived_actor_tags(world.lab)["cyber"].evidence.startswith("HARBOURSHIELD (")
    # and the index, brought up to date, agrees
    tagging.tag_all()
    assert set(derived_actor_tags(world.lab)) == {"cyber"}


def test_retagging_is_idempotent_and_writes_no_history(world):
    def snapshot():
        return (sorted(ActorTag.objects.values_list("pk", "actor_id", "concept_id", "origin", "confidence",
                                                    "evidence", "updated_at")),
                sorted(ConceptTag.objects.values_list("pk", "confidence", "evidence", "updated_at")),
                ActorTag.history.count(), ConceptTag.history.count())

    tagging.tag_all()
    first = snapshot()
    assert any(row[1] == world.lab.pk for row in first[0])
    tagging.tag_all()
    assert snapshot() == first
    # a full rebuild finds the same tags and writes nothing either
    tagging.tag_all(rebuild=True)
    assert snapshot() == first


# ---------------------------------------------------------------------------- changes the updated_at marks miss
def curate_as_the_page_does(tag, rejected=False):
    """The curation page turns the derived row into the curated row (confidence and evidence cleared)."""
    tag.origin, tag.rejected, tag.confidence, tag.evidence = "curated", rejected, None, ""
    tag.save()


def project_tag(world, concept):
    return ConceptTag.objects.filter(target_type="project", object_id=world.project.pk, concept=concept).first()


@pytest.mark.parametrize("rejected", [False, True])
def test_deleting_a_curated_project_tag_brings_the_derived_tags_back(world, rejected):
    tagging.tag_all()
    derived = project_tag(world, world.counter_uav)
    evidence = derived.evidence
    curate_as_the_page_does(derived, rejected=rejected)
    tagging.tag_all()
    expected = {} if rejected else {"counter-uav"}
    assert set(derived_actor_tags(world.lab)) == set(expected)
    # the admin deletes the curated tag (no save of the project, so no updated_at mark moves)
    ConceptTag.objects.filter(pk=derived.pk).delete()
    index = service.updated_index()
    back = project_tag(world, world.counter_uav)
    assert back is not None and (back.origin, back.rejected, back.evidence) == ("derived", False, evidence)
    assert [(t.concept_id, t.origin) for t in index.tags("project", str(world.project.pk))] == [
        ("focus_domain:counter-uav", "derived")]
    # ... and the participants' track-record tags with it
    assert set(derived_actor_tags(world.lab)) == {"counter-uav"}
    assert set(derived_actor_tags(world.german)) == {"counter-uav"}
    assert derived_actor_tags(world.lab)["counter-uav"].evidence.startswith("HARBOURSHIELD (")
    # the same through `visd tag`, and nothing left to do afterwards
    tagging.tag_all()
    assert project_tag(world, world.counter_uav).pk == back.pk
    assert tagging.tag_all() == {"rebuilt": False, "actors": 0, "projects": 0, "opportunities": 0, "removed": 0,
                                 "curated": 0}


def test_deleting_a_curated_call_tag_brings_the_derived_tag_back(world):
    tagging.tag_all()
    derived = ConceptTag.objects.get(target_type="call", object_id=world.call.pk)
    curate_as_the_page_does(derived, rejected=True)
    tagging.tag_all()
    ConceptTag.objects.filter(pk=derived.pk).delete()
    tagging.tag_all()
    assert list(ConceptTag.objects.filter(target_type="call", object_id=world.call.pk)
                .values_list("concept__code", "origin")) == [("counter-uav", "derived")]


def test_deleting_a_curated_actor_tag_brings_the_derived_tag_back(world):
    tagging.tag_all()
    derived = ActorTag.objects.get(actor=world.sonar, origin=TagOrigin.DERIVED)
    evidence = derived.evidence
    derived.origin, derived.confidence, derived.evidence = TagOrigin.CURATED, None, ""
    derived.save()
    tagging.tag_all()
    assert derived_actor_tags(world.sonar) == {}
    ActorTag.objects.filter(pk=derived.pk).delete()
    service.updated_index()
    tags = derived_actor_tags(world.sonar)
    assert set(tags) == {"counter-uav"} and tags["counter-uav"].evidence == evidence


def evidence_projects(index, actor, text="Drone detection with radar against hostile drones in ports."):
    match = next(m for m in index.search_actors(text, top_k=20) if m.id == str(actor.pk))
    return {e["project_id"] for e in match.explanation["evidence_projects"]}


def test_a_deleted_participation_leaves_the_track_record(world):
    from visd.projects.models import Participation

    other = add_project(world, "DRONEWALL", "Counter-drone detection of hostile drones with radar.", world.german,
                        external_id="900005")
    tagging.tag_all()
    index = service.updated_index()
    assert evidence_projects(index, world.german) == {str(world.project.pk), str(other.pk)}
    german = derived_actor_tags(world.german)["counter-uav"]
    assert "HARBOURSHIELD (" in german.evidence and "DRONEWALL (" in german.evidence
    assert set(derived_actor_tags(world.lab)) == {"counter-uav"}
    # delete two participations of the older project (neither is the newest row: no updated_at mark moves)
    Participation.objects.filter(project=world.project, actor__in=[world.german, world.lab]).delete()
    Participation.objects.create(project=world.project, actor=world.cyberco, role="coordinator")
    Participation.objects.filter(project=world.project, actor=world.cyberco).delete()
    # the next matching page sees it, without `visd tag --rebuild`
    index = service.updated_index()
    assert index.projects[str(world.project.pk)].participants == []
    assert evidence_projects(index, world.german) == {str(other.pk)}
    german = derived_actor_tags(world.german)
    # DRONEWALL is now the German actor's only project: it still carries counter-UAV, without HARBOURSHIELD
    assert set(german) == {"counter-uav"} and german["counter-uav"].evidence.startswith("DRONEWALL (")
    assert "HARBOURSHIELD" not in german["counter-uav"].evidence
    # the lab has no project left: its track-record tag is gone
    assert derived_actor_tags(world.lab) == {}
    assert tagging.tag_all() == {"rebuilt": False, "actors": 0, "projects": 0, "opportunities": 0, "removed": 0,
                                 "curated": 0}


def test_a_deleted_participation_is_noticed_by_visd_tag(world):
    from visd.projects.models import Participation

    tagging.tag_all()
    assert set(derived_actor_tags(world.lab)) == {"counter-uav"}
    Participation.objects.filter(project=world.project, actor=world.lab).delete()
    counts = tagging.tag_all()
    assert counts["projects"] == 1
    assert derived_actor_tags(world.lab) == {}
    assert set(derived_actor_tags(world.german)) == {"counter-uav"}
    assert [a for a, _ in service.updated_index().projects[str(world.project.pk)].participants] == [str(world.german.pk)]
