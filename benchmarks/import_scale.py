"""Import benchmark at the size of the official CORDIS exports: wall time, peak memory, and a
re-import that changes nothing, on SQLite and on PostgreSQL, with a baseline in the same run.

The files are SYNTHETIC but made only of real rows: the Horizon 2020 "Secure societies" and FP7
"Security" files in data/public/cordis_security are resampled to 35,000 projects and 200,000
participations (Horizon 2020 as a whole has about 35,000 projects and 180,000 participations).

* Every new project copies a real project (title, objective, dates, amounts...) under a new id;
  its consortium size is the real one scaled so that the participations add up to the target.
* The organisations are a population of clones of the 3,512 real organisations (all their cells:
  name, kind, address, website), each clone with a new PIC and, where the real row has a usable
  VAT number, a new one of the same country (Belgian ones with valid check digits), so clones stay
  separate actors. A consortium draws its members from the population with the real organisations'
  participation counts as weights: as in CORDIS, a few organisations take part in hundreds of
  projects and most in one or two. The coordinator's role and the contributions are real ones.
* ``--layout horizon-europe`` writes the same rows with the column names and order of the Horizon
  Europe exports (project.csv / organization.csv; see docs/data.md).

Each measurement runs in a fresh child process on a fresh copy of a migrated database (a temporary
SQLite file; a scratch PostgreSQL database ``<name>_scale`` next to the one DATABASE_URL names, so
that database's own data is never touched) with DEBUG off, so the peak memory (the process's RSS
high-water mark, getrusage) is the import's and not an earlier phase's. Measured:

1. **import**: ``visd.imports.actions.import_cordis`` on the two files into an empty registry, as
   ``visd import cordis`` runs it: file read, validation, the import lock, one transaction, the
   ImportRun and the post-import matching-index hook (timed apart; without an index it only checks
   that there is none);
2. **re-import**: the same files again, in a new process: must create and update nothing and add no
   history row;
3. **baseline**: the same rows written with plain ``bulk_create`` (csv.DictReader, no validation,
   no comparison, no history, no lock): the floor that the database itself costs.

Targets (issue 14): import <= 120 s, peak memory <= 2 GiB, re-import <= 60 s.

Run:
    .venv/bin/python benchmarks/import_scale.py \
        [--database-url sqlite] [--database-url postgres://visd:visd-ci-only@127.0.0.1:5432/visd_imports] \
        [--projects 35000] [--participations 200000] [--layout cordis|horizon-europe] [--keep-files DIR]

Without --database-url: SQLite, and PostgreSQL when DATABASE_URL is set. The machine's other load
disturbs the figures: run it on a quiet machine for figures to compare.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import itertools
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "data" / "public" / "cordis_security"
DATASETS = ("h2020_secure_societies", "fp7_security")
LABEL = "Import benchmark (resampled CORDIS)"

# The column names and order of the files in data/public/cordis_security.
CORDIS_PROJECT_HEADER = [
    "rcn", "id", "acronym", "status", "programme", "topics", "frameworkProgramme", "title", "startDate",
    "endDate", "projectUrl", "objective", "totalCost", "ecMaxContribution", "call", "fundingScheme",
    "coordinator", "coordinatorCountry", "participants", "participantCountries", "subjects",
]
CORDIS_ORGANISATION_HEADER = [
    "projectRcn", "projectID", "projectAcronym", "role", "id", "name", "shortName", "activityType",
    "endOfParticipation", "ecContribution", "country", "street", "city", "postCode", "organizationUrl",
    "vatNumber",
]
# The Horizon Europe exports (cordis-HORIZONprojects-csv.zip: project.csv and organization.csv).
HORIZON_PROJECT_HEADER = [
    "id", "acronym", "status", "title", "startDate", "endDate", "totalCost", "ecMaxContribution",
    "legalBasis", "topics", "ecSignatureDate", "frameworkProgramme", "masterCall", "subCall",
    "fundingScheme", "nature", "objective", "contentUpdateDate", "rcn", "grantDoi",
]
HORIZON_ORGANISATION_HEADER = [
    "projectID", "projectAcronym", "organisationID", "vatNumber", "name", "shortName", "SME",
    "activityType", "street", "postCode", "city", "country", "nutsCode", "geolocation",
    "organizationURL", "contactForm", "contentUpdateDate", "rcn", "order", "role", "ecContribution",
    "netEcContribution", "totalCost", "endOfParticipation", "active",
]


# ----------------------------------------------------------------------------------- the files
def _read(name: str) -> list[dict]:
    with (SOURCE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def _kbo_check(first_eight: int) -> int:
    return 97 - first_eight % 97


class _VatMaker:
    """New VAT numbers of the same country as a real one, unique, Belgian ones with valid check
    digits (so that the importer keeps them and derives the enterprise number)."""

    def __init__(self):
        self.serial = itertools.count(1)

    def like(self, vat: str) -> str:
        vat = "".join(vat.split()).replace(".", "").replace("-", "").upper()
        if len(vat) < 4 or not vat[:2].isalpha() or not any(c.isdigit() for c in vat):
            return vat  # MISSING, VATEXEMPTION...: kept, the importer ignores them
        number = next(self.serial)
        if vat.startswith("BE"):
            first_eight = 10_000_000 + number  # 0 + 9 digits: '01xxxxxxx' + check
            return f"BE0{first_eight:08d}{_kbo_check(first_eight):02d}"[:12]
        return f"{vat[:2]}{900000000 + number}"


def build_files(directory: Path, n_projects: int, n_participations: int, layout: str, seed: int) -> dict:
    rng = random.Random(seed)
    projects, organisations = [], []
    for dataset in DATASETS:
        projects += _read(f"{dataset}_projects.csv")
        organisations += _read(f"{dataset}_organizations.csv")
    consortium: dict[str, list[dict]] = {}
    for row in organisations:
        consortium.setdefault(row["projectID"], []).append(row)
    templates = [project for project in projects if consortium.get(project["id"])]

    # The organisation population: clones of every real organisation, drawn by real frequency.
    by_pic: dict[str, dict] = {}
    frequency: dict[str, int] = {}
    for row in organisations:
        by_pic[row["id"]] = row  # the last row of a PIC stands for it
        frequency[row["id"]] = frequency.get(row["id"], 0) + 1
    clones_per_organisation = max(1, round(n_participations / 6.5 / len(by_pic)))
    vats = _VatMaker()
    pics = itertools.count(100_000_001)
    population, weights = [], []
    for pic, row in by_pic.items():
        for _clone in range(clones_per_organisation):
            population.append({**row, "id": str(next(pics)), "vatNumber": vats.like(row["vatNumber"])})
            weights.append(frequency[pic])
    cumulative = list(itertools.accumulate(weights))
    contributions = [row["ecContribution"] for row in organisations]

    # Consortium sizes: the template's real size, scaled to the target total.
    chosen = [rng.choice(templates) for _ in range(n_projects)]
    scale = n_participations / sum(len(consortium[project["id"]]) for project in chosen)
    sizes = [max(1, round(len(consortium[project["id"]]) * scale)) for project in chosen]
    while sum(sizes) != n_participations:
        i = rng.randrange(n_projects)
        if sum(sizes) < n_participations:
            sizes[i] += 1
        elif sizes[i] > 1:
            sizes[i] -= 1

    project_rows, organisation_rows = [], []
    for number, (template, size) in enumerate(zip(chosen, sizes, strict=True)):
        project_id = str(190_000_000 + number)
        project_rows.append({**template, "id": project_id, "rcn": str(900_000 + number)})
        members: dict[str, dict] = {}
        while len(members) < size:
            member = population[bisect.bisect(cumulative, rng.random() * cumulative[-1])]
            members.setdefault(member["id"], member)
        for position, member in enumerate(members.values()):
            organisation_rows.append({
                **member, "projectID": project_id, "projectRcn": str(900_000 + number),
                "projectAcronym": template["acronym"], "role": "coordinator" if position == 0 else "participant",
                "ecContribution": rng.choice(contributions), "endOfParticipation": "false",
            })

    projects_path, organisations_path = _write(directory, layout, project_rows, organisation_rows)
    return {
        "projects": len(project_rows), "participations": len(organisation_rows),
        "organisations_in_files": len({row["id"] for row in organisation_rows}),
        "projects_file": str(projects_path), "organisations_file": str(organisations_path),
        "projects_mb": round(projects_path.stat().st_size / 2**20, 1),
        "organisations_mb": round(organisations_path.stat().st_size / 2**20, 1),
    }


def _write(directory: Path, layout: str, project_rows: list[dict], organisation_rows: list[dict]):
    if layout == "horizon-europe":
        project_rows = [{**row, "legalBasis": row["programme"], "masterCall": row["call"], "subCall": row["call"],
                         "ecSignatureDate": row["startDate"], "nature": "", "contentUpdateDate": "2025-01-01 10:00:00",
                         "grantDoi": ""} for row in project_rows]
        organisation_rows = [{**row, "organisationID": row["id"], "organizationURL": row["organizationUrl"],
                              "SME": "false", "nutsCode": "", "geolocation": "", "contactForm": "",
                              "contentUpdateDate": "2025-01-01 10:00:00", "rcn": "", "order": "",
                              "netEcContribution": row["ecContribution"], "totalCost": "", "active": "true"}
                             for row in organisation_rows]
        files = (("project.csv", HORIZON_PROJECT_HEADER, project_rows),
                 ("organization.csv", HORIZON_ORGANISATION_HEADER, organisation_rows))
    else:
        files = (("projects.csv", CORDIS_PROJECT_HEADER, project_rows),
                 ("organizations.csv", CORDIS_ORGANISATION_HEADER, organisation_rows))
    paths = []
    for name, header, rows in files:
        path = directory / name
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=header, delimiter=";", extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        paths.append(path)
    return paths


# ------------------------------------------------------------------------------- the databases
class Database:
    """A migrated template and fresh copies of it for each measurement."""

    def __init__(self, url: str, workdir: Path, src: Path = REPO / "src", suffix: str = "scale"):
        self.url = url
        self.src = src
        self.workdir = workdir / suffix
        self.workdir.mkdir(exist_ok=True)
        self.is_sqlite = url == "sqlite" or url.startswith("sqlite:")
        if self.is_sqlite:
            self.template_url = f"sqlite:///{self.workdir / 'template.sqlite3'}"
        else:
            parts = urlsplit(url)
            self.base_name = parts.path.lstrip("/") + "_" + suffix
            self._parts = parts
            self.template_url = self._url(self.base_name + "_template")

    @property
    def label(self) -> str:
        return "SQLite" if self.is_sqlite else "PostgreSQL"

    def _url(self, name: str) -> str:
        return urlunsplit(self._parts._replace(path="/" + name))

    def _admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self._url("postgres"), autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)

    def prepare(self) -> None:
        if not self.is_sqlite:
            name = self.base_name + "_template"
            self._admin(f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
        child(self.template_url, "migrate", self.workdir, src=self.src)

    def fresh(self, tag: str) -> str:
        if self.is_sqlite:
            path = self.workdir / f"{tag}.sqlite3"
            shutil.copyfile(self.workdir / "template.sqlite3", path)
            return f"sqlite:///{path}"
        name = f"{self.base_name}_{tag}"
        self._admin(f'DROP DATABASE IF EXISTS "{name}"',
                    f'CREATE DATABASE "{name}" TEMPLATE "{self.base_name}_template"')
        return self._url(name)

    def drop(self, *tags: str) -> None:
        """Drop the copies (and the template: tag "template") on PostgreSQL; SQLite files go with the
        temporary directory."""
        if not self.is_sqlite:
            self._admin(*(f'DROP DATABASE IF EXISTS "{self.base_name}_{tag}"' for tag in tags))


def child(database_url: str, phase: str, workdir: Path, files: dict | None = None, src: Path = REPO / "src") -> dict:
    """Run one phase in a new process (fresh settings, fresh memory high-water mark), with the
    code of ``src`` (this repository's, or another version's for --compare-src)."""
    var_dir = workdir / f"var-{abs(hash(database_url))}"
    var_dir.mkdir(exist_ok=True)
    env = {**os.environ, "DATABASE_URL": database_url, "VISD_VAR_DIR": str(var_dir), "VISD_DEBUG": "0",
           "VISD_SECRET_KEY": "import-benchmark-only", "DJANGO_SETTINGS_MODULE": "visd.settings",
           "PYTHONPATH": str(src)}
    command = [sys.executable, __file__, "--phase", phase, "--files", json.dumps(files or {})]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"phase {phase} failed on {database_url}:\n{result.stdout}\n{result.stderr}")
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {}


# ------------------------------------------------------------------------- inside the child
def _rss_mib() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _peak_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _cpu_seconds() -> float:
    """This process's CPU time (user + system): less disturbed by other load than the wall time,
    but without the database server's own work on PostgreSQL."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_phase(phase: str, files: dict) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    if phase == "migrate":
        call_command("migrate", verbosity=0, interactive=False)
        return {}

    from visd.actors.models import Actor
    from visd.matchmaking import lifecycle
    from visd.projects.models import Participation, Project

    def history_rows() -> int:
        return sum(model.history.count() for model in (Project, Actor, Participation))

    rss_before = _rss_mib()
    peak_before = _peak_mib()
    cpu_before = _cpu_seconds()
    if phase == "baseline":
        started = time.perf_counter()
        plain_bulk_insert(files["projects_file"], files["organisations_file"])
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "cpu_seconds": _cpu_seconds() - cpu_before, "rss_before_mib": rss_before, "peak_mib": _peak_mib(),
                "peak_before_mib": peak_before, "participations": Participation.objects.count()}

    from visd.imports import actions
    from visd.imports.readers import InputFile

    hook = {"seconds": 0.0, "calls": 0, "result": None}
    update_if_present = lifecycle.update_if_present

    def timed_hook(*args, **kwargs):
        started = time.perf_counter()
        hook["result"] = update_if_present(*args, **kwargs)
        hook["seconds"] += time.perf_counter() - started
        hook["calls"] += 1
        return hook["result"]

    lifecycle.update_if_present = timed_hook  # the post-import signal looks it up when it fires
    if files.get("with_index"):
        # A registry with the reference data (the taxonomy the tagging uses) and a matching index:
        # the post-import hook then updates the index and writes the new records' derived tags.
        call_command("load_reference", verbosity=0)
        lifecycle.build()
    history_before = history_rows()
    started = time.perf_counter()
    run = actions.import_cordis(InputFile.from_path(files["projects_file"]),
                                InputFile.from_path(files["organisations_file"]), source_label=LABEL)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds, "cpu_seconds": _cpu_seconds() - cpu_before, "rss_before_mib": rss_before, "peak_mib": _peak_mib(), "peak_before_mib": peak_before,
        "status": run.status, "counts": run.counts, "problems": run.problems[:5],
        "history_rows_added": history_rows() - history_before,
        "hook_seconds": hook["seconds"], "hook_calls": hook["calls"],
        "index_present": hook["result"] is not None,
        "actors": Actor.objects.count(), "participations": Participation.objects.count(),
    }


