"""The EDF consortium rules (visd.consortia.engine) against the real funded consortia of 2021-2023, their
variants, the control cases, and the command contract (visd consortium check --input FILE --json)."""

import copy
import csv
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from visd.consortia.engine import ConsortiumInputError, check, contract_output, parse_consortium

EDF_DIR = Path("/work/shared/data/edf")
ROLE_OF = {"coordinator": "coordinator", "participant": "beneficiary", "thirdParty": "affiliated_entity",
           "associatedPartner": "associated_partner"}
CONSORTIUM_RULES = ("art10_consortium", "art10_independence")


def _edf_consortia():
    """Every consortium of the EDF 2021, 2022 and 2023 calls in the published results. The ASAP and
    EDIRPA projects in the same files are left out: they were funded under other regulations (ASAP:
    Regulation (EU) 2023/1525; EDIRPA: Regulation (EU) 2023/2418), whose consortium rules differ."""
    consortia = {}
    for prefix in ("edf_2021_2022", "edf_2023_asap_edirpa"):
        with open(EDF_DIR / f"{prefix}_projects.csv", encoding="utf-8") as handle:
            projects = {row["id"]: row for row in csv.DictReader(handle, delimiter=";")}
        members = defaultdict(list)
        with open(EDF_DIR / f"{prefix}_organizations.csv", encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter=";"):
                members[row["projectID"]].append(row)
        for project_id, project in projects.items():
            call = project["call"]
            if not call.startswith(("EDF-2021", "EDF-2022", "EDF-2023")):
                continue
            consortia[project["acronym"]] = {
                "programme": "EDF",
                "action": "research" if "-R" in call or "RA" in call else "development",
                # the disruptive technologies calls (DIS, RDIS) carry the regulation's derogation
                "derogation": "disruptive_technologies" if "DIS" in call else None,
                "members": [{
                    "id": f"{row['id']}-{index}", "name": row["name"], "pic": row["id"], "country": row["country"],
                    "role": ROLE_OF[row["role"]],
                    # the published results carry no management seat and no ownership; a funded consortium was
                    # validated by the Commission, so each member is taken as managed where it is established
                    # and as independent: the test is about what the rules make of countries and roles
                    "management_country": row["country"], "controlled_by": None,
                } for index, row in enumerate(members[project_id])],
            }
    return consortia


CONSORTIA = _edf_consortia()


def _status(result, rule):
    return next(r for r in result["rules"] if r["rule"] == rule)


def test_the_published_files_hold_the_edf_calls_of_2021_to_2023():
    assert len(CONSORTIA) == 82 + 88 - 29 - 5  # 29 ASAP and 5 EDIRPA projects: other regulations
    assert {"EPIIC", "ACTUS", "SMiEQ"} <= set(CONSORTIA)


@pytest.mark.parametrize("acronym", sorted(CONSORTIA))
def test_every_funded_edf_consortium_passes_the_consortium_conditions(acronym):
    result = check(CONSORTIA[acronym])
    for rule in CONSORTIUM_RULES:
        assert _status(result, rule)["status"] == "pass", (acronym, _status(result, rule)["explanation"])
    assert result["eligible"] is True


def test_smieq_passes_only_through_the_disruptive_technologies_derogation():
    consortium = copy.deepcopy(CONSORTIA["SMiEQ"])
    assert _status(check(consortium), "art10_consortium")["status"] == "pass"
    consortium["derogation"] = None
    rule = _status(check(consortium), "art10_consortium")
    assert rule["status"] == "fail"
    assert "2 countries" in rule["explanation"] and "at least 3 entities in 3" in rule["explanation"]


def _three_country_consortia():
    """Non-derogation consortia whose applicants come from exactly three countries."""
    found = []
    for acronym, consortium in sorted(CONSORTIA.items()):
        applicants = [m for m in consortium["members"] if m["role"] in ("coordinator", "beneficiary")]
        if consortium["derogation"] is None and len({m["country"] for m in applicants}) == 3:
            found.append(acronym)
    return found


def test_removing_the_members_of_one_country_fails_the_consortium_rule_and_says_whom_to_add():
    acronyms = _three_country_consortia()
    assert acronyms, "the real data holds consortia from exactly three countries"
    for acronym in acronyms:
        consortium = copy.deepcopy(CONSORTIA[acronym])
        applicants = [m for m in consortium["members"] if m["role"] in ("coordinator", "beneficiary")]
        dropped = sorted({m["country"] for m in applicants})[0]
        consortium["members"] = [m for m in consortium["members"] if m["country"] != dropped]
        result = check(consortium)
        rule = _status(result, "art10_consortium")
        assert result["eligible"] is False and rule["status"] == "fail", acronym
        assert "in 2 countries" in rule["explanation"]
        adding = next(s for s in result["suggestions"] if s["kind"] == "add_member")
        assert adding["need"]["count"] == 1 and dropped not in adding["need"]["exclude_countries"]
        assert len(adding["need"]["exclude_countries"]) == 2


