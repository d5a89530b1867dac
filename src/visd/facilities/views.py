"""The test-facility finder (public) and the inventory upload (management only)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from visd.core.listing import filtered_page
from visd.core.permissions import can_manage_reference_data
from visd.imports.lock import ImportBusy, import_lock

from .filtersets import FacilityFinderFilterSet
from .forms import FacilityUploadForm
from .importer import COLUMNS, EXAMPLE_FILE, IMPORT_KIND, FacilityImportError, decode, import_facilities
from .models import Infrastructure


def facility_list(request):
    facilities = Infrastructure.objects.select_related("operator").prefetch_related("domains")
    context = filtered_page(request, FacilityFinderFilterSet, facilities)
    context["can_import"] = can_manage_reference_data(request.user)
    return render(request, "facilities/facility_list.html", context)


def facility_detail(request, pk):
    facility = get_object_or_404(Infrastructure.objects.select_related("operator").prefetch_related("domains"), pk=pk)
    return render(request, "facilities/facility_detail.html", {"facility": facility})


@require_http_methods(["GET", "POST"])
def facility_import(request):
    if not can_manage_reference_data(request.user):
        raise PermissionDenied
    problems = []
    status = 200
    form = FacilityUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # Another import running: say so at once rather than keep the browser waiting.
            with import_lock(IMPORT_KIND, request.user, wait=False):
                report = import_facilities(decode(upload.read()), request.user, upload.name)
        except FacilityImportError as error:
            problems = error.problems
        except ImportBusy as busy:
            form.add_error(None, str(busy))
            status = 409
        else:
            counts = ", ".join(f"{_(kind)}: {number}" for kind, number in report.counts.items())
            messages.success(request, _("Inventory imported. %(counts)s.") % {"counts": counts})
            return redirect("facilities:list")
    return render(request, "facilities/facility_import.html", {
        "form": form, "problems": problems, "columns": COLUMNS,
        "example": EXAMPLE_FILE.read_text(encoding="utf-8"),
    }, status=status)
