"""Acceptance test of programme management, end to end in Debian's Chromium (see test_browser.py).

On the reference data of the demo (the eight portfolios, their focus domains and the VISD KPIs, as
``visd load-reference`` loads them), a new programme manager of the maritime portfolio, using only
what the screens show:

1. logs in through the login form (in English, through the language switch);
2. finds an organisation of the maritime domain and logs a company visit with a follow-up, sees it
   among "My follow-ups" and marks it done;
3. takes a research-fund project from idea to approved, with a partner, reads its FRIS deadline
   (four months after approval) and records the funding granted;
4. records a thematic deep dive with a registration, the attendance and the survey answers;
5. reads the maritime domain dashboard: the research-fund KPI and the satisfaction KPI show what was
   just entered;
6. opens the yearly report for their own portfolio, checks its figures in the page, in the print
   layout, in the XLSX download (opened with openpyxl) and in the PDF download (read with pypdf);

then the programme director logs in and finds every focus domain on the programme dashboard, and the
manager's project counted for the programme as a whole.

Every date of the records is in 2025 (the first programme year), so the report year is fixed
whatever today's date; only the follow-up is due after today."""

import datetime
import re

import pytest
from browser_support import BROWSER_MARKS, chromium

PASSWORD = "a-Long-test-passw0rd"
YEAR = 2025

pytestmark = BROWSER_MARKS


@pytest.fixture
def browser_context(live_server):
    with chromium("nl-BE", 15_000, accept_downloads=True) as context:
        yield context


class Demo:
    pass


@pytest.fixture
def demo(transactional_db, make_user):
    """The demo's reference data, a programme manager of the maritime portfolio, the director, and
    a Zeebrugge company tagged with the maritime domain."""
    from visd.actors.models import Actor, ActorTag, TagOrigin
    from visd.reference.loader import load_reference
    from visd.taxonomy.models import Concept, Scheme

    load_reference()
    d = Demo()
    d.domain = Concept.objects.get(scheme=Scheme.FOCUS_DOMAIN, code="maritiem")
    d.all_domains = list(Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN))
    d.pm = make_user("programme_manager", username="marie", password=PASSWORD, portfolios=["maritiem"])
    d.pm.first_name, d.pm.last_name = "Marie", "Peeters"
    d.pm.save()
    d.director = make_user("director", username="directeur", password=PASSWORD)
    d.actor = Actor.objects.create(name="Zeebrugge Marine Systems", kind="company", country="BE", postcode="8380",
                                   city="Zeebrugge")
    ActorTag.objects.create(actor=d.actor, concept=d.domain, origin=TagOrigin.CURATED)
    return d


def log_in(page, base_url, username):
    page.goto(base_url + "/")
    if page.locator("html").get_attribute("lang") != "en":
        # The interface is Dutch by default; the language switch keeps the choice in a cookie.
        page.get_by_role("button", name="English").click()
        page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for()


def field(scope, label):
    """A form field by its label, exactly (Django writes the label as "Label:")."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def main_menu(page):
    return page.get_by_role("navigation", name="Main")


def message(page):
    return page.get_by_role("status")


def kpi_cell(page, kpi_name, year):
    """The value cell of ``year`` in the table of one KPI's section of a dashboard."""
    section = page.get_by_role("region", name=kpi_name)
    return section.get_by_role("row", name=re.compile(rf"^{year}\b")).get_by_role("cell").first


