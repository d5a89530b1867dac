"""``{{ roadmap|localized:"introduction" }}``: a roadmap's (or a roadmap item's) text as the active
language shows it, the one way roadmap texts reach a page. On an English page without an English
text, the Dutch text is shown in an element with ``lang="nl"`` (screen readers switch voice)
followed by a visible "(in Dutch)" marker. Escaped; line breaks become ``<br>``.

>>> from django.utils import translation
>>> from visd.roadmaps.models import RoadmapItem
>>> item = RoadmapItem(title="Autonome <vaartuigen>", title_en="")
>>> with translation.override("nl"):
...     str(localized(item, "title"))
'Autonome &lt;vaartuigen&gt;'
>>> with translation.override("en"):
...     str(localized(item, "title"))
'<span lang="nl">Autonome &lt;vaartuigen&gt;</span> <small class="lang-note">(in Dutch)</small>'
>>> item.title_en = "Autonomous vessels"
>>> with translation.override("en"):
...     str(localized(item, "title"))
'Autonomous vessels'
"""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


def _with_breaks(text: str) -> SafeString:
    return linebreaksbr(text, autoescape=True)


@register.filter
def localized(record, name: str) -> SafeString:
    shown = record.in_language(name)
    if not shown.is_fallback:
        return _with_breaks(shown.text)
    return format_html('<span lang="{}">{}</span> <small class="lang-note">{}</small>',
                       shown.language, _with_breaks(shown.text), _("(in Dutch)"))

