from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "visd.programme"
    label = "programme"
