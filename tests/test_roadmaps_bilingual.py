"""Bilingual orientation roadmaps (issue 17, "roadmap texts are Dutch only"): each text a reader sees
has an English text beside the Dutch one. An English page shows the English text, or the Dutch text
marked "(in Dutch)" with lang="nl" where no English is written; a Dutch page shows Dutch. The edit
forms hold both languages side by side (and keep refusing a stale revision); the CSV and the API carry
both; the demo's drafts come with a translation from the same data file."""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from stakeholder_world import *  # noqa: F401,F403

from visd.roadmaps import actions
from visd.roadmaps.models import Roadmap, RoadmapItem

MARKER = '<small class="lang-note">(in Dutch)</small>'


@pytest.fixture
def draft(world, users):
    """A maritime draft with an introduction, a conclusion and an item, each in Dutch and English, and
    a second item and the mapping comment in Dutch only."""
    pm = users["pm_of_a"]
    roadmap = actions.start_version(world.maritime, acting_user=pm)
    actions.update_roadmap(roadmap, {
        "introduction": "Visie op onbemande vaartuigen", "introduction_en": "Vision on unmanned vessels",
        "mapping_text": "Sterke scheepsbouwers in Oostende", "conclusion": "Samen verder",
        "conclusion_en": "Onwards together",
    }, acting_user=pm, expected_revision=None)
    actions.add_item(roadmap, {"kind": "technology", "title": "Autonome vaartuigen", "title_en": "Autonomous vessels",
                               "description": "Eerste proefvaart", "description_en": "First trial voyage",
                               "start_year": 2026, "end_year": 2030}, acting_user=pm)
    actions.add_item(roadmap, {"kind": "capability", "title": "Havenbeveiliging", "start_year": 2027,
                               "end_year": 2031, "order": 2}, acting_user=pm)
    roadmap.refresh_from_db()
    return roadmap


@pytest.fixture
def published(draft, users):
    actions.publish(draft, acting_user=users["pm_of_a"])
    return draft


def page(client, url, language) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.status_code
    text = response.content.decode()
    assert f'<html lang="{language}">' in text
    return text


def test_an_english_visitor_reads_the_english_roadmap_on_the_public_site_and_in_the_hub(client, published, users):
    site_page = page(client, reverse("site:domain", args=["maritime"]), "en")
    assert "Vision on unmanned vessels" in site_page and "Visie op onbemande vaartuigen" not in site_page
    hub_page = page(client, published.get_absolute_url(), "en")
    for english in ("Vision on unmanned vessels", "Autonomous vessels", "First trial voyage", "Onwards together"):
        assert english in hub_page, english
    for dutch in ("Visie op onbemande vaartuigen", "Autonome vaartuigen", "Eerste proefvaart", "Samen verder"):
        assert dutch not in hub_page, dutch
    client.force_login(users["pm_of_a"])  # the Hub's own users read it the same way
    assert "Autonomous vessels" in page(client, published.get_absolute_url(), "en")


def test_a_dutch_page_shows_the_dutch_text_without_marker(client, published):
    for url in (reverse("site:domain", args=["maritime"]), published.get_absolute_url()):
        text = page(client, url, "nl")
        assert "Visie op onbemande vaartuigen" in text
        assert "Vision on unmanned vessels" not in text and "Autonomous vessels" not in text
        assert "lang-note" not in text and "alleen in het Nederlands" not in text


def test_without_english_the_dutch_text_is_shown_marked_and_with_lang_nl(client, published):
    text = page(client, published.get_absolute_url(), "en")
    # the Dutch-only texts: the mapping comment and the second item's title (in the timeline and the list)
    assert f'<span lang="nl">Sterke scheepsbouwers in Oostende</span> {MARKER}' in text
    assert text.count(f'<span lang="nl">Havenbeveiliging</span> {MARKER}') == 1
    assert f'<th scope="row"><span lang="nl">Havenbeveiliging</span> {MARKER}' in text
    # a text with an English version carries no marker
    assert not re.search(r'lang="nl">(Visie|Autonome|Samen)', text)
    # the public site: a published roadmap whose introduction has no English
    Roadmap.objects.filter(pk=published.pk).update(introduction_en="")
    site_page = page(client, reverse("site:domain", args=["maritime"]), "en")
    assert f'<span lang="nl">Visie op onbemande vaartuigen</span> {MARKER}' in site_page
    with translation.override("nl"):  # the marker's Dutch, for the catalogue's sake
        assert translation.gettext("(in Dutch)") == "(alleen in het Nederlands)"


def test_a_text_written_in_neither_language_still_says_not_written_yet(client, published):
    Roadmap.objects.filter(pk=published.pk).update(conclusion="", conclusion_en="")
    text = page(client, published.get_absolute_url(), "en")
    assert "Not written yet." in text and "Onwards together" not in text