def plain_bulk_insert(projects_file: str, organisations_file: str) -> None:
    """The floor: the same rows into the same tables with bulk_create, nothing checked, no history."""
    from decimal import Decimal

    from django.db import transaction

    from visd.actors.models import Actor
    from visd.projects.models import Participation, Project

    def amount(value):
        return Decimal(value.replace(",", ".")) if value else None

    with transaction.atomic():
        with open(projects_file, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter=";"))
        projects = Project.objects.bulk_create(
            [Project(source="cordis", external_id=row["id"], acronym=row["acronym"], title=row["title"][:600],
                     objective=row["objective"], framework_programme=row["frameworkProgramme"],
                     start_date=row["startDate"] or None, end_date=row["endDate"] or None,
                     total_cost=amount(row["totalCost"]), ec_max_contribution=amount(row["ecMaxContribution"]),
                     data_source=LABEL) for row in rows], batch_size=1000)
        project_pk = {project.external_id: project.pk for project in projects}
        if None in project_pk.values():
            project_pk = dict(Project.objects.values_list("external_id", "pk"))
        with open(organisations_file, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter=";"))
        pic_column = "organisationID" if "organisationID" in rows[0] else "id"
        first = {}
        for row in rows:
            first.setdefault(row[pic_column], row)
        actors = Actor.objects.bulk_create(
            [Actor(pic=pic, name=row["name"][:300], country=row["country"], city=row["city"][:120],
                   data_source=LABEL) for pic, row in first.items()], batch_size=1000)
        actor_pk = {actor.pic: actor.pk for actor in actors}
        if None in actor_pk.values():
            actor_pk = dict(Actor.objects.values_list("pic", "pk"))
        Participation.objects.bulk_create(
            [Participation(project_id=project_pk[row["projectID"]], actor_id=actor_pk[row[pic_column]],
                           role=row["role"], ec_contribution=amount(row["ecContribution"]),
                           name_in_source=row["name"][:300]) for row in rows], batch_size=1000)


