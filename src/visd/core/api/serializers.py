"""Serializer building blocks shared by every app's API: the base of writable serializers, the
record-history entry, and the token exchange."""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer


class RegistrySerializer(serializers.ModelSerializer):
    """Base of every writable serializer.

    It runs the model's own invariants (``Model.clean``) on the record as it would be saved, so the
    API refuses exactly what the web forms refuse, with the same field messages (400, not a
    half-written record). ``candidate`` is also what the viewset checks write permission on."""

    def candidate(self, attrs):
        """The record as it would be saved: a copy of the current one (or a new one) with the
        validated plain fields applied. Many-to-many values are left out: they need a saved row."""
        model = self.Meta.model
        record = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            if not model._meta.get_field(name).many_to_many:
                setattr(record, name, value)
        return record

    def validate(self, attrs):
        attrs = super().validate(attrs)
        try:
            self.candidate(attrs).clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from error
        return attrs


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text=_("Name of the field that changed."))
    old = serializers.JSONField(allow_null=True, help_text=_("Value before the change (null when created)."))
    new = serializers.JSONField(allow_null=True, help_text=_("Value after the change."))


class HistoryEntrySerializer(serializers.Serializer):
    """One saved version of a record, as django-simple-history keeps it, with what changed
    compared with the version before."""

    id = serializers.IntegerField(help_text=_("Id of this history entry."))
    date = serializers.DateTimeField(help_text=_("When the change was saved."))
    type = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    user = serializers.CharField(
        allow_null=True,
        help_text=_("Username of who made the change; shown to VISD staff only, null for everyone else."),
    )
    change_reason = serializers.CharField(allow_null=True)
    changes = FieldChangeSerializer(many=True)


class TokenRequestSerializer(AuthTokenSerializer):
    """Username and password for a token. A user who was given a one-time password must first
    choose their own on the web (the same rule the web pages enforce), so no token is handed out
    for a password that someone else knows."""

    token = None  # the request carries no token; TokenSerializer describes the answer

    def validate(self, attrs):
        attrs = super().validate(attrs)
        profile = getattr(attrs["user"], "profile", None)
        if profile is not None and profile.must_change_password:
            raise serializers.ValidationError(
                _("Choose a new password on the website before asking for an API token."), code="authorization"
            )
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Send as 'Authorization: Token <token>'."))
