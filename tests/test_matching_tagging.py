"""Concept tagging in nl/en/fr with evidence and confidence; curated tags; the analyser."""

import pytest

from visd.matching.analysis import Analyzer
from visd.matching.datasets import load_reference_concepts
from visd.matching.index import MatchingIndex
from visd.matching.tagging import ConceptTagger, Tag, merge_tags

# A small vocabulary for the tests; the real taxonomy is used too when it is present.
VOCAB = [
    {"id": "focus:counter-uav", "scheme": "focus_domain",
     "labels": {"nl": "Counter-UAV", "en": "Counter-UAV", "fr": "Lutte anti-drones"},
     "synonyms": {"nl": ["dronedetectie", "dronebestrijding", "antidrone"],
                  "en": ["counter-drone", "drone detection", "C-UAS"],
                  "fr": ["détection de drones", "lutte contre les drones"]}},
    {"id": "focus:cyber", "scheme": "focus_domain",
     "labels": {"nl": "Cyberveiligheid", "en": "Cybersecurity", "fr": "Cybersécurité"},
     "synonyms": {"nl": ["cyberaanval", "cyberbeveiliging"], "en": ["cyber attack", "cyber security"],
                  "fr": ["cyberattaque", "sécurité informatique"]}},
    {"id": "focus:maritime", "scheme": "focus_domain",
     "labels": {"nl": "Maritiem", "en": "Maritime", "fr": "Maritime"},
     "synonyms": {"nl": ["haven", "scheepvaart", "marine"], "en": ["port", "naval", "shipping"],
                  "fr": ["port", "navire", "naval"]}},
]


@pytest.fixture(scope="module")
def tagger():
    return ConceptTagger(VOCAB)


def ids(tags):
    return {t.concept_id for t in tags}


def test_language_detection():
    a = Analyzer()
    assert a.detect_language("De haven van Antwerpen wordt beveiligd tegen drones.") == "nl"
    assert a.detect_language("The port of Antwerp is protected against drones.") == "en"
    assert a.detect_language("Le port d'Anvers est protégé contre les drones.") == "fr"
    assert a.detect_language("dronedetectie") == "nl"  # no stopword: the bridge decides


def test_stemming_and_bridge_meet_across_languages():
    a = Analyzer()
    nl = a.terms("Wij ontwikkelen sensoren voor de detectie van drones in havens.")
    en = a.terms("We develop sensors for the detection of drones in ports.")
    fr = a.terms("Développement de capteurs pour la détection de drones dans les ports.")
    assert set(nl) == set(en)
    assert {"sensor", "detect", "drone", "port"} <= set(fr)
    plain = Analyzer(bridge=False)
    assert not set(plain.terms("sensoren detectie havens")) & set(plain.terms("sensors detection ports"))


@pytest.mark.parametrize("text, lang, concept, evidence", [
    ("Wij bouwen radars voor dronedetectie rond luchthavens.", "nl", "focus:counter-uav", "dronedetectie"),
    ("Our radar performs drone detection around airports.", "en", "focus:counter-uav", "drone detection"),
    ("Un radar pour la détection de drones autour des aéroports.", "fr", "focus:counter-uav", "détection drones"),
    ("Bescherming van havens tegen een cyberaanval.", "nl", "focus:cyber", "cyberaanval"),
    ("Protecting port systems against a cyber attack.", "en", "focus:cyber", "cyber attack"),
    ("Protection des navires contre une cyberattaque.", "fr", "focus:cyber", "cyberattaque"),
])
def test_tagging_in_three_languages_with_evidence(tagger, text, lang, concept, evidence):
    tags = {t.concept_id: t for t in tagger.tag(text)}
    assert tagger.analyzer.detect_language(text) == lang
    assert concept in tags
    assert evidence in tags[concept].evidence
    assert 0 < tags[concept].confidence <= 1
    assert tags[concept].origin == "derived"


def test_confidence_grows_with_evidence_and_unrelated_text_is_untagged(tagger):
    one = {t.concept_id: t for t in tagger.tag("A port.")}["focus:maritime"].confidence
    more = {t.concept_id: t for t in tagger.tag("Naval shipping in the port; naval vessels.", title="Port")}
    assert more["focus:maritime"].confidence > one
    assert tagger.tag("Een recept voor appeltaart met kaneel.") == []


def test_dutch_and_english_texts_meet_in_concept_space(tagger):
    nl = "Wij ontwikkelen systemen voor dronedetectie en beschermen havens tegen cyberaanvallen."
    en = "We develop drone detection systems and protect ports against cyber attacks."
    assert ids(tagger.tag(nl)) == ids(tagger.tag(en)) == {"focus:counter-uav", "focus:cyber", "focus:maritime"}


def test_merge_tags_curated_win():
    derived = [Tag("x", "s", 0.4, ("word",)), Tag("y", "s", 0.9, ("other",))]
    curated = [Tag("x", "s", 1.0, ("set by PM",), "curated"), Tag("y", "s", 1.0, (), "curated", rejected=True),
               Tag("z", "s", 0.8, (), "curated")]
    merged = {t.concept_id: t for t in merge_tags(derived, curated)}
    assert set(merged) == {"x", "z"}
    assert merged["x"].origin == "curated" and merged["x"].confidence == 1.0
    assert "word" in merged["x"].evidence  # the derived evidence is kept alongside


def test_curated_tags_survive_retagging():
    idx = MatchingIndex(VOCAB)
    idx.fit(actors=[{"id": "1", "description": "We protect ports against cyber attacks."}])
    assert ids(idx.tags("actor", "1")) == {"focus:cyber", "focus:maritime"}
    idx.set_curated_tag("actor", "1", "focus:counter-uav", note="known C-UAS supplier")
    idx.set_curated_tag("actor", "1", "focus:maritime", rejected=True)
    assert ids(idx.tags("actor", "1")) == {"focus:cyber", "focus:counter-uav"}
    # the record changes: derived tags are recomputed, curated ones stay and still win
    idx.upsert_actor({"id": "1", "description": "Shipping companies and naval ports, nothing else."})
    assert ids(idx.derived_tags("actor", "1")) == {"focus:maritime"}
    tags = {t.concept_id: t for t in idx.tags("actor", "1")}
    assert set(tags) == {"focus:counter-uav"}
    assert tags["focus:counter-uav"].origin == "curated"
    assert tags["focus:counter-uav"].evidence == ("known C-UAS supplier",)
    # and curated concepts take part in matching
    assert [m.id for m in idx.search_actors("counter-drone systems")] == ["1"]


def test_reference_taxonomy_tags_real_texts_when_present():
    concepts = load_reference_concepts()
    if not concepts:
        pytest.skip("reference taxonomy not present")
    tagger = ConceptTagger(concepts)
    nl = tagger.tag("Technologieën en systemen die gericht zijn op het detecteren, neutraliseren of "
                    "beveiligen tegen vijandige of ongewenste drones.")
    en = tagger.tag("Technologies and systems that detect, neutralise or protect against hostile or unwanted drones.")
    assert ids(nl) & ids(en)
    assert all(t.evidence for t in nl + en)
