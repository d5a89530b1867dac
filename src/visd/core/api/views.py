"""Viewset building blocks shared by every app's API: the registry viewset (permission checks on
the record as it would be saved, protected deletes), the record-history action, pagination and
the token endpoint."""

from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from visd.core import history, locking, permissions, throttle

from .pagination import LimitOffsetPagination  # noqa: F401 (the apps' viewsets import it from here)
from .schema import RoleAwareAutoSchema
from .serializers import HistoryEntrySerializer, TokenRequestSerializer, TokenSerializer


def api_validation_error(error: DjangoValidationError) -> serializers.ValidationError:
    """An action's ValidationError (``visd.<app>.actions``) as a 400 with a message per field."""
    if hasattr(error, "error_dict"):
        detail = {(api_settings.NON_FIELD_ERRORS_KEY if key == "__all__" else key): messages
                  for key, messages in error.message_dict.items()}
    else:
        detail = {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    return serializers.ValidationError(detail)


@contextmanager
def action_errors(conflict: type[Exception] | tuple = (), stale=None):
    """Around a call of an action (``visd.<app>.actions``): its ValidationError becomes a 400 with a
    message per field (``api_validation_error``); with ``conflict``, the action's lost-update
    exception becomes the 409 that ``stale(exception)`` builds (a ``StaleVersion``). Either way the
    action's transaction has already undone whatever it began."""
    try:
        yield
    except DjangoValidationError as error:
        raise api_validation_error(error) from error
    except conflict as error:
        raise stale(error) from error


class StaleVersion(exceptions.APIException):
    """A 409 for optimistic locking: the record changed since the client read it. The body holds
    the message, both versions, the record as stored (``current``) and the request as sent
    (``yours``), the two versions an edit page shows side by side. Nothing was written.
    ``field`` names the record's locking field (``version``, or ``revision`` for roadmaps, whose
    ``version`` is the roadmap's version number): the body then holds ``your_<field>`` and
    ``current_<field>``."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"

    def __init__(self, message, your_version, current_version, current, submitted, *, field="version"):
        super().__init__()
        if hasattr(submitted, "getlist"):  # a form-encoded request
            submitted = dict(submitted.items())
        self.detail = {"detail": str(message), f"your_{field}": your_version, f"current_{field}": current_version,
                       "current": current, "yours": submitted}

    @classmethod
    def of(cls, conflict: locking.EditConflict, your_version, current, submitted) -> "StaleVersion":
        """The 409 of an ``EditConflict`` (``visd.core.locking``): ``current`` is the stored record as
        the endpoint shows it (None once deleted), ``submitted`` the request's data."""
        return cls(conflict, your_version, conflict.current_version, current, submitted,
                   field=conflict.model.lock_field)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This record is still referred to by other records.")
    default_code = "conflict"


class RegistryViewSet(viewsets.ModelViewSet):
    """Base of the read-write viewsets. Write permission is decided by ``RolePermission`` on the
    record *as it would be saved* (``RegistrySerializer.candidate``), so moving a record to
    another actor needs the right on that actor too. Deleting a record that others still point to
    is a 409 with the reason, never a server error."""

    pagination_class = LimitOffsetPagination
    schema = RoleAwareAutoSchema()

    def perform_create(self, serializer):
        self.check_object_permissions(self.request, serializer.candidate(serializer.validated_data))
        with transaction.atomic():  # the record and its many-to-many links, or nothing
            serializer.save()

    def get_success_headers(self, data):
        """Location of the created record. (DRF's default copies a field called 'url' into the
        header, which in this registry is a project's or a call's website.)"""
        lookup_value = data["id"] if self.lookup_field == "pk" else data[self.lookup_field]
        return {"Location": self.reverse_action("detail", args=[lookup_value])}

    def perform_update(self, serializer):
        self.check_object_permissions(self.request, serializer.candidate(serializer.validated_data))
        your_version = serializer.validated_data.get(serializer.lock_field) if serializer.lock_field else None
        try:
            with transaction.atomic():
                serializer.save()
        except locking.EditConflict as conflict:
            # someone else saved since the client read the record: nothing of this request is kept
            stored = None if conflict.record is None else (
                self.get_queryset().filter(pk=conflict.record.pk).first() or conflict.record)
            current = None if stored is None else type(serializer)(stored, context=self.get_serializer_context()).data
            raise StaleVersion.of(conflict, your_version, current, self.request.data) from conflict

    def perform_destroy(self, instance):
        try:
            instance.delete()
        except ProtectedError as error:
            raise self._conflict(instance, error.protected_objects) from error
        except RestrictedError as error:
            raise self._conflict(instance, error.restricted_objects) from error

    @staticmethod
    def _conflict(instance, blocking_records) -> Conflict:
        kinds = sorted({str(record._meta.verbose_name_plural) for record in blocking_records})
        return Conflict(
            _("%(record)s cannot be deleted while %(kinds)s refer to it.")
            % {"record": instance, "kinds": ", ".join(kinds)}
        )


class ReadOnlyRegistryViewSet(viewsets.ReadOnlyModelViewSet):
    pagination_class = LimitOffsetPagination
    schema = RoleAwareAutoSchema()


def _history_entries(record, show_user: bool) -> list[dict]:
    """Every saved version of ``record``, newest first, each with its changes compared with the
    version before it (for the first version: the values it was created with). Foreign keys are
    given as ids, many-to-many fields as lists of ids."""
    versions = list(record.history.select_related("history_user").order_by("history_date", "history_id"))
    entries = []
    previous = None
    for version in versions:
        # simple_history reports a many-to-many change as rows of the link table; keep the target ids.
        m2m_targets = {field.name: field.m2m_reverse_field_name() for field in version._history_m2m_fields}

        def plain(field, value, m2m_targets=m2m_targets):
            return [row[m2m_targets[field]] for row in value] if field in m2m_targets else value

        if previous is None:
            shown = history.shown_fields(type(record), version) - set(m2m_targets)
            values = {f.name: f.value_from_object(version) for f in version.tracked_fields if f.name in shown}
            changes = [
                {"field": name, "old": None, "new": value}
                for name, value in sorted(values.items())
                if value not in (None, "", [], {})
            ]
        else:
            changes = [
                {"field": name, "old": plain(name, old), "new": plain(name, new)}
                for name, old, new in history.stored_changes(type(record), previous, version)
            ]
        entries.append({
            "id": version.history_id,
            "date": version.history_date,
            "type": {"+": "created", "~": "changed", "-": "deleted"}[version.history_type],
            "user": version.history_user.get_username() if show_user and version.history_user else None,
            "change_reason": version.history_change_reason,
            "changes": changes,
        })
        previous = version
    entries.reverse()
    return entries


class HistoryMixin:
    """``<resource>/<id>/history/``: who changed the record, when, and what. Visible to whoever
    may see the record itself; who made a change is shown to VISD staff only."""

    @extend_schema(
        summary="History of the record",
        description="Every saved version of the record, newest first, with the fields that changed.",
        responses=HistoryEntrySerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, *args, **kwargs):
        record = self.get_object()
        if not permissions.can_view_history(request.user, record):
            raise Http404
        entries = _history_entries(record, show_user=permissions.is_visd_staff(request.user))
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(HistoryEntrySerializer(page, many=True).data)


class LoginThrottle(BaseThrottle):
    """Password guessing through the token endpoint: the login attempts of ``visd.core.throttle``,
    per client address and per user name, counted together with the login page's."""

    def allow_request(self, request, view):
        username = request.data.get("username") if hasattr(request.data, "get") else None
        return throttle.allow_login(request, username)

    def wait(self):
        return throttle.seconds_left(settings.VISD_LOGIN_RATE_WINDOW)


class ObtainTokenView(ObtainAuthToken):
    """Exchange a username and password for the user's API token (created on first request)."""

    authentication_classes = []
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # ObtainAuthToken names DRF's own JSON parser
    throttle_classes = [LoginThrottle]
    serializer_class = TokenRequestSerializer

    @extend_schema(
        summary="Get an API token",
        description="Send a username and password; the answer is the user's token, to be sent as "
        "'Authorization: Token <token>'. Limited to a few attempts per minute per client address and per "
        "username (together with the login page; VISD_LOGIN_RATE_LIMIT and VISD_LOGIN_RATE_WINDOW).",
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="Wrong username or password, or a one-time password still to change."),
            429: OpenApiResponse(description="Too many attempts; try again later."),
        },
        tags=["auth"],
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