def test_relocating_all_members_to_one_country_fails_and_relocating_one_outside_fails_article_9():
    consortium = copy.deepcopy(CONSORTIA["EPIIC"])
    for member in consortium["members"]:
        member["country"] = member["management_country"] = "BE"
    rule = _status(check(consortium), "art10_consortium")
    assert rule["status"] == "fail" and "in 1 countries" in rule["explanation"]

    consortium = copy.deepcopy(CONSORTIA["EPIIC"])
    moved = consortium["members"][1]
    moved["country"] = "US"
    result = check(consortium)
    rule = _status(result, "art9_establishment")
    assert rule["status"] == "fail" and rule["members"] == [moved["id"]]
    assert "United States (US)" in rule["explanation"] and moved["name"] in rule["explanation"]
    assert any(s["kind"] == "replace_member" and s["members"] == [moved["id"]] for s in result["suggestions"])


def _members(*specs):
    return [{"id": member_id, "name": member_id.upper(), "country": country, "management_country": country,
             "role": "coordinator" if index == 0 else "beneficiary", "controlled_by": None}
            for index, (member_id, country) in enumerate(specs)]


def test_two_members_controlled_by_one_parent_are_one_entity_for_independence():
    consortium = {"programme": "EDF", "action": "development",
                  "members": _members(("a", "BE"), ("b", "FR"), ("c", "DE"))}
    consortium["members"][1]["controlled_by"] = "Parent Group"
    consortium["members"][2]["controlled_by"] = "Parent Group"
    consortium["members"][1]["controller_country"] = consortium["members"][2]["controller_country"] = "FR"
    result = check(consortium)
    rule = _status(result, "art10_independence")
    assert rule["status"] == "fail" and sorted(rule["members"]) == ["b", "c"]
    assert "B, C controlled by Parent Group" in rule["explanation"]
    assert _status(result, "art10_consortium")["status"] == "pass"
    adding = next(s for s in result["suggestions"] if s["kind"] == "add_member")
    assert "Parent Group" in adding["need"]["not_controlled_by"] and "Parent Group" in adding["text"]

    # a member controlling another member: they are one group too
    consortium["members"][1]["controlled_by"] = None
    consortium["members"][2]["controlled_by"] = "b"
    consortium["members"][2]["controller_country"] = None
    rule = _status(check(consortium), "art10_independence")
    assert rule["status"] == "fail" and "C controlled by B" in rule["explanation"].replace("B, C", "C")


def test_control_from_a_non_associated_third_country_with_and_without_guarantees():
    consortium = {"programme": "EDF", "action": "research",
                  "members": _members(("a", "BE"), ("b", "FR"), ("c", "DE"))}
    consortium["members"][2].update(controlled_by="US Holding", controller_country="US", guarantees=False)
    result = check(consortium)
    rule = _status(result, "art9_control")
    assert result["eligible"] is False and rule["status"] == "fail" and rule["members"] == ["c"]
    assert "without guarantees" in rule["explanation"] and "Article 9(4)" in rule["source"]
    assert any(s["kind"] == "guarantees_or_replace" and "Germany" in s["text"] for s in result["suggestions"])
    # without c the consortium is two entities short of three countries
    assert _status(result, "art10_consortium")["status"] == "fail"

    consortium["members"][2]["guarantees"] = True
    result = check(consortium)
    rule = _status(result, "art9_control")
    assert result["eligible"] is True and rule["status"] == "pass"
    assert "guarantees approved by the country of establishment" in rule["explanation"]

    # the controller's country not given: the tool cannot judge
    consortium["members"][2].update(controller_country=None, guarantees=False)
    result = check(consortium)
    assert result["eligible"] is None and _status(result, "art9_control")["status"] == "unknown"