# ----------------------------------------------------------------------------------- driver
def _gib(mib: float) -> str:
    return f"{mib / 1024:.2f} GiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--files", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", action="append", dest="databases",
                        help="'sqlite' or a postgres:// URL; repeat for several (default: sqlite, and DATABASE_URL)")
    parser.add_argument("--projects", type=int, default=35_000)
    parser.add_argument("--participations", type=int, default=200_000)
    parser.add_argument("--layout", choices=("cordis", "horizon-europe"), default="cordis")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--keep-files", metavar="DIR", help="write the files here and keep them")
    parser.add_argument("--with-index", action="store_true",
                        help="also time an import into a registry with the reference data and a matching index, "
                             "whose post-import update is timed apart")
    parser.add_argument("--compare-src", metavar="DIR",
                        help="also time the import with the code in DIR/src (another version of this repository)")
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(run_phase(args.phase, json.loads(args.files)), default=str))
        return

    databases = args.databases or ["sqlite", *([os.environ["DATABASE_URL"]] if os.environ.get("DATABASE_URL") else [])]
    workdir = Path(tempfile.mkdtemp(prefix="visd-import-scale-"))
    files_dir = Path(args.keep_files) if args.keep_files else workdir
    files_dir.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        files = build_files(files_dir, args.projects, args.participations, args.layout, args.seed)
        print(f"files ({args.layout} layout, built in {time.perf_counter() - started:.0f} s): "
              f"{files['projects']:,} projects ({files['projects_mb']} MB), {files['participations']:,} participations "
              f"({files['organisations_mb']} MB) of {files['organisations_in_files']:,} organisations; "
              f"CPUs: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}")
        for url in databases:
            database = Database(url, workdir)
            database.prepare()
            imported_url = database.fresh("import")
            first = child(imported_url, "import", workdir, files)
            again = child(imported_url, "import", workdir, files)  # a new process: its own memory peak
            baseline = None if args.skip_baseline else child(database.fresh("baseline"), "baseline", workdir, files)
            database.drop("import", "baseline")
            report(database.label, first, again, baseline)
            if args.with_index:
                indexed = child(database.fresh("indexed"), "import", workdir, {**files, "with_index": True})
                database.drop("indexed")
                print(f"  import with the reference data and a matching index present: {indexed['seconds']:.1f} s, "
                      f"of which the post-import index update (re-tagging the new records) "
                      f"{indexed['hook_seconds']:.1f} s; peak RSS {_gib(indexed['peak_mib'])}")
            if args.compare_src:
                # The same two measurements with another version of the code (e.g. the importer
                # before an optimisation: `git archive <commit> src | tar -x -C DIR`).
                other_src = Path(args.compare_src).resolve() / "src"
                other = Database(url, workdir, src=other_src, suffix="compare")
                other.prepare()
                other_url = other.fresh("import")
                other_first = child(other_url, "import", workdir, files, src=other_src)
                other_again = child(other_url, "import", workdir, files, src=other_src)
                other.drop("import", "template")
                report(f"{database.label}, code of {args.compare_src}", other_first, other_again, None)
            database.drop("template")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def report(label: str, first: dict, again: dict, baseline: dict | None) -> None:
    counts = first["counts"]
    print(f"\n{label}")
    print(f"  import:     {first['seconds']:6.1f} s (target 120; {first['cpu_seconds']:.1f} s CPU in this process), peak RSS {_gib(first['peak_mib'])} (target 2 GiB; "
          f"{first['rss_before_mib']:.0f} MiB before the import), status {first['status']}, created: "
          + ", ".join(f"{counts[kind]['created']:,} {kind}" for kind in ("projects", "actors", "participations"))
          + f"; {first['history_rows_added']:,} history rows")
    print(f"              post-import matching-index hook {first['hook_seconds']:.2f} s "
          f"({'an index was updated' if first['index_present'] else 'no index to update'})")
    unchanged = again["counts"]
    changed = sum(unchanged[kind][outcome] for kind in ("projects", "actors", "participations")
                  for outcome in ("created", "updated"))
    print(f"  re-import:  {again['seconds']:6.1f} s (target 60; {again['cpu_seconds']:.1f} s CPU), peak RSS {_gib(again['peak_mib'])}, "
          f"{changed} records created or updated, {again['history_rows_added']} history rows added")
    if baseline:
        print(f"  baseline (plain bulk_create, no validation/comparison/history): {baseline['seconds']:6.1f} s "
              f"({baseline['cpu_seconds']:.1f} s CPU), "
              f"peak RSS {_gib(baseline['peak_mib'])}, {baseline['participations']:,} participations")
    if first["problems"]:
        print(f"  problems: {first['problems']}")


if __name__ == "__main__":
    main()
