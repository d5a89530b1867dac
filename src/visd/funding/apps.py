from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "visd.funding"
    label = "funding"
