"""Reference data: the files say what the documents say, and ``visd load-reference`` loads them all
or nothing, idempotently."""

import csv
import importlib.util
import io
import re
import shutil
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from visd.capabilities.models import BudgetTrajectoryPoint, CapabilityNeed, NeedLevel
from visd.funding.models import Instrument
from visd.imports.models import ImportRun
from visd.programme.models import KPI, BudgetAmount, BudgetLine
from visd.reference import DATA_DIR
from visd.reference.loader import load_reference
from visd.reference.validation import FILES, ReferenceDataError, read_reference_data, within_rounding
from visd.taxonomy.models import Concept, DomainKind, Portfolio, Scheme

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "data" / "sources"
VISD = (SOURCES / "003_27119044b2e4ee18.txt").read_text(encoding="utf-8").splitlines()
VISION = (SOURCES / "004_029bcd82d3003314.txt").read_text(encoding="utf-8").splitlines()

REFERENCE_MODELS = [Portfolio, Concept, CapabilityNeed, BudgetTrajectoryPoint, BudgetLine, BudgetAmount, KPI, Instrument]
GRAND_TOTAL_COMMITTED = 33_784_153_531
GRAND_TOTAL_PAID = 24_661_004_760


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in REFERENCE_MODELS}


def history_counts() -> dict[str, int]:
    return {model.__name__: model.history.count() for model in REFERENCE_MODELS}


@pytest.fixture(autouse=True)
def english_messages():
    """Problem messages are translated (Dutch by default); these tests read the English ones."""
    with translation.override("en"):
        yield


