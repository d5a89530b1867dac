from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    name = "visd.core"
    label = "core"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the profile and token-revocation signals)


class VisdAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with VISD's role-based site (visd.core.admin_site) as ``admin.site``.
    Not the default config of this module: INSTALLED_APPS names it explicitly."""

    default = False
    default_site = "visd.core.admin_site.VisdAdminSite"
