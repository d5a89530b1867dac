"""The yearly report as a PDF, for the minister's cabinet and the steering committee.

It prints the ``Report`` that ``reports.build_report`` computed, the same object the HTML page and the
XLSX show: nothing is computed here. Every figure keeps its number (F1, F2, ...) and the count of the
records behind it; the annex lists those records, each with its link, as the XLSX's second sheet
does, and the main table links each count to its place in the annex.

Rendered with ReportLab (pure Python) in the active language. The text is real text in an embedded
TrueType font: Bitstream Vera, shipped inside the ``reportlab`` package itself (no system font), which
has the Dutch and French letters, the en dash and the euro sign that the built-in Helvetica lacks.
The document carries its title, author, subject and language; tables repeat their header row on
every page; each page says "p. X / Y"; chapters and sections are bookmarks (the outline).
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from django.template.defaultfilters import floatformat
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate, CondPageBreak, Flowable, Frame, KeepTogether, PageBreak, PageTemplate, Paragraph, Spacer, Table,
    TableStyle,
)

from .reports import Report

FONT = "VISDVera"
PAGE_COUNT_FORM = "visd-page-count"

# The files are inside the reportlab package (reportlab/fonts), so no system font is needed.
_FONT_FILES = {"": "Vera.ttf", "-Bold": "VeraBd.ttf", "-Italic": "VeraIt.ttf", "-BoldItalic": "VeraBI.ttf"}


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    directory = Path(reportlab.__file__).parent / "fonts"
    for suffix, filename in _FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(FONT + suffix, str(directory / filename)))
    for bold, italic, suffix in ((0, 0, ""), (1, 0, "-Bold"), (0, 1, "-Italic"), (1, 1, "-BoldItalic")):
        addMapping(FONT, bold, italic, FONT + suffix)


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


def report_pdf(report: Report, base_url: str = "", web_url: str = "", generated_at=None) -> bytes:
    """The report as PDF bytes. ``base_url`` (scheme and host) makes the records' links absolute;
    ``web_url`` is the report's own page, named on the title page; ``generated_at`` defaults to now."""
    _register_fonts()
    language = translation.get_language() or "nl"
    generated_at = timezone.localtime(generated_at or timezone.now())
    generated = formats.date_format(generated_at, "DATETIME_FORMAT")
    full_title = f"{report.title} {report.year}: {report.scope_label}"

    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5)
    styles = {
        "title": ParagraphStyle("title", base, fontName=FONT + "-Bold", fontSize=24, leading=30, spaceAfter=10),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=14, leading=19, spaceAfter=6),
        "h1": ParagraphStyle("h1", base, fontName=FONT + "-Bold", fontSize=16, leading=21, spaceBefore=4,
                             spaceAfter=8),
        "h2": ParagraphStyle("h2", base, fontName=FONT + "-Bold", fontSize=12, leading=16, spaceBefore=10,
                             spaceAfter=5),
        "h3": ParagraphStyle("h3", base, fontName=FONT + "-Bold", fontSize=10, leading=13, spaceBefore=8,
                             spaceAfter=3),
        "body": ParagraphStyle("body", base, spaceAfter=6),
        "muted": ParagraphStyle("muted", base, textColor=colors.HexColor("#555555"), spaceAfter=6),
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("head", base, fontName=FONT + "-Bold", fontSize=8.5, leading=10.5),
        "number": ParagraphStyle("number", base, fontSize=8.5, leading=10.5, alignment=TA_RIGHT),
        "head-number": ParagraphStyle("head-number", base, fontName=FONT + "-Bold", fontSize=8.5, leading=10.5,
                                      alignment=TA_RIGHT),
    }

    def p(text, style="body") -> Paragraph:
        return Paragraph(escape(str(text)), styles[style])

    def link(text, url, style="cell") -> Paragraph:
        if not url:
            return p(text, style)
        return Paragraph(f'<a href="{escape(url, {chr(34): "&quot;"})}" color="#1a4f8b">{escape(str(text))}</a>',
                         styles[style])

    table_style = TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#1a4f8b")),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#c8c8c8")),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ])

    def table(rows, widths):
        # splitInRow: a row taller than a page (a very long text) is split rather than failing.
        return Table(rows, colWidths=widths, repeatRows=1, splitInRow=1, style=table_style, hAlign="LEFT")

    page_width, page_height = A4
    margin = 2 * cm
    width = page_width - 2 * margin

    # --- the title page ------------------------------------------------------------------------
    story = [
        Spacer(1, 3 * cm),
        p(programme_name(), "subtitle"),
        Heading(f"{report.title} {report.year}", styles["title"], 0, "title"),
        p(report.scope_label, "subtitle"),
        Spacer(1, 0.6 * cm),
        p(_("Generated by VISD Hub on %(date)s") % {"date": generated}),
    ]
    if web_url:
        story.append(Paragraph(
            escape(_("Web version, with the records behind each figure:")) + " "
            + f'<a href="{escape(web_url, {chr(34): "&quot;"})}" color="#1a4f8b">{escape(web_url)}</a>',
            styles["body"]))
    story.append(Spacer(1, 0.6 * cm))
    if report.introduction:
        story += [p(line) for line in report.introduction.splitlines() if line.strip()]
    story.append(p(_("Every figure is numbered (F1, F2, ...); the column “Records” gives the number of records "
                     "behind it, and the annex lists them, each with its link. The web page and the XLSX "
                     "carry the same numbers."), "muted"))
    story.append(PageBreak())

    # --- the figures, chapter by chapter ----------------------------------------------------------
    figures_with_records = []
    for c, chapter in enumerate(report.chapters):
        if c:
            story.append(PageBreak())
        story.append(Heading(chapter.title, styles["h1"], 0, f"chapter-{c}"))
        for s, section in enumerate(chapter.sections):
            kpis = section.code == "kpis"
            heading = Heading(section.title, styles["h2"], 1, f"chapter-{c}-section-{s}")
            if not section.figures:
                story.append(KeepTogether([heading, p(_("No figures in this section."), "muted")]))
                continue
            header = [p(_("Figure"), "head"), p(_("Indicator"), "head"), p(_("Value"), "head-number")]
            widths = [1.5 * cm, None, 2.7 * cm]
            if kpis:
                header.append(p(_("Target"), "head-number"))
                widths.append(2.8 * cm)
            header += [p(_("Note"), "head"), p(_("Records"), "head-number")]
            widths += [3.2 * cm, 1.7 * cm]
            widths[1] = width - sum(w for w in widths if w)
            rows = [header]
            for figure in section.figures:
                value = p(number(figure.value) if figure.value is not None else _("none"), "number")
                row = [p(figure.number, "cell"), p(figure.label, "cell"), value]
                if kpis:
                    row.append(p(number(figure.target), "number"))
                count = str(len(figure.records))
                row += [p(figure.note, "cell"),
                        Paragraph(f'<a href="#{figure.number}" color="#1a4f8b">{count}</a>', styles["number"])
                        if figure.records else p(count, "number")]
                rows.append(row)
                if figure.records:
                    figures_with_records.append(figure)
            story += [CondPageBreak(3 * cm), heading, table(rows, widths)]
    if not report.chapters:
        story.append(p(_("This programme manager has no focus domains in their portfolios.")))

    # --- the annex: every record behind every figure ---------------------------------------------
    story.append(PageBreak())
    story.append(Heading(_("Annex: the records behind the figures"), styles["h1"], 0, "annex"))
    if not figures_with_records:
        story.append(p(_("No figure has records behind it."), "muted"))
    for figure in figures_with_records:
        amounts = figure.kind in ("amount", "plan")
        count = len(figure.records)
        title = Paragraph(f'<a name="{figure.number}"/>{escape(figure.number)} · {escape(str(figure.label))}',
                          styles["h3"])
        caption = p(ngettext("%(counter)s record behind %(number)s", "%(counter)s records behind %(number)s",
                             count) % {"counter": count, "number": figure.number}, "muted")
        header = [p(_("Record"), "head"), p(_("Detail"), "head")]
        widths = [None, 6 * cm]
        if amounts:
            header.append(p(_("Amount (EUR)"), "head-number"))
            widths.append(3 * cm)
        widths[0] = width - sum(w for w in widths if w)
        rows = [header]
        for record in figure.records:
            row = [link(record.label, _absolute(base_url, record.url)), p(record.detail, "cell")]
            if amounts:
                row.append(p(number(record.amount), "number"))
            rows.append(row)
        story += [CondPageBreak(3 * cm), title, caption, table(rows, widths)]
    story += [Spacer(1, 0.5 * cm), PageCount(PAGE_COUNT_FORM, FONT, 8)]

    # --- pages: the footer with "p. X / Y" ---------------------------------------------------------
    footer_left = f"VISD Hub · {report.title} {report.year} · {report.scope_label}"
    page_label = _("p. %(page)s / %(pages)s")
    before, _sep, after = page_label.partition("%(pages)s")

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(margin, 1.2 * cm, footer_left[:110])
        # "p. X / " then the total, which is a form drawn once the last page is known.
        prefix = before % {"page": doc.page}
        x = page_width - margin - 1.2 * cm - canvas.stringWidth(prefix, FONT, 8)
        canvas.drawString(x, 1.2 * cm, prefix)
        canvas.saveState()
        canvas.translate(x + canvas.stringWidth(prefix, FONT, 8), 1.2 * cm)
        canvas.doForm(PAGE_COUNT_FORM)
        canvas.restoreState()
        if after.strip():
            canvas.drawString(page_width - margin - canvas.stringWidth(after, FONT, 8), 1.2 * cm, after)
        canvas.restoreState()

    output = io.BytesIO()
    doc = BaseDocTemplate(
        output, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin,
        title=full_title, author="VISD Hub", subject=f"{programme_name()}: {full_title}",
        keywords=["VISD", "KPI", str(report.year)], creator="VISD Hub", lang=language, displayDocTitle=True,
        initialFontName=FONT,
    )
    frame = Frame(margin, margin, width, page_height - 2 * margin, id="body")
    # The footer is drawn when the page is done, so that it follows the page's text in reading order.
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=footer)])
    doc.build(story)
    return output.getvalue()


class Heading(Paragraph):
    """A heading that is also an entry of the document outline (the bookmarks)."""

    def __init__(self, text, style, level: int, key: str):
        super().__init__(escape(str(text)), style)
        self.outline = (str(text), level, key)

    def draw(self):
        text, level, key = self.outline
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)
        super().draw()


class PageCount(Flowable):
    """Takes no room; drawn on the last page, it defines the form holding the number of pages, which
    the footer of every page shows after "p. X / "."""

    def __init__(self, form: str, font: str, size: float):
        super().__init__()
        self.form, self.font, self.size = form, font, size

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self):
        canvas = self.canv
        pages = canvas.getPageNumber()
        canvas.beginForm(self.form)
        canvas.setFont(self.font, self.size)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(0, 0, str(pages))
        canvas.endForm()
