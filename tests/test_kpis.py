"""The EDF KPIs (VISD fig. 13) are computed from the imported EDF results, with the drill-down to the
projects and partners that count. The expected figures are computed here from the CSV files with the
csv module, independently of the importer and of visd.programme.kpis.

The EDF results give no postcode, so whether a Belgian partner is Flemish is not in the file: as a
programme manager would, the test completes the address of each Belgian partner from its city (a
postcode per city, below), and derives Flemish from the Belgian postcode ranges itself.
"""

import csv
import datetime
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from visd.actors.models import Actor, ActorKind, ActorTag, TagOrigin
from visd.imports import actions as import_actions
from visd.imports.models import ImportRun
from visd.imports.readers import InputFile
from visd.programme import actions, kpis
from visd.programme.models import KPI, KPIValue
from visd.projects.models import Participation, Project
from visd.taxonomy.models import Concept, Portfolio, Scheme

EDF = Path(__file__).resolve().parents[1] / "data" / "public" / "edf"
PROJECTS_CSV = EDF / "edf_2021_2022_projects.csv"
ORGANISATIONS_CSV = EDF / "edf_2021_2022_organizations.csv"

# Postcode of each Belgian city in the EDF organisations file (bpost).
POSTCODE_OF_CITY = {
    "ALLEUR": "4432", "ANS": "4430", "ANTWERPEN": "2000", "BRUSSELS": "1000", "BRUXELLES": "1000",
    "BERCHEM": "2600", "BRUGGE": "8000", "BRUXELLES / BRUSSEL": "1000", "ELSENE": "1050", "ETTERBEEK": "1040",
    "GENT": "9000", "HEVERLEE": "3001", "HASSELT": "3500", "HERSTAL": "4040", "IXELLES": "1050",
    "LAMBERMONT": "4800", "LEUVEN": "3000", "LIEGE ANGLEUR": "4031", "MONT-SAINT-GUIBERT": "1435",
    "MONT SAINT GUIBERT": "1435", "MOL": "2400", "SINT NIKLAAS": "9100", "SERAING": "4100",
    "SINT-GENESIUS-RODE": "1640", "WAVRE": "1300", "ZAVENTEM": "1930",
}


# The kind of each Flemish organisation of the file (the EDF results give no activity type).
FLEMISH_COMPANIES = {
    "XENICS NV", "SOITEC BELGIUM NV", "EPIC BLUE", "ST ENGINEERING I DIRECT EUROPE CY", "ANTWERP SPACE N.V.",
    "CELESTIA ANTWERP B.V.", "DOTOCEAN", "SPACE APPLICATIONS SERVICES NV", "XENOMATIX", "SOL1",
}
FLEMISH_RESEARCH = {
    "VON KARMAN INSTITUTE FOR FLUID DYNAMICS": ActorKind.RESEARCH_ORGANISATION,
    "VLAAMSE INSTELLING VOOR TECHNOLOGISCH ONDERZOEK N.V.": ActorKind.STRATEGIC_RESEARCH_CENTRE,
    "KATHOLIEKE UNIVERSITEIT LEUVEN": ActorKind.UNIVERSITY,
    "UNIVERSITEIT GENT": ActorKind.UNIVERSITY,
}


def is_flemish_postcode(postcode: str) -> bool:
    code = int(postcode)
    return 1500 <= code <= 3999 or 8000 <= code <= 9999


def read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


class Expected:
    """The KPI figures per start year, from the CSV files alone."""

    def __init__(self):
        projects = read(PROJECTS_CSV)
        organisations = read(ORGANISATIONS_CSV)
        self.start_year = {row["id"]: int(row["startDate"][:4]) for row in projects}
        self.acronym = {row["id"]: row["acronym"] for row in projects}
        self.flemish_pics = {
            row["id"] for row in organisations
            if row["country"] == "BE" and is_flemish_postcode(POSTCODE_OF_CITY[row["city"].strip().upper()])
        }
        self.names = {row["id"]: row["name"] for row in organisations}
        self.with_partner = defaultdict(set)
        self.with_coordinator = defaultdict(set)
        self.flemish_partners_of = defaultdict(set)
        first_year = {}
        for row in organisations:
            if row["id"] not in self.flemish_pics:
                continue
            year = self.start_year[row["projectID"]]
            self.with_partner[year].add(row["projectID"])
            self.flemish_partners_of[row["projectID"]].add(row["id"])
            if row["role"] == "coordinator":
                self.with_coordinator[year].add(row["projectID"])
            first_year[row["id"]] = min(year, first_year.get(row["id"], year))
        self.first_year = first_year


