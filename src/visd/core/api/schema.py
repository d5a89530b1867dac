from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import SAFE_METHODS

from visd.core import locking

STALE_VERSION = {
    "description": "The version sent is stale: someone else changed the record since the client read it. The "
    "body holds `detail`, `your_version` and `current_version`, the record as stored (`current`) and the "
    "request as sent (`yours`). Nothing was written.",
    "content": {"application/json": {"schema": {"type": "object", "additionalProperties": True}}},
}


def _error(description: str, *, messages: bool = False) -> dict:
    """An error answer: DRF's ``{"detail": ...}``; with ``messages``, a refused input: its fields and
    their messages, or a list of messages when the input as a whole is refused."""
    body = {"type": "object", "additionalProperties": True}
    if messages:
        body = {"oneOf": [body, {"type": "array", "items": {"type": "string"}}]}
    return {"description": description, "content": {"application/json": {"schema": body}}}


WRITES = ("POST", "PUT", "PATCH")
# The answers every operation of a kind can give, whatever its view (issue 18 item 6: every status code
# the API returns is in its schema). Each is added only where it can happen.
BAD_REQUEST = _error("The input or a query parameter is refused (each field with its message); nothing was written.",
                     messages=True)
UNAUTHORIZED = _error("Not logged in (no session and no token), or the token sent is not valid.")
FORBIDDEN = _error("Logged in, but your role does not allow this (or the CSRF token of a session is missing).")
NOT_FOUND = _error("No such record, or none you may see.")
NOT_ACCEPTABLE = _error("The Accept header asks for a format the API does not give (JSON).")
TOO_LARGE = _error("The request body is larger than this endpoint accepts (VISD_REQUEST_BODY_LIMIT).")
UNSUPPORTED = _error("The request body is not JSON, a form or multipart data.")
THROTTLED = _error("Too many requests from this client or user; try again after the Retry-After seconds.")


class VisdAutoSchema(AutoSchema):
    """drf-spectacular's schema for every view of the API (``DEFAULT_SCHEMA_CLASS``), with the error
    answers each operation can give (``_error_responses``) and the 409 of optimistic locking."""

    def _get_response_bodies(self, direction="response"):
        """A change (PUT or PATCH) of a record under optimistic locking (``visd.core.locking``) may
        also be answered 409 (``visd.core.api.views.StaleVersion``)."""
        responses = super()._get_response_bodies(direction)
        serializer = self.get_request_serializer() if self.method in ("PUT", "PATCH") else None
        model = getattr(getattr(serializer, "Meta", None), "model", None)
        if locking.is_locked(model) and "409" not in responses:
            responses["409"] = STALE_VERSION
        if direction == "response":
            for code, response in self._error_responses().items():
                responses.setdefault(code, response)
        return responses

    def _error_responses(self) -> dict:
        """401 and 403 anywhere (a token that is not valid is refused even where anyone may read; a
        role or a missing CSRF token may refuse), 406 anywhere (content negotiation), 404 on a record's
        path, 400 where there is input or a query parameter (of a filter set, the pagination or the
        view's own), 413 and 415 where there is a body, 429 where a
        throttle applies."""
        out = {"401": UNAUTHORIZED, "403": FORBIDDEN, "406": NOT_ACCEPTABLE}
        if "{" in self.path:
            out["404"] = NOT_FOUND
        if (self.method in WRITES or self._get_filter_parameters() or self._get_pagination_parameters()
                or self.get_override_parameters()):
            out["400"] = BAD_REQUEST
        if self.method in WRITES:
            out["413"], out["415"] = TOO_LARGE, UNSUPPORTED
        if getattr(self.view, "throttle_classes", None):
            out["429"] = THROTTLED
        return out


class RoleAwareAutoSchema(VisdAutoSchema):
    """Told what ``RolePermission`` allows: reading a public resource needs no authentication, so its
    GET operations list anonymous access (``{}``) as well."""

    def get_auth(self):
        auths = super().get_auth()
        public = getattr(self.view, "read_permission", None) is None
        if self.method in SAFE_METHODS and public and {} not in auths:
            auths.append({})
        return auths
