"""The public site (issue 17 item 1) and the programme side of the demo (item 2): pages from the
versioned content file with their sources, the editor's preview / publish / history, the public
registration for an event, the sitemap, and the provenance of every demo record."""

import datetime
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from visd.sources.citations import FILE_NAME, LINE_NUMBER


def load_domains_and_instruments():
    """The two reference files the site reads, straight from the shipped files (the full
    ``load_reference`` checks and loads every file, which takes far longer)."""
    import yaml

    from visd.funding.models import Instrument
    from visd.reference import DATA_DIR
    from visd.taxonomy.models import Concept

    for record in yaml.safe_load((DATA_DIR / "focus_domains.yaml").read_text(encoding="utf-8"))["records"]:
        Concept.objects.create(scheme="focus_domain", code=record["code"], order=record["order"],
                               label_nl=record["label"]["nl"], label_en=record["label"]["en"],
                               label_fr=record["label"]["fr"], description_nl=record["description"]["nl"],
                               description_en=record["description"]["en"], source=record["source"])
    for record in yaml.safe_load((DATA_DIR / "instruments.yaml").read_text(encoding="utf-8"))["records"]:
        Instrument.objects.create(code=record["code"], name_nl=record["name"]["nl"], name_en=record["name"]["en"],
                                  level=record["level"], kind=record["kind"], owner=record["owner"],
                                  description_nl=record["description"]["nl"],
                                  description_en=record["description"]["en"], url=record["url"],
                                  source=record["source"])


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The reference data, the site's pages and the demo's programme records, loaded once for the
    module (loading the reference data takes seconds); each test's changes roll back with its
    transaction, and the module leaves an empty database behind."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            load_domains_and_instruments()
            call_command("load_site_content", stdout=io.StringIO())
            call_command("load_programme_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def site(loaded, db):
    return None


reference = site


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def assert_no_internal_source(text: str):
    assert not FILE_NAME.search(text), FILE_NAME.search(text).group(0)
    assert not LINE_NUMBER.search(text), LINE_NUMBER.search(text).group(0)


# --- content pages -----------------------------------------------------------------------------

def test_every_page_of_the_content_file_is_loaded_with_its_source(site):
    from visd.site.models import Page

    slugs = set(Page.objects.values_list("slug", flat=True))
    assert {"over-visd", "werking", "ncp-flanders", "vlaio", "enterprise-europe-network", "fit",
            "pmv-defensiefonds", "lrm"} <= slugs
    for page in Page.objects.all():
        assert page.source.startswith("VISD (003_"), page.slug
        assert page.title_nl and page.title_en and page.body_nl and page.body_en
    # the partner pages carry the addresses VISD 4.5.2 lists
    assert Page.objects.get(slug="ncp-flanders").external_url == "https://ncpflanders.be/programmes/defence-related-funding"


def test_loading_again_keeps_what_the_programme_office_changed(site):
    from visd.site.models import Page

    page = Page.objects.get(slug="lrm")
    page.title_nl = "LRM (aangepast)"
    page.save()
    out = io.StringIO()
    call_command("load_site_content", stdout=out)
    assert "0 page(s) created" in out.getvalue()
    assert Page.objects.get(slug="lrm").title_nl == "LRM (aangepast)"


def test_a_content_file_with_a_problem_loads_nothing(reference, tmp_path):
    from visd.site.models import Page

    bad = tmp_path / "pages.yaml"
    bad.write_text("records:\n  - slug: a\n    title: {nl: A, en: A}\n    summary: {nl: s, en: s}\n"
                   "    body: {nl: b, en: b}\n    source: 'VISD (003), 4.5.2'\n"
                   "  - slug: b\n    title: {nl: B}\n    summary: {nl: s, en: s}\n    body: {nl: b, en: b}\n",
                   encoding="utf-8")
    before = Page.objects.count()
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("load_site_content", "--file", str(bad), stdout=io.StringIO(), stderr=errors)
    assert "b: missing title.en" in errors.getvalue() and "b: missing source" in errors.getvalue()
    assert Page.objects.count() == before and not Page.objects.filter(slug="a").exists()


@pytest.mark.parametrize("language, expected", [("nl", "Wat is VISD?"), ("en", "What is VISD?")])
def test_a_page_in_both_languages_with_title_description_and_source(client, site, language, expected):
    client.cookies["django_language"] = language
    text = text_of(client.get(reverse("site:page", args=["over-visd"])))
    assert f"<title>{expected} · VISD Hub</title>" in text
    assert re.search(r'<meta name="description" content="[^"]{40,}">', text)
    assert ("Bron:" if language == "nl" else "Source:") in text
    assert "/sources/" in text  # the source links to the document inside the Hub
    assert_no_internal_source(text)


def test_a_partner_page_links_the_partner_and_its_instruments(client, site):
    text = text_of(client.get(reverse("site:page", args=["pmv-defensiefonds"])))
    assert 'href="https://www.pmv.eu/product/defensiefonds/"' in text
    assert reverse("funding:instrument_detail", args=["flemish-defence-fund"]) in text


def test_the_public_home_for_visitors_and_the_registry_home_for_signed_in_users(client, site, make_user):
    text = text_of(client.get("/"))
    for url in [reverse("onboarding:join"), reverse("facilities:list"), reverse("site:instruments"),
                reverse("site:events"), reverse("site:page", args=["over-visd"]),
                reverse("site:domain", args=["maritiem"]), reverse("actors:list")]:
        assert f'href="{url}' in text, url
    assert text.count('href="/visd/domains/') == 11
    assert_no_internal_source(text)
    client.force_login(make_user("programme_manager"))
    response = client.get("/")
    assert response.templates[0].name == "core/home.html"
    assert text_of(client.get(reverse("site:home")))  # the public home stays reachable for them


def test_a_domain_page_leads_to_its_published_roadmap_only(client, site, make_user):
    from visd.roadmaps import actions
    from visd.roadmaps.models import Roadmap

    draft = Roadmap.objects.get(domain__code="maritiem")
    text = text_of(client.get(reverse("site:domain", args=["maritiem"])))
    assert draft.get_absolute_url() not in text  # a draft is not public
    actions.publish(draft, acting_user=make_user("director"))
    text = text_of(client.get(reverse("site:domain", args=["maritiem"])))
    assert draft.get_absolute_url() in text
    assert "/facilities/?domain=maritiem" in text


def test_the_instruments_page_groups_by_level_and_names_the_partners(client, site):
    text = text_of(client.get(reverse("site:instruments")))
    for level in ("flemish", "federal", "eu", "nato"):
        assert f'id="level-{level}"' in text
    assert reverse("site:page", args=["enterprise-europe-network"]) in text


# --- the editor --------------------------------------------------------------------------------

def _form_data(page, **changes):
    data = {name: getattr(page, name) for name in ["title_nl", "title_en", "summary_nl", "summary_en", "body_nl",
                                                    "body_en", "external_url", "instrument_codes", "source", "order"]}
    data["version"] = page.version
    data.update(changes)
    return data


def test_only_the_programme_office_edits_pages(client, site, make_user):
    url = reverse("site:page_edit", args=["fit"])
    assert client.get(url).status_code in (302, 403)
    client.force_login(make_user("actor_user"))
    assert client.get(url).status_code == 403
    client.force_login(make_user("programme_manager"))
    assert client.get(url).status_code == 200


def test_preview_saves_nothing_and_publish_keeps_a_version(client, site, make_user):
    from visd.site.models import Page

    client.force_login(make_user("coordinator", username="coordinator"))
    page = Page.objects.get(slug="fit")
    url = reverse("site:page_edit", args=["fit"])
    response = client.post(url, {**_form_data(page, title_nl="FIT nieuw", title_en="FIT new"), "action": "preview"})
    text = text_of(response)
    assert "FIT nieuw" in text and "FIT new" in text  # both languages in the preview
    assert Page.objects.get(slug="fit").title_nl == "Flanders Investment & Trade (FIT)"

    response = client.post(url, {**_form_data(page, title_nl="FIT nieuw"), "action": "publish"})
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.title_nl == "FIT nieuw" and page.published
    latest = page.history.first()
    assert latest.title_nl == "FIT nieuw" and latest.history_user.username == "coordinator"
    assert page.history.count() == 2
    assert text_of(client.get(reverse("history:record", args=["visd_site", "page", page.pk])))


def test_a_stale_edit_and_an_unknown_instrument_are_refused(client, site, make_user):
    from visd.site.models import Page

    client.force_login(make_user("programme_manager"))
    page = Page.objects.get(slug="vlaio")
    url = reverse("site:page_edit", args=["vlaio"])
    text = text_of(client.post(url, {**_form_data(page, instrument_codes="vlaio-icon, no-such-thing"),
                                     "action": "publish"}))
    assert "no-such-thing" in text
    stale = _form_data(page, title_nl="Oud")
    page.save()  # someone else saved since
    text = text_of(client.post(url, {**stale, "action": "publish"}))
    assert Page.objects.get(slug="vlaio").title_nl == "VLAIO"
    assert "errorlist" in text


def test_a_withdrawn_page_is_hidden_from_the_public(client, site, make_user):
    from visd.site.models import Page

    Page.objects.filter(slug="lrm").update(published=False)
    assert client.get(reverse("site:page", args=["lrm"])).status_code == 404
    assert reverse("site:page", args=["lrm"]) not in text_of(client.get(reverse("site:home")))


# --- events -----------------------------------------------------------------------------------

@pytest.fixture
def upcoming(db):
    from visd.events.models import Event

    return Event.objects.create(title="Deep dive ruimtevaart", kind="deep_dive", capacity=1,
                                date=timezone.localdate() + datetime.timedelta(days=30))


def test_a_visitor_registers_for_an_upcoming_event(client, site, upcoming):
    from visd.events.models import Registration

    url = reverse("site:register", args=[upcoming.pk])
    text = text_of(client.get(url))
    assert "Deep dive ruimtevaart" in text
    key = client.get(url).context["form"].initial["submission_key"]  # the form's one-time key
    text = text_of(client.post(url, {"name": "An Peeters", "organisation_name": "Orbit BV", "submission_key": key}))
    assert not Registration.objects.exists()  # no consent, nothing kept
    response = client.post(url, {"name": "An Peeters", "organisation_name": "Orbit BV", "consent": "on",
                                 "submission_key": key})
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.name, registration.organisation_name) == ("An Peeters", "Orbit BV")
    text = text_of(client.post(url, {"name": "Bert", "consent": "on",
                                     "submission_key": client.get(url).context["form"].initial["submission_key"]}))
    assert Registration.objects.count() == 1  # capacity 1: full
    assert "vol" in text or "full" in text


