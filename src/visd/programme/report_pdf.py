"""The yearly report as a PDF, for the minister's cabinet and the steering committee.

It prints the ``Report`` that ``reports.build_report`` computed, the same object the HTML page and the
XLSX show: nothing is computed here. Every figure keeps its number (F1, F2, ...) and the count of the
records behind it; the annex lists those records, each with its link, as the XLSX's second sheet
does, and the main table links each count to its place in the annex.

The document is the Django template ``programme/report_pdf.html`` (autoescaped, so a record's text is
text, never markup) with the print stylesheet ``programme/report_pdf.css``, rendered by WeasyPrint as a
tagged PDF/UA-1 (ISO 14289-1) in the active language: a structure tree (headings H1-H3, sections,
tables with their header cells, links), /MarkInfo, /Lang, the document title shown by viewers, the
PDF/UA identification in the XMP metadata; borders and backgrounds are artifacts. The finisher
(``_finish``) adds what WeasyPrint leaves out: a section or table that runs over pages is one element
again (the header row a table repeats on the next page an artifact), header cells get their scope and
the ids the data cells name are registered, the page footers are pagination artifacts, and each link
to the annex is described ("3 records behind F4").

The text is real text in DejaVu Sans, from Debian's ``fonts-dejavu-core`` (no font is downloaded), which
has the Dutch and French letters, the en dash and the euro sign; only the used glyphs are embedded.
Table header rows repeat on every page (``thead``); each page says "p. X / Y" (CSS counters);
chapters and sections are bookmarks (the outline). WeasyPrint needs Pango (Debian's libpango-1.0-0
and libpangoft2-1.0-0); it is imported when a PDF is made, so the rest of VISD Hub runs without it.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .reports import Report

logger = logging.getLogger(__name__)

# WeasyPrint logs each rendering step ("Step 5 - Creating layout - Page 12") at INFO, one line per page
# in the server's log; its warnings and errors stay. LOGGING in the settings can still set a level.
if logging.getLogger("weasyprint.progress").level == logging.NOTSET:
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Debian's fonts-dejavu-core (.ci/run installs it): the regular and the bold face are all the
# report uses (no italics, so no synthetic slanting).
FONT_DIRECTORY = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"normal": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}
FONT_FAMILY = "DejaVu Sans"


def number(value) -> str:
    """A figure as the HTML page shows it (``floatformat:"-2g"``, in the active language)."""
    return "" if value is None else str(floatformat(value, "-2g"))


def programme_name() -> str:
    return _("Flemish Innovation and Industry Strategy for Security & Defence")


def filename(year: int, scope_label: str | None = None) -> str:
    """``visd-jaarrapport-<year>.pdf`` in Dutch, ``visd-yearly-report-<year>.pdf`` otherwise; a report
    for a programme manager or a focus domain adds its scope (``scope_label``)."""
    stem = "visd-jaarrapport" if (translation.get_language() or "").startswith("nl") else "visd-yearly-report"
    scope = f"-{slugify(scope_label)}" if scope_label and slugify(scope_label) else ""
    return f"{stem}-{year}{scope}.pdf"


def _absolute(base_url: str, url: str) -> str:
    """A record's link for the PDF: a path made absolute, a web address as it is, anything else none."""
    if url.startswith("/"):
        return base_url + url
    return url if url.startswith(("https://", "http://")) else ""


def css_string(text) -> str:
    r"""``text`` as a quoted CSS string: quotes, backslashes and control characters are escaped, so a
    report title cannot end the string or the rule it is written in.

    >>> print(css_string('Jaarrapport "VISD" \\ 2025'))
    "Jaarrapport \22 VISD\22  \5c  2025"
    """
    escaped = "".join(f"\\{ord(char):x} " if char in '"\\' or ord(char) < 0x20 or ord(char) == 0x7F else char
                      for char in str(text))
    return f'"{escaped}"'


def page_label_css() -> str:
    """The translated "p. %(page)s / %(pages)s" as CSS ``content``: its words as strings, the numbers
    as the page counters."""
    parts = re.split(r"%\((page|pages)\)s", _("p. %(page)s / %(pages)s"))
    return " ".join(f"counter({part})" if index % 2 else css_string(part)
                    for index, part in enumerate(parts) if index % 2 or part)


