"""REST API routes, mounted at /api/: one router for all apps; each app's viewsets live in its
``api/views.py``. Who may read and write what is decided by ``visd.core.api.permissions.RolePermission``
(the default permission class), which asks ``visd.core.permissions``. The OpenAPI schema and its
documentation pages are routed in ``visd.urls`` (/api/schema/, /api/docs/, /api/redoc/)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from visd.actors.api.views import ActorTagViewSet, ActorViewSet
from visd.capabilities.api.views import CapabilityNeedViewSet
from visd.consortia.api.views import ConsortiumViewSet, ControlRelationViewSet
from visd.core.api.views import ObtainTokenView
from visd.facilities.api.views import InfrastructureViewSet
from visd.funding.api.views import CallViewSet, InstrumentViewSet
from visd.guidance.api.views import NavigatorView
from visd.imports.api.views import ImportRunViewSet
from visd.matchmaking.api.views import ConceptTagViewSet, MatchingViewSet
from visd.meetings.api.views import AgendaViewSet, MatchmakingViewSet, MeetingRequestViewSet
from visd.profiles.api.views import OfferViewSet, ProfileViewSet, SeekViewSet
from visd.programme.api.views import BudgetLineViewSet, KPIViewSet
from visd.projects.api.views import ParticipationViewSet, ProjectViewSet
from visd.projects.api.visd import VisdProjectViewSet
from visd.roadmaps.api.views import RoadmapViewSet
from visd.events.api.views import EventViewSet
from visd.screening.api.views import CountryNoteViewSet, ExportRestrictionViewSet, ScreeningViewSet
from visd.stakeholders.api.views import ContactViewSet, DossierViewSet, InteractionViewSet
from visd.taxonomy.api.views import ConceptViewSet, PortfolioViewSet

router = DefaultRouter()
# Call topic ids contain dots, so '.json'-style format suffixes would make URLs ambiguous.
router.include_format_suffixes = False
router.register("actors", ActorViewSet, basename="actor")
router.register("actor-tags", ActorTagViewSet, basename="actortag")
router.register("actor-profiles", ProfileViewSet, basename="actorprofile")
router.register("actor-offers", OfferViewSet, basename="actoroffer")
router.register("actor-seeks", SeekViewSet, basename="actorseek")
router.register("contacts", ContactViewSet, basename="contact")
router.register("interactions", InteractionViewSet, basename="interaction")
router.register("dossiers", DossierViewSet, basename="dossier")
router.register("concepts", ConceptViewSet, basename="concept")
router.register("portfolios", PortfolioViewSet, basename="portfolio")
router.register("capability-needs", CapabilityNeedViewSet, basename="capabilityneed")
router.register("consortia", ConsortiumViewSet, basename="consortium")
router.register("control-relations", ControlRelationViewSet, basename="controlrelation")
router.register("calls", CallViewSet, basename="call")
router.register("instruments", InstrumentViewSet, basename="instrument")
router.register("projects", ProjectViewSet, basename="project")
router.register("participations", ParticipationViewSet, basename="participation")
router.register("visd-projects", VisdProjectViewSet, basename="visdproject")
router.register("roadmaps", RoadmapViewSet, basename="roadmap")
router.register("events", EventViewSet, basename="event")
router.register("meetings", MatchmakingViewSet, basename="matchmaking")
router.register("meeting-requests", MeetingRequestViewSet, basename="meetingrequest")
router.register("meeting-agendas", AgendaViewSet, basename="meetingagenda")
router.register("infrastructure", InfrastructureViewSet, basename="infrastructure")
router.register("budget-lines", BudgetLineViewSet, basename="budgetline")
router.register("kpis", KPIViewSet, basename="kpi")
router.register("import-runs", ImportRunViewSet, basename="importrun")
router.register("screenings", ScreeningViewSet, basename="screening")
router.register("export-restrictions", ExportRestrictionViewSet, basename="exportrestriction")
router.register("country-notes", CountryNoteViewSet, basename="countrynote")
router.register("matching", MatchingViewSet, basename="matching")
router.register("concept-tags", ConceptTagViewSet, basename="concepttag")

app_name = "api"
urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="auth-token"),
    path("guidance/navigator/", NavigatorView.as_view(), name="guidance-navigator"),
    *router.urls,
]
