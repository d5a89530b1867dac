"""The importer core (visd.imports.core) as every importer meets it: CORDIS, Funding & Tenders topics,
the facility inventory, MERIL, the reference data, the screening rules, the site's pages and the
programme side of the demo. The same steps hold for each: the import lock
refuses a second import, one bad row writes nothing but a rejected ImportRun, a failing write undoes
everything, a repeated import changes nothing, a dry run keeps nothing, and the report has one shape."""

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
import yaml
from django.db import IntegrityError
from django.utils import translation
from test_import_lock import HeldLock  # another import, in another thread, holding the lock

from visd.actors.models import Actor
from visd.core.locking import EditConflict, is_locked
from visd.facilities.importer import EXAMPLE_FILE, FacilitiesImport
from visd.facilities.meril import MerilImport
from visd.facilities.models import Infrastructure
from visd.funding.models import Call, Instrument
from visd.imports import lock
from visd.imports.actions import CordisImport, TopicsImport
from visd.imports.core import OUTCOMES, Importer, Writer, load_for_update, run_import
from visd.imports.lock import ImportBusy, import_lock
from visd.imports.models import ImportRun
from visd.imports.readers import InputFile
from visd.projects.models import Participation, Project
from visd.reference import DATA_DIR
from visd.reference.loader import ReferenceImport
from visd.roadmaps.models import Roadmap, RoadmapItem
from visd.screening.loader import DATA_DIR as SCREENING_DATA
from visd.screening.loader import ScreeningRulesImport
from visd.screening.models import CountryNote, ExportRestriction
from visd.site.content import PAGES_FILE, PROGRAMME_FILE, PagesImport, ProgrammeImport
from visd.site.models import Announcement, Page
from visd.taxonomy.models import Concept, Portfolio, Scheme

CORDIS = Path(__file__).resolve().parents[1] / "data" / "public" / "cordis_security"
PROBLEM_KEYS = {"file", "code", "message", "row", "column"}


@pytest.fixture(autouse=True)
def english_and_quick_lock(settings, tmp_path, monkeypatch):
    settings.VISD_IMPORT_LOCK_FILE = str(tmp_path / "import.lock")
    monkeypatch.setattr(lock, "POLL_SECONDS", 0.05)
    with translation.override("en"):
        yield


@pytest.fixture
def domains(db):
    # The site-content loader creates the pages that are missing: start without any, whatever an
    # earlier test module that loads the demo outside a rolled-back transaction left (undone after).
    Page.objects.all().delete()
    for order, code in enumerate(("luchtvaart-uav", "counter-uav", "energie", "maritiem")):
        Concept.objects.create(scheme=Scheme.FOCUS_DOMAIN, code=code, label_nl=code, label_en=code, order=order,
                               source="test")


def _csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=";", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _rows(name: str) -> list[dict]:
    with (CORDIS / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def cordis(broken: bool = False, retitled: bool = False) -> CordisImport:
    """Three real H2020 projects and their participants; ``broken``: one participant's country is no
    country; ``retitled``: a newer export in which the first project has another title."""
    projects = _rows("h2020_secure_societies_projects.csv")[:3]
    if retitled:
        projects[0] = {**projects[0], "title": projects[0]["title"] + " (revised)"}
    ids = {project["id"] for project in projects}
    organisations = [row for row in _rows("h2020_secure_societies_organizations.csv") if row["projectID"] in ids]
    if broken:
        organisations[-1] = {**organisations[-1], "country": "QQ"}
    return CordisImport(InputFile("projects.csv", _csv(projects)), InputFile("organisations.csv", _csv(organisations)))


def topics(broken: bool = False) -> TopicsImport:
    lines = [json.dumps({"topicId": f"CORE-{n}", "title": f"Topic {n}", "callStatus": "open"}) for n in range(3)]
    if broken:
        lines.append("{not json")
    return TopicsImport([InputFile("topics.jsonl", "\n".join(lines).encode())])


def facilities(broken: bool = False) -> FacilitiesImport:
    text = EXAMPLE_FILE.read_text(encoding="utf-8")
    if broken:  # a row without a name
        header = text.splitlines()[0]
        text += ",".join("" if column == "name" else {"operator": "Lab", "operator_kind": "research", "phases": "test",
                                                      "source": "VISD 4.4"}.get(column, "")
                         for column in header.split(",")) + "\n"
    return FacilitiesImport(text, "inventory.csv")


def meril(broken: bool = False) -> MerilImport:
    features = [{"type": "Feature", "properties": {"name": name},
                 "geometry": {"type": "Point", "coordinates": [4.35, 50.85]}} for name in ("Lab A (LA)", "Lab B")]
    if broken:
        features.append({"type": "Feature", "properties": {"name": "Far away"},
                         "geometry": {"type": "Point", "coordinates": [200, 50]}})
    return MerilImport(json.dumps({"type": "FeatureCollection", "features": features}).encode(), "meril.geojson")


def reference(broken: bool = False, tmp_path: Path | None = None) -> ReferenceImport:
    if not broken:
        return ReferenceImport(DATA_DIR)
    target = tmp_path / "reference"
    shutil.copytree(DATA_DIR, target)
    path = target / "focus_domains.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("portfolio: ruimtevaart", "portfolio: space"),
                    encoding="utf-8")
    return ReferenceImport(target)


