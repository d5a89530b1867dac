"""Orientation roadmaps: versions, items, live mapping, timeline, CSV export, cross-domain matrix."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from programme_world import *  # noqa: F401,F403
from stakeholder_world import *  # noqa: F401,F403

from visd.roadmaps import actions, mapping
from visd.roadmaps.models import Roadmap


def _fill(roadmap, world, user):
    actions.update_roadmap(roadmap, {"introduction": "Visie maritiem"}, acting_user=user, expected_revision=None)
    return actions.add_item(roadmap, {"kind": "technology", "title": "Autonome vaartuigen", "start_year": 2026,
                                      "end_year": 2030}, acting_user=user, related_domains=[world.cyber])


def test_versions_publish_and_copy(programme, world, users):
    pm = users["pm_of_a"]
    draft = programme.draft
    assert draft.version == 1
    with pytest.raises(ValidationError, match="at least an introduction"):
        actions.publish(draft, acting_user=pm)
    _fill(draft, world, pm)
    with pytest.raises(ValidationError, match="already has a draft"):
        actions.start_version(world.maritime, acting_user=pm)
    actions.publish(draft, acting_user=pm)
    with pytest.raises(ValidationError, match="start a new version"):
        actions.update_roadmap(draft, {"conclusion": "x"}, acting_user=pm, expected_revision=None)
    second = actions.start_version(world.maritime, acting_user=pm)
    assert second.version == 2 and second.introduction == "Visie maritiem"
    assert [i.title for i in second.items.all()] == ["Autonome vaartuigen"]
    assert list(second.items.get().related_domains.all()) == [world.cyber]
    actions.publish(second, acting_user=pm)
    draft.refresh_from_db()
    assert draft.status == "superseded"


def test_item_years_are_checked(programme, users):
    pm = users["pm_of_a"]
    for start, end, field in ((2030, 2026, "end_year"), (1990, 2026, "start_year"), (2026, 2999, "end_year")):
        with pytest.raises(ValidationError) as error:
            actions.add_item(programme.draft, {"kind": "capability", "title": "X", "start_year": start,
                                               "end_year": end}, acting_user=pm)
        assert field in error.value.message_dict
    assert not programme.draft.items.exists()


def test_lost_update_on_roadmap_text(programme, users):
    first = Roadmap.objects.get(pk=programme.draft.pk)
    second = Roadmap.objects.get(pk=programme.draft.pk)
    actions.update_roadmap(first, {"conclusion": "A"}, acting_user=users["pm_of_a"], expected_revision=first.revision)
    with pytest.raises(actions.EditConflict):
        actions.update_roadmap(second, {"conclusion": "B"}, acting_user=users["director"],
                               expected_revision=second.revision)
    programme.draft.refresh_from_db()
    assert programme.draft.conclusion == "A"


def test_timeline_layout():
    class Item:
        def __init__(self, start, end):
            self.start_year, self.end_year = start, end

    years, rows = mapping.timeline([Item(2026, 2028), Item(2027, 2032)])
    assert years == list(range(2026, 2033))
    assert [(r.before, r.span, r.after) for r in rows] == [(0, 3, 4), (1, 6, 0)]
    assert mapping.timeline([]) == ([], [])


def test_mapping_is_live_from_the_registry(programme, world, users, client):
    _fill(programme.draft, world, users["pm_of_a"])
    client.force_login(users["pm_of_a"])
    page = client.get(programme.draft.get_absolute_url()).content.decode()
    assert "Zeebrugge Marine Systems" in page  # actor tagged maritime, in Flanders
    assert "Gent Cyber Labs" not in page
    assert "SWARM" in page  # VISD project of the domain
    assert "DIF-Day 2025" in page
    assert "2026–2030" in page


def test_csv_export_and_cross_domain_matrix(programme, world, users, client):
    _fill(programme.draft, world, users["pm_of_a"])
    actions.publish(programme.draft, acting_user=users["pm_of_a"])
    response = client.get(reverse("roadmaps:csv", args=[programme.draft.pk]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows == [{"domain": "maritime", "version": "1", "status": "published", "kind": "technology",
                     "title": "Autonome vaartuigen", "start_year": "2026", "end_year": "2030",
                     "related_domains": "cyber", "description": "", "title_en": "", "description_en": ""}]
    teds, matrix = mapping.cross_domain_matrix(users["anonymous"])
    assert teds == [world.cyber]
    assert matrix == [(world.maritime, [(world.cyber, 1)])]
    assert "<strong>1</strong>" in client.get(reverse("roadmaps:cross_domain")).content.decode()


def test_drafts_are_not_public(programme, client, users):
    assert client.get(programme.draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("roadmaps:csv", args=[programme.draft.pk])).status_code == 404
    client.force_login(users["actor_user_a"])
    assert client.get(programme.draft.get_absolute_url()).status_code == 404
    client.force_login(users["pm_other"])
    assert client.get(programme.draft.get_absolute_url()).status_code == 200


def test_screens_add_item_and_publish(programme, world, users, client):
    client.force_login(users["pm_of_a"])
    draft = programme.draft
    response = client.post(reverse("roadmaps:edit", args=[draft.pk]), {
        "introduction": "Intro", "mapping_text": "", "roadmap_text": "", "conclusion": "", "calls": "", "needs": "",
        "revision": draft.revision})
    assert response.status_code == 302
    client.post(reverse("roadmaps:item_add", args=[draft.pk]), {"kind": "project", "title": "Vlaggenschip",
                                                                "start_year": 2026, "end_year": 2029, "order": 0})
    client.post(reverse("roadmaps:publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == "published" and draft.items.count() == 1
    stale = client.post(reverse("roadmaps:edit", args=[draft.pk]), {"introduction": "x", "revision": 1})
    assert stale.status_code == 302  # published: refused, back to the roadmap
    draft.refresh_from_db()
    assert draft.introduction == "Intro"


def test_svg_export_is_escaped_and_scaled(programme, world, users, client):
    from xml.etree import ElementTree

    pm = users["pm_of_a"]
    _fill(programme.draft, world, pm)
    actions.add_item(programme.draft, {"kind": "capability", "title": "<script>alert(1)</script>",
                                       "start_year": 2028, "end_year": 2035}, acting_user=pm)
    client.force_login(pm)
    response = client.get(reverse("roadmaps:svg", args=[programme.draft.pk]))
    assert response["Content-Type"].startswith("image/svg+xml")
    body = response.content.decode()
    assert "<script>" not in body and "&lt;script&gt;" in body
    root = ElementTree.fromstring(body)
    bars = [e for e in root.iter("{http://www.w3.org/2000/svg}rect") if e.get("rx")]
    # 2026-2030 and 2028-2035 on a 2026-2035 axis of 56 px per year, after a 320 px label column.
    assert [(float(b.get("x")), float(b.get("width"))) for b in bars] == [(322, 5 * 56 - 4), (322 + 2 * 56, 8 * 56 - 4)]