@pytest.fixture(scope="module")
def edf(django_db_setup, django_db_blocker):
    """The EDF results imported through visd.imports, Belgian addresses completed; removed afterwards."""
    with django_db_blocker.unblock():
        run = import_actions.import_cordis(InputFile.from_path(PROJECTS_CSV), InputFile.from_path(ORGANISATIONS_CSV),
                                           source_label="EDF results 2021-2022")
        assert run.status == ImportRun.Status.APPLIED
        by_pic = {}
        for actor in Actor.objects.all():
            for pic in [actor.pic, *actor.other_pics]:
                by_pic[pic] = actor
        for row in read(ORGANISATIONS_CSV):
            if row["country"] == "BE":
                actor = by_pic[row["id"]]
                actor.postcode = POSTCODE_OF_CITY[row["city"].strip().upper()]
                if is_flemish_postcode(actor.postcode):
                    actor.kind = ActorKind.COMPANY if row["name"] in FLEMISH_COMPANIES else FLEMISH_RESEARCH[row["name"]]
                actor.save()
        yield {"by_pic": by_pic, "expected": Expected()}
    with django_db_blocker.unblock(), override_settings(SIMPLE_HISTORY_ENABLED=False):
        ActorTag.objects.all().delete()
        Participation.objects.all().delete()
        Project.objects.all().delete()
        Actor.objects.all().delete()
        ImportRun.objects.all().delete()
        for model in (Participation, Project, Actor, ActorTag):
            model.history.all().delete()
        Concept.objects.filter(code="test-kpi-domain").delete()
        Portfolio.objects.filter(code="test-kpi-portfolio").delete()


def _ids(result) -> set[str]:
    """The CORDIS ids of the projects a result's records link to."""
    pks = {int(record.url.rstrip("/").rsplit("/", 1)[1]) for record in result.records}
    return set(Project.objects.filter(pk__in=pks).values_list("external_id", flat=True))


@pytest.mark.django_db
def test_the_test_data_has_flemish_edf_participations(edf):
    expected = edf["expected"]
    assert expected.flemish_pics, "the EDF file has Flemish partners"
    assert sum(len(ids) for ids in expected.with_partner.values()) >= 4
    assert sum(len(ids) for ids in expected.with_coordinator.values()) >= 1


@pytest.mark.django_db
def test_edf_projects_with_a_flemish_partner_per_year(edf):
    expected = edf["expected"]
    years = set(expected.start_year.values())
    for year in sorted(years | {min(years) - 1, max(years) + 1}):
        result = kpis.compute("edf-met-vlaamse-partner", year)
        assert result.value == len(expected.with_partner[year]), year
        assert _ids(result) == expected.with_partner[year], year


@pytest.mark.django_db
def test_edf_projects_with_a_flemish_coordinator_per_year(edf):
    expected = edf["expected"]
    for year in sorted(set(expected.start_year.values())):
        result = kpis.compute("edf-met-vlaamse-coordinator", year)
        assert result.value == len(expected.with_coordinator[year]), year
        assert _ids(result) == expected.with_coordinator[year], year


@pytest.mark.django_db
def test_drill_down_names_the_flemish_partners_of_each_project(edf):
    expected = edf["expected"]
    acronym_to_id = {acronym: pid for pid, acronym in expected.acronym.items()}
    checked = 0
    for year in sorted(set(expected.start_year.values())):
        for record in kpis.compute("edf-met-vlaamse-partner", year).records:
            project_id = acronym_to_id[record.label]
            stored_names = {Actor.objects.get(pk=edf["by_pic"][pic].pk).name
                            for pic in expected.flemish_partners_of[project_id]}
            listed = {part.rsplit(" (", 1)[0] for part in record.detail.split("; ")}
            assert listed == stored_names, record.label
            checked += 1
    assert checked == sum(len(ids) for ids in expected.with_partner.values())


@pytest.mark.django_db
def test_flemish_companies_newly_active_in_defence(edf):
    expected = edf["expected"]
    companies = {pic for pic in expected.flemish_pics if expected.names[pic] in FLEMISH_COMPANIES}
    assert len(companies) == len(FLEMISH_COMPANIES)
    for year in sorted(set(expected.start_year.values())):
        result = kpis.compute("bedrijven-actief-in-defensie", year)
        new = {edf["by_pic"][pic].pk for pic in companies if expected.first_year[pic] == year}
        assert result.value == len(new), year
        listed = {int(record.url.rstrip("/").rsplit("/", 1)[1]) for record in result.records}
        assert listed == new, year


