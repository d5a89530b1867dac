"""The public site's records.

``Page``: a content page of the public site (what VISD is, how it works, a partner's page), Dutch and
English side by side, with the source of its facts. The programme office edits it; every saved version
is kept (django-simple-history); a draft is not shown to the public until it is published.

``Provenance``: where a demo record of another app (a roadmap draft, a roadmap item, an event, an
announcement) comes from. The other apps' models carry no source field, and this app may not change
their tables, so the note sits beside the record, keyed by content type and id.

``Announcement``: an event the documents announce without a date (the DIF-Days, the thematic deep
dives). ``visd.events.Event`` needs a date; inventing one is not allowed, so the announcement waits
here until the programme office fixes the date, and then points at the scheduled event."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from visd.core.locking import OptimisticLock
from visd.core.models import RegistryModel


class PageKind(models.TextChoices):
    ABOUT = "about", _("About VISD")
    PARTNER = "partner", _("Partner page")


def _in_language(obj, field: str) -> str:
    english = getattr(obj, f"{field}_en")
    return english if translation.get_language() == "en" and english else getattr(obj, f"{field}_nl")


class Page(OptimisticLock, RegistryModel):
    """A content page. ``body_*`` is plain text: a blank line starts a paragraph, a line starting with
    "- " is a list item (no HTML from editors, so nothing they type can break the page)."""

    slug = models.SlugField(_("address"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=PageKind.choices, default=PageKind.ABOUT)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    summary_nl = models.CharField(_("summary (Dutch)"), max_length=300,
                                  help_text=_("One or two sentences: the page's description for search engines."))
    summary_en = models.CharField(_("summary (English)"), max_length=300)
    body_nl = models.TextField(_("text (Dutch)"))
    body_en = models.TextField(_("text (English)"))
    external_url = models.URLField(_("partner website"), max_length=500, blank=True)
    instrument_codes = models.CharField(
        _("instruments"), max_length=500, blank=True,
        help_text=_("Codes of the instruments in the catalogue this page leads to, separated by commas."))
    source = models.CharField(_("source"), max_length=500,
                              help_text=_("Document and section the facts of the page come from."))
    published = models.BooleanField(_("published"), default=False,
                                    help_text=_("Only published pages are shown to the public."))
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "order", "slug"]
        verbose_name = _("site page")
        verbose_name_plural = _("site pages")

    def __str__(self) -> str:
        return self.title_nl

    def get_absolute_url(self) -> str:
        return reverse("site:page", args=[self.slug])

    @property
    def title(self) -> str:
        return _in_language(self, "title")

    @property
    def summary(self) -> str:
        return _in_language(self, "summary")

    @property
    def body(self) -> str:
        return _in_language(self, "body")

    @property
    def codes(self) -> list[str]:
        return [code.strip() for code in self.instrument_codes.split(",") if code.strip()]


class Announcement(RegistryModel):
    """An event announced by a document, with or without a date. ``event`` is set once scheduled."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=16)  # an ``visd.events.EventKind`` value
    title_nl = models.CharField(_("title (Dutch)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    description_nl = models.TextField(_("description (Dutch)"))
    description_en = models.TextField(_("description (English)"))
    when_nl = models.CharField(_("when (Dutch)"), max_length=300,
                               help_text=_("What the document says of the timing; it gives no date."))
    when_en = models.CharField(_("when (English)"), max_length=300)
    source = models.CharField(_("source"), max_length=500)
    event = models.OneToOneField("events.Event", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="announcement", verbose_name=_("scheduled event"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("announced event")
        verbose_name_plural = _("announced events")

    def __str__(self) -> str:
        return self.title_nl

    @property
    def title(self) -> str:
        return _in_language(self, "title")

    @property
    def description(self) -> str:
        return _in_language(self, "description")

    @property
    def when(self) -> str:
        return _in_language(self, "when")


class Provenance(RegistryModel):
    """Where a record made by a loader (``visd load-programme-demo``) comes from."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    source = models.CharField(_("source"), max_length=500)
    loaded_by = models.CharField(_("loaded by"), max_length=100)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"], name="one_provenance_per_record")]
        verbose_name = _("provenance")
        verbose_name_plural = _("provenances")

    def __str__(self) -> str:
        return f"{self.content_type.model} {self.object_id}: {self.source}"

    @classmethod
    def of(cls, obj) -> "Provenance | None":
        return cls.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk).first()
