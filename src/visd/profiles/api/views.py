"""Capability profiles in the API: everyone reads what their tier allows
(``permissions.can_view_profile_item``); only the organisation's representative writes."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from visd.actors.models import Actor
from visd.core import permissions
from visd.core.api.schema import RoleAwareAutoSchema
from visd.core.api.submission import DESCRIBE as SUBMISSION_DESCRIPTION
from visd.core.api.submission import create_responses, created_status
from visd.core.api.views import HistoryMixin, LimitOffsetPagination, StaleVersion, action_errors

from .. import actions, review
from ..filtersets import OfferFilterSet, SeekFilterSet
from ..models import CapabilityProfile, Offer, Seek
from .serializers import OfferSerializer, CapabilityProfileSerializer, CapabilityProfileWriteSerializer, SeekSerializer, profile_data

STALE = {409: OpenApiResponse(description="The version is stale: someone else changed it. Nothing was written.")}


def _stale(conflict, version, submitted):
    return StaleVersion(conflict, version, conflict.record.version, None, submitted)


def _is_representative(user) -> bool:
    return permissions.own_actor_id(user) is not None


@extend_schema_view(
    retrieve=extend_schema(summary="An actor's capability profile",
                           description="The items, offers and seeks the reader's tier allows: public to everyone, "
                           "members to logged-in users with a VISD role, restricted to VISD staff, Defence and the "
                           "organisation's own representatives. 404 while the organisation has no profile."),
)
class ProfileViewSet(HistoryMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Capability profiles, by actor id. Read by tier; changed by the organisation's representative.
    The history of the whole profile (every field) is for those who may see every tier."""

    queryset = CapabilityProfile.objects.select_related("actor").prefetch_related("statements__stated_by")
    serializer_class = CapabilityProfileSerializer
    lookup_value_regex = "[0-9]{1,18}"  # an actor's id; longer numbers overflow the database's integers: 404
    pagination_class = LimitOffsetPagination
    schema = RoleAwareAutoSchema()
    change_permission = staticmethod(lambda user, profile: permissions.can_edit_profile(user, profile.actor_id))
    create_permission = staticmethod(_is_representative)

    def check_object_permissions(self, request, obj):
        if self.action == "retrieve":
            return  # the answer holds only the items the reader's tier allows (profile_data)
        super().check_object_permissions(request, obj)

    def retrieve(self, request, *args, **kwargs):
        return Response(profile_data(self.get_object(), request))

    @extend_schema(request=CapabilityProfileWriteSerializer, responses={200: CapabilityProfileSerializer, **STALE},
                   summary="Change your organisation's profile",
                   description="The organisation's representative (actor user) only. Send the fields to change, "
                   "`tiers` (item -> tier) and the `version` you read; the profile is created on the first "
                   "change (PUT or PATCH to your actor's id).")
    def partial_update(self, request, *args, **kwargs):
        actor = get_object_or_404(Actor, pk=kwargs["pk"])
        if not permissions.can_edit_profile(request.user, actor):
            self.permission_denied(request)
        serializer = CapabilityProfileWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        tiers = values.pop("tiers", {})
        version = values.pop("version", None)
        exists = CapabilityProfile.objects.filter(pk=actor.pk).exists()
        if exists and version is None:
            return Response({"version": ["Send the version you read."]}, status=status.HTTP_400_BAD_REQUEST)
        with action_errors(actions.EditConflict, lambda conflict: _stale(conflict, version, request.data)):
            profile = actions.update_profile(actor, values, tiers, acting_user=request.user,
                                             expected_version=version)
        return Response(profile_data(CapabilityProfile.objects.get(pk=profile.pk), request))



class EntryViewSet(HistoryMixin, viewsets.ModelViewSet):
    """Offers or seeks: listed as the reader's tier allows; created, changed and deleted by the
    organisation's representative (always on their own organisation)."""

    pagination_class = LimitOffsetPagination
    schema = RoleAwareAutoSchema()
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    create_permission = staticmethod(_is_representative)
    change_permission = staticmethod(lambda user, entry: permissions.can_edit_profile(user, entry.profile_id))
    save = None  # the action that writes

    def get_queryset(self):
        return permissions.visible_profile_items(self.request.user, super().get_queryset())

    def perform_create(self, serializer):
        raise NotImplementedError

    def list(self, request, *args, **kwargs):
        """Each entry as the reader may see it: the working version for the organisation's
        representatives and VISD staff, the published one for everyone else (``review.shown``)."""
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        entries = review.shown(request.user, page if page is not None else queryset)
        data = self.get_serializer(entries, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        entries = review.shown(request.user, [self.get_object()])
        if not entries:
            raise Http404
        return Response(self.get_serializer(entries[0]).data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        values.pop("version", None)
        key = values.pop("submission_key", None)
        actor = get_object_or_404(Actor, pk=permissions.own_actor_id(request.user))
        with action_errors():
            entry, created = actions.add_entry(self.queryset.model, actor, values, acting_user=request.user,
                                               submission_key=key)
        return Response(self.get_serializer(entry).data, status=created_status(created))

    def partial_update(self, request, *args, **kwargs):
        entry = self.get_object()
        serializer = self.get_serializer(entry, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        values.pop("submission_key", None)  # a key names a new entry; a change has its version
        version = values.pop("version", None)
        if version is None:
            return Response({"version": ["Send the version you read."]}, status=status.HTTP_400_BAD_REQUEST)
        with action_errors(actions.EditConflict, lambda conflict: _stale(conflict, version, request.data)):
            entry = type(self).save(entry.profile.actor, values, acting_user=request.user,
                                    expected_version=version, **{self.queryset.model._meta.model_name: entry})
        return Response(self.get_serializer(entry).data)

    def perform_destroy(self, instance):
        actions.delete_entry(instance, acting_user=self.request.user)


@extend_schema_view(
    list=extend_schema(summary="Offers of capability profiles", description="The offers your tier allows "
                       "(filter by `profile`: the actor's id)."),
    create=extend_schema(summary="Add an offer to your organisation's profile", responses=create_responses(OfferSerializer),
                         description="The organisation's representative only. Without `visibility`, a defence offer "
                         "is restricted, others public. " + SUBMISSION_DESCRIPTION),
    partial_update=extend_schema(responses={200: OfferSerializer, **STALE}),
)
class OfferViewSet(EntryViewSet):
    queryset = Offer.objects.select_related("profile__actor", "stated_by").prefetch_related("domains", "captechs")
    serializer_class = OfferSerializer
    filterset_class = OfferFilterSet
    save = staticmethod(actions.save_offer)


@extend_schema_view(
    list=extend_schema(summary="What capability profiles seek", description="What your tier allows "
                       "(filter by `profile`: the actor's id)."),
    create=extend_schema(summary="Add something your organisation seeks", responses=create_responses(SeekSerializer),
                         description="The organisation's representative only. Without `visibility`, customers "
                         "sought are restricted, others public. " + SUBMISSION_DESCRIPTION),
    partial_update=extend_schema(responses={200: SeekSerializer, **STALE}),
)
class SeekViewSet(EntryViewSet):
    queryset = Seek.objects.select_related("profile__actor", "stated_by")
    serializer_class = SeekSerializer
    filterset_class = SeekFilterSet
    save = staticmethod(actions.save_seek)