def test_programme_manager_path_then_director_sees_every_domain(browser_context, live_server, demo, tmp_path):
    from openpyxl import load_workbook
    from playwright.sync_api import expect

    from visd.events.models import Event
    from visd.projects.models import VisdProject
    from visd.stakeholders.models import Interaction

    base = live_server.url
    page = browser_context.new_page()
    today = datetime.date.today()
    due = today + datetime.timedelta(days=14)

    # 1. Log in as the programme manager.
    log_in(page, base, "marie")

    # 2. Stakeholders: an interaction with a follow-up, on the organisation's page.
    main_menu(page).get_by_role("link", name="Actors").click()
    page.get_by_role("textbox", name="Search").fill("Zeebrugge")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"q=Zeebrugge"))
    page.get_by_role("link", name="Zeebrugge Marine Systems").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zeebrugge Marine Systems")
    page.get_by_role("link", name="Log an interaction").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log an interaction with Zeebrugge Marine Systems")
    field(page, "Date").fill(f"{YEAR}-05-20")
    page.get_by_label("Kind").select_option(label="Company visit")
    page.get_by_label("Subject").fill("Visit: sonar for autonomous vessels")
    page.get_by_label("Notes").fill("Interested in the research fund for a drone swarm.")
    field(page, "Follow-up").fill("Send the research-fund call text")
    page.get_by_label("Follow-up due").fill(due.isoformat())
    # The manager who logs it is ticked as staff who took part.
    assert page.get_by_role("checkbox", name="Marie Peeters").is_checked()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/stakeholders/interactions/\d+/$"))
    expect(message(page)).to_have_text("Interaction logged.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Visit: sonar for autonomous vessels")
    assert f"Due {due.isoformat()}" in page.get_by_role("main").inner_text()
    interaction = Interaction.objects.get()
    assert (interaction.actor, interaction.kind, interaction.date) == (demo.actor, "visit", datetime.date(YEAR, 5, 20))
    assert list(interaction.staff.all()) == [demo.pm] and interaction.created_by == demo.pm

    main_menu(page).get_by_role("link", name="Stakeholders").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My follow-ups")
    row = page.get_by_role("row", name=re.compile("Send the research-fund call text"))
    assert due.isoformat() in row.inner_text() and "Zeebrugge Marine Systems" in row.inner_text()
    row.get_by_role("button", name="Done").click()
    expect(message(page)).to_have_text("Follow-up marked as done.")
    expect(page.get_by_role("cell", name="No open follow-ups.")).to_be_visible()
    interaction.refresh_from_db()
    assert interaction.follow_up_done

    # 3. A VISD project from idea to approved, and its FRIS deadline.
    main_menu(page).get_by_role("link", name="VISD projects").click()
    page.get_by_role("link", name="New VISD project").first.click()  # the button; the empty list says so too
    page.get_by_label("Acronym").fill("SWARM-VL")
    page.get_by_label("Title").fill("Onderwaterdrone-zwerm")
    page.get_by_label("Kind").select_option(label="Research-fund project")
    page.get_by_label("Focus domain").select_option(label=demo.domain.label_en)
    page.get_by_label("Total budget (EUR)").fill("400000")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/projects/visd/\d+/$"))
    expect(message(page)).to_have_text("Project recorded as an idea.")
    expect(page.get_by_role("heading", level=1)).to_have_text("SWARM-VL: Onderwaterdrone-zwerm")
    expect(page.locator("#project-status")).to_have_text("Idea")

    partner_form = page.get_by_role("form", name="Add a partner")
    partner_form.get_by_label("Organisation").select_option(label="Zeebrugge Marine Systems")
    partner_form.get_by_label("Role").select_option(label="Lead partner / coordinator")
    partner_form.get_by_role("button", name="Add partner").click()
    expect(message(page)).to_have_text("Partner added.")
    partners = page.get_by_role("table", name="Partners")
    expect(partners.get_by_role("link", name="Zeebrugge Marine Systems")).to_be_visible()

    for status, day in (("Proposal", None), ("Submitted", f"{YEAR}-03-14"), ("Approved", f"{YEAR}-06-30")):
        page.get_by_label("New status").select_option(label=status)
        if day:
            page.get_by_label("Date of this step").fill(day)
        page.get_by_role("button", name="Change status").click()
        expect(message(page)).to_have_text(f"Status changed to {status}.")
        expect(page.locator("#project-status")).to_have_text(status)
    # Approved on 30 June: FRIS registration is due four months later, and is now overdue.
    facts = page.locator("#project-facts")
    assert "Approved on" in facts.inner_text() and f"{YEAR}-06-30" in facts.inner_text()
    assert page.locator("#fris-deadline").inner_text().startswith(f"{YEAR}-10-30")
    if today > datetime.date(YEAR, 10, 30):
        assert "overdue" in page.locator("#fris-deadline").inner_text()
    expect(page.get_by_role("link", name="Export FRIS record (CERIF)")).to_be_visible()

    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Funding granted (EUR)").fill("250000")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/projects/visd/\d+/$"))
    expect(message(page)).to_have_text("Project saved.")
    project = VisdProject.objects.get(acronym="SWARM-VL")
    assert (project.status, project.decided_on, project.domain) == ("approved", datetime.date(YEAR, 6, 30),
                                                                     demo.domain)
    assert project.funding_granted_eur == 250000
    assert project.partners.get().actor == demo.actor

    # 4. An event of the domain with a registration, the attendance and the survey.
    main_menu(page).get_by_role("link", name="Events").click()
    page.get_by_role("link", name="New event").click()
    page.get_by_label("Title").fill("Deep dive maritieme sonar")
    page.get_by_label("Kind").select_option(label="Thematic deep dive")
    field(page, "Date").fill(f"{YEAR}-09-18")
    page.get_by_label("Focus domain").select_option(label=demo.domain.label_en)
    page.get_by_label("Location").fill("Oostende")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/events/\d+/$"))
    expect(message(page)).to_have_text("Event recorded.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Deep dive maritieme sonar")

    registration_form = page.get_by_role("form", name="Add a registration")
    registration_form.get_by_label("Name").fill("Griet Vandeputte")
    registration_form.get_by_label("Organisation in the registry").select_option(label="Zeebrugge Marine Systems")
    registration_form.get_by_role("button", name="Add registration").click()
    expect(message(page)).to_have_text("Registration added.")
    page.get_by_role("checkbox", name="Griet Vandeputte attended").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(message(page)).to_have_text("Attendance saved: 1 present.")
    expect(page.locator("#attended-count")).to_have_text("1")

    for score, number in (("5 – very satisfied", "3"), ("3 – neutral", "1")):
        survey_form = page.get_by_role("form", name="Record survey answers")
        survey_form.get_by_label("Satisfaction").select_option(label=score)
        survey_form.get_by_label("Number of answers with this score").fill(number)
        survey_form.get_by_role("button", name="Record answers").click()
        expect(message(page)).to_have_text("Survey answers recorded.")
    expect(page.locator("#survey-average")).to_have_text("4.5")
    assert "75" in page.locator("#survey-summary").inner_text()  # 3 of 4 answers score 4 or 5
    event = Event.objects.get(title="Deep dive maritieme sonar")
    assert event.survey_responses.count() == 4 and event.domain == demo.domain

    # 5. The domain dashboard shows what was just entered.
    main_menu(page).get_by_role("link", name="Programme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme KPIs")
    page.get_by_role("navigation", name="Domains").get_by_role("link", name=demo.domain.label_en).click()
    page.wait_for_url(re.compile(r"/programme/domains/maritiem/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"KPIs: {demo.domain.label_en}")
    expect(page.get_by_role("link", name="Enter a KPI value")).to_be_visible()
    expect(page.get_by_role("link", name="Set a target")).to_have_count(0)
    expect(kpi_cell(page, "Number of projects within the research fund", YEAR)).to_have_text("1")
    expect(kpi_cell(page, "Satisfaction of participants after organised thematic events", YEAR)).to_have_text("75")

    # 6. The yearly report of the manager's portfolio: in the page, for print, and as XLSX.
    page.get_by_role("navigation", name="Programme", exact=True).get_by_role("link", name="Yearly report").click()
    page.get_by_label("Year").select_option(str(YEAR))
    page.get_by_label("Report for").select_option(label="Marie Peeters")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(rf"year={YEAR}.*scope=pm%3A{demo.pm.pk}"))
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.endswith(f"{YEAR}: Programme manager Marie Peeters"), heading
    expect(page.get_by_role("heading", level=2, name=demo.domain.label_en)).to_be_visible()
    expected = {
        "Interactions: Company visit": 1,
        "VISD projects approved": 1,
        "Funding granted to the VISD projects approved (EUR)": 250000,
        "Events held: Thematic deep dive": 1,
        "Participants who attended": 1,
        "Satisfaction of participants after organised thematic events": 75,
    }
    report_rows = {}
    for label, value in expected.items():
        row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=label, exact=True))
        cells = row.get_by_role("cell").all_inner_texts()
        report_rows[label] = cells[0]  # the figure number, F1, F2, ...
        assert cells[2].replace(",", "") == str(value), (label, cells)
    expect(page.get_by_role("link", name=f"{YEAR}-05-20 Visit: sonar for autonomous vessels")).to_be_visible()

    # Printed, the page is the report alone: no site navigation, no filters.
    page.emulate_media(media="print")
    expect(main_menu(page)).to_be_hidden()
    expect(page.get_by_role("button", name="Show")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.emulate_media(media="screen")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as XLSX").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    workbook = load_workbook(saved, read_only=True)
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert ("Year", YEAR) == rows[1][:2]
    header = next(i for i, r in enumerate(rows) if r and r[0] == "Figure")
    by_label = {r[3]: r for r in rows[header + 1:] if r and r[0]}
    for label, value in expected.items():
        number, chapter, _section, _label, xlsx_value = by_label[label][:5]
        assert (number, chapter, xlsx_value) == (report_rows[label], demo.domain.label_en, value), by_label[label]
    records = list(workbook.worksheets[1].iter_rows(values_only=True))
    approved_number = report_rows["VISD projects approved"]
    assert [r[1] for r in records if r[0] == approved_number] == ["SWARM-VL"]
    workbook.close()

    # The same report as PDF (in the page's language): the same numbered figures, as text.
    from pypdf import PdfReader

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"visd-yearly-report-{YEAR}-programme-manager-marie-peeters.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    pdf_text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(saved).pages))
    for label, value in expected.items():
        assert f"{report_rows[label]} {label} {value:,}" in pdf_text, label

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in").wait_for()

    # The programme director sees every focus domain, and the project in the programme's figures.
    log_in(page, base, "directeur")
    main_menu(page).get_by_role("link", name="Programme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme KPIs")
    domain_links = page.get_by_role("navigation", name="Domains").get_by_role("link").all_inner_texts()
    assert domain_links[0] == "Programme as a whole"
    assert sorted(domain_links[1:]) == sorted(d.label_en for d in demo.all_domains)
    assert len(demo.all_domains) > 1
    # Unlike the programme manager, the director sets the targets.
    expect(page.get_by_role("link", name="Set a target")).to_be_visible()
    expect(kpi_cell(page, "Number of projects within the research fund", YEAR)).to_have_text("1")
    other = next(d for d in demo.all_domains if d.code == "cyberveiligheid")
    page.get_by_role("navigation", name="Domains").get_by_role("link", name=other.label_en).click()
    page.wait_for_url(re.compile(r"/programme/domains/cyberveiligheid/$"))
    expect(kpi_cell(page, "Number of projects within the research fund", YEAR)).to_have_text("0")

