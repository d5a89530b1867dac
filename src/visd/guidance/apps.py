from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "visd.guidance"
    label = "guidance"
    verbose_name = "Guidance"
