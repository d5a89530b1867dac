"""The instrument catalogue as sourced data: every instrument, rate, rule, contact point and lead time
carries its source, the 2025 VLAIO defence-call rates are the Flemish Defence Plan's, and a file that
drops a source is refused."""

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.utils import translation

from visd.funding.models import AidRate, Instrument, InstrumentGuidance
from visd.guidance import navigator
from visd.guidance.models import ContactPoint, Obligation
from visd.reference import DATA_DIR
from visd.reference.loader import load_reference
from visd.reference.validation import ReferenceDataError, read_reference_data

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "data" / "sources"
DEFENCE_PLAN = (SOURCES / "002_c0eedb6b69a6960d.txt").read_text(encoding="utf-8").splitlines()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def loaded(db):
    return load_reference()


@pytest.fixture
def data_copy(tmp_path) -> Path:
    target = tmp_path / "reference"
    shutil.copytree(DATA_DIR, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def refused(data_dir: Path) -> list[str]:
    with pytest.raises(ReferenceDataError) as error:
        read_reference_data(data_dir)
    return [str(p) for p in error.value.problems]


# --- every fact carries its source -------------------------------------------------------------------

GROUPS = [  # (facts, source) on InstrumentGuidance
    (("phases",), "phases_source"),
    (("applicant_kinds", "applicant_sizes", "applicant_regions", "startups_only", "applicants_note_nl"),
     "applicants_source"),
    (("trl_min", "trl_max"), "trl_source"),
    (("offers_nl", "amount_max_eur"), "offers_source"),
    (("domains",), "domains_source"),
]


def test_every_instrument_has_guidance_and_every_fact_its_source(loaded):
    assert InstrumentGuidance.objects.count() == Instrument.objects.count() == 53
    for guidance in InstrumentGuidance.objects.select_related("instrument"):
        assert guidance.instrument.source.strip()
        for facts, source in GROUPS:
            if any(getattr(guidance, name) not in (None, "", [], False) for name in facts):
                assert getattr(guidance, source).strip(), (guidance.instrument.code, source)
    for model in (AidRate, ContactPoint, Obligation):
        assert model.objects.exists()
        assert not model.objects.filter(source="").exists(), model.__name__


def test_a_record_without_its_source_fails(loaded):
    """The check above is not vacuous: remove one source and it finds the record."""
    guidance = InstrumentGuidance.objects.get(instrument__code="vlaio-defence-rd-call")
    guidance.applicants_source = ""
    guidance.save()
    with pytest.raises(AssertionError):
        test_every_instrument_has_guidance_and_every_fact_its_source(loaded)


def test_source_lines_exist_in_the_documents(loaded):
    """A cited line range of a source file lies inside that file."""
    lengths = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in SOURCES.glob("*.txt")}
    sources = [g.phases_source for g in InstrumentGuidance.objects.all()]
    sources += [g.applicants_source for g in InstrumentGuidance.objects.all()]
    sources += list(AidRate.objects.values_list("source", flat=True))
    sources += list(ContactPoint.objects.values_list("source", flat=True))
    sources += list(Obligation.objects.values_list("source", flat=True))
    checked = 0
    for source in filter(None, sources):
        parts = re.split(r"(\d{3}_[0-9a-f]{16}\.txt)", source)
        if len(parts) == 1:
            assert "REFERENCE.md" in source or "VISD Hub" in source, source
            continue
        # parts: [before, file, after, file, after, ...]: each 'line(s) N-M' belongs to the file before it.
        for name, text in zip(parts[1::2], parts[2::2], strict=False):
            text = text.split("REFERENCE.md", 1)[0]
            for numbers in re.findall(r"\blines?\s+([\d\s,and-]+)", text):
                for number in re.findall(r"\d+", numbers):
                    assert 1 <= int(number) <= lengths[name], (source, number)
                    checked += 1
    assert checked > 100


def test_navigator_rules_carry_their_sources():
    assert navigator.RULES and all(rule.source.strip() for rule in navigator.RULES)
    assert all(rule.source for rule in navigator.GOAL_RULES.values())
    assert set(navigator.GOAL_RULES) == set(navigator.GOALS)


# --- the 2025 VLAIO defence-call rates --------------------------------------------------------------

def rate(code, project_kind, size, component="base"):
    return AidRate.objects.get(instrument__code=code, project_kind=project_kind, size=size, component=component)


def test_vlaio_defence_call_rates_are_the_defence_plan_figures(loaded):
    call = "vlaio-defence-rd-call"
    assert rate(call, "development", "small").max_percent == 60
    assert rate(call, "development", "micro").max_percent == 60
    assert rate(call, "development", "large").max_percent == 40
    assert rate(call, "research", "small").max_percent == 80
    assert rate(call, "research", "large").max_percent == 65
    assert rate(call, "any", "any", "collaboration_bonus").max_percent == 15
    # The figures are printed on the lines each rate cites.
    for aid in AidRate.objects.filter(instrument__code=call).exclude(max_percent=None):
        first, last = map(int, re.search(r"lines (\d+)-(\d+)", aid.source).groups())
        text = " ".join(" ".join(DEFENCE_PLAN[first - 1:last]).split())
        assert f"maximaal {aid.max_percent:.0f}%" in text, aid


