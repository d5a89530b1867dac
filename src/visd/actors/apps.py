from django.apps import AppConfig


class ActorsConfig(AppConfig):
    name = "visd.actors"
    label = "actors"
