"""ESAC screening engine: every rule branch of both rule versions, the dates between them, and bad
answers (missing, unknown, contradictory) with clear messages. Pure: no database."""

import copy
import datetime

import pytest
import yaml

from visd.screening import esac

@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English (the source strings); the Dutch ones come from the catalogue."""
    from django.utils import translation

    with translation.override("en"):
        yield


OLD = datetime.date(2022, 5, 1)  # Muyters circular
NEW = datetime.date(2025, 6, 1)  # Flemish Defence Plan


def answers(**overrides):
    base = {"reference_date": NEW, "nature": "military", "ml_category": "ML5", "under_ethical_review": "no",
            "review_programme": "", "contrary_to_international_law": "no"}
    base.update(overrides)
    return base


def problems_of(**overrides):
    with pytest.raises(esac.AnswerError) as caught:
        esac.screen(answers(**overrides))
    return {field: " ".join(str(m) for m in messages) for field, messages in caught.value.problems.items()}


# --- the rules file ---------------------------------------------------------------------------

def test_shipped_rules_are_valid_and_contiguous():
    versions = esac.load_rules()
    assert [v.code for v in versions] == ["muyters-2018", "defence-plan-2025"]
    assert versions[0].effective_to + datetime.timedelta(days=1) == versions[1].effective_from
    assert versions[1].effective_to is None


def test_every_rule_criterion_and_note_carries_a_source():
    for version in esac.load_rules():
        assert version.source and version.dates_source
        for item in (*version.rules, *version.criteria, *version.notes, *version.requires):
            assert str(item["source"]).strip(), item


@pytest.mark.parametrize("kind", ["rules", "criteria", "notes"])
def test_a_record_without_source_is_refused(kind):
    data = yaml.safe_load(esac.RULES_PATH.read_text(encoding="utf-8"))
    data["versions"][1][kind][0]["source"] = "  "
    problems = esac.check_rules(data)
    assert any("has no source" in p for p in problems)


def test_overlapping_versions_and_unknown_outcomes_are_refused():
    data = yaml.safe_load(esac.RULES_PATH.read_text(encoding="utf-8"))
    broken = copy.deepcopy(data)
    broken["versions"][1]["effective_from"] = datetime.date(2025, 3, 1)
    assert any("must start the day after" in p for p in esac.check_rules(broken))
    broken = copy.deepcopy(data)
    broken["versions"][1]["rules"][0]["outcome"] = "approved"
    assert any("unknown outcome" in p for p in esac.check_rules(broken))
    broken = copy.deepcopy(data)
    broken["versions"][1]["rules"] = broken["versions"][1]["rules"][:3]  # no rule left for civil
    assert any("no rule gives an outcome for nature 'civil'" in p for p in esac.check_rules(broken))


def test_sources_point_at_lines_that_say_it():
    from visd.screening.ml_classifier import REPO
    vario = (REPO / "data/sources/001_23b873bd128b8950.txt").read_text(encoding="utf-8").splitlines()
    plan = (REPO / "data/sources/002_c0eedb6b69a6960d.txt").read_text(encoding="utf-8").splitlines()
    assert "ML1, 2, 3, 4 en 7a tot 7e" in vario[1947 - 1]
    assert "business case hoofdzakelijk militair" in vario[1952 - 1]
    assert "In september 2018" in vario[775 - 1]
    assert "geeft een bindend advies" in plan[137 - 1]
    assert "proportionaliteitstoets" in plan[140 - 1]
    assert "ethiek, veiligheid, Europese integratie" in plan[141 - 1]
    assert "in strijd zijn met het internationaal recht" in plan[143 - 1]


# --- current rules (Flemish Defence Plan 1.1) -----------------------------------------------

def test_mainly_military_needs_binding_esac_opinion_with_the_criteria():
    result = esac.screen(answers())
    assert result["rule_version"] == "defence-plan-2025"
    assert result["outcome"] == "esac_binding_advice" and result["level"] == "review"
    assert [c["code"] for c in result["criteria"]] == [
        "ethics", "security", "european-integration", "foreign-policy", "arms-export", "economic-innovation-policy"]
    assert "current" not in result
    assert any("133-135" in note["source"] for note in result["notes"])  # ML exclusion no longer applies


def test_dual_use_mainly_military_counts_as_mainly_military_and_says_it_is_a_choice():
    result = esac.screen(answers(nature="dual_use_military", ml_category=""))
    assert result["outcome"] == "esac_binding_advice"
    assert any("does not define" in note["text"]["en"] for note in result["notes"])


def test_already_under_ethical_review_needs_no_esac():
    result = esac.screen(answers(under_ethical_review="yes", review_programme="European Defence Fund"))
    assert result["outcome"] == "no_esac_advice_needed" and result["rule"] == "already-under-ethical-review"
    assert result["criteria"] == []


@pytest.mark.parametrize("nature", ["civil", "dual_use_civil"])
def test_not_mainly_military_needs_no_esac(nature):
    result = esac.screen(answers(nature=nature, ml_category=""))
    assert result["outcome"] == "no_esac_advice_needed" and result["rule"] == "not-mainly-military"


def test_weapons_contrary_to_international_law_are_excluded_even_under_programme_review():
    result = esac.screen(answers(contrary_to_international_law="yes", under_ethical_review="yes",
                                 review_programme="EDF"))
    assert result["outcome"] == "excluded" and result["level"] == "stop"
    assert "142-143" in result["source"]


def test_former_offensive_categories_are_no_longer_excluded():
    assert esac.screen(answers(ml_category="ML1"))["outcome"] == "esac_binding_advice"


# --- old rules (Muyters circular, VARIO box 2) ------------------------------------------------

@pytest.mark.parametrize("ml", ["ML1", "ML2", "ML3", "ML4", "ML7.a", "ML7.e"])
def test_muyters_no_support_for_offensive_weapon_systems(ml):
    result = esac.screen(answers(reference_date=OLD, ml_category=ml))
    assert result["rule_version"] == "muyters-2018"
    assert result["outcome"] == "no_support" and "1945-1947" in result["source"]
    # ... and what the current rules would say, next to it
    assert result["current"]["rule_version"] == "defence-plan-2025"
    assert result["current"]["outcome"] == "esac_binding_advice"


@pytest.mark.parametrize("ml", ["ML5", "ML7.f", "ML7.g", "ML13", "ML22"])
def test_muyters_other_categories_need_a_favourable_opinion(ml):
    result = esac.screen(answers(reference_date=OLD, ml_category=ml))
    assert result["outcome"] == "esac_advice_required" and result["rule"] == "other-military-list-categories"
    assert result["criteria"] == []  # the circular's summary lists no criteria


def test_muyters_programme_with_ethical_guidelines_may_cofinance_even_offensive_categories():
    result = esac.screen(answers(reference_date=OLD, ml_category="ML4", under_ethical_review="yes",
                                 review_programme="DEFRA"))
    assert result["outcome"] == "support_possible" and result["rule"] == "programme-with-ethics"


def test_muyters_dual_use_by_business_case():
    military = esac.screen(answers(reference_date=OLD, nature="dual_use_military", ml_category=""))
    civil = esac.screen(answers(reference_date=OLD, nature="dual_use_civil", ml_category=""))
    assert military["outcome"] == "esac_advice_required" and military["rule"] == "dual-use-mainly-military"
    assert civil["outcome"] == "support_possible" and civil["rule"] == "dual-use-mainly-civil"


def test_muyters_civil_project_is_outside_the_circular():
    result = esac.screen(answers(reference_date=OLD, nature="civil", ml_category=""))
    assert result["outcome"] == "outside_scope"


def test_muyters_records_but_does_not_weigh_international_law():
    result = esac.screen(answers(reference_date=OLD, ml_category="ML5", contrary_to_international_law="yes"))
    assert result["outcome"] == "esac_advice_required"
    assert any("name no test against international law" in n["text"]["en"] for n in result["notes"])
    assert result["current"]["outcome"] == "excluded"


def test_the_dossier_date_chooses_the_version():
    last_old = esac.screen(answers(reference_date="2025-03-19", ml_category="ML2"))
    first_new = esac.screen(answers(reference_date="2025-03-20", ml_category="ML2"))
    assert (last_old["rule_version"], last_old["outcome"]) == ("muyters-2018", "no_support")
    assert (first_new["rule_version"], first_new["outcome"]) == ("defence-plan-2025", "esac_binding_advice")
    assert esac.screen(answers(reference_date="2018-09-01", ml_category="ML2"))["rule_version"] == "muyters-2018"


# --- bad answers --------------------------------------------------------------------------------

def test_missing_answers_each_get_a_message():
    problems = problems_of(reference_date=None, nature="", under_ethical_review=None,
                           contrary_to_international_law="")
    assert set(problems) == {"reference_date", "nature", "under_ethical_review", "contrary_to_international_law"}
    assert "dossier date" in problems["reference_date"]
    assert "civil, dual-use or military" in problems["nature"]


def test_unknown_answers_are_refused():
    problems = problems_of(nature="offensive", ml_category="ML99", reference_date="1 May 2025")
    assert "Unknown nature" in problems["nature"]
    assert "ML99 is not a category" in problems["ml_category"]
    assert "YYYY-MM-DD" in problems["reference_date"]


def test_ml_codes_are_read_leniently():
    assert esac.screen(answers(ml_category="ml 7.F", reference_date=OLD))["answers"]["ml_category"] == "ML7.f"


def test_contradictory_answers_are_refused_with_the_reason():
    problems = problems_of(nature="civil", ml_category="ML6", contrary_to_international_law="yes")
    assert "mainly civil nature has no Common Military List category" in problems["ml_category"]
    assert "does not concern weapon systems" in problems["contrary_to_international_law"]
    assert "check the nature" in problems_of(nature="civil", ml_category="", under_ethical_review="yes",
                                             review_programme="EDF")["under_ethical_review"]


def test_review_without_programme_is_incomplete():
    assert "Name the programme" in problems_of(under_ethical_review="yes")["review_programme"]


def test_muyters_needs_the_category_of_a_military_project_and_the_ml7_subcategory():
    assert "1496-1497" in problems_of(reference_date=OLD, ml_category="")["ml_category"]
    assert "choose the sub-category" in problems_of(reference_date=OLD, ml_category="ML7")["ml_category"]
    # the current rules do not need either
    assert esac.screen(answers(ml_category="ML7"))["outcome"] == "esac_binding_advice"
    assert esac.screen(answers(ml_category=""))["outcome"] == "esac_binding_advice"


def test_dossier_before_the_first_version_is_not_judged():
    message = problems_of(reference_date="2017-12-31")["reference_date"]
    assert "No rule version covers 2017-12-31" in message and "Van den Brande" in message
