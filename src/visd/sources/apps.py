from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "visd.sources"
    verbose_name = "Sources"
