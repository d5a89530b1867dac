"""Serializer building blocks shared by every app's API: the base of writable serializers, the
record-history entry, and the token exchange."""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from visd.core import locking


class RegistrySerializer(serializers.ModelSerializer):
    """Base of every writable serializer.

    It runs the model's own invariants (``Model.clean``) on the record as it would be saved, so the
    API refuses exactly what the web forms refuse, with the same field messages (400, not a
    half-written record). ``candidate`` is also what the viewset checks write permission on.

    A record under optimistic locking (``visd.core.locking``) shows its ``version`` (or the model's
    other ``lock_field``); a change (PUT or PATCH) must send the version the client read, and the save
    succeeds only while it is still the stored one (else ``EditConflict``, a 409 in the viewset)."""

    def get_fields(self):
        fields = super().get_fields()
        model = self.Meta.model
        if locking.is_locked(model):
            fields[model.lock_field] = serializers.IntegerField(
                min_value=1, max_value=locking.MAX_VERSION, required=False,
                help_text=_("The version of the record, raised on every change. Send the version you read with "
                            "every change (PUT or PATCH): if someone else changed the record since, the answer "
                            "is 409 with the record as stored, and nothing is written. Ignored when creating."))
        return fields

    @property
    def lock_field(self) -> str | None:
        model = self.Meta.model
        return model.lock_field if locking.is_locked(model) else None

    def to_internal_value(self, data):
        attrs = super().to_internal_value(data)
        if self.lock_field and self.instance is None:
            attrs.pop(self.lock_field, None)  # a new record starts at version 1 whatever is sent
        return attrs

    def expected_version(self, validated_data) -> int | None:
        """Take the version the client read out of the validated data (it is no value to store)."""
        return validated_data.pop(self.lock_field, None) if self.lock_field else None

    def update(self, instance, validated_data):
        if self.lock_field:
            instance.expect_version(self.expected_version(validated_data))
        return super().update(instance, validated_data)

    def candidate(self, attrs):
        """The record as it would be saved: a copy of the current one (or a new one) with the
        validated plain fields applied. Many-to-many values are left out: they need a saved row."""
        model = self.Meta.model
        record = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            if name != self.lock_field and not model._meta.get_field(name).many_to_many:
                setattr(record, name, value)
        return record

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.lock_field and self.instance is not None and self.lock_field not in attrs:
            raise serializers.ValidationError({self.lock_field: [_(
                "Send the version of the record you read (every answer shows it): a change without it could "
                "overwrite someone else's.")]}, code="required")
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
