"""Screening in the running product: who may run and see screenings, the questionnaires storing
answers, outcome, rule version and author (with history), clear messages for bad answers, the
country pages and tags, the loader of the sourced lists, and the API."""

import datetime

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from stakeholder_world import *  # noqa: F401,F403

from visd.screening.loader import check_all, load_lists, read_records
from visd.screening.models import CountryNote, ExportRestriction, Screening
from visd.screening.queries import country_notes

ESAC_POST = {"subject": "Onderwaterdrone", "reference_date": "2025-06-01", "nature": "military",
             "ml_category": "ML9", "under_ethical_review": "no", "review_programme": "",
             "contrary_to_international_law": "no"}
EXPORT_POST = {"subject": "Onderdelen pantservoertuig", "reference_date": "2025-09-01",
               "description": "onderdelen voor pantservoertuigen", "goods_kind": "military", "destination": "US"}


@pytest.fixture
def lists(db):
    load_lists()


@pytest.fixture
def project(db):
    from visd.projects.models import Project

    return Project.objects.create(source="cordis", external_id="123", acronym="SEADRONE", title="Sea drone")


def login(client, user):
    client.force_login(user)
    return client


# --- access ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["screening:index", "screening:esac", "screening:export", "screening:countries"])
def test_pages_need_login_and_a_role(client, users, name):
    url = reverse(name)
    assert client.get(url).status_code == 302
    assert login(client, users["no_role"]).get(url).status_code == 403
    for role in ("actor_user_a", "pm_of_a", "coordinator"):
        assert login(client, users[role]).get(url).status_code == 200


def test_esac_screening_is_stored_with_answers_outcome_version_and_author(client, users):
    response = login(client, users["actor_user_a"]).post(reverse("screening:esac"), ESAC_POST)
    screening = Screening.objects.get()
    assert response.status_code == 302 and response["Location"] == screening.get_absolute_url()
    assert screening.kind == "esac" and screening.outcome == "esac_binding_advice"
    assert screening.rule_version == "defence-plan-2025" and screening.created_by == users["actor_user_a"]
    assert screening.answers["ml_category"] == "ML9" and screening.answers["under_ethical_review"] is False
    assert screening.reference_date == datetime.date(2025, 6, 1)
    assert screening.history.get().history_user == users["actor_user_a"]
    page = client.get(screening.get_absolute_url()).content.decode()
    assert "Bindend advies van het ESAC nodig" in page
    assert 'href="/sources/vlaams-defensieplan/?passage=137-142#r137"' in page and "(002)" not in page


def test_old_dossier_shows_both_rule_versions(client, users):
    login(client, users["coordinator"]).post(reverse("screening:esac"),
                                              {**ESAC_POST, "reference_date": "2021-02-01", "ml_category": "ML4"})
    screening = Screening.objects.get()
    assert (screening.rule_version, screening.outcome) == ("muyters-2018", "no_support")
    page = client.get(screening.get_absolute_url()).content.decode()
    assert "Geen steun: offensieve wapensystemen (ML1-4, ML7a-7e)" in page  # rules of the dossier date
    assert "Bindend advies van het ESAC nodig" in page  # and the current rules
    assert screening.result["current"]["outcome"] == "esac_binding_advice"


def test_bad_answers_are_shown_on_their_questions_and_nothing_is_stored(client, users):
    response = login(client, users["pm_of_a"]).post(reverse("screening:esac"), {
        **ESAC_POST, "nature": "civil", "ml_category": "ML9", "contrary_to_international_law": ""})
    assert response.status_code == 200 and not Screening.objects.exists()
    form = response.context["form"]
    assert set(form.errors) == {"ml_category", "contrary_to_international_law"}
    assert 'role="alert"' in response.content.decode()


def test_export_screening_is_stored_with_its_path(client, users, lists):
    login(client, users["actor_user_a"]).post(reverse("screening:export"), EXPORT_POST)
    screening = Screening.objects.get()
    assert screening.kind == "export" and screening.outcome == "licence_required"
    assert screening.rule_version == "export-2025"
    page = client.get(screening.get_absolute_url()).content.decode()
    assert "ML6" in page and "42" in page and "84" in page and 'href="/sources/vario-advies-38/?passage=1812-1813#r1812"' in page