def test_the_edit_form_shows_both_languages_side_by_side_and_saves_them(client, draft, users):
    client.force_login(users["pm_of_a"])
    url = reverse("roadmaps:edit", args=[draft.pk])
    form = page(client, url, "en")
    assert form.count('class="side-by-side"') == 4
    assert re.search(r'<textarea name="introduction" [^>]*lang="nl"', form)
    assert re.search(r'<textarea name="introduction_en" [^>]*lang="en"', form)
    data = {"introduction": "Nieuwe visie", "introduction_en": "New vision", "mapping_text": "", "mapping_text_en": "",
            "roadmap_text": "Lijnen", "roadmap_text_en": "Lines", "conclusion": "Slot", "conclusion_en": "",
            "calls": "", "needs": "", "revision": draft.revision}
    response = client.post(url, data)
    assert response.status_code == 302
    saved = Roadmap.objects.get(pk=draft.pk)
    assert (saved.introduction, saved.introduction_en, saved.roadmap_text_en, saved.conclusion_en) == (
        "Nieuwe visie", "New vision", "Lines", "")
    latest = saved.history.latest()
    assert (latest.introduction, latest.introduction_en) == ("Nieuwe visie", "New vision")
    assert latest.history_user == users["pm_of_a"]


def test_a_stale_edit_of_the_english_text_is_refused(client, draft, users):
    client.force_login(users["director"])
    url = reverse("roadmaps:edit", args=[draft.pk])
    opened = draft.revision
    actions.update_roadmap(Roadmap.objects.get(pk=draft.pk), {"introduction_en": "Vision of the manager"},
                           acting_user=users["pm_of_a"], expected_revision=opened)
    response = client.post(url, {"introduction": draft.introduction, "introduction_en": "Vision of the director",
                                 "calls": "", "needs": "", "revision": opened}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert "Vision of the director" in response.content.decode()  # the input is kept to compare
    assert Roadmap.objects.get(pk=draft.pk).introduction_en == "Vision of the manager"


def test_an_item_is_added_in_both_languages_and_a_new_version_copies_them(client, draft, users, world):
    client.force_login(users["pm_of_a"])
    detail = page(client, draft.get_absolute_url(), "en")
    assert re.search(r'<input type="text" name="title_en" [^>]*lang="en"', detail)
    client.post(reverse("roadmaps:item_add", args=[draft.pk]), {
        "kind": "project", "title": "Vlaggenschip", "title_en": "Flagship", "description": "",
        "description_en": "Joint project", "start_year": 2026, "end_year": 2029, "order": 3})
    item = draft.items.get(title="Vlaggenschip")
    assert (item.title_en, item.description_en) == ("Flagship", "Joint project")
    actions.publish(Roadmap.objects.get(pk=draft.pk), acting_user=users["pm_of_a"])
    second = actions.start_version(world.maritime, acting_user=users["pm_of_a"])
    assert second.introduction_en == "Vision on unmanned vessels" and second.conclusion_en == "Onwards together"
    assert sorted(second.items.values_list("title_en", flat=True)) == ["", "Autonomous vessels", "Flagship"]


def test_the_csv_export_carries_both_languages(client, published):
    for language in ("nl", "en"):  # the same file whatever the page's language
        response = client.get(reverse("roadmaps:csv", args=[published.pk]), HTTP_ACCEPT_LANGUAGE=language)
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        assert [(r["title"], r["title_en"], r["description"], r["description_en"]) for r in rows] == [
            ("Autonome vaartuigen", "Autonomous vessels", "Eerste proefvaart", "First trial voyage"),
            ("Havenbeveiliging", "", "", "")]


def test_the_svg_timeline_uses_the_page_language_and_marks_dutch(client, published):
    body = client.get(reverse("roadmaps:svg", args=[published.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<text x="8" y="54" xml:lang="en">Autonomous vessels</text>' in body
    assert 'xml:lang="nl">Havenbeveiliging</text>' in body


def api_as(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_the_api_reads_and_writes_both_languages(draft, users):
    api = api_as(users["pm_of_a"])
    body = api.get(f"/api/roadmaps/{draft.pk}/").json()
    assert (body["introduction"], body["introduction_en"], body["mapping_text_en"]) == (
        "Visie op onbemande vaartuigen", "Vision on unmanned vessels", "")
    assert [(i["title"], i["title_en"], i["description_en"]) for i in body["items"]] == [
        ("Autonome vaartuigen", "Autonomous vessels", "First trial voyage"), ("Havenbeveiliging", "", "")]
    response = api.patch(f"/api/roadmaps/{draft.pk}/", {"mapping_text_en": "Strong shipbuilders in Ostend",
                                                        "revision": body["revision"]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["mapping_text_en"] == "Strong shipbuilders in Ostend"
    stale = api.patch(f"/api/roadmaps/{draft.pk}/", {"mapping_text_en": "Lost", "revision": body["revision"]},
                      format="json")
    assert stale.status_code == 409 and stale.json()["current"]["mapping_text_en"] == "Strong shipbuilders in Ostend"
    added = api.post(f"/api/roadmaps/{draft.pk}/items/", {"kind": "project", "title": "Vlaggenschip",
                                                          "title_en": "Flagship", "start_year": 2026,
                                                          "end_year": 2029}, format="json")
    assert added.status_code == 201 and added.json()["title_en"] == "Flagship"
    assert RoadmapItem.objects.get(pk=added.json()["id"]).title_en == "Flagship"


def test_the_schema_names_the_english_fields(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)["components"]["schemas"]
    assert {"introduction_en", "mapping_text_en", "roadmap_text_en", "conclusion_en"} <= set(
        schema["Roadmap"]["properties"])
    assert {"title_en", "description_en"} <= set(schema["RoadmapItem"]["properties"])
    assert "introduction_en" in schema["PatchedRoadmapWriteRequest"]["properties"]
    assert "title_en" in schema["RoadmapItemWriteRequest"]["properties"]