def test_a_past_event_takes_no_registration(client, site, upcoming):
    upcoming.date = timezone.localdate() - datetime.timedelta(days=3)
    upcoming.save()
    assert client.get(reverse("site:register", args=[upcoming.pk])).status_code == 404


def test_the_calendar_shows_the_announced_events_without_an_invented_date(client, site):
    from visd.events.models import Event

    assert not Event.objects.exists()
    text = text_of(client.get(reverse("site:events")))
    assert "Defence Innovation Flanders Days" in text and "noemt geen datum" in text
    assert_no_internal_source(text)


def test_scheduling_an_announced_event_creates_it_with_its_source(site):
    from visd.events.models import Event
    from visd.site.models import Announcement, Provenance

    call_command("load_programme_demo", "--schedule", "dif-days-first-edition=2027-03-18", stdout=io.StringIO())
    event = Event.objects.get()
    assert event.date == datetime.date(2027, 3, 18) and event.kind == "dif_day"
    assert Announcement.objects.get(code="dif-days-first-edition").event == event
    assert "4.5.1" in Provenance.of(event).source
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("load_programme_demo", "--schedule", "dif-days-first-edition=2027-04-01", stdout=io.StringIO(),
                     stderr=errors)
    assert "dif-days-first-edition is already scheduled on 2027-03-18" in errors.getvalue()
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("load_programme_demo", "--schedule", "thematic-deep-dives=soon", stdout=io.StringIO())
    assert Event.objects.count() == 1


