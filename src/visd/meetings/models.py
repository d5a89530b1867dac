"""B2B matchmaking at an event (issue 16, docs/meetings.md): the organiser's settings and slots, the
participants (registrants of the event, as their organisation) with their short profile and
unavailability, meeting requests, and the scheduled meetings with check-in and outcome.

Links to ``visd.events`` only by foreign keys from here: an event has at most one ``Matchmaking``;
a ``Participant`` is a ``Registration`` of that event. Every write goes through ``actions.py``."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from visd.core.locking import OptimisticLock, Versioned
from visd.core.models import RegistryModel

#: The default maximum of meetings per participant when the organiser sets none. The issue names no
#: number; b2match's default event settings allow a meeting in every slot, so do we (``None``).
PRIORITY_CHOICES = [(1, _("normal")), (2, _("high")), (3, _("very high"))]


class Matchmaking(OptimisticLock, RegistryModel):
    """B2B matchmaking opened on one event."""

    event = models.OneToOneField("events.Event", on_delete=models.CASCADE, related_name="matchmaking",
                                 verbose_name=_("event"))
    tables = models.PositiveIntegerField(_("number of tables"), validators=[MinValueValidator(1), MaxValueValidator(2000)])
    table_names = models.TextField(_("table names"), blank=True, help_text=_(
        "Optional: one name per line (a table number or a booth), in table order; tables without a name are "
        "called by their number."))
    max_meetings = models.PositiveIntegerField(_("maximum meetings per participant"), null=True, blank=True,
                                               validators=[MaxValueValidator(200)],
                                               help_text=_("Empty: no maximum other than the number of slots."))
    registration_deadline = models.DateTimeField(_("registration deadline"), help_text=_(
        "Until when organisations can join the matchmaking and change their profile."))
    request_deadline = models.DateTimeField(_("request deadline"), help_text=_(
        "Until when participants can request meetings and answer requests; unanswered requests expire then."))
    response_days = models.PositiveIntegerField(_("days to answer a request"), null=True, blank=True,
                                                validators=[MinValueValidator(1), MaxValueValidator(365)],
                                                help_text=_("A request not answered within this many days expires "
                                                            "(at the latest at the request deadline). Empty: "
                                                            "requests expire at the request deadline."))
    published_at = models.DateTimeField(_("schedule published"), null=True, blank=True, editable=False)
    scheduled_at = models.DateTimeField(_("schedule computed"), null=True, blank=True, editable=False)
    schedule_report = models.JSONField(_("last schedule run"), default=dict, blank=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()
    history_hidden_fields = ("version",)

    class Meta:
        verbose_name = _("B2B matchmaking")
        verbose_name_plural = _("B2B matchmakings")

    def __str__(self) -> str:
        return str(self.event)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("meetings:detail", args=[self.event_id])

    def table_name(self, number: int) -> str:
        names = [line.strip() for line in self.table_names.splitlines() if line.strip()]
        if 1 <= number <= len(names):
            return names[number - 1]
        return str(_("Table %(number)s") % {"number": number})


class Slot(RegistryModel):
    """One meeting slot; breaks are the times between slots."""

    matchmaking = models.ForeignKey(Matchmaking, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["matchmaking", "starts_at"]
        constraints = [models.UniqueConstraint(fields=["matchmaking", "starts_at"], name="meetings_slot_unique_start"),
                       models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="meetings_slot_ends_after_start")]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")

    def __str__(self) -> str:
        from django.utils import timezone

        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        return f"{start:%Y-%m-%d %H:%M}-{end:%H:%M}"

    @property
    def key(self) -> str:
        """The slot's name in a solver instance."""
        return f"slot{self.pk}"


