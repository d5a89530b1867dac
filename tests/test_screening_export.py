"""Export-control engine: the Common Military List classifier (benchmark figure and evidence), the
path to a destination (EU or not, flags with dates, criteria, service, documents, lead times), and
the sources of every item. Pure: no database."""

import copy
import datetime
import importlib.util

import pytest

from visd.screening import export_control
from visd.screening.ml_classifier import REPO, MunitionsListClassifier, default_classifier, read_list

ON = datetime.date(2025, 9, 1)
ISRAEL_BAN = {"code": "israel-arms-export-ban", "country": "IL", "kind": "export_ban", "goods": "military",
              "title_nl": "Exportverbod", "title_en": "Export ban", "note_nl": "", "note_en": "",
              "effective_from": datetime.date(2024, 9, 30), "effective_to": None,
              "review_date": datetime.date(2026, 3, 31), "source": "Flemish Defence Plan (002) line 196"}


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


# --- classifier -------------------------------------------------------------------------------

def test_the_list_has_22_categories_with_items():
    classifier = default_classifier()
    assert sorted(classifier.categories, key=lambda c: int(c[2:])) == [f"ML{n}" for n in range(1, 23)]
    # ML14 and ML16 are a heading without items
    assert [code for code, c in classifier.categories.items() if not c.items] == ["ML14", "ML16"]
    assert not any("Note" in e.code for e in read_list())


