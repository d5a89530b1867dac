"""The EU, UN and OSCE arms embargoes that criterion 1 of Common Position 2008/944/CFSP refers to,
each with its legal act (issue 17, item 4): loaded by the screening rules loader, flagged by the
export screening for an embargoed destination (China, Russia), and, for a country without any, a
screening that says what it checked and that it is no clearance and no licence decision."""

import datetime
import shutil

import pytest
import yaml
from django.urls import reverse

from stakeholder_world import users, world  # noqa: F401

from visd.screening import export_control
from visd.screening.export_control import restriction_as_dict
from visd.screening.loader import DATA_DIR, load_lists, read_records
from visd.screening.models import ExportRestriction, RestrictionScope, Screening

RESTRICTIONS = "export_restrictions.yaml"


def records():
    return read_records(RESTRICTIONS)[0]


def test_the_list_holds_eu_un_and_osce_embargoes_each_with_its_act():
    rows, problems = read_records(RESTRICTIONS)
    assert problems == []
    by_code = {r["code"]: r for r in rows}
    assert {r["regime"] for r in rows} >= {"eu", "un", "osce"}
    china = by_code["cn-eu-arms-embargo"]
    assert china["effective_from"] == datetime.date(1989, 6, 27) and "Madrid" in china["source"]
    russia = by_code["ru-eu-arms-embargo"]
    assert "Decision 2014/512/CFSP" in russia["source"]
    assert russia["legal_act_url"] == "https://eur-lex.europa.eu/eli/dec/2014/512/oj"
    assert "resolution 1718 (2006)" in by_code["kp-un-arms-embargo"]["source"]
    for row in rows:
        if row["regime"] in {"eu", "un"}:
            # every EU and UN act can be opened: its address, or an act the citation links itself
            assert row["legal_act_url"].startswith(("https://eur-lex.europa.eu/", "https://undocs.org/",
                                                    "http://aei.pitt.edu/")), row["code"]
        assert row["note_nl"] and row["note_en"] and row["review_date"], row["code"]


def test_an_unknown_regime_is_refused(tmp_path):
    shutil.copytree(DATA_DIR, tmp_path / "data")
    path = tmp_path / "data" / RESTRICTIONS
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["restrictions"][1]["regime"] = "nato"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = read_records(RESTRICTIONS, tmp_path / "data")[1]
    assert problems == ["export_restrictions.yaml, record cn-eu-arms-embargo: regime 'nato' is not one of "
                        "['belgium', 'eu', 'flanders', 'osce', 'un']"]


@pytest.mark.parametrize("destination, code", [("CN", "cn-eu-arms-embargo"), ("RU", "ru-eu-arms-embargo")])
def test_an_embargoed_destination_is_flagged_with_its_act(destination, code):
    path = export_control.export_path("military", destination, datetime.date(2026, 6, 1), records())
    assert [f["code"] for f in path["flags"]] == [code]
    flag = path["flags"][0]
    assert flag["regime"] == "eu" and flag["kind"] == "arms_embargo" and flag["source"]
    assert path["restrictions_checked"]["count"] == len(records())


def test_the_embargo_applies_from_its_date():
    before = export_control.export_path("military", "CN", datetime.date(1989, 6, 1), records())
    assert before["flags"] == []
    assert before["restrictions_checked"]["count"] < len(records())


def test_a_country_without_an_embargo_is_checked_not_cleared():
    path = export_control.export_path("military", "NO", datetime.date(2026, 6, 1), records())
    assert path["flags"] == [] and path["licence_required"] is True
    assert path["restrictions_checked"] == {"count": len(records()), "countries": len({r["country"] for r in records()}),
                                            "regimes": ["eu", "flanders", "osce", "un"]}


# --- in the running product ---------------------------------------------------------------------

@pytest.fixture
def lists(db):
    return load_lists()