def screening(broken: bool = False, tmp_path: Path | None = None) -> ScreeningRulesImport:
    if not broken:
        return ScreeningRulesImport()
    target = tmp_path / "screening"
    shutil.copytree(SCREENING_DATA, target)
    path = target / "country_notes.yaml"  # one country note without its source
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('source: "Belgian Defence Strategic Vision 2025 (004) lines 278-315"', 'source: ""'),
                    encoding="utf-8")
    assert path.read_text(encoding="utf-8") != text
    return ScreeningRulesImport(target)


def site_content(broken: bool = False, tmp_path: Path | None = None) -> PagesImport:
    if not broken:
        return PagesImport(PAGES_FILE)
    data = yaml.safe_load(PAGES_FILE.read_text(encoding="utf-8"))
    del data["records"][-1]["title"]["en"]
    path = tmp_path / "pages.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return PagesImport(path)


def programme_demo(broken: bool = False, tmp_path: Path | None = None) -> ProgrammeImport:
    """The shipped programme file for the four focus domains of ``domains`` (the others are left out,
    so the reference data need not be loaded); ``broken``: an announced event without its source."""
    data = yaml.safe_load(PROGRAMME_FILE.read_text(encoding="utf-8"))
    codes = set(Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN).values_list("code", flat=True))
    data["roadmaps"] = [record for record in data["roadmaps"] if record["domain"] in codes]
    data["items"] = [item for item in data.get("items", []) if set(item["domains"]) <= codes]
    if broken:
        del data["announcements"][0]["source"]
    path = tmp_path / "programme_demo.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return ProgrammeImport(path)


IMPORTERS = {"cordis": cordis, "topics": topics, "facilities": facilities, "meril": meril, "reference": reference,
             "screening": screening, "site-content": site_content, "programme-demo": programme_demo}
# The importers that read files from a folder of their own (a copy, when a test breaks one).
WITH_FILES = {"reference", "screening", "site-content", "programme-demo"}


def registry_rows() -> dict[str, int]:
    models = (Project, Participation, Actor, Call, Infrastructure, Instrument, Portfolio, ExportRestriction,
              CountryNote, Page, Announcement, Roadmap, RoadmapItem)
    return {model.__name__: model.objects.count() for model in models} | {
        f"{model.__name__} history": model.history.count() for model in models}


def build(kind: str, broken: bool = False, tmp_path=None) -> Importer:
    return IMPORTERS[kind](broken, tmp_path) if kind in WITH_FILES else IMPORTERS[kind](broken)


@pytest.mark.parametrize("kind", IMPORTERS)
def test_an_import_is_refused_while_another_runs_and_writes_nothing(kind, domains, tmp_path):
    before = registry_rows()
    with HeldLock("cordis" if kind != "cordis" else "topics"), pytest.raises(ImportBusy) as busy:
        run_import(build(kind, tmp_path=tmp_path), wait=False)
    assert "is running since" in str(busy.value) and "Nothing was changed" in str(busy.value)
    assert registry_rows() == before and not ImportRun.objects.exists()


@pytest.mark.parametrize("kind", IMPORTERS)
def test_one_bad_row_writes_nothing_but_the_rejected_run(kind, domains, tmp_path):
    before = registry_rows()
    report = run_import(build(kind, broken=True, tmp_path=tmp_path))
    assert report.status == ImportRun.Status.REJECTED and not report.applied and report.problems
    assert registry_rows() == before
    run = ImportRun.objects.get()
    assert (run.kind, run.status, run.counts, run.files) == (kind, ImportRun.Status.REJECTED, {}, report.files)
    assert len(run.problems) == len(report.problems)
    assert all(set(problem) == PROBLEM_KEYS and problem["message"] for problem in run.problems), run.problems


@pytest.mark.parametrize("kind", IMPORTERS)
def test_the_report_has_one_shape_and_a_second_import_changes_nothing(kind, domains, tmp_path):
    first = run_import(build(kind, tmp_path=tmp_path))
    assert first.applied and first.changed > 0 and first.run.counts == first.counts
    for record_type, outcomes in first.counts.items():
        if record_type == "notes":
            assert all(isinstance(number, int) for number in outcomes.values())
        else:
            assert set(OUTCOMES) <= set(outcomes) and all(isinstance(n, int) for n in outcomes.values())
    assert (first.run.kind, first.run.status, first.run.problems) == (kind, ImportRun.Status.APPLIED, [])
    rows = registry_rows()
    again = run_import(build(kind, tmp_path=tmp_path))
    assert again.applied and again.changed == 0 and registry_rows() == rows
    assert ImportRun.objects.filter(kind=kind, status=ImportRun.Status.APPLIED).count() == 2


