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

DATA_DIR = Path(__file__).resolve().parent / "data"
PAGES_FILE = DATA_DIR / "pages.yaml"
PROGRAMME_FILE = DATA_DIR / "programme_demo.yaml"
LOADER = "visd load-programme-demo"
BILINGUAL = ("title", "summary", "body")


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
    if not str(data.get("draft_notice", "")).strip():
        problems.append("draft_notice: missing")
    for record in data["roadmaps"]:
        code = record.get("domain")
        if code not in domain_codes:
            problems.append(f"roadmaps: unknown focus domain {code!r}")
        for part in ("penholder", "ecosystem"):
            if part in record and not (record[part].get("text") and record[part].get("source")):
                problems.append(f"roadmaps {code}: {part} needs text and source")
        if "penholder" not in record:
            problems.append(f"roadmaps {code}: missing penholder")
    for item in data.get("items", []):
        title = item.get("title") or "item without title"
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


def _note(obj, source: str) -> None:
    from .models import Provenance

    Provenance.objects.update_or_create(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk,
                                        defaults={"source": source, "loaded_by": LOADER})


def _sourced(text: str, source: str) -> str:
    """A sentence followed by its source as people read it (title and section, no file or line)."""
    from visd.sources.citations import plain_text

    return f"{text} [{plain_text(source)}]"


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
            introduction = [data["draft_notice"], "",
                            _sourced(domain.description_nl or domain.label_nl, domain.source.split(";")[0])]
            mapping = [_sourced(f"Penhouder van de oriëntatieroadmap: {record['penholder']['text']}.",
                                record["penholder"]["source"])]
            if "ecosystem" in record:
                mapping.append(_sourced(record["ecosystem"]["text"], record["ecosystem"]["source"]))
            roadmap_actions.update_roadmap(roadmap, {
                "introduction": "\n".join(introduction),
                "mapping_text": "\n\n".join(mapping),
                "roadmap_text": _sourced(
                    f"De lijnen hieronder lopen over de programmaperiode {period['start']}-{period['end']}: de "
                    "strategie geeft geen jaartallen per lijn. Pas ze aan bij het uitwerken van de roadmap.",
                    period["source"]),
                "conclusion": "",
            }, acting_user=None, expected_revision=None)
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
                    "kind": item["kind"], "title": item["title"][:300],
                    "description": _sourced("Startversie uit de strategie.", item["source"]),
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
