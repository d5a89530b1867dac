from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    name = "visd.taxonomy"
    label = "taxonomy"
