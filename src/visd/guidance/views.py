"""The instrument catalogue by phase, an instrument's navigator facts, and the navigator itself.

All pages are public (the catalogue is public reference data) and read-only; the navigator is a GET
form, so its answer is a link that can be shared and printed."""

from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode

from visd.actors.models import Actor
from visd.funding.models import Phase

from . import navigator, services
from .examples import EXAMPLES
from .forms import NavigatorForm
from .models import ContactPoint, Obligation


def catalogue(request):
    instruments = list(services.catalogue())
    by_phase = {phase: [] for phase in Phase.values}
    unplaced = []
    for instrument in instruments:
        guidance = getattr(instrument, "guidance", None)
        phases = guidance.phases if guidance else []
        for phase in phases:
            by_phase.setdefault(phase, []).append(instrument)
        if not phases:
            unplaced.append(instrument)
    context = {
        "phases": [(value, label, by_phase[value]) for value, label in Phase.choices],
        "unplaced": unplaced,
        "instrument_count": len(instruments),
        "contact_points": ContactPoint.objects.all(),
        "rules": navigator.RULES,
        "trl_phases": navigator.TRL_PHASES,
        "rules_version": navigator.RULES_VERSION,
    }
    return render(request, "guidance/catalogue.html", context)


def instrument(request, code):
    item = get_object_or_404(services.catalogue(), code=code)
    context = {
        "instrument": item,
        "guidance": getattr(item, "guidance", None),
        "rates": list(item.aid_rates.all()),
        "contact_points": item.contact_points.all(),
        "obligations": Obligation.objects.filter(instruments=item),
    }
    return render(request, "guidance/instrument.html", context)


def navigator_page(request):
    actor = None
    data = request.GET.copy()
    actor_id = data.get("actor", "")
    if actor_id.isdigit():
        actor = Actor.objects.filter(pk=int(actor_id)).first()
        if actor is not None and "goal" not in data:
            # First visit from an actor's page: fill in what the registry knows, ask the rest.
            form = NavigatorForm(initial=NavigatorForm.initial_for_actor(actor))
            return render(request, "guidance/navigator.html", _context(request, form, actor, None))
    form = NavigatorForm(data if data.get("goal") else None)
    answer = None
    if form.is_bound and form.is_valid():
        answer = services.navigate(form.profile())
    return render(request, "guidance/navigator.html", _context(request, form, actor, answer))


def _context(request, form, actor, answer):
    examples = [(code, title, f"?{urlencode(params)}") for code, title, params in EXAMPLES]
    return {"form": form, "actor": actor, "answer": answer, "examples": examples,
            "rules": navigator.RULES, "rules_version": navigator.RULES_VERSION,
            "share_url": request.build_absolute_uri() if answer else ""}