@pytest.mark.parametrize("kind", IMPORTERS)
def test_a_dry_run_checks_and_writes_then_keeps_nothing(kind, domains, tmp_path):
    before = registry_rows()
    report = run_import(build(kind, tmp_path=tmp_path), dry_run=True)
    assert report.applied and report.dry_run and report.run is None and report.changed > 0
    assert registry_rows() == before and not ImportRun.objects.exists()


class _Breaking(Importer):
    """Writes a record, then fails: the import's transaction must undo the record."""

    kind, files = "test", ["half.csv"]

    def __init__(self, error: Exception):
        self.error = error

    def check(self):
        return []

    def write(self, user):
        Call.objects.create(topic_id="HALF-1", title="half written")
        raise self.error


def test_a_write_the_database_refuses_is_undone_and_recorded_as_rejected(db):
    report = run_import(_Breaking(IntegrityError("UNIQUE constraint failed: funding_call.topic_id")))
    assert not report.applied and not Call.objects.exists()
    (problem,) = ImportRun.objects.get(status=ImportRun.Status.REJECTED).problems
    assert problem["code"] == "database" and "the database refused the import" in problem["message"]
    assert "UNIQUE constraint failed" in str(report.problems[0])


def test_any_other_failure_is_undone_and_raised(db):
    with pytest.raises(RuntimeError):
        run_import(_Breaking(RuntimeError("disk full")))
    assert not Call.objects.exists() and not ImportRun.objects.exists()
    with import_lock("test", wait=False):  # and the lock is free again
        pass


def test_a_bulk_update_moves_the_lock_counter_so_an_earlier_edit_conflicts(db):
    """An importer's bulk write of a record with an optimistic-lock counter moves the counter on: an
    edit that read the record before the import is refused instead of overwriting the import."""
    actor = Actor.objects.create(name="Before", kind="research")
    edited_by_someone = Actor.objects.get(pk=actor.pk)
    writer = Writer(None, "test import")
    (loaded,) = load_for_update(Actor, [actor.pk])
    loaded.name = "From the file"
    writer.bulk_update(Actor, [loaded], {"name"})
    stored = Actor.objects.get(pk=actor.pk)
    assert stored.name == "From the file" and stored.version == actor.version + 1
    assert stored.history.first().history_change_reason == "test import"
    edited_by_someone.short_name = "stale"
    with pytest.raises(EditConflict):
        edited_by_someone.save()
    assert Actor.objects.get(pk=actor.pk).short_name == ""


def test_a_record_saved_by_someone_else_during_the_import_undoes_it(db):
    """An import that updates a record someone saved after the import read it is undone and recorded
    as refused with the reason, not raised as a crash."""
    actor = Actor.objects.create(name="Read by the import", kind="research")

    class _Completing(Importer):
        kind, files = "test", ["late.csv"]

        def check(self):
            self.loaded = Actor.objects.get(pk=actor.pk)
            return []

        def write(self, user):
            Call.objects.create(topic_id="LATE-1", title="written first")
            Actor.objects.filter(pk=actor.pk).update(version=actor.version + 1)  # someone else's save
            self.loaded.short_name = "from the file"
            Writer(user, "test import").update(self.loaded, ["short_name"])
            return {}

    report = run_import(_Completing())
    assert not report.applied and not Call.objects.exists()
    assert Actor.objects.get(pk=actor.pk).short_name == ""
    (problem,) = ImportRun.objects.get(status=ImportRun.Status.REJECTED).problems
    assert problem["code"] == "conflict" and "while the import ran" in problem["message"]


def test_a_newer_export_moves_the_lock_counter_of_the_records_it_updates_in_bulk(db):
    """Projects are updated in bulk: the one whose title changed gets its counter moved on, so a page
    or admin edit begun before the import is refused; the unchanged ones keep theirs."""
    if not is_locked(Project):
        pytest.skip("projects carry no lock counter")
    run_import(cordis())
    before = dict(Project.objects.values_list("external_id", "version"))
    first = Project.objects.order_by("pk").first()
    stale = Project.objects.get(pk=first.pk)
    report = run_import(cordis(retitled=True))
    assert report.counts["projects"]["updated"] == 1
    after = dict(Project.objects.values_list("external_id", "version"))
    assert after == {**before, first.external_id: before[first.external_id] + 1}
    assert Project.objects.get(pk=first.pk).title.endswith(" (revised)")
    stale.acronym = "STALE"
    with pytest.raises(EditConflict):
        stale.save()


@pytest.mark.parametrize("command, kind", [("load_screening_rules", "screening"),
                                           ("load_site_content", "site-content")])
def test_a_loader_command_checks_with_check_and_loads_once(command, kind, db):
    from django.core.management import call_command

    before = registry_rows()
    out = io.StringIO()
    call_command(command, "--check", stdout=out)
    assert "nothing written (--check)" in out.getvalue()
    assert registry_rows() == before and not ImportRun.objects.exists()
    call_command(command, stdout=io.StringIO())
    rows, again = registry_rows(), io.StringIO()
    call_command(command, stdout=again)
    assert ": 0 created, 0 updated," in again.getvalue() and registry_rows() == rows
    assert ImportRun.objects.filter(kind=kind, status=ImportRun.Status.APPLIED).count() == 2
