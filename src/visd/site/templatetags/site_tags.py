"""``{{ text|paragraphs }}``: an editor's plain text as HTML. A blank line starts a paragraph and lines
starting with "- " form a list; everything is escaped, so an editor's text cannot inject markup.

>>> str(paragraphs("One\\n\\n- a\\n- b <i>\\nTwo"))
'<p>One</p>\\n<ul><li>a</li><li>b &lt;i&gt;</li></ul>\\n<p>Two</p>'
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def paragraphs(text: str):
    blocks, paragraph, items = [], [], []

    def flush():
        if paragraph:
            blocks.append("<p>" + " ".join(paragraph) + "</p>")
            paragraph.clear()
        if items:
            blocks.append("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")
            items.clear()

    for line in str(text or "").splitlines():
        line = line.strip()
        if not line:
            flush()
        elif line.startswith("- "):
            if paragraph:
                blocks.append("<p>" + " ".join(paragraph) + "</p>")
                paragraph.clear()
            items.append(escape(line[2:].strip()))
        else:
            if items:
                flush()
            paragraph.append(escape(line))
    flush()
    return mark_safe("\n".join(blocks))


@register.inclusion_tag("site/_how_to_start.html", takes_context=True)
def how_to_start(context, register_name: str):
    """An empty register's "how to start" (issue 17: the demo invents no VISD projects or
    stakeholders). Shows nothing once the register holds a record."""
    from visd.core import permissions

    if register_name == "visd_projects":
        from visd.projects.models import VisdProject

        empty = not VisdProject.objects.exists()
    elif register_name == "stakeholders":
        from visd.stakeholders.models import Contact, Interaction

        empty = not (Contact.objects.exists() or Interaction.objects.exists())
    else:
        raise ValueError(f"no how-to-start text for {register_name!r}")
    user = context.get("user")
    return {"show": empty, "register_name": register_name,
            "can_start": user is not None and permissions.is_visd_staff(user)}
