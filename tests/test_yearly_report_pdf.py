"""The yearly report as PDF: the same figures as the XLSX and the HTML (``reports.build_report``), each
with its number and the count of its records, every record in the annex; real text in the active
language (Dutch and English), with the document's title, author, subject and language; the header row
repeated on every page of a long table; "p. X / Y" on each page; the same permissions as the XLSX;
and a valid PDF for a report without any data. It is a tagged PDF/UA-1: a structure tree with
headings, tables, header cells and links, the footers as artifacts, the PDF/UA identification; and the
records' texts are text, never markup."""

import datetime
import io
import logging
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from programme_world import *  # noqa: F401,F403
from pypdf import PdfReader
from stakeholder_world import *  # noqa: F401,F403

from visd.events.models import Registration
from visd.programme import actions, report_pdf, reports
from visd.programme.models import KPI, BudgetAmount, BudgetLine
from visd.projects.models import Participation, Project
from visd.stakeholders.models import Interaction

YEAR = 2025  # the year of the programme world's records
DUTCH_TEXT = "Overleg Zeeën – coöperatie, ïnnovatie en budget in €"


@pytest.fixture
def data(programme, world, users):
    """On top of the programme world: KPIs (one computed, one entered) with a target, a budget line with
    its plan and execution, an EU project with a Flemish partner, an interaction whose subject has the
    Dutch letters, en dash and euro sign the font must carry, an attendance and next year's agenda."""
    director = users["director"]
    computed = KPI.objects.create(code="edf-met-vlaamse-partner", kpa="Samenwerking", name_nl="EDF-projecten met "
                                  "Vlaamse partner", name_en="EDF projects with a Flemish partner", source="test")
    entered = KPI.objects.create(code="deelnames-defra", kpa="Samenwerking", name_nl="Deelnames aan DEFRA",
                                 name_en="Participations in DEFRA", source="test")
    actions.set_kpi_target(director, kpi=computed, year=YEAR, target=Decimal("5"))
    actions.enter_kpi_value(director, kpi=entered, year=YEAR, value=Decimal("4"), evidence="DEFRA-besluit")
    line = BudgetLine.objects.create(code="communicatie-event-top", name_nl="Communicatie en events – TOP",
                                     name_en="Communication and events – TOP", category="staff_operating",
                                     source="test")
    BudgetAmount.objects.create(line=line, year=YEAR, amount_eur=1250000, source="test")
    actions.record_budget_entry(director, line=line, year=YEAR, kind="payment", amount_eur=Decimal("8765.43"),
                                date=datetime.date(YEAR, 2, 2), description="Zaalhuur DIF-Day",
                                domain=world.maritime)
    actions.record_budget_entry(director, line=line, year=YEAR, kind="commitment",
                                amount_eur=Decimal("1234567.89"), date=datetime.date(YEAR, 2, 3),
                                description="Raamcontract evenementen")
    project = Project.objects.create(source="edf", external_id="101", acronym="SEAGUARD", title="Sea guard",
                                     start_date=datetime.date(YEAR, 2, 1))
    Participation.objects.create(project=project, actor=world.actor_a, role="coordinator",
                                 ec_contribution=Decimal("1750100.24"))
    Participation.objects.create(project=project, actor=world.actor_b, role="participant",
                                 ec_contribution=Decimal("99.99"))
    Interaction.objects.create(actor=world.actor_a, date=datetime.date(YEAR, 5, 2), kind=Interaction.Kind.MEETING,
                               subject=DUTCH_TEXT)
    Registration.objects.create(event=programme.event, name="Griet", organisation=world.actor_a, attended=True)
    actions.add_action_item(director, year=YEAR + 1, title="Tweede matchmaking", domain=world.maritime)
    return world


def pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text)


def embedded_fonts(reader: PdfReader) -> dict[str, bool]:
    """Each font of the pages by name, and whether its program is in the file."""
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = described.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            fonts[str(font["/BaseFont"])] = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    return fonts


