"""The source documents as pages: a list of the five, and each document's text with an anchor per
section heading and per line, the passage a citation points to marked. Public: the documents are
published policy texts."""

from __future__ import annotations

import re

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from .documents import BY_SLUG, DOCUMENTS, headings_of, lines_of

PASSAGE = re.compile(r"^\s*\d{1,6}(?:\s*-\s*\d{1,6})?(?:\s*,\s*\d{1,6}(?:\s*-\s*\d{1,6})?){0,19}\s*$")


def _passage(value: str, last_line: int) -> tuple[set[int], str]:
    """The lines of ``?passage=1879-1897,1164`` and, for a value that is not one, the message."""
    if not value:
        return set(), ""
    if not PASSAGE.match(value):
        return set(), _("The passage to mark could not be read; the whole document is shown.")
    marked: set[int] = set()
    for part in value.split(","):
        numbers = [int(n) for n in re.findall(r"\d+", part)]
        start, end = numbers[0], numbers[-1]
        if end < start or end - start > 2000:
            return set(), _("The passage to mark could not be read; the whole document is shown.")
        marked.update(range(start, min(end, last_line) + 1))
    return marked, ""


def document_list(request):
    return render(request, "sources/list.html", {
        "documents": [(d, lines_of(d) is not None) for d in DOCUMENTS],
    })


def document(request, slug):
    doc = BY_SLUG.get(slug)
    if doc is None:
        raise Http404
    lines = lines_of(doc)
    context = {"document": doc, "available": lines is not None, "blocks": [], "headings": ()}
    if lines is None:
        return render(request, "sources/document.html", context)
    marked, problem = _passage(request.GET.get("passage", "")[:200], len(lines))
    headings = headings_of(doc)
    heading_lines = {h.line: h for h in headings}
    blocks: list[dict] = []
    paragraph: list[tuple[int, str, bool]] = []
    for number, text in enumerate(lines, start=1):
        if number in heading_lines:
            if paragraph:
                blocks.append({"heading": None, "lines": paragraph})
                paragraph = []
            blocks.append({"heading": heading_lines[number], "lines": [(number, text.strip(), number in marked)]})
        elif not text.strip():
            if paragraph:
                blocks.append({"heading": None, "lines": paragraph})
                paragraph = []
        else:
            paragraph.append((number, text.strip(), number in marked))
    if paragraph:
        blocks.append({"heading": None, "lines": paragraph})
    context.update(blocks=blocks, headings=headings, passage_problem=problem, marked=bool(marked))
    return render(request, "sources/document.html", context)
