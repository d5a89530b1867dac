"""The public site's pages (VISD 4.5.2) and the programme office's page editor. Views check
permissions (``visd.core.permissions``), parse and call the apps' actions; the public pages read only
what anonymous visitors may see (published roadmaps, events, the instrument catalogue, facilities)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from visd.core import permissions, throttle
from visd.core.locking import EditConflict
from visd.core.views import home as registry_home
from visd.core.views import registry_counts
from visd.events import actions as event_actions
from visd.events.models import Event
from visd.funding.models import Instrument, InstrumentLevel
from visd.roadmaps.models import Roadmap, RoadmapStatus
from visd.taxonomy.models import Concept

from .forms import PageForm, PublicRegistrationForm
from .models import Announcement, Page, PageKind, Provenance


def _domains():
    return Concept.objects.filter(scheme="focus_domain").order_by("order")


def _published_roadmaps() -> dict[int, Roadmap]:
    return {roadmap.domain_id: roadmap for roadmap in Roadmap.objects.filter(status=RoadmapStatus.PUBLISHED)}


def _upcoming_events():
    return Event.objects.filter(Q(end_date__gte=timezone.localdate())
                                | Q(end_date__isnull=True, date__gte=timezone.localdate())
                                ).select_related("announcement").order_by("date")


def _event_title(event) -> str:
    """An event scheduled from an announcement has a title in both languages: the announcement's."""
    announcement = getattr(event, "announcement", None)
    return announcement.title if announcement is not None else event.title


def home(request):
    """``/``: the public home for visitors; signed-in users keep the registry home they know
    (the public home stays at ``/visd/`` for them)."""
    if request.user.is_authenticated:
        return registry_home(request)
    return public_home(request)


def public_home(request):
    roadmaps = _published_roadmaps()
    return render(request, "site/home.html", {
        "about_pages": Page.objects.filter(published=True, kind=PageKind.ABOUT),
        "partners": Page.objects.filter(published=True, kind=PageKind.PARTNER),
        "domains": [(domain, roadmaps.get(domain.pk)) for domain in _domains()],
        "events": _upcoming_events()[:3],
        "announcements": Announcement.objects.filter(event__isnull=True),
        "counts": registry_counts(),
    })


def page(request, slug):
    shown = get_object_or_404(Page, slug=slug)
    if not shown.published and not permissions.is_visd_staff(request.user):
        raise Http404
    return render(request, "site/page.html", {
        "page": shown, "instruments": Instrument.objects.filter(code__in=shown.codes),
        "can_edit": permissions.is_visd_staff(request.user),
    })


def domain_detail(request, code):
    domain = get_object_or_404(Concept, scheme="focus_domain", code=code)
    roadmap = Roadmap.objects.filter(domain=domain, status=RoadmapStatus.PUBLISHED).first()
    facilities = domain.infrastructures.order_by("name")
    return render(request, "site/domain.html", {
        "domain": domain, "roadmap": roadmap,
        "description": (domain.description_en if translation.get_language() == "en" else "") or domain.description_nl, "facility_count": facilities.count(),
        "facilities": facilities[:10], "events": _upcoming_events().filter(Q(domain=domain) | Q(domain__isnull=True)),
    })


def instruments(request):
    partners = list(Page.objects.filter(published=True, kind=PageKind.PARTNER))
    partner_of = {code: partner for partner in partners for code in partner.codes}
    by_level = []
    for level, label in InstrumentLevel.choices:
        rows = [(instrument, partner_of.get(instrument.code)) for instrument in
                Instrument.objects.filter(level=level).order_by("name_nl")]
        by_level.append((level, label, rows))
    return render(request, "site/instruments.html", {"by_level": by_level, "partners": partners})


def calendar(request):
    return render(request, "site/events.html", {
        "events": _upcoming_events(),
        "announcements": Announcement.objects.filter(event__isnull=True),
    })


@require_http_methods(["GET", "POST"])
def register(request, pk):
    event = get_object_or_404(_upcoming_events(), pk=pk)
    form = PublicRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not throttle.allow(request, "event-registration", settings.VISD_ONBOARDING_RATE_LIMIT,
                              settings.VISD_ONBOARDING_RATE_WINDOW):
            form.add_error(None, _("Too many registrations from your address. Try again later."))
        else:
            try:
                _registration, created = event_actions.register_once(
                    event, form.cleaned_data["name"], organisation_name=form.cleaned_data["organisation_name"],
                    acting_user=None, submission_key=form.submission_key)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                if created:
                    messages.success(request, _("You are registered for %(event)s.") % {"event": _event_title(event)})
                else:
                    messages.info(request, _("You were already registered for %(event)s with this form; nothing "
                                             "was added a second time.") % {"event": _event_title(event)})
                return redirect("site:events")
    full = event.capacity is not None and event.registrations.count() >= event.capacity
    return render(request, "site/register.html", {"event": event, "form": form, "full": full,
                                                  "provenance": Provenance.of(event)})


# --- the programme office's editor ------------------------------------------------------------

def _require_editor(request):
    if not permissions.can_edit_site_pages(request.user):
        raise PermissionDenied


def page_admin(request):
    _require_editor(request)
    return render(request, "site/page_admin.html", {"pages": Page.objects.all()})


@require_http_methods(["GET", "POST"])
def page_edit(request, slug):
    """Edit a page: "Preview" shows the page as the public would see it without saving; "Publish"
    saves a new version (kept in the history) and shows it; "Withdraw" takes it off the public site."""
    _require_editor(request)
    edited = get_object_or_404(Page, slug=slug)
    form = PageForm(request.POST or None, instance=edited)
    preview = None
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        if action == "preview":
            preview = form.save(commit=False)  # not saved: only shown
        elif action in ("publish", "withdraw"):
            page_to_save = form.save(commit=False)
            page_to_save.published = action == "publish"
            page_to_save._history_user = request.user
            try:
                page_to_save.expect_version(form.expected_version).save()
            except EditConflict:
                form.add_error(None, _("Someone else saved this page since you opened it. Reload it to see "
                                       "their version; your text was not saved."))
            else:
                messages.success(request, _("The page is published.") if action == "publish"
                                 else _("The page is withdrawn from the public site."))
                return redirect("site:page", slug=edited.slug)
    return render(request, "site/page_edit.html", {
        "page": edited, "form": form, "preview": preview,
        "preview_instruments": Instrument.objects.filter(code__in=preview.codes) if preview else None,
    })
