from django.db.models import F
from django.shortcuts import get_object_or_404, render

from visd.core.listing import filtered_page

from .filtersets import CallFilterSet, InstrumentFilterSet
from .models import Call, Instrument


def call_list(request):
    # Soonest deadline first; calls without a deadline last on every database.
    calls = Call.objects.order_by(F("deadline").asc(nulls_last=True), "topic_id")
    return render(request, "funding/call_list.html", filtered_page(request, CallFilterSet, calls))


def call_detail(request, topic_id):
    call = get_object_or_404(Call, topic_id=topic_id)
    return render(request, "funding/call_detail.html", {"call": call})


def instrument_list(request):
    instruments = Instrument.objects.select_related("owner_actor")
    return render(request, "funding/instrument_list.html", filtered_page(request, InstrumentFilterSet, instruments))


def instrument_detail(request, code):
    instrument = get_object_or_404(Instrument.objects.select_related("owner_actor"), code=code)
    return render(request, "funding/instrument_detail.html", {"instrument": instrument})
