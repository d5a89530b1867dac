"""Contacts, interactions and dossiers over the API. Every write goes through
``visd.stakeholders.actions``, like the web forms, so the rules (legal basis, participants of one
organisation, author in the history) are the same whichever way a record arrives."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from visd.core import permissions
from visd.core.api.serializers import RegistrySerializer
from visd.taxonomy.models import Concept, Scheme

from .. import actions
from ..models import Contact, Dossier, Interaction

FIXED_ORGANISATION_MESSAGE = _("The organisation of an existing record cannot be changed; create a new record instead.")


class ActionSerializer(RegistrySerializer):
    """Writes through the stakeholders actions. The organisation (``actor``) is chosen when a record
    is created and fixed afterwards, as the actions require. A change passes the ``version`` the
    client read to the action (``RegistrySerializer``; a stale one is a 409)."""

    def validate_actor(self, actor):
        if self.instance is not None and actor != self.instance.actor:
            raise serializers.ValidationError(FIXED_ORGANISATION_MESSAGE)
        return actor

    @property
    def acting_user(self):
        return self.context["request"].user

    @staticmethod
    def run(action, *args, **kwargs):
        """Call an action; its validation errors become a 400 with the same field messages."""
        try:
            return action(*args, **kwargs)
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from error


class ContactSerializer(ActionSerializer):
    actor_name = serializers.CharField(source="actor.name", read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id", "actor", "actor_name", "first_name", "last_name", "job_title", "email", "phone", "languages",
            "notes", "legal_basis", "legal_basis_note", "consent_date", "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def create(self, validated_data):
        actor = validated_data.pop("actor")
        contact, _created = self.run(actions.create_contact, actor, validated_data, acting_user=self.acting_user)
        return contact

    def update(self, instance, validated_data):
        validated_data.pop("actor", None)
        version = self.expected_version(validated_data)
        return self.run(actions.update_contact, instance, validated_data, acting_user=self.acting_user,
                        expected_version=version)


class InteractionSerializer(ActionSerializer):
    actor_name = serializers.CharField(source="actor.name", read_only=True)
    staff = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=permissions.visd_staff_users(),
        help_text=_("Ids of the VISD staff users who took part."),
    )

    class Meta:
        model = Interaction
        fields = [
            "id", "date", "kind", "actor", "actor_name", "contacts", "staff", "subject", "notes", "follow_up",
            "follow_up_due", "follow_up_done", "dossier", "created_by", "created_at", "updated_at",
        ]
        read_only_fields = ["created_by", "created_at", "updated_at"]

    def create(self, validated_data):
        actor = validated_data.pop("actor")
        contacts = validated_data.pop("contacts", [])
        staff = validated_data.pop("staff", [])
        interaction, _created = self.run(
            actions.log_interaction, actor, validated_data, contacts=contacts, staff=staff,
            acting_user=self.acting_user,
        )
        return interaction

    def update(self, instance, validated_data):
        validated_data.pop("actor", None)
        version = self.expected_version(validated_data)
        contacts = validated_data.pop("contacts", instance.contacts.all())
        staff = validated_data.pop("staff", instance.staff.all())
        return self.run(
            actions.update_interaction, instance, validated_data, contacts=contacts, staff=staff,
            acting_user=self.acting_user, expected_version=version,
        )


class DossierSerializer(ActionSerializer):
    actor_name = serializers.CharField(source="actor.name", read_only=True, allow_null=True)
    domain = serializers.PrimaryKeyRelatedField(
        queryset=Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN), required=False, allow_null=True,
        help_text=_("Id of a VISD focus-domain concept."),
    )
    owner = serializers.PrimaryKeyRelatedField(
        queryset=permissions.visd_staff_users(), required=False, allow_null=True,
        help_text=_("Id of the VISD staff user who owns the dossier."),
    )

    class Meta:
        model = Dossier
        fields = ["id", "title", "actor", "actor_name", "domain", "status", "owner", "description",
                  "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def create(self, validated_data):
        actor = validated_data.pop("actor", None)
        dossier, _created = self.run(actions.create_dossier, actor, validated_data, acting_user=self.acting_user)
        return dossier

    def update(self, instance, validated_data):
        validated_data.pop("actor", None)
        version = self.expected_version(validated_data)
        return self.run(actions.update_dossier, instance, validated_data, acting_user=self.acting_user,
                        expected_version=version)
