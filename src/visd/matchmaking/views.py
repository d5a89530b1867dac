"""Match pages: ranked actors for a call or a capability need, calls and needs for an actor, the
strength map (HTML heat map and CSV) and partner search. They show registry data and what the
matching engine derives from it, which anyone may read (``visd.core.permissions.can_view``).
At the end: the tag curation page of one record (see the section's comment)."""

import csv
import io

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from visd.actors.models import Actor, ActorKind, ActorTag, Region
from visd.capabilities.models import CapabilityNeed
from visd.core import permissions
from visd.core.exports import safe_row
from visd.core.feedback import report_validation_error
from visd.funding.models import Call

from . import curation, lifecycle, matches, page_cache
from .forms import CurationAction, TagCurationForm
from .matches import MatchError
from .models import ConceptTag

TOP_CHOICES = (10, 25, 50)
# The engine's coarse kinds (see records.ENGINE_KINDS), labelled with the registry's kinds they cover.
FILTER_KINDS = [("company", ActorKind.COMPANY.label), ("university", ActorKind.UNIVERSITY.label),
                ("research", ActorKind.RESEARCH_ORGANISATION.label), ("public", ActorKind.PUBLIC_BODY.label),
                ("other", ActorKind.OTHER.label)]
FILTER_REGIONS = [(code, label) for code, label in Region.choices if code in matches.REGION_ARGS]


def _require_view(request, obj):
    if not permissions.can_view(request.user, obj):
        raise Http404


def _filters(request) -> tuple[dict, dict, list[str]]:
    """Engine filters from the query string, the values to show back in the form, and errors."""
    values = {"country": request.GET.get("country", "").strip().upper()[:2],
              "region": request.GET.get("region", "").strip(),
              "kind": request.GET.get("kind", "").strip()}
    try:
        top = int(request.GET.get("top", TOP_CHOICES[0]))
    except ValueError:
        top = TOP_CHOICES[0]
    values["top"] = top if top in TOP_CHOICES else TOP_CHOICES[0]
    try:
        return matches.filters_for(values["country"], values["region"], values["kind"]), values, []
    except MatchError as exc:
        return {}, values, [str(exc)]


def _form_context(values):
    return {"values": values, "regions": FILTER_REGIONS, "kinds": FILTER_KINDS, "top_choices": TOP_CHOICES}


def _index_status():
    """The last persisted index (read-only: a page never builds or updates it, nor writes tags) and
    the notices to show with it: none, "not available yet", or how old it is; and, while the index
    waits for its embeddings, that it answers lexically until then."""
    status = lifecycle.read_index()
    return status, {"index_available": status.available,
                    "index_notice": matches.stale_message(status) if status.available
                    else matches.unavailable_message(status),
                    "dense_notice": matches.dense_message(status)}


def call_matches(request, topic_id):
    call = get_object_or_404(Call, topic_id=topic_id)
    _require_view(request, call)
    filters, values, errors = _filters(request)
    status, notice = _index_status()
    results = [] if errors or not status.available else page_cache.cached(
        "call", status, (call.pk, sorted(filters.items()), values["top"]),
        lambda: matches.actors_for_call(call, filters, values["top"], index=status.index))
    return render(request, "matchmaking/actor_matches.html", {
        "subject": call, "subject_kind": "call", "title": call.title, "results": results, "errors": errors,
        **notice, **_form_context(values)})


def need_matches(request, pk):
    need = get_object_or_404(CapabilityNeed, pk=pk)
    _require_view(request, need)
    filters, values, errors = _filters(request)
    status, notice = _index_status()
    results = [] if errors or not status.available else page_cache.cached(
        "need", status, (need.pk, sorted(filters.items()), values["top"]),
        lambda: matches.actors_for_need(need, filters, values["top"], index=status.index))
    return render(request, "matchmaking/actor_matches.html", {
        "subject": need, "subject_kind": "need", "title": need.name, "results": results, "errors": errors,
        **notice, **_form_context(values)})


def actor_matches(request, pk):
    actor = get_object_or_404(Actor, pk=pk)
    _require_view(request, actor)
    status, notice = _index_status()
    found = {"calls": [], "needs": []}
    if status.available:
        found = page_cache.cached("actor", status, (actor.pk, 10), lambda: opportunities(actor, 10, status.index))
    return render(request, "matchmaking/opportunity_matches.html", {"actor": actor, **found, **notice})


def opportunities(actor, top: int, index) -> dict:
    """Calls and needs ranked for ``actor`` (none for an actor added since the index last saw the
    database), for this page and the API."""
    try:
        return {"calls": matches.opportunities_for_actor(actor, kinds=("call",), top=top, index=index),
                "needs": matches.opportunities_for_actor(actor, kinds=("need",), top=top, index=index)}
    except MatchError:
        return {"calls": [], "needs": []}


def _strength_region(request) -> str:
    region = request.GET.get("region", "flanders")
    return region if region in matches.REGION_ARGS else "flanders"