def font_files() -> dict[str, Path]:
    files = {weight: FONT_DIRECTORY / name for weight, name in FONT_FILES.items()}
    missing = [str(path) for path in files.values() if not path.is_file()]
    if missing:
        raise ImproperlyConfigured(
            f"The yearly report PDF needs the DejaVu fonts ({', '.join(missing)}): install Debian's fonts-dejavu-core.")
    return files


def _weasyprint():
    try:
        import weasyprint
        import weasyprint.text.fonts  # noqa: F401 (FontConfiguration)
    except OSError as error:  # the Python package is there, the Pango library is not
        raise ImproperlyConfigured(
            "The yearly report PDF needs Pango: install Debian's libpango-1.0-0 and libpangoft2-1.0-0 "
            f"({error})") from error
    return weasyprint


def report_pdf(report: Report, base_url: str = "", web_url: str = "", generated_at=None) -> bytes:
    """The report as PDF bytes. ``base_url`` (scheme and host) makes the records' links absolute;
    ``web_url`` is the report's own page, named on the title page; ``generated_at`` defaults to now."""
    weasyprint = _weasyprint()
    fonts = font_files()
    language = translation.get_language() or "nl"
    generated_at = timezone.localtime(generated_at or timezone.now())
    full_title = f"{report.title} {report.year}: {report.scope_label}"

    annex = []
    link_descriptions = {}
    for figure in report.figures():
        if figure.records:
            count = len(figure.records)
            link_descriptions[figure.number] = ngettext(
                "%(counter)s record behind %(number)s", "%(counter)s records behind %(number)s",
                count) % {"counter": count, "number": figure.number}
            annex.append({"figure": figure, "caption": link_descriptions[figure.number],
                          "amounts": figure.kind in ("amount", "plan"),
                          "records": [(record, _absolute(base_url, record.url)) for record in figure.records]})
    html = render_to_string("programme/report_pdf.html", {
        "report": report, "language": language, "full_title": full_title, "programme": programme_name(),
        "subject": f"{programme_name()}: {full_title}", "generated_at": generated_at,
        "created": generated_at.isoformat(timespec="seconds"),
        "web_url": web_url if web_url.startswith(("https://", "http://")) else "",
        "annex": annex,
    })
    stylesheet = render_to_string("programme/report_pdf.css", {
        "font_family": css_string(FONT_FAMILY),
        "fonts": {weight: css_string(path.as_uri()) for weight, path in fonts.items()},
        "footer": css_string(f"VISD Hub · {report.title} {report.year} · {report.scope_label}"[:110]),
        "page_label": page_label_css(),
    })
    fetcher = _fonts_only_fetcher(weasyprint, {path.as_uri() for path in fonts.values()})
    # The stylesheet's @font-face rules are read into this configuration (without it they are ignored).
    font_config = weasyprint.text.fonts.FontConfiguration()
    document = weasyprint.HTML(string=html, url_fetcher=fetcher)
    return document.write_pdf(
        stylesheets=[weasyprint.CSS(string=stylesheet, url_fetcher=fetcher, font_config=font_config)],
        font_config=font_config, pdf_variant="pdf/ua-1",
        finisher=lambda _document, pdf: _finish(pdf, link_descriptions))


def _fonts_only_fetcher(weasyprint, allowed: set[str]):
    """A URL fetcher that opens the font files and nothing else: the report loads no image, stylesheet
    or page from anywhere, whatever a record's text or link says (WeasyPrint logs a refused address
    as an error and goes on without it)."""

    class FontsOnly(weasyprint.URLFetcher):
        def fetch(self, url, headers=None):
            if url not in allowed:
                raise ValueError(f"The yearly report PDF loads no resource: {url}")
            return super().fetch(url, headers)

    return FontsOnly(allowed_protocols=["file"], allow_redirects=False)


# --- the finisher: what WeasyPrint's tagging leaves out ------------------------------------------
#
# WeasyPrint tags the document page by page. These steps work on the PDF objects it hands to the
# finisher (pydyf objects, once the structure tree is built and before the file is written), using only
# what the PDF itself says: the structure tree, its parent tree and the pages' marked content.


def _finish(pdf, link_descriptions: dict[str, str]) -> None:
    """Called by WeasyPrint with the PDF objects once they are tagged, before they are written."""
    try:
        _describe_links(pdf, link_descriptions)
        tree = _Tree(pdf)
        tree.join_page_fragments()
        tree.scope_header_cells()
        tree.margins_as_artifacts()
        tree.register_ids()
    except Exception:  # a WeasyPrint whose objects look otherwise: the PDF stays as WeasyPrint tagged it
        logger.exception("The yearly report PDF was written without its finishing touches")


