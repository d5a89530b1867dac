"""B2B matchmaking changes only through ``visd.meetings.actions`` (the pages, the API and
``visd meetings``): the admin shows it, with its history, read-only."""

from django.contrib import admin

from visd.core.admin import VisdReadOnlyAdmin

from .models import Matchmaking, Meeting, MeetingRequest, Participant


@admin.register(Matchmaking)
class MatchmakingAdmin(VisdReadOnlyAdmin):
    list_display = ["event", "tables", "request_deadline", "scheduled_at", "published_at"]
    list_select_related = ["event"]


@admin.register(Participant)
class ParticipantAdmin(VisdReadOnlyAdmin):
    list_display = ["__str__", "matchmaking"]
    list_select_related = ["registration", "matchmaking__event"]


@admin.register(MeetingRequest)
class MeetingRequestAdmin(VisdReadOnlyAdmin):
    list_display = ["__str__", "priority", "status", "matchmaking"]
    list_filter = ["status"]
    list_select_related = ["requester__registration", "recipient__registration", "matchmaking__event"]


@admin.register(Meeting)
class MeetingAdmin(VisdReadOnlyAdmin):
    list_display = ["__str__", "table", "status", "outcome"]
    list_filter = ["status", "outcome"]
    list_select_related = ["slot", "request__requester__registration", "request__recipient__registration"]
