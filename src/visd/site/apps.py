from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The public VISD website (VISD 4.5.2): content pages edited by the programme office, the way in
    for the public, and the provenance of the demo's programme records."""

    name = "visd.site"
    label = "visd_site"  # "site" alone reads like django.contrib.sites
    verbose_name = "Public site"
