"""The demo's 11 roadmap drafts in English (issue 17, "roadmap texts are Dutch only"): each text of a
draft has a translation from the same versioned data file, under the same sources; an English reader
of the Hub sees it; a data file lacking a translation is refused before anything is loaded."""

import re

import pytest
from test_site import assert_no_internal_source, loaded, text_of  # noqa: F401 (loaded: a fixture)

CITATION = re.compile(r"\[([^\]]+)\]")


@pytest.fixture
def demo(loaded, db):  # noqa: F811 (the fixture imported above)
    from visd.roadmaps.models import Roadmap

    return list(Roadmap.objects.select_related("domain").prefetch_related("items").order_by("domain__order"))


def test_every_draft_and_item_has_its_english_text_with_the_same_sources(demo):
    assert len(demo) == 11
    for roadmap in demo:
        assert roadmap.introduction.startswith("STARTVERSIE (demo)")
        assert roadmap.introduction_en.startswith("STARTING VERSION (demo)")
        assert "Penholder of the orientation roadmap: " in roadmap.mapping_text_en
        assert "programme period 2025-2029" in roadmap.roadmap_text_en
        for name in roadmap.BILINGUAL_FIELDS:
            dutch, english = getattr(roadmap, name), getattr(roadmap, f"{name}_en")
            assert_no_internal_source(english)
            # one citation per sentence in both languages, each the same place in the strategy
            dutch_cited = [c.replace("VISD-strategie", "VISD strategy").replace("bijlage", "annex")
                           for c in CITATION.findall(dutch)]
            assert CITATION.findall(english) == dutch_cited, (roadmap, name)
            assert all(c.startswith("VISD strategy") for c in CITATION.findall(english)), english
        for item in roadmap.items.all():
            assert item.title_en and item.title_en != item.title
            assert item.description_en.startswith("Starting version from the strategy. [VISD strategy, ")
    maritime = next(r for r in demo if r.domain.code == "maritiem")
    assert "Blauwe Cluster" in maritime.mapping_text_en and "blue economy" in maritime.mapping_text_en
    assert sorted(maritime.items.values_list("title_en", flat=True)) == [
        "Drone technology from aviation (UAV) also used for maritime applications (USV and UUV)",
        "Space technology supports communication applications in the maritime domain"]
    counter_uav = next(r for r in demo if r.domain.code == "counter-uav")
    assert "not named separately in the list of penholders" in counter_uav.mapping_text_en


def test_an_english_reader_of_the_hub_sees_the_english_draft(client, demo, make_user):
    client.force_login(make_user("director"))
    maritime = next(r for r in demo if r.domain.code == "maritiem")
    english = text_of(client.get(maritime.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en"))
    assert "STARTING VERSION (demo)" in english and "STARTVERSIE" not in english
    assert "Space technology supports communication applications" in english
    assert 'class="lang-note"' not in english  # everything the draft holds is translated
    dutch = text_of(client.get(maritime.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl"))
    assert "STARTVERSIE (demo)" in dutch and "STARTING VERSION" not in dutch


def test_a_data_file_without_a_translation_is_refused(demo, tmp_path):
    import yaml

    from visd.roadmaps.models import Roadmap
    from visd.site.content import PROGRAMME_FILE, ContentError, load_programme, read

    data = read(PROGRAMME_FILE)
    del data["items"][0]["title"]["en"]
    data["roadmaps"][0]["penholder"]["text"]["en"] = " "
    data["texts"]["period"]["en"] = "The programme period {begin}"
    data["draft_notice"] = "STARTVERSIE (demo) zonder vertaling"
    path = tmp_path / "programme.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    Roadmap.objects.all().delete()  # (rolled back with the test) so the file would create drafts
    with pytest.raises(ContentError) as error:
        load_programme(path)
    problems = error.value.problems
    assert any(p.startswith("items Dronetechnologie") and p.endswith("missing title.en") for p in problems)
    assert "roadmaps maritiem: penholder missing text.en" in problems
    assert any(p.startswith("texts.period.en: fills in only ['end', 'start']") for p in problems)
    assert "draft_notice: missing nl" in problems and "draft_notice: missing en" in problems
    assert not Roadmap.objects.exists()