def test_benchmark_paraphrases_reach_80_percent_in_each_language():
    spec = importlib.util.spec_from_file_location("bench", REPO / "benchmarks/export_control_classifier.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    scores = bench.run(top=3)
    assert scores["nl"] >= 0.80 and scores["en"] >= 0.80


@pytest.mark.parametrize("text, category", [
    # descriptions not in the benchmark file
    ("ontstekers voor artilleriegranaten", "ML3"),
    ("Een nachtkijker met warmtebeeld voor soldaten", "ML15"),
    ("satellite navigation jammer", "ML11"),
    ("simulation software for wargames", "ML21"),
    ("detectie van zenuwgas", "ML7"),
    ("hydrazine rocket fuel", "ML8"),
    ("We bouwen een geschutskoepel voor een gevechtsvoertuig", "ML6"),
    ("a chassis for an armoured personnel carrier", "ML6"),
])
def test_other_descriptions_land_in_the_first_three(text, category):
    assert category in [c.category for c in default_classifier().classify(text)]


def test_candidates_carry_the_list_text_that_matched_and_the_words():
    candidate = default_classifier().classify("kogelwerende helmen voor de politie")[0]
    assert candidate.category == "ML13"
    texts = {m.code: m for m in candidate.matched}
    assert "ML13.c." in texts and texts["ML13.c."].text.startswith("Helmets manufactured")
    assert "helmen" in texts["ML13.c."].words
    assert "wassenaar_munitions_list_2018.tsv" in candidate.source


def test_unrelated_descriptions_give_no_candidates():
    assert default_classifier().classify("bakkerij die broodjes levert aan scholen") == []
    assert default_classifier().classify("") == []


def test_dutch_compounds_are_split_on_known_words():
    classifier = default_classifier()
    stems = {term for term, _, _ in classifier.analyse("munitiefabriek", "nl")}
    assert {"ammunit", "product", "equip"} <= stems
    # a known first part with an unknown rest still counts
    assert "armour" in {term for term, _, _ in classifier.analyse("pantserdeuren", "nl")}


def test_the_vocabulary_is_data(tmp_path):
    """Removing the Dutch word from the vocabulary file makes the classifier miss it."""
    vocabulary = (REPO / "src/visd/screening/data/ml_vocabulary.yaml").read_text(encoding="utf-8")
    stripped = tmp_path / "vocabulary.yaml"
    stripped.write_text(vocabulary.replace("houwitser, houwitsers, ", ""), encoding="utf-8")
    assert "ML2" in [c.category for c in default_classifier().classify("houwitsers", language="nl")]
    assert MunitionsListClassifier(vocabulary_path=stripped).classify("houwitsers", language="nl") == []


# --- export path --------------------------------------------------------------------------------

def test_company_exports_a_component_outside_the_eu():
    """The acceptance case: a component of a military vehicle, to the United States."""
    result = export_control.screen({
        "description": "Wij leveren onderdelen voor pantservoertuigen", "goods_kind": "military",
        "destination": "US", "reference_date": ON})
    assert result["candidates"][0]["category"] in {"ML6", "ML13"}
    assert "ML6" in [c["category"] for c in result["candidates"]]
    path = result["path"]
    assert path["within_eu"] is False and path["licence_required"] is True
    assert result["outcome"] == "licence_required" and path["flags"] == []
    assert "Dienst Controle Strategische Goederen" in path["competent_service"]["name"]["nl"]
    assert [d["code"] for d in path["documents"]] == ["prior-authorisation", "licence-application",
                                                      "end-user-certificate"]
    times = {t["code"]: t for t in path["lead_times"]}
    assert times["prior-authorisation"]["minimum_months"] == 6
    assert times["decision-department"]["maximum_days"] == 42
    assert times["decision-minister"]["maximum_days"] == 84
    assert [c["number"] for c in path["criteria"]] == list(range(1, 9))
    assert any("armed conflict" in n["text"]["en"] for n in path["notes"])


def test_export_ban_to_israel_is_flagged_with_source_and_dates():
    result = export_control.screen({"description": "munitie", "goods_kind": "military", "destination": "IL",
                                    "reference_date": ON}, restrictions=[ISRAEL_BAN])
    assert result["outcome"] == "restricted"
    flag = result["path"]["flags"][0]
    assert flag["code"] == "israel-arms-export-ban" and flag["source"] == "Flemish Defence Plan (002) line 196"
    assert flag["effective_from"] == "2024-09-30"


def test_flags_follow_their_effective_dates_and_goods():
    ended = {**ISRAEL_BAN, "effective_to": datetime.date(2025, 1, 31)}
    assert export_control.restrictions_in_force([ISRAEL_BAN], "IL", "military", datetime.date(2024, 9, 29)) == []
    assert export_control.restrictions_in_force([ended], "IL", "military", ON) == []
    assert export_control.restrictions_in_force([ended], "IL", "military", datetime.date(2025, 1, 31)) == [ended]
    assert export_control.restrictions_in_force([ISRAEL_BAN], "IL", "dual_use", ON) == []
    assert export_control.restrictions_in_force([ISRAEL_BAN], "IL", "unknown", ON) == [ISRAEL_BAN]
    assert export_control.restrictions_in_force([{**ISRAEL_BAN, "goods": "all"}], "IL", "civil", ON)


def test_military_goods_within_the_eu_still_need_a_licence():
    path = export_control.export_path("military", "NL", ON)
    assert path["within_eu"] is True and path["licence_required"] is True
    assert any("simplified" in n["text"]["en"] for n in path["notes"])


def test_dual_use_needs_a_licence_outside_the_eu_only_unless_annex_iv():
    assert export_control.export_path("dual_use", "DE", ON)["licence_required"] is False
    outside = export_control.export_path("dual_use", "CN", ON)
    assert outside["licence_required"] is True
    assert [t["code"] for t in outside["lead_times"]] == ["decision-department", "decision-minister"]
    assert any("2021/821, art. 15" in n["source"] for n in outside["notes"])
    assert export_control.export_path("dual_use_annex_iv", "DE", ON)["licence_required"] is True


def test_civil_goods_get_no_path_but_a_warning_when_they_look_military():
    result = export_control.screen({"description": "torpedo", "goods_kind": "civil", "destination": "NO",
                                    "reference_date": ON})
    assert result["outcome"] == "no_licence_named" and result["path"]["lead_times"] == []
    assert "resembles categories of the military list" in result["path"]["warnings"][0]["en"]


def test_unknown_goods_show_the_strictest_path():
    path = export_control.export_path("unknown", "JP", ON)
    assert path["licence_required"] and [d["kind"] for d in path["licence_duty"]] == ["military", "dual_use"]


def test_dual_use_indication_names_annex_i_categories():
    indication = export_control.dual_use_indication("Inertiële navigatie met gyroscoop en encryptie")
    assert {c["code"] for c in indication["categories"]} == {"5", "7"}
    assert "2021/821" in indication["source"]


def test_bad_export_answers_get_messages():
    with pytest.raises(export_control.AnswerError) as caught:
        export_control.screen({"description": " ", "goods_kind": "weapons", "destination": "XX"})
    assert set(caught.value.problems) == {"description", "reference_date", "goods_kind", "destination"}
    with pytest.raises(export_control.AnswerError) as caught:
        export_control.export_path("military", "BE", ON)
    assert "Belgium" in str(caught.value.problems["destination"][0])


def test_every_item_of_the_export_rules_carries_a_source():
    data = export_control.rules()
    assert export_control.check_rules(data) == []
    assert all(str(item["source"]).strip() for _, item in export_control.sourced_items(data))
    broken = copy.deepcopy(data)
    broken["lead_times"][0]["source"] = ""
    assert export_control.check_rules(broken) == ["lead_times prior-authorisation: has no source"]


def test_lead_time_sources_point_at_the_lines_that_give_them():
    vario = (REPO / "data/sources/001_23b873bd128b8950.txt").read_text(encoding="utf-8").splitlines()
    assert "minimaal 6 maanden" in vario[1812 - 1]
    assert "42 dagen" in vario[1818 - 1] and "84 dagen" in vario[1819 - 1]
    assert "Controle Strategische Goederen" in vario[1502 - 1]
    plan = (REPO / "data/sources/002_c0eedb6b69a6960d.txt").read_text(encoding="utf-8").splitlines()
    assert "exportverbod van wapens naar Israël" in plan[196 - 1]
