from django.apps import AppConfig


class StakeholdersConfig(AppConfig):
    name = "visd.stakeholders"
    label = "stakeholders"
