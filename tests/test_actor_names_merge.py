"""Names people can read (``visd.actors.names``): issue 14 item 8."""

import pytest
from django.urls import reverse

from visd.actors import names
from visd.actors.models import Actor

# Real names of Belgian organisations in data/public (CORDIS and EDF): official name -> (display, legal form).
REAL_NAMES = {
    "KATHOLIEKE UNIVERSITEIT LEUVEN": ("Katholieke Universiteit Leuven", ""),
    "SPACE APPLICATIONS SERVICES NV": ("Space Applications Services", "NV"),
    "VLAAMSE INSTELLING VOOR TECHNOLOGISCH ONDERZOEK N.V.": ("Vlaamse Instelling voor Technologisch Onderzoek", "NV"),
    "NATO SCIENCE AND TECHNOLOGY ORGANISATION": ("NATO Science and Technology Organisation", ""),
    "JRC -JOINT RESEARCH CENTRE- EUROPEAN COMMISSION": ("JRC -Joint Research Centre- European Commission", ""),
    "ECOLE ROYALE MILITAIRE - KONINKLIJKE MILITAIRE SCHOOL": ("Ecole Royale Militaire - Koninklijke Militaire School", ""),
    "DE FEDERALE OVERHEIDSDIENST JUSTITIE - LE SERVICE PUBLIC FEDERAL JUSTICE":
        ("De Federale Overheidsdienst Justitie - Le Service Public Federal Justice", ""),
    "UNIVERSITE DE NAMUR ASBL": ("Universite de Namur", "ASBL"),
    "PUBLIC SAFETY COMMUNICATION EUROPE FORUM AISBL": ("Public Safety Communication Europe Forum", "AISBL"),
    "FN HERSTAL SA": ("FN Herstal", "SA"),
    "C&V DEFENCE": ("C&V Defence", ""),
    "ECOMED bvba": ("Ecomed", "BVBA"),
    "VLTN GCV": ("VLTN", "GCV"),
    "SECEUR SPRL": ("Seceur", "SPRL"),
    "VIVAQUA SCRL": ("Vivaqua", "SCRL"),
    "POLITIEZONE BRECHT-MALLE-SCHILDE-ZOERSEL": ("Politiezone Brecht-Malle-Schilde-Zoersel", ""),
    "DESCARTES SYSTEMS (BELGIUM)": ("Descartes Systems (Belgium)", ""),
    "CENTRE D'EXCELLENCE EN TECHNOLOGIES DE L'INFORMATION ET DE LA COMMUNICATION":
        ("Centre d'Excellence en Technologies de l'Information et de la Communication", ""),
    "STUDIECENTRUM VOOR KERNENERGIE / CENTRE D'ETUDE DE L'ENERGIE NUCLEAIRE":
        ("Studiecentrum voor Kernenergie / Centre d'Etude de l'Energie Nucleaire", ""),
    "THE ALLIANCE OF MARITIME REGIONAL INTERESTS IN EUROPE (AMRIE)":
        ("The Alliance of Maritime Regional Interests in Europe (AMRIE)", ""),
    "ERIC VAN HOOYDONK": ("Eric van Hooydonk", ""),
    "ENTENTE POUR LA FORÊT MÉDITERRANÉENNE": ("Entente pour la Forêt Méditerranéenne", ""),
    # Not all capitals: left as they are (a legal form at the end is still split off).
    "Clecat - European Association for Forwarding, Transport, Logistics and Customs Service":
        ("Clecat - European Association for Forwarding, Transport, Logistics and Customs Service", ""),
    "Service Public Fédéral de Programmation Politique Scientifique (Belspo)":
        ("Service Public Fédéral de Programmation Politique Scientifique (Belspo)", ""),
    # Legal forms of elsewhere.
}
# Legal forms of elsewhere, and edge cases (made-up or shortened names).
OTHER_NAMES = {
    "LEONARDO S.P.A.": ("Leonardo", "S.p.A."),
    "HENSOLDT SENSORS GMBH": ("Hensoldt Sensors", "GmbH"),
    "SAAB AB": ("Saab", "AB"),
    "Patria Oyj": ("Patria", "Oyj"),
    "BARCO NV/SA": ("Barco", "NV/SA"),
    "SA": ("SA", ""),  # nothing would remain: not split
}


@pytest.mark.parametrize("official", [*REAL_NAMES, *OTHER_NAMES])
def test_display_name_rule(official):
    assert names.display_parts(official) == {**REAL_NAMES, **OTHER_NAMES}[official]


def test_the_real_names_occur_in_the_public_data(public_data):
    text = "".join(path.read_text(encoding="utf-8") for path in public_data.glob("*/*organizations.csv"))
    assert [name for name in REAL_NAMES if f";{name};" not in text] == []


@pytest.mark.django_db
def test_preferred_name_wins_and_official_name_stays():
    actor = Actor.objects.create(name="KATHOLIEKE UNIVERSITEIT LEUVEN", country="BE")
    assert (actor.display_name, actor.legal_form, str(actor)) == (
        "Katholieke Universiteit Leuven", "", "Katholieke Universiteit Leuven")
    actor.preferred_name = "KU Leuven"
    actor.save()
    actor.refresh_from_db()
    assert (actor.name, actor.display_name) == ("KATHOLIEKE UNIVERSITEIT LEUVEN", "KU Leuven")
    assert actor.history.first().preferred_name == "KU Leuven"
    nv = Actor.objects.create(name="SPACE APPLICATIONS SERVICES NV", preferred_name="Space Applications")
    assert (nv.display_name, nv.legal_form, str(nv)) == ("Space Applications", "NV", "Space Applications NV")
    nv.preferred_name = "Space Applications Services NV"  # already carries its legal form: not repeated
    assert (nv.display_name, nv.legal_form) == ("Space Applications Services NV", "")


@pytest.mark.django_db
def test_api_and_page_show_the_display_name(client):
    actor = Actor.objects.create(name="SPACE APPLICATIONS SERVICES NV", country="BE", postcode="1932")
    data = client.get(f"/api/actors/{actor.pk}/").json()
    assert (data["name"], data["display_name"], data["legal_form"]) == (
        "SPACE APPLICATIONS SERVICES NV", "Space Applications Services", "NV")
    page = client.get(reverse("actors:detail", args=[actor.pk])).content.decode()
    assert "<h1>Space Applications Services <span class=\"muted\">— NV</span>" in page
    assert "SPACE APPLICATIONS SERVICES NV" in page  # the official name is shown too
    listing = client.get(reverse("actors:list")).content.decode()
    assert "Space Applications Services NV</a>" in listing