def get_pdf(client, user, language="en", **params):
    if user is not None:
        client.force_login(user)
    return client.get(reverse("programme:report"), {"year": YEAR, "scope": "programme", "format": "pdf", **params},
                      headers={"Accept-Language": language})


def expected_row(figure, kpis: bool) -> str:
    """The row of the figures table as text: number, indicator, value, (target), note, records."""
    parts = [figure.number, str(figure.label),
             report_pdf.number(figure.value) if figure.value is not None else "none"]
    if kpis:
        parts.append(report_pdf.number(figure.target))
    parts += [str(figure.note), str(len(figure.records))]
    return " ".join(part for part in parts if part)


def test_the_pdf_carries_every_figure_and_record_of_the_report(client, users, data):
    response = get_pdf(client, users["director"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="visd-yearly-report-{YEAR}.pdf"'
    assert response.content.startswith(b"%PDF")
    reader, text = pdf_text(response.content)

    with translation.override("en"):
        report = reports.build_report(YEAR)  # the figures the XLSX and the HTML show
        title = f"{report.title} {YEAR}: Programme"
        assert reader.metadata.title == title
        assert reader.metadata.author == "VISD Hub"
        assert title in reader.metadata.subject and "Flemish Innovation" in reader.metadata.subject
        assert reader.trailer["/Root"]["/Lang"] == "en"
        figures = list(report.figures())
        assert len(figures) > 20
        for chapter in report.chapters:
            for section in chapter.sections:
                for figure in section.figures:
                    assert expected_row(figure, section.code == "kpis") in text, (figure.number, figure.label)
        # Every record behind a figure is in the annex, under the figure's number, with its amount.
        for figure in figures:
            if figure.records:
                annex = text[text.index(f"{figure.number} · {figure.label}"):]
                for record in figure.records:
                    assert record.label in annex, (figure.number, record.label)
                    if figure.kind in ("amount", "plan"):
                        assert report_pdf.number(record.amount) in annex
        values = {str(f.label): f.value for f in figures}

    # The figures this test knows independently, as they are printed.
    # Both partners are Flemish (Zeebrugge, Gent): 1,750,100.24 + 99.99.
    assert values["EU contribution to Flemish partners in those projects (EUR)"] == Decimal("1750200.23")
    assert "1,750,200.23" in text and "1,750,100.24" in text and "1,234,567.89" in text and "8,765.43" in text
    assert values["Participations in DEFRA"] == 4 and values["EDF projects with a Flemish partner"] == 1
    # Dutch letters, the en dash and the euro sign come out as written (an embedded TrueType font:
    # DejaVu Sans from Debian's fonts-dejavu-core).
    assert DUTCH_TEXT in text
    fonts = embedded_fonts(reader)
    assert fonts and all("DejaVu" in font and embedded for font, embedded in fonts.items()), fonts
    # Each page says "p. X / Y"; the title page names the programme and the generation time.
    pages = len(reader.pages)
    assert pages >= 3
    for index, page in enumerate(reader.pages, start=1):
        assert f"p. {index} / {pages}" in re.sub(r"\s+", " ", page.extract_text())
    assert "Generated by VISD Hub on" in text
    assert f"/programme/report/?year={YEAR}&scope=programme" in text
    # Chapters and sections are in the outline (bookmarks).
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Programme as a whole" in outline
    nested = [[sub.title for sub in item] if isinstance(item, list) else item.title for item in reader.outline]
    assert nested[nested.index("Programme as a whole") + 1][:2] == ["Activities", "Events"]


def test_dutch_and_english_differ_in_headings_and_file_name(client, users, data):
    english = get_pdf(client, users["director"], "en")
    dutch = get_pdf(client, users["director"], "nl")
    assert dutch["Content-Disposition"] == f'attachment; filename="visd-jaarrapport-{YEAR}.pdf"'
    _reader, english_text = pdf_text(english.content)
    reader, dutch_text = pdf_text(dutch.content)
    assert reader.trailer["/Root"]["/Lang"] == "nl"
    assert reader.metadata.title.startswith(f"Jaarrapport VISD {YEAR}: Programma")
    for en, nl in (("Programme as a whole", "Programma als geheel"), ("KPIs against targets", "KPI's tegenover "
                   "streefwaarden"), ("Figure Indicator Value", "Cijfer Indicator Waarde"), ("Target", "Streefwaarde"),
                   ("Budget use", "Gebruik van het budget"), ("records behind F1", "records achter F1")):
        assert en in english_text and en not in dutch_text
        assert nl in dutch_text and nl not in english_text
    # Numbers follow the language, as on the web page.
    assert "1.750.100,24" in dutch_text and "1,750,100.24" in english_text
    with translation.override("nl"):
        report = reports.build_report(YEAR)
        for figure in report.figures():
            assert f"{figure.number} {figure.label}" in dutch_text, figure.label


def test_a_scope_other_than_the_programme_is_named_in_the_file(client, users, data):
    response = get_pdf(client, users["pm_of_a"], scope="domain:maritime")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="visd-yearly-report-{YEAR}-maritime.pdf"'
    reader, text = pdf_text(response.content)
    assert reader.metadata.title.endswith(f"{YEAR}: Maritime")
    assert "Zaalhuur DIF-Day" in text and "Raamcontract evenementen" not in text  # the domain's budget only


ROLES = ["anonymous", "no_role", "actor_user_a", "pm_of_a", "pm_other", "coordinator", "director", "administrator"]


@pytest.mark.parametrize("role", ROLES)
def test_the_pdf_is_refused_and_allowed_as_the_xlsx(client, users, programme, role):
    if role != "anonymous":
        client.force_login(users[role])
    url = reverse("programme:report")
    xlsx = client.get(url, {"year": YEAR, "format": "xlsx"})
    pdf = client.get(url, {"year": YEAR, "format": "pdf"})
    assert pdf.status_code == xlsx.status_code
    allowed = role not in {"anonymous", "no_role", "actor_user_a"}
    assert (pdf.status_code == 200) == allowed
    if allowed:
        assert pdf.content.startswith(b"%PDF")
    elif role == "anonymous":
        assert pdf.status_code == 302 and pdf["Location"].startswith(reverse("login"))
    else:
        assert pdf.status_code == 403 and not pdf.content.startswith(b"%PDF")


def test_the_report_page_links_to_the_pdf(client, users, programme):
    client.force_login(users["pm_of_a"])
    html = client.get(reverse("programme:report"), {"year": YEAR, "scope": "domain:maritime"}).content.decode()
    assert f'href="?year={YEAR}&amp;scope=domain%3Amaritime&amp;format=pdf"' in html
    assert "Download as PDF" in html


def test_a_report_without_data_is_still_a_valid_pdf(client, users, world, make_user):
    # No KPI, no budget line, no record in that year: empty sections, and no annex records.
    response = get_pdf(client, users["director"], year=2031)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    reader, text = pdf_text(response.content)
    assert reader.metadata.title.endswith("2031: Programme")
    assert "No figures in this section." in text  # the KPI and budget sections
    assert "F1 Interactions: Meeting 0" in text
    # A programme manager without focus domains: no chapter at all.
    lonely = make_user("programme_manager", username="pm-zonder-domein")
    response = get_pdf(client, users["director"], year=2031, scope=f"pm:{lonely.pk}")
    assert response.status_code == 200
    reader, text = pdf_text(response.content)
    assert "This programme manager has no focus domains in their portfolios." in text
    assert "No figure has records behind it." in text
    assert "p. 1 / " in text


def test_long_tables_repeat_their_header_row_on_every_page(db, world):
    Interaction.objects.bulk_create([
        Interaction(actor=world.actor_a, date=datetime.date(YEAR, 1, 1 + i % 28), kind=Interaction.Kind.MEETING,
                    subject=f"Overleg nummer {i:03d}") for i in range(160)])
    with translation.override("en"):
        report = reports.build_report(YEAR)
        content = report_pdf.report_pdf(report, "https://hub.example")
    reader = PdfReader(io.BytesIO(content))
    pages = [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]
    annex_pages = [text for text in pages if "Overleg nummer" in text]
    assert len(annex_pages) >= 3
    for text in annex_pages:
        assert "Record Detail" in text  # the header row, again on every page the table runs on
    assert all(f"Overleg nummer {i:03d}" in " ".join(annex_pages) for i in range(160))
    # In the structure tree it is one table, however many pages it runs over: one header row and a row
    # per record; the header row repeated on the next pages is a pagination artifact, not read again.
    meetings = next(figure for figure in report.figures() if len(figure.records) >= 160)
    tables = [element for element in structure(reader) if element["S"] == "Table" and "Overleg" in element["text"]]
    assert len(tables) == 1
    head, body = (next(kid for kid in tables[0]["kids"] if kid["S"] == kind) for kind in ("THead", "TBody"))
    assert len(head["kids"]) == 1 and len(body["kids"]) == len(meetings.records)
    for page in reader.pages[[index for index, text in enumerate(pages) if "Overleg nummer" in text][1]:]:
        assert "Record" in " ".join(marked_content(page)[1])  # the repeated header row
    # The records' links are absolute.
    links = [annotation.get_object()["/A"]["/URI"] for page in reader.pages
             for annotation in page.get("/Annots") or [] if "/URI" in annotation.get_object().get("/A", {})]
    assert links and all(link.startswith("https://hub.example/") for link in links)


def test_odd_texts_are_printed_as_written(db):
    """Markup-like characters are text, not markup; a record longer than a page does not break the layout."""
    from visd.programme.kpis import TracedRecord

    long_detail = " ".join(f"partner{i}" for i in range(3000))
    figure = reports.Figure("R&D <b>not bold</b> – ëïé €", Decimal("2"), [
        TracedRecord("A & B <i>", "/actors/1/", long_detail), TracedRecord("C", "https://example.org/c?x=1&y=\"2\"")])
    report = reports.Report("Jaarrapport <VISD>", "Inleiding & meer", YEAR, "Programma", [
        reports.Chapter("Hoofdstuk", None, [reports.Section("activities", "Activiteiten", [figure])])])
    figure.number = "F1"
    with translation.override("nl"):
        content = report_pdf.report_pdf(report, "https://hub.example")
    reader, text = pdf_text(content)
    assert reader.metadata.title == f"Jaarrapport <VISD> {YEAR}: Programma"
    assert "F1 R&D <b>not bold</b> – ëïé € 2" in text
    assert "A & B <i>" in text and "Inleiding & meer" in text
    assert "partner0 " in text and "partner2999" in text


# --- tagged PDF (PDF/UA-1) ------------------------------------------------------------------------


def marked_content(page) -> tuple[dict[int, str], list[str]]:
    """The text of a page by marked-content id (what the structure tree points at), and the text of
    its artifacts (what assistive technology skips)."""
    stack, texts, artifacts = [], {}, []

    def before(operator, operands, _cm, _tm):
        if operator in (b"BDC", b"BMC"):
            properties = operands[1] if operator == b"BDC" else {}
            stack.append((str(operands[0]), properties.get("/MCID") if hasattr(properties, "get") else None))
        elif operator == b"EMC":
            stack.pop()

    def text(content, *_args):
        if not content.strip():
            return
        assert stack, f"text outside marked content: {content!r}"
        tag, mcid = stack[-1]
        if tag == "/Artifact":
            artifacts.append(content)
        else:
            texts[mcid] = texts.get(mcid, "") + content

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return texts, artifacts


def structure(reader: PdfReader) -> list[dict]:
    """Every structure element in reading order, each with its type (``S``), its text, its attributes
    (``A``), its ``ID``, the annotations it holds and its child elements; and every tagged text of the
    pages is reached by the tree."""
    pages = {page.indirect_reference.idnum: index for index, page in enumerate(reader.pages)}
    content = [marked_content(page)[0] for page in reader.pages]
    reached = set()
    elements = []

    def walk(node, element: dict, page=None) -> str:
        page = pages[node.raw_get("/Pg").idnum] if "/Pg" in node else page
        kids = node.get("/K", [])
        text = ""
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, int):  # marked content on the element's page
                reached.add((page, kid))
                text += content[page].get(kid, "")
                continue
            kid = kid.get_object()
            if kid.get("/Type") == "/OBJR":
                element["annotations"].append(kid["/Obj"].get_object())
            elif kid.get("/Type") == "/MCR":
                reached.add((pages[kid.raw_get("/Pg").idnum], kid["/MCID"]))
            elif "/S" in kid:
                child = {"S": str(kid["/S"])[1:], "A": kid.get("/A", {}), "ID": kid.get("/ID"), "annotations": [],
                         "kids": []}
                elements.append(child)
                element["kids"].append(child)
                child["text"] = walk(kid, child, page)
                text += child["text"]
        return text

    walk(reader.trailer["/Root"]["/StructTreeRoot"], {"annotations": [], "kids": []})
    unreached = [(index, mcid) for index, texts in enumerate(content) for mcid in texts if (index, mcid) not in reached]
    assert not unreached, f"tagged content outside the structure tree: {unreached}"
    return elements


def xmp(reader: PdfReader) -> str:
    return reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_pdf_is_a_tagged_pdf_ua_document(client, users, data, language, caplog):
    caplog.set_level(logging.WARNING, logger="weasyprint")
    response = get_pdf(client, users["director"], language)
    assert not [r for r in caplog.records if r.name.startswith("weasyprint")], caplog.text  # no PDF/UA complaint
    reader = PdfReader(io.BytesIO(response.content))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/Lang"] == language
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    metadata = xmp(reader)
    assert re.search(r'pdfuaid:part(="1"|>1<)', metadata), metadata  # PDF/UA-1 (ISO 14289-1)
    assert f">{reader.metadata.title}</rdf:li>" in metadata  # dc:title

    elements = structure(reader)  # also: every tagged text is in the tree
    kinds = [element["S"] for element in elements]
    assert {"H1", "H2", "H3", "Sect", "P", "Table", "TR", "TH", "TD", "Caption", "Link"} <= set(kinds), set(kinds)
    # One H1, the report on the title page; chapters and the annex H2, sections and annex figures H3:
    # no level is skipped.
    headings = [(int(element["S"][1]), element["text"]) for element in elements
                if re.fullmatch(r"H[1-6]", element["S"])]
    with translation.override(language):
        report = reports.build_report(YEAR)
        assert headings[0] == (1, f"{report.title} {YEAR}")
        assert [level for level, _text in headings].count(1) == 1
        assert all(level <= previous + 1 for (previous, _a), (level, _b) in zip(headings, headings[1:], strict=False))
        assert (2, str(report.chapters[0].title)) in headings
        assert (3, str(report.chapters[0].sections[0].title)) in headings
        figure = next(figure for figure in report.figures() if figure.records)
        assert (3, f"{figure.number} · {figure.label}") in headings
    # Header cells head their column (the header row) or their row (the figure's number); each data cell
    # names its headers.
    cells = [element for element in elements if element["S"] in ("TH", "TD")]
    assert {str(cell["A"].get("/Scope")) for cell in cells if cell["S"] == "TH"} == {"/Column", "/Row"}
    ids = reader.trailer["/Root"]["/StructTreeRoot"]["/IDTree"]["/Names"][::2]  # where a reader looks them up
    assert all(cell["A"].get("/Headers") and set(cell["A"]["/Headers"]) <= set(ids)
               for cell in cells if cell["S"] == "TD")
    # Links: their text says where they go, their annotation is described and printed.
    links = [element for element in elements if element["S"] == "Link"]
    assert links and all(link["text"].strip() and link["annotations"] for link in links)
    annotations = [annotation for link in links for annotation in link["annotations"]]
    assert all(annotation.get("/Contents") and annotation["/F"] == 4 for annotation in annotations)
    described = {str(annotation["/Dest"]): str(annotation["/Contents"]) for annotation in annotations
                 if "/Dest" in annotation}
    records = "records behind" if language == "en" else "records achter"
    assert described[figure.number] == f"{len(figure.records)} {records} {figure.number}"
    # The footer ("p. X / Y") is a pagination artifact on every page, not content.
    for index, page in enumerate(reader.pages, start=1):
        texts, artifacts = marked_content(page)
        footer = re.sub(r"\s+", " ", " ".join(artifacts))
        assert f"p. {index} / {len(reader.pages)}" in footer and "VISD Hub · " in footer
        assert not any("VISD Hub · " in text for text in texts.values())
        assert page.get("/Tabs") == "/S"  # links in the order of the structure


def test_hostile_texts_in_records_are_printed_as_text(db):
    """Whatever a record, a figure or the template says, it is text in the document: it cannot end a
    table cell, add a heading, run a script or load anything."""
    from visd.programme.kpis import TracedRecord

    figure = reports.Figure("</th><th>Injected header", Decimal("3"), [
        TracedRecord("<script>alert(1)</script>", "javascript:alert(1)", "</td></tr></table><h1>Injected</h1>"),
        TracedRecord('<img src="file:///etc/passwd">', "/actors/1/?a=1&b=<2>", "x\" onmouseover=\"alert(2)"),
        TracedRecord("<a href=\"https://evil.example/\">click</a>", "", "&amp; &lt;b&gt;")])
    figure.number = "F1"
    report = reports.Report('Jaarrapport "VISD" \\ </style><h1>', "<p>Inleiding</p>", YEAR, "Programma", [
        reports.Chapter("<h2>Hoofdstuk</h2>", None, [reports.Section("activities", "Activiteiten", [figure])])])
    with translation.override("nl"):
        content = report_pdf.report_pdf(report, "https://hub.example")
    reader, text = pdf_text(content)
    unwrapped = re.sub(r"\s+", "", text)  # a long text may wrap at a "/" or a space
    for written in ("<script>alert(1)</script>", "</td></tr></table><h1>Injected</h1>", "</th><th>Injected header",
                    '<img src="file:///etc/passwd">', '<a href="https://evil.example/">click</a>', "&amp; &lt;b&gt;",
                    "<p>Inleiding</p>", "<h2>Hoofdstuk</h2>", 'x" onmouseover="alert(2)'):
        assert re.sub(r"\s+", "", written) in unwrapped, written
    assert reader.metadata.title == f'Jaarrapport "VISD" \\ </style><h1> {YEAR}: Programma'
    elements = structure(reader)
    kinds = [element["S"] for element in elements]
    assert kinds.count("H1") == 1 and kinds.count("Table") == 2  # the figures and the annex: nothing added
    assert kinds.count("TH") == 5 + 1 + 2  # the figures' header row, F1's row header, the annex's header row
    # The footer quotes the title as written (the stylesheet's string was not broken out of).
    footer = " ".join(marked_content(reader.pages[0])[1])
    assert 'Jaarrapport "VISD" \\ </style><h1> 2025' in footer
    # Only the record with a path is a link: no script address, no link from a record's markup.
    uris = [annotation.get_object()["/A"]["/URI"] for page in reader.pages for annotation in page.get("/Annots") or []
            if "/A" in annotation.get_object()]
    assert uris == ["https://hub.example/actors/1/?a=1&b=%3C2%3E"]  # a URI: "<" and ">" percent-encoded
