"""The API's JSON parser: a body nested deeper than ``VISD_API_MAX_JSON_DEPTH`` levels (32 by
default; the registry's own records nest three or four) is a 400, never a server error from the
parser's recursion."""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


def json_depth(value) -> int:
    """How deeply ``value`` nests lists and objects, counted without recursion.

    >>> json_depth(1), json_depth([]), json_depth({"a": [1, {"b": 2}]})
    (0, 1, 3)
    """
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.VISD_API_MAX_JSON_DEPTH
        message = _("JSON parse error - nested deeper than %(limit)d levels.") % {"limit": limit}
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(message) from None
        if json_depth(data) > limit:
            raise ParseError(message)
        return data