@pytest.fixture
def loaded(db):
    return load_reference()


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A private copy of the reference files that a test may break."""
    target = tmp_path / "reference"
    shutil.copytree(DATA_DIR, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- loading ---------------------------------------------------------------------------------------

def test_load_creates_everything_and_records_the_run(loaded):
    counts = loaded.as_json()
    assert counts["portfolios"]["created"] == 8
    assert counts["focus domains"]["created"] == 11
    assert counts["EDA CapTechs"]["created"] == 15
    assert counts["capability line items"]["created"] == 93
    assert counts["instruments"]["created"] == Instrument.objects.count()
    run = ImportRun.objects.get()
    assert (run.kind, run.status, run.problems) == ("reference", ImportRun.Status.APPLIED, [])
    assert run.counts == counts
    assert sorted(run.files) == sorted(FILES)


def test_second_load_changes_nothing_and_leaves_no_history(loaded):
    rows, history = row_counts(), history_counts()
    again = load_reference()
    assert again.changed == 0
    assert all(c["created"] == c["updated"] == 0 for c in again.as_json().values())
    assert row_counts() == rows
    assert history_counts() == history


def test_a_changed_file_updates_only_what_changed(db, data_copy):
    load_reference()
    history = history_counts()
    edit(data_copy / "visd_kpis.yaml", '"Aantal georganiseerde matchmaking-events"', '"Aantal matchmaking-events"')
    report = load_reference(data_copy)
    assert report.as_json()["KPIs"] == {"created": 0, "updated": 1, "unchanged": 9, "not in files": 0}
    assert KPI.objects.get(code="matchmaking-events").name_nl == "Aantal matchmaking-events"
    assert history_counts() == {**history, "KPI": history["KPI"] + 1}


def test_records_outside_the_files_are_kept_and_counted(loaded):
    Instrument.objects.create(code="local-voucher", name_nl="Lokale cheque", name_en="Local voucher", level="flemish",
                              kind="grant", owner="Stad", source="added by hand")
    report = load_reference()
    assert report.as_json()["instruments"]["not in files"] == 1
    assert Instrument.objects.filter(code="local-voucher").exists()


def test_command_prints_counts_per_kind(db):
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    assert re.search(r"capability line items\s+93\s+0\s+0\s+0", out.getvalue())
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    assert "nothing changed" in out.getvalue()


def test_check_only_writes_nothing(db):
    out = io.StringIO()
    call_command("load_reference", "--check", stdout=out)
    assert "no problems" in out.getvalue()
    assert set(row_counts().values()) == {0}
    assert not ImportRun.objects.exists()


# --- refused files: a clear message, and nothing written -------------------------------------------

BROKEN_FILES = {
    "an item amount changed": (
        "sv2025_capabilities.csv", "Data centers,2029,965390000,", "Data centers,2029,965391000,",
        "sv2025_capabilities.csv", "more than rounding"),
    "a missing source": (
        "instruments.yaml", '    source: "Flemish Defence Plan (002_c0eedb6b69a6960d.txt), 3.4, lines 513-552"\n', "",
        "instruments.yaml", "source: is missing"),
    "an unknown parent": (
        "sv2025_capabilities.csv", "item,air-sar-helicopters-04ea,air-search-and-rescue,",
        "item,air-sar-helicopters-04ea,air-search-and-resque,", "sv2025_capabilities.csv", "unknown parent"),
    "an unknown portfolio": (
        "focus_domains.yaml", "portfolio: ruimtevaart", "portfolio: space", "focus_domains.yaml", "unknown portfolio"),
    "a bad number": (
        "visd_budget.yaml", "{year: 2027, amount: 8500000, line: 1418}", "{year: 2027, amount: 8.5M, line: 1418}",
        "visd_budget.yaml", "whole number"),
    "a budget line that misses the total": (
        "visd_budget.yaml", "{year: 2029, amount: 16500000, line: 1418}", "{year: 2029, amount: 16000000, line: 1418}",
        "visd_budget.yaml", "'Totaal' row shows"),
    "a trajectory component that misses the total": (
        "sv2025_budget_trajectory.yaml", "2034: 12919}", "2034: 12819}", "sv2025_budget_trajectory.yaml", "add up to"),
    "an empty 'Zie' cell without its footnote": (
        "visd_budget.yaml", '{year: 2026, amount: null, footnote: "**", line: 1399}', "{year: 2026, amount: null, line: 1399}",
        "visd_budget.yaml", "footnote"),
    "an unknown domain kind": (
        "focus_domains.yaml", "kind: TED\n    portfolio: ai", "kind: TECH\n    portfolio: ai", "focus_domains.yaml", "is not one of"),
    "broken YAML": (
        "captechs.yaml", "records:\n", "records: [\n", "captechs.yaml", "not valid YAML"),
}


@pytest.mark.parametrize("case", BROKEN_FILES, ids=list(BROKEN_FILES))
def test_broken_copy_is_refused_with_zero_writes(db, data_copy, case):
    file, old, new, named_file, message = BROKEN_FILES[case]
    edit(data_copy / file, old, new)
    with pytest.raises(ReferenceDataError) as refused:
        load_reference(data_copy)
    assert any(p.file == named_file and message in str(p) for p in refused.value.problems), refused.value.problems
    assert set(row_counts().values()) == {0}
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.REJECTED and run.problems and run.counts == {}


def test_refused_reload_leaves_loaded_data_untouched(db, data_copy):
    load_reference()
    rows, history = row_counts(), history_counts()
    edit(data_copy / "visd_kpis.yaml", '{nl: "Aantal opgezette flagships"', '{nl: "Renamed"')  # valid on its own
    edit(data_copy / "instruments.yaml", "kind: equity\n    owner: \"NAVO\"", "kind: shares\n    owner: \"NAVO\"")
    with pytest.raises(ReferenceDataError):
        load_reference(data_copy)
    assert KPI.objects.get(code="opgezette-flagships").name_nl == "Aantal opgezette flagships"
    assert (row_counts(), history_counts()) == (rows, history)


def test_command_reports_every_problem_by_file_and_row(db, data_copy):
    edit(data_copy / "sv2025_capabilities.csv", "Data centers,2029,965390000,", "Data centers,2029,965391000,")
    edit(data_copy / "portfolios.yaml", 'source: "VISD (003_27119044b2e4ee18.txt), ch. 5 Governance, line 1213"', "source: ''")
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("load_reference", "--data-dir", str(data_copy), stderr=err)
    assert "sv2025_capabilities.csv, row 16, committed_eur" in err.getvalue()
    assert "portfolios.yaml, row cyberveiligheid, source: is missing or empty" in err.getvalue()


# --- what the files hold -----------------------------------------------------------------------------

def test_eleven_focus_domains_split_top_ted_each_in_a_portfolio(loaded):
    domains = Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN)
    assert domains.count() == 11
    top = set(domains.filter(domain_kind=DomainKind.APPLICATION).values_list("code", flat=True))
    assert top == {"maritiem", "luchtvaart-uav", "counter-uav", "ruimtevaart"}  # Counter-UAV: documented decision
    assert domains.filter(domain_kind=DomainKind.TECHNOLOGY).count() == 7
    assert not domains.filter(portfolio=None).exists()
    assert Portfolio.objects.count() == 8
    assert set(Portfolio.objects.filter(domains__isnull=True).values_list("code", flat=True)) == set()
    geo = Portfolio.objects.get(code="energie-omgeving-geo-intelligentie")
    assert set(geo.domains.values_list("code", flat=True)) == {"energie", "omgeving", "geo-intelligentie"}


def test_concepts_have_labels_and_rich_synonyms_in_three_languages(loaded):
    assert Concept.objects.filter(scheme=Scheme.CAPTECH).count() == 15
    for concept in Concept.objects.all():
        for lang, terms in concept.all_terms().items():
            assert terms[0], (concept.code, lang)
            minimum = 10 if concept.scheme == Scheme.FOCUS_DOMAIN else 8
            assert len(terms) - 1 >= minimum, (concept.code, lang, len(terms) - 1)
    maritime = Concept.objects.get(scheme=Scheme.FOCUS_DOMAIN, code="maritiem")
    assert {"zeevaart", "haven"} <= set(maritime.synonyms_nl)
    assert {"naval", "vessel", "ship"} <= set(maritime.synonyms_en)
    assert "navire" in maritime.synonyms_fr
    for portfolio in Portfolio.objects.all():
        assert portfolio.name_nl and portfolio.name_en and portfolio.name_fr


def test_labels_and_portfolios_are_where_the_source_says(loaded):
    for portfolio in Portfolio.objects.all():
        line = int(re.search(r"line (\d+)", portfolio.source).group(1))
        assert VISD[line - 1].strip().rstrip(".").removeprefix("o ") == portfolio.name_nl
    for domain in Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN):
        line = int(re.search(r"3\.4, lines? (\d+)", domain.source).group(1))
        assert VISD[line - 1].lstrip(" •").startswith(f"{domain.label_nl}:"), domain.code


def test_capability_portfolio_counts_and_grand_totals(loaded):
    needs = CapabilityNeed.objects.filter(source_kind="sv2025")
    dimensions = needs.filter(level=NeedLevel.DIMENSION)
    assert dimensions.count() == 5
    assert needs.filter(level=NeedLevel.CAPABILITY).count() == 28
    assert needs.filter(level=NeedLevel.ITEM).count() == 93
    assert sum(d.committed_eur for d in dimensions) == GRAND_TOTAL_COMMITTED
    assert sum(d.paid_eur for d in dimensions) == GRAND_TOTAL_PAID
    for parent in needs.exclude(level=NeedLevel.ITEM):
        children = list(parent.children.all())
        assert children and all(c.level != parent.level for c in children)
        for column in ("committed_eur", "paid_eur"):
            assert within_rounding(sum(getattr(c, column) for c in children) - getattr(parent, column), len(children))
    items = needs.filter(level=NeedLevel.ITEM)
    assert not items.filter(first_commitment_year=None).exists()
    assert set(items.filter(consolidated_development=True).values_list("name", flat=True)) == {
        "(Counter-) intelligence and security", "Crypto / Cyber capability", "Joint Space capability",
        "CIS services DCN, IT & Digital Transformation (incl. MDO)", "CIS support to new weapon systems",
        "C-UAS capability", "Unmanned systems",
    }


def test_capability_items_read_from_the_flattened_text(loaded):
    cis = CapabilityNeed.objects.get(code="ici-cis-services-dcn-it-digital-transformation-incl-mdo-consolidated-development")
    assert (cis.first_commitment_year, cis.committed_eur, cis.paid_eur) == (2026, 294_359_267, 294_359_267)
    assert "4145, 4146, 4148" in cis.source
    engineering = CapabilityNeed.objects.get(code="land-military-engineering-capability-equipment-engineering-battalion")
    assert (engineering.first_commitment_year, engineering.committed_eur, engineering.paid_eur) == (2034, 152_430_000, 0)
    assert engineering.parent.code == "land-joint-general-support-land"
    assert engineering.parent.parent.code == "land"


def test_grand_totals_in_the_csv_match_the_summary_table():
    data = read_reference_data(DATA_DIR)
    assert (data.capability_totals["committed_eur"], data.capability_totals["paid_eur"]) == (GRAND_TOTAL_COMMITTED, GRAND_TOTAL_PAID)
    assert "TOTAAL 33.784.153.531 € 24.661.004.760 €" in VISION[4000 - 1]


def test_extraction_of_the_in_repo_text_matches_the_committed_csv():
    spec = importlib.util.spec_from_file_location("extract_capabilities", REPO / "scripts" / "extract_capabilities.py")
    extractor = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = extractor  # its dataclasses resolve their annotations through sys.modules
    try:
        spec.loader.exec_module(extractor)
    finally:
        del sys.modules[spec.name]
    rows = extractor.extract((SOURCES / "004_029bcd82d3003314.txt").read_text(encoding="utf-8"))
    assert extractor.to_csv(rows) == (DATA_DIR / "sv2025_capabilities.csv").read_text(encoding="utf-8")
    assert [sum(r.level == level for r in rows) for level in ("dimension", "capability", "item")] == [5, 28, 93]


def test_budget_trajectory(loaded):
    assert BudgetTrajectoryPoint.objects.count() == 70
    assert BudgetTrajectoryPoint.objects.get(series="Defensie-inspanning (% BBP)", year=2034).value == Decimal("2.50")
    assert BudgetTrajectoryPoint.objects.get(series="Defensie-uitgaven (previsie Feb 2025)", year=2025).value == 12758
    document = yaml.safe_load((DATA_DIR / "sv2025_budget_trajectory.yaml").read_text(encoding="utf-8"))
    for series in document["series"]:
        first, _, last = str(series["line"]).partition("-")
        printed = " ".join(VISION[int(first) - 1:int(last or first)])
        expected = [str(v).replace(".", ",") + ("%" if series["unit"] == "% GDP" else "") for v in series["values"].values()]
        assert printed.split()[-10:] == expected, series["name"]


def test_visd_budget_adds_up_and_keeps_the_see_notes(loaded):
    totals = {2025: 5_000_000, 2026: 15_000_000, 2027: 24_800_000, 2028: 39_920_000, 2029: 49_920_000}
    for year, total in totals.items():
        assert sum(a.amount_eur or 0 for a in BudgetAmount.objects.filter(year=year)) == total
    see = BudgetAmount.objects.get(line__code="governance-opstart", year=2026)
    assert see.amount_eur is None and see.note.startswith("Zie ** Op de begroting van 2025")
    assert BudgetLine.objects.get(code="communicatie-event-ted").base_amount_eur == 30_000
    for amount in BudgetAmount.objects.exclude(amount_eur=None).exclude(amount_eur=0):
        first, _, last = re.search(r"line (\d+(?:-\d+)?)", amount.source).group(1).partition("-")
        printed = " ".join(VISD[int(first) - 1:int(last or first)])
        assert f"€ {amount.amount_eur:,}".replace(",", ".") in printed, (amount.line.code, amount.year)


def test_kpis_and_instruments(loaded):
    assert KPI.objects.count() == 10
    assert set(KPI.objects.exclude(kind="").values_list("code", "kind")) == {
        ("opgezette-flagships", "output"), ("bedrijven-actief-in-defensie", "outcome")}
    assert all(k.kpa and k.kpa_en and k.group_nl for k in KPI.objects.all())
    codes = set(Instrument.objects.values_list("code", flat=True))
    assert {
        "fwo-predoctoral-mandates", "fwo-fundamental-research-projects", "fwo-sbo", "vlaio-research-project",
        "vlaio-development-project", "vlaio-defence-rd-call", "flemish-defence-fund", "impulse-programme", "fsdb",
        "pmv-equity", "lrm-venture-capital", "fit-defence-internationalisation", "ncp-flanders",
        "enterprise-europe-network", "dirs", "defra", "edf", "edip", "eudis-business-accelerator", "hedi", "eib",
        "diana", "nato-innovation-fund",
    } <= codes
    levels = set(Instrument.objects.values_list("level", flat=True))
    assert levels == {"flemish", "federal", "eu", "nato"}


def test_every_record_of_every_file_has_a_source():
    for name in FILES:
        path = DATA_DIR / name
        if path.suffix == ".csv":
            with path.open(encoding="utf-8", newline="") as handle:
                records = list(csv.DictReader(handle))
        else:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
            if "series" in document:  # one source document, a line per series
                assert document["source_document"]
                records = [{"source": s["line"]} for s in document["series"]]
            elif "lines" in document:  # fig. 12: every line and every amount cites its line
                assert document["source_document"]
                records = document["lines"] + [{"source": a["line"]} for line in document["lines"] for a in line["amounts"]]
            else:
                records = document["records"]
        assert records, name
        for record in records:
            assert str(record.get("source") or "").strip(), (name, record)


def test_every_loaded_record_cites_its_source(loaded):
    for model in REFERENCE_MODELS:
        assert not model.objects.filter(source="").exists(), model.__name__