@pytest.mark.django_db
def test_a_domain_counts_only_partners_tagged_with_it(edf):
    expected = edf["expected"]
    portfolio = Portfolio.objects.create(code="test-kpi-portfolio", name_nl="T", name_en="T", source="test")
    domain = Concept.objects.create(scheme=Scheme.FOCUS_DOMAIN, code="test-kpi-domain", label_nl="Testdomein",
                                    label_en="Test domain", label_fr="Test", portfolio=portfolio, source="test")
    year, projects = next((y, ids) for y, ids in sorted(expected.with_partner.items()) if ids)
    project_id = sorted(projects)[0]
    pic = sorted(expected.flemish_partners_of[project_id])[0]
    ActorTag.objects.create(actor=edf["by_pic"][pic], concept=domain, origin=TagOrigin.CURATED)
    in_domain = {p for p in expected.with_partner[year] if pic in expected.flemish_partners_of[p]}
    result = kpis.compute("edf-met-vlaamse-partner", year, domain)
    assert _ids(result) == in_domain
    assert result.value == len(in_domain)
    assert kpis.compute("edf-met-vlaamse-partner", year + 50, domain).value == 0


@pytest.mark.django_db
def test_cordis_projects_and_walloon_partners_do_not_count(db):
    """Years far from the imported data (module fixture), so only these records count."""
    flemish = Actor.objects.create(name="Antwerp Drones NV", kind=ActorKind.COMPANY, country="BE", postcode="2000")
    walloon = Actor.objects.create(name="Liège Optics SA", kind=ActorKind.COMPANY, country="BE", postcode="4000")
    cordis = Project.objects.create(source="cordis", external_id="1", title="H2020", start_date=datetime.date(2034, 1, 1))
    edf_project = Project.objects.create(source="edf", external_id="2", title="EDF", start_date=datetime.date(2034, 5, 1))
    Participation.objects.create(project=cordis, actor=flemish, role="coordinator")
    Participation.objects.create(project=edf_project, actor=walloon, role="coordinator")
    assert kpis.compute("edf-met-vlaamse-partner", 2034).value == 0
    assert kpis.compute("edf-met-vlaamse-coordinator", 2034).value == 0
    assert kpis.compute("bedrijven-actief-in-defensie", 2034).value == 0
    Participation.objects.create(project=edf_project, actor=flemish, role="participant")
    assert kpis.compute("edf-met-vlaamse-partner", 2034).value == 1
    assert kpis.compute("edf-met-vlaamse-coordinator", 2034).value == 0
    assert [r.label for r in kpis.compute("bedrijven-actief-in-defensie", 2034).records] == ["Antwerp Drones NV"]
    # A later EDF project does not make the company 'new' again.
    later = Project.objects.create(source="edf", external_id="3", title="EDF 2", start_date=datetime.date(2035, 3, 1))
    Participation.objects.create(project=later, actor=flemish, role="coordinator")
    assert kpis.compute("bedrijven-actief-in-defensie", 2035).value == 0
    assert kpis.compute("edf-met-vlaamse-coordinator", 2035).value == 1


@pytest.fixture
def reference_kpis(db):
    from visd.reference.loader import load_reference

    load_reference()
    return {kpi.code: kpi for kpi in KPI.objects.all()}


def test_every_registered_computation_is_a_kpi_of_the_reference_data(reference_kpis):
    assert set(kpis.REGISTRY) <= set(reference_kpis)
    entered = set(reference_kpis) - set(kpis.REGISTRY)
    assert entered == {"domeinspecifieke-targets", "consortiumindieningen-vlaio", "deelnames-defra"}


def test_entered_kpi_value_with_evidence(reference_kpis, make_user):
    director = make_user("director")
    kpi = reference_kpis["deelnames-defra"]
    assert kpis.result_for(kpi, 2026).value is None
    actions.enter_kpi_value(director, kpi=kpi, year=2026, value=Decimal("2"), evidence="DEFRA call results 2026")
    newer = actions.enter_kpi_value(director, kpi=kpi, year=2026, value=Decimal("3"),
                                    evidence="Corrected after appeal", evidence_url="https://example.org/defra")
    result = kpis.result_for(kpi, 2026)
    assert result.value == Decimal("3") and not result.computed
    assert "Corrected after appeal" in result.records[0].detail and "director-user" in result.records[0].detail
    assert newer.history.first().history_user == director
    assert kpis.result_for(kpi, 2027).value is None


