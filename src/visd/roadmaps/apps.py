from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoadmapsConfig(AppConfig):
    name = "visd.roadmaps"
    verbose_name = _("Orientation roadmaps")
