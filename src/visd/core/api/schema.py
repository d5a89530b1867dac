from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import SAFE_METHODS

from visd.core import locking

STALE_VERSION = {
    "description": "The version sent is stale: someone else changed the record since the client read it. The "
    "body holds `detail`, `your_version` and `current_version`, the record as stored (`current`) and the "
    "request as sent (`yours`). Nothing was written.",
    "content": {"application/json": {"schema": {"type": "object", "additionalProperties": True}}},
}


class RoleAwareAutoSchema(AutoSchema):
    """drf-spectacular's schema, told what ``RolePermission`` allows: reading a public resource
    needs no authentication, so its GET operations list anonymous access (``{}``) as well."""

    def _get_response_bodies(self, direction="response"):
        """A change (PUT or PATCH) of a record under optimistic locking (``visd.core.locking``) may
        also be answered 409 (``visd.core.api.views.StaleVersion``)."""
        responses = super()._get_response_bodies(direction)
        serializer = self.get_request_serializer() if self.method in ("PUT", "PATCH") else None
        model = getattr(getattr(serializer, "Meta", None), "model", None)
        if locking.is_locked(model) and "409" not in responses:
            responses["409"] = STALE_VERSION
        return responses

    def get_auth(self):
        auths = super().get_auth()
        public = getattr(self.view, "read_permission", None) is None
        if self.method in SAFE_METHODS and public and {} not in auths:
            auths.append({})
        return auths
