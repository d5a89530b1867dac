"""A small trilingual term bridge (English / Dutch / French) for security, defence and research texts.

The taxonomy's labels and synonyms map texts to a few dozen *concepts*; that is enough to put a Dutch
company description and an English EDF topic in the same focus domain, but too coarse to rank actors
inside a domain. This glossary adds a finer bridge: Dutch and French words (and Dutch compounds) are
mapped to the English stem of the same word, so that, after analysis, "grensbewaking",
"surveillance des frontières" and "border surveillance" all produce the terms ``border surveil``.

Format of ``GLOSSARY``: one entry per line, ``english ; dutch variants ; french variants``, variants
separated by ``|``; further English variants (``cyber attack | cyberattack``) map onto the first. A side may be empty. Multi-word entries are phrases (matched after stemming and
stopword removal, longest first). Lines starting with ``#`` are comments.

The list is hand-curated reference data (no machine translation, nothing downloaded). Extend it
freely: :func:`visd.matching.analysis.Analyzer` reads it once at construction.
"""

GLOSSARY = """
# --- security and defence
security ; veiligheid | beveiliging | zekerheid ; sécurité
defence | defense ; defensie | verdediging | landsverdediging ; défense
military ; militair | militaire ; militaire
armed forces ; strijdkrachten | krijgsmacht ; forces armées
army ; leger | landmacht ; armée | armée de terre
navy ; marine | zeemacht ; marine
air force ; luchtmacht ; armée de l'air
soldier ; soldaat | militair ; soldat
weapon ; wapen | wapens | bewapening ; arme | armement
ammunition ; munitie ; munition | munitions
explosive ; explosief | springstof | explosieven ; explosif | explosifs
threat ; dreiging | bedreiging ; menace
attack ; aanval ; attaque
terrorism ; terrorisme ; terrorisme
terrorist ; terrorist ; terroriste
crime ; misdaad | criminaliteit ; crime | criminalité
organised crime ; georganiseerde misdaad | georganiseerde criminaliteit ; crime organisé | criminalité organisée
police ; politie ; police
law enforcement ; rechtshandhaving | ordehandhaving | politiediensten ; forces de l'ordre | application de la loi
border ; grens | grenzen ; frontière | frontières
border control ; grenscontrole | grensbewaking ; contrôle des frontières | contrôle aux frontières
border surveillance ; grensbewaking ; surveillance des frontières
surveillance ; bewaking | toezicht | surveillance ; surveillance
monitoring ; monitoring | opvolging | bewaking ; surveillance | suivi
protection ; bescherming ; protection
protect ; beschermen ; protéger
critical infrastructure ; kritieke infrastructuur | vitale infrastructuur ; infrastructure critique | infrastructures critiques
infrastructure ; infrastructuur ; infrastructure
crisis ; crisis ; crise
crisis management ; crisisbeheer | crisisbeheersing ; gestion de crise | gestion des crises
disaster ; ramp | rampen ; catastrophe | catastrophes
emergency ; noodsituatie | noodgeval ; urgence
first responder ; hulpverlener | hulpdiensten | eerstelijnshulpverlener ; premier intervenant | primo-intervenant
resilience ; weerbaarheid | veerkracht ; résilience
risk ; risico ; risque
vulnerability ; kwetsbaarheid ; vulnérabilité
intelligence ; inlichtingen | intelligentie ; renseignement | intelligence
counter ; contra | anti ; contre | anti
mission ; missie | opdracht ; mission
operation ; operatie ; opération
operational ; operationeel | operationele ; opérationnel
capability ; capaciteit | vermogen ; capacité
command and control ; commando en controle | bevelvoering ; commandement et contrôle
situational awareness ; situationeel bewustzijn | situatiebewustzijn ; conscience situationnelle | connaissance de la situation
battlefield ; slagveld ; champ de bataille
warfare ; oorlogvoering ; guerre
war ; oorlog ; guerre
peace ; vrede ; paix
cbrn ; cbrn | cbrne ; nrbc
chemical ; chemisch | chemische ; chimique
biological ; biologisch | biologische ; biologique
nuclear ; nucleair | nucleaire ; nucléaire
radiological ; radiologisch | radiologische ; radiologique
decontamination ; decontaminatie | ontsmetting ; décontamination
forensic ; forensisch | forensische ; médico-légal | forensique
evidence ; bewijs | bewijsmateriaal ; preuve | preuves
investigation ; opsporing | strafonderzoek ; enquête | investigation
victim ; slachtoffer ; victime
citizen ; burger | burgers ; citoyen | citoyens
privacy ; privacy | privéleven ; vie privée
ethics ; ethiek ; éthique
trust ; vertrouwen ; confiance
fraud ; fraude ; fraude
money laundering ; witwassen ; blanchiment d'argent
trafficking ; mensenhandel | smokkel ; trafic | traite
smuggling ; smokkel ; contrebande
migration ; migratie ; migration
port ; haven | havens ; port | ports
airport ; luchthaven ; aéroport
maritime ; maritiem | maritieme ; maritime
sea ; zee ; mer
ship ; schip | schepen | vaartuig ; navire | navires
vessel ; vaartuig | schip ; navire
naval ; marine | maritiem ; naval | navale
underwater ; onderwater ; sous-marin
mine ; mijn | mijnen | zeemijn ; mine | mines
mine countermeasures ; mijnenbestrijding ; lutte contre les mines
coast ; kust ; côte
coastal ; kust ; côtier
# --- air, space, unmanned
aircraft ; vliegtuig | luchtvaartuig ; aéronef | avion
aviation ; luchtvaart ; aviation | aéronautique
aerospace ; lucht- en ruimtevaart ; aérospatial
helicopter ; helikopter ; hélicoptère
# a drone is what project texts call a UAV, UAS or RPAS: one term, so that "drone" finds them
drone | uav | uavs | uas | rpas | unmanned aerial vehicle | unmanned aerial vehicles | unmanned aircraft | unmanned aerial system | unmanned aircraft system | remotely piloted aircraft ; drone | drones | uav | uas | rpas | onbemand luchtvaartuig ; drone | drones | uav | uas | rpas | véhicule aérien sans pilote
unmanned ; onbemand | onbemande ; sans pilote | inhabité
counter drone | counter uav | counter uas | c uas | cuas ; antidrone | dronebestrijding | c uas | cuas ; anti-drone | lutte anti-drones | c uas | cuas
space ; ruimte | ruimtevaart ; espace | spatial
satellite ; satelliet | satellieten ; satellite | satellites
launcher ; draagraket | lanceerder ; lanceur
earth observation ; aardobservatie ; observation de la terre
navigation ; navigatie ; navigation
autonomous ; autonoom | autonome ; autonome
autonomy ; autonomie ; autonomie
robot ; robot ; robot
robotics ; robotica ; robotique
vehicle ; voertuig | voertuigen ; véhicule | véhicules
ground vehicle ; grondvoertuig ; véhicule terrestre
swarm ; zwerm ; essaim
# --- sensing and signals
sensor ; sensor | sensoren | sensors ; capteur | capteurs
detection ; detectie | opsporing ; détection
detect ; detecteren | opsporen | waarnemen ; détecter
identification ; identificatie ; identification
identify ; identificeren ; identifier
tracking ; tracking | volgen | opvolging ; suivi | poursuite
localisation | localization ; lokalisatie | plaatsbepaling ; localisation
radar ; radar ; radar
lidar ; lidar ; lidar
optical ; optisch | optische ; optique
infrared ; infrarood ; infrarouge
thermal ; thermisch | thermische ; thermique
camera ; camera ; caméra
imaging ; beeldvorming ; imagerie
image ; beeld | beelden ; image | images
video ; video ; vidéo
acoustic ; akoestisch | akoestische ; acoustique
signal ; signaal | signalen ; signal | signaux
signal processing ; signaalverwerking ; traitement du signal
electronic warfare ; elektronische oorlogvoering ; guerre électronique
jamming ; storing | jamming ; brouillage
antenna ; antenne ; antenne
spectrum ; spectrum ; spectre
frequency ; frequentie ; fréquence
laser ; laser ; laser
photonics ; fotonica ; photonique
quantum ; kwantum | quantum ; quantique
microelectronics ; micro-elektronica ; microélectronique
semiconductor ; halfgeleider | halfgeleiders ; semi-conducteur
chip ; chip | chips ; puce
electronics ; elektronica ; électronique
# --- digital
cyber ; cyber ; cyber
cybersecurity | cyber security ; cyberveiligheid | cyberbeveiliging | cybersecurity ; cybersécurité
cyber attack | cyberattack | cyber-attack ; cyberaanval | cyberaanvallen ; cyberattaque
cyber defence ; cyberdefensie ; cyberdéfense
network ; netwerk | netwerken ; réseau | réseaux
communication ; communicatie ; communication
telecommunication ; telecommunicatie ; télécommunication
secure communication ; beveiligde communicatie ; communication sécurisée
encryption ; versleuteling | encryptie ; chiffrement
cryptography ; cryptografie ; cryptographie
software ; software | programmatuur ; logiciel
hardware ; hardware ; matériel
data ; data | gegevens ; données
big data ; big data ; mégadonnées
information ; informatie ; information
digital ; digitaal | digitale ; numérique
digitalisation | digitalization ; digitalisering ; numérisation
computer ; computer ; ordinateur
computing ; rekenkracht | computing ; calcul | informatique
cloud ; cloud ; nuage | cloud
internet ; internet ; internet
platform ; platform ; plateforme
system ; systeem | systemen ; système | systèmes
artificial intelligence ; artificiële intelligentie | kunstmatige intelligentie ; intelligence artificielle
machine learning ; machinaal leren | machine learning ; apprentissage automatique
algorithm ; algoritme | algoritmen | algoritmes ; algorithme
analytics ; ; analytique
analysis ; analyse ; analyse
decision support ; beslissingsondersteuning ; aide à la décision
decision ; beslissing | besluitvorming ; décision
simulation ; simulatie ; simulation
training ; training | opleiding ; formation | entraînement
virtual reality ; virtuele realiteit ; réalité virtuelle
digital twin ; digitale tweeling ; jumeau numérique
disinformation ; desinformatie ; désinformation
social media ; sociale media ; médias sociaux | réseaux sociaux
identity ; identiteit ; identité
biometric ; biometrisch | biometrie ; biométrique
authentication ; authenticatie ; authentification
interoperability ; interoperabiliteit ; interopérabilité
standard ; standaard | norm ; norme | standard
standardisation | standardization ; standaardisatie | normalisatie ; normalisation
certification ; certificering ; certification
# --- materials, energy, environment, health
material ; materiaal | materialen ; matériau | matériaux
advanced materials ; geavanceerde materialen ; matériaux avancés
composite ; composiet | composietmaterialen ; composite
coating ; coating | deklaag ; revêtement
manufacturing ; productie | fabricage | maakindustrie ; fabrication
additive manufacturing ; additieve productie | 3d-printen ; fabrication additive
energy ; energie ; énergie
battery ; batterij | batterijen ; batterie
hydrogen ; waterstof ; hydrogène
fuel ; brandstof ; carburant
power ; vermogen | stroom ; puissance | énergie
propulsion ; voortstuwing ; propulsion
environment ; omgeving | milieu ; environnement
environmental ; milieu ; environnemental
climate ; klimaat ; climat
pollution ; vervuiling | verontreiniging ; pollution
water ; water ; eau
health ; gezondheid ; santé
medical ; medisch | medische ; médical
biotechnology ; biotechnologie ; biotechnologie
pathogen ; ziekteverwekker | pathogeen ; pathogène
vaccine ; vaccin ; vaccin
human factors ; menselijke factoren ; facteurs humains
geospatial ; geospatiaal | geografisch ; géospatial
geographic ; geografisch | geografische ; géographique
map ; kaart | kaarten ; carte | cartes
mapping ; kartering ; cartographie
# --- research, industry, generic
research ; onderzoek ; recherche
innovation ; innovatie ; innovation
technology ; technologie ; technologie
development ; ontwikkeling ; développement
develop ; ontwikkelen ; développer
design ; ontwerp ; conception
prototype ; prototype ; prototype
demonstration ; demonstratie ; démonstration
testing ; testen ; essai | test
validation ; validatie ; validation
integration ; integratie ; intégration
industry ; industrie | nijverheid ; industrie
company ; bedrijf | onderneming ; entreprise | société
sme ; kmo | kmo's ; pme
startup ; startup | start-up ; jeune pousse | start-up
university ; universiteit ; université
knowledge ; kennis ; connaissance
expertise ; expertise | deskundigheid ; expertise
supply chain ; toeleveringsketen | leveringsketen | waardeketen ; chaîne d'approvisionnement
value chain ; waardeketen ; chaîne de valeur
production ; productie ; production
maintenance ; onderhoud ; maintenance | entretien
logistics ; logistiek ; logistique
transport ; transport | vervoer ; transport
mobility ; mobiliteit ; mobilité
public ; publiek | openbaar ; public
authority ; overheid | autoriteit ; autorité
government ; overheid | regering ; gouvernement
cooperation ; samenwerking ; coopération
european ; europees | europese ; européen | européenne
international ; internationaal | internationale ; international
national ; nationaal | nationale ; national
regional ; regionaal | regionale ; régional
market ; markt ; marché
dual use ; tweeledig gebruik | dual use ; double usage
civil ; civiel | civiele ; civil
civilian ; burger | civiel ; civil
urban ; stedelijk | stedelijke ; urbain
city ; stad ; ville
building ; gebouw ; bâtiment
equipment ; uitrusting | materieel ; équipement
protective equipment ; beschermingsmiddelen | beschermende uitrusting ; équipement de protection
tool ; hulpmiddel | instrument | tool ; outil
method ; methode ; méthode
model ; model ; modèle
framework ; kader ; cadre
architecture ; architectuur ; architecture
solution ; oplossing | oplossingen ; solution
user ; gebruiker | gebruikers ; utilisateur
end user ; eindgebruiker | eindgebruikers ; utilisateur final
practitioner ; praktijkmensen | praktijkgebruiker ; praticien
need ; nood | behoefte | noden ; besoin
requirement ; vereiste | eis ; exigence
real time ; real time | realtime | ware tijd ; temps réel
early warning ; vroegtijdige waarschuwing ; alerte précoce
warning ; waarschuwing ; alerte
alert ; alarm | alert ; alerte
response ; respons | reactie | interventie ; réponse | intervention
preparedness ; paraatheid ; préparation
prevention ; preventie ; prévention
recovery ; herstel ; rétablissement
evacuation ; evacuatie ; évacuation
rescue ; redding ; sauvetage
search and rescue ; opsporing en redding ; recherche et sauvetage
fire ; brand ; incendie | feu
flood ; overstroming ; inondation
storage ; opslag ; stockage
distribution ; distributie ; distribution
management ; beheer | beheersing ; gestion
generation ; opwekking ; génération | production
sustainable ; duurzaam | duurzame ; durable
innovative ; innovatief | innovatieve ; innovant | innovante
domain ; domein ; domaine
digital threat ; digitale dreiging | digitale dreigingen ; menace numérique
neutralise | neutralize ; neutraliseren ; neutraliser
hostile ; vijandig | vijandige ; hostile
unwanted ; ongewenst | ongewenste ; indésirable
technologies ; technologieën ; technologies
application ; toepassing | toepassingen ; application
geographic information ; geografische informatie ; information géographique
satellite image ; satellietbeeld | satellietbeelden ; image satellite
strategic ; strategisch | strategische ; stratégique
"""