def test_a_computed_kpi_cannot_be_entered(reference_kpis, make_user):
    director = make_user("director")
    with pytest.raises(ValidationError):
        actions.enter_kpi_value(director, kpi=reference_kpis["edf-met-vlaamse-partner"], year=2026,
                                value=Decimal("9"), evidence="guess")
    assert not KPIValue.objects.exists()


def test_evidence_is_required(reference_kpis, make_user):
    with pytest.raises(ValidationError):
        actions.enter_kpi_value(make_user("director"), kpi=reference_kpis["deelnames-defra"], year=2026,
                                value=Decimal("1"), evidence="")


def test_a_programme_manager_enters_only_for_their_domains(reference_kpis, make_user):
    from visd.taxonomy.models import Portfolio

    own = Portfolio.objects.get(code=Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN).first().portfolio.code)
    mine = Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN, portfolio=own).first()
    other = Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN).exclude(portfolio=own).first()
    pm = make_user("programme_manager", portfolios=[own.code])
    kpi = reference_kpis["domeinspecifieke-targets"]
    actions.enter_kpi_value(pm, kpi=kpi, year=2026, domain=mine, value=Decimal("1"), evidence="roadmap")
    for domain in (other, None):
        with pytest.raises(PermissionDenied):
            actions.enter_kpi_value(pm, kpi=kpi, year=2026, domain=domain, value=Decimal("1"), evidence="x")
    assert KPIValue.objects.count() == 1


def test_setting_a_target_again_changes_it(reference_kpis, make_user, client):
    from django.urls import reverse

    from visd.programme.models import KPITarget

    director = make_user("director")
    client.force_login(director)
    kpi = reference_kpis["edf-met-vlaamse-partner"]
    url = reverse("programme:kpi_target_set")
    data = {"kpi": kpi.pk, "year": 2027, "domain": "", "target": "4", "note": ""}
    assert client.post(url, data).status_code == 302
    # Setting it again from a form that did not show it (another manager's, opened before): the page
    # says a target is set and carries its version; saving again replaces it.
    shown = client.post(url, {**data, "target": "6"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert shown.status_code == 200
    assert "Voor deze KPI, dit jaar en dit bereik is al een doel van 4,00 ingesteld" in shown.content.decode()
    assert shown.context["form"]["replaces_version"].value() == 1
    assert KPITarget.objects.get().target == Decimal("4")
    assert client.post(url, {**data, "target": "6", "replaces_version": "1"}).status_code == 302
    assert [(t.year, t.target) for t in KPITarget.objects.filter(kpi=kpi)] == [(2027, Decimal("6"))]
    assert KPITarget.objects.get().history.count() == 2
    dashboard = client.get(reverse("programme:dashboard")).content.decode()
    assert reverse("programme:kpi_detail", args=[kpi.code, 2027]) in dashboard


def test_two_managers_setting_one_target_at_once_do_not_lose_one_silently(reference_kpis, make_user):
    """Both saw no target: the first sets it, the second is refused with the one now set (the form
    then carries its version); a version that is no longer the stored one is refused too."""
    from django.core.exceptions import ValidationError

    from visd.programme.models import KPITarget

    director = make_user("director")
    kpi = reference_kpis["edf-met-vlaamse-partner"]
    first = actions.set_kpi_target(director, kpi=kpi, year=2028, target=Decimal("3"), replaces_version=None)
    with pytest.raises(ValidationError) as refused:
        actions.set_kpi_target(director, kpi=kpi, year=2028, target=Decimal("5"), replaces_version=None)
    assert refused.value.code == "target_exists" and refused.value.params == {"version": first.version}
    changed = actions.set_kpi_target(director, kpi=kpi, year=2028, target=Decimal("5"), replaces_version=first.version)
    with pytest.raises(ValidationError):
        actions.set_kpi_target(director, kpi=kpi, year=2028, target=Decimal("7"), replaces_version=first.version)
    assert KPITarget.objects.get().target == Decimal("5") and changed.version == first.version + 1
    # code that names no version (the yearly report's tests, commands) sets it whatever was there
    assert actions.set_kpi_target(director, kpi=kpi, year=2028, target=Decimal("9")).target == Decimal("9")