def _describe_links(pdf, descriptions: dict[str, str]) -> None:
    """A link to the annex is described by what it leads to ("3 records behind F4"), not by the name
    of its destination, which WeasyPrint gives as the link's /Contents; every link is printed (the
    Print flag), so that print and screen show the same."""
    import pydyf

    for obj in pdf.objects:
        if isinstance(obj, dict) and obj.get("Subtype") == "/Link":
            obj["F"] = 4
            description = descriptions.get(getattr(obj.get("Dest"), "string", None))
            if description:
                obj["Contents"] = pydyf.String(description)


class _Tree:
    """The structure tree of a PDF that WeasyPrint tagged, with the page each marked content is on."""

    def __init__(self, pdf):
        import pydyf

        self.pydyf = pydyf
        self.pdf = pdf
        self.root = self.get(pdf.catalog["StructTreeRoot"])
        self.document_ref = self.root["K"][0]
        self.parent_tree = self.get(self.root["ParentTree"])["Nums"]
        # pydyf keeps a page's reference "n 0 R" as three items of /Kids.
        self.page_refs = [f"{number} 0 R".encode() for number in pdf.pages["Kids"][::3]]
        self.page_index = {reference: index for index, reference in enumerate(self.page_refs)}

    def get(self, reference):
        return self.pdf.objects[int(reference.split()[0])]

    def kids(self, element) -> list:
        kids = element.get("K", [])
        return kids if isinstance(kids, list) else [kids]

    def elements(self) -> dict[bytes, dict]:
        """The structure elements the root reaches, by reference."""
        found, stack = {}, [self.document_ref]
        while stack:
            reference = stack.pop()
            if not isinstance(reference, bytes) or reference in found:
                continue  # a marked-content id, or an element already seen
            element = self.get(reference)
            if element.get("Type") == "/StructElem":
                found[reference] = element
                stack.extend(self.kids(element))
        return found

    def page_marks(self, page: int) -> list:
        """The parent tree's array for a page: marked-content id → the element holding it."""
        for key, value in zip(self.parent_tree[::2], self.parent_tree[1::2], strict=False):
            if key == page and isinstance(value, list):
                return value
        return []

    def make_artifacts(self, page: int, mcids: set[int], properties: dict) -> None:
        """The page's marked content ``mcids`` becomes artifacts, out of the parent tree."""
        if not mcids:
            return
        operations = self.get(self.get(self.page_refs[page])["Contents"]).stream
        for index, operation in enumerate(operations):
            if index and isinstance(operation, dict) and operation.get("MCID") in mcids:
                operations[index - 1] = "/Artifact"
                operations[index] = self.pydyf.Dictionary(properties)
        marks = self.page_marks(page)
        for mcid in mcids:
            if mcid < len(marks):
                marks[mcid] = "null"

    def marked_content(self, reference, page=None) -> dict[int, set[int]]:
        """The marked content under an element, by page."""
        element = self.get(reference)
        page = self.page_index.get(element.get("Pg"), page)
        found: dict[int, set[int]] = {}
        for kid in self.kids(element):
            if isinstance(kid, int):
                found.setdefault(page, set()).add(kid)
            elif isinstance(kid, bytes) and self.get(kid).get("Type") == "/StructElem":
                for kid_page, mcids in self.marked_content(kid, page).items():
                    found.setdefault(kid_page, set()).update(mcids)
        return found

    # -- one element for what one HTML element is, over pages --

    def join_page_fragments(self) -> None:
        """WeasyPrint makes an element that runs over a page break into one element per page (its
        issue #2903): a table over three pages is three tables. A section (``Sect``) that does not
        begin with its heading on a page continues the one before it (in the report every section
        begins with its heading), and a table at its start continues the table that ended that one:
        they are joined, and the header row a table repeats on the next page becomes a pagination
        artifact."""
        document = self.get(self.document_ref)
        kept = []
        for reference in self.kids(document):
            if kept and self._join(kept[-1], reference):
                continue
            kept.append(reference)
        document["K"] = self.pydyf.Array(kept)

    def _kind(self, reference) -> str | None:
        return self.get(reference).get("S") if isinstance(reference, bytes) else None

    def _join(self, first_ref, second_ref) -> bool:
        first, second = self.get(first_ref), self.get(second_ref)
        if first.get("Pg") == second.get("Pg") or first.get("S") != second.get("S"):
            return False
        if first["S"] == "/Sect":
            return self._join_sections(first_ref, second_ref)
        if first["S"] == "/Table":
            return self._join_tables(first_ref, second_ref)
        return False

    def _join_sections(self, first_ref, second_ref) -> bool:
        first, second = self.get(first_ref), self.get(second_ref)
        kids = self.kids(second)
        if not kids or self._kind(kids[0]) in ("/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6"):
            return False  # a section of its own
        first_kids = self.kids(first)
        if first_kids and self._join(first_kids[-1], kids[0]):
            kids = kids[1:]
        for kid in kids:
            if isinstance(kid, bytes):
                self.get(kid)["P"] = first_ref
        first["K"] = self.pydyf.Array([*first_kids, *kids])
        return True

    def _part(self, table, kind):
        return next((kid for kid in self.kids(table) if self._kind(kid) == kind), None)

    def _header_ids(self, head_ref) -> list:
        return [self.get(cell).get("ID") for row in self.kids(self.get(head_ref))
                for cell in self.kids(self.get(row)) if self._kind(cell) == "/TH"]

    def _join_tables(self, first_ref, second_ref) -> bool:
        first, second = self.get(first_ref), self.get(second_ref)
        first_head, first_body = self._part(first, "/THead"), self._part(first, "/TBody")
        second_head, second_body = self._part(second, "/THead"), self._part(second, "/TBody")
        if not (first_body and second_body) or bool(first_head) != bool(second_head):
            return False
        # The repeated header row's cells are named in the data cells' /Headers: name the first ones.
        renamed = {}
        if second_head:
            first_ids, second_ids = self._header_ids(first_head), self._header_ids(second_head)
            if len(first_ids) != len(second_ids):
                return False
            renamed = {getattr(old, "string", old): new for old, new in zip(second_ids, first_ids, strict=False) if old and new}
            for page, mcids in self.marked_content(second_head).items():
                self.make_artifacts(page, mcids, {"Type": "/Pagination"})
        rows = self.kids(self.get(second_body))
        for row in rows:
            self.get(row)["P"] = first_body
            for cell in self.kids(self.get(row)):
                attributes = self.get(cell).get("A") if isinstance(cell, bytes) else None
                if isinstance(attributes, dict) and "Headers" in attributes:
                    attributes["Headers"] = self.pydyf.Array(
                        renamed.get(getattr(header, "string", header), header) for header in attributes["Headers"])
        body = self.get(first_body)
        body["K"] = self.pydyf.Array([*self.kids(body), *rows])
        return True

    # -- table headers, margins, ids --

    def scope_header_cells(self) -> None:
        """Each TH says what it heads (/Scope): a column for the header row (thead), its row in the
        body. WeasyPrint links data cells to their headers (/Headers) but writes no scope, so the
        header of the column of row headers would head nothing (its issue #2508)."""
        for element in self.elements().values():
            if element.get("S") != "/TH":
                continue
            group = self.get(self.get(element["P"])["P"])
            scope = "/Column" if group.get("S") == "/THead" else "/Row"
            element.setdefault("A", self.pydyf.Dictionary({"O": "/Table"}))["Scope"] = scope

    def margins_as_artifacts(self) -> None:
        """WeasyPrint marks the text of the page margins (our footer) as tagged content that no element
        of the structure tree holds (its issue #1836); PDF/UA wants running footers as pagination
        artifacts: ``/Artifact <</Type /Pagination /Subtype /Footer>>``."""
        reached = self.elements()
        for page in range(len(self.page_refs)):
            marks = self.page_marks(page)
            orphans = {mcid for mcid, reference in enumerate(marks)
                       if isinstance(reference, bytes) and reference not in reached}
            self.make_artifacts(page, orphans, {"Type": "/Pagination", "Subtype": "/Footer"})

    def register_ids(self) -> None:
        """The header cells' ids, which the data cells name in /Headers, in the structure tree's
        /IDTree, where a reader looks them up."""
        names = sorted(((element["ID"].string, reference) for reference, element in self.elements().items()
                        if isinstance(element.get("ID"), self.pydyf.String)), key=lambda pair: pair[0])
        if not names:
            return
        tree = self.pydyf.Dictionary({"Names": self.pydyf.Array(
            item for name, reference in names for item in (self.pydyf.String(name), reference))})
        self.pdf.add_object(tree)
        self.root["IDTree"] = tree.reference
