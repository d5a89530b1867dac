from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "visd.core"
    label = "core"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the profile and token-revocation signals)
        from .backup import keep_sqlite_file_private

        connection_created.connect(keep_sqlite_file_private, dispatch_uid="visd-sqlite-file-private")


class VisdAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with VISD's role-based site (visd.core.admin_site) as ``admin.site``.
    Not the default config of this module: INSTALLED_APPS names it explicitly."""

    default = False
    default_site = "visd.core.admin_site.VisdAdminSite"
