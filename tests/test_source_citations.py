"""Sources people can open (issue 17, item 3): no page shows a source's file name or a line number;
every source note of the reference data and the screening rules reads as a document title and
section; the five documents are pages with the cited passage marked.

The walk covers the main pages of each app, in Dutch and in English, for a programme coordinator
(who sees most) and an anonymous visitor, over the demo-like records of tests/stakeholder_world.py
and tests/programme_world.py with the shipped reference data and screening lists loaded."""

import csv
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from programme_world import programme  # noqa: F401
from stakeholder_world import users, world  # noqa: F401

from visd.capabilities.models import CapabilityNeed
from visd.funding.models import Instrument
from visd.programme.models import KPI
from visd.reference import DATA_DIR as REFERENCE_DATA
from visd.screening.loader import DATA_DIR as SCREENING_DATA
from visd.screening.loader import load_lists
from visd.sources import citations, documents

FILE_NAME = citations.FILE_NAME
LINE_NUMBER = citations.LINE_NUMBER


class VisibleText(HTMLParser):
    """The text a reader sees: element text and the attributes read aloud or shown (title, alt,
    aria-label, placeholder, value of buttons), without scripts and styles."""

    SHOWN_ATTRIBUTES = {"title", "alt", "aria-label", "placeholder"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1
        for name, value in attrs:
            if name in self.SHOWN_ATTRIBUTES and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def leaks(text: str) -> list[str]:
    return [m.group(0) for m in FILE_NAME.finditer(text)] + [m.group(0) for m in LINE_NUMBER.finditer(text)]


# --- every source note of the data reads without file names and line numbers --------------------

def _source_notes(value, key=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _source_notes(v, str(k))
    elif isinstance(value, list):
        for v in value:
            yield from _source_notes(v, key)
    elif isinstance(value, str) and "source" in key:
        yield value


def all_source_notes() -> list[str]:
    notes = []
    for directory in (REFERENCE_DATA, SCREENING_DATA):
        for path in sorted(Path(directory).glob("*.yaml")):
            notes += list(_source_notes(yaml.safe_load(path.read_text(encoding="utf-8"))))
        for path in sorted(Path(directory).glob("*.csv")):
            with path.open(encoding="utf-8") as handle:
                notes += [row[k] for row in csv.DictReader(handle) for k in row if "source" in k and row[k]]
    return notes


def test_the_data_has_source_notes_with_file_names_and_lines():
    """The check below has something to check: the notes do carry file names and lines."""
    notes = all_source_notes()
    assert len(notes) > 200
    assert sum(1 for n in notes if leaks(n)) > 100


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_source_note_reads_as_title_and_section(language):
    with translation.override(language):
        for note in all_source_notes():
            shown = citations.plain_text(note)
            assert shown, note
            assert not leaks(shown), (note, shown)
            assert not leaks(visible_text(citations.render(note))), note


def test_a_citation_names_the_document_and_section_and_links_to_the_passage():
    note = "VISD (003_27119044b2e4ee18.txt), annex 2, lines 1879-1897; url line 1164"
    with translation.override("nl"):
        html = citations.render(note)
    assert ">VISD-strategie, bijlage 2</a>" in html
    assert 'href="/sources/visd/?passage=1879-1897%2C1164#r1879"' in html
    with translation.override("en"):
        assert citations.plain_text(note) == "VISD strategy, annex 2"


def test_a_note_without_section_takes_the_heading_of_the_passage():
    with translation.override("en"):
        assert citations.plain_text("VISD (003_27119044b2e4ee18.txt), lines 1587-1598") \
            == "VISD strategy, 7.1 Voortgangscontrole"


def test_legal_acts_link_to_their_publication():
    assert citations.act_url("Council Regulation (EC) No 428/2009") == "https://eur-lex.europa.eu/eli/reg/2009/428/oj"
    assert citations.act_url("UN Security Council resolution 1718 (2006)") == "https://undocs.org/S/RES/1718(2006)"
    assert citations.act_url("VISD screening, curated vocabulary") == ""


# --- the documents as pages ---------------------------------------------------------------------

@pytest.mark.django_db
def test_a_document_page_marks_the_cited_passage(client):
    response = client.get(reverse("sources:document", args=["visd"]) + "?passage=1879-1881")
    assert response.status_code == 200
    html = response.content.decode()
    lines = documents.lines_of(documents.BY_SLUG["visd"])
    assert f'<span id="r1879" class="cited">{lines[1878].strip()}' in html.replace("&amp;", "&")
    assert 'id="r1882"' in html and '<span id="r1882" class="cited">' not in html
    assert 'id="h1143"' in html   # 4.5.2 VISD-website, an anchor per section
    assert not leaks(visible_text(html))


@pytest.mark.django_db
def test_a_bad_passage_is_said_and_the_document_still_shown(client):
    with translation.override("en"):
        response = client.get(reverse("sources:document", args=["visd"]) + "?passage=abc", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert "could not be read" in html and 'class="cited"' not in html


@pytest.mark.django_db
def test_without_the_texts_the_page_says_so(client, settings, tmp_path):
    settings.VISD_SOURCES_DIR = str(tmp_path)
    html = client.get(reverse("sources:document", args=["vlaams-defensieplan"])).content.decode()
    assert "VISD_SOURCES_DIR" in html and 'id="r1"' not in html
    assert client.get(reverse("sources:document", args=["no-such-document"])).status_code == 404


# --- the walk over user pages -------------------------------------------------------------------

@pytest.fixture
def demo(db, world, users, programme):  # noqa: F811
    from visd.reference.loader import load_reference

    load_reference()
    load_lists()
    return {"users": users, "world": world, "programme": programme}


def main_pages(client, coordinator, world, programme) -> list[str]:  # noqa: F811
    """The main pages of each app, with one detail page where the records give one."""
    client.force_login(coordinator)
    export = client.post(reverse("screening:export"), {
        "subject": "Sonar", "reference_date": "2026-06-01", "description": "sonar voor onderzeeboten",
        "goods_kind": "military", "destination": "CN"})
    esac = client.post(reverse("screening:esac"), {
        "subject": "Onderwaterdrone", "reference_date": "2025-06-01", "nature": "dual_use_military",
        "ml_category": "ML9", "under_ethical_review": "no", "review_programme": "",
        "contrary_to_international_law": "no"})
    assert export.status_code == 302 and esac.status_code == 302
    instrument = Instrument.objects.exclude(source="").first()
    kpi = KPI.objects.first()
    need = CapabilityNeed.objects.exclude(source="").first()
    return [
        reverse("home"), reverse("actors:list"), reverse("projects:list"), reverse("funding:call_list"),
        reverse("funding:instrument_list"), reverse("funding:instrument_detail", args=[instrument.code]),
        reverse("capabilities:list"), reverse("capabilities:detail", args=[need.pk]),
        reverse("guidance:catalogue"), reverse("guidance:instrument", args=[instrument.code]),
        reverse("guidance:navigator") + "?goal=develop&kind=company&size=small&region=flanders&trl=5"
        "&destination=non_eu&project_cost=100000",
        reverse("screening:index"), reverse("screening:esac"), reverse("screening:export"),
        export.url, esac.url, reverse("screening:countries"), reverse("screening:country", args=["CN"]),
        reverse("programme:dashboard"), reverse("programme:budget"), reverse("programme:report"),
        reverse("programme:kpi_detail", args=[kpi.code, 2025]),
        reverse("roadmaps:index"), reverse("events:list"), reverse("facilities:list"),
        reverse("matchmaking:strength"), reverse("projects:visd_list"),
        reverse("sources:list"), reverse("sources:document", args=["vlaams-defensieplan"]),
        reverse("roadmaps:detail", args=[programme.draft.pk]), reverse("events:detail", args=[programme.event.pk]),
        reverse("projects:visd_detail", args=[programme.flagship.pk]),
        reverse("actors:detail", args=[world.actor_a.pk]),
    ]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_user_page_shows_a_file_name_or_a_line_number(client, demo, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    pages = main_pages(client, demo["users"]["coordinator"], demo["world"], demo["programme"])
    seen = 0
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        assert not leaks(text), (url, leaks(text)[:5])
        seen += 1
    # The pages with sources do show them, as document titles.
    guidance = visible_text(client.get(reverse("guidance:catalogue")).content.decode())
    assert ("VISD strategy" if language == "en" else "VISD-strategie") in guidance
    client.logout()
    public = [reverse("home"), reverse("funding:instrument_list"), reverse("guidance:catalogue"),
              reverse("sources:list"), reverse("site:instruments"), reverse("site:events")]
    for url in public:   # an anonymous visitor, the public site included
        response = client.get(url)
        assert response.status_code == 200, url
        assert not leaks(visible_text(response.content.decode())), url
    assert seen == len(pages)


def test_the_walk_would_see_a_file_name():
    """The page check fails on the notes as they were shown before (issue 17)."""
    assert leaks(visible_text("<p>(bron: VISD (003_27119044b2e4ee18.txt), annex 2, lines 1879-1897)</p>"))
    assert leaks(visible_text("<small>Source: Common Position 2008/944/CFSP (REFERENCE.md)</small>"))
    assert not leaks(visible_text('<a href="/sources/visd/?passage=1879#r1879">VISD-strategie, bijlage 2</a>'))
