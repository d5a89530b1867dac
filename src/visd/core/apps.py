from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "visd.core"
    label = "core"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the profile signal)
