"""``{{ name|readable_name }}``: an official organisation name as people read it (``visd.actors.names``),
for rows that carry only the name (e.g. the strength map's top actors, read from the matching index)."""

from django import template

from visd.actors import names

register = template.Library()


@register.filter
def readable_name(value) -> str:
    return names.full_display_name(str(value or ""))
