from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import SAFE_METHODS


class RoleAwareAutoSchema(AutoSchema):
    """drf-spectacular's schema, told what ``RolePermission`` allows: reading a public resource
    needs no authentication, so its GET operations list anonymous access (``{}``) as well."""

    def get_auth(self):
        auths = super().get_auth()
        public = getattr(self.view, "read_permission", None) is None
        if self.method in SAFE_METHODS and public and {} not in auths:
            auths.append({})
        return auths
