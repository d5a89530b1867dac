from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "visd.meetings"
    verbose_name = _("B2B meetings")
