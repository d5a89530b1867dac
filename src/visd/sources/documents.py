"""The five source documents: what each is, where its text lies, and its sections.

The texts were extracted from the published PDFs (see ../shared/REFERENCE.md): one line of text per
line of the file, page layout lost, so a page number is known only where a source note gives one.
The reference data points into them by line; pages show the document's title and section instead,
and link to the passage on the document's own page (``visd.sources.views``).

Where the text lies: ``VISD_SOURCES_DIR`` (setting or environment variable) if set, else the
clone's ``data/sources`` (the repository carries the five public documents), else ``../shared/seeds``
beside the clone. Without any of them the document pages still name the document and say that its
text is not installed, so citations never break.

>>> document_for("003").slug, document_for("VISD").number
('visd', '003')
>>> document_for("nothing") is None
True
>>> [h.number for h in detect_headings(["1 Inleiding", "2 VARIO (2024). Advies 38.", "1.1 Cyclus", "3 Plan"])]
['1', '1.1']
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language

REPOSITORY = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Document:
    number: str          # the file's prefix in data/sources, e.g. "003"
    slug: str            # the page's address, e.g. /sources/visd/
    file_name: str
    title_nl: str
    title_en: str
    short_nl: str        # how a citation names it
    short_en: str
    publisher_nl: str
    publisher_en: str
    year: str
    aliases: tuple[str, ...]   # names the source notes use for it

    @property
    def title(self) -> str:
        return self.title_en if _english() else self.title_nl

    @property
    def short(self) -> str:
        return self.short_en if _english() else self.short_nl

    @property
    def publisher(self) -> str:
        return self.publisher_en if _english() else self.publisher_nl


DOCUMENTS: tuple[Document, ...] = (
    Document("000", "defensie-verwachtingen", "000_ca3b16bf29b2079d.txt",
             "Wat verwacht Defensie van bedrijven?", "What does Defence expect from companies?",
             "Defensie, Wat verwacht Defensie van bedrijven?", "Defence, What does Defence expect from companies?",
             "Belgische Defensie", "Belgian Defence", "2025",
             ("Defence expectations",)),
    Document("001", "vario-advies-38", "001_23b873bd128b8950.txt",
             "VARIO-advies 38: Opportuniteiten en noden voor de Vlaamse defensie-industrie en -innovatie",
             "VARIO advice 38: Opportunities and needs of the Flemish defence industry and innovation",
             "VARIO-advies 38", "VARIO advice 38",
             "Vlaamse Adviesraad voor Innoveren en Ondernemen (VARIO)",
             "Flemish Advisory Council for Innovation and Enterprise (VARIO)", "2024",
             ("VARIO advice 38", "VARIO advice", "VARIO")),
    Document("002", "vlaams-defensieplan", "002_c0eedb6b69a6960d.txt",
             "Vlaams Defensieplan (mededeling aan de Vlaamse Regering)",
             "Flemish Defence Plan (communication to the Flemish Government)",
             "Vlaams Defensieplan", "Flemish Defence Plan",
             "Vlaamse Regering", "Flemish Government", "2025",
             ("Flemish Defence Plan", "Defence Plan")),
    Document("003", "visd", "003_27119044b2e4ee18.txt",
             "Vlaamse Innovatie- en Industriestrategie voor Veiligheid & Defensie (VISD)",
             "Flemish Innovation and Industry Strategy for Security & Defence (VISD)",
             "VISD-strategie", "VISD strategy",
             "Vlaamse Regering", "Flemish Government", "2025",
             ("VISD",)),
    Document("004", "strategische-visie-2025", "004_029bcd82d3003314.txt",
             "Strategische Visie Defensie 2025", "Belgian Defence Strategic Vision 2025",
             "Strategische Visie Defensie 2025", "Defence Strategic Vision 2025",
             "Belgische Defensie", "Belgian Defence", "2025",
             ("Belgian Defence Strategic Vision 2025", "Strategic Vision 2025", "Strategic Vision", "SV2025")),
)
BY_NUMBER = {d.number: d for d in DOCUMENTS}
BY_SLUG = {d.slug: d for d in DOCUMENTS}


def _english() -> bool:
    return (get_language() or "nl").startswith("en")


def document_for(key: str) -> Document | None:
    """The document with this number ("003"), file name, slug or alias ("VISD"), else None."""
    key = (key or "").strip()
    if key[:3] in BY_NUMBER and (len(key) == 3 or key.endswith(".txt")):
        return BY_NUMBER[key[:3]]
    if key in BY_SLUG:
        return BY_SLUG[key]
    for document in DOCUMENTS:
        if key in document.aliases:
            return document
    return None


def text_directories() -> list[Path]:
    configured = getattr(settings, "VISD_SOURCES_DIR", None) or os.environ.get("VISD_SOURCES_DIR")
    if configured:
        return [Path(configured)]
    return [REPOSITORY / "data" / "sources", REPOSITORY.parent / "shared" / "seeds"]


def text_path(document: Document) -> Path | None:
    for directory in text_directories():
        candidate = directory / document.file_name
        if candidate.is_file():
            return candidate
    return None


@lru_cache(maxsize=8)
def _read(path: str, mtime: float) -> tuple[str, ...]:
    return tuple(Path(path).read_text(encoding="utf-8").splitlines())


def lines_of(document: Document) -> tuple[str, ...] | None:
    """The document's lines (line 1 is element 0), or None when its text is not installed."""
    path = text_path(document)
    if path is None:
        return None
    return _read(str(path), path.stat().st_mtime)


