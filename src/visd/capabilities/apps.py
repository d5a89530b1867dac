from django.apps import AppConfig


class CapabilitiesConfig(AppConfig):
    name = "visd.capabilities"
    label = "capabilities"
