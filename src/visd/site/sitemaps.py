"""The sitemap (django.contrib.sitemaps): the public site's pages, the focus domains, the published
roadmaps, the instruments and the upcoming events; nothing that needs a login."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from visd.funding.models import Instrument
from visd.roadmaps.models import Roadmap, RoadmapStatus
from visd.taxonomy.models import Concept

from .models import Page
from .views import _upcoming_events


class StaticSitemap(Sitemap):
    def items(self):
        return ["site:home", "site:instruments", "site:events", "onboarding:join", "facilities:list",
                "guidance:navigator"]

    def location(self, item):
        return reverse(item)


class PageSitemap(Sitemap):
    def items(self):
        return Page.objects.filter(published=True)

    def lastmod(self, page):
        return page.updated_at


class DomainSitemap(Sitemap):
    def items(self):
        return Concept.objects.filter(scheme="focus_domain").order_by("order")

    def location(self, domain):
        return reverse("site:domain", args=[domain.code])


class RoadmapSitemap(Sitemap):
    def items(self):
        return Roadmap.objects.filter(status=RoadmapStatus.PUBLISHED)


class InstrumentSitemap(Sitemap):
    def items(self):
        return Instrument.objects.order_by("code")

    def location(self, instrument):
        return reverse("funding:instrument_detail", args=[instrument.code])


class EventSitemap(Sitemap):
    def items(self):
        return _upcoming_events()


SITEMAPS = {"site": StaticSitemap, "pages": PageSitemap, "domains": DomainSitemap, "roadmaps": RoadmapSitemap,
            "instruments": InstrumentSitemap, "events": EventSitemap}
