"""A small registry for the matchmaking tests, made with the ORM: two focus domains with Dutch,
English and French synonyms, Belgian and foreign actors, a past project, an open call and a
capability need. ``from matchmaking_world import build_world``."""

import datetime
from types import SimpleNamespace

from visd.actors.models import Actor
from visd.capabilities.models import CapabilityNeed
from visd.funding.models import Call
from visd.projects.models import Participation, Project
from visd.taxonomy.models import Concept, Scheme


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.counter_uav = Concept.objects.create(
        scheme=Scheme.FOCUS_DOMAIN, code="counter-uav", label_nl="Dronebestrijding", label_en="Counter-UAV",
        label_fr="Lutte anti-drones", synonyms_nl=["dronedetectie", "antidrone"],
        synonyms_en=["counter-drone", "drone detection", "hostile drones"], synonyms_fr=["détection de drones"],
        source="test")
    w.cyber = Concept.objects.create(
        scheme=Scheme.FOCUS_DOMAIN, code="cyber", label_nl="Cyberveiligheid", label_en="Cyber security",
        label_fr="Cybersécurité", synonyms_nl=["cyberaanval"], synonyms_en=["cyber attack", "cybersecurity"],
        synonyms_fr=["cyberattaque"], source="test")
    w.sonar = Actor.objects.create(
        name="Scheldt Drone Systems", kind="company", country="BE", postcode="9000", city="Gent",
        pic="999123456", vat="BE0417497106",
        description_nl="Wij bouwen radars voor dronedetectie en antidrone systemen rond havens en vliegvelden.")
    w.cyberco = Actor.objects.create(
        name="Kempen Cyber", kind="company", country="BE", postcode="2440", city="Geel", pic="999123457",
        description_en="Cyber security monitoring and response to cyber attack on industrial networks.")
    w.lab = Actor.objects.create(name="Leuven Radar Lab", kind="university", country="BE", postcode="3000",
                                 city="Leuven", pic="999123458")
    w.french = Actor.objects.create(
        name="Radars de Provence", kind="company", country="FR", postcode="13000", city="Marseille",
        pic="999123459", description_nl="", description_en="Radar systems for drone detection at sea.")
    w.german = Actor.objects.create(name="Nordsee Sensorik GmbH", kind="company", country="DE", postcode="20095",
                                    city="Hamburg", pic="999123460")
    w.project = Project.objects.create(
        source="cordis", external_id="900001", acronym="HARBOURSHIELD",
        title="Protecting harbours against hostile drones",
        objective="Drone detection with passive radar and acoustic sensors in ports; counter-drone response.",
        start_date=datetime.date(2022, 1, 1), framework_programme="H2020")
    Participation.objects.create(project=w.project, actor=w.lab, role="coordinator")
    Participation.objects.create(project=w.project, actor=w.german, role="participant")
    w.call = Call.objects.create(
        topic_id="EDF-2026-TEST-CUAS", title="Counter-drone protection of critical infrastructure",
        programme="European Defence Fund", status="open", deadline=datetime.date(2099, 1, 1),
        description="Detect, track and neutralise hostile drones around ports, airports and bases with radar.")
    w.dimension = CapabilityNeed.objects.create(source_kind="sv2025", code="cyber-dim", level="dimension",
                                                name="Cyber", source="test")
    w.need = CapabilityNeed.objects.create(
        source_kind="sv2025", code="cyber-soc", level="item", parent=w.dimension,
        name="Cyber defence operations centre", description="Detect and respond to cyber attack on defence networks.",
        committed_eur=50_000_000, source="test")
    w.need_pk = w.need.pk
    return w