# --- the demo's programme records ----------------------------------------------------------------

def test_every_demo_record_of_the_programme_side_carries_a_source(site):
    """Acceptance of issue 17: every roadmap draft, roadmap item and announced or scheduled event
    that the demo loads says where it came from."""
    from visd.events.models import Event
    from visd.roadmaps.models import Roadmap, RoadmapItem
    from visd.site.models import Announcement, Page, Provenance

    call_command("load_programme_demo", "--schedule", "thematic-deep-dives=2027-05-20", stdout=io.StringIO())
    assert Roadmap.objects.count() == 11
    assert RoadmapItem.objects.exists() and Event.objects.exists()
    for model in (Roadmap, RoadmapItem, Event):
        for record in model.objects.all():
            provenance = Provenance.of(record)
            assert provenance is not None and provenance.source.startswith("VISD ("), record
    for record in [*Announcement.objects.all(), *Page.objects.all()]:
        assert record.source.startswith("VISD ("), record


def test_the_roadmap_drafts_are_marked_and_cite_their_sources(site):
    from visd.roadmaps.models import Roadmap, RoadmapStatus

    for roadmap in Roadmap.objects.select_related("domain"):
        assert roadmap.status == RoadmapStatus.DRAFT
        assert roadmap.introduction.startswith("STARTVERSIE")
        assert "Penhouder" in roadmap.mapping_text
        assert_no_internal_source(roadmap.introduction + roadmap.mapping_text + roadmap.roadmap_text)
        for item in roadmap.items.all():
            assert (item.start_year, item.end_year) == (2025, 2029)
            assert "[" in item.description  # its source, readable
    maritime = Roadmap.objects.get(domain__code="maritiem")
    assert "Blauwe Cluster" in maritime.mapping_text
    assert maritime.items.count() == 2