def screen(client, user, destination):
    client.force_login(user)
    response = client.post(reverse("screening:export"), {
        "subject": "Sonar", "reference_date": "2026-06-01", "description": "sonar voor onderzeeboten",
        "goods_kind": "military", "destination": destination}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    screening = Screening.objects.latest("id")
    return screening, client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def _restrictions_in_file() -> list[dict]:
    return yaml.safe_load((DATA_DIR / "export_restrictions.yaml").read_text(encoding="utf-8"))["restrictions"]


def test_the_loader_loads_the_embargoes_once(lists):
    total = len(_restrictions_in_file())
    assert total >= 34  # version 4: Sudan, CAR, DR Congo, Iraq, Lebanon, Haiti, Yemen, ... added
    assert lists["restrictions"]["created"] == total
    again = load_lists()
    assert again["restrictions"]["unchanged"] == total and not again["restrictions"]["updated"]
    china = ExportRestriction.objects.get(code="cn-eu-arms-embargo")
    assert china.regime == "eu" and china.history.count() == 1


def test_the_screening_page_for_china_shows_the_embargo_and_its_act(client, users, lists):  # noqa: F811
    screening, page = screen(client, users["coordinator"], "CN")
    assert screening.outcome == "restricted"
    assert screening.result["path"]["flags"][0]["legal_act_url"] == "http://aei.pitt.edu/1453/1/Madrid_june_1989.pdf"
    assert "EU arms embargo on China" in page and "European Union" in page
    assert 'href="http://aei.pitt.edu/1453/1/Madrid_june_1989.pdf"' in page
    assert "not a licence decision" in page


def test_the_screening_page_for_russia_links_the_council_decision(client, users, lists):  # noqa: F811
    screening, page = screen(client, users["coordinator"], "RU")
    assert screening.outcome == "restricted"
    assert '<a href="https://eur-lex.europa.eu/eli/dec/2014/512/oj"' in page


def test_a_country_with_none_says_what_was_checked(client, users, lists):  # noqa: F811
    screening, page = screen(client, users["coordinator"], "NO")
    assert screening.outcome == "licence_required" and screening.result["path"]["flags"] == []
    records = _restrictions_in_file()
    countries = {r["country"] for r in records}
    assert (f"Checked against {len(records)} export restrictions in force on the dossier date, on "
            f"{len(countries)} countries") in page
    assert "That is not a clearance" in page and "not a licence decision" in page
    assert "No embargo or ban recorded" not in page


def test_the_country_page_lists_the_embargo_with_its_act(client, users, lists):  # noqa: F811
    client.force_login(users["coordinator"])
    page = client.get(reverse("screening:country", args=["RU"]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "EU arms embargo on Russia" in page
    assert 'href="https://eur-lex.europa.eu/eli/dec/2014/512/oj"' in page


def test_restriction_as_dict_carries_regime_and_act(lists):
    as_dict = restriction_as_dict(ExportRestriction.objects.get(code="kp-un-arms-embargo"))
    assert as_dict["regime"] == "un" and as_dict["legal_act_url"] == "https://undocs.org/S/RES/1718(2006)"


def test_somalia_and_south_sudan_are_embargoed_with_their_acts(client, users, lists):  # noqa: F811
    for country, act in (("SO", "https://eur-lex.europa.eu/eli/dec/2010/231/oj"),
                         ("SS", "https://undocs.org/S/RES/2428(2018)")):
        screening, page = screen(client, users["coordinator"], country)
        assert screening.outcome == "restricted", country
        assert f'href="{act}"' in page, country


# --- version 4: whom an embargo reaches (scope), and the destinations added -----------------------

def test_every_record_says_whom_it_reaches_as_its_act_does():
    by_code = {r["code"]: r for r in records()}
    assert {r["scope"] for r in by_code.values()} <= set(RestrictionScope.values)
    # scopes as the acts word them: Darfur only; not the Government of Iraq or of the DR Congo;
    # listed persons in Yemen and the Taliban; since resolution 2699 (2023) the whole of Haiti
    assert by_code["sd-un-arms-embargo-darfur"]["scope"] == "region"
    assert by_code["sd-eu-arms-embargo"]["scope"] == "country"
    assert {by_code[c]["scope"] for c in ("iq-un-arms-embargo", "iq-eu-arms-embargo", "cd-un-arms-embargo",
                                          "cd-eu-arms-embargo", "cf-un-arms-embargo", "so-un-arms-embargo")} == {
        "non_government"}
    assert {by_code[c]["scope"] for c in ("ye-un-arms-embargo", "ye-eu-arms-embargo",
                                          "af-un-taliban-arms-embargo")} == {"designated"}
    assert by_code["ht-un-arms-embargo"]["scope"] == "country"
    assert "resolution 2699 (2023) of 2 October 2023" in by_code["ht-un-arms-embargo"]["source"]


def test_an_unknown_scope_is_refused(tmp_path):
    shutil.copytree(DATA_DIR, tmp_path / "data")
    path = tmp_path / "data" / RESTRICTIONS
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    index = next(i for i, r in enumerate(data["restrictions"]) if r["code"] == "iq-un-arms-embargo")
    data["restrictions"][index]["scope"] = "everyone"
    del data["restrictions"][0]["scope"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = read_records(RESTRICTIONS, tmp_path / "data")[1]
    assert problems == [
        "export_restrictions.yaml, record israel-arms-export-ban: 'scope' is missing",
        "export_restrictions.yaml, record iq-un-arms-embargo: scope 'everyone' is not one of "
        "['country', 'designated', 'non_government', 'region']"]


def test_sudan_is_flagged_by_the_eu_and_the_un_with_their_scopes():
    path = export_control.export_path("military", "SD", datetime.date(2026, 6, 1), records())
    flags = {f["code"]: f for f in path["flags"]}
    assert set(flags) == {"sd-eu-arms-embargo", "sd-un-arms-embargo-darfur"}
    assert (flags["sd-eu-arms-embargo"]["regime"], flags["sd-eu-arms-embargo"]["scope"]) == ("eu", "country")
    assert (flags["sd-un-arms-embargo-darfur"]["regime"], flags["sd-un-arms-embargo-darfur"]["scope"]) == ("un", "region")
    assert "Decision 2014/450/CFSP" in flags["sd-eu-arms-embargo"]["source"]
    assert "resolution 1556 (2004)" in flags["sd-un-arms-embargo-darfur"]["source"]
    # before the UN resolution of 30 July 2004 and the EU decision of 10 July 2014 neither act applied
    assert export_control.export_path("military", "SD", datetime.date(2004, 7, 1), records())["flags"] == []


def test_haiti_is_under_a_whole_country_un_embargo_only_since_resolution_2699():
    def un_flags(on_date):
        path = export_control.export_path("military", "HT", on_date, records())
        return [f for f in path["flags"] if f["regime"] == "un"]

    assert un_flags(datetime.date(2023, 10, 1)) == []  # until then only designated persons (resolution 2653)
    flag, = un_flags(datetime.date(2023, 10, 2))
    assert flag["code"] == "ht-un-arms-embargo" and flag["scope"] == "country"
    # civil goods are not military goods: the embargo does not concern them
    assert export_control.export_path("civil", "HT", datetime.date(2026, 6, 1), records())["flags"] == []


def test_iraq_embargoes_reach_other_end_users_than_the_government(client, users, lists):  # noqa: F811
    screening, page = screen(client, users["coordinator"], "IQ")
    flags = screening.result["path"]["flags"]
    assert screening.outcome == "restricted"
    assert {(f["regime"], f["scope"]) for f in flags} == {("eu", "non_government"), ("un", "non_government")}
    assert "applies to: non-government forces and armed groups" in page
    assert 'href="https://eur-lex.europa.eu/eli/compos/2003/495/oj"' in page
    assert 'href="https://undocs.org/S/RES/1546(2004)"' in page


def test_the_country_page_shows_whom_the_dr_congo_embargo_reaches(client, users, lists):  # noqa: F811
    client.force_login(users["coordinator"])
    page = client.get(reverse("screening:country", args=["CD"]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "UN arms embargo Democratic Republic of the Congo (non-governmental groups)" in page
    assert page.count("applies to: non-government forces and armed groups") == 2
    dutch = client.get(reverse("screening:country", args=["CD"]), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "geldt voor: niet-regeringsstrijdkrachten en gewapende groepen" in dutch


def test_restriction_as_dict_carries_the_scope(lists):
    as_dict = restriction_as_dict(ExportRestriction.objects.get(code="ye-un-arms-embargo"))
    assert as_dict["scope"] == "designated" and as_dict["legal_act_url"] == "https://undocs.org/S/RES/2216(2015)"
