"""Source notes as citations people can read.

The reference data and the screening rules note where a fact comes from the way an analyst works:
``"VISD (003_27119044b2e4ee18.txt), annex 2, lines 1879-1897; url line 1164"``. Users see
neither file names nor line numbers: ``parse`` turns a note into citations (the document, the
section the note names, the line ranges kept only for the link), and ``render`` shows them as the
document's short title and section, linking to the passage on the document's page inside the Hub.
A note that names no document (a legal act, a public data set) is shown as its text, with file names
taken out, and links to the act on EUR-Lex or the UN's document system when it names one.

>>> from django.utils import translation
>>> with translation.override("en"):
...     [c.label for c in parse("VISD (003_27119044b2e4ee18.txt), annex 2, lines 1879-1897; url line 1164")]
['VISD strategy, annex 2']
>>> parse("VISD (003_27119044b2e4ee18.txt), annex 2, lines 1879-1897")[0].ranges
[(1879, 1897)]
>>> with translation.override("nl"):
...     plain_text("Flemish Defence Plan (002), 1.1, line 141")
'Vlaams Defensieplan, 1.1'
>>> plain_text("Common Position 2008/944/CFSP, art. 2 (REFERENCE.md)")
'Common Position 2008/944/CFSP, art. 2'
>>> parse("Council Decision 2014/512/CFSP of 31 July 2014")[0].url
'https://eur-lex.europa.eu/eli/dec/2014/512/oj'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .documents import DOCUMENTS, Document, document_for, section_at

BRACKETED_FILE = re.compile(r"\(\s*(?:data/sources/)?(\d{3})(?:_[0-9a-f]{16}\.txt)?\s*\)")
BARE_FILE = re.compile(r"(?:data/sources/)?(\d{3})_[0-9a-f]{16}\.txt")
NUMBER = r"~?\s*\d+(?:\s*[-–]\s*~?\s*\d+)?"
LINES = re.compile(rf"\b(?:lines?|regels?)\s*({NUMBER}(?:\s*(?:,|and|en)\s*{NUMBER})*)", re.IGNORECASE)
PAGE = re.compile(r"\bp(?:p|age)?\.?\s*\d+", re.IGNORECASE)
DATA_PATH = re.compile(r"(?:data/)?(?:public/)?[\w-]+(?:/[\w.-]+)*/[\w.-]+\.(?:jsonl|csv|tsv|yaml|json|txt|md)\b")
INTERNAL_FILE = re.compile(r"\(?\s*\b(?:REFERENCE|README|GUIDE)\.md\b\s*\)?")
URL_WORD = re.compile(r"\burls?\b:?", re.IGNORECASE)
# What a shown note must never contain (the test of user pages uses the same patterns).
FILE_NAME = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b|\b(?:REFERENCE|README|GUIDE)\.md\b|data/(?:sources|public)/")
# ("Budget line" followed by a year column is a table header, not a line number.)
LINE_NUMBER = re.compile(r"(?<!budget )(?<!Budget )\b(?:lines?|regels?)\s+~?\d+", re.IGNORECASE)

DATA_SETS = (  # what a path under data/public is, for people
    ("calls/", "EU Funding & Tenders portal"),
    ("export_control/", "Wassenaar Arrangement Munitions List (2018)"),
    ("cordis", "CORDIS"),
    ("edf/", "European Defence Fund results (CORDIS)"),
    ("facilities/", "MERIL"),
)
SECTION_WORDS_NL = ((r"\bannex\b", "bijlage"), (r"\bch\.", "hoofdstuk"), (r"\bchapter\b", "hoofdstuk"),
                    (r"\bfootnote\b", "voetnoot"), (r"\bsummary table\b", "overzichtstabel"),
                    (r"\bcapability table\b", "capaciteitstabel"), (r"\btable\b", "tabel"),
                    (r"\bbox\b", "kader"), (r"\band\b", "en"), (r"\bGovernance\b", "Governance"))
ACTS = (
    (re.compile(r"Regulation \((?:EU|EC|EEC)\) (?:No )?(\d+)/(\d+)"), "reg"),
    (re.compile(r"Common Position (\d{4})/(\d+)/CFSP"), "compos"),
    (re.compile(r"Decision (?:\(CFSP\) )?(\d{4})/(\d+)(?:/CFSP)?"), "dec"),
    (re.compile(r"Recommendation (\d{4})/(\d+)/EC"), "reco"),
)
UN_RESOLUTION = re.compile(r"[Rr]esolution (\d{3,4}) \((\d{4})\)")


def _english() -> bool:
    return (get_language() or "nl").startswith("en")


def act_url(text: str) -> str:
    """The public address of the first EU act or UN Security Council resolution ``text`` names."""
    found = []
    for pattern, kind in ACTS:
        for match in pattern.finditer(text):
            first, second = match.groups()
            # Old regulations are numbered number/year ("(EC) No 428/2009"), newer ones year/number.
            year, number = (first, second) if len(first) == 4 and int(first) > 1950 else (second, first)
            found.append((match.start(), f"https://eur-lex.europa.eu/eli/{kind}/{year}/{int(number)}/oj"))
    for match in UN_RESOLUTION.finditer(text):
        found.append((match.start(), f"https://undocs.org/S/RES/{match.group(1)}({match.group(2)})"))
    return min(found)[1] if found else ""


@dataclass
class Citation:
    document: Document | None = None
    section: str = ""
    ranges: list[tuple[int, int]] = field(default_factory=list)
    text: str = ""
    url: str = ""

    @property
    def shown_section(self) -> str:
        if self.section:
            return _localise(self.section)
        if self.document and self.ranges:
            heading = section_at(self.document, self.ranges[0][0])
            if heading:
                return heading.label
        return ""

    @property
    def label(self) -> str:
        if self.document is None:
            return self.text
        section = self.shown_section
        return f"{self.document.short}, {section}" if section else self.document.short

    @property
    def href(self) -> str:
        if self.document is None:
            return self.url
        address = reverse("sources:document", args=[self.document.slug])
        if not self.ranges:
            return address
        passage = ",".join(f"{a}-{b}" if a != b else str(a) for a, b in self.ranges)
        return f"{address}?{urlencode({'passage': passage})}#r{self.ranges[0][0]}"


def _localise(section: str) -> str:
    if _english():
        return section
    for pattern, word in SECTION_WORDS_NL:
        section = re.sub(pattern, word, section)
    return section


def _ranges(text: str) -> list[tuple[int, int]]:
    ranges = []
    for part in re.split(r"\s*(?:,|and|en)\s*", text):
        numbers = [int(n) for n in re.findall(r"\d+", part)]
        if numbers:
            ranges.append((numbers[0], numbers[-1]) if numbers[-1] >= numbers[0] else (numbers[0], numbers[0]))
    return ranges


def _tidy(text: str) -> str:
    text = re.sub(r"\(\s*[,;]?\s*\)", "", text)
    text = re.sub(r"\s+([,.;)])", r"\1", text)
    text = re.sub(r"[,;]\s*\)", ")", text)
    text = re.sub(r"\s{2,}", " ", text).strip(" ,;:.-–")
    text = re.sub(r"^(?:\([^()]*\),?\s*)+$", lambda m: "(" + ", ".join(re.findall(r"\(([^()]*)\)", m.group(0))) + ")", text)
    if text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1]
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for character in text:
        depth += {"(": 1, ")": -1}.get(character, 0)
        if depth < 0:
            return False
    return depth == 0


def _data_set(match: re.Match) -> str:
    path = match.group(0)
    for marker, name in DATA_SETS:
        if marker in path:
            return name
    return "public data set" if _english() else "publieke dataset"


def _document_in(segment: str) -> tuple[Document | None, str]:
    """The document a segment names (by file name or number, or by a name such as "SV2025" at its
    start when it also gives a page or line) and the segment without that name."""
    match = BRACKETED_FILE.search(segment) or BARE_FILE.search(segment)
    if not match:
        stripped = segment.lstrip()
        if PAGE.search(segment) or LINES.search(segment):
            for document in DOCUMENTS:
                for alias in sorted(document.aliases, key=len, reverse=True):
                    if re.match(rf"{re.escape(alias)}\b(?![ -](?:screening|taxonomy))", stripped):
                        return document, stripped[len(alias):]
        return None, segment
    document = document_for(match.group(1))
    if document is None:
        return None, segment
    before, after = segment[:match.start()], segment[match.end():]
    for alias in sorted(document.aliases, key=len, reverse=True):
        position = before.rfind(alias)
        if position >= 0:
            before = before[:position] + before[position + len(alias):]
            break
    return document, before + " " + after


def parse(note: str) -> list[Citation]:
    """The citations of a source note, in order; parts on one document are merged."""
    citations: list[Citation] = []
    current: Document | None = None
    for segment in re.split(r";", note or ""):
        if not segment.strip():
            continue
        document, rest = _document_in(segment)
        ranges = []
        for match in LINES.finditer(rest):
            ranges += _ranges(match.group(1))
        rest = LINES.sub(" ", rest)
        if PAGE.search(rest):
            ranges = []   # lines counted on a page are not lines of the text: link the document only
        rest = INTERNAL_FILE.sub(" ", rest)
        rest = DATA_PATH.sub(_data_set, rest)
        if document is None and ranges and current is not None:
            document = current   # "annex 2 line 1736" after "VISD (003...)": the same document
        if document is not None:
            current = document
            section = _tidy(URL_WORD.sub(" ", rest))
            previous = citations[-1] if citations else None
            if previous and previous.document == document:
                previous.ranges += ranges
                if section and section not in previous.section:
                    previous.section = f"{previous.section}; {section}" if previous.section else section
                continue
            citations.append(Citation(document=document, section=section, ranges=ranges))
        else:
            text = _tidy(rest)
            if text:
                citations.append(Citation(text=text, url=act_url(text)))
    return citations


def _as_written(note: str, citations: list[Citation]) -> bool:
    """Whether a note is shown as written: it names no document, no public act and no file (a KPI
    record's "why it counts", free text), so there is nothing to turn into a citation."""
    plain = note or ""
    return (not any(c.document is not None or c.href for c in citations)
            and INTERNAL_FILE.search(plain) is None and DATA_PATH.search(plain) is None
            and LINES.search(plain) is None)


def plain_text(note: str) -> str:
    """The note as people read it, without links (for exports and plain-text places)."""
    citations = parse(note)
    if _as_written(note, citations):
        return (note or "").strip()
    return "; ".join(c.label for c in citations)


def render(note: str, url: str = "") -> SafeString:
    """HTML of the note's citations: each a link to the document's passage or the public act.
    ``url`` (e.g. an export restriction's legal act address) links a citation that names no
    document and has no known address."""
    citations = parse(note)
    if _as_written(note, citations) and not url:
        return format_html("{}", (note or "").strip())
    parts = []
    for citation in citations:
        href = citation.href or (url if citation.document is None else "")
        if href and citation.document is None:
            parts.append(format_html('<a href="{}" rel="noopener noreferrer external">{}</a>', href, citation.label))
        elif href:
            parts.append(format_html('<a href="{}">{}</a>', href, citation.label))
        else:
            parts.append(format_html("{}", citation.label))
    return mark_safe("; ".join(parts))


def documents() -> tuple[Document, ...]:
    return DOCUMENTS


__all__ = ["Citation", "FILE_NAME", "LINE_NUMBER", "act_url", "documents", "parse", "plain_text", "render"]