class Participant(Versioned, RegistryModel):
    """An organisation taking part, through one registration of the event (the person who comes)."""

    matchmaking = models.ForeignKey(Matchmaking, on_delete=models.CASCADE, related_name="participants")
    registration = models.OneToOneField("events.Registration", on_delete=models.CASCADE,
                                        related_name="matchmaking_participant", verbose_name=_("registration"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="meeting_participations", verbose_name=_("user"),
                             help_text=_("The account that acts for this participant, if any."))
    offer = models.TextField(_("we offer"), blank=True, max_length=2000)
    seek = models.TextField(_("we seek"), blank=True, max_length=2000)
    max_meetings = models.PositiveIntegerField(_("maximum meetings"), null=True, blank=True,
                                               validators=[MaxValueValidator(200)],
                                               help_text=_("Empty: the event's maximum."))
    unavailable = models.ManyToManyField(Slot, blank=True, related_name="unavailable_participants",
                                         verbose_name=_("not available in"))
    history = HistoricalRecords(m2m_fields=[unavailable])

    class Meta:
        ordering = ["matchmaking", "registration__organisation_name", "registration__name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        registration = self.registration
        organisation = registration.organisation_name or (str(registration.organisation) if registration.organisation else "")
        return f"{organisation} ({registration.name})" if organisation else registration.name

    @property
    def actor(self):
        return self.registration.organisation

    @property
    def contact(self):
        return self.registration.contact

    def limit(self) -> int | None:
        own, event = self.max_meetings, self.matchmaking.max_meetings
        if own is None:
            return event
        return own if event is None else min(own, event)


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("waiting for an answer")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    EXPIRED = "expired", _("expired")
    WITHDRAWN = "withdrawn", _("withdrawn")


class MeetingRequest(RegistryModel):
    """A request of one participant to meet another. The pair is unique in the matchmaking whoever asked
    (``pair_key``). An organiser's meeting is accepted at once; a forced one must be scheduled."""

    matchmaking = models.ForeignKey(Matchmaking, on_delete=models.CASCADE, related_name="requests")
    requester = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="requests_sent",
                                  verbose_name=_("requested by"))
    recipient = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="requests_received",
                                  verbose_name=_("requested of"))
    pair_key = models.CharField(max_length=40, editable=False)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=PRIORITY_CHOICES, default=1,
                                                validators=[MinValueValidator(1), MaxValueValidator(3)])
    message = models.TextField(_("message"), blank=True, max_length=1000)
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    by_organiser = models.BooleanField(_("added by the organiser"), default=False)
    forced = models.BooleanField(_("must be scheduled"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["matchmaking", "-priority", "created_at"]
        constraints = [models.UniqueConstraint(fields=["matchmaking", "pair_key"], name="meetings_request_one_per_pair"),
                       models.CheckConstraint(condition=models.Q(priority__gte=1, priority__lte=3),
                                              name="meetings_request_priority_1_to_3")]
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")

    def __str__(self) -> str:
        return f"{self.requester} → {self.recipient}"

    @staticmethod
    def key_for(first_id: int, second_id: int) -> str:
        low, high = sorted((first_id, second_id))
        return f"{low}-{high}"

    def other(self, participant: Participant) -> Participant:
        return self.recipient if participant.pk == self.requester_id else self.requester


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    HELD = "held", _("held")
    NO_SHOW = "no_show", _("no-show")
    CANCELLED = "cancelled", _("cancelled")


class Outcome(models.TextChoices):
    FOLLOW_UP = "follow_up", _("follow-up agreed")
    CALL = "call", _("interest in a call")
    PROJECT = "project", _("interest in a project")
    NONE = "none", _("no follow-up")


class Meeting(RegistryModel):
    """A scheduled meeting of an accepted request: its slot and table, whether it was published,
    check-in, no-show and outcome."""

    matchmaking = models.ForeignKey(Matchmaking, on_delete=models.CASCADE, related_name="meetings")
    request = models.OneToOneField(MeetingRequest, on_delete=models.CASCADE, related_name="meeting")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("slot"))
    table = models.PositiveIntegerField(_("table"))
    published = models.BooleanField(_("published"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    absent = models.ForeignKey(Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("who did not come"), help_text=_("Empty: neither came."))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("outcome notes"), blank=True, max_length=2000)
    outcome_interactions = models.ManyToManyField("stakeholders.Interaction", blank=True, related_name="+",
                                                  verbose_name=_("interactions in the stakeholder register"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["matchmaking", "slot__starts_at", "table"]
        constraints = [models.UniqueConstraint(fields=["slot", "table"], name="meetings_one_meeting_per_table_and_slot")]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.slot}: {self.request.requester} – {self.request.recipient}"

    def table_name(self) -> str:
        return self.matchmaking.table_name(self.table)
