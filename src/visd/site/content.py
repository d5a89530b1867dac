"""Loading the public site's first content and the programme side of the demo from the versioned
files in ``data/`` (each record with its source). Both loaders run on the importer core
(``visd.imports.core``: ``PagesImport``, ``ProgrammeImport``): they check the whole file first and
change nothing when it has a problem (``ContentError`` lists every problem; a rejected ``ImportRun``
keeps them); then they apply it in one transaction under the import lock. Both are idempotent and
never overwrite what the programme office changed since: a page that exists is left alone, and a
domain that already has a roadmap gets no demo draft.

>>> problems = check_pages({"records": [{"slug": "x", "title": {"nl": "X"}}]})
>>> "x: missing title.en" in problems and "x: missing source" in problems
True
"""

from __future__ import annotations

import datetime
from pathlib import Path

import yaml
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import translation

from visd.imports.core import Importer, Tally, Writer, run_import, saved_user
from visd.imports.models import ImportRun
from visd.imports.problems import Problem

DATA_DIR = Path(__file__).resolve().parent / "data"
PAGES_FILE = DATA_DIR / "pages.yaml"
PROGRAMME_FILE = DATA_DIR / "programme_demo.yaml"
LOADER = "visd load-programme-demo"
PAGES_KIND = "site-content"
PROGRAMME_KIND = "programme-demo"
BILINGUAL = ("title", "summary", "body")
LANGUAGES = ("nl", "en")
#: The sentences of ``texts`` in the programme file, with the names each one fills in.
DRAFT_TEXTS = {"penholder": {"penholder"}, "period": {"start", "end"}, "item": set()}


class ContentError(ValueError):
    def __init__(self, problems: list[str], run: ImportRun | None = None):
        super().__init__("; ".join(problems))
        self.problems = problems
        self.run = run  # the rejected ImportRun of a refused load (None after a dry run)


def content_refused(problems: list[Problem], run: ImportRun | None) -> ContentError:
    """A refused load as ``ContentError``: the problems' texts, each naming its record."""
    return ContentError([problem.message for problem in problems], run)


def _problems(file: str, texts: list[str]) -> list[Problem]:
    # The content checks name the record in their text; the whole text is the message.
    return [Problem(file=file, code="invalid", message=text) for text in texts]


