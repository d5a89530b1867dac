from visd.core import permissions
from visd.core.api.views import HistoryMixin, RegistryViewSet

from .. import actions
from ..models import Contact, Dossier, Interaction
from .serializers import ContactSerializer, DossierSerializer, InteractionSerializer


def may_see_some_contacts(user) -> bool:
    """VISD staff see every contact; an actor user those of their own organisation."""
    return permissions.is_visd_staff(user) or permissions.own_actor_id(user) is not None


class ContactViewSet(HistoryMixin, RegistryViewSet):
    """People at actors: personal data. Not public: VISD staff see all contacts, an actor user only
    their own organisation's. Changed by whoever may edit the actor's stakeholder records.

    DELETE is the GDPR erasure (art. 17) of ``actions.erase_personal_data``: the contact, its
    history and its place in interaction history go, and an audit entry records who did it."""

    serializer_class = ContactSerializer
    filterset_fields = ["actor", "legal_basis"]
    search_fields = ["first_name", "last_name", "job_title", "email", "actor__name"]
    ordering_fields = ["last_name", "first_name", "actor__name", "created_at", "updated_at"]
    read_permission = staticmethod(may_see_some_contacts)
    create_permission = staticmethod(permissions.is_visd_staff)
    delete_permission = staticmethod(lambda user, contact: permissions.can_process_gdpr_request(user, contact.actor))

    def get_queryset(self):
        contacts = Contact.objects.select_related("actor")
        if permissions.is_visd_staff(self.request.user):
            return contacts
        return contacts.filter(actor_id=permissions.own_actor_id(self.request.user))

    def perform_destroy(self, instance):
        actions.erase_personal_data(instance, acting_user=self.request.user)


# Interactions and dossiers are a log: corrected, never deleted (as on the web pages).
WITHOUT_DELETE = ["get", "post", "put", "patch", "head", "options"]


class InteractionViewSet(HistoryMixin, RegistryViewSet):
    """The programme office's log of meetings, calls and visits with actors: VISD staff only."""

    queryset = Interaction.objects.select_related("actor").prefetch_related("contacts", "staff")
    serializer_class = InteractionSerializer
    filterset_fields = {
        "actor": ["exact"], "kind": ["exact"], "dossier": ["exact"], "follow_up_done": ["exact"],
        "date": ["gte", "lte"],
    }
    search_fields = ["subject", "notes", "follow_up", "actor__name"]
    ordering_fields = ["date", "follow_up_due", "actor__name", "created_at"]
    read_permission = staticmethod(permissions.can_view_interactions)
    create_permission = staticmethod(permissions.is_visd_staff)
    http_method_names = WITHOUT_DELETE


class DossierViewSet(HistoryMixin, RegistryViewSet):
    """Threads of interactions and decisions about one subject: VISD staff only."""

    queryset = Dossier.objects.select_related("actor")
    serializer_class = DossierSerializer
    filterset_fields = ["actor", "status", "domain", "owner"]
    search_fields = ["title", "description", "actor__name"]
    ordering_fields = ["title", "status", "updated_at", "created_at"]
    read_permission = staticmethod(permissions.can_view_interactions)
    create_permission = staticmethod(permissions.is_visd_staff)
    http_method_names = WITHOUT_DELETE