def test_medium_sized_firms_are_unknown_not_guessed(loaded):
    for code in ("vlaio-defence-rd-call", "vlaio-development-project", "vlaio-research-project"):
        for medium in AidRate.objects.filter(instrument__code=code, size="medium"):
            assert medium.max_percent is None
            assert "medium" in medium.note_en and medium.source
    # An administrator fills it in; a reload of the files keeps the figure (the row is unchanged in the
    # file, so only a changed file value would overwrite it).
    medium = rate("vlaio-defence-rd-call", "development", "medium")
    medium.max_percent = Decimal("50")
    medium.source = "Decision of the administrator, VLAIO call text 2025"
    medium.save()
    assert rate("vlaio-defence-rd-call", "development", "medium").max_percent == 50


def test_regular_rates_are_kept_apart_from_the_defence_call(loaded):
    assert rate("vlaio-development-project", "development", "small").max_percent == 50
    assert rate("vlaio-development-project", "development", "large").max_percent == 35
    assert rate("vlaio-research-project", "research", "large").max_percent == 60
    assert rate("vlaio-research-project", "any", "any", "collaboration_bonus").max_percent == 10


def test_catalogue_covers_the_named_instruments_and_contact_points(loaded):
    owners = " ".join(Instrument.objects.values_list("owner", flat=True))
    for body in ("FWO", "VLAIO", "PMV", "LRM", "Flanders Investment & Trade", "NCP Flanders", "Enterprise Europe Network",
                 "Defensie", "BELSPO", "Europese Commissie", "EDA", "Europese Investeringsbank", "NAVO"):
        assert body in owners, body
    contacts = set(ContactPoint.objects.values_list("code", flat=True))
    assert {"vlaio-business-advisers", "ncp-flanders", "fit", "pmv", "nad", "dgmr", "rhid", "dirs"} <= contacts
    phases = {p for g in InstrumentGuidance.objects.all() for p in g.phases}
    assert phases == {"needs", "research", "test", "production", "internationalisation"}
    assert set(InstrumentGuidance.objects.get(instrument__code="fsdb").applicant_kinds) == {
        "university", "university_college", "src", "research"}


def test_second_load_changes_nothing(loaded):
    again = load_reference()
    for kind in ("instrument guidance", "aid rates", "contact points", "obligations"):
        assert again.as_json()[kind]["created"] == again.as_json()[kind]["updated"] == 0


# --- refused files -------------------------------------------------------------------------------------

def test_a_rate_without_source_is_refused(data_copy):
    edit(data_copy / "instrument_guidance.yaml",
         '        source: "Flemish Defence Plan (002_c0eedb6b69a6960d.txt), 2.1, lines 292-294"\n'
         '  # --- VISD instruments ---', "  # --- VISD instruments ---")
    assert any("vlaio-defence-rd-call rate 7, source: is missing" in p for p in refused(data_copy))


def test_applicant_facts_without_source_are_refused(data_copy):
    edit(data_copy / "instrument_guidance.yaml",
         '      source: "VISD (003_27119044b2e4ee18.txt), 4.3.2.3 lines 998-1001"\n', "")
    assert any("fsdb" in p and "applicants.source: is missing" in p for p in refused(data_copy))


def test_an_empty_rate_needs_a_note_and_unknown_codes_are_refused(data_copy):
    path = data_copy / "instrument_guidance.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    for record in document["records"]:
        if record["code"] == "vlaio-defence-rd-call":
            record["rates"][1].pop("note")
            record["phases"].append("marketing")
    document["records"].append({"code": "no-such-instrument", "source": "x"})
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    problems = refused(data_copy)
    assert any("rate 2, note: a rate without a figure needs a note" in p for p in problems)
    assert any("'marketing' is not one of" in p for p in problems)
    assert any("unknown instrument 'no-such-instrument'" in p for p in problems)


def test_an_instrument_without_guidance_record_is_refused(data_copy):
    path = data_copy / "instrument_guidance.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["records"] = [r for r in document["records"] if r["code"] != "eib"]
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    assert any("'eib'" in p and "has no record here" in p for p in refused(data_copy))


def test_contact_points_and_obligations_are_checked(data_copy):
    edit(data_copy / "contact_points.yaml", 'source: "000_ca3b16bf29b2079d.txt (Wat verwacht Defensie van bedrijven?), lines 80-81"\n', "\n")
    edit(data_copy / "obligations.yaml", 'link: "/screening/export/"\n    order: 10', 'link: "javascript:alert(1)"\n    order: 10')
    problems = refused(data_copy)
    assert any(p.startswith("contact_points.yaml, row rhid, source") for p in problems)
    assert any("obligations.yaml, row export-licence-military, link" in p for p in problems)


# --- pages -----------------------------------------------------------------------------------------------

def test_catalogue_and_instrument_pages_show_sources(client, loaded):
    page = client.get("/guidance/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Research, concept and prototyping" in page and "FSDB" in page
    assert "TRL 1-9" in page and "REFERENCE.md" not in page   # sources as people read them (visd.sources)
    page = client.get("/guidance/instruments/vlaio-defence-rd-call/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "60%" in page and "80%" in page and "+ 15%" in page
    assert 'href="/sources/vlaams-defensieplan/?passage=286-288#r286">Flemish Defence Plan, 2.1</a>' in page
    assert "lines 286-288" not in page
    assert "unknown" in page  # medium-sized firms
    assert client.get("/guidance/instruments/no-such-code/").status_code == 404