def test_norway_is_associated_iceland_is_not_confirmed():
    consortium = {"programme": "EDF", "action": "research",
                  "members": _members(("a", "BE"), ("b", "FR"), ("n", "NO"))}
    consortium["members"][0].update(controlled_by="Nordic Parent", controller_country="NO")
    result = check(consortium)
    assert result["eligible"] is True
    assert _status(result, "art10_consortium")["explanation"].count("Norway (NO)") == 1

    consortium["members"][2].update(country="IS", management_country="IS")
    result = check(consortium)
    rule = _status(result, "art9_establishment")
    assert result["eligible"] is None and rule["status"] == "unknown" and rule["members"] == ["n"]
    assert any("Iceland" in s["text"] and s["kind"] == "provide_data" for s in result["suggestions"])


def test_control_not_stated_is_unknown_and_null_means_independent():
    consortium = {"programme": "EDF", "action": "research", "members": _members(("a", "BE"), ("b", "FR"), ("c", "DE"))}
    del consortium["members"][1]["controlled_by"]
    result = check(consortium)
    assert result["eligible"] is None
    assert _status(result, "art9_control")["status"] == "unknown"
    assert _status(result, "art10_independence")["status"] == "unknown"


def test_dutch_explanations():
    consortium = {"programme": "EDF", "action": "research", "members": _members(("a", "BE"), ("b", "BE"))}
    rule = _status(check(consortium, language="nl"), "art10_consortium")
    assert "minstens 3 entiteiten" in rule["explanation"] and "België (BE)" in rule["explanation"]


@pytest.mark.parametrize("members, problem", [
    ([{"id": "a", "country": "XX"}], "unknown country code 'XX'"),
    ([{"id": "a", "country": "BE", "controlled_by": "a"}], "member a is controlled by itself"),
    ([{"id": "a", "controlled_by": "b"}, {"id": "b", "controlled_by": "c"}, {"id": "c", "controlled_by": "a"}],
     "control cycle: a -> b -> c -> a"),
    ([{"id": "a"}, {"id": "a"}], "duplicate member id 'a'"),
    ([{"id": "a", "controller_country": "Narnia"}], "unknown country code 'Narnia'"),
])
def test_bad_input_is_refused_with_the_reason(members, problem):
    with pytest.raises(ConsortiumInputError) as caught:
        parse_consortium({"programme": "EDF", "action": "research", "members": members})
    assert any(problem in text for text in caught.value.problems), caught.value.problems


def test_the_command_contract(tmp_path, capsys):
    path = tmp_path / "consortium.json"
    path.write_text(json.dumps(CONSORTIA["EPIIC"]), encoding="utf-8")
    call_command("consortium", "check", "--input", str(path), "--json")
    output = json.loads(capsys.readouterr().out)
    assert set(output) == {"eligible", "rules", "suggestions"} and output["eligible"] is True
    for rule in output["rules"]:
        assert set(rule) == {"rule", "status", "members", "explanation", "source"}
    assert output == contract_output(check(CONSORTIA["EPIIC"]))

    path.write_text('{"programme": "EDF", "members": [', encoding="utf-8")
    with pytest.raises(CommandError, match="malformed JSON"):
        call_command("consortium", "check", "--input", str(path), "--json")


def test_the_console_command_exits_non_zero_on_bad_input(tmp_path):
    path = tmp_path / "consortium.json"
    path.write_text(json.dumps({"programme": "EDF", "action": "research",
                                "members": [{"id": "a", "country": "BE"}, {"id": "a", "country": "ZZ"}]}))
    visd = Path(sys.executable).parent / "visd"
    completed = subprocess.run([str(visd), "consortium", "check", "--input", str(path), "--json"],
                               capture_output=True, text=True, timeout=60)
    assert completed.returncode != 0
    assert "duplicate member id 'a'" in completed.stderr and completed.stdout == ""


@pytest.mark.parametrize("consortium, problem", [
    ({"programme": "../../settings", "action": "research", "members": []}, "unknown programme '../../settings'"),
    ({"programme": "EDF", "action": ["research"], "members": []}, "action must be"),
    ({"programme": "EDF", "action": "research", "derogation": ["x"], "members": []}, "unknown derogation"),
    ({"programme": "EDF", "action": "research", "members": [{"id": "a", "role": ["coordinator"]}]}, "unknown role"),
    ({"programme": "EDF", "action": "research", "members": [{"id": "a", "sme": "yes"}]}, "sme must be true, false or null"),
    ({"programme": "EDF", "action": "research", "members": "a, b"}, "members must be a list"),
    (["not", "an", "object"], "must be a JSON object"),
])
def test_input_of_the_wrong_shape_is_refused_not_crashed(consortium, problem):
    with pytest.raises(ConsortiumInputError) as caught:
        parse_consortium(consortium)
    assert any(problem in text for text in caught.value.problems), caught.value.problems
