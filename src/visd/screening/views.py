"""Screening pages: ethics (ESAC), export control, country information for knowledge security, and
the stored screenings. Guidance with its reasons and sources, never a legal decision.

Access: logged-in users with a VISD role (``permissions.can_use_screening``); anyone else is sent
to the login page, a user without a role gets 403. A stored screening is shown to those
``permissions.can_view_screening`` allows; to others it does not exist (404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from visd.core import permissions
from visd.projects.models import Project

from . import actions, esac, knowledge_security
from .countries import countries, country_name, eu_member_states, is_eu_member
from .export_control import restriction_as_dict
from .forms import EsacForm, ExportForm
from .models import CountryNote, ExportRestriction, Screening, ScreeningKind
from .queries import countries_with_records

RECENT = 50


def _require_screening(request) -> None:
    if not permissions.can_use_screening(request.user):
        raise PermissionDenied(_("Screening is open to users with a VISD role."))


def _language() -> str:
    return (get_language() or "nl")[:2]


@login_required
def index(request):
    _require_screening(request)
    screenings = permissions.visible_screenings(request.user).select_related("project", "created_by")[:RECENT]
    return render(request, "screening/index.html", {
        "screenings": screenings,
        "current_rules": esac.current_version(),
        "show_authors": permissions.is_visd_staff(request.user),
    })


def _questionnaire(request, form_class, kind, template, restrictions=()):
    _require_screening(request)
    initial = {}
    project_pk = request.GET.get("project")
    if project_pk and project_pk.isdigit():
        project = get_object_or_404(Project, pk=project_pk)
        initial = {"project": project.pk, "subject": str(project)}
    data = request.POST if request.method == "POST" else None
    form = form_class(data, initial=initial, restrictions=restrictions)
    if data is not None and form.is_valid():
        screening = actions.record_screening(kind, form.cleaned_data["subject"], form.result,
                                             acting_user=request.user, project=form.cleaned_data.get("project"))
        messages.success(request, _("Screening saved."))
        return redirect(screening)
    project = form["project"].value()
    return render(request, template, {
        "form": form,
        "project": Project.objects.filter(pk=project).first() if str(project or "").isdigit() else None,
        "versions": esac.default_rules(),
    })


@login_required
def esac_screening(request):
    return _questionnaire(request, EsacForm, ScreeningKind.ESAC, "screening/esac_form.html")


@login_required
def export_screening(request):
    restrictions = [restriction_as_dict(r) for r in ExportRestriction.objects.all()]
    return _questionnaire(request, ExportForm, ScreeningKind.EXPORT, "screening/export_form.html", restrictions)


@login_required
def screening_detail(request, pk):
    _require_screening(request)
    screening = get_object_or_404(Screening.objects.select_related("project", "created_by"), pk=pk)
    if not permissions.can_view_screening(request.user, screening):
        raise Http404
    language = _language()
    result = screening.result
    context = {"screening": screening, "result": result, "lang": language,
               "show_author": permissions.is_visd_staff(request.user) or screening.created_by_id == request.user.pk}
    if screening.kind == ScreeningKind.EXPORT:
        context["destination_name"] = country_name(result["path"]["destination"], language)
    return render(request, f"screening/{screening.kind}_detail.html", context)


@login_required
def country_list(request):
    _require_screening(request)
    language = _language()
    today = timezone.localdate()
    query = request.GET.get("q", "").strip()[:100]
    records = countries_with_records(today)
    if query:
        notes = knowledge_security.search(CountryNote.objects.in_force(today), query)
        codes = set(knowledge_security.matching_countries(query)) | {n.country for n in notes}
    else:
        codes = set(records)
    rows = sorted(({"code": code, "name": country_name(code, language),
                    "notes": records.get(code, {}).get("notes", 0),
                    "restrictions": records.get(code, {}).get("restrictions", 0),
                    "eu": is_eu_member(code)} for code in codes), key=lambda row: row["name"])
    return render(request, "screening/country_list.html", {"rows": rows, "query": query,
                                                           "country_count": len(countries())})


@login_required
def country_detail(request, code):
    _require_screening(request)
    code = code.upper()
    if code not in countries():
        raise Http404
    today = timezone.localdate()
    members, members_source = eu_member_states()
    return render(request, "screening/country_detail.html", {
        "code": code,
        "name": country_name(code, _language()),
        "lang": _language(),
        "eu": code in members,
        "eu_source": members_source,
        "notes": CountryNote.objects.in_force(today).filter(country=code),
        "restrictions": ExportRestriction.objects.in_force(today).filter(country=code),
        "today": today,
    })
