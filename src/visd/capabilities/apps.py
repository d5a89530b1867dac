from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CapabilitiesConfig(AppConfig):
    name = "visd.capabilities"
    label = "capabilities"
    verbose_name = _("Capability needs")
