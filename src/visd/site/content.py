"""Loading the public site's first content and the programme side of the demo from the versioned
files in ``data/`` (each record with its source). Both loaders check the whole file first and change
nothing when it has a problem (``ContentError`` lists every problem); then they apply it in one
transaction. Both are idempotent and never overwrite what the programme office changed since:
a page that exists is left alone, and a domain that already has a roadmap gets no demo draft.

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

DATA_DIR = Path(__file__).resolve().parent / "data"
PAGES_FILE = DATA_DIR / "pages.yaml"
PROGRAMME_FILE = DATA_DIR / "programme_demo.yaml"
LOADER = "visd load-programme-demo"
BILINGUAL = ("title", "summary", "body")
LANGUAGES = ("nl", "en")
#: The sentences of ``texts`` in the programme file, with the names each one fills in.
DRAFT_TEXTS = {"penholder": {"penholder"}, "period": {"start", "end"}, "item": set()}


class ContentError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


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


def load_pages(path: Path = PAGES_FILE) -> list[str]:
    """Create the pages of ``path`` that do not exist yet, published. Returns the slugs created."""
    from .models import Page

    data = read(path)
    problems = check_pages(data)
    if problems:
        raise ContentError(problems)
    created = []
    with transaction.atomic():
        for record in data["records"]:
            if Page.objects.filter(slug=record["slug"]).exists():
                continue
            page = Page(slug=record["slug"], kind=record.get("kind", "about"), order=record.get("order", 0),
                        external_url=record.get("external_url", ""),
                        instrument_codes=", ".join(record.get("instruments", [])),
                        source=record["source"], published=True)
            for field in BILINGUAL:
                for language in ("nl", "en"):
                    setattr(page, f"{field}_{language}", record[field][language].strip())
            page._change_reason = f"first version from {path.name} (version {data.get('version')})"
            page.save()
            created.append(page.slug)
    return created


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


def load_programme(path: Path = PROGRAMME_FILE) -> dict[str, int]:
    """The roadmap drafts and the announced events of ``path``. Returns counts of what was created."""
    from visd.roadmaps import actions as roadmap_actions
    from visd.roadmaps.models import Roadmap
    from visd.taxonomy.models import Concept

    from .models import Announcement

    data = read(path)
    domains = {concept.code: concept for concept in Concept.objects.filter(scheme="focus_domain")}
    problems = check_programme(data, set(domains))
    if problems:
        raise ContentError(problems)
    period = data["programme_period"]
    counts = {"roadmaps": 0, "items": 0, "announcements": 0}
    with transaction.atomic():
        for record in data["roadmaps"]:
            domain = domains[record["domain"]]
            if Roadmap.objects.filter(domain=domain).exists():
                continue  # the programme office has started this domain's roadmap: leave it alone
            roadmap = roadmap_actions.start_version(domain, acting_user=None)
            roadmap_actions.update_roadmap(
                roadmap, {**_draft_texts(data, record, domain, "nl"), **_draft_texts(data, record, domain, "en")},
                acting_user=None, expected_revision=None)
            sources = [domain.source.split(";")[0], record["penholder"]["source"]]
            if "ecosystem" in record:
                sources.append(record["ecosystem"]["source"])
            _note(roadmap, "; ".join(sources))
            counts["roadmaps"] += 1
            for order, item in enumerate(data.get("items", []), start=1):
                if record["domain"] not in item["domains"]:
                    continue
                related = [domains[code] for code in item["domains"] if code != record["domain"]]
                created = roadmap_actions.add_item(roadmap, {
                    "kind": item["kind"], "title": item["title"]["nl"][:300], "title_en": item["title"]["en"][:300],
                    "description": _sourced(data["texts"]["item"]["nl"], item["source"], "nl"),
                    "description_en": _sourced(data["texts"]["item"]["en"], item["source"], "en"),
                    "start_year": period["start"], "end_year": period["end"], "order": order,
                }, acting_user=None, related_domains=related)
                _note(created, item["source"])
                counts["items"] += 1
        for record in data.get("announcements", []):
            announcement, made = Announcement.objects.get_or_create(code=record["code"], defaults={
                "kind": record["kind"], "source": record["source"],
                **{f"{field}_{language}": record[field][language]
                   for field in ("title", "description", "when") for language in ("nl", "en")},
            })
            counts["announcements"] += made
    return counts


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