def test_export_to_israel_is_flagged_from_the_maintained_list(client, users, lists):
    login(client, users["director"]).post(reverse("screening:export"), {**EXPORT_POST, "destination": "IL"})
    screening = Screening.objects.get()
    assert screening.outcome == "restricted"
    assert screening.result["path"]["flags"][0]["code"] == "israel-arms-export-ban"


def test_who_sees_a_stored_screening(client, users, project):
    from visd.screening import actions, esac

    own = actions.record_screening("esac", "Eigen", esac.screen(
        {**ESAC_POST, "under_ethical_review": False, "contrary_to_international_law": False}),
        acting_user=users["actor_user_a"])
    about_project = actions.record_screening("esac", "Project", esac.screen(
        {**ESAC_POST, "under_ethical_review": False, "contrary_to_international_law": False}),
        acting_user=users["actor_user_a"], project=project)
    expectations = {  # user: (own screening, project screening)
        "actor_user_a": (200, 200), "pm_of_a": (404, 200), "pm_other": (404, 200),
        "coordinator": (200, 200), "administrator": (200, 200), "no_role": (403, 403),
    }
    for role, (first, second) in expectations.items():
        login(client, users[role])
        assert client.get(own.get_absolute_url()).status_code == first, role
        assert client.get(about_project.get_absolute_url()).status_code == second, role
    history = reverse("history:record", args=["screening", "screening", own.pk])
    assert login(client, users["pm_of_a"]).get(history).status_code == 404
    assert login(client, users["actor_user_a"]).get(history).status_code == 200
    other = users["pm_other"]
    from visd.core import permissions

    assert list(permissions.visible_screenings(other)) == [about_project]


def test_screening_starts_from_a_project(client, users, project):
    response = login(client, users["pm_of_a"]).get(reverse("screening:esac") + f"?project={project.pk}")
    assert response.context["form"].initial["subject"] == "SEADRONE"
    login(client, users["pm_of_a"]).post(reverse("screening:esac") + f"?project={project.pk}",
                                         {**ESAC_POST, "project": project.pk})
    assert Screening.objects.get().project == project


# --- lists, countries, tags ------------------------------------------------------------------------

def test_loader_is_idempotent_and_every_record_has_a_source(lists):
    assert check_all() == []
    counts = load_lists()
    assert counts["restrictions"]["unchanged"] == len(read_records("export_restrictions.yaml")[0])
    assert counts["country_notes"]["unchanged"] == len(read_records("country_notes.yaml")[0])
    assert not counts["country_notes"]["created"] and not counts["country_notes"]["updated"]
    for record in [*ExportRestriction.objects.all(), *CountryNote.objects.all()]:
        assert record.source.strip() and record.review_date and record.effective_from


def test_a_list_record_without_source_is_refused(tmp_path):
    from visd.screening.loader import DATA_DIR

    for name in DATA_DIR.iterdir():
        (tmp_path / name.name).write_bytes(name.read_bytes())
    notes = tmp_path / "country_notes.yaml"
    notes.write_text(notes.read_text(encoding="utf-8").replace(
        'source: "Belgian Defence Strategic Vision 2025 (004) lines 278-315"', 'source: ""'), encoding="utf-8")
    records, problems = read_records("country_notes.yaml", tmp_path)
    assert problems == ["country_notes.yaml, record cn-espionage-sv2025: 'source' is missing"]
    assert any("'source' is missing" in p for p in check_all(tmp_path))


def test_model_refuses_a_record_without_source(db):
    from django.core.exceptions import ValidationError

    note = CountryNote(code="x", country="CN", flag="other", title_nl="t", title_en="t", text_nl="t",
                       text_en="t", effective_from=datetime.date(2025, 1, 1), review_date=datetime.date(2026, 1, 1),
                       source="")
    with pytest.raises(ValidationError) as caught:
        note.full_clean()
    assert "source" in caught.value.message_dict
    note.source, note.country = "test", "XX"
    with pytest.raises(ValidationError) as caught:
        note.full_clean()
    assert "country" in caught.value.message_dict


def test_country_notes_function_follows_dates(lists):
    assert [n.code for n in country_notes("cn")] == ["cn-espionage-sv2025"]
    assert country_notes("CN", datetime.date(2025, 4, 10)) == []
    CountryNote.objects.filter(code="cn-espionage-sv2025").update(effective_to=datetime.date(2025, 12, 31))
    assert country_notes("CN", datetime.date(2026, 1, 1)) == []
    assert country_notes("") == []


