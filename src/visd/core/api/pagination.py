"""The API's one pagination: ``?limit=&offset=`` with a ceiling, so one request cannot ask for the
whole registry (``VISD_API_MAX_PAGE_SIZE``, 500 by default). A limit above the ceiling is clamped
to it (the answer's ``next`` link says where the following page starts); a limit or offset that is
not a whole number, a limit below 1, a negative offset, or either beyond the 64-bit range the
databases count in is a 400 naming the parameter, never a server error."""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

MAX_OFFSET = 2**63 - 1  # the databases' largest row offset (a 64-bit integer)


def _whole_number(raw: str, name: str, minimum: int, maximum: int | None = None) -> int:
    text = raw.strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isascii() or not digits.isdigit():
        raise ValidationError({name: [_("Enter a whole number.")]})
    if len(digits) > 19 or int(text) > (maximum if maximum is not None else MAX_OFFSET):
        raise ValidationError({name: [_("Ensure this value is less than or equal to %(limit_value)s.")
                                      % {"limit_value": maximum if maximum is not None else MAX_OFFSET}]})
    value = int(text)
    if value < minimum:
        raise ValidationError({name: [_("Ensure this value is greater than or equal to %(limit_value)s.")
                                      % {"limit_value": minimum}]})
    return value


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """``?limit=&offset=``, at most ``VISD_API_MAX_PAGE_SIZE`` records a page (see the module)."""

    @property
    def max_limit(self) -> int:
        return settings.VISD_API_MAX_PAGE_SIZE

    def get_limit(self, request):
        raw = request.query_params.get(self.limit_query_param)
        if raw is None or raw == "":
            return self.default_limit
        # A huge limit is clamped rather than refused: asking for "everything" gets the largest page.
        value = _whole_number(raw, self.limit_query_param, minimum=1, maximum=MAX_OFFSET)
        return min(value, self.max_limit)

    def get_offset(self, request):
        raw = request.query_params.get(self.offset_query_param)
        if raw is None or raw == "":
            return 0
        return _whole_number(raw, self.offset_query_param, minimum=0)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = (
                    f"Number of results to return per page: at most {self.max_limit} "
                    f"(a larger limit is reduced to {self.max_limit}).")
            elif parameter["name"] == self.offset_query_param:
                parameter["schema"].update({"minimum": 0, "maximum": MAX_OFFSET})
        return parameters