def test_loading_the_demo_again_changes_nothing(site):
    from visd.roadmaps.models import Roadmap, RoadmapItem

    before = (Roadmap.objects.count(), RoadmapItem.objects.count(), Roadmap.history.count())
    out = io.StringIO()
    call_command("load_programme_demo", stdout=out)
    assert "0 roadmap draft(s)" in out.getvalue()
    assert (Roadmap.objects.count(), RoadmapItem.objects.count(), Roadmap.history.count()) == before


def test_the_demo_needs_the_focus_domains_and_checks_its_file(site):
    from visd.site.content import PROGRAMME_FILE, check_programme, read

    data = read(PROGRAMME_FILE)
    assert check_programme(data, set()) == ["the focus domains are not loaded: run visd load-reference first"]
    data["items"][0]["domains"] = ["atlantis"]
    del data["announcements"][0]["source"]
    problems = check_programme(data, {"maritiem", "luchtvaart-uav", "counter-uav", "ruimtevaart", "ai",
                                      "cyberveiligheid", "biotechnologie", "autonome-systemen", "energie",
                                      "omgeving", "geo-intelligentie"})
    assert any("unknown focus domain 'atlantis'" in p for p in problems)
    assert any("dif-days-first-edition: missing source" in p for p in problems)


# --- sitemap ----------------------------------------------------------------------------------

def test_the_sitemap_lists_public_pages_only(client, site):
    text = text_of(client.get("/sitemap.xml"))
    assert "/visd/over-visd/" in text and "/visd/domains/maritiem/" in text and "/instruments/edf/" in text
    assert "/roadmaps/" not in text  # drafts only so far
    assert "/visd/pages/" not in text


def test_empty_registers_say_how_to_start_and_invent_nothing(client, site, make_user):
    from visd.projects.models import VisdProject
    from visd.stakeholders.models import Contact

    assert not VisdProject.objects.exists() and not Contact.objects.exists()
    client.force_login(make_user("programme_manager"))
    text = text_of(client.get(reverse("projects:visd_list")))
    assert 'id="how-to-start-visd_projects"' in text and reverse("projects:visd_create") in text
    assert_no_internal_source(text)
    text = text_of(client.get(reverse("stakeholders:index")))
    assert 'id="how-to-start-stakeholders"' in text
    assert_no_internal_source(text)
