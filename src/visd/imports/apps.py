from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "visd.imports"
    label = "imports"