def test_country_pages_search_and_detail(client, users, lists):
    login(client, users["actor_user_a"])
    listing = client.get(reverse("screening:countries"))
    rows = listing.context["rows"]
    from django.utils import timezone

    today = timezone.localdate()  # what the country list uses
    in_force = [r for file in ("export_restrictions.yaml", "country_notes.yaml") for r in read_records(file)[0]
                if r["effective_from"] <= today and not (r["effective_to"] and r["effective_to"] < today)]
    assert {row["code"] for row in rows} == {r["country"] for r in in_force}
    assert {"AM", "CN", "IL", "RU", "SD", "CD", "HT"} <= {row["code"] for row in rows}
    assert [row["name"] for row in rows] == sorted(row["name"] for row in rows)
    found = client.get(reverse("screening:countries"), {"q": "spionage"}).context["rows"]
    assert [row["code"] for row in found] == ["CN"]
    by_name = client.get(reverse("screening:countries"), {"q": "noorwegen"}).context["rows"]
    assert [(row["code"], row["notes"]) for row in by_name] == [("NO", 0)]
    page = client.get(reverse("screening:country", args=["il"])).content.decode()
    assert 'href="/sources/vlaams-defensieplan/?passage=196#r196"' in page and "2026-03-31" in page
    assert "(002)" not in page and "line 196" not in page
    assert client.get(reverse("screening:country", args=["XX"])).status_code == 404


def _render(template, user, **context):
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load screening_tags %}" + template).render(Context({"request": request, **context}))


def test_actor_country_flags_tag(users, world, lists):
    world.actor_b.country = "CN"
    html = _render("{% actor_country_flags actor %}", users["pm_of_a"], actor=world.actor_b)
    assert "Spionage en hybride operaties" in html and 'href="/sources/strategische-visie-2025/?passage=278-315%2C391-413' not in html
    assert 'href="/sources/strategische-visie-2025/?passage=278-315#r278"' in html and "lines 278" not in html
    assert _render("{% actor_country_flags actor %}", users["anonymous"], actor=world.actor_b).strip() == ""
    assert _render("{% actor_country_flags actor %}", users["pm_of_a"], actor=world.actor_a).strip() == ""


def test_country_notes_panel_tag(users, lists):
    html = _render("{% country_notes_panel 'IL' %}", users["actor_user_a"])
    assert "Vlaams exportverbod van wapens" in html and "2026-03-31" in html
    assert _render("{% country_notes_panel 'IL' %}", users["no_role"]).strip() == ""


# --- admin and API -----------------------------------------------------------------------------

def test_admin_lists_are_changed_by_management_only(client, users, lists):
    restriction = ExportRestriction.objects.get(code="israel-arms-export-ban")
    url = reverse("admin:screening_exportrestriction_change", args=[restriction.pk])
    assert login(client, users["coordinator"]).get(url).status_code == 200
    response = login(client, users["pm_of_a"]).get(url)
    assert response.status_code == 200 and b'name="_save"' not in response.content
    assert login(client, users["pm_of_a"]).get(reverse("admin:screening_screening_add")).status_code == 403


def test_api_runs_lists_and_hides_screenings(client, users, lists):
    login(client, users["actor_user_a"])
    response = client.post("/api/screenings/", {"kind": "esac", "subject": "API", "answers": {
        "reference_date": "2025-06-01", "nature": "dual_use_civil", "ml_category": "",
        "under_ethical_review": False, "contrary_to_international_law": False}}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["outcome"] == "no_esac_advice_needed"
    assert response.json()["created_by"] == "actor-a"
    bad = client.post("/api/screenings/", {"kind": "esac", "subject": "API", "answers": {"nature": "civil"}},
                      content_type="application/json")
    assert bad.status_code == 400 and "reference_date" in bad.json()["answers"]
    assert client.get("/api/country-notes/?country=CN").json()["count"] == 1
    assert client.post("/api/country-notes/", {}, content_type="application/json").status_code == 403
    login(client, users["pm_other"])
    assert client.get("/api/screenings/").json()["count"] == 0
    login(client, users["no_role"])
    assert client.get("/api/screenings/").status_code == 403