def _display_rows(rows) -> list[dict]:
    """The strength map's rows for the page, with the concept labels and call links read in one query
    each for all rows (not per row)."""
    labels = matches.concept_labels()
    topics = dict(Call.objects.filter(pk__in=[int(r.key[5:]) for r in rows if r.key.startswith("call:")])
                  .values_list("pk", "topic_id"))
    return [_display_row(row, labels, topics) for row in rows]


def _display_row(row, labels: dict, topics: dict) -> dict:
    from django.urls import reverse

    from visd.matching.strength import KNOWLEDGE_KINDS

    link, label = "", row.label
    if row.kind == "domain":
        label = labels.get(row.key, row.label)
    elif row.key.startswith("call:"):
        topic_id = topics.get(int(row.key[5:]))
        link = reverse("matchmaking:call", args=[topic_id]) if topic_id else ""
    elif row.key.startswith("need:"):
        link = reverse("matchmaking:need", args=[int(row.key[5:])])
    knowledge = sum(v for k, v in row.critical_mass["by_kind"].items() if k in KNOWLEDGE_KINDS)
    return {"key": row.key, "kind": row.kind, "label": label, "link": link, "knowledge": knowledge,
            "critical_mass": row.critical_mass, "opportunity": row.opportunity, "leadership": row.leadership,
            "top_actors": row.top_actors}


def strength_tables(region: str, status, version: str | None = None) -> dict:
    """The strength map's three tables as HTML, and its number of actors: computed once per index
    and database version and language (``page_cache``), then read."""

    def compute():
        smap = matches.strength(region, status)
        groups = {"domain": [], "need": [], "call": []}
        max_able = 1
        for row, shown in zip(smap.rows, _display_rows(smap.rows), strict=True):
            groups[row.kind].append(shown)
            max_able = max(max_able, row.critical_mass["able_actors"])
        # the heat map's opportunity column is shaded against the domain with the most open calls
        max_calls = max((r["opportunity"].get("open_calls") or 0 for r in groups["domain"]), default=0) or 1
        html = render_to_string("matchmaking/_strength_tables.html", {
            "domains": groups["domain"], "needs": groups["need"], "calls": groups["call"], "max_able": max_able,
            "max_calls": max_calls})
        return {"n_actors": smap.n_actors, "html": html}

    return page_cache.cached("strength-page", status, (region,), compute, version)


def strength_map(request):
    region = _strength_region(request)
    status, notice = _index_status()
    smap, tables = None, ""
    if status.available:
        computed = strength_tables(region, status)
        smap, tables = {"n_actors": computed["n_actors"]}, mark_safe(computed["html"])  # rendered (escaped) above
    return render(request, "matchmaking/strength_map.html", {
        "smap": smap, "strength_tables": tables, "region": region, "regions": FILTER_REGIONS, **notice})


CSV_COLUMNS = ["key", "kind", "label", "able_actors", "industry", "knowledge", "strength_sum", "open_calls",
               "budget_eur", "coordinators", "defence_experienced", "best_strength", "top_actors"]


