"""Whom to meet (issue 16): the other participants ranked by the registry's matching engine, read
from the persisted index, each with its reasons; only participants of the same matchmaking."""

import datetime

import pytest
from django.utils import timezone
from matchmaking_world import build_world

from visd.events.models import Event
from visd.matchmaking import service
from visd.meetings import actions, recommendations

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path, make_user):
    settings.VISD_MATCHING_DIR = tmp_path / "matching"
    service.forget()
    w = build_world()
    service.build()
    organiser = make_user("coordinator", "organiser")
    event = Event.objects.create(title="Deep dive counter-drone", kind="deep_dive", date=timezone.localdate())
    w.matchmaking = actions.open_matchmaking(event, {
        "tables": 5, "table_names": "", "max_meetings": None, "response_days": None,
        "registration_deadline": timezone.now() + datetime.timedelta(days=1),
        "request_deadline": timezone.now() + datetime.timedelta(days=1)}, "09:00-09:30", acting_user=organiser)
    w.participants = {}
    for actor in (w.lab, w.sonar, w.cyberco):
        user = make_user("actor_user", f"rep-{actor.pk}", actor=actor)
        w.participants[actor.pk] = actions.join(w.matchmaking, user, name="Rep", acting_user=user)
    yield w
    service.forget()


def test_recommendations_rank_the_drone_company_first_with_reasons(world):
    lab = world.participants[world.lab.pk]
    actions.update_profile(lab, offer="Passive radar research", seek="A company building drone detection radars",
                           max_meetings=None, unavailable_slot_ids=[], acting_user=None)
    result = recommendations.recommend(lab)
    assert result.problem == ""
    ranked = [row["participant"].registration.organisation_id for row in result.rows]
    assert ranked and ranked[0] == world.sonar.pk
    assert world.lab.pk not in ranked  # never itself
    assert result.rows[0]["explanation"]  # the engine's reasons come along


def test_without_text_or_index_the_reason_is_given(world):
    cyber = world.participants[world.cyberco.pk]
    assert recommendations.recommend(cyber).problem == "no_text"
    actions.update_profile(cyber, offer="SOC monitoring", seek="", max_meetings=None, unavailable_slot_ids=[],
                           acting_user=None)
    service.forget()
    import shutil
    from django.conf import settings

    shutil.rmtree(settings.VISD_MATCHING_DIR)
    assert recommendations.recommend(cyber).problem == "no_index"