@dataclass(frozen=True)
class Heading:
    line: int       # 1-based
    number: str     # "4.3.1", "B", "HOOFDSTUK 7"
    title: str

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def anchor(self) -> str:
        return f"h{self.line}"


NUMBERED = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(\S.{1,78}?)\s*$")
LETTERED = re.compile(r"^\s*([A-H])\.\s+([A-Z][A-Z0-9 ,&'’()-]{3,78}?)\s*$")
CHAPTER = re.compile(r"^\s*\d*\s*(HOOFDSTUK\s+\d+)\s*\|\s*(.{2,78}?)\s*$")
# Footnotes share the numbered form ("4 VARIO (2024). Advies 38 ..."): a year in brackets, an
# author's initial or a sentence end give them away.
FOOTNOTE = re.compile(r"\(\d{4}\)|,\s[A-Z]\.|\.\s|\.$|:$|https?://")


def _key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def detect_headings(lines) -> list[Heading]:
    """Section headings of an extracted text, in order. Numbered headings must follow each other
    (a number after the previous one, the top level rising by at most one), which leaves out page
    numbers and footnotes that look like headings."""
    found: list[Heading] = []
    previous: tuple[int, ...] = ()
    for index, raw in enumerate(lines, start=1):
        match = CHAPTER.match(raw)
        if match:
            found.append(Heading(index, match.group(1), match.group(2)))
            continue
        match = LETTERED.match(raw)
        if match:
            found.append(Heading(index, match.group(1), match.group(2).strip()))
            continue
        match = NUMBERED.match(raw)
        if not match or FOOTNOTE.search(match.group(2)) or not match.group(2)[0].isupper():
            continue
        key = _key(match.group(1))
        if previous and (key <= previous or key[0] > previous[0] + 1):
            continue
        if not previous and key[0] > 2:
            continue
        previous = key
        found.append(Heading(index, match.group(1), match.group(2)))
    return found


@lru_cache(maxsize=8)
def _headings(path: str, mtime: float) -> tuple[Heading, ...]:
    return tuple(detect_headings(_read(path, mtime)))


def headings_of(document: Document) -> tuple[Heading, ...]:
    path = text_path(document)
    if path is None:
        return ()
    return _headings(str(path), path.stat().st_mtime)


def section_at(document: Document, line: int) -> Heading | None:
    """The heading of the section that holds ``line``, when the text is installed."""
    current = None
    for heading in headings_of(document):
        if heading.line > line:
            break
        current = heading
    return current