def strength_map_csv(request):
    region = _strength_region(request)
    status = lifecycle.read_index(check_current=False)
    if not status.available:  # a file download cannot carry a notice: say it as plain text
        return HttpResponse(matches.unavailable_message(status), status=503, content_type="text/plain; charset=utf-8")

    def compute():
        smap = matches.strength(region, status)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for flat, row in zip(smap.table(), smap.rows, strict=True):
            flat = dict(flat, top_actors="; ".join(f"{a['name']} ({a['strength']})" for a in row.top_actors))
            writer.writerow(safe_row(flat.get(c, "") for c in CSV_COLUMNS))
        return out.getvalue()

    response = HttpResponse(page_cache.cached("strength-csv", status, (region,), compute),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="visd-strength-map-{region}.csv"'
    return response


def _members(raw: str) -> tuple[list[Actor], list[str]]:
    """Actors named by id or PIC, separated by commas, spaces or new lines; and what was not found."""
    members, unknown = [], []
    for token in raw.replace(",", " ").split():
        actor = None
        if token.isdigit():
            actor = Actor.objects.filter(pic=token).first() if len(token) == 9 else None
            actor = actor or Actor.objects.filter(pk=int(token)).first()
        if actor is None:
            unknown.append(token)
        elif actor not in members:
            members.append(actor)
    return members, unknown


def partner_search(request):
    text = request.GET.get("text", "").strip()
    members, unknown = _members(request.GET.get("members", ""))
    filters, values, errors = _filters(request)
    results = []
    searched = "text" in request.GET
    if searched and not text:
        errors.append(_("Describe the project first."))
    if unknown:
        errors.append(_("Unknown members (give an actor id or PIC): %(values)s") % {"values": ", ".join(unknown)})
    status, notice = _index_status()
    if searched and not errors and status.available:
        try:
            results = page_cache.cached(
                "partners", status, (text, [m.pk for m in members], sorted(filters.items()), values["top"]),
                lambda: matches.partners_for_draft(text, [m.pk for m in members], filters, values["top"],
                                                   index=status.index))
        except MatchError as exc:  # e.g. a text over the length limit
            errors.append(str(exc))
    countries = list(dict.fromkeys(r["country"] for r in results if r["country"]))
    return render(request, "matchmaking/partner_search.html", {
        "countries": countries, "text": text, "members_raw": request.GET.get("members", ""), "members": members, "results": results,
        "errors": errors, "searched": searched, **notice, **_form_context(values)})


# ---------------------------------------------------------------------------- curating concept tags
# ``/matching/tags/<type>/<pk>/``: the concept tags of one actor, project, call or capability need,
# for anyone who may view the record; programme managers in scope and management
# (``permissions.can_curate_tags``) confirm, add, reject or un-curate a concept there (the writing is
# in ``curation.py``).



def _record_tags(target_type: str, record) -> list[dict]:
    """The record's tags as rows for the page: label, scheme, origin, confidence, evidence, rejected."""
    if target_type == "actor":
        tags = ActorTag.objects.filter(actor=record)
    else:
        tags = ConceptTag.objects.filter(target_type=target_type, object_id=record.pk)
    tags = tags.select_related("concept").order_by("concept__scheme", "concept__order", "concept__code")
    return [{"concept": t.concept, "label": t.concept.label, "scheme": t.concept.get_scheme_display(),
             "origin": t.origin, "origin_label": t.get_origin_display(), "confidence": t.confidence,
             "evidence": [e for e in (t.evidence or "").split("; ") if e], "rejected": getattr(t, "rejected", False)}
            for t in tags]


def _record_links(target_type: str, record) -> dict:
    from django.urls import reverse

    match_url = {"call": lambda: reverse("matchmaking:call", args=[record.topic_id]),
                 "need": lambda: reverse("matchmaking:need", args=[record.pk]),
                 "actor": lambda: reverse("matchmaking:actor", args=[record.pk])}.get(target_type)
    return {"record_url": record.get_absolute_url(), "match_url": match_url() if match_url else ""}


def _record_title(target_type: str, record) -> str:
    if target_type == "project":
        return f"{record.acronym}: {record.title}" if record.acronym else record.title
    if target_type == "call":
        return record.title
    return record.name


@require_http_methods(["GET", "HEAD", "POST"])
def record_tags(request, target_type, pk):
    """The concept tags of one record; a POST (curators only) changes one of them, then redirects."""
    model = curation.tag_targets().get(target_type)
    if model is None:
        raise Http404
    record = get_object_or_404(model, pk=pk)
    _require_view(request, record)
    may_curate = permissions.can_curate_tags(request.user, record)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_curate:
            raise PermissionDenied
        _post_curation(request, target_type, record)
        return redirect(request.path)
    context = {"record": record, "target_type": target_type, "title": _record_title(target_type, record),
               "tags": _record_tags(target_type, record), "may_curate": may_curate,
               **_record_links(target_type, record)}
    if may_curate:
        context["curate_form"] = TagCurationForm(target_type=target_type, auto_id="curate-%s",
                                                 initial={"action": CurationAction.CURATE})
        if target_type != "actor":
            context["reject_form"] = TagCurationForm(target_type=target_type, auto_id="reject-%s",
                                                     initial={"action": CurationAction.REJECT})
    return render(request, "matchmaking/record_tags.html", context)


def _post_curation(request, target_type: str, record) -> None:
    """Parse the form, apply the action, and say what happened (messages on the next page)."""
    form = TagCurationForm(request.POST, target_type=target_type)
    if not form.is_valid():
        for message in form.messages_for_page():
            messages.error(request, message)
        return
    action, concept = form.cleaned_data["action"], form.cleaned_data["concept"]
    try:
        curation.CURATION_ACTIONS[action](target_type, record, concept, acting_user=request.user)
    except curation.Unchanged:
        messages.info(request, {
            "curate": _("%(concept)s is already a curated tag of this record; nothing changed."),
            "reject": _("%(concept)s is already rejected for this record; nothing changed."),
            "remove": _("%(concept)s has no curated tag on this record; nothing changed."),
        }[action] % {"concept": concept.label})
        return
    except ValidationError as error:
        report_validation_error(request, error)
        return
    messages.success(request, {
        "curate": _("%(concept)s is now a curated tag of this record."),
        "reject": _("%(concept)s is now rejected for this record: it no longer counts in matching."),
        "remove": _("The curated tag %(concept)s was removed; what the tagger derives applies again."),
    }[action] % {"concept": concept.label})
    if not permissions.can_curate_tags(request.user, record):
        messages.warning(request, _("This record no longer carries a focus domain of your portfolio: from now on its "
                                    "tags are curated by its programme manager or the programme direction."))
