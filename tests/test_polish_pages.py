"""Polish users notice (issue 17, item 5): the menu marks the strength map only on the strength map,
matching pages say EU-wide only when they are, breadcrumbs name a need instead of its code, the
navigator's radio buttons and checkboxes sit beside their labels, and the budget table has one
column per year (plan over execution) instead of eighteen."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from matchmaking_world import build_world

from visd.capabilities.models import CapabilityNeed
from visd.funding.models import Call

pytestmark = pytest.mark.django_db

STRENGTH_LINK = re.compile(r'<a href="/matching/strength/"( aria-current="page")?>')


def page(client, url, language="en"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def call(db):
    return Call.objects.create(topic_id="EDF-2026-SENSE", title="Maritime sensors", programme="EDF")


def test_strength_map_is_current_only_on_the_strength_map(client, call):
    assert STRENGTH_LINK.search(page(client, reverse("matchmaking:strength"))).group(1)
    assert STRENGTH_LINK.search(page(client, reverse("matchmaking:call", args=[call.topic_id]))).group(1) is None


@pytest.mark.parametrize("language, everywhere, within", [("en", "EU-wide", "within Flanders"),
                                                          ("nl", "in heel de EU", "binnen Vlaanderen")])
def test_matching_pages_say_eu_wide_only_without_a_filter(client, call, language, everywhere, within):
    url = reverse("matchmaking:call", args=[call.topic_id])
    unfiltered = page(client, url, language)
    assert everywhere in unfiltered
    flanders = page(client, url + "?region=flanders", language)
    assert within in flanders and everywhere not in flanders
    belgium = page(client, url + "?country=BE", language)
    assert "BE" in belgium and everywhere not in belgium


def test_breadcrumbs_name_the_need(client):
    need = CapabilityNeed.objects.create(source_kind="sv2025", code="cyber-soc-2031", level="item",
                                         name="Cyber defence operations centre", source="test")
    html = page(client, reverse("matchmaking:need", args=[need.pk]))
    crumbs = html[html.index('class="breadcrumbs"'):html.index("</ol>")]
    assert "Cyber defence operations centre" in crumbs and "cyber-soc-2031" not in crumbs


def test_navigator_choices_sit_beside_their_labels(client):
    html = page(client, reverse("guidance:navigator"))
    choices = re.findall(r'<div class="choice">\s*<input[^>]*type="(radio|checkbox)"[^>]*id="([^"]+)"[^>]*>\s*'
                         r'<label for="([^"]+)">', html)
    assert {kind for kind, _, _ in choices} == {"radio", "checkbox"}
    assert all(input_id == label_for for _, input_id, label_for in choices)


def test_budget_table_has_one_column_per_year(client, make_user):
    from visd.programme.budget import YEARS
    from visd.reference.loader import load_reference

    load_reference()
    client.force_login(make_user("director"))
    html = page(client, reverse("programme:budget"))
    table = html[html.index('<table class="budget budget-compact">'):]
    table = table[:table.index("</table>")]
    header = table[table.index("<thead>"):table.index("</thead>")]
    assert header.count("<th ") == len(YEARS) + 2 and "colspan" not in table
    first_row = table[table.index("<tbody>"):table.index("</tr>", table.index("<tbody>"))]
    assert first_row.count("<td") == len(YEARS) + 1


@pytest.fixture
def matching_world(settings, tmp_path):
    from visd.matchmaking import service

    settings.VISD_MATCHING_DIR = tmp_path / "matching"
    service.forget()
    world = build_world()
    service.build()  # what `visd tag` does: pages only read the persisted index
    yield world
    service.forget()


def test_strength_map_is_a_compact_heat_map_with_the_numbers_on_demand(client, matching_world):
    html = page(client, reverse("matchmaking:strength"))
    grid = html[html.index('<table class="heat-grid">'):]
    grid = grid[:grid.index("</table>")]
    header = grid[grid.index("<thead>"):grid.index("</thead>")]
    assert header.count("<th ") == 4   # domain and the three criteria
    rows = re.findall(r'<th scope="row"><a href="#(n-domains-\d+)">', grid)
    assert rows and len(rows) == grid.count("<tr>") - 1
    assert all(f'id="{anchor}"' in html for anchor in rows)   # each domain drills down to its numbers
    assert grid.count('style="background:') == 3 * len(rows)
    # the long tables wait, closed, below the map
    before_numbers = html[:html.index('id="numbers"')]
    assert 'id="needs"' not in before_numbers and 'id="calls"' not in before_numbers
    assert html.count('<details class="strength-numbers">') == 3 and "<details open" not in html
