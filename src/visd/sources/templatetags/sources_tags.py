"""``{{ note|cite }}``: a source note as citations people can read (visd.sources.citations).
A list of notes is cited one after the other; ``{{ note|cite:url }}`` links a note that names no
document to ``url`` (an export restriction's legal act)."""

from django import template
from django.utils.safestring import mark_safe

from visd.sources.citations import plain_text, render

register = template.Library()


@register.filter
def cite(note, url=""):
    if not note:
        return ""
    if isinstance(note, (list, tuple)):
        return mark_safe("; ".join(render(str(n)) for n in note if n))
    return render(str(note), url or "")


@register.filter
def cite_text(note):
    """The note as plain text (title attributes, exports)."""
    if isinstance(note, (list, tuple)):
        return "; ".join(plain_text(str(n)) for n in note if n)
    return plain_text(str(note or ""))
