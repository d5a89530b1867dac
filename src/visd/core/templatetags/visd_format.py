"""Formatting filters for the web pages."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def euro(value):
    """A euro amount in whole euro with the active language's grouping: '€ 1.234.567' in Dutch,
    '€ 1,234,567' in English; empty for an unknown amount."""
    if value is None or value == "":
        return ""
    return _("€ %(amount)s") % {"amount": number_format(round(value), decimal_pos=0, force_grouping=True)}


@register.filter
def web_link(value):
    """``value`` if it is an http(s) address, else ''. Imported records are not all validated, and
    a link must never carry a javascript: or data: address into a page."""
    value = (value or "").strip()
    return value if value.lower().startswith(("https://", "http://")) else ""
