"""Events (VISD 4.5): DIF-Days, thematic deep dives, matchmaking events and info days, with
registrations, attendance and a satisfaction survey whose results feed the programme KPIs."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from visd.core.locking import OptimisticLock
from visd.core.models import RegistryModel
from visd.core.submission import SubmissionKeyed, keyed_history


class EventKind(models.TextChoices):
    DIF_DAY = "dif_day", _("DIF-Day")
    DEEP_DIVE = "deep_dive", _("Thematic deep dive")
    MATCHMAKING = "matchmaking", _("Matchmaking event")
    INFO_DAY = "info_day", _("Info day")


def ended_before(cutoff, prefix: str = "") -> models.Q:
    """Events whose last day (``end_date``, else ``date``) lies before ``cutoff``; ``prefix`` is the
    path to the event from the model queried (``"event__"`` for registrations). The one definition
    of "over" that both retention rules use."""
    return (models.Q(**{f"{prefix}end_date__lt": cutoff})
            | models.Q(**{f"{prefix}end_date__isnull": True, f"{prefix}date__lt": cutoff}))


class Event(OptimisticLock, RegistryModel):
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    date = models.DateField(_("date"))
    end_date = models.DateField(_("last day"), null=True, blank=True, help_text=_("For events of several days."))
    domain = models.ForeignKey("taxonomy.Concept", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="events", verbose_name=_("focus domain"),
                               limit_choices_to={"scheme": "focus_domain"},
                               help_text=_("Empty for an event across all domains, such as a DIF-Day."))
    location = models.CharField(_("location"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "title"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("events:detail", args=[self.pk])

    def clean(self):
        if self.date and self.end_date and self.end_date < self.date:
            raise ValidationError({"end_date": _("The last day cannot be before the first.")})
        if self.date and not 2000 <= self.date.year <= 2100:
            raise ValidationError({"date": _("Give a date between 2000 and 2100.")})

    @property
    def last_day(self):
        return self.end_date or self.date


#: What an erased registration's name becomes (GDPR art. 17): the row stays, so event counts do not change.
ERASED_NAME = "[erased]"


class Registration(SubmissionKeyed, RegistryModel):
    """A participant registered for an event. Personal data: visible to VISD staff only.

    When the participant is a contact of the stakeholder register, ``contact`` links the two, so the
    contact's GDPR export includes the registration and its erasure anonymises it
    (``visd.events.actions.anonymise_registrations``). A registration of someone who is not a contact
    is erased on its own (``erase_registration``). A registration made through a form or an API request
carries that submission's one-time key (``visd.core.submission``), so sending it twice registers once."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey("actors.Actor", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="event_registrations", verbose_name=_("organisation"))
    organisation_name = models.CharField(_("organisation (as given)"), max_length=300, blank=True)
    contact = models.ForeignKey("stakeholders.Contact", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="event_registrations", verbose_name=_("contact"),
                                help_text=_("The participant's record in the stakeholder register, if any."))
    attended = models.BooleanField(_("attended"), default=False)
    history = keyed_history()

    class Meta:
        ordering = ["event", "name"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return self.name

    @property
    def erased(self) -> bool:
        return self.name == ERASED_NAME


class SurveyResponse(SubmissionKeyed, RegistryModel):
    """One answer to the satisfaction survey: a score from 1 (very dissatisfied) to 5 (very satisfied).
    Anonymous: it records no respondent (no name, contact or registration), so it is not part of a
    person's GDPR export or erasure. Only a free-text comment could name someone. The first answer of
    a tally carries the one-time key of the form or request that recorded it, so sending it twice
    records it once."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="survey_responses")
    score = models.PositiveSmallIntegerField(_("satisfaction (1-5)"),
                                             validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True)
    history = keyed_history()

    class Meta:
        ordering = ["event", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5),
                                              name="survey_score_1_to_5")]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return f"{self.event}: {self.score}"
