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
    index = service.get_index()
    origins = {t.concept_id: t.origin for t in index.tags("actor", str(world.sonar.pk))}
    assert origins == {"focus_domain:counter-uav": "curated", "focus_domain:cyber": "curated"}


def test_curated_rejection_removes_a_derived_tag_and_survives(world):
    tagging.tag_all()
    assert ConceptTag.objects.filter(target_type="call", object_id=world.call.pk, origin="derived").exists()
    ConceptTag.objects.filter(target_type="call", object_id=world.call.pk).delete()
    ConceptTag.objects.create(target_type="call", object_id=world.call.pk, concept=world.counter_uav,
                              origin="curated", rejected=True)
    index = service.get_index()
    assert index.tags("opportunity", f"call:{world.call.pk}") == []
    world.call.description += " More drones."
    world.call.save()
    tagging.tag_all()
    assert list(ConceptTag.objects.filter(target_type="call", object_id=world.call.pk)
                .values_list("origin", "rejected")) == [("curated", True)]
    assert service.get_index().tags("opportunity", f"call:{world.call.pk}") == []
    # removing the rejection brings the derived tag back
    ConceptTag.objects.filter(target_type="call", object_id=world.call.pk).delete()
    assert [t.concept_id for t in service.get_index().tags("opportunity", f"call:{world.call.pk}")] == [
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
    index = service.get_index()
    before = index.retag_count
    world.cyberco.description_en = "Cyber security and drone detection for ports."
    world.cyberco.save()
    index = service.get_index()
    assert index.retag_count == before + 1
    assert set(derived_actor_tags(world.cyberco)) == {"cyber", "counter-uav"}
    # deleting a record removes it from the index
    world.need.delete()
    assert f"need:{world.need_pk}" not in service.get_index().opportunities


def test_retagging_an_unchanged_database_changes_nothing(world):
    first = tagging.tag_all()
    assert first["rebuilt"] is True
    again = tagging.tag_all()
    assert again == {"rebuilt": False, "actors": 0, "projects": 0, "opportunities": 0, "removed": 0, "curated": 0}
