"""A record of every import run: who ran it, on which files, and what it did or why it was refused."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        REJECTED = "rejected", _("Rejected, nothing written")

    kind = models.CharField(_("kind"), max_length=40)  # cordis, topics, reference, facilities, ...
    files = models.JSONField(_("files"), default=list)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    counts = models.JSONField(_("counts"), default=dict, help_text=_("created / updated / unchanged per record type"))
    problems = models.JSONField(_("problems"), default=list, help_text=_("Every problem, by file, row and column."))

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M} {self.status}"