def read(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ContentError([f"{path.name}: {error}"]) from error
    if not isinstance(data, dict) or not isinstance(data.get("records", data.get("roadmaps")), list):
        raise ContentError([f"{path.name}: not a content file (no list of records)"])
    return data


def check_pages(data: dict) -> list[str]:
    problems, seen = [], set()
    for number, record in enumerate(data["records"], start=1):
        slug = record.get("slug") or f"record {number}"
        if slug in seen:
            problems.append(f"{slug}: appears twice")
        seen.add(slug)
        for field in BILINGUAL:
            for language in ("nl", "en"):
                if not str((record.get(field) or {}).get(language, "")).strip():
                    problems.append(f"{slug}: missing {field}.{language}")
        if not str(record.get("source", "")).strip():
            problems.append(f"{slug}: missing source")
        if record.get("kind", "about") not in ("about", "partner"):
            problems.append(f"{slug}: unknown kind {record.get('kind')!r}")
    return problems


class PagesImport(Importer):
    """The pages of a content file that do not exist yet, created published."""

    kind = PAGES_KIND

    def __init__(self, path: Path = PAGES_FILE):
        self.path = path
        self.files = [path.name]
        self.created: list[str] = []

    def check(self) -> list[Problem]:
        try:
            self.data = read(self.path)
        except ContentError as error:
            return _problems(self.path.name, error.problems)
        return _problems(self.path.name, check_pages(self.data))

    def write(self, user) -> dict:
        from .models import Page

        writer = Writer(user, f"first version from {self.path.name} (version {self.data.get('version')})")
        tally = Tally("pages")
        self.created = []
        existing = set(Page.objects.values_list("slug", flat=True))
        for record in self.data["records"]:
            if record["slug"] in existing:
                tally.add("pages", "unchanged")
                continue
            page = Page(slug=record["slug"], kind=record.get("kind", "about"), order=record.get("order", 0),
                        external_url=record.get("external_url", ""),
                        instrument_codes=", ".join(record.get("instruments", [])),
                        source=record["source"], published=True)
            for field in BILINGUAL:
                for language in ("nl", "en"):
                    setattr(page, f"{field}_{language}", record[field][language].strip())
            writer.save(page)
            self.created.append(page.slug)
            tally.add("pages", "created")
        return tally.counts


def load_pages(path: Path = PAGES_FILE, user=None, *, check_only: bool = False, wait: bool = True) -> list[str]:
    """Create the pages of ``path`` that do not exist yet, published, through the importer core.
    Returns the slugs created; raises ``ContentError`` with every problem."""
    importer = PagesImport(path)
    run_import(importer, user, wait=wait, dry_run=check_only, refused_error=content_refused)
    return importer.created


def check_programme(data: dict, domain_codes: set[str]) -> list[str]:
    from visd.events.models import EventKind
    from visd.roadmaps.models import ItemKind

    problems = []
    if not domain_codes:
        return ["the focus domains are not loaded: run visd load-reference first"]
    period = data.get("programme_period") or {}
    if not (isinstance(period.get("start"), int) and isinstance(period.get("end"), int) and period.get("source")):
        problems.append("programme_period: needs start, end and source")
    problems += [f"draft_notice: missing {language}" for language in _missing(data.get("draft_notice"))]
    texts = data.get("texts") or {}
    for name, fields in DRAFT_TEXTS.items():
        problems += [f"texts.{name}: missing {language}" for language in _missing(texts.get(name))]
        for language in LANGUAGES:
            try:
                str((texts.get(name) or {}).get(language, "")).format(**{field: "x" for field in fields})
            except (KeyError, IndexError, ValueError) as error:
                problems.append(f"texts.{name}.{language}: fills in only {sorted(fields)} ({error!r})")
    for record in data["roadmaps"]:
        code = record.get("domain")
        if code not in domain_codes:
            problems.append(f"roadmaps: unknown focus domain {code!r}")
        for part in ("penholder", "ecosystem"):
            if part in record and not (isinstance(record[part], dict) and record[part].get("source")):
                problems.append(f"roadmaps {code}: {part} needs text and source")
            elif part in record:
                problems += [f"roadmaps {code}: {part} missing text.{language}"
                             for language in _missing(record[part].get("text"))]
        if "penholder" not in record:
            problems.append(f"roadmaps {code}: missing penholder")
    for item in data.get("items", []):
        title = (item.get("title") if isinstance(item.get("title"), dict) else {}).get("nl") or "item without title"
        problems += [f"items {title}: missing title.{language}" for language in _missing(item.get("title"))]
        if item.get("kind") not in ItemKind.values:
            problems.append(f"items {title}: unknown kind {item.get('kind')!r}")
        if not item.get("source"):
            problems.append(f"items {title}: missing source")
        for code in item.get("domains", []):
            if code not in domain_codes:
                problems.append(f"items {title}: unknown focus domain {code!r}")
    for record in data.get("announcements", []):
        code = record.get("code") or "announcement without code"
        if record.get("kind") not in EventKind.values:
            problems.append(f"announcements {code}: unknown kind {record.get('kind')!r}")
        for field in ("title", "description", "when"):
            for language in ("nl", "en"):
                if not str((record.get(field) or {}).get(language, "")).strip():
                    problems.append(f"announcements {code}: missing {field}.{language}")
        if not record.get("source"):
            problems.append(f"announcements {code}: missing source")
    return problems


def _missing(text) -> list[str]:
    """The languages a text of the programme file lacks: each is ``{nl: ..., en: ...}``."""
    if not isinstance(text, dict):
        return list(LANGUAGES)
    return [language for language in LANGUAGES if not str(text.get(language) or "").strip()]


def _note(obj, source: str) -> None:
    from .models import Provenance

    Provenance.objects.update_or_create(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk,
                                        defaults={"source": source, "loaded_by": LOADER})


def _sourced(text: str, source: str, language: str) -> str:
    """A sentence followed by its source as people read it in ``language`` (title and section, no
    file or line)."""
    from visd.sources.citations import plain_text

    with translation.override(language):
        return f"{text} [{plain_text(source)}]"


def _draft_texts(data: dict, record: dict, domain, language: str) -> dict[str, str]:
    """The texts of a domain's starting draft in ``language`` ("nl": the roadmap's own fields; "en":
    the ``*_en`` ones), each sentence with its source."""
    period, texts = data["programme_period"], data["texts"]
    definition = (domain.description_en if language == "en" else "") or domain.description_nl
    label = (domain.label_en if language == "en" else "") or domain.label_nl
    introduction = [data["draft_notice"][language], "",
                    _sourced(definition or label, domain.source.split(";")[0], language)]
    mapping = [_sourced(texts["penholder"][language].format(penholder=record["penholder"]["text"][language]),
                        record["penholder"]["source"], language)]
    if "ecosystem" in record:
        mapping.append(_sourced(record["ecosystem"]["text"][language], record["ecosystem"]["source"], language))
    suffix = "_en" if language == "en" else ""
    return {
        f"introduction{suffix}": "\n".join(introduction),
        f"mapping_text{suffix}": "\n\n".join(mapping),
        f"roadmap_text{suffix}": _sourced(texts["period"][language].format(start=period["start"], end=period["end"]),
                                          period["source"], language),
        f"conclusion{suffix}": "",
    }


class ProgrammeImport(Importer):
    """The roadmap drafts and the announced events of the programme file; with ``dates``
    (``[(code, first day)]``) those announced events are scheduled in the same transaction."""

    kind = PROGRAMME_KIND

    def __init__(self, path: Path = PROGRAMME_FILE, dates: list[tuple[str, datetime.date]] = (), location: str = ""):
        self.path = path
        self.files = [path.name]
        self.dates = list(dates)
        self.location = location
        self.scheduled: list = []

    def check(self) -> list[Problem]:
        from visd.taxonomy.models import Concept

        from .models import Announcement

        try:
            self.data = read(self.path)
        except ContentError as error:
            return _problems(self.path.name, error.problems)
        self.domains = {concept.code: concept for concept in Concept.objects.filter(scheme="focus_domain")}
        problems = _problems(self.path.name, check_programme(self.data, set(self.domains)))
        stored = dict(Announcement.objects.values_list("code", "event__date"))
        known = set(stored) | {record.get("code") for record in self.data.get("announcements", [])}
        seen = set()
        for code, _day in self.dates:
            if code not in known:
                problems.append(Problem(file="--schedule", code="unknown", message=(
                    f"no announced event {code!r}: " + ", ".join(sorted(filter(None, known))))))
            elif stored.get(code) is not None:
                problems.append(Problem(file="--schedule", code="scheduled",
                                        message=f"{code} is already scheduled on {stored[code]:%Y-%m-%d}"))
            elif code in seen:
                problems.append(Problem(file="--schedule", code="twice", message=f"{code} is given twice"))
            seen.add(code)
        return problems

    def write(self, user) -> dict:
        from visd.roadmaps import actions as roadmap_actions
        from visd.roadmaps.models import Roadmap

        from .models import Announcement

        user = saved_user(user)
        data, domains, period = self.data, self.domains, self.data["programme_period"]
        tally = Tally("roadmaps", "roadmap_items", "announcements", "events")
        for record in data["roadmaps"]:
            domain = domains[record["domain"]]
            if Roadmap.objects.filter(domain=domain).exists():
                tally.add("roadmaps", "unchanged")
                continue  # the programme office has started this domain's roadmap: leave it alone
            roadmap = roadmap_actions.start_version(domain, acting_user=user)
            roadmap_actions.update_roadmap(
                roadmap, {**_draft_texts(data, record, domain, "nl"), **_draft_texts(data, record, domain, "en")},
                acting_user=user, expected_revision=None)
            sources = [domain.source.split(";")[0], record["penholder"]["source"]]
            if "ecosystem" in record:
                sources.append(record["ecosystem"]["source"])
            _note(roadmap, "; ".join(sources))
            tally.add("roadmaps", "created")
            for order, item in enumerate(data.get("items", []), start=1):
                if record["domain"] not in item["domains"]:
                    continue
                related = [domains[code] for code in item["domains"] if code != record["domain"]]
                created = roadmap_actions.add_item(roadmap, {
                    "kind": item["kind"], "title": item["title"]["nl"][:300], "title_en": item["title"]["en"][:300],
                    "description": _sourced(data["texts"]["item"]["nl"], item["source"], "nl"),
                    "description_en": _sourced(data["texts"]["item"]["en"], item["source"], "en"),
                    "start_year": period["start"], "end_year": period["end"], "order": order,
                }, acting_user=user, related_domains=related)
                _note(created, item["source"])
                tally.add("roadmap_items", "created")
        for record in data.get("announcements", []):
            _announcement, made = Announcement.objects.get_or_create(code=record["code"], defaults={
                "kind": record["kind"], "source": record["source"],
                **{f"{field}_{language}": record[field][language]
                   for field in ("title", "description", "when") for language in ("nl", "en")},
            })
            tally.add("announcements", "created" if made else "unchanged")
        self.scheduled = [(code, schedule(code, day, location=self.location, acting_user=user)) for code, day in self.dates]
        tally.add("events", "created", len(self.scheduled))
        return tally.counts


def load_programme(path: Path = PROGRAMME_FILE, user=None, *, check_only: bool = False,
                   wait: bool = True) -> dict[str, int]:
    """The roadmap drafts and the announced events of ``path``, through the importer core. Returns
    counts of what was created; raises ``ContentError`` with every problem."""
    counts = run_import(ProgrammeImport(path), user, wait=wait, dry_run=check_only, refused_error=content_refused).counts
    return {"roadmaps": counts["roadmaps"]["created"], "items": counts["roadmap_items"]["created"],
            "announcements": counts["announcements"]["created"]}


def schedule(code: str, first_day: datetime.date, *, location: str = "", acting_user=None):
    """Give an announced event its date: creates the ``visd.events`` event (with the announcement's
    source as its provenance) and links it. Refused if it is already scheduled."""
    from visd.events import actions as event_actions

    from .models import Announcement

    announcement = Announcement.objects.filter(code=code).first()
    if announcement is None:
        raise ContentError([f"no announced event {code!r}: "
                            + ", ".join(Announcement.objects.values_list("code", flat=True))])
    if announcement.event_id:
        raise ContentError([f"{code} is already scheduled on {announcement.event.date:%Y-%m-%d}"])
    with transaction.atomic():
        event = event_actions.create_event({
            "title": announcement.title_nl, "kind": announcement.kind, "date": first_day, "end_date": None,
            "domain": None, "location": location, "description": announcement.description_nl, "capacity": None,
        }, acting_user=acting_user)
        announcement.event = event
        announcement.save()
        _note(event, announcement.source)
    return event
