"""The administrators' import page: upload files, then see the counts or every problem.

Only users who may manage reference data (``visd.core.permissions``) get here; anyone not logged
in is sent to the login page, other users get 403. The view reads the uploaded files and calls the
same actions as ``visd import``; the result is an ImportRun, shown on its own page (POST, then
redirect). While another import runs, the page refuses at once with who runs it since when (409);
nothing is written.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from visd.core import permissions

from . import actions
from .forms import ImportForm
from .lock import ImportBusy
from .models import ImportRun
from .problems import count_label
from .readers import InputFile

RECENT_RUNS = 20


def _require_manager(user) -> None:
    if not permissions.can_manage_reference_data(user):
        raise PermissionDenied


def _input(upload) -> InputFile | None:
    return None if upload is None else InputFile(name=upload.name, content=upload.read())


@login_required
def index(request):
    _require_manager(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # Another import running: say so at once (wait=False) rather than keep the browser waiting.
            if data["kind"] == ImportForm.KIND_CORDIS:
                run = actions.import_cordis(_input(data["projects"]), _input(data["organisations"]),
                                            source_label=data["source_label"], user=request.user, wait=False)
            else:
                run = actions.import_topics([_input(upload) for upload in data["topics"]],
                                            source_label=data["source_label"], user=request.user, wait=False)
        except ImportBusy as busy:
            form.add_error(None, str(busy))
            status = 409
        else:
            return redirect("imports:run", pk=run.pk)
    runs = ImportRun.objects.select_related("started_by")[:RECENT_RUNS]
    return render(request, "imports/index.html", {"form": form, "runs": runs}, status=status)


@login_required
def run_detail(request, pk):
    _require_manager(request.user)
    run = get_object_or_404(ImportRun.objects.select_related("started_by"), pk=pk)
    counts = [(count_label(name), outcomes) for name, outcomes in run.counts.items() if name != "notes"]
    notes = [(count_label(name), number) for name, number in sorted(run.counts.get("notes", {}).items())]
    return render(request, "imports/run_detail.html", {"run": run, "counts": counts, "notes": notes})
