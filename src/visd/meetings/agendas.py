"""What participants take home: a personal agenda as rows, as an iCalendar file (RFC 5545, written by
the ``icalendar`` library) and as a PDF (WeasyPrint, with the fonts and the locked-down URL fetcher of
the yearly report, ``visd.programme.report_pdf``). Reads only; participants see published meetings."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Meeting, MeetingStatus, Participant


@dataclass
class AgendaRow:
    meeting: Meeting
    other: Participant
    table_name: str
    message: str


def agenda(participant: Participant, *, include_unpublished: bool = False) -> list[AgendaRow]:
    meetings = (Meeting.objects.filter(request__requester=participant) | Meeting.objects.filter(request__recipient=participant))
    meetings = meetings.exclude(status=MeetingStatus.CANCELLED).select_related(
        "slot", "matchmaking", "request__requester__registration", "request__recipient__registration")
    if not include_unpublished:
        meetings = meetings.filter(published=True)
    rows = []
    for meeting in meetings.order_by("slot__starts_at"):
        rows.append(AgendaRow(meeting, meeting.request.other(participant), meeting.table_name(), meeting.request.message))
    return rows


def agenda_ics(participant: Participant, rows: list[AgendaRow], site: str = "visd-hub") -> bytes:
    """One VEVENT per meeting, with a stable UID (the meeting's id), so a calendar that imports the file
    again updates the meetings instead of doubling them."""
    from icalendar import Calendar, Event as CalendarEvent

    event = participant.matchmaking.event
    calendar = Calendar()
    calendar.add("prodid", "-//VISD Hub//B2B meetings//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{event.title}: {participant}")
    stamp = timezone.now()
    for row in rows:
        entry = CalendarEvent()
        entry.add("uid", f"meeting-{row.meeting.pk}@{site}")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", row.meeting.slot.starts_at)
        entry.add("dtend", row.meeting.slot.ends_at)
        entry.add("summary", _("B2B meeting with %(other)s") % {"other": row.other})
        entry.add("location", ", ".join(part for part in (row.table_name, event.location) if part))
        description = [event.title]
        if row.message:
            description.append(row.message)
        entry.add("description", "\n".join(description))
        calendar.add_component(entry)
    return calendar.to_ical()


def agenda_pdf(participant: Participant, rows: list[AgendaRow]) -> bytes:
    from visd.programme import report_pdf

    weasyprint = report_pdf._weasyprint()
    fonts = report_pdf.font_files()
    event = participant.matchmaking.event
    html = render_to_string("meetings/agenda_pdf.html", {
        "participant": participant, "event": event, "rows": rows, "language": translation.get_language() or "nl",
        "title": _("Agenda of %(participant)s at %(event)s") % {"participant": participant, "event": event.title},
        "generated_at": timezone.localtime(),
    })
    stylesheet = render_to_string("meetings/agenda_pdf.css", {
        "font_family": report_pdf.css_string(report_pdf.FONT_FAMILY),
        "fonts": {weight: report_pdf.css_string(path.as_uri()) for weight, path in fonts.items()},
    })
    fetcher = report_pdf._fonts_only_fetcher(weasyprint, {path.as_uri() for path in fonts.values()})
    font_config = weasyprint.text.fonts.FontConfiguration()
    document = weasyprint.HTML(string=html, url_fetcher=fetcher)
    return document.write_pdf(
        stylesheets=[weasyprint.CSS(string=stylesheet, url_fetcher=fetcher, font_config=font_config)],
        font_config=font_config, pdf_variant="pdf/ua-1")
