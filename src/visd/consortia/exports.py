"""The consortium's eligibility note: the verdict rule by rule with its sources, the members and the
funding estimate, as XLSX (openpyxl, every cell through ``visd.core.exports.safe_cell``) and as PDF
(WeasyPrint, like the yearly report: an autoescaped template, DejaVu fonts, no resource fetched)."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from visd.core.exports import safe_row
from visd.screening.countries import country_name

from . import actions
from .models import Consortium

STATUS = {"pass": "pass", "fail": "fail", "unknown": "unknown"}


def _status_label(status: str) -> str:
    return {"pass": _("Pass"), "fail": _("Fail"), "unknown": _("Unknown")}[status]


def _verdict(eligible) -> str:
    return {True: _("Eligible"), False: _("Not eligible"), None: _("Not known: data missing")}[eligible]


def note_context(consortium: Consortium) -> dict:
    result = actions.evaluate(consortium)
    return {"consortium": consortium, "result": result, "verdict": _verdict(result["eligible"]),
            "members": list(consortium.members.select_related("actor", "controlled_by_member")),
            "estimate": actions.estimate(consortium), "generated_at": timezone.localtime(timezone.now()),
            "language": actions.language(), "rule_set_version": result["rule_set_version"],
            "rows": [{**rule, "status_label": _status_label(rule["status"]),
                      "names": ", ".join(m.name for m in rule["member_objects"])} for rule in result["rules"]]}


def note_xlsx(consortium: Consortium) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    context = note_context(consortium)
    language = context["language"]
    book = Workbook()
    sheet = book.active
    sheet.title = _("Eligibility")[:31]
    bold = Font(bold=True)
    sheet.append(safe_row([_("Eligibility note"), consortium.title]))
    sheet.append(safe_row([_("Call topic"), consortium.call.topic_id if consortium.call else ""]))
    sheet.append(safe_row([_("Verdict"), context["verdict"]]))
    sheet.append(safe_row([_("Rule set"), f"{consortium.programme} {context['rule_set_version']}"]))
    sheet.append([])
    sheet.append(safe_row([_("Rule"), _("Status"), _("Members"), _("Explanation"), _("Source")]))
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for row in context["rows"]:
        sheet.append(safe_row([row["title"], row["status_label"], row["names"], row["explanation"], row["source"]]))
    sheet.append([])
    sheet.append(safe_row([_("What it would take")]))
    for suggestion in context["result"]["suggestions"]:
        sheet.append(safe_row([suggestion["text"]]))

    members = book.create_sheet(_("Members")[:31])
    members.append(safe_row([_("Name"), _("PIC"), _("Role"), _("Country of establishment"),
                             _("Country of the executive management structures"), _("SME"), _("Controlled by"),
                             _("Country of the ultimate controlling entity"), _("Guarantees"),
                             _("Source of the control data"), _("Eligible costs (EUR)")]))
    for cell in members[1]:
        cell.font = bold
    for m in context["members"]:
        controller = (_("not known") if not m.control_stated else
                      m.controlled_by_member.name if m.controlled_by_member else m.controlled_by_name or _("nobody"))
        members.append(safe_row([
            m.name, m.pic, m.get_role_display(), country_name(m.country, language) if m.country else "",
            country_name(m.management_country, language) if m.management_country else "",
            {True: _("Yes"), False: _("No"), None: ""}[m.sme], controller,
            country_name(m.controller_country, language) if m.controller_country else "",
            _("Yes") if m.guarantees else _("No"), m.control_source,
            float(m.budget_eur) if m.budget_eur is not None else None]))

    money = book.create_sheet(_("Funding estimate")[:31])
    estimate = context["estimate"]
    money.append(safe_row([_("Base rate"), estimate["base"]["rate"], estimate["base"]["source"]]))
    for bonus in estimate["bonuses"]:
        money.append(safe_row([bonus["label"], bonus["points"], bonus["source"], bonus.get("note", "")]))
    for note in estimate["notes"]:
        money.append(safe_row([note]))
    money.append(safe_row([_("Funding rate applied (%)"), estimate["applied_rate"]]))
    money.append([])
    money.append(safe_row([_("Member"), _("Eligible costs (EUR)"), _("Estimated EU contribution (EUR)")]))
    for row in estimate["members"]:
        money.append(safe_row([row["name"], row["budget_eur"], row["eu_contribution_eur"]]))
    money.append(safe_row([_("Total"), estimate["total_eur"], estimate["eu_contribution_eur"]]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def note_pdf(consortium: Consortium) -> bytes:
    from visd.programme.report_pdf import _weasyprint, css_string, font_files

    weasyprint = _weasyprint()
    fonts = font_files()
    context = note_context(consortium)
    html = render_to_string("consortia/note_pdf.html", {
        **context, "font_family": css_string("DejaVu Sans"),
        "fonts": {weight: css_string(path.as_uri()) for weight, path in fonts.items()}})
    allowed = {path.as_uri() for path in fonts.values()}

    class FontsOnly(weasyprint.URLFetcher):
        # the note loads the font files and nothing else, whatever a member's name says
        def fetch(self, url, headers=None):
            if url not in allowed:
                raise ValueError(f"The eligibility note loads no resource: {url}")
            return super().fetch(url, headers)

    fetcher = FontsOnly(allowed_protocols=["file"], allow_redirects=False)
    font_config = weasyprint.text.fonts.FontConfiguration()
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf(font_config=font_config, pdf_variant="pdf/ua-1")
