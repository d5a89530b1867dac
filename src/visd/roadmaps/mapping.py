"""Reading side of the roadmaps: the live Flemish mapping of a domain, the timeline layout, the
current roadmap per domain and the cross-domain matrix (VISD figure 6)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from visd.core import permissions
from visd.taxonomy.models import Concept, DomainKind, Scheme

from .models import Roadmap, RoadmapItem, RoadmapStatus

MAPPING_LIMIT = 50


def flemish_mapping(roadmap: Roadmap, user) -> dict:
    """What the registry holds for the roadmap's domain, right now.

    Actors and infrastructure are linked to the domain through their tags; EU projects through
    their Flemish partners' tags; VISD projects and events through their domain. Calls and
    capability needs carry no domain tags yet: shown are those the roadmap's authors linked to it
    (the automatic matching of visd.matching will add suggestions later)."""
    from visd.actors.models import Actor, Region
    from visd.events.models import Event
    from visd.facilities.models import Infrastructure
    from visd.projects.models import Project

    domain = roadmap.domain
    actors = Actor.objects.filter(tags__concept=domain, region=Region.FLANDERS).distinct().order_by("name")
    eu_projects = (Project.objects.filter(participations__actor__tags__concept=domain,
                                          participations__actor__region=Region.FLANDERS)
                   .distinct().order_by("-start_date", "acronym"))
    visd_projects = permissions.visible_visd_projects(user).filter(domain=domain).order_by("title")
    return {
        "actor_count": actors.count(),
        "actors": actors[:MAPPING_LIMIT],
        "eu_project_count": eu_projects.count(),
        "eu_projects": eu_projects[:MAPPING_LIMIT],
        "visd_projects": visd_projects,
        "infrastructure": Infrastructure.objects.filter(domains=domain).select_related("operator"),
        "calls": roadmap.calls.all(),
        "needs": roadmap.needs.all(),
        "events": Event.objects.filter(domain=domain).order_by("-date")[:MAPPING_LIMIT],
        "limit": MAPPING_LIMIT,
    }


@dataclass
class TimelineRow:
    item: RoadmapItem
    before: int  # empty year columns before the bar
    span: int  # year columns the bar covers
    after: int


def timeline(items: list[RoadmapItem]) -> tuple[list[int], list[TimelineRow]]:
    """The year columns and, per item, where its bar sits: a table a person and a screen reader
    can read (no script, no image)."""
    if not items:
        return [], []
    first = min(item.start_year for item in items)
    last = max(item.end_year for item in items)
    years = list(range(first, last + 1))
    rows = [TimelineRow(item, item.start_year - first, item.end_year - item.start_year + 1, last - item.end_year)
            for item in items]
    return years, rows


def visible_roadmaps(user):
    if permissions.is_visd_staff(user):
        return Roadmap.objects.all()
    return Roadmap.objects.filter(status=RoadmapStatus.PUBLISHED)


def current_roadmaps(user) -> dict[int, Roadmap]:
    """Per domain id, the roadmap a user reads: the published version, or for VISD staff the
    draft when nothing is published yet."""
    current: dict[int, Roadmap] = {}
    for roadmap in visible_roadmaps(user).exclude(status=RoadmapStatus.SUPERSEDED).order_by("version"):
        held = current.get(roadmap.domain_id)
        if held is None or held.status != RoadmapStatus.PUBLISHED:
            current[roadmap.domain_id] = roadmap
    return current


def cross_domain_matrix(user):
    """VISD figure 6: application domains (TOP) as rows, technology domains (TED) as columns; a
    cell counts the items of the current roadmaps that link the two domains (an item in one
    domain's roadmap naming the other as related)."""
    domains = list(Concept.objects.filter(scheme=Scheme.FOCUS_DOMAIN))
    tops = [d for d in domains if d.domain_kind == DomainKind.APPLICATION]
    teds = [d for d in domains if d.domain_kind == DomainKind.TECHNOLOGY]
    roadmap_ids = [r.pk for r in current_roadmaps(user).values()]
    links = (RoadmapItem.related_domains.through.objects
             .filter(roadmapitem__roadmap_id__in=roadmap_ids)
             .values("roadmapitem__roadmap__domain_id", "concept_id")
             .annotate(n=Count("roadmapitem_id", distinct=True)))
    counts: dict[tuple[int, int], int] = {}
    for link in links:
        a, b = link["roadmapitem__roadmap__domain_id"], link["concept_id"]
        key = (a, b) if a in {t.pk for t in tops} else (b, a)
        counts[key] = counts.get(key, 0) + link["n"]
    rows = [(top, [(ted, counts.get((top.pk, ted.pk), 0)) for ted in teds]) for top in tops]
    return teds, rows


#: Layout of the SVG export, in pixels.
SVG_LABEL_WIDTH, SVG_YEAR_WIDTH, SVG_ROW_HEIGHT, SVG_HEADER = 320, 56, 28, 36
SVG_COLOURS = {"technology": "#1f5f8b", "capability": "#2e7d4f", "project": "#8a4b08"}


def timeline_svg(title: str, items: list[RoadmapItem]) -> str:
    """The visual roadmap as a standalone SVG (for slides and reports): a year axis and one bar per
    item, its title on the left (in the active language where written, else Dutch, with its
    ``xml:lang``), its years written in the bar. Text is escaped; no script."""
    from xml.sax.saxutils import escape

    years, rows = timeline(items)
    width = SVG_LABEL_WIDTH + SVG_YEAR_WIDTH * max(len(years), 1) + 8
    height = SVG_HEADER + SVG_ROW_HEIGHT * len(rows) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="roadmap-title" '
        'font-family="sans-serif" font-size="13">',
        f'<title id="roadmap-title">{escape(title)}</title>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for index, year in enumerate(years):
        x = SVG_LABEL_WIDTH + index * SVG_YEAR_WIDTH
        parts.append(f'<line x1="{x}" y1="{SVG_HEADER - 8}" x2="{x}" y2="{height}" stroke="#d0d0d0"/>')
        parts.append(f'<text x="{x + SVG_YEAR_WIDTH / 2}" y="20" text-anchor="middle">{year}</text>')
    for number, row in enumerate(rows):
        y = SVG_HEADER + number * SVG_ROW_HEIGHT
        x = SVG_LABEL_WIDTH + row.before * SVG_YEAR_WIDTH
        bar_width = row.span * SVG_YEAR_WIDTH - 4
        colour = SVG_COLOURS.get(row.item.kind, "#444444")
        shown = row.item.in_language("title")  # the English title in English, else the Dutch one, marked Dutch
        label = escape(shown.text if len(shown.text) <= 44 else shown.text[:43] + "…")
        parts.append(f'<text x="8" y="{y + 18}" xml:lang="{shown.language}">{label}</text>')
        parts.append(f'<rect x="{x + 2}" y="{y + 4}" width="{bar_width}" height="{SVG_ROW_HEIGHT - 8}" rx="3" '
                     f'fill="{colour}"><title xml:lang="{shown.language}">{escape(shown.text)} '
                     f'({row.item.start_year}–{row.item.end_year})</title></rect>')
        parts.append(f'<text x="{x + 8}" y="{y + 18}" fill="#ffffff">{row.item.start_year}–{row.item.end_year}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
