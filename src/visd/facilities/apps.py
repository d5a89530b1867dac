from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "visd.facilities"
    label = "facilities"
